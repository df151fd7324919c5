"""The captures in other tools' web archives: what ``casearchive import`` reads.

``read_archives`` indexes WARC, gzip WARC and WACZ files as wget, Heritrix, Browsertrix and
pywb write them: every HTTP ``response`` record is a capture of its target URI at its
``WARC-Date``; ``request``, ``metadata``, ``resource`` and ``warcinfo`` records are passed
over; a ``revisit`` record is a capture too, its payload that of the record it refers to,
found in the given files by ``WARC-Refers-To`` (the record id), by
``WARC-Refers-To-Target-URI`` plus ``WARC-Refers-To-Date``, or else by its payload digest.
A revisit whose original is in none of the files is reported and left out. Bodies stay on
disk (a capture is its file and record offset), and so does the index: its entries are rows
of an SQLite file in the import's scratch directory (``CaptureIndex``), so the import's
memory grows neither with the records' size nor with their number; an entry holds no HTTP
headers either (they are read from the record when the capture is used:
``importer._read``). A WACZ (a zip) is read through its
``archive/*.warc[.gz]`` members, which are extracted to a scratch directory first (warcio
reads by file offset).

Captures of the site under another scheme or a ``www.`` host (``https://www.example.org``
for ``http://example.org``) count as captures of the site: ``site_url`` spells them as the
start URL does. ``moments`` turns ``--at``/``--every``/``--from``/``--to`` into the moments
the snapshots represent.
"""

from __future__ import annotations

import re
import sqlite3
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from warcio.recordloader import ArcWarcRecord

from .urls import canonical_url
from .warc import WARC_ERRORS, checked_records, warc_error_text

#: ``--every`` periods.
PERIODS = ("year", "quarter", "month")
#: How far before a moment a capture still counts (``--window``), in days.
DEFAULT_WINDOW_DAYS = 365

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"


class BadArchive(ValueError):
    """An input that is not a WARC, gzip WARC or WACZ file at all (exit 2)."""


@dataclass(slots=True)
class ArchiveCapture:
    """One capture: a response (or resolved revisit) record of an input archive."""

    url: str
    """``WARC-Target-URI`` as recorded."""
    site_url: str
    """The same URL spelled with the start URL's scheme and host when it is of the site."""
    when: datetime
    date: str
    """``WARC-Date`` as recorded (kept on the copy in the snapshot's WARC)."""
    status: int
    headers: dict[str, str] | None
    """HTTP response headers, names lower-cased; None for a capture of a WARC record, whose
    headers are read from it when the capture is used (``importer._read``)."""
    file: Path | None
    """The WARC holding the payload record (a revisit's: its original's); None until a
    capture listed by a CDX server is fetched (``fetch``)."""
    offset: int
    origin: str
    """Where the capture came from, for people: ``FILE#OFFSET`` (``WACZ!MEMBER#OFFSET``)
    or ``CDX`` and its CDX line."""
    fetch: Callable[[ArchiveCapture], None] | None = None
    """Fetches the payload of a CDX capture into a local WARC (sets ``file``/``offset``)."""


#: Index file name in the import's scratch directory.
INDEX_NAME = "captures.sqlite"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
#: A capture as the index stores it (the columns of ``captures`` after ``id``, in order).
_CAPTURE_COLUMNS = "url, site_url, when_us, date, status, ctype, file, pos, origin"
_SCHEMA = """
CREATE TABLE urls (id INTEGER PRIMARY KEY, canon TEXT NOT NULL UNIQUE);
CREATE TABLE captures (id INTEGER PRIMARY KEY, url_id INTEGER NOT NULL, url TEXT NOT NULL,
    site_url TEXT, when_us INTEGER NOT NULL, date TEXT NOT NULL, status INTEGER NOT NULL,
    ctype TEXT, file INTEGER, pos INTEGER NOT NULL, origin TEXT NOT NULL,
    record_id TEXT, digest TEXT);
CREATE INDEX captures_by_url ON captures (url_id, when_us, id);
CREATE TABLE revisits (id INTEGER PRIMARY KEY, url TEXT NOT NULL, site_url TEXT,
    when_us INTEGER NOT NULL, date TEXT NOT NULL, status INTEGER NOT NULL, ctype TEXT,
    file INTEGER, pos INTEGER NOT NULL, origin TEXT NOT NULL, digest TEXT,
    refers_to TEXT, target TEXT, target_date TEXT);
CREATE TABLE chosen (canon TEXT PRIMARY KEY, capture INTEGER NOT NULL,
    when_us INTEGER NOT NULL) WITHOUT ROWID;
"""


