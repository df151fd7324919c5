"""Parsing a WARC's pages ahead of the replay, over a pool of processes.

``reparse`` replays a crawl one page at a time: which page comes next depends on the links
of the pages before it, so the replay itself is sequential. Its cost is ``parse_page``, a
pure function of ``(body, url, headers)``, so the pages can be parsed ahead, in WARC order
(the order the crawl fetched them, which the replay mostly follows), on every core.

``PrefetchedParser`` is a drop-in for ``parse_page``: the replay asks it for a page; it
hands out the record a worker parsed for that URL when the worker saw the same body (its
SHA-256 is checked, so a record is never used for other bytes), else parses in place. Memory
is bounded on any WARC: each worker holds one page at a time (it reads the body itself, by
offset), at most ``window`` batches of ``batch`` pages are in flight, and at most
``keep`` parsed records wait for the replay (the oldest are dropped and, if the replay asks
for them after all, parsed again in place). The records are the same objects either way,
so the output is byte for byte that of one process.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections import Counter, OrderedDict, deque
from collections.abc import Iterator, Sequence
from multiprocessing.pool import AsyncResult, Pool
from pathlib import Path
from typing import BinaryIO

from casearchive.parsers.page import parse_page
from casearchive.parsers.records import PageRecord

from .warc import ArchivedResponse, read_body

BATCH = 16
"""Pages per task: large enough that the pickling round trip is noise, small enough that a
slow page does not idle the other cores for long."""

Parsed = list[tuple[str, str, PageRecord]]
"""A batch's result: ``(url, body sha256, record)`` per page."""

class _Worker:
    """What a pool worker keeps between batches: the open WARC and the size limit."""

    warc: BinaryIO | None = None
    limit = 0


def default_workers() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _open(path: str, limit: int) -> None:
    """Pool initializer: each worker opens the WARC once and reads bodies by offset."""
    _Worker.warc = open(path, "rb")  # noqa: SIM115 (lives as long as the worker)
    _Worker.limit = limit


def _parse_batch(batch: list[ArchivedResponse]) -> Parsed:
    """Parse a batch: ``(url, body sha256, record)`` for each page under the size limit."""
    assert _Worker.warc is not None
    out = []
    for response in batch:
        try:
            body = read_body(_Worker.warc, response, _Worker.limit)
        except Exception:  # noqa: BLE001 (the replay reads it again and reports the damage)
            continue
        if body is None or not body.strip():
            continue
        digest = hashlib.sha256(body).hexdigest()
        out.append((response.url, digest, parse_page(body, response.url, response.headers)))
    return out


class PrefetchedParser:
    """``parse_page`` with the pages of ``responses`` parsed ahead by ``workers`` processes
    (with one worker, every page is parsed in place); ``pages`` counts the pages parsed."""

    def __init__(self, warc: Path, responses: Sequence[ArchivedResponse], limit: int,
                 workers: int, *, window: int = 4, keep: int = 256) -> None:
        self._pool: Pool | None = None
        if workers > 1:  # one worker: parse in place, as the crawl does
            context = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
            if os.name == "posix":  # workers fork from a server that imported the parser once
                context.set_forkserver_preload([__name__])
            self._pool = context.Pool(workers, _open, (str(warc), limit))
        else:
            responses = ()
        self._todo: Iterator[list[ArchivedResponse]] = _batches(responses, BATCH)
        self._pending: deque[tuple[list[ArchivedResponse], AsyncResult[Parsed]]] = deque()
        self._ready: OrderedDict[str, tuple[str, PageRecord]] = OrderedDict()
        self._coming = Counter(r.url for r in responses)
        """URLs submitted or still to submit whose record has not arrived."""
        self._window = window * workers
        self._keep = keep
        self.pages = 0
        """Pages handed out (parsed ahead or in place)."""
        self.ahead = 0
        """Of those, pages a worker had parsed ahead."""
        self._fill()

    def __call__(self, body: bytes, url: str, headers: dict[str, str]) -> PageRecord:
        self.pages += 1
        digest = hashlib.sha256(body).hexdigest()
        while url not in self._ready and self._coming[url] > 0 and self._pending:
            self._take()
        got = self._ready.pop(url, None)
        if got is not None and got[0] == digest:
            self.ahead += 1
            return got[1]
        return parse_page(body, url, headers)

    def _fill(self) -> None:
        while self._pool is not None and len(self._pending) < self._window:
            batch = next(self._todo, None)
            if batch is None:
                return
            self._pending.append((batch, self._pool.apply_async(_parse_batch, (batch,))))

    def _take(self) -> None:
        batch, result = self._pending.popleft()
        for response in batch:
            self._coming[response.url] -= 1
        for url, digest, record in result.get():
            self._ready[url] = (digest, record)
            self._ready.move_to_end(url)
        while len(self._ready) > self._keep:
            self._ready.popitem(last=False)
        self._fill()

    def close(self) -> None:
        """Stop the workers (nothing they still hold is needed)."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()


def _batches(items: Sequence[ArchivedResponse], size: int) -> Iterator[list[ArchivedResponse]]:
    for start in range(0, len(items), size):
        yield list(items[start:start + size])
