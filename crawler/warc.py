"""The raw archive of a crawl: every HTTP request and response as WARC/1.1 records.

Responses are recorded exactly as the downloader delivered them (before redirects, retries
and decompression are handled), so the archive holds 3xx and 5xx answers too. Reading back
(``iter_responses``, ``read_body``) gives what ``casearchive reparse`` needs to rebuild a
snapshot offline.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import queue
import sys
import threading
import uuid
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any, BinaryIO, TextIO, cast
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.limitreader import LimitReader
from warcio.recordloader import ArcWarcRecord, ArcWarcRecordLoader
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from casearchive.exports import files

WARC_NAME = files.WARC_NAME
#: A snapshot's or package's copy of the response records its revisits refer to in other
#: snapshots (verbatim gzip members): what makes it stand alone (``carry_payloads``).
PAYLOADS_NAME = "payloads.warc.gz"

#: zlib level of each record's gzip member. warcio compresses at 9; on these HTML pages 1 costs
#: about half the CPU (~0.25 vs ~0.46 ms a 20 KB page, the crawl's largest cost after parsing)
#: for members ~10 % larger.
GZIP_LEVEL = 1
#: zlib level of a revisit record's member: ~0.5 KB of headers, where level 9 costs nothing
#: and saves a few per cent of an incremental crawl's WARC.
REVISIT_GZIP_LEVEL = 9

#: WARC 1.1 revisit profiles (section 6.7): the server answered 304 Not Modified to a
#: conditional request; the payload is byte-identical to an earlier capture's.
NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
IDENTICAL = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
#: Our own WARC header on a revisit record whose payload lives in another snapshot's WARC:
#: that snapshot's id (a sibling directory of this snapshot). ``WARC-Refers-To`` names the
#: record there. The snapshot's manifest lists the same ids under ``payload_snapshots``.
REFERS_TO_SNAPSHOT = "WARC-Refers-To-Snapshot"

#: Our own WARC header on a record ``casearchive import`` copied from another tool's archive:
#: where it came from (the file and the record's byte offset there, or the CDX line).
IMPORTED_FROM = "WARC-Imported-From"

#: The WARC 1.1 specification (the ``conformsTo`` of the warcinfo record).
WARC_SPEC = "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"


def warcinfo_fields(
    *,
    software: str,
    snapshot_id: str,
    start_url: str,
    obey_robots: bool,
    user_agent: str,
    operator: str | None = None,
) -> dict[str, str]:
    """The ``warcinfo`` record's fields, named as Heritrix and Browsertrix write theirs
    (``application/warc-fields``: one ``name: value`` line each), so that an archivist
    years on learns from the file alone who made it, how and under which rules.

    ``isPartOf`` is the snapshot id; ``robots`` is ``obey`` or ``ignore``; ``operator`` is
    left out when the operator did not say who they are (``--operator``).
    """
    info = {
        "software": software,
        "format": "WARC File Format 1.1",
        "conformsTo": WARC_SPEC,
        "operator": operator,
        "isPartOf": snapshot_id,
        "description": f"casearchive crawl of the case studies listed at {start_url}: every "
                       "HTTP request and response of the crawl, as the server sent it",
        "startUrl": start_url,
        "robots": "obey" if obey_robots else "ignore",
        "http-header-user-agent": user_agent,
    }
    return {k: v for k, v in info.items() if v}


#: Client errors whose answer is the payload alone (no ``Location`` to change under an
#: identical body): an unchanged one is archived as a revisit like an unchanged page.
UNCHANGED_ERRORS = frozenset({404, 410})


@dataclass(frozen=True, slots=True)
class Capture:
    """Where a payload is archived: the ``response`` record holding it, in which snapshot,
    and the validators its server sent (what a conditional request repeats)."""

    url: str
    date: str
    record_id: str
    payload_digest: str
    snapshot_id: str
    etag: str | None = None
    last_modified: str | None = None
    status: int = 200
    """The captured status: 200, or a client error (``UNCHANGED_ERRORS``) whose unchanged
    answer is a revisit too (a missing image answers 404 every night)."""


def payload_digest(body: bytes) -> str:
    """``WARC-Payload-Digest`` as warcio writes it: ``sha1:`` and base32 of the SHA-1."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


