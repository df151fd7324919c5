"""The crawl's logging: one timestamp format, and a log file per run inside the snapshot.

Every line, on stderr and in the file, starts with an ISO 8601 UTC timestamp
(``2026-12-05T03:04:05Z``), then the process (``MainProcess``, or the worker's
``SpawnProcess-1``), the logger and the level. Both of the crawl's processes append to the
snapshot's ``crawl.log`` (``casearchive.exports.files.RUN_LOG``) at INFO level whatever
``--log-level`` says (which sets stderr only), from the moment the snapshot directory
exists until just before its files are checksummed: each process closes its handler before
the manifest is written (the worker when it is told to close, the Scrapy process before it
tells it), so the manifest's checksum of the log holds and ``verify`` checks it like any
other file.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

from casearchive.exports.files import RUN_LOG

#: The one timestamp format of every log line: ISO 8601, UTC, to the second.
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
LINE_FORMAT = "%(asctime)s %(processName)s [%(name)s] %(levelname)s: %(message)s"
#: The periodic progress line's logger: shown on stderr at any ``--log-level``.
PROGRESS_LOGGER = "casearchive.progress"


def formatter() -> logging.Formatter:
    """A formatter writing ``TIME_FORMAT`` timestamps in UTC."""
    fmt = logging.Formatter(LINE_FORMAT, TIME_FORMAT)
    fmt.converter = time.gmtime
    return fmt


class _ConsoleFilter(logging.Filter):
    """Records at ``level`` or above, and the progress line whatever its level."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= self.level or record.name == PROGRESS_LOGGER


class RunLog(logging.FileHandler):
    """The snapshot's ``crawl.log`` (appended to by both processes)."""


def configure_console(level: str) -> None:
    """Root logging for a crawl's process: stderr at ``level`` (the progress line always);
    the root logger itself at INFO at most, so the run log gets INFO lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter())
    handler.addFilter(_ConsoleFilter(logging.getLevelName(level)))
    root = logging.getLogger()
    for old in [h for h in root.handlers if not isinstance(h, RunLog)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(min(logging.INFO, logging.getLevelName(level)))


def open_run_log(snapshot_dir: Path) -> None:
    """Append this process's log lines to ``snapshot_dir/crawl.log`` (once per process)."""
    path = snapshot_dir / RUN_LOG
    root = logging.getLogger()
    if any(isinstance(h, RunLog) and Path(h.baseFilename) == path.absolute()
           for h in root.handlers):
        return
    handler = RunLog(path, mode="a", encoding="utf-8")
    handler.setFormatter(formatter())
    handler.setLevel(logging.INFO)
    root.addHandler(handler)


def close_run_logs() -> None:
    """Stop writing the run log (before the snapshot's files are checksummed)."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, RunLog)]:
        root.removeHandler(handler)
        handler.close()
