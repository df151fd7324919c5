"""``reparse``: rebuild every export of a snapshot from its WARC alone, with no network.

The WARC holds every response the crawl received, in arrival order; for each URL the last
response counts (a 503 followed by a successful retry yields the retry), redirects become
aliases, and URLs that failed without any response are taken from the old manifest. Case
pages go through the same parser, discovery rules and assembler as a live crawl, so with
an unchanged parser the new snapshot's content is identical to the old one's.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urljoin

from exports.load import load_snapshot
from exports.snapshot import SnapshotWriter
from parsers.page import parse_page
from parsers.version import PARSER_VERSION

from .assembly import CaseAssembler, FetchedPage, Released
from .discovery import Scope
from .export import write_released
from .report import CrawlReport
from .urls import canonical_url
from .version import TOOL_VERSION
from .warc import WARC_NAME, ArchivedResponse, iter_responses

HTML_TYPES = ("text/html", "application/xhtml+xml")


def _last_responses(warc: Path) -> tuple[dict[str, ArchivedResponse], dict[str, str]]:
    """The last response per canonical URL, and redirects (source URL -> target URL)."""
    last: dict[str, ArchivedResponse] = {}
    redirects: dict[str, str] = {}
    for response in iter_responses(warc):
        canon = canonical_url(response.url)
        last[canon] = response
        location = response.headers.get("location")
        if 300 <= response.status < 400 and location:
            redirects[response.url] = urljoin(response.url, location)
    return last, redirects


def _request_url(final_url: str, redirects: dict[str, str]) -> str:
    """The first URL of the redirect chain that ends at ``final_url``."""
    sources = {target: source for source, target in redirects.items()}
    url = final_url
    seen = {url}
    while url in sources and sources[url] not in seen:
        url = sources[url]
        seen.add(url)
    return url


def reparse_snapshot(snapshot: Path, out_dir: Path) -> Path:
    """Re-extract ``snapshot`` into a new snapshot under ``out_dir``; return its path."""
    old = load_snapshot(snapshot)
    warc = old.path / WARC_NAME
    if not warc.is_file():
        raise FileNotFoundError(f"{old.path}: no {WARC_NAME} to re-parse")
    start_url = old.manifest["start_url"]
    scope = Scope(start_url)
    assembler = CaseAssembler(scope.rules)
    report = CrawlReport()
    last, redirects = _last_responses(warc)
    writer = SnapshotWriter(
        out_dir, start_url=start_url, tool_version=TOOL_VERSION, parser_version=PARSER_VERSION
    )
    with writer:
        shutil.copyfile(warc, writer.tmp_path / WARC_NAME)
        for source, target in redirects.items():
            assembler.add_alias(source, target)
        released: list[Released] = []
        for response in last.values():
            ctype = response.headers.get("content-type", "").lower()
            if response.status != 200 or (ctype and not ctype.startswith(HTML_TYPES)):
                continue
            record = parse_page(response.body, response.url, response.headers)
            if not record.is_case_page:
                report.skipped[record.skip_reason or "not a case page"] += 1
                continue
            report.case_pages += 1
            page = FetchedPage.build(
                record,
                response.body,
                request_url=_request_url(response.url, redirects),
                pager_urls=scope.pager_links(response.url, record.links),
                status=response.status,
                fetched_at=response.date,
                warc_record_id=response.record_id,
            )
            released.extend(assembler.add_page(page))
        for failure in old.manifest.get("crawl_stats", {}).get("failures", []):
            report.failures.append(failure)
            released.extend(assembler.add_failure(failure["url"], failure["reason"]))
        released.extend(assembler.finish())
        for entry in released:
            write_released(writer, entry, report)
        if not released:
            raise FileNotFoundError(f"{warc}: holds no case page to re-parse")
        stats = report.to_stats({})
        stats["reparsed_from"] = old.id
        return writer.finish(crawl_stats=stats, complete=bool(old.manifest.get("complete")))