def _micros(when: datetime) -> int:
    """``when`` as whole microseconds since 1970 (exact; they order as the times do)."""
    return (when - _EPOCH) // _MICROSECOND


class CaptureIndex:
    """Every capture of the inputs by canonical URL (default identity rules), each URL's in
    capture order (by time, ties in the order read); what could not be read is in
    ``problems``, one line each.

    The captures are rows of an SQLite file (``path``; a private temporary file when None),
    as pywb keeps its CDXJ index on disk: the index grows on disk with the archive, and
    memory holds only the rows being read (SQLite's page cache is bounded). A capture read
    back is a new ``ArchiveCapture``; ``choose`` keeps one moment's choice per URL there too.
    """

    def __init__(self, path: Path | None = None) -> None:
        self._db = sqlite3.connect("" if path is None else str(path))
        # A scratch file, rebuilt by the next run: no journal, no syncing.
        self._db.execute("PRAGMA journal_mode = OFF")
        self._db.execute("PRAGMA synchronous = OFF")
        self._db.executescript(_SCHEMA)
        self._paths: list[Path] = []
        self._path_ids: dict[Path, int] = {}
        self.fetch: Callable[[ArchiveCapture], None] | None = None
        """Fetches a CDX capture's payload (``ArchiveCapture.fetch`` of captures with no
        file): one for the index, its source's."""
        self.problems: list[str] = []
        self.files: list[dict[str, object]] = []
        """Each input: ``path``, ``bytes``, ``records`` read, ``captures`` found."""
        self.passed_over = 0
        """Records that are no captures (request, metadata, resource, warcinfo)."""

    def close(self) -> None:
        self._db.close()

    def _file_id(self, path: Path | None) -> int | None:
        if path is None:
            return None
        if path not in self._path_ids:
            self._path_ids[path] = len(self._paths)
            self._paths.append(path)
        return self._path_ids[path]

    def _row(self, capture: ArchiveCapture) -> tuple[object, ...]:
        if capture.fetch is not None:
            self.fetch = capture.fetch
        headers = capture.headers
        return (capture.url, None if capture.site_url == capture.url else capture.site_url,
                _micros(capture.when), capture.date, capture.status,
                None if headers is None else headers.get("content-type", ""),
                self._file_id(capture.file), capture.offset, capture.origin)

    def _capture(self, row: tuple[Any, ...]) -> ArchiveCapture:
        """A row of ``_CAPTURE_COLUMNS`` as a capture."""
        url, spelled, when_us, date, status, ctype, file, offset, origin = row
        return ArchiveCapture(
            url=url, site_url=url if spelled is None else spelled,
            when=_EPOCH + when_us * _MICROSECOND, date=date, status=status,
            headers=None if ctype is None else {"content-type": ctype},
            file=None if file is None else self._paths[file], offset=offset, origin=origin,
            fetch=self.fetch if file is None else None)

    def _url_id(self, canon: str) -> int:
        self._db.execute("INSERT OR IGNORE INTO urls (canon) VALUES (?)", (canon,))
        (found,) = self._db.execute("SELECT id FROM urls WHERE canon = ?", (canon,)).fetchone()
        return int(found)

    def add(self, capture: ArchiveCapture, record_id: str | None = None,
            digest: str | None = None) -> None:
        """Index ``capture``; a response record's ``record_id`` and payload ``digest`` are
        what revisits find it by (``resolve_revisits``)."""
        self._db.execute(
            f"INSERT INTO captures (url_id, {_CAPTURE_COLUMNS}, record_id, digest) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (self._url_id(canonical_url(capture.site_url)), *self._row(capture), record_id,
             digest))

    def add_revisit(self, capture: ArchiveCapture, digest: str | None, refers_to: str | None,
                    target: str | None, target_date: str | None) -> None:
        """A revisit record, a capture once ``resolve_revisits`` finds its original."""
        self._db.execute(
            f"INSERT INTO revisits ({_CAPTURE_COLUMNS}, digest, refers_to, target, "
            "target_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*self._row(capture), digest, refers_to, target, target_date))

    def _original(self, digest: str | None, refers_to: str | None, target: str | None,
                  target_date: str | None) -> ArchiveCapture | None:
        """The response a revisit refers to: by record id, by target URI and date (the
        last response read of each), or by payload digest (the first)."""
        columns = f"SELECT {_CAPTURE_COLUMNS} FROM captures WHERE record_id IS NOT NULL AND "
        for where, args in (("record_id = ? ORDER BY id DESC", (refers_to or "",)),
                            ("url = ? AND date = ? ORDER BY id DESC",
                             ((target or "").strip("<>"), target_date or "")),
                            ("digest = ? ORDER BY id", (digest or "",))):
            row = self._db.execute(f"{columns}{where} LIMIT 1", args).fetchone()
            if row is not None:
                return self._capture(row)
        return None

    def resolve_revisits(self) -> None:
        """Each revisit becomes a capture of its original's payload, or a problem."""
        if self._db.execute("SELECT 1 FROM revisits LIMIT 1").fetchone() is None:
            return
        self._db.executescript(
            "CREATE INDEX captures_by_id ON captures (record_id);"
            "CREATE INDEX captures_by_uri_date ON captures (url, date);"
            "CREATE INDEX captures_by_digest ON captures (digest);")
        revisits = self._db.execute(f"SELECT {_CAPTURE_COLUMNS}, digest, refers_to, target, "
                                    "target_date FROM revisits ORDER BY id")
        for row in revisits:
            own = self._capture(row[:9])
            digest, refers_to, target, target_date = row[9:]
            original = self._original(digest, refers_to, target, target_date)
            if original is None:
                self.problems.append(
                    f"{own.origin}: revisit of {own.url} ({own.date}) whose original "
                    f"{refers_to or target or digest} is in none of the given files: not "
                    "imported")
                continue
            self.add(replace(original, url=own.url, site_url=own.site_url, when=own.when,
                             date=own.date,
                             origin=f"{own.origin} (revisit of {original.origin})"))
        self._db.execute("DELETE FROM revisits")

    _SELECT = (f"SELECT c.url_id, {', '.join('c.' + c for c in _CAPTURE_COLUMNS.split(', '))} "
               "FROM captures c")

    def captures_of(self, key: str) -> list[ArchiveCapture]:
        """The captures of the canonical URL ``key`` (default identity rules), in order."""
        rows = self._db.execute(
            f"{self._SELECT} JOIN urls u ON u.id = c.url_id WHERE u.canon = ? "
            "ORDER BY c.when_us, c.id", (key,))
        return [self._capture(row[1:]) for row in rows]

    def groups(self) -> Iterator[list[ArchiveCapture]]:
        """The captures of each canonical URL, URL by URL in the order first read."""
        rows = self._db.execute(f"{self._SELECT} ORDER BY c.url_id, c.when_us, c.id")
        for _key, group in groupby(rows, key=itemgetter(0)):
            yield [self._capture(row[1:]) for row in group]

    def all(self) -> Iterator[ArchiveCapture]:
        for captures in self.groups():
            yield from captures

    def restrict(self, start: datetime | None, end: datetime | None) -> None:
        """Forget the captures before ``start`` and after ``end`` (``--from``/``--to``)."""
        if start is not None:
            self._db.execute("DELETE FROM captures WHERE when_us < ?", (_micros(start),))
        if end is not None:
            self._db.execute("DELETE FROM captures WHERE when_us > ?", (_micros(end),))

    def choose(self, pick: Callable[[list[ArchiveCapture]], ArchiveCapture | None],
               key: Callable[[str], str]) -> None:
        """Choose anew, for ``chosen``: of each URL's captures the one ``pick`` takes, keyed
        by ``key`` of its site URL; of URLs with one key, the latest capture."""
        self._db.execute("DELETE FROM chosen")
        upsert = ("INSERT INTO chosen (canon, capture, when_us) VALUES (?, ?, ?) "
                  "ON CONFLICT (canon) DO UPDATE SET capture = excluded.capture, "
                  "when_us = excluded.when_us WHERE excluded.when_us > chosen.when_us")
        rows = self._db.execute(
            f"SELECT url_id, id, {_CAPTURE_COLUMNS} FROM captures "
            "ORDER BY url_id, when_us, id")
        batch: list[tuple[str, int, int]] = []
        for _key, group in groupby(rows, key=itemgetter(0)):
            rows_of_url = list(group)
            captures = [self._capture(row[2:]) for row in rows_of_url]
            picked = pick(captures)
            if picked is not None:
                (row_id,) = [row[1] for row, c in zip(rows_of_url, captures, strict=True)
                             if c is picked]
                batch.append((key(picked.site_url), row_id, _micros(picked.when)))
            if len(batch) >= 1024:
                self._db.executemany(upsert, batch)
                batch.clear()
        self._db.executemany(upsert, batch)

    def chosen(self, key: str) -> ArchiveCapture | None:
        """The capture ``choose`` chose for ``key``."""
        row = self._db.execute(
            f"{self._SELECT} JOIN chosen h ON h.capture = c.id WHERE h.canon = ?",
            (key,)).fetchone()
        return None if row is None else self._capture(row[1:])


def _bare_host(host: str | None) -> str:
    host = (host or "").lower()
    return host[4:] if host.startswith("www.") else host


def _port(scheme: str, port: int | None) -> int | None:
    return None if port in (None, {"http": 80, "https": 443}.get(scheme)) else port


def site_url(url: str, start_url: str) -> str:
    """``url`` spelled with the start URL's scheme and host when it is the same site (the
    host equal but for ``www.``, the port equal or each scheme's default); else unchanged."""
    parts, start = urlsplit(url), urlsplit(start_url)
    try:
        same_port = _port(parts.scheme, parts.port) == _port(start.scheme, start.port)
    except ValueError:
        return url
    if _bare_host(parts.hostname) != _bare_host(start.hostname) or not same_port:
        return url
    return urlunsplit((start.scheme, start.netloc, parts.path or "/", parts.query, ""))


def capture_time(text: str) -> datetime:
    """A ``WARC-Date`` (ISO 8601, UTC) or a 14-digit Wayback timestamp as an aware datetime."""
    text = text.strip()
    if re.fullmatch(r"\d{14}", text):
        return datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def parse_moment(text: str, end: bool) -> datetime:
    """A timestamp from the command line: a Wayback-style prefix (``2019``, ``201903``,
    ``20190315``, up to 14 digits) or an ISO 8601 date or date-time. A prefix names a
    period: ``end`` takes its last second (``--at``, ``--to``), else its first (``--from``).
    A time of day may end in ``Z`` or an explicit offset (``2026-12-07T23:40:00+02:00``): the
    moment is converted to UTC. Raises ``ValueError`` with what is wrong."""
    text = text.strip()
    local, offset = _utc_offset(text)
    digits = local.replace("-", "").replace(":", "").replace("T", "")
    if not re.fullmatch(r"\d{4}(\d{2}){0,5}", digits):
        raise ValueError(f"not a timestamp: {text!r} (expected YYYY[MM[DD[hh[mm[ss]]]]], "
                         "or ISO 8601 with Z or an offset such as +02:00)")
    fields = [int(digits[0:4])] + [int(digits[i:i + 2]) for i in range(4, len(digits), 2)]
    first = [fields[0], 1, 1, 0, 0, 0]
    first[:len(fields)] = fields
    try:
        start = datetime(first[0], first[1], first[2], first[3], first[4], first[5], tzinfo=UTC)
        if end and len(fields) < 6:
            start = _period_end(start, ("year", "month", "day", "hour", "minute")[len(fields) - 1])
        return start - offset
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"{text!r} is out of range ({exc}): moments from the year 1 to "
                         "9998 are taken") from None


