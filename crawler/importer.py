"""``casearchive import``: other tools' web archives as snapshots of the site's past.

For each moment (``captures.moments``) the crawl is replayed over the archive as it stood
then (``reparse.replay``, the loop ``reparse`` uses, into the same ``PagePipeline``: the same
parser, discovery, assembly and exports as a crawl): the start URL's capture decides which
cases existed, pagers and case links are followed within the archive, and each URL is
answered by its latest capture at or before the moment and no older than the window. A URL
with no such capture is lost with its reason (a page of a case: the case is incomplete,
``failed_urls`` says why); nothing is shortened silently.

Each capture used is copied into the snapshot's ``pages.warc.gz`` with its original
``WARC-Date`` and target URI and a ``WARC-Imported-From`` header saying where it came from;
a payload the previous snapshot (by moment) already holds is a ``revisit`` record referring
to it (``WarcWriter``'s identical-payload-digest revisits, as an incremental crawl writes
them). The snapshot is named by its moment, so imported and crawled snapshots sort together
and ``list``, ``log`` and ``diff`` span both; ``latest`` moves only to the newest.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord

from casearchive.exports.load import list_snapshots
from casearchive.exports.manifest import iso_utc, read_manifest

from .captures import ArchiveCapture, CaptureIndex
from .finish import write_snapshot
from .lock import CrawlLock
from .messages import PAYLOAD_SNAPSHOTS_STAT, Requisite
from .options import DOWNLOAD_MAXSIZE, CrawlOptions
from .parse_pool import PrefetchedParser
from .pipeline import PagePipeline
from .reparse import UnreadableCapture, moment_clock, parse_ahead, replay
from .skipped import Skipped
from .urls import DEFAULT_RULES, UrlRules, canonical_url
from .version import TOOL_VERSION
from .warc import (
    WARC_ERRORS,
    WARC_NAME,
    ArchivedResponse,
    Capture,
    Exchange,
    WarcWriter,
    decoded_payload,
    payload_digest,
    previous_captures,
    raising_warcio_errors,
    warc_error_text,
    warcinfo_fields,
)

#: Told the moment being imported and the pages read for it so far (the live display).
Progress = Callable[[datetime, int], None]
#: The manifest's ``source`` of an imported snapshot.
IMPORT_SOURCE = "import"
SOFTWARE = f"casearchive/{TOOL_VERSION} import"
#: Requisites remembered by ``MomentCaptures.requisite`` (a page's style sheets and images
#: are mostly those of the pages before it; 130 distinct of 3,503 asked for on the 2,500-page
#: bench site).
REQUISITES_KEPT = 256


@dataclass(slots=True)
class Moment:
    """One snapshot to build: the site as it stood at ``at``, from captures no older than
    ``window``."""

    at: datetime
    window: timedelta

    @property
    def earliest(self) -> datetime:
        """The window's first moment; the first representable one when the window reaches
        before the year 1 (``--at 0005 --window 36525``)."""
        try:
            return self.at - self.window
        except OverflowError:
            return datetime.min.replace(tzinfo=self.at.tzinfo)

    def covers(self, capture: ArchiveCapture) -> bool:
        return self.earliest <= capture.when <= self.at


def _pick(captures: list[ArchiveCapture], moment: Moment) -> ArchiveCapture | None:
    """The latest capture in the moment's window, an answer below 500 before a server error
    (a crawler's retry is the better record of the page)."""
    inside = [c for c in captures if moment.covers(c)]
    good = [c for c in inside if c.status < 500]
    return (good or inside)[-1] if inside else None


class CopiedRecords(Mapping[str, str]):
    """The captures copied into one snapshot's WARC: (file, offset, date) of each -> its
    record id there and where it came from; as a mapping, record id -> where from (the
    pipeline's ``sources``). Kept in a private temporary SQLite file, which SQLite holds in
    its bounded page cache while it is small: memory does not grow with the pages."""

    def __init__(self) -> None:
        self._db = sqlite3.connect("")
        self._db.execute("CREATE TABLE copied (file TEXT NOT NULL, pos INTEGER NOT NULL, "
                         "date TEXT NOT NULL, record_id TEXT NOT NULL UNIQUE, "
                         "origin TEXT NOT NULL, PRIMARY KEY (file, pos, date))")

    def record_id(self, file: Path, offset: int, date: str) -> str | None:
        row = self._db.execute("SELECT record_id FROM copied WHERE file = ? AND pos = ? AND "
                               "date = ?", (str(file), offset, date)).fetchone()
        return None if row is None else str(row[0])

    def add(self, file: Path, offset: int, date: str, record_id: str, origin: str) -> None:
        self._db.execute("INSERT INTO copied VALUES (?, ?, ?, ?, ?)",
                         (str(file), offset, date, record_id, origin))

    def __getitem__(self, record_id: str) -> str:
        row = self._db.execute("SELECT origin FROM copied WHERE record_id = ?",
                               (record_id,)).fetchone()
        if row is None:
            raise KeyError(record_id)
        return str(row[0])

    def __iter__(self) -> Iterator[str]:
        return (str(row[0]) for row in self._db.execute("SELECT record_id FROM copied"))

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM copied").fetchone()[0])


class MomentCaptures:
    """The archive at one moment, as ``reparse.replay`` reads it (``reparse.Captures``);
    every capture used is copied into the snapshot's WARC once."""

    def __init__(self, index: CaptureIndex, moment: Moment, warc: WarcWriter,
                 earlier: dict[tuple[str, int], Capture], pipeline: PagePipeline,
                 progress: Progress | None = None) -> None:
        self._index = index
        self._moment = moment
        self._warc = warc
        self._earlier = earlier
        """(payload digest, status) -> the previous snapshot's capture of it (a revisit)."""
        self._pipeline = pipeline
        self._rules: UrlRules | None = None
        self._page_rules = DEFAULT_RULES
        """The rules of the last page looked up (its requisites are looked up under them,
        whatever rules the links it queued were looked up under since)."""
        self._requisites: dict[str, Requisite] = {}
        """The requisites looked up last, by their capture's origin (its file and offset, or
        its CDX line; ``REQUISITES_KEPT``): a site's style sheets and banners are asked for by
        every page, and each is read once."""
        self._answered: dict[tuple[Path, int, str], _Read] = {}
        """The records of the responses given and not yet read or used (a few at a time)."""
        self._copied = CopiedRecords()
        """The captures copied into the snapshot's WARC: their record ids there, and where
        each came from (the pipeline's ``sources``)."""
        pipeline.sources = self._copied
        self.payload_snapshots: set[str] = set()
        self.pages = 0
        self._progress = progress
        self.copied_from: dict[str, tuple[int, str, str]] = {}
        """Input (file, WACZ member or CDX server) -> the captures copied from it: how many,
        the earliest and the latest date."""

    def _chosen(self, url: str, rules: UrlRules) -> ArchiveCapture | None:
        """The moment's capture of ``url`` under ``rules``."""
        if rules != self._rules:  # the site's identity rules changed: key the captures anew
            moment = self._moment
            self._index.choose(lambda captures: _pick(captures, moment),
                               lambda site_url: canonical_url(site_url, rules))
            self._rules = rules
        return self._index.chosen(canonical_url(url, rules))

    def response(self, url: str, rules: UrlRules) -> ArchivedResponse | None:
        self._page_rules = rules
        capture = self._chosen(url, rules)
        if capture is None:
            return None
        with _readable(capture):
            read = _read(capture)
        response = read.response()
        assert response.source is not None
        self._answered[(response.source, response.offset, response.date)] = read
        return response

    def indexed(self, url: str, rules: UrlRules) -> ArchivedResponse | None:
        """What ``response`` would give, unread and unrecorded (to parse it ahead): a
        capture in a local file only (a CDX server's is fetched when it is used), with the
        headers known so far."""
        capture = self._chosen(url, rules)
        if capture is None or capture.file is None or capture.fetch is not None:
            return None
        return ArchivedResponse(url=capture.site_url, status=capture.status,
                                headers=capture.headers or {}, record_id=capture.origin,
                                date=capture.date, offset=capture.offset, source=capture.file)

    def _record(self, response: ArchivedResponse) -> _Read:
        """The record ``response`` was read from (read or used once: forgotten now)."""
        assert response.source is not None
        return self._answered.pop((response.source, response.offset, response.date))

    def body(self, response: ArchivedResponse, limit: int) -> tuple[bytes | None, str | None]:
        read = self._record(response)
        if len(read.raw) > limit:  # not copied: the crawl would not have kept it either
            return None, None
        with _readable(read.capture):  # decoded first: a payload that does not decode is not copied
            body = read.payload(limit)
        record_id = self._copy(read)
        self.pages += 1
        if self._progress is not None:
            self._progress(self._moment.at, self.pages)
        return body, record_id

    def used(self, response: ArchivedResponse) -> None:
        read = self._record(response)
        if len(read.raw) <= DOWNLOAD_MAXSIZE:
            self._copy(read)

    def missing(self, url: str, role: str, rules: UrlRules) -> Skipped | None:
        return Skipped(url, self._why_missing(url), None, failed=True, role=role)

    def _why_missing(self, url: str) -> str:
        at = iso_utc(self._moment.at)
        captures = self._index.captures_of(canonical_url(url, DEFAULT_RULES))
        before = [c for c in captures if c.when <= self._moment.at]
        if before:
            return (f"not in the archive within the window: its latest capture at or before "
                    f"{at} is of {before[-1].date}, older than {self._moment.window.days} days")
        if captures:
            return f"not in the archive at or before {at}: first captured {captures[0].date}"
        return f"not in the archive: no capture at or before {at}"

    def requisite(self, url: str) -> Requisite:
        capture = self._chosen(url, self._page_rules)
        if capture is None or capture.status != 200:
            return Requisite(url, error="not in the archive at or before the moment"
                             if capture is None else f"archived as HTTP {capture.status}")
        found = self._requisites.pop(capture.origin, None) or self._read_requisite(capture)
        self._requisites[capture.origin] = found  # the most recent last
        if len(self._requisites) > REQUISITES_KEPT:
            del self._requisites[next(iter(self._requisites))]
        return found if found.url == url else replace(found, url=url)

    def _read_requisite(self, capture: ArchiveCapture) -> Requisite:
        """The requisite ``capture`` holds (its payload's type and SHA-256, its record
        copied into the snapshot's WARC), or why it cannot be had."""
        url = capture.site_url
        try:
            with _readable(capture):
                read = _read(capture)
                body = read.payload(DOWNLOAD_MAXSIZE)
        except UnreadableCapture as exc:
            return Requisite(url, error=str(exc))
        if body is None:
            return Requisite(url, error="larger than the size limit")
        record_id = self._copy(read)
        ctype = (read.headers().get("content-type") or "").split(";")[0].strip().lower()
        return Requisite(url, ctype or None, hashlib.sha256(body).hexdigest(), record_id)

    def _copy(self, read: _Read) -> str:
        """Copy the capture ``read`` into the snapshot's WARC (once); its record id there."""
        capture, raw = read.capture, read.raw
        assert capture.file is not None
        copied = self._copied.record_id(capture.file, capture.offset, capture.date)
        if copied is not None:
            return copied
        earlier = self._earlier.get((payload_digest(raw), capture.status))
        http = read.record.http_headers
        exchange = Exchange(url=capture.url, method="GET", request_headers=[],
                            status=capture.status,
                            response_headers=list(http.headers if http else []),
                            body=raw, date=capture.date, revisit_of=earlier,
                            origin=capture.origin)
        self._warc.write_exchange(exchange)
        if earlier is not None:
            self.payload_snapshots.add(earlier.snapshot_id)
        self._copied.add(capture.file, capture.offset, capture.date, exchange.record_id,
                         capture.origin)
        source = "CDX" if capture.origin.startswith("CDX ") else capture.origin.rsplit("#", 1)[0]
        count, earliest, latest = self.copied_from.get(source, (0, capture.date, capture.date))
        self.copied_from[source] = (count + 1, min(earliest, capture.date),
                                    max(latest, capture.date))
        return exchange.record_id


@contextmanager
def _readable(capture: ArchiveCapture) -> Iterator[None]:
    """Damage met reading ``capture``'s record, as ``UnreadableCapture`` naming the record
    (the index pass checked every record's digests; a payload coding is decoded only here)."""
    try:
        yield
    except WARC_ERRORS as exc:
        raise UnreadableCapture(f"its capture {capture.origin} cannot be read "
                                f"({warc_error_text(exc)})") from None


@dataclass(slots=True)
class _Read:
    """A capture's record, read once: its headers and its payload as stored, up to one
    byte beyond the size limit (what ``_copy`` writes and ``payload`` decodes)."""

    capture: ArchiveCapture
    record: ArcWarcRecord
    raw: bytes

    def headers(self) -> dict[str, str]:
        """The response's HTTP headers, names lower-cased."""
        if self.capture.headers is not None:
            return self.capture.headers
        http = self.record.http_headers
        return {k.lower(): v for k, v in http.headers} if http is not None else {}

    def response(self) -> ArchivedResponse:
        capture = self.capture
        assert capture.file is not None
        return ArchivedResponse(url=capture.site_url, status=capture.status,
                                headers=self.headers(), record_id=capture.origin,
                                date=capture.date, offset=capture.offset, source=capture.file)

    def payload(self, limit: int) -> bytes | None:
        """The payload decoded of its codings (None beyond ``limit``, as stored or decoded),
        as ``read_body`` decodes it, from the bytes read."""
        if len(self.raw) > limit:
            return None
        self.record.raw_stream = BytesIO(self.raw)
        with raising_warcio_errors():
            body = decoded_payload(self.record, limit + 1)
        return None if len(body) > limit else body


def _read(capture: ArchiveCapture) -> _Read:
    """``capture``'s record (a CDX server's: fetched now, from its replay)."""
    if capture.fetch is not None:
        capture.fetch(capture)
    assert capture.file is not None
    with open(capture.file, "rb") as fh:
        fh.seek(capture.offset)
        with raising_warcio_errors():
            record = next(iter(ArchiveIterator(fh)))
            raw = record.raw_stream.read(DOWNLOAD_MAXSIZE + 1)  # as stored: chunked, gzip
    return _Read(capture, record, raw)


@dataclass(slots=True)
class Imported:
    """What one moment gave: its snapshot (None: none written) and stats, or why not."""

    moment: datetime
    snapshot: Path | None = None
    stats: dict[str, Any] = field(default_factory=dict)
    note: str | None = None
    """Why no snapshot was written, or that the moment was imported before."""


def _earlier_payloads(out_dir: Path, moment: datetime) -> dict[tuple[str, int], Capture]:
    """(payload digest, status) -> capture of the newest finished snapshot before
    ``moment``: a revisit stands for a payload with the status it was captured with. Empty
    when that snapshot's WARC cannot be read whole: every capture is then copied in full,
    as a crawl after a damaged snapshot fetches every page in full."""
    name = moment.strftime("%Y%m%dT%H%M%SZ")
    before = [p for p in list_snapshots(out_dir) if p.name.split("-")[0] < name]
    if not before or not (before[-1] / WARC_NAME).is_file():
        return {}
    try:
        captures = previous_captures(before[-1])
    except WARC_ERRORS:
        return {}
    return {(c.payload_digest, c.status): c for c in captures.values()}


def imported_before(out_dir: Path, moment: datetime) -> Path | None:
    """The snapshot an earlier import made of ``moment`` (importing again adds nothing)."""
    at = iso_utc(moment)
    for path in list_snapshots(out_dir) if out_dir.is_dir() else []:
        manifest = read_manifest(path)
        window = manifest.get("capture_window") or {}
        if manifest.get("source") == IMPORT_SOURCE and window.get("moment") == at:
            return path
    return None


def _used(used: dict[str, tuple[int, str, str]]) -> list[dict[str, Any]]:
    """What each input gave this snapshot: captures copied, their earliest and latest date."""
    return [{"source": source, "captures": count, "earliest": earliest, "latest": latest}
            for source, (count, earliest, latest) in sorted(used.items())]


def import_moment(index: CaptureIndex, start_url: str, out_dir: Path,
                  moment: Moment, progress: Progress | None = None, workers: int = 1
                  ) -> Imported:
    """Build the snapshot of ``moment`` under ``out_dir`` (the caller holds its lock); with
    ``workers`` > 1 its pages are parsed ahead on that many processes (``parse_pool``):
    the snapshot is the same byte for byte."""
    result = Imported(moment.at)
    start = index.captures_of(canonical_url(start_url))
    if _pick(start, moment) is None:
        result.note = (f"no capture of {start_url} at or before {iso_utc(moment.at)} within "
                       f"{moment.window.days} days: no snapshot of this moment")
        return result
    parser = PrefetchedParser(None, DOWNLOAD_MAXSIZE, workers)
    pipeline = PagePipeline(CrawlOptions(start_url=start_url, out_dir=out_dir), parser,
                            clock=moment_clock(moment.at))
    pipeline.health_checks = False
    warc = WarcWriter(pipeline.writer.tmp_path / WARC_NAME, SOFTWARE, info=warcinfo_fields(
        software=SOFTWARE, snapshot_id=pipeline.writer.snapshot_id, start_url=start_url,
        obey_robots=False, user_agent="(imported captures)"))
    captures = MomentCaptures(index, moment, warc, _earlier_payloads(out_dir, moment.at),
                              pipeline, progress)
    try:
        replay(pipeline, captures, DOWNLOAD_MAXSIZE,
               parse_ahead(parser, captures.indexed, pipeline))
        parser.close()  # the workers' memory is not needed to write the snapshot
        warc.close()
        pipeline.writer.provenance = {
            "source": IMPORT_SOURCE,
            "capture_window": {"moment": iso_utc(moment.at), "from": iso_utc(moment.earliest),
                               "to": iso_utc(moment.at), "window_days": moment.window.days},
            "import": {"files": index.files, "problems": index.problems,
                       "used": _used(captures.copied_from)},
        }
        stats = {PAYLOAD_SNAPSHOTS_STAT: sorted(captures.payload_snapshots)}
        extra = {"captures_used": captures.pages}
        del captures  # its maps of the moment's captures: not needed to write the snapshot
        closing = pipeline.prepare_close(stats, extra=extra)
    except BaseException:
        warc.discard()
        pipeline.abort()
        raise
    finally:
        parser.close()
    del pipeline, parser  # every page's state, before the files
    closed = write_snapshot(closing)
    result.snapshot, result.stats = closed.snapshot, closed.stats
    if closed.snapshot is None:
        result.note = f"no case page in the archive at {iso_utc(moment.at)}: no snapshot"
    return result


def import_archives(index: CaptureIndex, start_url: str, out_dir: Path,
                    moments: list[Moment], progress: Progress | None = None,
                    workers: int = 1) -> Iterator[Imported]:
    """Import each moment in turn, oldest first, under the snapshots directory's lock;
    a moment imported before is not imported again. ``progress`` is told each page read;
    ``workers`` processes parse pages."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with CrawlLock(out_dir):
        for moment in moments:
            done = imported_before(out_dir, moment.at)
            if done is not None:
                yield Imported(moment.at, done, read_manifest(done).get("crawl_stats", {}),
                               note=f"imported before as {done.name}")
                continue
            yield import_moment(index, start_url, out_dir, moment, progress, workers)


def scratch_dir(out_dir: Path) -> Path:
    """A scratch directory next to the snapshots (WACZ members are extracted there); a
    leftover of a killed import is removed by the next run, as a crawl's are."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".tmp-import-{os.getpid()}-", dir=out_dir))


def remove_scratch(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
