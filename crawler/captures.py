"""The captures in other tools' web archives: what ``casearchive import`` reads.

``read_archives`` indexes WARC, gzip WARC and WACZ files as wget, Heritrix, Browsertrix and
pywb write them: every HTTP ``response`` record is a capture of its target URI at its
``WARC-Date``; ``request``, ``metadata``, ``resource`` and ``warcinfo`` records are passed
over; a ``revisit`` record is a capture too, its payload that of the record it refers to,
found in the given files by ``WARC-Refers-To`` (the record id), by
``WARC-Refers-To-Target-URI`` plus ``WARC-Refers-To-Date``, or else by its payload digest.
A revisit whose original is in none of the files is reported and left out. Bodies stay on
disk (a capture is its file and record offset), so the index grows with the number of
records, never with their size; an entry holds no HTTP headers either (they are read from
the record when the capture is used: ``capture_headers``). A WACZ (a zip) is read through its
``archive/*.warc[.gz]`` members, which are extracted to a scratch directory first (warcio
reads by file offset).

Captures of the site under another scheme or a ``www.`` host (``https://www.example.org``
for ``http://example.org``) count as captures of the site: ``site_url`` spells them as the
start URL does. ``moments`` turns ``--at``/``--every``/``--from``/``--to`` into the moments
the snapshots represent.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from warcio.recordloader import ArcWarcRecord

from .urls import canonical_url
from .warc import WARC_ERRORS, checked_records, gzip_member, read_headers, warc_error_text

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
    headers are read from it when the capture is used (``capture_headers``)."""
    file: Path | None
    """The WARC holding the payload record (a revisit's: its original's); None until a
    capture listed by a CDX server is fetched (``fetch``)."""
    offset: int
    origin: str
    """Where the capture came from, for people: ``FILE#OFFSET`` (``WACZ!MEMBER#OFFSET``)
    or ``CDX`` and its CDX line."""
    fetch: Callable[[ArchiveCapture], None] | None = None
    """Fetches the payload of a CDX capture into a local WARC (sets ``file``/``offset``)."""


