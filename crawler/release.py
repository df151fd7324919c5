"""Hand released cases and their pages to the snapshot writer (crawl and reparse alike)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from casearchive.exports.rows import PageRow
from casearchive.exports.snapshot import SnapshotWriter

from .assembly import Released
from .report import CrawlReport


def write_released(writer: SnapshotWriter, entry: Released, report: CrawlReport,
                   sources: Mapping[str, str] | None = None) -> None:
    """Spool one case and one ``pages.parquet`` row per page, failed pages included (with
    their status and reason); count it in ``report``. ``sources``: where each imported
    page's capture came from, by its WARC record id (``casearchive import``)."""
    case = entry.case
    if case.complete:
        report.cases_complete += 1
    else:
        report.cases_incomplete += 1
    writer.add_case(case)
    for page in entry.pages:
        writer.add_page(
            PageRow.from_page(
                page.record,
                case_id=case.case_id,
                url=page.request_url,
                status=page.status,
                fetched_at=datetime.fromisoformat(page.fetched_at),
                content_sha256=page.ref.content_sha256 or "",
                warc_record_id=page.warc_record_id,
                aliases=page.aliases,
                case_key=case.case_key,
                validators=page.validators,
                capture_source=(sources or {}).get(page.warc_record_id or ""),
            )
        )
    for failure in entry.failed_pages:
        writer.add_page(
            PageRow(
                case_id=case.case_id,
                page_number=failure.page_number,
                url=failure.url,
                fetched_at=datetime.fromisoformat(failure.failed_at),
                status=failure.status,
                error=failure.reason,
                case_key=case.case_key,
            )
        )
