"""What the crawl's two processes tell each other (``crawler.worker``).

Kept apart from ``crawler.archive`` so that Scrapy's process never imports the parser's or
the exports' libraries (pyarrow alone is ~60 MiB of resident memory): only the worker does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(slots=True)
class PageMessage:
    """A response handed over for parsing; ``role`` is "list" or "case"."""

    role: str
    url: str
    request_url: str
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: str
    warc_record_id: str | None
    link_role: str | None = None
    """How the page was linked (``Skipped.role``); says what losing it means."""
    referer: str | None = None


@dataclass(slots=True)
class Verdict:
    """What the spider should do next with a parsed page."""

    lists: list[str] = field(default_factory=list)
    """List pages to follow (parsed as lists)."""
    candidates: list[str] = field(default_factory=list)
    """Pages that may be cases (parsed as cases)."""
    skipped: str | None = None
    """Why the page is neither a list nor a case page (not followed further)."""
    fold_case: bool = False
    """The server is case-insensitive: from now on URLs differing in case are one."""


@dataclass(slots=True)
class Closed:
    snapshot: Path | None
    stats: dict[str, Any]