@dataclass(slots=True)
class CaptureIndex:
    """Every capture of the inputs by canonical URL (default identity rules), each list in
    capture order; what could not be read is in ``problems``, one line each."""

    by_url: dict[str, list[ArchiveCapture]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    files: list[dict[str, object]] = field(default_factory=list)
    """Each input: ``path``, ``bytes``, ``records`` read, ``captures`` found."""
    passed_over: int = 0
    """Records that are no captures (request, metadata, resource, warcinfo)."""

    def add(self, capture: ArchiveCapture) -> None:
        key = canonical_url(capture.site_url)
        self.by_url.setdefault(capture.site_url if key == capture.site_url else key,
                               []).append(capture)

    def all(self) -> Iterator[ArchiveCapture]:
        for captures in self.by_url.values():
            yield from captures

    def restrict(self, start: datetime | None, end: datetime | None) -> None:
        """Forget the captures before ``start`` and after ``end`` (``--from``/``--to``)."""
        for key, captures in list(self.by_url.items()):
            kept = [c for c in captures
                    if (start is None or c.when >= start) and (end is None or c.when <= end)]
            if kept:
                self.by_url[key] = kept
            else:
                del self.by_url[key]

    def sort(self) -> None:
        for captures in self.by_url.values():
            captures.sort(key=lambda c: c.when)


def capture_headers(capture: ArchiveCapture) -> dict[str, str]:
    """The HTTP response headers of ``capture``, names lower-cased (read from its record)."""
    if capture.headers is not None:
        return capture.headers
    assert capture.file is not None
    with open(capture.file, "rb") as fh:
        return read_headers(fh, capture.offset)


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
    Raises ``ValueError`` with what is wrong."""
    text = text.strip()
    digits = text.replace("-", "").replace(":", "").replace("T", "").rstrip("Z")
    if not re.fullmatch(r"\d{4}(\d{2}){0,5}", digits):
        raise ValueError(f"not a timestamp: {text!r} (expected YYYY[MM[DD[hh[mm[ss]]]]] "
                         "or ISO 8601)")
    fields = [int(digits[0:4])] + [int(digits[i:i + 2]) for i in range(4, len(digits), 2)]
    first = [fields[0], 1, 1, 0, 0, 0]
    first[:len(fields)] = fields
    try:
        start = datetime(first[0], first[1], first[2], first[3], first[4], first[5], tzinfo=UTC)
    except ValueError as exc:
        raise ValueError(f"not a timestamp: {text!r} ({exc})") from None
    if not end or len(fields) == 6:
        return start
    return _period_end(start, ("year", "month", "day", "hour", "minute")[len(fields) - 1])


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
class _Revisit:
    capture: ArchiveCapture
    digest: str | None
    refers_to: str | None
    target: str | None
    target_date: str | None


@dataclass(slots=True)
class _Reader:
    """The state of one ``read_archives`` pass."""

    start_url: str
    index: CaptureIndex = field(default_factory=CaptureIndex)
    by_id: dict[str, ArchiveCapture] = field(default_factory=dict)
    by_uri_date: dict[tuple[str, str], ArchiveCapture] = field(default_factory=dict)
    by_digest: dict[str, ArchiveCapture] = field(default_factory=dict)
    revisits: list[_Revisit] = field(default_factory=list)

    def read(self, path: Path, label: str) -> None:
        """Index one WARC; a file that breaks off keeps the records before the break."""
        records = captures = 0
        last = -1
        try:
            with open(path, "rb") as fh:
                for record, offset in checked_records(fh):
                    records += 1
                    captures += self._record(record, path, f"{label}#{offset}", offset)
                    last = offset
                if last >= 0 and fh.seek(0) == 0 and fh.read(2) == GZIP_MAGIC:
                    try:  # warcio reads a last member cut short as a short record
                        gzip_member(fh, last)
                    except WARC_ERRORS:
                        captures -= self._drop(path, last)
                        raise
        except WARC_ERRORS as exc:
            if records == 0:
                raise BadArchive(f"{label}: not a readable WARC ({warc_error_text(exc)})") \
                    from None
            self.index.problems.append(
                f"{label}: breaks off after {records} records ({warc_error_text(exc)}); the "
                f"{captures} captures before the break are imported")
        self.index.files.append({"path": label, "bytes": path.stat().st_size,
                                 "records": records, "captures": captures})

    def _drop(self, path: Path, offset: int) -> int:
        """Forget the capture of the record at ``offset`` of ``path`` (it breaks off)."""
        dropped, at = 0, (path, offset)
        for captures in self.index.by_url.values():
            kept = [c for c in captures if (c.file, c.offset) != at]
            dropped += len(captures) - len(kept)
            captures[:] = kept
        self.revisits = [r for r in self.revisits
                         if (r.capture.file, r.capture.offset) != at]
        self.by_id = {k: c for k, c in self.by_id.items() if (c.file, c.offset) != at}
        self.by_uri_date = {k: c for k, c in self.by_uri_date.items()
                            if (c.file, c.offset) != at}
        self.by_digest = {k: c for k, c in self.by_digest.items() if (c.file, c.offset) != at}
        return dropped

    def _record(self, record: ArcWarcRecord, path: Path, origin: str, offset: int) -> int:
        if record.rec_type not in ("response", "revisit") or record.http_headers is None:
            self.index.passed_over += 1
            return 0
        headers = record.rec_headers
        url = (headers.get_header("WARC-Target-URI") or "").strip("<>")
        date = headers.get_header("WARC-Date") or ""
        spelled = site_url(url, self.start_url)
        capture = ArchiveCapture(
            url=url, site_url=url if spelled == url else spelled, when=capture_time(date),
            date=date, status=int(record.http_headers.get_statuscode() or 0), headers=None,
            file=path, offset=offset, origin=origin)
        digest = headers.get_header("WARC-Payload-Digest")
        if record.rec_type == "revisit":
            self.revisits.append(_Revisit(capture, digest, headers.get_header("WARC-Refers-To"),
                                          headers.get_header("WARC-Refers-To-Target-URI"),
                                          headers.get_header("WARC-Refers-To-Date")))
            return 1
        self.by_id[headers.get_header("WARC-Record-ID") or ""] = capture
        self.by_uri_date[(url, date)] = capture
        if digest:
            self.by_digest.setdefault(digest, capture)
        self.index.add(capture)
        return 1

    def resolve(self) -> None:
        """Each revisit becomes a capture of its original's payload, or a problem."""
        for revisit in self.revisits:
            own = revisit.capture
            original = (self.by_id.get(revisit.refers_to or "")
                        or self.by_uri_date.get(((revisit.target or "").strip("<>"),
                                                 revisit.target_date or ""))
                        or self.by_digest.get(revisit.digest or ""))
            if original is None:
                self.index.problems.append(
                    f"{own.origin}: revisit of {own.url} ({own.date}) whose original "
                    f"{revisit.refers_to or revisit.target or revisit.digest} is in none of the "
                    "given files: not imported")
                continue
            self.index.add(replace(original, url=own.url, site_url=own.site_url,
                                   when=own.when, date=own.date,
                                   origin=f"{own.origin} (revisit of {original.origin})"))


def read_archives(paths: list[Path], start_url: str, scratch: Path) -> CaptureIndex:
    """Index ``paths`` (WARC, WARC.gz, WACZ) for ``start_url``'s site; ``BadArchive`` when
    one is no archive at all (checked for every file before any is read)."""
    kinds = [sniff(path) for path in paths]
    reader = _Reader(start_url)
    for path, kind in zip(paths, kinds, strict=True):
        members = wacz_members(path, scratch) if kind == "wacz" else [(path, str(path))]
        for member, label in members:
            reader.read(member, label)
    reader.resolve()
    reader.index.sort()
    return reader.index
