"""Run a ``PagePipeline`` in a child process so the crawl uses both cores.

Scrapy (downloads, scheduling) and the WARC stay in the main process, where the raw
responses are (a background thread compresses them with the GIL released); parsing,
assembly and exports run in the child, into the same temporary snapshot directory. Messages
go down one pipe and verdicts come back up another. Pipe I/O stays off the reactor: a sender
thread drains a bounded queue into the pipe (the reactor waits only when the worker lags a
full queue behind: back-pressure), and a receiver thread hands replies to the event loop.

A crawl that is stopping waits for no verdict (``PipelineProcess.stop_waiting``): Scrapy
closes the spider only when every response's callback has returned, and a callback waits for
its page's verdict, so a worker that never answered (an endless loop, a stalled disk) held
the crawl, SIGTERM included, for ever. The worker, which ignores SIGTERM and SIGINT (the
parent decides), is killed when it has not ended ``WORKER_GRACE_SECONDS`` after the last
message. A second line of defence: a worker that answers no page for
``WORKER_STALL_SECONDS`` is killed, and the crawl fails (exit 1) saying so.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .finish import FinishJob, archive_command, close_failed, exec_finish, release_freed_memory
from .journal import drop_journals, retire_warc
from .messages import (
    Abort,
    AddAlias,
    AddRequisite,
    Close,
    Closed,
    Failed,
    FromWorker,
    PageMessage,
    Ready,
    Requisite,
    SkipPage,
    ToWorker,
    Verdict,
)
from .options import CrawlOptions
from .runlog import close_run_logs, configure_console, open_run_log
from .skipped import Skipped
from .version import TOOL_VERSION
from .warc import WARC_NAME, Exchange, WarcWriter, warcinfo_fields

if TYPE_CHECKING:
    from .pipeline import PagePipeline

log = logging.getLogger(__name__)

_STOP = object()
#: How long the crawl waits for the worker to end after its last message (``Close`` aside:
#: the snapshot is written then) before it kills it.
WORKER_GRACE_SECONDS = 30.0
#: How long the crawl waits for the worker's next answer while a page's verdict is awaited
#: before it takes the worker for stuck: kills it and fails (exit 1). A page takes well under
#: a second to parse and assemble, at most a few at the 20 MiB size limit.
WORKER_STALL_SECONDS = 600.0


def _page(pipeline: PagePipeline, msg: PageMessage) -> Verdict:
    verdict = pipeline.handle_page(msg)
    verdict.cases_done = pipeline.report.cases_complete + pipeline.report.cases_incomplete
    return verdict


def _skip(pipeline: PagePipeline, msg: SkipPage) -> None:
    pipeline.handle_skipped(msg.item)


def _alias(pipeline: PagePipeline, msg: AddAlias) -> None:
    pipeline.add_alias(msg.url, msg.final_url)


def _requisite(pipeline: PagePipeline, msg: AddRequisite) -> None:
    pipeline.add_requisite(msg.requisite)


def _close(pipeline: PagePipeline, msg: Close) -> Closed | FinishJob:
    """Everything but the writing of the snapshot's files, which ``_serve`` hands to a fresh
    interpreter (``casearchive.crawler.finish``)."""
    close_run_logs()  # before the snapshot's files are checksummed
    return pipeline.prepare_close(msg.scrapy_stats, msg.seconds)


def _abort(pipeline: PagePipeline, msg: Abort) -> None:
    close_run_logs()
    if msg.keep:
        pipeline.suspend()
    else:
        pipeline.abort()


#: How each message sent to the worker is applied to the page pipeline, and its answer
#: (None: no answer is sent). The one place a new message type is wired in.
HANDLERS: dict[type[Any], Callable[[PagePipeline, Any], FromWorker | FinishJob | None]] = {
    PageMessage: _page,
    SkipPage: _skip,
    AddAlias: _alias,
    AddRequisite: _requisite,
    Close: _close,
    Abort: _abort,
}
#: Messages after which the worker ends.
FINAL = (Close, Abort)


def _url_of(message: ToWorker) -> str | None:
    """The URL a message is about, for the report's failure line."""
    if isinstance(message, PageMessage):
        return message.url
    if isinstance(message, SkipPage):
        return message.item.url
    if isinstance(message, AddRequisite):
        return message.requisite.url
    if isinstance(message, AddAlias):
        return message.url
    return None