@dataclass(slots=True)
class Exchange:
    """One HTTP request/response pair as the downloader saw it."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    status: int
    response_headers: list[tuple[str, str]]
    body: bytes
    record_id: str = field(default_factory=lambda: f"<urn:uuid:{uuid.uuid4()}>")
    """WARC-Record-ID of the response record (made when the response arrives)."""
    date: str = field(
        default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    )
    """WARC-Date: when the response arrived, UTC with microseconds."""
    revisit_of: Capture | None = None
    """The earlier capture this response repeats (a 304 to a conditional request, or the
    same payload digest): written as a ``revisit`` record referring to it."""
    origin: str | None = None
    """Where an imported capture came from (``FILE#OFFSET`` or a CDX line): written as
    ``WARC-Imported-From``; an imported exchange has no request record (none was made)."""


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


class WarcWriter:
    """Appends request/response pairs to one gzip WARC file, one gzip member per record.

    ``write_exchange`` only queues the exchange: one background thread builds its records
    (warcio: headers, block and payload digests), compresses and writes them, in the order
    they were queued, so the crawl's own thread (Scrapy's reactor) spends no time on the
    WARC unless the thread falls ``QUEUED`` exchanges behind (back-pressure). zlib, hashing
    and file writes release the GIL, so most of that work runs on whichever core has room.
    A write error is raised by the next call, or by ``close``.
    """

    #: Exchanges waiting for the writer thread (at ~20 KB a page, about a MiB).
    QUEUED = 64

    def __init__(self, path: Path, software: str, info: dict[str, str] | None = None) -> None:
        """Open ``path`` and write its ``warcinfo`` record: ``info`` (see ``warcinfo_fields``)
        or, without it, just the software and format."""
        self.path = path
        self._fh: BinaryIO = open(path, "wb")  # noqa: SIM115 - closed by close()
        self._plain = BytesIO()
        self._writer = WARCWriter(self._plain, gzip=False, warc_version="1.1")
        self._queue: queue.Queue[Exchange | None] = queue.Queue(maxsize=self.QUEUED)
        self._error: Exception | None = None
        self.records = 0
        """Records written so far (by the writer thread; final after ``close``)."""
        self._payloads: dict[str, tuple[str, str, str]] = {}
        """SHA-256 of an archived non-HTML payload -> (URL, WARC-Date, payload digest)."""
        fields = info or {"software": software, "format": "WARC File Format 1.1"}
        self._write(self._writer.create_warcinfo_record(path.name, fields))
        if self._error is not None:
            raise self._error
        self._thread = threading.Thread(target=self._run, name="warc-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        """The writer thread: every queued exchange, in order, until ``None``; after an
        error, the rest is drained unwritten (the error is raised to the crawl)."""
        while (exchange := self._queue.get()) is not None:
            if self._error is not None:
                continue
            try:
                self._archive(exchange)
            except Exception as exc:  # noqa: BLE001 - kept and raised by the next write or close
                self._error = exc

    def _write(self, record: ArcWarcRecord) -> None:
        """Serialise ``record`` and append it as one gzip member (nothing after an error)."""
        if self._error is not None:
            return
        self._writer.write_record(record)
        level = REVISIT_GZIP_LEVEL if record.rec_type == "revisit" else GZIP_LEVEL
        member = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        plain = self._plain.getbuffer()
        try:
            data = member.compress(plain) + member.flush()
        finally:
            plain.release()
        self._plain.seek(0)
        self._plain.truncate()
        try:
            self._fh.write(data)
        except Exception as exc:  # noqa: BLE001 - kept and raised by the next write or close
            self._error = exc

    def write_exchange(self, exchange: Exchange) -> None:
        """Queue the exchange for the writer thread (see ``_archive`` for its records);
        raises the error of an earlier write, if any."""
        if self._error is not None:
            raise self._error
        self._queue.put(exchange)

    def _archive(self, exchange: Exchange) -> None:
        """Write the response record, then its request record (concurrent to it).

        A revisit of an earlier snapshot's capture (a 304 to a conditional request, or a 200
        with that capture's payload digest) is one ``revisit`` record and no request record:
        the request repeated the capture's request, whose record the referred snapshot holds,
        plus the capture's validators, which the referred record holds too. A revisit costs
        about 0.5 KB where a request record adds as much again (a page of a site that sends
        no validators would cost twice as much unchanged).

        A non-HTML payload (an image, a stylesheet) identical to one already archived is
        written as a ``revisit`` record (profile identical-payload-digest) that refers to the
        first, as Heritrix and Browsertrix do: a page requisite is stored once per crawl
        whatever URLs it answers at. HTML pages are always stored whole (``reparse`` reads
        them back).
        """
        http_headers = StatusAndHeaders(
            _status_line(exchange.status), exchange.response_headers, protocol="HTTP/1.1"
        )
        warc_headers = {"WARC-Record-ID": exchange.record_id, "WARC-Date": exchange.date}
        if exchange.origin is not None:
            warc_headers[IMPORTED_FROM] = exchange.origin
        key = self._dedup_key(exchange)
        first = self._payloads.get(key) if key else None
        if exchange.revisit_of is not None:
            response = self._revisit(exchange, http_headers, warc_headers)
            key = None
        elif first is not None:
            response = self._writer.create_revisit_record(
                exchange.url, first[2], first[0], first[1], http_headers=http_headers,
                warc_headers_dict=warc_headers)
        else:
            response = self._writer.create_warc_record(
                exchange.url, "response", payload=BytesIO(exchange.body),
                http_headers=http_headers, warc_headers_dict=warc_headers)
        parts = urlsplit(exchange.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request = self._writer.create_warc_record(
            exchange.url,
            "request",
            payload=BytesIO(b""),
            http_headers=StatusAndHeaders(
                f"{exchange.method} {target} HTTP/1.1",
                exchange.request_headers,
                is_http_request=True,
            ),
            warc_headers_dict={"WARC-Concurrent-To": exchange.record_id,
                               "WARC-Date": exchange.date},
        )
        self._write(response)
        self.records += 1
        if exchange.origin is None and exchange.revisit_of is None:
            self._write(request)
            self.records += 1
        if key and first is None:
            digest = response.rec_headers.get_header("WARC-Payload-Digest")
            if digest:
                self._payloads[key] = (exchange.url, exchange.date, digest)

    def _revisit(self, exchange: Exchange, http_headers: StatusAndHeaders,
                 warc_headers: dict[str, str]) -> ArcWarcRecord:
        """A revisit of an earlier snapshot's capture: profile server-not-modified for a
        304, identical-payload-digest for a 200 with the same payload; ``WARC-Refers-To``
        (its record id) and ``WARC-Refers-To-Snapshot`` (its snapshot id) find the record."""
        first = exchange.revisit_of
        assert first is not None
        record = self._writer.create_revisit_record(
            exchange.url, first.payload_digest, first.url, first.date,
            http_headers=http_headers, warc_headers_dict={
                **warc_headers, "WARC-Refers-To": first.record_id,
                REFERS_TO_SNAPSHOT: first.snapshot_id})
        if exchange.status == 304:
            record.rec_headers.replace_header("WARC-Profile", NOT_MODIFIED)
        return record

    @staticmethod
    def _dedup_key(exchange: Exchange) -> str | None:
        """SHA-256 of a successful non-HTML payload (what a revisit may stand for)."""
        ctype = next((v for k, v in exchange.response_headers if k.lower() == "content-type"),
                     "").lower()
        if exchange.status != 200 or not exchange.body or "html" in ctype or not ctype:
            return None
        return hashlib.sha256(exchange.body).hexdigest()

    def close(self) -> None:
        """Write what is queued and close the file (its last buffered bytes reach the disk
        then); raises the first write error, if any."""
        self._stop()
        try:
            self._fh.close()
        except OSError as exc:
            self._error = self._error or exc
        if self._error is not None:
            raise self._error

    def discard(self) -> None:
        """Stop writing and close the file, whatever happened (the snapshot is dropped)."""
        self._stop()
        with contextlib.suppress(OSError):
            self._fh.close()

    def _stop(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()


@dataclass(slots=True)
class ArchivedResponse:
    """One response record of a WARC, without its body (``read_body`` fetches that).

    For a revisit of another snapshot's capture, ``status``, ``headers`` and ``offset`` are
    those of the original response record, in the WARC ``source``; ``record_id`` and
    ``date`` stay the revisit's own (this crawl's capture)."""

    url: str
    status: int
    headers: dict[str, str]
    record_id: str
    date: str
    offset: int
    """Where the record's gzip member starts in the file."""
    source: Path | None = None
    """The WARC holding the payload when it is not the one being read (a revisit)."""


