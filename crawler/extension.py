"""The Scrapy extension that opens the crawl's archive with the spider and closes it last.

It takes the snapshots directory's lock when ``run_crawl`` has not (``scrapy crawl cases``),
starts the archive worker, hands it Scrapy's stats at the end and keeps the result. It is the
one object the spider, the middlewares and ``run_crawl`` share: they find it on the crawler
with ``extension_of`` (nothing is set on the spider).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler

from .lock import CrawlLock
from .messages import BUDGET_STAT, Closed
from .urls import canonical_url
from .worker import InProcessPipeline, PipelineProcess

log = logging.getLogger(__name__)

#: Close reasons after which the snapshot is written: the crawl ran out of pages, or the
#: archive itself failed (which ``close`` then reports).
COMPLETE_REASONS = frozenset({"finished", "archive_failed"})
#: Close reasons of ``stop``: a fatal problem (exit 1) and a budget reached (exit 6).
FATAL, BUDGET = "fatal", "budget_exceeded"


class CrawlExtension:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.lock: CrawlLock | None = None
        self.pipeline: PipelineProcess | None = None
        """The page pipeline's handle, from the moment it is being started."""
        self.open_pipeline: PipelineProcess | None = None
        """The same handle once it has started: what the spider and the WARC middleware
        hand pages to (None before, and when it could not start)."""
        self.result: Closed | None = None
        self._stopping = False
        self._close_task: asyncio.Future[None] | None = None
        """The spider's closing, once asked for (kept: the loop holds tasks weakly)."""
        self.error: str | None = None
        self.interrupted: str | None = None
        """Scrapy's close reason when the crawl stopped before it was done."""
        self.budget_exceeded: str | None = None
        """Which budget (``--max-pages``, ``--max-cases``) stopped the crawl, in words."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlExtension:
        extension = cls(crawler)
        crawler.signals.connect(extension.opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.dropped, signal=signals.request_dropped)
        return extension

    def stop(self, reason: str, message: str) -> None:
        """Stop the crawl: ``FATAL`` (exit 1, no snapshot) or ``BUDGET`` (exit 6, a partial
        snapshot with ``latest`` untouched); the first message is the one reported."""
        if reason == BUDGET:
            self.budget_exceeded = self.budget_exceeded or message
            if self.crawler.stats is not None:
                self.crawler.stats.set_value(BUDGET_STAT, self.budget_exceeded)
        elif self.error is None:
            self.error = message
        if self.crawler.engine is not None and not self._stopping:
            self._stopping = True
            log.info("%s; stopping the crawl", message)
            self._close_task = asyncio.ensure_future(
                self.crawler.engine.close_spider_async(reason=reason))

    def dropped(self, request: Any, spider: Any = None) -> None:
        """Scrapy's duplicate filter dropped a request. The spider never repeats a URL, so
        this is a redirect: back into its own chain (a loop, a self-redirect) the page is
        lost; to a page requested elsewhere it is only an alias of that page."""
        spider = self.crawler.spider
        pipeline = self.open_pipeline
        if spider is None or pipeline is None:
            return
        chain = request.meta.get("redirect_urls") or []
        if not chain:
            return
        rules = spider.rules
        if canonical_url(request.url, rules) in {canonical_url(u, rules) for u in chain}:
            pipeline.handle_skipped(spider.lost(request, "redirect loop"))
        else:
            pipeline.add_alias(chain[0], request.url)

    def _watch_closing(self) -> None:
        """Every stop of the crawl (SIGTERM and SIGINT, ``stop``, a ``CLOSESPIDER_*`` limit,
        the end of the site) goes through the engine's ``close_spider_async``, which waits
        for every response's callback to return: from then on the page pipeline's handle
        waits for no verdict (``PipelineProcess.stop_waiting``), so a worker that does not
        answer cannot hold the crawl. Scrapy sends no signal there: the engine's method is
        wrapped."""
        engine = self.crawler.engine
        close = engine.close_spider_async

        async def close_spider_async(*, reason: str = "cancelled") -> None:
            if self.pipeline is not None:
                self.pipeline.stop_waiting(f"the crawl is stopping ({reason})")
            await close(reason=reason)

        engine.close_spider_async = close_spider_async  # type: ignore[method-assign]

    async def opened(self, spider: Any) -> None:
        self._watch_closing()
        if not self.crawler.settings.getbool("CASEARCHIVE_LOCK_HELD"):
            self.lock = CrawlLock(spider.options.out_dir).__enter__()
        pipeline = InProcessPipeline if spider.options.in_process else PipelineProcess
        if spider.options.in_process:
            log.info("the page pipeline runs in the crawl's own process (--in-process)")
        self.pipeline = pipeline(spider.options, on_failure=self._pipeline_failed)
        try:
            await self.pipeline.start()
        except RuntimeError as exc:  # usually reported already, through on_failure
            if self.error is None:
                self._pipeline_failed(str(exc))
            return
        self.open_pipeline = self.pipeline

    def _pipeline_failed(self, reason: str) -> None:
        """The worker is gone: stop downloading, nothing more can be archived."""
        self.error = reason
        log.error("the crawl's archive failed: %s; stopping the crawl", reason)
        if self.crawler.engine is not None:
            self._close_task = asyncio.ensure_future(
                self.crawler.engine.close_spider_async(reason="archive_failed"))

    async def closed(self, spider: Any, reason: str) -> None:
        try:
            if self.pipeline is not None and reason == FATAL:
                await self.pipeline.drop()
            elif self.pipeline is not None and reason not in (*COMPLETE_REASONS, BUDGET):
                # Stopped before the site was crawled (SIGTERM, SIGINT, a CLOSESPIDER_* limit):
                # a snapshot of part of the site would make every unvisited case look removed.
                self.interrupted = reason
                log.error("the crawl was interrupted (%s); no snapshot written; its temporary "
                          "snapshot is kept for crawl --resume", reason)
                await self.pipeline.suspend()
            elif self.pipeline is not None:
                stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
                self.result = await self.pipeline.close(stats)
        except RuntimeError as exc:
            self.error = str(exc)
            log.error("the crawl's archive failed: %s; no snapshot written", exc)
        finally:
            if self.lock is not None:
                self.lock.__exit__(None, None, None)


def extension_of(crawler: Crawler | None) -> CrawlExtension | None:
    """The crawl's ``CrawlExtension`` (None before Scrapy has built its extensions, or
    when it is not enabled): how the spider, the middlewares and ``run_crawl`` reach the
    archive and ask the crawl to stop."""
    if crawler is None:
        return None
    try:
        return crawler.get_extension(CrawlExtension)
    except RuntimeError:  # the extension manager is not built yet
        return None
