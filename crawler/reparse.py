"""``reparse``: rebuild every export of a snapshot from its WARC alone, with no network.

The crawl is replayed: starting from the snapshot's start URL, each URL is looked up in
the WARC (its last response counts, so a 503 followed by a successful retry yields the
retry; redirects are followed and become aliases), handed to the same ``PagePipeline`` a live
crawl uses, and the links it says to follow are looked up in turn. URLs the crawl could not
fetch, or skipped, are replayed from the old manifest. With an unchanged parser the new
snapshot's content is identical to the old one's.

The new snapshot is named by the moment its source represents, as an import is (its id
the source's, with the next free suffix in ``--out``): it shows the site as it stood then.
Rebuilt into the directory that holds newer snapshots, it sorts beside its source and
never becomes ``latest`` over them (``diff previous latest`` would report the site's
past as its news); rebuilt from ``latest``, it is the new ``latest``.
"""

from __future__ import annotations

import shutil
import time
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, Protocol
from urllib.parse import urldefrag, urljoin

from casearchive.exports.load import load_snapshot
from casearchive.exports.manifest import id_moment
from casearchive.exports.snapshot import utc_now

from .captures import site_url
from .finish import write_snapshot
from .messages import PageMessage, Requisite
from .ondisk import DiskSet
from .options import DEFAULT_MAX_SIZE_MIB, CrawlOptions
from .parse_pool import PrefetchedParser
from .pipeline import PagePipeline
from .requisites import archived_requisites
from .skipped import Skipped
from .urls import DEFAULT_RULES, UrlRules, canonical_url
from .warc import (
    PAYLOADS_NAME,
    WARC_ERRORS,
    WARC_NAME,
    ArchivedResponse,
    carry_payloads,
    is_html,
    iter_responses,
    read_body,
    read_headers,
    read_response,
    warc_error_text,
)


class ReplayError(RuntimeError):
    """The snapshot cannot be re-parsed (no WARC, or no case page in it)."""


class UnreadableCapture(Exception):
    """A capture whose record cannot be read (``Captures`` raise it with the reason): its
    URL is lost with that reason, and the replay goes on."""


def _index(warc: Path, start_url: str | None = None,
           ) -> tuple[dict[str, ArchivedResponse], list[tuple[str, str]]]:
    """The last response per canonical URL (offsets and, of the headers, the Content-Type
    that choosing and parsing ahead a page need: ``_indexed``; bodies stay on disk), and
    the records of other snapshots its revisits refer to (``referred_records``).
    With ``start_url`` (an imported snapshot, whose records keep the URI the other tool
    recorded), captures under the site's other scheme or ``www.`` host count as the site's,
    as ``import`` read them."""
    referred: dict[tuple[str, str], None] = {}
    responses = iter_responses(warc, referred=referred)
    if start_url is not None:
        responses = (replace(r, url=site_url(r.url, start_url)) for r in responses)
    return {canonical_url(r.url): _indexed(r) for r in responses}, list(referred)


def _indexed(response: ArchivedResponse) -> ArchivedResponse:
    """``response`` with only its Content-Type header: an index of the WARC does not grow
    with the headers of its records (``SnapshotCaptures.response`` reads them back)."""
    ctype = response.headers.get("content-type")
    return replace(response, headers={} if ctype is None else {"content-type": ctype})


def _size_limit(stats: dict[str, Any]) -> int:
    """The crawl's size limit in bytes (recorded under ``limits``; the default before)."""
    return int(stats.get("limits", {}).get("max_size_mib", DEFAULT_MAX_SIZE_MIB)) * 1024 * 1024