#: What a broken WARC raises while being read (warcio, gzip, or a truncated file).
WARC_ERRORS = (ArchiveLoadFailed, zlib.error, EOFError, OSError, ValueError, StopIteration)


def warc_error_text(exc: BaseException) -> str:
    """One short printable line for what a broken WARC raised (its text may hold raw bytes)."""
    first = (str(exc).splitlines() or [type(exc).__name__])[0]
    printable = "".join(c if c.isprintable() else "?" for c in first)
    return printable if len(printable) <= 160 else printable[:157] + "..."


class PayloadStore:
    """The payload records of a snapshots directory, by snapshot id and record id: what
    revisit records of a later snapshot refer to. ``carried`` (a snapshot's or package's
    ``payloads.warc.gz``) is looked in first. Each WARC is indexed once, when first needed;
    a missing snapshot or record raises ``ArchiveLoadFailed``."""

    def __init__(self, snapshots_dir: Path, carried: Path | None = None) -> None:
        self.snapshots_dir = snapshots_dir
        self._index: dict[str, dict[str, ArchivedResponse]] = {}
        self._carried: dict[str, ArchivedResponse] = {}
        if carried is not None and carried.is_file():
            self._carried = {r.record_id: replace(r, source=carried)
                             for r in iter_responses(carried, follow=False)}

    def warc_of(self, snapshot_id: str) -> Path:
        return self.snapshots_dir / snapshot_id / WARC_NAME

    def find(self, snapshot_id: str, record_id: str) -> ArchivedResponse:
        """The response record ``record_id`` of snapshot ``snapshot_id``."""
        if record_id in self._carried:
            return self._carried[record_id]
        warc = self.warc_of(snapshot_id)
        index = self._index.get(snapshot_id)
        if index is None:
            if "/" in snapshot_id or not warc.is_file():
                raise ArchiveLoadFailed(f"a revisit record refers to snapshot {snapshot_id}, "
                                        f"which is not in {self.snapshots_dir}")
            index = {r.record_id: r for r in iter_responses(warc, follow=False)}
            self._index[snapshot_id] = index
        found = index.get(record_id)
        if found is None:
            raise ArchiveLoadFailed(f"{warc}: no response record {record_id}, which a revisit "
                                    "record refers to")
        return replace(found, source=warc)