def apply(pipeline: PagePipeline, message: ToWorker) -> FromWorker | FinishJob | None:
    """Apply one message through ``HANDLERS`` and return its answer. One bad page must not
    lose the crawl: an exception becomes a failure in the report and, when an answer is
    awaited, an answer that says so (a skipped page; ``Failed`` for ``Close``)."""
    try:
        return HANDLERS[type(message)](pipeline, message)
    except Exception as exc:  # one bad page must not lose the crawl
        kind = type(message).__name__
        # One line for the operator; the traceback only when debugging (--log-level DEBUG).
        log.error("archive worker: %s message failed: %s: %s", kind, type(exc).__name__, exc,
                  exc_info=log.isEnabledFor(logging.DEBUG))
        # An entry as ``CrawlReport.add_skipped`` makes them (the summary reads each key):
        # the snapshot is then written with exit 3, not lost to a KeyError at ``Close``.
        pipeline.report.failures.append(
            {"url": _url_of(message) or "", "reason": f"internal error: {exc!r}",
             "status": None, "referer": None, "role": "internal error"}
        )
        if isinstance(message, PageMessage):
            return Verdict(skipped=f"internal error: {exc!r}")
        if isinstance(message, Close):
            return Failed(f"{type(exc).__name__}: {exc}")
        return None


def child_main() -> None:
    """The archive worker process (``archive_command``: it ignores SIGINT and SIGTERM; the
    pipe's EOF tells it if the crawl died): its pipes' file descriptors are its two
    arguments, and the first message down its pipe is ``(options, log level)``."""
    inbox = Connection(int(sys.argv[1]), writable=False)
    outbox = Connection(int(sys.argv[2]), readable=False)
    try:
        options, level = inbox.recv()
    except EOFError:  # the parent died before it sent them
        return
    _serve(inbox, outbox, options, level)


def _serve(inbox: Connection, outbox: Connection, options: CrawlOptions, level: str) -> None:
    """The child's loop: apply every message to one PagePipeline, answer, end after the last."""
    configure_console(level)
    from .pipeline import PagePipeline  # the child alone loads the parser and the exports

    try:
        pipeline = PagePipeline(options, lean=True)  # the files: a fresh interpreter's
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which stops the crawl
        outbox.send((0, Failed(f"{type(exc).__name__}: {exc}")))
        return
    open_run_log(pipeline.writer.tmp_path)
    outbox.send((0, Ready(pipeline.writer.tmp_path, pipeline.writer.snapshot_id)))
    while True:
        try:
            token, message = inbox.recv()
        except EOFError:  # the parent died: keep what it archived, for --resume
            pipeline.suspend()
            return
        answer = apply(pipeline, message)
        if isinstance(answer, FinishJob):  # Close: the files are written by a fresh interpreter
            inbox.close()
            answer = finish_elsewhere(answer, outbox, token, level)
        if answer is not None:
            outbox.send((token, answer))
        if isinstance(message, FINAL):
            return


def finish_elsewhere(job: FinishJob, outbox: Connection, token: int, level: str
                     ) -> Closed | Failed:
    """Hand ``job`` to a fresh interpreter (``exec_finish``: this returns only when that
    could not start, and the job is then run here). A failure before that (the last rows
    could not be spooled: a full disk) drops the snapshot and is answered ``Failed``, as
    ``apply`` answers one."""
    try:
        exec_finish(job, outbox, token, level)
    except Exception as exc:  # noqa: BLE001 - close_failed logs it; the crawl exits 1
        job.writer.abort()
        return close_failed(exc)
    return job.answer()


@dataclass(slots=True)
class ArchiveProgress:
    """The archive's side of the progress, kept by its handle in the Scrapy process."""

    cases_done: int = 0
    failed: int = 0