def reparse_snapshot(snapshot: Path, out_dir: Path, workers: int = 1,
                     progress: Callable[[int, int, float], None] | None = None) -> Path:
    """Re-extract ``snapshot`` into a new snapshot under ``out_dir``; return its path.

    With ``workers`` > 1 the pages are parsed ahead on that many processes
    (``parse_pool``); the snapshot is the same byte for byte. ``progress`` is told the pages
    parsed, how many of them the pool parsed ahead, and the seconds taken, once at the end."""
    old = load_snapshot(snapshot)
    warc = old.path / WARC_NAME
    if not warc.is_file():
        raise ReplayError(f"{old.path}: no {WARC_NAME} to re-parse")
    old_stats = old.manifest.get("crawl_stats", {})
    unfetched = {
        canonical_url(entry["url"]): Skipped(entry["url"], entry["reason"])
        for entry in old_stats.get("skipped", [])
    }
    for key, default_role in (("failures", None), ("navigation_warnings", "link")):
        unfetched.update(
            (canonical_url(entry["url"]), Skipped(entry["url"], entry["reason"],
                                                  entry["status"], failed=True,
                                                  referer=entry["referer"],
                                                  role=entry.get("role", default_role)))
            for entry in old_stats.get(key, [])
        )
    imported = old.manifest.get("source") == "import"
    options = CrawlOptions(start_url=old.manifest["start_url"], out_dir=Path(out_dir))
    limit = _size_limit(old_stats)
    parser = PrefetchedParser(warc, limit, workers, bodies=True)
    pipeline = PagePipeline(options, parser, clock=moment_clock(id_moment(old.id)))
    started = time.perf_counter()
    try:
        shutil.copyfile(warc, pipeline.writer.tmp_path / WARC_NAME)
        # A worker looks up the requisites (a scan of the WARC) as this process indexes the
        # responses; then the payloads its revisits refer to, which travel with it (--out
        # may be anywhere), are copied as the replay begins.
        requisites = parser.run_aside(archived_requisites, warc, canonical_url)
        responses, referred = _index(warc, old.manifest["start_url"] if imported else None)
        archived = requisites()
        carried = parser.run_aside(carry_payloads, warc,
                                   pipeline.writer.tmp_path / PAYLOADS_NAME, referred)
        with open(warc, "rb") as warc_file:
            captures = SnapshotCaptures(responses, unfetched, warc_file, archived, limit,
                                        parser.read)
            replay(pipeline, captures, limit, parse_ahead(parser, captures.indexed, pipeline))
        carried()
        closing = pipeline.prepare_close({}, extra={"reparsed_from": old.id,
                                                   "limits": old_stats.get("limits", {})})
    except WARC_ERRORS as exc:
        pipeline.abort()
        raise ReplayError(f"{warc}: not a readable WARC ({warc_error_text(exc)})") from None
    except BaseException:
        pipeline.abort()
        raise
    finally:
        parser.close()
    pages, ahead = parser.pages, parser.ahead
    del pipeline, parser, captures, responses, archived  # every page's state, before the files
    closed = write_snapshot(closing)
    if progress is not None:
        progress(pages, ahead, time.perf_counter() - started)
    if closed.snapshot is None:
        raise ReplayError(f"{warc}: holds no case page to re-parse")
    return closed.snapshot


def moment_clock(moment: datetime) -> Callable[[], datetime]:
    """A clock that says ``moment`` once (the snapshot's id and start) and the time after."""
    told: list[datetime] = []

    def clock() -> datetime:
        if told:
            return utc_now()
        told.append(moment)
        return moment

    return clock


def parse_ahead(parser: PrefetchedParser,
                lookup: Callable[[str, UrlRules], ArchivedResponse | None],
                pipeline: PagePipeline) -> Callable[[str], None]:
    """What the replay calls for each URL it queues: the HTML page ``lookup`` finds archived
    under it (not a redirect, not a failure) is handed to the pool, to be parsed before the
    replay asks. ``lookup`` must not read the record (``SnapshotCaptures.indexed``)."""
    def ahead(url: str) -> None:
        response = lookup(url, pipeline.scope.rules)
        if response is not None and response.status == 200 and is_html(response.headers):
            parser.expect(response)
    return ahead


class Captures(Protocol):
    """What a replay reads pages from: a snapshot's own WARC (``reparse``) or the captures of
    other tools' archives at one moment (``crawler.importer``). ``rules`` are the pipeline's
    current URL identity rules (they change as the site is learned)."""

    def response(self, url: str, rules: UrlRules) -> ArchivedResponse | None:
        """The capture of ``url``, or None when there is none."""

    def body(self, response: ArchivedResponse, limit: int) -> tuple[bytes | None, str | None]:
        """The payload of a 200 capture (None beyond ``limit``) and its record id in the
        new snapshot's WARC; ``UnreadableCapture`` when its record cannot be read."""

    def used(self, response: ArchivedResponse) -> None:
        """A capture that is not a page (a redirect) is part of the snapshot
        (``UnreadableCapture`` as ``body``)."""

    def missing(self, url: str, role: str, rules: UrlRules) -> Skipped | None:
        """What to report for a URL with no capture (None: nothing)."""

    def requisite(self, url: str) -> Requisite:
        """The archived payload of a page requisite, or why there is none."""