def _utc_offset(text: str) -> tuple[str, timedelta]:
    """``text`` without its UTC designator (``Z``) or offset (``+02:00``, ``-0500``, after
    a time of day only: ``2019-03-15`` is a date), and that offset: local time minus UTC."""
    found = re.fullmatch(r"(.*T[\d:]+?)(Z|([+-])(\d{2}):?(\d{2}))", text)
    if found is None:
        return text.rstrip("Z"), timedelta(0)
    if found.group(2) == "Z":
        return found.group(1), timedelta(0)
    sign = 1 if found.group(3) == "+" else -1
    hours, minutes = int(found.group(4)), int(found.group(5))
    if hours > 23 or minutes > 59:
        raise ValueError(f"not a timestamp: {text!r} (an offset of {found.group(2)})")
    return found.group(1), sign * timedelta(hours=hours, minutes=minutes)


def _period_end(start: datetime, unit: str) -> datetime:
    """The last second of the ``unit`` (year, quarter, month, day, hour, minute) that
    begins at ``start``."""
    if unit in ("year", "quarter", "month"):
        months = {"year": 12, "quarter": 3, "month": 1}[unit]
        year, month = divmod(start.month - 1 + months, 12)
        following = start.replace(year=start.year + year, month=month + 1, day=1, hour=0,
                                  minute=0, second=0)
        return following - timedelta(seconds=1)
    return start + {"day": timedelta(days=1), "hour": timedelta(hours=1),
                    "minute": timedelta(minutes=1)}[unit] - timedelta(seconds=1)


