"""What a crawl did: counts for the manifest and the summary a scheduled job alerts on."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .items import Skipped

if TYPE_CHECKING:  # the crawl's Scrapy process imports this module, not the parser
    from parsers.records import CaseRecord

#: Scrapy stats copied into the manifest, under the names we document.
SCRAPY_STATS = {
    "downloader/request_count": "requests",
    "downloader/response_count": "responses",
    "retry/count": "retries",
    "retry/max_reached": "retries_given_up",
    "robotstxt/forbidden": "robots_forbidden",
    "dupefilter/filtered": "duplicates_filtered",
}


@dataclass(slots=True)
class CrawlReport:
    started: float = field(default_factory=time.monotonic)
    case_pages: int = 0
    cases_complete: int = 0
    cases_incomplete: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    """Pages that are not case pages, by reason."""
    skipped_urls: list[dict[str, Any]] = field(default_factory=list)
    """Each skipped URL: {url, reason}."""
    failures: list[dict[str, Any]] = field(default_factory=list)
    """URLs that failed after retries: {url, reason, status, referer}."""
    late_pages: list[str] = field(default_factory=list)
    warning_cases: list[dict[str, Any]] = field(default_factory=list)
    """Each exported case with parser warnings: {case_id, url, warnings (count)}."""
    seconds: Counter[str] = field(default_factory=Counter)
    """Wall seconds the archive spent per kind of work (parse, warc, export, finish)."""

    @contextmanager
    def timed(self, work: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[work] += time.perf_counter() - started

    def add_skipped(self, item: Skipped) -> None:
        if item.failed:
            self.failures.append(
                {"url": item.url, "reason": item.reason, "status": item.status,
                 "referer": item.referer}
            )
        else:
            self.skipped[item.reason] += 1
            self.skipped_urls.append({"url": item.url, "reason": item.reason})

    def add_case_warnings(self, case: CaseRecord) -> None:
        """Remember a case whose pages drew warnings, so a reviewer can find it."""
        if case.warnings:
            self.warning_cases.append(
                {"case_id": case.case_id, "url": case.url, "warnings": len(case.warnings)}
            )

    def to_stats(self, scrapy_stats: dict[str, Any]) -> dict[str, Any]:
        """The ``crawl_stats`` object of the manifest."""
        stats: dict[str, Any] = {
            ours: scrapy_stats.get(theirs, 0) for theirs, ours in SCRAPY_STATS.items()
        }
        stats["responses_by_status"] = {
            key.rsplit("/", 1)[1]: value
            for key, value in sorted(scrapy_stats.items())
            if key.startswith("downloader/response_status_count/")
        }
        stats.update(
            case_pages=self.case_pages,
            cases_complete=self.cases_complete,
            cases_incomplete=self.cases_incomplete,
            skipped_by_reason=dict(sorted(self.skipped.items())),
            skipped=sorted(self.skipped_urls, key=lambda s: (s["url"], s["reason"])),
            failures=sorted(self.failures, key=lambda f: f["url"]),
            late_pages=sorted(self.late_pages),
            cases_with_warnings=len(self.warning_cases),
            warning_cases=sorted(self.warning_cases, key=lambda c: c["url"]),
            duration_seconds=round(time.monotonic() - self.started, 3),
            archive_seconds={work: round(s, 3) for work, s in sorted(self.seconds.items())},
        )
        return stats


def summary_lines(stats: dict[str, Any], snapshot: str | None) -> list[str]:
    """A short human summary of ``to_stats`` output."""
    lines = [
        f"snapshot: {snapshot or '(none written)'}",
        f"cases: {stats['cases_complete']} complete, {stats['cases_incomplete']} incomplete",
        f"case pages: {stats['case_pages']}; requests: {stats['requests']}; "
        f"retries: {stats['retries']}; duration: {stats['duration_seconds']:.1f} s",
        "responses by status: "
        + (", ".join(f"{k}: {v}" for k, v in stats["responses_by_status"].items()) or "none"),
    ]
    if stats.get("cases_with_warnings"):
        lines.append(f"cases with warnings: {stats['cases_with_warnings']} "
                     "(listed in the manifest under crawl_stats.warning_cases)")
    if stats["skipped_by_reason"]:
        lines.append(
            "skipped (not case pages): "
            + ", ".join(f"{reason}: {n}" for reason, n in stats["skipped_by_reason"].items())
        )
    for failure in stats["failures"]:
        lines.append(f"FAILED {failure['url']}: {failure['reason']}")
    return lines