def store_for(warc: Path) -> PayloadStore:
    """The payload store for ``warc``: the payloads carried next to it, then the snapshots
    directory holding its snapshot."""
    warc = warc.resolve()
    return PayloadStore(warc.parent.parent, carried=warc.parent / PAYLOADS_NAME)


HTML_TYPES = ("text/html", "application/xhtml+xml")


def is_html(headers: dict[str, str]) -> bool:
    """Whether a response is a page to parse: an HTML Content-Type, or none said."""
    ctype = headers.get("content-type", headers.get("Content-Type", "")).lower()
    return not ctype or ctype.startswith(HTML_TYPES)


def _referred(record: ArcWarcRecord) -> tuple[str, str] | None:
    """(snapshot id, record id) of the capture a revisit of another snapshot refers to."""
    snapshot_id = record.rec_headers.get_header(REFERS_TO_SNAPSHOT)
    if record.rec_type != "revisit" or not snapshot_id:
        return None
    return snapshot_id, record.rec_headers.get_header("WARC-Refers-To")


def referred_records(warc: Path) -> list[tuple[str, str]]:
    """(snapshot id, record id) of each capture the revisits of ``warc`` refer to in other
    snapshots, once each, in file order."""
    seen: dict[tuple[str, str], None] = {}
    with open(warc, "rb") as fh:
        for record, _ in checked_records(fh, offsets=False):
            if (key := _referred(record)) is not None:
                seen[key] = None
    return list(seen)


