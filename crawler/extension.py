"""The Scrapy extension that opens the crawl's archive with the spider and closes it last.

It takes the snapshots directory's lock when ``run_crawl`` has not (``scrapy crawl cases``),
starts the archive worker, hands it Scrapy's stats at the end and keeps the result.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler

from .lock import CrawlLock
from .messages import Closed
from .worker import WorkerArchive

log = logging.getLogger(__name__)

#: Close reasons after which the snapshot is written: the crawl ran out of pages, or the
#: archive itself failed (which ``close`` then reports).
COMPLETE_REASONS = frozenset({"finished", "archive_failed"})


class ArchiveExtension:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.lock: CrawlLock | None = None
        self.archive: WorkerArchive | None = None
        self.result: Closed | None = None
        self.error: str | None = None
        self.interrupted: str | None = None
        """Scrapy's close reason when the crawl stopped before it was done."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveExtension:
        extension = cls(crawler)
        crawler.signals.connect(extension.opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.closed, signal=signals.spider_closed)
        return extension

    async def opened(self, spider: Any) -> None:
        if not self.crawler.settings.getbool("CASEARCHIVE_LOCK_HELD"):
            self.lock = CrawlLock(spider.options.out_dir).__enter__()
        spider.extension = self  # before start: a worker that cannot start is reported
        self.archive = WorkerArchive(spider.options, on_failure=self._archive_failed)
        try:
            await self.archive.start()
        except RuntimeError as exc:  # usually reported already, through on_failure
            if self.error is None:
                self._archive_failed(str(exc))
            return
        spider.archive = self.archive

    def _archive_failed(self, reason: str) -> None:
        """The worker is gone: stop downloading, nothing more can be archived."""
        self.error = reason
        log.error("the crawl's archive failed: %s; stopping the crawl", reason)
        if self.crawler.engine is not None:
            asyncio.ensure_future(self.crawler.engine.close_spider_async(reason="archive_failed"))

    async def closed(self, spider: Any, reason: str) -> None:
        try:
            if self.archive is not None and reason not in COMPLETE_REASONS:
                # Stopped before the site was crawled (SIGTERM, SIGINT, a CLOSESPIDER_* limit):
                # a snapshot of part of the site would make every unvisited case look removed.
                self.interrupted = reason
                log.error("the crawl was interrupted (%s); no snapshot written", reason)
                await self.archive.drop()
            elif self.archive is not None:
                stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
                self.result = await self.archive.close(stats)
        except RuntimeError as exc:
            self.error = str(exc)
            log.error("the crawl's archive failed: %s; no snapshot written", exc)
        finally:
            if self.lock is not None:
                self.lock.__exit__(None, None, None)
