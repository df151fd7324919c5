"""Parsing a replay's pages ahead of it, over a pool of processes.

``reparse`` (and ``import``) replays a crawl one page at a time: which page comes next
depends on the links of the pages before it, so the replay itself is sequential. Its cost
is ``parse_page``, a pure function of ``(body, url, headers)``, so the pages can be parsed
ahead on every core, and hashed there too (``parsed.digested``: the digests the pipeline
keys a page by). The replay knows what it will read next, its queue: each URL it
queues is ``expect``-ed here and parsed in that order (the WARC's own order is the crawl's
fetch order, which the replay does not follow: Scrapy fetched the case links of a list
page last first).

``PrefetchedParser`` is a drop-in for ``parse_digested``: the replay asks it for a page;
it hands out the record a worker parsed for that URL when the worker saw the same body and
Content-Type (a SHA-256 of both is checked, so a record is never used for other bytes; the
body the worker sent back, ``read``, is that body already), else parses in place (a page
the workers have not started: the replay caught up with them). Memory is bounded on any
archive: each worker holds one page at a time (it reads the record itself, by offset), at
most ``window`` batches of ``batch`` pages are in flight, and no batch is handed out while
``keep`` parsed records wait for the replay (a record the replay has passed is dropped).
The records are the same objects either way, so the output is byte for byte that of one
process.
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import os
from collections import Counter, OrderedDict, deque
from collections.abc import Callable, Mapping
from concurrent.futures import BrokenExecutor, Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from casearchive.parsers.page import parse_page

from .parsed import ParsedPage, digested, parse_digested
from .warc import ArchivedResponse, is_html, read_response

T = TypeVar("T")

BATCH = 16
"""Pages per task: large enough that the pickling round trip is noise, small enough that a
slow page does not idle the other cores for long."""

WORKER_NICENESS = 10
"""How much lower the workers' CPU priority is than the replay's. The replay is the one
sequential part and its process the critical path: with two workers and the replay on two
cores, equal priorities let the scheduler take the replay off its core for a third of the
time, and the workers then wait for it with their buffer full. At 10 the replay keeps its
core when it has work, and the workers take the rest (5,000 pages, two workers: 12.3-12.5
s at 0, 11.9 at 10)."""

BODY_BACK = 1 << 20
"""Largest body a worker sends back with its record (``bodies``): what waits for the replay
stays a few MiB whatever the size limit; a larger page is read again by the replay."""

@dataclass(slots=True)
class _Parsed:
    """A page a worker parsed, and what it read for it (the replay need not read it again)."""

    url: str
    identity: str
    """``_identity`` of the body and headers."""
    page: ParsedPage
    offset: int
    source: Path | None
    headers: dict[str, str]
    body: bytes | None
    """What the worker read (``bodies``, up to ``BODY_BACK``), else None."""


Parsed = list[_Parsed]

class _Worker:
    """What a pool worker keeps between batches: the open WARC, the size limit, and whether
    bodies go back with the records."""

    warc: BinaryIO | None = None
    limit = 0
    bodies = False


def default_workers() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _open(path: str | None, limit: int, bodies: bool) -> None:
    """Worker initializer: each worker opens the WARC once and reads records by offset, and
    yields the CPU to the replay (``WORKER_NICENESS``)."""
    if path is not None:
        _Worker.warc = open(path, "rb")  # noqa: SIM115 (lives as long as the worker)
    _Worker.limit, _Worker.bodies = limit, bodies
    with contextlib.suppress(OSError, AttributeError):  # (no nice outside POSIX)
        os.nice(WORKER_NICENESS)


def _read(response: ArchivedResponse) -> tuple[dict[str, str], bytes | None]:
    """The headers and body of ``response``, from the pool's WARC or from its ``source``
    (another snapshot's WARC, an imported archive): what the replay reads for it."""
    if response.source is None:
        assert _Worker.warc is not None
        return read_response(_Worker.warc, response.offset, _Worker.limit)
    with open(response.source, "rb") as source:
        return read_response(source, response.offset, _Worker.limit)


def _parse_batch(batch: list[ArchivedResponse]) -> Parsed:
    """Parse a batch: each page under the size limit, with what was read for it."""
    out = []
    for response in batch:
        try:
            headers, body = _read(response)
        except Exception:  # noqa: BLE001 (the replay reads it again and reports the damage)
            continue
        if body is None or not body.strip() or not is_html(headers):
            continue  # the pipeline turns these away without parsing them
        back = body if _Worker.bodies and len(body) <= BODY_BACK else None
        body_sha256, identity = _hashes(body, headers)
        page = digested(parse_page(body, response.url, headers), body, body_sha256)
        out.append(_Parsed(response.url, identity, page, response.offset, response.source,
                           headers, back))
    return out


def _identity(body: bytes, headers: Mapping[str, str]) -> str:
    """What a page's record depends on besides its URL: the body and the Content-Type
    (``parse_page`` reads no other header: the charset)."""
    return _hashes(body, headers)[1]


def _hashes(body: bytes, headers: Mapping[str, str]) -> tuple[str, str]:
    """The body's hex SHA-256 and ``_identity``, the body hashed once."""
    digest = hashlib.sha256(body)
    body_sha256 = digest.hexdigest()
    digest.update(b"\0" + _content_type(headers).encode("utf-8", "surrogateescape"))
    return body_sha256, digest.hexdigest()


def _same_input(got: _Parsed, body: bytes, headers: Mapping[str, str]) -> bool:
    """Was ``got`` parsed from this body and Content-Type? Without hashing the body again
    when it is the very object the worker sent back (``read``: the replay parses what the
    worker read)."""
    if body is got.body:
        return _content_type(headers) == _content_type(got.headers)
    return got.identity == _identity(body, headers)


def _content_type(headers: Mapping[str, str]) -> str:
    return next((v for k, v in headers.items() if k.lower() == "content-type"), "")


def _less(counter: Counter[str], key: str) -> None:
    """One fewer ``key``; at zero the key goes (kept, the counters would hold every URL of
    the archive by the end of a replay)."""
    left = counter[key] - 1
    if left > 0:
        counter[key] = left
    else:
        counter.pop(key, None)


class PrefetchedParser:
    """``parse_digested`` with the pages of ``responses`` parsed ahead by ``workers`` processes
    (with one worker, every page is parsed in place); ``pages`` counts the pages parsed.
    With ``bodies``, what a worker read comes back for ``read``."""

    def __init__(self, warc: Path | None, limit: int, workers: int, *, window: int = 4,
                 keep: int = 256, bodies: bool = False) -> None:
        self._pool: Executor | None = None
        if workers > 1:  # one worker: parse in place, as the crawl does
            context = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
            if os.name == "posix":  # workers fork from a server that imported the parser once
                context.set_forkserver_preload([__name__])
            # Not multiprocessing.Pool: its worker-handler thread also waits on the result
            # pipe and spins, holding the GIL, while a result waits there to be read (a
            # quarter of this process's CPU at two workers).
            self._pool = ProcessPoolExecutor(workers, context, _open,
                                             (None if warc is None else str(warc), limit,
                                              bodies))
        self._todo: deque[ArchivedResponse] = deque()
        """Expected pages not yet handed to a worker, in the replay's order."""
        self._queued: Counter[str] = Counter()
        """How often each URL is in ``_todo``."""
        self._dropped: Counter[str] = Counter()
        """URLs of ``_todo`` the replay has parsed in place meanwhile (not to submit)."""
        self._pending: deque[tuple[list[ArchivedResponse], Future[Parsed]]] = deque()
        self._ready: OrderedDict[str, _Parsed] = OrderedDict()
        self._coming: Counter[str] = Counter()
        """URLs submitted whose record has not arrived."""
        self._window = window * workers
        self._keep = keep
        self.pages = 0
        """Pages handed out (parsed ahead or in place)."""
        self.ahead = 0
        """Of those, pages a worker had parsed ahead."""

    def run_aside(self, fn: Callable[..., T], *args: Any) -> Callable[[], T]:
        """``fn(*args)`` on a worker (in place without a pool); the callable returned gives
        its result, or raises what it raised. For work the replay needs later."""
        if self._pool is not None:
            with contextlib.suppress(BrokenExecutor):  # a worker died: run it here
                future = self._pool.submit(fn, *args)
                return lambda: self._result(future, lambda: fn(*args))
            self.close()
        result = fn(*args)
        return lambda: result

    def _result(self, future: Future[T], in_place: Callable[[], T]) -> T:
        """What ``future`` gives; when a worker died (killed, out of memory), the pool is
        closed and ``in_place`` gives it: nothing is lost, the rest is parsed here."""
        try:
            return future.result()
        except BrokenExecutor:
            self.close()
            return in_place()

    def expect(self, response: ArchivedResponse) -> None:
        """The replay has queued this HTML page: parse it ahead, after those queued before."""
        if self._pool is not None:
            self._todo.append(response)
            self._queued[response.url] += 1
            self._fill()

    def __call__(self, body: bytes, url: str, headers: dict[str, str]) -> ParsedPage:
        self.pages += 1
        while url not in self._ready and self._coming[url] > 0:
            self._take()
        while self._pending and self._pending[0][1].done():
            self._take()  # finished batches make room in the window
        got = self._pop_ready(url)
        if got is None and self._queued[url] > self._dropped[url]:
            self._dropped[url] += 1  # parsed here now: no worker needs to
            self._make_room()
        self._fill()  # the records taken and dropped made room
        if got is not None and _same_input(got, body, headers):
            self.ahead += 1
            return got.page
        return parse_digested(body, url, headers)

    def read(self, response: ArchivedResponse) -> tuple[dict[str, str], bytes] | None:
        """The headers and body a worker read for ``response`` (the same record), if it
        has parsed it ahead: the replay need not read the record itself."""
        while response.url not in self._ready and self._coming[response.url] > 0:
            self._take()
        got = self._ready.get(response.url)
        if got is None or got.body is None or (
                (got.offset, got.source) != (response.offset, response.source)):
            return None
        return got.headers, got.body

    def _make_room(self) -> None:
        """The replay asked for a page not yet handed out: the records waiting were all
        expected before it, so most are pages it has passed. With ``keep`` of them waiting
        no batch would be handed out again; the older half goes (at worst parsed again)."""
        if len(self._ready) >= self._keep:
            while len(self._ready) > self._keep // 2:
                self._ready.popitem(last=False)

    def _pop_ready(self, url: str) -> _Parsed | None:
        """The record parsed ahead for ``url``, if any. When ``keep`` records wait, those
        that arrived before it are dropped too: the replay asks in the order it expected,
        so it has passed them (pages it did not parse: a redirect's target it reached
        through another URL, a page the pipeline turned away). Below ``keep`` they stay: a
        redirect's target asked for early must not drop the pages queued before it."""
        if url not in self._ready:
            return None
        if len(self._ready) < self._keep:
            return self._ready.pop(url)
        while True:
            key, got = self._ready.popitem(last=False)
            if key == url:
                return got

    def _fill(self) -> None:
        """Hand the expected pages to the workers: full batches while the window has room
        and fewer than ``keep`` records wait (workers faster than the replay must wait for
        it, not push out the records it asks for next); a shorter batch only when none is
        in flight (the workers would idle)."""
        while (self._pool is not None and len(self._pending) < self._window
               and len(self._ready) < self._keep and self._todo):
            if len(self._todo) < BATCH and self._pending:
                return
            batch = self._next_batch()
            if batch:
                try:
                    future = self._pool.submit(_parse_batch, batch)
                except BrokenExecutor:
                    self.close()
                    return
                for response in batch:
                    self._coming[response.url] += 1
                self._pending.append((batch, future))

    def _next_batch(self) -> list[ArchivedResponse]:
        batch: list[ArchivedResponse] = []
        while self._todo and len(batch) < BATCH:
            response = self._todo.popleft()
            _less(self._queued, response.url)
            if self._dropped[response.url] > 0:
                _less(self._dropped, response.url)
            else:
                batch.append(response)
        return batch

    def _take(self) -> None:
        batch, result = self._pending.popleft()
        for response in batch:
            _less(self._coming, response.url)
        for parsed in self._batch_records(result):
            self._ready[parsed.url] = parsed
            self._ready.move_to_end(parsed.url)
        self._fill()

    def _batch_records(self, future: Future[Parsed]) -> Parsed:
        """A batch's records; none when the batch failed in its worker with an error that
        is not a parse's (``parse_page`` raises none: memory, a record that would not
        pickle). Its pages are then parsed in place as they are asked for, as without a
        pool: nothing is lost, and an error that is the page's own is the page's warning."""
        try:
            return self._result(future, list)
        except Exception:  # noqa: BLE001 - the pages are parsed again in place
            return []

    def close(self) -> None:
        """Stop the workers (nothing they still hold is needed); once is enough."""
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
            self._todo.clear()  # a later call parses in place
            self._pending.clear()
            self._coming.clear()
            self._queued.clear()
            self._dropped.clear()
            self._ready.clear()

