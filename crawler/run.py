"""``run_crawl``: one crawl from validated options to a snapshot directory."""

from __future__ import annotations

import logging
import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from . import settings as settings_module
from .extension import extension_of
from .lock import CrawlLock
from .options import CrawlOptions
from .runlog import configure_console
from .spiders.cases import CasesSpider

#: Exit codes of ``casearchive crawl`` (documented in the README for scheduled jobs).
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INCOMPLETE = 3
EXIT_LOCKED = 4
EXIT_INTERRUPTED = 5
EXIT_BUDGET = 6
EXIT_UNHEALTHY = 7

#: Loggers whose lines name Scrapy's settings and Twisted's Failure objects: shown only with
#: ``--log-level DEBUG``; otherwise every failure reaches the user through the summary.
LIBRARY_LOGGERS = ("scrapy", "twisted", "py.warnings", "asyncio")


@dataclass(slots=True)
class CrawlResult:
    snapshot: Path | None
    stats: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    """Why the archive failed (a full disk, a dead worker), or why the crawl stopped early."""
    interrupted: bool = False
    budget_exceeded: bool = False

    @property
    def unhealthy(self) -> bool:
        """The health checks failed (``casearchive.exports.health``): the snapshot is kept,
        ``latest``
        was left where it was."""
        health = self.stats.get("health")
        return isinstance(health, dict) and health.get("verdict") == "failed"

    @property
    def exit_code(self) -> int:
        if self.budget_exceeded:
            return EXIT_BUDGET
        if self.interrupted:
            return EXIT_INTERRUPTED
        if self.snapshot is None:
            return EXIT_FAILED
        if self.unhealthy:
            return EXIT_UNHEALTHY
        if (self.stats.get("cases_incomplete") or self.stats.get("failures")
                or self.stats.get("linked_not_archived") or self.stats.get("internal_errors")):
            return EXIT_INCOMPLETE
        return EXIT_OK


def scrapy_settings(options: CrawlOptions) -> Settings:
    settings = Settings()
    settings.setmodule(settings_module, priority="project")
    settings.set("CASEARCHIVE_LOCK_HELD", True, priority="cmdline")
    # Our handlers (casearchive.crawler.runlog): one timestamp format, the run log in the snapshot.
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    return settings


def quiet_library_logs(level: str) -> None:
    """Below DEBUG, keep Scrapy's and Twisted's own lines (and their tracebacks) out."""
    for name in LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(logging.NOTSET if level == "DEBUG" else logging.CRITICAL)


class _SignalledProcess(CrawlerProcess):
    """A ``CrawlerProcess`` that remembers the shutdown signals it received. Scrapy stops
    gracefully on the first (the spider closes with reason "shutdown", which the extension
    reads as an interruption) and at once on a second: the reactor stops before the
    spider's close handlers run, so only this record tells an interrupted crawl (exit 5,
    its temporary snapshot kept for ``--resume``) from one that found nothing (exit 1)."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.signals: list[str] = []

    def _signal_shutdown(self, signum: int, frame: Any) -> None:
        self.signals.append(signal.Signals(signum).name)
        super()._signal_shutdown(signum, frame)

    def _signal_kill(self, signum: int, frame: Any) -> None:
        self.signals.append(signal.Signals(signum).name)
        super()._signal_kill(signum, frame)


def run_crawl(options: CrawlOptions) -> CrawlResult:
    """Crawl under the snapshots directory's lock (raises ``LockHeld`` if taken).

    Runs Scrapy in this process, so it can be called once per process (Twisted's reactor
    cannot restart).
    """
    with CrawlLock(options.out_dir):
        process = _SignalledProcess(scrapy_settings(options))
        configure_console(options.log_level)
        quiet_library_logs(options.log_level)
        crawler = process.create_crawler(CasesSpider)
        process.crawl(crawler, options=options)
        process.start()
        extension = extension_of(crawler)
        if extension is not None and extension.budget_exceeded:
            kept = extension.result
            return CrawlResult(kept.snapshot if kept else None, kept.stats if kept else {},
                               error=extension.budget_exceeded, budget_exceeded=True)
        finished = extension is not None and extension.result is not None
        interrupted = extension.interrupted if extension is not None else None
        if not interrupted and process.signals and not finished:
            interrupted = f"{', then '.join(process.signals)}: stopped at once"
        if interrupted:
            return CrawlResult(None, error=f"the crawl was interrupted ({interrupted}; "
                                     "crawl --resume continues it)",
                               interrupted=True)
        if extension is None or extension.result is None:
            return CrawlResult(None, error=extension.error if extension is not None else None)
        return CrawlResult(extension.result.snapshot, extension.result.stats)
