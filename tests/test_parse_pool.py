"""``PrefetchedParser``: pages parsed ahead on two processes, handed out in the replay's order.

Workers much faster than the replay must wait for it: a record it asks for next is never
pushed out by the ones parsed after it, and records it passed by are no obstacle.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import replace
from io import BytesIO
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from casearchive.crawler import parse_pool, reparse
from casearchive.crawler.parse_pool import PrefetchedParser
from casearchive.crawler.parsed import parse_digested
from casearchive.crawler.warc import ArchivedResponse, iter_responses, read_body, read_response

PAGES = 200
HEADERS = {"content-type": "text/html; charset=utf-8"}


def _page(i: int) -> bytes:
    return (f"<html><head><title>Case {i} - Page #1</title></head><body><h1>Case {i}</h1>"
            f"<p><b>History:</b> patient {i} presented with a cough.</p></body></html>").encode()


@pytest.fixture(scope="module")
def warc(tmp_path_factory) -> tuple[Path, list[ArchivedResponse]]:
    path = tmp_path_factory.mktemp("pool") / "pages.warc.gz"
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for i in range(PAGES):
            writer.write_record(writer.create_warc_record(
                f"http://h/case.asp?id={i}", "response", payload=BytesIO(_page(i)),
                http_headers=StatusAndHeaders("200 OK", list(HEADERS.items()),
                                              protocol="HTTP/1.1")))
    return path, list(iter_responses(path))


def _ask(parser: PrefetchedParser, path: Path, responses: list[ArchivedResponse]) -> None:
    """Ask for ``responses`` in order, as a replay slower than the workers would."""
    with open(path, "rb") as fh:
        for response in responses:
            body = read_body(fh, response, 1 << 20)
            assert body is not None
            expected = parse_digested(body, response.url, HEADERS)
            assert parser(body, response.url, HEADERS) == expected
            time.sleep(0.002)


def test_workers_far_ahead_of_the_replay_lose_no_record_it_asks_for(warc) -> None:
    path, responses = warc
    parser = PrefetchedParser(path, 1 << 20, workers=2, window=2, keep=8)
    try:
        for response in responses:
            parser.expect(response)
        time.sleep(1.0)  # every batch the window allows is parsed before the first ask
        _ask(parser, path, responses)
        # Every page handed out and taken: no count is kept for it (a replay of an archive
        # would otherwise end holding one entry per URL).
        assert not (parser._queued or parser._dropped or parser._coming)
    finally:
        parser.close()
    assert (parser.pages, parser.ahead) == (PAGES, PAGES)


def test_records_the_replay_passed_by_do_not_stop_the_parsing_ahead(warc) -> None:
    """Pages expected but never asked for (the pipeline did not parse them) are dropped
    when a later page is asked for; they must not fill the room for the pages to come."""
    path, responses = warc
    parser = PrefetchedParser(path, 1 << 20, workers=2, window=2, keep=4)
    asked = responses[1::3]
    try:
        for response in responses:
            parser.expect(response)
        _ask(parser, path, asked)
    finally:
        parser.close()
    assert (parser.pages, parser.ahead) == (len(asked), len(asked))


def test_one_worker_parses_in_place(warc) -> None:
    path, responses = warc
    parser = PrefetchedParser(path, 1 << 20, workers=1)
    try:
        for response in responses:
            parser.expect(response)
        _ask(parser, path, responses[:5])
    finally:
        parser.close()
    assert (parser.pages, parser.ahead) == (5, 0)


def test_a_worker_killed_mid_run_loses_no_page(warc) -> None:
    """A worker that dies (killed, out of memory) breaks the pool: the pages still to come
    are parsed in place, every one of them, and nothing is raised."""
    path, responses = warc
    parser = PrefetchedParser(path, 1 << 20, workers=2, window=1, keep=8)
    try:
        for response in responses:
            parser.expect(response)
        _ask(parser, path, responses[:20])
        pool = parser._pool
        assert isinstance(pool, ProcessPoolExecutor)
        for process in list(pool._processes.values()):
            process.kill()
        _ask(parser, path, responses[20:])
        aside = parser.run_aside(len, "after")
        assert aside() == 5
    finally:
        parser.close()
    assert parser.pages == PAGES and 20 <= parser.ahead < PAGES


def test_the_replay_reads_what_a_worker_read(warc) -> None:
    """A page parsed ahead comes with the headers and body the worker read, the same as the
    record gives; a response at another offset (another capture of the URL) gets None."""
    path, responses = warc
    parser = PrefetchedParser(path, 1 << 20, workers=2, bodies=True)
    try:
        for response in responses[:3]:
            parser.expect(response)
        with open(path, "rb") as fh:
            assert parser.read(responses[0]) == read_response(fh, responses[0].offset, 1 << 20)
        assert parser.read(replace(responses[1], offset=responses[2].offset)) is None
    finally:
        parser.close()


def test_the_body_a_worker_read_is_trusted_only_with_its_content_type(warc) -> None:
    """The body the worker sent back is parsed from without hashing it again, and its
    record and digests are used; the same bytes under another Content-Type (whose charset
    ``parse_page`` reads) are parsed again in place."""
    path, responses = warc
    parser = PrefetchedParser(path, 1 << 20, workers=2, bodies=True)
    latin = {"content-type": "text/html; charset=windows-1252"}
    try:
        for response in responses[:2]:
            parser.expect(response)
        for response, headers in ((responses[0], HEADERS), (responses[1], latin)):
            got = parser.read(response)
            assert got is not None
            body = got[1]
            assert parser(body, response.url, headers) == parse_digested(body, response.url,
                                                                         headers)
    finally:
        parser.close()
    assert (parser.pages, parser.ahead) == (2, 1)


def test_a_page_asked_for_early_keeps_the_pages_queued_before_it(warc) -> None:
    """A redirect's target can be asked for before the pages queued ahead of it (the
    replay reached it through another URL); with room to spare, they keep their records."""
    path, responses = warc
    parser = PrefetchedParser(path, 1 << 20, workers=2)
    try:
        for response in responses[:10]:
            parser.expect(response)
        _ask(parser, path, responses[:1])  # the others are handed out as the first arrives
        _wait_for_batches(parser)
        _ask(parser, path, [responses[5], *responses[1:5], *responses[6:10]])
    finally:
        parser.close()
    assert (parser.pages, parser.ahead) == (10, 10)


def _wait_for_batches(parser: PrefetchedParser, seconds: float = 60) -> None:
    """Until the batches handed out are parsed (a fixed sleep is too short on a loaded
    machine, where starting the workers alone can take a second)."""
    deadline = time.monotonic() + seconds
    while not all(future.done() for _, future in parser._pending):
        assert time.monotonic() < deadline, "the workers parsed nothing"
        time.sleep(0.01)


def test_a_buffer_full_of_pages_never_asked_for_does_not_stop_parsing_ahead(warc) -> None:
    """Records the replay never asks for (pages it turned away) fill the buffer; each page
    it then parses in place makes room, so the workers resume."""
    path, responses = warc
    parser = PrefetchedParser(path, 1 << 20, workers=2, window=1, keep=4)
    try:
        for response in responses[:48]:
            parser.expect(response)
        for response in responses[40:48]:  # a replay slower than the workers, on any load
            _wait_for_batches(parser)  # at first: the buffer full of pages never asked for
            _ask(parser, path, [response])
    finally:
        parser.close()
    assert parser.pages == 8 and parser.ahead > 0


def test_a_batch_that_fails_in_its_worker_is_parsed_in_place(warc, monkeypatch) -> None:
    """An error of a batch that is not a parse's (``parse_page`` raises none: memory, a
    record that would not pickle) costs the parsing ahead, never a page or a traceback."""
    path, responses = warc

    def failing(batch: list[ArchivedResponse]) -> list:
        raise RuntimeError("the worker ran out of something")

    monkeypatch.setattr(parse_pool, "_parse_batch", failing)
    parser = PrefetchedParser(path, 1 << 20, workers=2)
    assert parser._pool is not None
    parser._pool.shutdown()
    parser._pool = ThreadPoolExecutor(2)  # a pool in this process, where the failure is planted
    try:
        for response in responses[:20]:
            parser.expect(response)
        _ask(parser, path, responses[:20])
    finally:
        parser.close()
    assert (parser.pages, parser.ahead) == (20, 0)


def test_the_workers_yield_the_cpu_to_the_replay(warc) -> None:
    """The replay is the sequential part: its process keeps its core when it has work, and
    the workers parse ahead at a lower priority."""
    path, _ = warc
    parser = PrefetchedParser(path, 1 << 20, workers=2)
    try:
        niceness = parser.run_aside(os.getpriority, os.PRIO_PROCESS, 0)()
    finally:
        parser.close()
    own = os.getpriority(os.PRIO_PROCESS, 0)
    if own >= 19:
        pytest.skip("the tests run at the lowest priority already")
    assert niceness == min(19, own + parse_pool.WORKER_NICENESS)


def test_the_replays_queue_is_told_to_the_pool_in_the_order_it_is_read(monkeypatch) -> None:
    """A case's other pages go before links found earlier that wait beyond the queue's
    bound; the pool parses ahead in the order the replay reads, or its records would be
    dropped unused."""
    monkeypatch.setattr(reparse, "QUEUED_AHEAD", 2)
    told: list[str] = []
    frontier = reparse.Frontier(told.append)
    for url in ("list", "case-1", "case-2", "case-3"):
        frontier.add(url, "case link")
    read = [frontier.pop()]
    frontier.add("case-1-page-2", "pager")
    while read[-1] is not None:
        read.append(frontier.pop())
    assert [got[0] for got in read if got is not None] == told
    assert told == ["list", "case-1", "case-1-page-2", "case-2", "case-3"]
