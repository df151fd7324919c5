"""What a crawl did: counts for the manifest and the summary a scheduled job alerts on."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from .skipped import Skipped
from .urls import PAGE_PARAMS

if TYPE_CHECKING:  # the crawl's Scrapy process imports this module, not the parser
    from casearchive.parsers.records import CaseRecord

#: Scrapy stats copied into the manifest, under the names we document.
SCRAPY_STATS = {
    "downloader/request_count": "requests",
    "downloader/response_count": "responses",
    "retry/count": "retries",
    "retry/max_reached": "retries_given_up",
    "robotstxt/forbidden": "robots_forbidden",
    "dupefilter/filtered": "duplicates_filtered",
    "spider_exceptions/count": "internal_errors",
    "casearchive/requisites_fetched": "requisites_fetched",
    "casearchive/requisites_failed": "requisites_failed",
    "casearchive/revisits": "revisits",
    "downloader/response_bytes": "bytes_received",
}


#: Roles of a link (``Skipped.role``, the request's link evidence) and what losing it means.
#: Links of a list page (``case``) and of a case page (``link``) without further evidence
#: are judged at the end by ``link_family``; a ``case link`` (the spider's own evidence) is
#: a case, ``nav`` navigation; ``list``, ``pager``, ``case_page`` are lost pages.
UNSURE_ROLES = frozenset({"case", "link"})
NAVIGATION_ROLES = frozenset({"nav"})
CASE_LINK_ROLES = frozenset({"case", "case link"})


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
    """Linked list pages, cases and case pages that were not archived (failed after
    retries, dropped, refused, unreadable): {url, reason, status, referer, role}."""
    unsure: list[dict[str, Any]] = field(default_factory=list)
    """Lost links whose role is decided at the end: a case link if their URL is of the
    family of an archived case page (``link_family``), navigation otherwise."""
    case_families: set[str] = field(default_factory=set)
    navigation: list[dict[str, Any]] = field(default_factory=list)
    """Lost links that only navigate the site: warnings, which leave the exit code alone."""
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
            # A Counter of float seconds (update() adds); typeshed types Counter values as int.
            self.seconds[work] += time.perf_counter() - started  # type: ignore[assignment]

    def note_case_page(self, *urls: str) -> None:
        self.case_families.update(map(link_family, urls))

    def add_skipped(self, item: Skipped, case_page: bool = False) -> None:
        """Count ``item``. A lost page of an open case, list page or link with case evidence
        is a failure; a lost navigation link a warning; a lost link with no evidence either
        way (``UNSURE_ROLES``) waits for ``to_stats`` to judge it by its URL."""
        if item.failed:
            role = "case_page" if case_page else item.role or "list"
            entry = {"url": item.url, "reason": item.reason, "status": item.status,
                     "referer": item.referer, "role": role}
            if role in NAVIGATION_ROLES:
                self.navigation.append(entry)
            else:
                (self.unsure if role in UNSURE_ROLES else self.failures).append(entry)
        else:
            self.skipped[item.reason] += 1
            self.skipped_urls.append({"url": item.url, "reason": item.reason})

    def unskip(self, url: str) -> None:
        """Forget that ``url`` was skipped: it is counted again as something else."""
        for entry in [e for e in self.skipped_urls if e["url"] == url]:
            self.skipped_urls.remove(entry)
            self.skipped[entry["reason"]] -= 1
            if not self.skipped[entry["reason"]]:
                del self.skipped[entry["reason"]]

    def add_case_warnings(self, case: CaseRecord) -> None:
        """Remember a case whose pages drew warnings, so a reviewer can find it."""
        if case.warnings:
            self.warning_cases.append(
                {"case_id": case.case_id, "url": case.url, "warnings": len(case.warnings)}
            )

    def to_stats(self, scrapy_stats: dict[str, Any]) -> dict[str, Any]:
        """The ``crawl_stats`` object of the manifest."""
        judged = [{**e, "role": "case"} for e in self.unsure
                  if link_family(e["url"]) in self.case_families]
        navigation = self.navigation + [e for e in self.unsure
                                        if link_family(e["url"]) not in self.case_families]
        failures = self.failures + judged
        lost_cases = [e for e in failures if e["role"] in CASE_LINK_ROLES]
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
            failures=sorted(failures, key=lambda f: f["url"]),
            linked_not_archived=sorted(
                ({k: e[k] for k in ("url", "referer", "reason")} for e in lost_cases),
                key=lambda f: f["url"]),
            navigation_warnings=sorted(
                ({k: e[k] for k in ("url", "referer", "reason", "status")} for e in navigation),
                key=lambda f: f["url"]),
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
    if isinstance(stats.get("health"), dict):
        lines.extend(health_lines(stats["health"]))
    if stats.get("cases_with_warnings"):
        lines.append(f"cases with warnings: {stats['cases_with_warnings']} "
                     "(listed in the manifest under crawl_stats.warning_cases)")
    if stats["skipped_by_reason"]:
        lines.append(
            "skipped (not case pages): "
            + ", ".join(f"{reason}: {n}" for reason, n in stats["skipped_by_reason"].items())
        )
    if stats.get("internal_errors"):
        lines.append(f"INTERNAL ERRORS: {stats['internal_errors']} responses could not be "
                     "handled (run with --log-level DEBUG for details)")
    linked = {entry["url"] for entry in stats.get("linked_not_archived", [])}
    lines.extend(f"FAILED {_short(f['url'])}: {f['reason']}"
                 for f in stats["failures"] if f["url"] not in linked)
    lines.extend(f"LINKED BUT NOT ARCHIVED {_short(e['url'])} (linked from "
                 f"{_short(e['referer'] or 'the start')}): {e['reason']}"
                 for e in stats.get("linked_not_archived", []))
    lines.extend(f"warning: navigation link {_short(e['url'])} (linked from "
                 f"{_short(e['referer'] or 'the start')}): {e['reason']}"
                 for e in stats.get("navigation_warnings", []))
    return lines


def one_line_summary(stats: dict[str, Any], snapshot: str | None, exit_code: int) -> str:
    """The summary's last line, the one a scheduled job's mail or journal shows first:
    ``casearchive: exit 0; 14 cases (0 incomplete); 35 case pages; 48 requests; 0 lost;
    health ok; 0.7 s; snapshot DIR``."""
    health = stats.get("health")
    verdict = health.get("verdict") if isinstance(health, dict) else "not checked"
    cases = stats.get("cases_complete", 0) + stats.get("cases_incomplete", 0)
    return (f"casearchive: exit {exit_code}; {cases} cases ({stats.get('cases_incomplete', 0)} "
            f"incomplete); {stats.get('case_pages', 0)} case pages; "
            f"{stats.get('requests', 0)} requests; {len(stats.get('failures') or [])} lost; "
            f"health {verdict}; {stats.get('duration_seconds', 0):.1f} s; "
            f"snapshot {snapshot or '(none written)'}")


def health_lines(health: dict[str, Any]) -> list[str]:
    """The health checks' verdict (``casearchive.exports.health``), then each check with its
    figure."""
    against = f" (against {health['previous']})" if health.get("previous") else ""
    lines = [f"health: {health['verdict']}{against}"]
    for check in health["checks"]:
        mark = "ok" if check["passed"] else "FAILED"
        lines.append(f"  {check['check']}: {mark}: {check['detail']} "
                     f"(limit {check['threshold']:.0%})")
    return lines


def _short(url: str, keep: int = 160) -> str:
    """A URL for a summary line: a hostile 5,000-character one is cut (``--json`` and the
    manifest keep it whole)."""
    return url if len(url) <= keep else f"{url[:keep]}... ({len(url):,} characters)"


def link_family(url: str) -> str:
    """What the links to one kind of page share: host, directory, file extension and query
    parameter names (page parameters aside). ``case.asp?cid=16`` is of the family of
    ``case.asp?cid=1``; ``/meetings/annual.html`` is not of ``/cases/knee.html``'s."""
    parts = urlsplit(url)
    directory, _, leaf = parts.path.lower().rpartition("/")
    extension = leaf.rpartition(".")[2] if "." in leaf else ""
    keys = sorted({k.lower() for k, _ in parse_qsl(parts.query, keep_blank_values=True)
                   if not PAGE_PARAMS.match(k)})
    return f"{parts.netloc.lower()}{directory}/*.{extension}?{'&'.join(keys)}"