class SnapshotCaptures:
    """The captures of a snapshot's own WARC: its last response per canonical URL; the URLs
    its crawl could not fetch or skipped come back from its manifest."""

    def __init__(self, responses: dict[str, ArchivedResponse], unfetched: dict[str, Skipped],
                 warc_file: BinaryIO, requisites: dict[str, Requisite], limit: int,
                 prefetched: Callable[[ArchivedResponse], tuple[dict[str, str], bytes] | None]
                 = lambda response: None) -> None:
        self._responses = responses
        self._unfetched = unfetched
        self._failed = {url for url, skipped in unfetched.items() if skipped.failed}
        self._file = warc_file
        self._requisites = requisites
        """The WARC's requisites by canonical URL (``requisites.archived_requisites``)."""
        self._rules = DEFAULT_RULES
        self._limit = limit
        self._prefetched = prefetched
        """What a worker parsing ahead read for a response (``PrefetchedParser.read``)."""
        self._read: tuple[int, bytes | None] | None = None
        """The offset and body of the 200 response last read with its headers (the replay
        asks for the body next: the record is decompressed once)."""

    def _rekey(self, rules: UrlRules) -> None:
        if rules != self._rules:  # new identity rules: re-key what is known
            self._responses = {canonical_url(r.url, rules): r for r in self._responses.values()}
            self._unfetched = {canonical_url(s.url, rules): s for s in self._unfetched.values()}
            self._failed = {canonical_url(s.url, rules) for s in self._unfetched.values()
                            if s.failed}
            self._rules = rules

    def response(self, url: str, rules: UrlRules) -> ArchivedResponse | None:
        found = self.indexed(url, rules)
        return None if found is None else replace(found, headers=self._headers(found))

    def indexed(self, url: str, rules: UrlRules) -> ArchivedResponse | None:
        """``response`` as the index has it: of the headers, only the Content-Type (enough
        to choose a page and to parse it, never reading the record)."""
        self._rekey(rules)
        key = canonical_url(url, rules)
        return None if key in self._failed else self._responses.get(key)

    def _headers(self, response: ArchivedResponse) -> dict[str, str]:
        """Every header of ``response``, read back from its record (the index keeps one);
        a 200's body is read with them, for ``body``."""
        if response.source is not None:
            with open(response.source, "rb") as source:
                return read_headers(source, response.offset)
        if response.status != 200:
            return read_headers(self._file, response.offset)
        headers, body = self._prefetched(response) or read_response(
            self._file, response.offset, self._limit)
        self._read = (response.offset, body)
        return headers

    def body(self, response: ArchivedResponse, limit: int) -> tuple[bytes | None, str | None]:
        read, self._read = self._read, None
        if read is not None and read[0] == response.offset and response.source is None and (
                limit == self._limit):
            return read[1], response.record_id
        return read_body(self._file, response, limit), response.record_id

    def used(self, response: ArchivedResponse) -> None:
        """Nothing to do: the snapshot's WARC is copied whole."""

    def missing(self, url: str, role: str, rules: UrlRules) -> Skipped | None:
        self._rekey(rules)
        return self._unfetched.get(canonical_url(url, rules))

    def requisite(self, url: str) -> Requisite:
        got = self._requisites.get(canonical_url(url))
        return replace(got, url=url) if got else Requisite(url, error="not in the WARC")


#: Redirects followed from one URL within an archive (a crawl gives up after 20; archives
#: hold what was followed, and a loop must end).
MAX_ARCHIVED_REDIRECTS = 10


#: URLs the replay queues ahead of the one it reads (``Frontier``): about as many cases
#: are open at once, whatever the site's size; more than the pool parses ahead (``window``
#: batches per worker).
QUEUED_AHEAD = 256


class Frontier:
    """The replay's queue of (URL, role), read in order, and told to ``ahead`` in that order
    (the pages to parse ahead). A link to another page of a case (role "pager") joins the
    queue at once; other links join it while it holds fewer than ``QUEUED_AHEAD`` URLs and
    wait in order in ``_later`` after that. Breadth first, every case of the site was
    opened (its first page read, its other pages queued behind every other first page)
    before any was complete: the assembler held them all, and the replay's memory grew
    with the site. On a site whose queue stays short the order is breadth first."""

    def __init__(self, ahead: Callable[[str], None] | None) -> None:
        self._queue: deque[tuple[str, str]] = deque()
        self._later: deque[tuple[str, str]] = deque()
        self._ahead = ahead

    def add(self, url: str, role: str) -> None:
        """Queue a link found (``role``: how it was linked)."""
        if role == "pager" or (not self._later and len(self._queue) < QUEUED_AHEAD):
            self._enqueue(url, role)
        else:
            self._later.append((url, role))

    def again(self, requests: list[tuple[str, str]]) -> None:
        """Queue pages to read again (``Verdict.refetch``; parsed in place)."""
        self._queue.extend(requests)

    def pop(self) -> tuple[str, str] | None:
        """The next (URL, role) to read; None when the crawl is over."""
        while self._later and len(self._queue) < QUEUED_AHEAD:
            self._enqueue(*self._later.popleft())
        return self._queue.popleft() if self._queue else None

    def _enqueue(self, url: str, role: str) -> None:
        self._queue.append((url, role))
        if self._ahead is not None:
            self._ahead(url)