class PipelineProcess:
    """The main process's handle on a PagePipeline running in a child process."""

    def __init__(
        self, options: CrawlOptions, on_failure: Callable[[str], None] | None = None
    ) -> None:
        self._on_failure = on_failure
        self._options = options
        self._tokens = itertools.count(1)
        self._pending: dict[int, asyncio.Future[FromWorker]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._failure: str | None = None
        self._warc: WarcWriter | None = None
        self._warc_seconds = 0.0
        self._tmp_path: Path | None = None
        self._snapshot_id = ""
        self._closing = False
        self._stopping: str | None = None
        """Why the crawl is stopping, once it is (``stop_waiting``): no verdict is awaited."""
        self._page_questions: dict[int, str] = {}
        """Token -> URL of each page whose verdict a spider callback awaits."""
        self._quiet_since = time.monotonic()
        """When the worker last answered (or was asked a page with none awaited): its
        silence since, while a page is awaited, is a stall (``_watch``)."""
        self.progress = ArchiveProgress()
        """What the progress display shows of the archive's side."""
        self._spawn()

    def _spawn(self) -> None:
        """Start the child process and the thread that feeds its pipe.

        The child is a fresh interpreter started by ``subprocess`` with the two pipes'
        ends passed as file descriptors, not by ``multiprocessing``'s spawn method: that
        one also starts a resource tracker, a third interpreter (13 MiB resident) that
        nothing here uses (``archive_command``)."""
        to_child, down = os.pipe()
        up, from_child = os.pipe()
        self.process = subprocess.Popen(
            archive_command("casearchive.crawler.worker:child_main", str(to_child),
                            str(from_child)),
            stdin=subprocess.DEVNULL, pass_fds=(to_child, from_child),
        )
        os.close(to_child)
        os.close(from_child)
        self._down = Connection(down, readable=False)
        self._up = Connection(up, writable=False)
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=512)
        self._queue.put((self._options, self._options.log_level))
        threading.Thread(target=self._send_loop, name="archive-send", daemon=True).start()

    async def start(self) -> None:
        """Wait until the page pipeline has opened its snapshot, then open the WARC in it
        (raises if either could not)."""
        self._loop = asyncio.get_running_loop()
        ready = await self._open()
        self._tmp_path, self._snapshot_id = Path(ready.tmp_path), ready.snapshot_id
        open_run_log(self._tmp_path)
        if self._options.resume:
            retire_warc(self._tmp_path)
        log.info("crawl of %s started (casearchive %s)", self._options.start_url, TOOL_VERSION)
        try:
            self._warc = WarcWriter(self._tmp_path / WARC_NAME, self._software,
                                 self._warcinfo())
        except OSError as exc:
            self._warc_failed(exc)
            raise RuntimeError(self._failure) from None

    async def _open(self) -> Ready:
        """The child's ``Ready`` (its first answer, token 0)."""
        assert self._loop is not None
        ready_future: asyncio.Future[FromWorker] = self._loop.create_future()
        self._pending[0] = ready_future
        threading.Thread(target=self._receive_loop, name="archive-recv", daemon=True).start()
        ready = await ready_future
        assert isinstance(ready, Ready)
        self._watch()
        return ready

    def _watch(self) -> None:
        """Every few seconds until the crawl stops: a worker that has answered nothing for
        ``WORKER_STALL_SECONDS`` while a page waits for its verdict is stuck (an endless loop,
        a stalled disk): it is killed and the crawl fails, saying so, instead of waiting for
        ever (the receiver thread then sees the pipe's end)."""
        if self._failure is not None or self._closing or self._stopping is not None:
            return
        assert self._loop is not None
        quiet = time.monotonic() - self._quiet_since
        if self._page_questions and quiet > WORKER_STALL_SECONDS:
            url = next(iter(self._page_questions.values()))
            self._fail_all(f"the archive worker answered nothing for {quiet:.0f} s (stuck "
                           f"on {url} or before it); it was killed")
            self.process.kill()
            return
        self._loop.call_later(min(WORKER_STALL_SECONDS / 4, 30.0), self._watch)

    _software = f"casearchive/{TOOL_VERSION}"

    def _warcinfo(self) -> dict[str, str]:
        """What the WARC says about itself; the snapshot id is the one the worker chose (a
        ``-N`` suffix added at finish, when that name is taken, is not known yet)."""
        from .settings import for_options

        return warcinfo_fields(
            software=self._software,
            snapshot_id=self._snapshot_id,
            start_url=self._options.start_url,
            obey_robots=self._options.obey_robots,
            user_agent=for_options(self._options)["USER_AGENT"],
            operator=self._options.operator,
        )

    def _send_loop(self) -> None:
        gone = False
        while True:
            message = self._queue.get()
            if message is _STOP:
                return
            if gone:
                continue  # drained all the same: the reactor's put must never wait for ever
            try:
                self._down.send(message)
            except (BrokenPipeError, OSError):
                gone = True  # the receiver thread sees the worker gone and fails the crawl

    def _receive_loop(self) -> None:
        assert self._loop is not None
        while True:
            try:
                message = self._up.recv()
            except (EOFError, OSError):
                self._loop.call_soon_threadsafe(self._fail_all, "the archive worker exited")
                return
            self._loop.call_soon_threadsafe(self._dispatch, *message)
            if isinstance(message[1], (Closed, Failed)):
                return

    def _dispatch(self, token: int, answer: FromWorker) -> None:
        """Hand an answer to the question it answers (``Failed`` fails them all)."""
        if isinstance(answer, Failed):
            self._fail_all(answer.reason)
            return
        self._quiet_since = time.monotonic()
        self._page_questions.pop(token, None)
        future = self._pending.pop(token, None)
        if future is not None and not future.done():
            future.set_result(answer)

    def _fail_all(self, reason: str) -> None:
        first = self._failure is None
        self._failure = self._failure or reason
        self._discard_warc()
        if first and not self._closing and self._on_failure is not None:
            self._on_failure(reason)
        for future in self._pending.values():
            if not future.done():
                future.set_exception(RuntimeError(reason))
        self._pending.clear()
        self._page_questions.clear()

    def _post(self, message: ToWorker, token: int = 0) -> None:
        """Send a message that awaits no answer (token 0)."""
        if self._failure is None:
            self._queue.put((token, message))

    async def _ask(self, message: ToWorker, page: str | None = None) -> FromWorker:
        """Send a message and wait for its answer (raises if the worker failed); ``page``:
        the URL of the page whose verdict it asks (``stop_waiting``, ``_watch``)."""
        if self._failure is not None:
            raise RuntimeError(self._failure)
        assert self._loop is not None
        token = next(self._tokens)
        future: asyncio.Future[FromWorker] = self._loop.create_future()
        self._pending[token] = future
        if page is not None:
            if not self._page_questions:
                self._quiet_since = time.monotonic()
            self._page_questions[token] = page
        self._post(message, token)
        return await future

    def stop_waiting(self, reason: str) -> None:
        """The crawl is stopping (SIGTERM or SIGINT, a budget, a fatal error): a verdict would
        lead nowhere, and Scrapy closes the spider only once every callback has returned. The
        pages waiting for theirs get a verdict that follows nothing, at once, and later pages
        are handed over without waiting (the worker still takes them, in order, before
        ``Close``: a partial snapshot holds every page archived). The worker's late answers
        are dropped. ``Close`` is still awaited."""
        self._stopping = self._stopping or reason
        for token in self._page_questions:
            future = self._pending.pop(token, None)
            if future is not None and not future.done():
                future.set_result(Verdict(skipped=self._stopping))
        self._page_questions.clear()

    def record_exchange(self, exchange: Exchange) -> None:
        """Archive one raw response (and its request) in the snapshot's WARC."""
        if self._warc is not None and self._failure is None and not self._closing:
            started = time.perf_counter()
            try:
                self._warc.write_exchange(exchange)
            except OSError as exc:
                self._warc_failed(exc)
            self._warc_seconds += time.perf_counter() - started

    def _warc_failed(self, exc: OSError) -> None:
        """A snapshot without its raw pages is no snapshot: drop it and stop the crawl."""
        self._post(Abort())
        self._fail_all(f"the WARC could not be written: {exc}")

    def add_alias(self, url: str, final_url: str) -> None:
        self._post(AddAlias(url, final_url))

    def add_requisite(self, requisite: Requisite) -> None:
        """A requisite's fetch result (``casearchive.crawler.requisites``) for the figures."""
        self._post(AddRequisite(requisite))

    def handle_skipped(self, item: Skipped) -> None:
        self.progress.failed += item.failed
        self._post(SkipPage(item))

    async def handle_page(self, msg: PageMessage) -> Verdict:
        if self._stopping is not None:
            self._post(msg)
            return Verdict(skipped=self._stopping)
        verdict = await self._ask(msg, page=msg.url)
        assert isinstance(verdict, Verdict)
        self.progress.cases_done = max(self.progress.cases_done, verdict.cases_done)
        return verdict

    async def close(self, scrapy_stats: dict[str, Any]) -> Closed:
        """Finish the WARC, then the snapshot (the worker checksums every file, WARC too)."""
        self._closing = True
        log.info("downloads finished: %s cases written, %s pages lost; writing the snapshot",
                 self.progress.cases_done, self.progress.failed)
        close_run_logs()  # the worker checksums every file, this log too
        try:
            if self._warc is not None:
                started = time.perf_counter()
                try:
                    self._warc.close()
                except OSError as exc:
                    self._warc_failed(exc)
                self._warc_seconds += time.perf_counter() - started
            if self._tmp_path is not None:
                drop_journals(self._tmp_path)
            release_freed_memory()
            closed = await self._ask(Close(scrapy_stats, {"warc": self._warc_seconds}))
            assert isinstance(closed, Closed)
            return closed
        finally:
            self._stop_sending()
            await self._wait_gone()

    def abort(self) -> None:
        close_run_logs()
        self._discard_warc()
        self._post(Abort())
        self._stop_sending()

    @property
    def tmp_path(self) -> Path | None:
        """The temporary snapshot directory, once the archive has opened it."""
        return self._tmp_path

    async def suspend(self) -> None:
        """The crawl was interrupted: finish the WARC written so far and end the worker,
        keeping the temporary snapshot for ``crawl --resume`` (``casearchive.crawler.resume``)."""
        self._closing = True
        close_run_logs()
        if self._warc is not None:
            with contextlib.suppress(OSError):
                self._warc.close()
        self._post(Abort(keep=True))
        self._stop_sending()
        self._failure = self._failure or "the crawl was suspended"  # its exit is expected
        await self._wait_gone()

    async def drop(self) -> None:
        """Abort, wait until the worker has gone, and make sure the snapshot being written
        has gone with it (a worker that could not finish its backlog in time is ended)."""
        self._closing = True
        self.abort()
        self._failure = self._failure or "the snapshot was dropped"  # its exit is expected
        await self._wait_gone()
        if self._tmp_path is not None:
            shutil.rmtree(self._tmp_path, ignore_errors=True)

    async def _wait_gone(self) -> None:
        """Wait (off the reactor) until the child has ended; kill it if it has not within
        ``WORKER_GRACE_SECONDS`` (SIGKILL: it ignores SIGTERM, and a worker that never reads
        its pipe again, stuck, would outlive the crawl, whose exit joins it)."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self._join, WORKER_GRACE_SECONDS)
        if self.process.poll() is None:
            log.error("the archive worker did not end within %.0f s; killing it",
                      WORKER_GRACE_SECONDS)
            self.process.kill()
            await loop.run_in_executor(None, self._join, 5)

    def _join(self, timeout: float) -> None:
        """Wait up to ``timeout`` s for the child to end (and reap it)."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout)

    def _stop_sending(self) -> None:
        """Tell the sender thread to stop, without ever blocking the reactor: should the queue
        be full, the (daemon) thread is left to drain it and ends with the process."""
        with contextlib.suppress(queue.Full):
            self._queue.put_nowait(_STOP)

    def _discard_warc(self) -> None:
        if self._warc is not None:
            self._warc.discard()



