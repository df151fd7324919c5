"""The crawl's progress: a live display on a terminal, one log line a minute otherwise.

``ProgressExtension`` (a Scrapy extension) samples the crawl every ``TTY_SECONDS`` on a
terminal and every ``LOG_SECONDS`` off one (``--progress-seconds`` sets the interval):
pages done (responses
received) and queued (requests scheduled but not yet sent), cases written, pages lost, the
rate in pages a second and the elapsed time. On a terminal (stderr is a tty) it drives a
``rich`` progress bar on stderr, removed when the crawl ends so the summary stands alone;
off a terminal (a timer, cron, a pipe) it writes one line a minute to the
``casearchive.progress`` logger, which reaches stderr at any ``--log-level`` and the run
log (``casearchive.crawler.runlog``). Either way the summary follows the crawl, ending in one line.
"""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from twisted.internet import task

from .runlog import PROGRESS_LOGGER
from .worker import ArchiveProgress

TTY_SECONDS = 0.5
LOG_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class Sample:
    done: int
    queued: int
    cases: int
    failed: int
    elapsed: float

    @property
    def rate(self) -> float:
        return self.done / self.elapsed if self.elapsed > 0 else 0.0

    def line(self) -> str:
        return (f"progress: {self.done} pages done, {self.queued} queued, {self.cases} cases, "
                f"{self.failed} failed, {self.rate:.1f} pages/s, {_clock(self.elapsed)} elapsed")


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes // 60}:{minutes % 60:02d}:{secs:02d}"


class ProgressExtension:
    def __init__(self, crawler: Crawler, tty: bool) -> None:
        self.crawler = crawler
        self.tty = tty
        self.started = time.monotonic()
        self._loop: task.LoopingCall | None = None
        self._bar: Any = None
        self._task: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressExtension:
        extension = cls(crawler, sys.stderr.isatty())
        crawler.signals.connect(extension.opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.closed, signal=signals.spider_closed)
        return extension

    def sample(self) -> Sample:
        from .extension import extension_of

        stats = self.crawler.stats
        value = stats.get_value if stats is not None else (lambda _key, default: default)
        queued = value("scheduler/enqueued", 0) - value("scheduler/dequeued", 0)
        pipeline = getattr(extension_of(self.crawler), "pipeline", None)
        progress = pipeline.progress if pipeline is not None else ArchiveProgress()
        return Sample(done=value("response_received_count", 0), queued=max(queued, 0),
                      cases=progress.cases_done, failed=progress.failed,
                      elapsed=time.monotonic() - self.started)

    def opened(self, spider: Any) -> None:
        self.started = time.monotonic()
        if self.tty:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self._bar = Progress(TextColumn("{task.description}"), BarColumn(),
                                 TimeElapsedColumn(), console=Console(stderr=True),
                                 transient=True)
            self._task = self._bar.add_task("starting", total=None)
            self._bar.start()
        self._loop = task.LoopingCall(self.tick)
        interval = spider.options.progress_seconds
        self._loop.start(interval or (TTY_SECONDS if self.tty else LOG_SECONDS), now=False)

    def tick(self) -> None:
        now = self.sample()
        if self._bar is not None:
            self._bar.update(self._task, completed=now.done, total=now.done + now.queued,
                             description=f"{now.done} pages done, {now.queued} queued, "
                                         f"{now.cases} cases, {now.failed} failed, "
                                         f"{now.rate:.1f} pages/s")
        else:
            logging.getLogger(PROGRESS_LOGGER).info(now.line())

    def closed(self, spider: Any) -> None:
        """Stop sampling (the archive's handle logs the final figures)."""
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