def check_revisits(warc: Path) -> list[str]:
    """What ``verify`` says of ``warc``'s revisits: each referred record must be found
    (next to it or in its snapshot) and read back with its payload digest intact."""
    store = store_for(warc)
    problems = []
    for snapshot_id, record_id in referred_records(warc):
        try:
            _check_record(store.find(snapshot_id, record_id))
        except WARC_ERRORS as exc:
            said = warc_error_text(exc).strip() or f"damaged record ({type(exc).__name__})"
            problems.append(f"{WARC_NAME}: revisit of {record_id} in snapshot {snapshot_id}: "
                            f"{said}")
    return problems


def _check_record(response: ArchivedResponse) -> None:
    """Read a record's stored bytes through its digest check (never inflating its
    content encoding: a compression bomb costs its stored size)."""
    assert response.source is not None
    with open(response.source, "rb") as fh:
        fh.seek(response.offset)
        with raising_warcio_errors():
            record = next(iter(ArchiveIterator(fh, check_digests="raise")))
            while record.raw_stream.read(1 << 16):
                pass


def carry_payloads(warc: Path, dest: Path,
                   referred: Iterable[tuple[str, str]] | None = None) -> int:
    """Write to ``dest`` a WARC of every record the revisits of ``warc`` refer to in other
    snapshots (``referred``, when a pass over ``warc`` has gathered them), each copied
    verbatim (its gzip member as stored: digests and record ids unchanged), so that a
    package or a re-parsed snapshot stands alone. Returns how many records were copied;
    nothing is written when there is none."""
    store = store_for(warc)
    pairs = referred_records(warc) if referred is None else referred
    originals = [store.find(s, r) for s, r in pairs]
    if not originals:
        return 0
    with open(dest, "wb") as out:
        for original in originals:
            assert original.source is not None
            with open(original.source, "rb") as fh:
                out.write(gzip_member(fh, original.offset))
    return len(originals)


def gzip_member(fh: BinaryIO, offset: int) -> bytes:
    """The gzip member that starts at ``offset`` of ``fh``, as stored."""
    fh.seek(offset)
    inflate = zlib.decompressobj(zlib.MAX_WBITS | 16)
    member = bytearray()
    while not inflate.eof:
        chunk = fh.read(1 << 16)
        if not chunk:
            raise ArchiveLoadFailed(f"a gzip member at offset {offset} breaks off")
        inflate.decompress(chunk)
        member += chunk
    return bytes(member[: len(member) - len(inflate.unused_data)])


def iter_responses(path: Path, follow: bool = True, store: PayloadStore | None = None,
                   referred: dict[tuple[str, str], None] | None = None,
                   ) -> Iterator[ArchivedResponse]:
    """Every response record of a WARC, in file order; bodies stay on disk, so memory does
    not grow with the archive. A damaged file raises ``ArchiveLoadFailed``.

    With ``follow``, a revisit record of another snapshot's capture (it has
    ``WARC-Refers-To-Snapshot``) counts as a response too, resolved to its original record
    (``ArchivedResponse.source``); a revisit whose snapshot is gone raises
    ``ArchiveLoadFailed``. ``referred`` gathers what ``referred_records`` returns, in the
    same pass."""
    if follow and store is None:
        store = store_for(path)
    with open(path, "rb") as fh:
        for record, offset in checked_records(fh):
            headers = record.rec_headers
            if referred is not None and (key := _referred(record)) is not None:
                referred[key] = None
            if record.http_headers is None:
                continue
            if record.rec_type == "revisit" and store is not None and headers.get_header(
                    REFERS_TO_SNAPSHOT):
                original = store.find(headers.get_header(REFERS_TO_SNAPSHOT),
                                      headers.get_header("WARC-Refers-To"))
                yield replace(original, url=headers.get_header("WARC-Target-URI"),
                              record_id=headers.get_header("WARC-Record-ID"),
                              date=headers.get_header("WARC-Date"))
                continue
            if record.rec_type != "response":
                continue
            http = record.http_headers
            yield ArchivedResponse(
                url=headers.get_header("WARC-Target-URI"),
                status=int(http.get_statuscode() or 0),
                headers={k.lower(): v for k, v in http.headers},
                record_id=headers.get_header("WARC-Record-ID"),
                date=headers.get_header("WARC-Date"),
                offset=offset,
            )


