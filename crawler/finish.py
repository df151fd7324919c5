"""The last step of a crawl, writing the snapshot's files, in a fresh interpreter.

The archive worker spools the crawl's rows without pyarrow (``casearchive.exports.spool``);
what is left at ``Close`` is to write the files (``casearchive.exports.tables``: pyarrow).
Written by the worker itself, they would sit on top of everything the worker has held since
the crawl began: the parser's and the assembler's state, their modules, the allocator's free
fragments (~55 MiB resident at 2,500 pages, growing with the crawl). So once everything but
the writing is decided (``PagePipeline.prepare_close``), the worker pickles the rest, a
``FinishJob``, into the snapshot's scratch space and replaces itself by an interpreter that
loads only the exports (``exec_finish``: the same process, so the crawl's handle on it, its
pipe and its exit are unchanged), which writes the files and answers ``Close``.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import os
import pickle
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from casearchive.exports.health import HEALTH_KEY
from casearchive.exports.snapshot import SnapshotWriter

from .messages import Closed, Failed
from .runlog import configure_console

log = logging.getLogger(__name__)

#: The pickled ``FinishJob``, in the snapshot's scratch space (removed with it).
JOB_FILE = "finish-job.pickle"


@dataclass(slots=True)
class FinishJob:
    """What is left of ``PagePipeline.close`` once every case is spooled: the writing of
    the snapshot's files (``SnapshotWriter.finish``) and the last stats."""

    writer: SnapshotWriter
    stats: dict[str, Any]
    complete: bool
    partial: str | None
    payload_snapshots: Sequence[str]
    health: Callable[[Path], dict[str, Any]] | None
    started: float | None = None
    """When the writing began (``time.monotonic``), if before ``run``: ``exec_finish``
    sets it, so the stats' ``finish`` seconds count the fresh interpreter's start too (the
    monotonic clock is the machine's, one across processes)."""

    def run(self) -> Closed:
        """Write the snapshot (dropping it, and raising, if that fails)."""
        try:
            started = time.monotonic() if self.started is None else self.started
            snapshot = self.writer.finish(
                crawl_stats=self.stats, complete=self.complete, partial=self.partial,
                payload_snapshots=self.payload_snapshots, health=self.health)
            self.stats[HEALTH_KEY] = self.writer.health
            # Known only once the manifest is written: in the summary, not the manifest.
            self.stats["archive_seconds"]["finish"] = round(time.monotonic() - started, 3)
            return Closed(snapshot, self.stats)
        except BaseException:
            self.writer.abort()
            raise

    def answer(self) -> Closed | Failed:
        """``run``'s answer to ``Close`` (``close_failed`` if it fails)."""
        try:
            return self.run()
        except Exception as exc:  # noqa: BLE001 - close_failed logs it; the crawl exits 1
            return close_failed(exc)


def release_freed_memory() -> None:
    """Hand the memory freed so far back to the system: the snapshot's writing, next, is
    when a crawl's or an import's processes hold the most. glibc keeps freed heap for reuse
    and pyarrow's writing does not reuse it; ``malloc_trim`` returns it (~7 MiB of the
    Scrapy process at 10,000 pages). Nothing happens where there is no glibc."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


def write_snapshot(closing: Closed | FinishJob) -> Closed:
    """What ``PagePipeline.close`` returns, from what ``prepare_close`` returned, in the
    process that replayed the pages (``reparse``, ``import``): their caller has dropped the
    pipeline, and the memory freed is handed back before the files are written."""
    if isinstance(closing, Closed):
        return closing
    release_freed_memory()
    return closing.run()


def close_failed(exc: Exception) -> Failed:
    """The answer to a ``Close`` that failed: ``Failed`` with one line, logged (the
    traceback only when debugging), as ``worker.apply`` reports a failure."""
    log.error("archive worker: Close message failed: %s: %s", type(exc).__name__, exc,
              exc_info=log.isEnabledFor(logging.DEBUG))
    return Failed(f"{type(exc).__name__}: {exc}")


def archive_command(entry: str, *args: str) -> list[str]:
    """The command of a fresh interpreter of the archive's side (the worker, then the one
    that writes the files) that calls ``entry`` (``module:function``) with ``args`` in
    ``sys.argv``. Ctrl-C and systemd signal the whole process group, and the crawl decides
    what happens to the snapshot (close or abort), so SIGINT and SIGTERM are ignored from
    its first statement on. The interpreter's flags (``-B``, ``-X``, ``-W``) are this one's,
    as ``multiprocessing`` passes them."""
    module, function = entry.split(":")
    code = ("import signal as s; s.signal(s.SIGINT, s.SIG_IGN); s.signal(s.SIGTERM, s.SIG_IGN)"
            f"; from {module} import {function}; {function}()")
    return [sys.executable, *subprocess._args_from_interpreter_flags(),  # type: ignore[attr-defined]
            "-c", code, *args]


def exec_finish(job: FinishJob, outbox: Connection, token: int, level: str) -> None:
    """Replace this process by a fresh interpreter that runs ``job`` and sends its answer,
    with ``token``, down ``outbox`` (``finish_main``). Returns only when the interpreter
    could not be started; the caller then runs ``job`` itself."""
    job.started = time.monotonic()
    job.writer.seal_spools()
    path = job.writer.spool_dir / JOB_FILE
    try:
        with open(path, "wb") as f:
            pickle.dump(job, f, protocol=pickle.HIGHEST_PROTOCOL)
        fd = outbox.fileno()
        os.set_inheritable(fd, True)
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        os.execv(sys.executable, archive_command("casearchive.crawler.finish:finish_main",
                                                 str(path), str(fd), str(token), level))
    except (OSError, pickle.PicklingError, TypeError, AttributeError, ValueError,
            RecursionError) as exc:
        log.warning("archive worker: no fresh interpreter for the snapshot's files (%s: %s); "
                    "written by the worker", type(exc).__name__, exc)
        path.unlink(missing_ok=True)


def finish_main() -> None:
    """The fresh interpreter: its arguments are the job's file, the descriptor of the pipe
    to the crawl, the ``Close`` message's token and the log level."""
    path, fd, token, level = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    configure_console(level)
    outbox = Connection(fd, readable=False)
    try:
        job: FinishJob = pickle.loads(path.read_bytes())
        path.unlink()
    except Exception as exc:  # noqa: BLE001 - reported to the crawl, which exits 1
        answer: Closed | Failed = Failed(f"the snapshot's writing could not start: "
                                         f"{type(exc).__name__}: {exc}")
    else:
        answer = job.answer()
    with contextlib.suppress(OSError):  # the crawl is gone: nothing is waiting for it
        outbox.send((token, answer))
