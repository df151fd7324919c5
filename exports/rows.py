"""Row types the exports add next to ``CaseRecord``: a fetched page and its sections."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from casearchive.parsers.records import PageRecord, Section

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(slots=True)
class PageRow:
    """One fetched case page: a row of ``pages.parquet``; its sections feed ``sections.parquet``."""

    case_id: str
    page_number: int
    url: str
    """URL requested."""
    fetched_at: datetime
    """When the response arrived; timezone-aware (converted to UTC)."""
    final_url: str | None = None
    """URL after redirects; None when no response arrived."""
    status: int | None = None
    """HTTP status; None when no response arrived."""
    content_sha256: str | None = None
    """SHA-256 (hex) of the body bytes."""
    encoding: str | None = None
    warnings: list[str] = field(default_factory=list)
    unplaced_chars: int = 0
    furniture: str | None = None
    """The page's furniture text (``PageRecord.furniture``)."""
    warc_record_id: str | None = None
    """``WARC-Record-ID`` of the response record in ``pages.warc.gz``."""
    aliases: list[str] = field(default_factory=list)
    """Other canonical URLs of the same page: the URLs it was requested or redirected under,
    its ``rel=canonical``, URLs serving the identical body, URLs whose page says the same
    (``page_content_hash``). Sorted."""
    sections: list[Section] = field(default_factory=list)
    """The page's sections in page order (written to ``sections.parquet``, not pages)."""
    case_key: str | None = None
    """Readable key of the case (``CaseRecord.case_key``)."""
    error: str | None = None
    """Why the page failed ("HTTP 500", "never fetched", ...); None for a fetched page."""
    etag: str | None = None
    last_modified: str | None = None
    """The validators the server sent (``ETag``, ``Last-Modified``): what the next crawl's
    conditional request repeats."""
    capture_source: str | None = None
    """Where an imported page's capture came from: ``FILE#OFFSET`` or a CDX line."""

    @classmethod
    def from_page(
        cls,
        page: PageRecord,
        *,
        case_id: str,
        url: str,
        status: int,
        fetched_at: datetime,
        content_sha256: str,
        warc_record_id: str | None = None,
        aliases: list[str] | None = None,
        case_key: str | None = None,
        validators: tuple[str | None, str | None] = (None, None),
        capture_source: str | None = None,
    ) -> PageRow:
        """Build the row of a parsed page (``page.url`` is the final URL)."""
        return cls(
            case_id=case_id,
            page_number=page.page_number or 1,
            url=url,
            fetched_at=fetched_at,
            final_url=page.url,
            status=status,
            content_sha256=content_sha256,
            encoding=page.encoding,
            warnings=list(page.warnings),
            unplaced_chars=page.unplaced_chars,
            furniture=page.furniture,
            warc_record_id=warc_record_id,
            aliases=sorted(aliases or []),
            sections=list(page.sections),
            case_key=case_key,
            etag=validators[0],
            last_modified=validators[1],
            capture_source=capture_source,
        )


def to_micros(dt: datetime) -> int:
    """Microseconds since the Unix epoch of an aware datetime (naive ones are refused)."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"fetched_at must be timezone-aware, got {dt!r}")
    return (dt - EPOCH) // timedelta(microseconds=1)


def page_dict(row: PageRow) -> dict[str, Any]:
    """The ``pages.parquet`` row of a page (``fetched_at`` as epoch microseconds)."""
    return {
        "case_id": row.case_id,
        "page_number": row.page_number,
        "url": row.url,
        "final_url": row.final_url,
        "status": row.status,
        "fetched_at": to_micros(row.fetched_at),
        "content_sha256": row.content_sha256,
        "encoding": row.encoding,
        "warnings": list(row.warnings),
        "unplaced_chars": row.unplaced_chars,
        "furniture": row.furniture,
        "warc_record_id": row.warc_record_id,
        "aliases": list(row.aliases),
        "case_key": row.case_key,
        "error": row.error,
        "etag": row.etag,
        "last_modified": row.last_modified,
        "capture_source": row.capture_source,
    }