def previous_captures(snapshot: Path) -> dict[str, Capture]:
    """The pages ``snapshot`` captured with status 200 (or ``UNCHANGED_ERRORS``), by URL (the
    last capture counts), with their validators: what the next crawl revalidates. A
    revisit of an older snapshot's capture stands for that capture (so a chain of
    unchanged crawls always points at the one full record), with the validators its 304
    (or 200) sent; a page whose server sent none is fetched in full next time (and
    stored as a revisit if unchanged)."""
    snapshot = snapshot.resolve()
    captures: dict[str, Capture] = {}
    with open(snapshot / WARC_NAME, "rb") as fh:
        for record, _ in checked_records(fh, offsets=False):
            with raising_warcio_errors():
                capture = _capture_of(record, snapshot.name)
            if capture is not None:
                captures[capture.url] = capture
    return captures


def _capture_of(record: ArcWarcRecord, snapshot_id: str) -> Capture | None:
    """The capture a 200 (or ``UNCHANGED_ERRORS``) response record is, or a revisit of
    another snapshot stands for (a 304's revisit stands for a 200)."""
    headers, http = record.rec_headers, record.http_headers
    if http is None or record.rec_type not in ("response", "revisit"):
        return None
    status = int(http.get_statuscode() or 0)
    validators = {"etag": http.get_header("ETag"),
                  "last_modified": http.get_header("Last-Modified")}
    if record.rec_type == "revisit":
        if not headers.get_header(REFERS_TO_SNAPSHOT):
            return None
        return Capture(headers.get_header("WARC-Target-URI"),
                       headers.get_header("WARC-Refers-To-Date"),
                       headers.get_header("WARC-Refers-To"),
                       headers.get_header("WARC-Payload-Digest"),
                       headers.get_header(REFERS_TO_SNAPSHOT), **validators,
                       status=200 if status == 304 else status)
    if status != 200 and status not in UNCHANGED_ERRORS:
        return None
    return Capture(headers.get_header("WARC-Target-URI"), headers.get_header("WARC-Date"),
                   headers.get_header("WARC-Record-ID"),
                   headers.get_header("WARC-Payload-Digest"), snapshot_id, **validators,
                   status=status)


#: Record types whose block is an HTTP message of the record's ``WARC-Target-URI``.
TARGETED_TYPES = frozenset({"response", "revisit", "request"})


class _TargetLoader(ArcWarcRecordLoader):  # type: ignore[misc]
    """warcio's record loader, but a record with no ``WARC-Target-URI`` is read as one of
    an HTTP URL (warcio's own loader fails on it with an ``AttributeError`` that ends its
    iteration; left unparsed, its HTTP headers would fail its payload digest):
    ``checked_records`` decides what becomes of it."""

    def load_http_headers(self, rec_type: str, uri: str | None, stream: Any,
                          length: int | None) -> Any:
        return super().load_http_headers(rec_type, "http:" if uri is None else uri, stream,
                                         length)


def checked_records(
    fh: BinaryIO, offsets: bool = True, untargeted: bool = False
) -> Iterator[tuple[ArcWarcRecord, int]]:
    """(record, offset) of each record, its block digest checked as it is passed over.
    ``offsets=False`` leaves each record's content unread for the caller (offset -1): warcio
    finds a record's offset by reading it to its end. Read it within
    ``raising_warcio_errors()``.

    Every way a WARC is read goes through here, so that a damaged WARC is never read as a
    short one: warcio reports a gzip member that breaks off mid-stream only by writing the
    zlib error to stderr and reading on (caught and raised here), a digest that does not
    match raises (``check_digests="raise"``), and a file cut off is read by warcio as a
    shorter one without a word. So a record with fewer bytes than its ``Content-Length``,
    or none, a gzip member with no end (``_check_whole``), bytes after the last record and
    a file with no record at all raise ``ArchiveLoadFailed`` too. With ``offsets`` the
    check comes before the record is given; without, when the caller asks for the next one
    (the caller may have read the short record's content, never kept it: the read fails).

    A response, revisit or request record with no ``WARC-Target-URI`` raises as well,
    unless ``untargeted``: then it is given (without HTTP headers) for the caller to report
    and pass over (``import`` reads other tools' files, and one bad record loses its
    capture alone).
    """
    records = ArchiveIterator(fh, check_digests="raise")
    records.loader = _TargetLoader(verify_http=False, arc2warc=False)
    previous: tuple[ArcWarcRecord, Any] | None = None
    count = 0
    while True:
        with raising_warcio_errors():
            record = next(records, None)
            offset = records.get_record_offset() if record is not None and offsets else -1
        if previous is not None:
            _check_whole(*previous, count)
        if record is None:
            _check_end(fh, records.offset, count)
            return
        count += 1
        if not untargeted and _untargeted(record):
            raise ArchiveLoadFailed(f"record {count} ({record.rec_type} "
                                    f"{_record_id(record)}) has no WARC-Target-URI")
        previous = (record, records.reader.decompressor)
        if offsets:
            _check_whole(*previous, count)
            previous = None
        yield record, offset


