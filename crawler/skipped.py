"""``Skipped``: a URL that yields no page, and why (the spider yields only requests;
this record travels to the report and to the page pipeline)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class Skipped:
    """A fetched or attempted URL that yields no case page, and why."""

    url: str
    reason: str
    """"HTTP 404", "not HTML (application/pdf)", "soft 404", "no case sections", ..."""
    status: int | None = None
    failed: bool = False
    """True when the fetch itself failed (error status, timeout, reset) after retries."""
    referer: str | None = None
    role: str | None = None
    """How the URL was linked (``link_role``): "list", "case" (from a list page) or "link"
    (from a case page); None for pages the archive itself judged."""
