"""The item pipeline: assembles cases as their pages arrive and streams them to a snapshot.

It owns the crawl's archive for its lifetime: the snapshot writer (temporary directory,
renamed into place only at the end), the WARC log inside it, and the case assembler.
"""

from __future__ import annotations

import logging
from typing import Any

from exports.snapshot import SnapshotWriter
from parsers.version import PARSER_VERSION

from .assembly import CaseAssembler, FetchedPage, Released
from .export import write_released
from .items import Skipped
from .lock import CrawlLock
from .report import CrawlReport
from .version import TOOL_VERSION
from .warc import WARC_NAME, WarcLog

log = logging.getLogger(__name__)


class ArchivePipeline:
    @classmethod
    def from_crawler(cls, crawler) -> ArchivePipeline:
        pipeline = cls()
        pipeline.crawler = crawler
        return pipeline

    def __init__(self) -> None:
        self.crawler = None
        self.writer: SnapshotWriter | None = None
        self.warc: WarcLog | None = None
        self.assembler: CaseAssembler | None = None
        self.report = CrawlReport()
        self.snapshot_path = None
        self.stats: dict[str, Any] = {}
        self.lock: CrawlLock | None = None

    def open_spider(self) -> None:
        spider = self.crawler.spider
        options = spider.options
        if not spider.settings.getbool("CASEARCHIVE_LOCK_HELD"):
            self.lock = CrawlLock(options.out_dir).__enter__()
        self.writer = SnapshotWriter(
            options.out_dir,
            start_url=options.start_url,
            tool_version=TOOL_VERSION,
            parser_version=PARSER_VERSION,
        )
        self.warc = WarcLog(self.writer.tmp_path / WARC_NAME, f"casearchive/{TOOL_VERSION}")
        self.assembler = CaseAssembler(options.url_rules)
        spider.archive = self

    def process_item(self, item: Any) -> Any:
        assert self.assembler is not None
        if isinstance(item, FetchedPage):
            self.report.case_pages += 1
            self._write(self.assembler.add_page(item))
        elif isinstance(item, Skipped):
            self.report.add_skipped(item)
            if self.assembler.is_expected(item.url):
                self._write(self.assembler.add_failure(item.url, item.reason))
        return item

    def _write(self, released: list[Released]) -> None:
        assert self.writer is not None
        for entry in released:
            write_released(self.writer, entry, self.report)

    def close_spider(self) -> None:
        spider = self.crawler.spider
        assert self.writer is not None and self.assembler is not None and self.warc is not None
        try:
            self._write(self.assembler.finish())
            self.report.late_pages = list(self.assembler.late_pages)
            self.warc.close()
            self.stats = self.report.to_stats(spider.crawler.stats.get_stats())
            if self.report.cases_complete + self.report.cases_incomplete == 0:
                log.error("no case pages found; no snapshot written")
                self.writer.abort()
                return
            complete = not self.report.failures and self.report.cases_incomplete == 0
            self.snapshot_path = self.writer.finish(crawl_stats=self.stats, complete=complete)
        except BaseException:
            self.warc.close()
            self.writer.abort()
            raise
        finally:
            if self.lock is not None:
                self.lock.__exit__(None, None, None)