def _untargeted(record: ArcWarcRecord) -> bool:
    """Whether ``record`` is of a type that needs a ``WARC-Target-URI`` and has none."""
    return record.rec_type in TARGETED_TYPES and not record.rec_headers.get_header(
        "WARC-Target-URI")


def _record_id(record: ArcWarcRecord) -> str:
    return str(record.rec_headers.get_header("WARC-Record-ID") or "with no record id")


def _check_whole(record: ArcWarcRecord, member: Any, number: int) -> None:
    """Raise when ``record`` (the ``number``-th, read to its end) has no ``Content-Length``
    (the file breaks off in its headers) or holds fewer bytes than it says, or its gzip
    ``member`` (its decompressor; None for an uncompressed WARC) has no end."""
    name = "Content-Length" if record.format == "warc" else "length"  # an ARC record's
    declared = (record.rec_headers.get_header(name) or "").strip()
    if not declared.isdigit() or not isinstance(record.raw_stream, LimitReader):
        raise ArchiveLoadFailed(f"record {number} is cut short: its headers break off "
                                f"(Content-Length {declared or 'missing'!r})")
    if record.raw_stream.limit > 0:
        raise ArchiveLoadFailed(
            f"record {number} ({_described(record)}) is cut short: "
            f"{record.raw_stream.limit} of its {record.length} bytes are missing")
    if member is not None and not member.eof:
        raise ArchiveLoadFailed(f"record {number} ({_described(record)}) is cut short: "
                                "its gzip member has no end")


def _check_end(fh: BinaryIO, end: int, count: int) -> None:
    """Raise unless the last of ``count`` records ends at the end of ``fh`` (the file
    breaks off in the headers or the first bytes of a gzip member after it), or there is
    no record at all."""
    if count == 0:
        raise ArchiveLoadFailed("holds no WARC record")
    size = fh.seek(0, io.SEEK_END)
    if size > end:
        raise ArchiveLoadFailed(f"breaks off after record {count}: its last {size - end} "
                                "bytes are no whole record")


def _described(record: ArcWarcRecord) -> str:
    """A record's type and target URI, for a message (``warcinfo`` has no URI)."""
    uri = record.rec_headers.get_header("WARC-Target-URI")
    return f"{record.rec_type} {uri}" if uri else str(record.rec_type)


class _ReadersStderr:
    """``sys.stderr`` inside ``raising_warcio_errors``: what the reading thread writes is
    kept (``said``); what another thread writes (``import``'s live display on a terminal, a
    log handler) goes on to the stderr it was meant for, and is no sign of damage."""

    def __init__(self, said: StringIO, stderr: TextIO) -> None:
        self._said = said
        self._stderr = stderr
        self._reader = threading.get_ident()

    def write(self, text: str) -> int:
        if threading.get_ident() == self._reader:
            return self._said.write(text)
        return self._stderr.write(text)

    def __getattr__(self, name: str) -> Any:  # flush, isatty, fileno, encoding, ...
        return getattr(self._stderr, name)