def period_start(when: datetime, every: str) -> datetime:
    """The first second of the ``every`` period (year, quarter, month) holding ``when``."""
    month = {"year": 1, "month": when.month, "quarter": (when.month - 1) // 3 * 3 + 1}[every]
    return datetime(when.year, month, 1, tzinfo=UTC)


def moments(index: CaptureIndex, at: list[datetime], every: str | None) -> list[datetime]:
    """The moments to import, oldest first: the ``--at`` times; else, per ``every`` period
    (``month`` by default) that holds captures, the time of its last capture (the site as
    last seen in that period)."""
    if at:
        return sorted(set(at))
    last: dict[datetime, datetime] = {}
    for capture in index.all():
        period = period_start(capture.when, every or "month")
        last[period] = max(last.get(period, capture.when), capture.when)
    return sorted(last.values())


def sniff(path: Path) -> str:
    """``warc`` or ``wacz`` by the file's first bytes; ``BadArchive`` for anything else."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise BadArchive(f"{path}: cannot read ({exc.strerror or exc})") from None
    if head.startswith(ZIP_MAGIC):
        return "wacz"
    if head.startswith((GZIP_MAGIC, b"WARC/")):
        return "warc"
    raise BadArchive(f"{path}: not a WARC, WARC.gz or WACZ file (it starts with "
                     f"{head[:8]!r})")


def wacz_members(path: Path, scratch: Path) -> list[tuple[Path, str]]:
    """The WARCs of a WACZ, extracted under ``scratch``: (file, ``WACZ!MEMBER`` label)."""
    found = []
    try:
        with zipfile.ZipFile(path) as wacz:
            names = [n for n in wacz.namelist()
                     if n.startswith("archive/") and n.endswith((".warc", ".warc.gz"))]
            for number, name in enumerate(names):
                dest = scratch / f"{number}-{Path(name).name}"
                with wacz.open(name) as member, open(dest, "wb") as out:
                    while chunk := member.read(1 << 20):
                        out.write(chunk)
                found.append((dest, f"{path}!{name}"))
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise BadArchive(f"{path}: not a readable WACZ ({exc})") from None
    if not found:
        raise BadArchive(f"{path}: a zip file with no archive/*.warc[.gz] member: not a WACZ")
    return found


@dataclass(slots=True)
class _Reader:
    """The state of one ``read_archives`` pass (the captures and revisits go to the index's
    file as they are read)."""

    start_url: str
    index: CaptureIndex

    def read(self, path: Path, label: str) -> None:
        """Index one WARC; a file that breaks off keeps the records before the break (a
        record cut short is never given: ``checked_records``)."""
        records = captures = 0
        try:
            with open(path, "rb") as fh:
                for record, offset in checked_records(fh, untargeted=True):
                    records += 1
                    captures += self._record(record, path, f"{label}#{offset}", offset)
        except WARC_ERRORS as exc:
            if records == 0:
                raise BadArchive(f"{label}: not a readable WARC ({warc_error_text(exc)})") \
                    from None
            self.index.problems.append(
                f"{label}: breaks off after {records} records ({warc_error_text(exc)}); the "
                f"{captures} captures before the break are imported")
        self.index.files.append({"path": label, "bytes": path.stat().st_size,
                                 "records": records, "captures": captures})

    def _record(self, record: ArcWarcRecord, path: Path, origin: str, offset: int) -> int:
        if record.rec_type not in ("response", "revisit"):
            self.index.passed_over += 1
            return 0
        when = _capture_moment(record)
        if isinstance(when, str):  # one record's damage loses its capture alone
            self.index.problems.append(f"{origin}: a {record.rec_type} record {when}, "
                                       "passed over")
            return 0
        if record.http_headers is None:
            self.index.passed_over += 1
            return 0
        headers = record.rec_headers
        url = (headers.get_header("WARC-Target-URI") or "").strip("<>")
        date = headers.get_header("WARC-Date") or ""
        spelled = site_url(url, self.start_url)
        capture = ArchiveCapture(
            url=url, site_url=url if spelled == url else spelled, when=when,
            date=date, status=int(record.http_headers.get_statuscode() or 0), headers=None,
            file=path, offset=offset, origin=origin)
        digest = headers.get_header("WARC-Payload-Digest")
        if record.rec_type == "revisit":
            self.index.add_revisit(capture, digest, headers.get_header("WARC-Refers-To"),
                                   headers.get_header("WARC-Refers-To-Target-URI"),
                                   headers.get_header("WARC-Refers-To-Date"))
        else:
            self.index.add(capture, headers.get_header("WARC-Record-ID") or "", digest or None)
        return 1


def _capture_moment(record: ArcWarcRecord) -> datetime | str:
    """When a response or revisit record was captured, or why it cannot be placed in the
    site's history: no ``WARC-Target-URI`` (a capture of no known URL) or a ``WARC-Date``
    that is no time (a capture of no known moment)."""
    headers = record.rec_headers
    ident = headers.get_header("WARC-Record-ID") or "and no record id"
    if not headers.get_header("WARC-Target-URI"):
        return f"with no WARC-Target-URI ({ident}): a capture of no known URL"
    date = headers.get_header("WARC-Date") or ""
    try:
        return capture_time(date)
    except (ValueError, OverflowError):
        return (f"whose WARC-Date {date[:40]!r} is no time ({ident}): a capture of no known "
                "moment")


def read_archives(paths: list[Path], start_url: str, scratch: Path) -> CaptureIndex:
    """Index ``paths`` (WARC, WARC.gz, WACZ) for ``start_url``'s site, in an index file
    under ``scratch``; ``BadArchive`` when one is no archive at all (checked for every file
    before any is read)."""
    kinds = [sniff(path) for path in paths]
    reader = _Reader(start_url, CaptureIndex(scratch / INDEX_NAME))
    for path, kind in zip(paths, kinds, strict=True):
        members = wacz_members(path, scratch) if kind == "wacz" else [(path, str(path))]
        for member, label in members:
            reader.read(member, label)
    reader.index.resolve_revisits()
    return reader.index
