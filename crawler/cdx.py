"""A Wayback-style CDX server plus replay as a source of captures (``import --cdx``).

The CDX API (the Internet Archive's ``/cdx/search/cdx``, pywb's ``/<collection>/cdx``) is
asked once for every capture under the site's host: ``url=HOST/``, ``matchType=prefix``,
``output=json``, ``from``/``to`` when given, ``limit`` with ``showResumeKey=true`` for
long results (the Internet Archive answers a JSON array whose first row names the fields
and, after an empty row, the resumption key; pywb answers one JSON object per line and
returns everything at once). Each line becomes a capture; its payload is fetched only when
a snapshot needs it, from the replay in ``id_`` mode (``PREFIX/TIMESTAMPid_/URL``: the
archived bytes, no banner, no rewritten links).

A polite client of a public service: one request per ``delay`` seconds (1 by default), 429
and 503 answers retried after their ``Retry-After`` (or a doubling wait), a User-Agent
naming the project. Everything fetched is kept under ``OUT/.import-cache/<key>/``: the CDX
answers as JSON and the payloads as a WARC (``replay.warc.gz``, one record a capture with
its CDX line in ``WARC-Imported-From``), so an interrupted import run again fetches nothing
twice, and a fetched capture is read like any WARC capture.
"""

from __future__ import annotations

import hashlib
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from .captures import ArchiveCapture, CaptureIndex, capture_time, site_url
from .options import DEFAULT_CONTACT_URL
from .version import TOOL_VERSION
from .warc import IMPORTED_FROM, checked_records

USER_AGENT = f"casearchive/{TOOL_VERSION} (+{DEFAULT_CONTACT_URL}; import from web archives)"
#: CDX lines asked for per request where the server pages with a resumption key.
PAGE_LINES = 5000
#: Attempts at one URL answered 429 or 503 before giving up; the longest wait honoured.
MAX_ATTEMPTS = 6
MAX_WAIT = 120.0
#: Redirects of the replay itself (to its nearest capture) followed for one capture.
MAX_REPLAY_HOPS = 5
CACHE_DIR = ".import-cache"
#: The prefix pywb and the Wayback Machine put on the archived response's own headers.
ORIGINAL = "x-archive-orig-"
#: Headers the replay adds or that no longer describe the stored bytes.
DROPPED_HEADERS = frozenset({"transfer-encoding", "content-length", "connection",
                             "keep-alive", "memento-datetime", "link", "date",
                             "content-location"})


#: A payload in the cache WARC: its offset, HTTP status and headers (names lower-cased).
_Cached = tuple[int, int, dict[str, str]]