@contextlib.contextmanager
def raising_warcio_errors() -> Iterator[None]:
    """Raise ``ArchiveLoadFailed`` with what warcio wrote to stderr inside the block (it
    reports a damaged gzip member only that way, and reads on); only the reading thread's
    writes count (``_ReadersStderr``). That message wins over an ``ArchiveLoadFailed`` its
    damage led to (a stream that then never ends: ``decoded_payload``)."""
    said = StringIO()
    try:
        with contextlib.redirect_stderr(cast(TextIO, _ReadersStderr(said, sys.stderr))):
            yield
    except ArchiveLoadFailed:
        if not said.getvalue():
            raise
    if said.getvalue():  # what warcio said names the damage better than what it led to
        raise ArchiveLoadFailed(said.getvalue().splitlines()[0])


def read_headers(fh: BinaryIO, offset: int) -> dict[str, str]:
    """The HTTP headers of the record at ``offset`` of the open WARC ``fh``, names
    lower-cased (an index keeps offsets, not headers: they are read back when needed)."""
    fh.seek(offset)
    with raising_warcio_errors():
        record = next(iter(ArchiveIterator(fh)))
    http = record.http_headers
    return {k.lower(): v for k, v in http.headers} if http is not None else {}


def read_response(fh: BinaryIO, offset: int, limit: int) -> tuple[dict[str, str], bytes | None]:
    """``read_headers`` and ``read_body`` of the response record at ``offset`` of ``fh`` in
    one read (the record is decompressed once)."""
    fh.seek(offset)
    with raising_warcio_errors():  # damage the index pass did not see, read from here
        record = next(iter(ArchiveIterator(fh)))
        body = decoded_payload(record, limit + 1)
    http = record.http_headers
    headers = {k.lower(): v for k, v in http.headers} if http is not None else {}
    return headers, None if len(body) > limit else body


#: The first bytes of a stream in each content coding warcio decodes that has a fixed
#: signature (RFC 1952; deflate and br have none).
CODING_SIGNATURES = {"gzip": b"\x1f\x8b"}


def decoded_payload(record: ArcWarcRecord, size: int) -> bytes:
    """Up to ``size`` bytes of ``record``'s payload, decoded of its transfer and content
    codings as warcio decodes them. warcio takes a payload whose first block does not decode
    as one some tools store already decoded, and returns its bytes as stored; that holds unless
    they begin with the coding's own signature: then the stream is damaged, and reading it as
    the page would parse binary noise (a crawl, whose Scrapy fails to gunzip it, loses the
    page). That raises ``ArchiveLoadFailed``, as a stream that breaks off later does, and
    as one that just ends before its end (a body cut short, stored with a Content-Length
    that matches it): warcio gives what it inflated, the first part of the page, and no
    word (``_ended_early``)."""
    stream = record.content_stream()
    body: bytes = stream.read(size)
    coding = getattr(stream, "decomp_type", None)  # None: no coding warcio decodes
    signature = CODING_SIGNATURES.get(coding or "")
    fell_back = getattr(stream, "decompressor", True) is None
    if signature is not None and fell_back and body.startswith(signature):
        raise ArchiveLoadFailed(f"a {coding} payload that does not decode")
    if len(body) < size and _ended_early(stream):
        raise ArchiveLoadFailed(f"a {coding} payload that ends before its stream does")
    return body


def _ended_early(stream: Any) -> bool:
    """Whether the zlib stream (gzip, deflate) ``stream`` decoded, read to its end, never
    reached its own end. A decoder without that flag (brotli's) says nothing."""
    decompressor = getattr(stream, "decompressor", None)
    return decompressor is not None and getattr(decompressor, "eof", True) is False


def read_payload(response: ArchivedResponse, limit: int) -> bytes | None:
    """``read_body`` of a response whose ``source`` (the WARC holding it) is known."""
    assert response.source is not None
    with open(response.source, "rb") as source:
        return read_body(source, replace(response, source=None), limit)


def read_body(fh: BinaryIO, response: ArchivedResponse, limit: int) -> bytes | None:
    """The payload of ``response`` from the open WARC ``fh`` (or from its ``source``, the
    WARC holding a revisit's payload), decoded of any transfer or content encoding; None when
    it is longer than ``limit`` bytes once decoded. warcio decodes block by block, so a
    compression bomb costs at most ``limit`` plus one block's expansion, never its full
    size. A damaged record raises ``ArchiveLoadFailed``."""
    if response.source is not None:
        return read_payload(response, limit)
    return read_response(fh, response.offset, limit)[1]
