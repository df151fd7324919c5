"""A parsed page as the pipeline keys it: the record, the two digests it is known by, and
what it shows of the site's pager.

The pipeline tells pages apart by what they say (``page_content_hash``, a canonical JSON of
the record hashed) and by their bytes (SHA-256 of the body). Both are pure functions of the
response, like the record and the pager bases it shows, so they travel with it:
they are computed where the page is parsed (``digested``, ``parse_digested``), in the
crawl's worker or in a ``reparse`` pool worker, whose main process (the replay, its one
busy core) then does not compute them again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from casearchive.parsers.case import page_content_hash
from casearchive.parsers.page import parse_page
from casearchive.parsers.records import PageRecord

from .discovery import learn_page_bases


@dataclass(slots=True)
class ParsedPage:
    """``parse_page``'s record of a response, and its digests."""

    record: PageRecord
    content_digest: str | None
    """``page_content_hash`` of the record as parsed (None: no case-like content)."""
    body_sha256: str
    """Hex SHA-256 of the body the record was parsed from."""
    page_bases: dict[str, int]
    """The pager bases the page shows (``discovery.learn_page_bases``), by its own URL."""


def digested(record: PageRecord, body: bytes, body_sha256: str | None = None) -> ParsedPage:
    """``record`` (just parsed from ``body`` under its ``url``, not yet changed) with its
    digests and what it shows of the site's pager; ``body_sha256`` when the caller hashed
    the body already."""
    printed = record.page_number if record.page_total is not None else None
    return ParsedPage(record, page_content_hash(record),
                      body_sha256 or hashlib.sha256(body).hexdigest(),
                      learn_page_bases(record.url, record.links, printed))


def parse_digested(body: bytes, url: str, headers: dict[str, str]) -> ParsedPage:
    """``parse_page`` with the digests of what it parsed."""
    return digested(parse_page(body, url, headers), body)


#: ``parse_digested``'s signature; ``reparse`` passes a drop-in that parsed ahead.
PageParser = Callable[[bytes, str, dict[str, str]], ParsedPage]