class CdxError(RuntimeError):
    """The CDX server or the replay cannot be used (down, refusing, not a CDX answer)."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class PoliteClient:
    """GET with a pause between requests and backing off on 429/503 (``Retry-After``)."""

    def __init__(self, delay: float = 1.0, timeout: float = 60.0,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.delay = delay
        self.timeout = timeout
        self.requests = 0
        self._sleep = sleep
        self._last = 0.0
        self._opener = urllib.request.build_opener(_NoRedirects())

    def get(self, url: str) -> tuple[int, list[tuple[str, str]], bytes]:
        """(status, headers, body) of ``url``; a redirect is returned, not followed."""
        wait = self.delay
        for _attempt in range(MAX_ATTEMPTS):
            pause = self._last + self.delay - time.monotonic()
            if pause > 0:
                self._sleep(pause)
            status, headers, body = self._once(url)
            self._last = time.monotonic()
            if status not in (429, 503):
                return status, headers, body
            wait = _retry_after(headers, max(wait * 2, 1.0))
            self._sleep(min(wait, MAX_WAIT))
        raise CdxError(f"{url}: still answering HTTP {status} after {MAX_ATTEMPTS} attempts")

    def _once(self, url: str) -> tuple[int, list[tuple[str, str]], bytes]:
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT,
                                                       "Accept-Encoding": "identity"})
        self.requests += 1
        try:
            with self._opener.open(request, timeout=self.timeout) as answer:
                return answer.status, list(answer.headers.items()), answer.read()
        except urllib.error.HTTPError as exc:
            return exc.code, list(exc.headers.items()), exc.read()
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise CdxError(f"cannot reach {url}: {getattr(reason, 'strerror', None) or reason}"
                           ) from None


def _retry_after(headers: list[tuple[str, str]], default: float) -> float:
    """Seconds ``Retry-After`` asks for (a number or an HTTP date), else ``default``."""
    value = next((v for k, v in headers if k.lower() == "retry-after"), "").strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return default


def _rows(text: str) -> tuple[list[dict[str, str]], str | None]:
    """CDX lines as dicts and the resumption key, from either JSON flavour."""
    text = text.strip()
    if not text:
        return [], None
    if text.startswith("["):  # the Internet Archive: [[fields...], [values...], ..., [], [key]]
        table = json.loads(text)
        if not table:
            return [], None
        names, rows, key = table[0], table[1:], None
        if len(rows) >= 2 and rows[-2] == []:
            key, rows = rows[-1][0], rows[:-2]
        return [dict(zip(names, row, strict=False)) for row in rows if row], key
    return [json.loads(line) for line in text.splitlines() if line.strip()], None


class CdxSource:
    """The captures a CDX server lists for the site, fetched from its replay on demand."""

    def __init__(self, cdx_url: str, replay_prefix: str, start_url: str, cache_root: Path,
                 client: PoliteClient) -> None:
        self.cdx_url = cdx_url
        self.replay = replay_prefix.rstrip("/")
        self.start_url = start_url
        self.client = client
        key = hashlib.sha1(f"{cdx_url} {replay_prefix} {start_url}".encode()).hexdigest()[:16]
        self.cache = cache_root / CACHE_DIR / key
        self.cache.mkdir(parents=True, exist_ok=True)
        self.warc = self.cache / "replay.warc.gz"
        self._fetched = self._index_cache()
        self.fetched = 0
        """Payloads fetched from the replay by this run (cached ones are not counted)."""

    def _index_cache(self) -> dict[tuple[str, str], _Cached]:
        """(URL, timestamp) -> each payload a run before fetched: its offset in the cache
        WARC, its status and headers."""
        found: dict[tuple[str, str], _Cached] = {}
        if not self.warc.is_file():
            return found
        try:  # checked: a record cut short by a kill is never taken for a shorter payload
            with open(self.warc, "rb") as fh:
                for record, offset in checked_records(fh):
                    line = json.loads(record.rec_headers.get_header(IMPORTED_FROM)[4:])
                    http = record.http_headers
                    found[(line.get("url") or line.get("original"), line["timestamp"])] = (
                        offset, int(http.get_statuscode()),
                        {k.lower(): v for k, v in http.headers})
        except Exception:  # noqa: BLE001 - a cache cut short by a kill: start it again
            self.warc.unlink()
            return {}
        return found

    def query(self, start: str | None, end: str | None) -> Iterator[dict[str, str]]:
        """Every CDX line for the site's host, page by page (cached answers reused)."""
        host = urlsplit(self.start_url).netloc.lower()  # with its port, if any
        host = host[4:] if host.startswith("www.") else host
        params = {"url": f"{host}/", "matchType": "prefix", "output": "json",
                  "limit": str(PAGE_LINES), "showResumeKey": "true"}
        params.update({k: v for k, v in (("from", start), ("to", end)) if v})
        resume: str | None = None
        while True:
            paged = {**params, "resumeKey": resume} if resume else params
            rows, resume = _rows(self._cached(f"{self.cdx_url}?{urlencode(paged)}"))
            yield from rows
            if not resume:
                return

    def _cached(self, url: str) -> str:
        path = self.cache / f"cdx-{hashlib.sha1(url.encode()).hexdigest()[:16]}.json"
        if path.is_file():
            return path.read_text(encoding="utf-8")
        status, _headers, body = self.client.get(url)
        if status != 200:
            raise CdxError(f"{self.cdx_url}: the CDX server answered HTTP {status}")
        text = body.decode("utf-8", "replace")
        try:
            _rows(text)
        except (ValueError, IndexError, TypeError) as exc:
            raise CdxError(f"{self.cdx_url}: not a CDX answer in JSON ({exc})") from None
        if text.strip():  # an empty answer is asked again next time
            tmp = path.with_suffix(".tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)
        return text

    def index(self, start: str | None, end: str | None, path: Path | None = None
              ) -> CaptureIndex:
        """The captures of the site the CDX server lists (payloads not fetched yet), indexed
        in the file ``path`` (``CaptureIndex``)."""
        index = CaptureIndex(path)
        count = bad = 0
        first_bad = ""
        for row in self.query(start, end):
            capture = self._capture(row) if isinstance(row, dict) else None
            if capture is None:
                bad += 1
                first_bad = first_bad or json.dumps(row, sort_keys=True)
                continue
            count += 1
            index.add(capture)
        if bad:
            index.problems.append(
                f"{self.cdx_url}: {bad} CDX line(s) with no URL or no valid timestamp passed "
                f"over (the first: {first_bad[:200]})")
        index.files.append({"path": self.cdx_url, "captures": count})
        return index

    def _capture(self, row: dict[str, Any]) -> ArchiveCapture | None:
        """The capture a CDX line lists; None for a line with no URL or whose timestamp is
        no time (one bad line of a server's answer loses that capture alone, reported)."""
        url, stamp = row.get("url") or row.get("original") or "", row.get("timestamp", "")
        if not isinstance(url, str) or not isinstance(stamp, str) or not url or not stamp:
            return None
        try:
            when = capture_time(stamp)
        except (ValueError, OverflowError):
            return None
        status = str(row.get("status") or row.get("statuscode") or "")
        return ArchiveCapture(
            url=url, site_url=site_url(url, self.start_url), when=when,
            date=when.strftime("%Y-%m-%dT%H:%M:%SZ"),
            status=int(status) if status.isdigit() else 200,
            headers={"content-type": row.get("mime") or row.get("mimetype") or ""},
            file=None, offset=-1, origin="CDX " + json.dumps(row, sort_keys=True),
            fetch=self.fetch)

    def fetch(self, capture: ArchiveCapture) -> None:
        """Make ``capture`` a capture of the cache WARC (fetching it from the replay)."""
        line = json.loads(capture.origin[4:])
        key = (line.get("url") or line.get("original"), line["timestamp"])
        cached = self._fetched.get(key)
        if cached is None:
            cached = self._store(capture, line)
            self._fetched[key] = cached
        capture.offset, capture.status, capture.headers = cached
        capture.file, capture.fetch = self.warc, None

    def _store(self, capture: ArchiveCapture, line: dict[str, str]) -> _Cached:
        stamp = line["timestamp"]
        status, headers, body = self._replayed(capture, stamp)
        kept = [(k, self._unrewrite(v) if k.lower() == "location" else v)
                for k, v in headers if k.lower() not in DROPPED_HEADERS]
        kept = [(k[len(ORIGINAL):] if k.lower().startswith(ORIGINAL) else k, v)
                for k, v in kept]
        offset = self.warc.stat().st_size if self.warc.is_file() else 0
        with open(self.warc, "ab") as out:
            writer = WARCWriter(out, gzip=True, warc_version="1.1")
            writer.write_record(writer.create_warc_record(
                capture.url, "response", payload=BytesIO(body),
                http_headers=StatusAndHeaders(_status_line(status), kept, protocol="HTTP/1.1"),
                warc_headers_dict={"WARC-Date": capture.date,
                                   IMPORTED_FROM: capture.origin}))
        return offset, status, {k.lower(): v for k, v in kept}

    def _replayed(self, capture: ArchiveCapture, stamp: str
                  ) -> tuple[int, list[tuple[str, str]], bytes]:
        """The capture from the replay in ``id_`` mode. A redirect the replay makes to its
        own nearest capture of a capture listed as no redirect is followed (at most
        ``MAX_REPLAY_HOPS``); a capture of a redirect is the archived redirect itself."""
        url = f"{self.replay}/{stamp}id_/{capture.url}"
        for _hop in range(MAX_REPLAY_HOPS):
            status, headers, body = self.client.get(url)
            self.fetched += 1
            location = next((v for k, v in headers if k.lower() == "location"), "")
            if not (300 <= status < 400 and capture.status < 300 and location):
                break
            url = urljoin(url, location)
        if status >= 400 and capture.status < 400:
            raise CdxError(f"{self.replay}: the replay answered HTTP {status} for "
                           f"{capture.url} at {stamp}, which the CDX server lists as "
                           f"{capture.status}")
        return status, headers, body

    def _unrewrite(self, location: str) -> str:
        """A replay's Location (``PREFIX/TSid_/URL``) back to the archived URL."""
        if location.startswith(self.replay) or location.startswith(urlsplit(self.replay).path):
            tail = location.split("id_/", 1)
            if len(tail) == 2:
                return tail[1]
        return location


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"