def replay(pipeline: PagePipeline, captures: Captures, limit: int,
           ahead: Callable[[str], None] | None = None) -> None:
    """Replay the crawl from the start URL through ``captures``: each URL is looked up,
    recorded redirects are followed (and become aliases), pages go to ``pipeline`` and the
    links it says to follow are looked up in turn. No body is decoded beyond ``limit``.
    ``ahead`` is told each URL as it is queued (the pages to parse ahead, in order)."""
    start = pipeline.scope.start_url
    frontier = Frontier(ahead)
    frontier.add(start, "list")
    # Canonical URLs queued or reached (redirect targets, aliases): every link of the site,
    # so on disk (``DiskSet``), not in memory.
    seen = DiskSet([canonical_url(start)])

    def canon(url: str) -> str:
        return canonical_url(url, pipeline.scope.rules)

    while (next_url := frontier.pop()) is not None:
        url, role = next_url
        try:
            response, body, record_id = _read(pipeline, captures, url, seen, limit)
        except UnreadableCapture as exc:
            pipeline.handle_skipped(Skipped(url, str(exc), failed=True, role=role))
            continue
        if response is None:
            skipped = captures.missing(url, role, pipeline.scope.rules)
            if skipped is not None:
                pipeline.handle_skipped(skipped)
            continue
        if response.status != 200:
            pipeline.handle_skipped(Skipped(url, f"HTTP {response.status}", response.status,
                                           failed=True))
            continue
        if body is None:
            pipeline.handle_skipped(Skipped(url, f"larger than the size limit ({limit >> 20} MiB)"
                                           " once decompressed", response.status, failed=True))
            continue
        verdict = pipeline.handle_page(
            PageMessage(role=role, link_role=role, url=response.url, request_url=url,
                        status=response.status, headers=response.headers, body=body,
                        fetched_at=response.date, warc_record_id=record_id,
                        redirects=[url] if url != response.url else [])
        )
        seen = seen.mapped(canon) if verdict.fold_case or verdict.page_bases else seen
        seen.update(canon(u) for u in verdict.aliases)
        for urls, link_role in ((verdict.lists, "list"), (verdict.pager, "pager"),
                                (verdict.candidates, "case link"), (verdict.nav, "nav")):
            for link in urls:
                link = urldefrag(link)[0]
                if seen.add_new(canon(link)):
                    frontier.add(link, link_role)
        frontier.again(verdict.refetch)  # the spider requests them again (parsed in place)
        for wanted in verdict.requisites:  # what the spider would have fetched, archived
            pipeline.add_requisite(captures.requisite(urldefrag(wanted)[0]))


def _read(pipeline: PagePipeline, captures: Captures, url: str, seen: DiskSet, limit: int
          ) -> tuple[ArchivedResponse | None, bytes | None, str | None]:
    """The capture ``url`` leads to and, for a 200, its payload (None beyond ``limit``) and
    record id; a capture that is no page (an error status) is marked used."""
    response = _follow_redirects(pipeline, captures, url, seen)
    if response is None:
        return None, None, None
    if response.status != 200:
        captures.used(response)
        return response, None, None
    return (response, *captures.body(response, limit))


def _follow_redirects(pipeline: PagePipeline, captures: Captures, url: str,
                      seen: DiskSet) -> ArchivedResponse | None:
    """The capture ``url`` leads to through its recorded redirects (each an alias)."""
    rules = pipeline.scope.rules
    response = captures.response(url, rules)
    request_url = url
    for _ in range(MAX_ARCHIVED_REDIRECTS):
        if response is None or not 300 <= response.status < 400:
            break
        captures.used(response)
        target = urljoin(response.url, response.headers.get("location", ""))
        pipeline.add_alias(request_url, target)
        seen.add(canonical_url(target, rules))
        response = captures.response(target, rules)
    return response