class InProcessPipeline(PipelineProcess):
    """The page pipeline run in the Scrapy process itself, on the reactor's thread
    (``casearchive crawl --in-process``): the same messages through the same table
    (``apply``), without the child process, so a debugger can follow a page from download
    to export. Slower (parsing holds up downloading); for debugging only."""

    def _spawn(self) -> None:
        self._pipeline: PagePipeline | None = None

    async def _open(self) -> Ready:
        from .pipeline import PagePipeline  # loads the parser and the exports into this process

        try:
            self._pipeline = PagePipeline(self._options)
        except Exception as exc:  # noqa: BLE001 - reported like a worker that cannot start
            reason = f"{type(exc).__name__}: {exc}"
            self._fail_all(reason)
            raise RuntimeError(reason) from None
        return Ready(self._pipeline.writer.tmp_path, self._pipeline.writer.snapshot_id)

    def _post(self, message: ToWorker, token: int = 0) -> None:
        if self._failure is None and self._pipeline is not None:
            self._answer(message)

    async def _ask(self, message: ToWorker, page: str | None = None) -> FromWorker:
        if self._failure is not None:
            raise RuntimeError(self._failure)
        answer = self._answer(message)
        if answer is None:  # only when the pipeline never opened
            raise RuntimeError(self._failure or "the archive is not open")
        return answer

    def _answer(self, message: ToWorker) -> FromWorker | None:
        """Apply the message; a ``Failed`` answer fails the crawl, as the worker's would."""
        if self._pipeline is None:
            return None
        answer = apply(self._pipeline, message)
        if isinstance(answer, FinishJob):
            answer = answer.answer()
        if isinstance(answer, Failed):
            self._fail_all(answer.reason)
            raise RuntimeError(answer.reason)
        return answer

    async def _wait_gone(self) -> None:
        """Nothing to wait for: there is no child."""

    def _stop_sending(self) -> None:
        """Nothing to stop: there is no sender thread."""
