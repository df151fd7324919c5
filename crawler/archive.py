"""Everything done with a response after it is downloaded: parse, assemble, export.

``Archive`` is plain Python (no Scrapy, no reactor). A live crawl runs it in a worker
process (``crawler.worker``) so parsing and exports use the second core while Scrapy
downloads (and writes the WARC) on the first; ``reparse`` runs it in-process over a WARC.
Both feed it the same calls, so both build the same snapshot from the same bytes.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from exports.snapshot import SnapshotWriter
from parsers.page import parse_page
from parsers.version import PARSER_VERSION

from .assembly import CaseAssembler, FetchedPage, Released
from .discovery import CASE_INSENSITIVE_SERVERS, Scope
from .export import write_released
from .items import Skipped
from .messages import Closed, PageMessage, Verdict
from .options import CrawlOptions
from .report import CrawlReport
from .urls import canonical_url
from .version import TOOL_VERSION

log = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")


class Archive:
    """Owns the snapshot being written (but its WARC): case assembler, exports and report."""

    def __init__(self, options: CrawlOptions) -> None:
        self.options = options
        self.scope = Scope(options.start_url, options.url_rules(), options.list_regex)
        self.report = CrawlReport()
        self.writer = SnapshotWriter(
            options.out_dir,
            start_url=options.start_url,
            tool_version=TOOL_VERSION,
            parser_version=PARSER_VERSION,
        )
        self.assembler = CaseAssembler(self.scope.rules, shelf_dir=self.writer.spool_dir)

    def add_alias(self, url: str, final_url: str) -> None:
        self.assembler.add_alias(url, final_url)

    def handle_page(self, msg: PageMessage) -> Verdict:
        """Parse one response and decide what to follow; case pages go to assembly."""
        ctype = msg.headers.get("content-type", msg.headers.get("Content-Type", "")).lower()
        if not msg.body.strip():
            return self._lost(msg, f"empty response (HTTP {msg.status} with no body)")
        if ctype and not ctype.startswith(HTML_TYPES):
            return self._lost(msg, f"not HTML ({ctype.split(';')[0].strip()})")
        with self.report.timed("parse"):
            record = parse_page(msg.body, msg.url, msg.headers)
        if msg.role == "list":
            fold = self._detect_case_folding(msg)
            lists, candidates = self.scope.list_links(record.links)
            return Verdict(lists=lists, candidates=candidates, fold_case=fold)
        if not record.is_case_page:
            return self._skip(msg.url, record.skip_reason or "not a case page")
        self.report.case_pages += 1
        self.report.note_case_page(msg.url, msg.request_url)
        page = FetchedPage.build(
            record,
            msg.body,
            url=canonical_url(msg.url, self.scope.rules),
            request_url=msg.request_url,
            pager_urls=self.scope.pager_links(msg.url, record.links),
            status=msg.status,
            fetched_at=msg.fetched_at,
            warc_record_id=msg.warc_record_id,
        )
        verdict = Verdict()
        for link in record.links:
            if self.scope.allows(link.url):
                role = verdict.lists if self.scope.is_list_url(link.url) else verdict.candidates
                role.append(link.url)
        self._write(self.assembler.add_page(page))
        return verdict

    def _detect_case_folding(self, msg: PageMessage) -> bool:
        """On the start page, with ``ignore_url_case`` left to auto, ask the Server header."""
        if self.options.ignore_url_case is not None or self.scope.rules.ignore_case:
            return False
        server = msg.headers.get("server", msg.headers.get("Server", ""))
        if not CASE_INSENSITIVE_SERVERS.search(server):
            return False
        self.scope = Scope(self.options.start_url, self.options.url_rules(True),
                           self.options.list_regex)
        self.assembler.rules = self.scope.rules
        return True

    def _skip(self, url: str, reason: str) -> Verdict:
        self.handle_skipped(Skipped(url, reason))
        return Verdict(skipped=reason)

    def _lost(self, msg: PageMessage, reason: str) -> Verdict:
        """A response that could not be read as a page at all: lost, as a failed fetch is."""
        self.handle_skipped(Skipped(msg.request_url, reason, msg.status, failed=True,
                                    referer=msg.referer, role=msg.link_role))
        return Verdict(skipped=reason)

    def handle_skipped(self, item: Skipped) -> None:
        """A URL that yields no case page; an expected page of a case counts as failed."""
        expected = self.assembler.is_expected(item.url)
        self.report.add_skipped(item, case_page=expected)
        if expected:
            self._write(self.assembler.add_failure(item.url, item.reason))

    def _write(self, released: list[Released]) -> None:
        with self.report.timed("export"):
            for entry in released:
                write_released(self.writer, entry, self.report)

    def close(
        self,
        scrapy_stats: dict[str, Any],
        seconds: dict[str, float] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> Closed:
        """Release every open case and finish the snapshot (none when no case was found).

        ``seconds``: work done for the snapshot elsewhere (the crawl's WARC), for the stats.
        """
        try:
            self._write(self.assembler.finish())
            self.report.late_pages = list(self.assembler.late_pages)
            self.report.seconds.update(seconds or {})
            stats = self.report.to_stats(scrapy_stats)
            stats["limits"] = self.options.limits()
            stats.update(extra or {})
            if self.report.cases_complete + self.report.cases_incomplete == 0:
                log.error("no case pages found; no snapshot written")
                self.writer.abort()
                return Closed(None, stats)
            complete = not self.report.failures and self.report.cases_incomplete == 0
            started = time.perf_counter()
            snapshot = self.writer.finish(crawl_stats=stats, complete=complete)
            # Known only once the manifest is written: in the summary, not the manifest.
            stats["archive_seconds"]["finish"] = round(time.perf_counter() - started, 3)
            return Closed(snapshot, stats)
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        """Drop the snapshot being written."""
        self.writer.abort()
