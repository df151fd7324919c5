"""Page requisites: the images, stylesheets and scripts a page needs to be replayed.

The worker names them (``Verdict.requisites``: same-site URLs a parsed list or case page
references); the spider fetches each once per crawl into the WARC, never parses it as a
page, and reports what it got back (``Requisite``). A requisite that fails is a warning:
it never fails a case or changes the exit code.

``FigureResolver`` fills a case's figures with what the fetch of their image gave (media
type, SHA-256, WARC record id). Images and case pages arrive in any order, so a released
case whose figures wait on an image still being fetched is held back (in memory: only
cases with pending figures) until the image is in, or failed, or the crawl ends.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from warcio.recordloader import ArcWarcRecord

from casearchive.parsers.case import content_hash

from .assembly import Released
from .messages import Requisite
from .options import DOWNLOAD_MAXSIZE
from .warc import (
    REFERS_TO_SNAPSHOT,
    PayloadStore,
    checked_records,
    raising_warcio_errors,
    read_payload,
    store_for,
)


@dataclass(slots=True)
class FigureResolver:
    """Holds released cases until every figure image they show has been fetched or failed."""

    wanted: set[str] = field(default_factory=set)
    """Requisite URLs handed to the spider (only these are ever waited for)."""
    fetched: dict[str, Requisite] = field(default_factory=dict)
    held: list[Released] = field(default_factory=list)

    def want(self, urls: Iterable[str]) -> None:
        self.wanted.update(urls)

    def release(self, entries: Iterable[Released]) -> list[Released]:
        """The entries ready to write now; the others are held."""
        ready: list[Released] = []
        for entry in entries:
            (ready if self._ready(entry) else self.held).append(entry)
        return [self._filled(e) for e in ready]

    def add(self, requisite: Requisite) -> list[Released]:
        """One requisite is in: the held cases it completes."""
        self.fetched[requisite.url] = requisite
        if not self.held:
            return []
        held, self.held = self.held, []
        return self.release(held)

    def flush(self) -> list[Released]:
        """The crawl is over: every held case, with what is known of its images."""
        held, self.held = self.held, []
        return [self._filled(e) for e in held]

    def _ready(self, entry: Released) -> bool:
        return all(f.url not in self.wanted or f.url in self.fetched
                   for f in entry.case.figures or ())

    def _filled(self, entry: Released) -> Released:
        case = entry.case
        if not case.figures:
            return entry
        figures = []
        for figure in case.figures:
            got = self.fetched.get(figure.url)
            figures.append(figure if got is None else replace(
                figure, media_type=got.media_type, sha256=got.sha256,
                warc_record_id=got.warc_record_id))
        case.figures = figures
        case.content_sha256 = content_hash(case)
        return entry


def _earlier_requisite(store: PayloadStore, record: ArcWarcRecord) -> Requisite | None:
    """What a revisit of an earlier snapshot's capture archived, if it is a requisite."""
    headers = record.rec_headers
    original = store.find(headers.get_header(REFERS_TO_SNAPSHOT),
                          headers.get_header("WARC-Refers-To"))
    ctype = original.headers.get("content-type", "").split(";")[0].strip().lower() or None
    if "html" in (ctype or "") or original.status != 200:
        return None
    body = read_payload(original, DOWNLOAD_MAXSIZE)
    if body is None:
        return None
    return Requisite(headers.get_header("WARC-Target-URI"), ctype,
                     hashlib.sha256(body).hexdigest(), headers.get_header("WARC-Record-ID"))


def archived_requisites(warc: Path, canon: Callable[[str], str]) -> dict[str, Requisite]:
    """What a crawl archived of each non-HTML URL of ``warc``, by canonical URL: what
    ``reparse`` tells the archive in place of the spider. A ``revisit`` record stands for
    the payload of the response it refers to."""
    by_uri: dict[str, Requisite] = {}
    revisits: list[tuple[str, str, str, str | None]] = []
    store = store_for(warc)
    with open(warc, "rb") as fh:
        for record, _ in checked_records(fh, offsets=False):
            if record.rec_type not in ("response", "revisit") or record.http_headers is None:
                continue
            headers = record.rec_headers
            uri = headers.get_header("WARC-Target-URI")
            if headers.get_header(REFERS_TO_SNAPSHOT):  # an earlier snapshot's payload
                earlier = _earlier_requisite(store, record)
                if earlier is not None:
                    by_uri[uri] = earlier
                continue
            ctype = (record.http_headers.get_header("Content-Type") or "").split(";")[0]
            ctype = ctype.strip().lower() or None
            if "html" in (ctype or "") or record.http_headers.get_statuscode() != "200":
                continue
            record_id = headers.get_header("WARC-Record-ID")
            if record.rec_type == "revisit":
                revisits.append((uri, headers.get_header("WARC-Refers-To-Target-URI"),
                                 record_id, ctype))
                continue
            with raising_warcio_errors():
                body = record.content_stream().read(DOWNLOAD_MAXSIZE + 1)  # bounded: a bomb stops
            if len(body) > DOWNLOAD_MAXSIZE:
                continue
            sha = hashlib.sha256(body).hexdigest()
            by_uri[uri] = Requisite(uri, ctype, sha, record_id)
    for uri, refers_to, record_id, ctype in revisits:
        first = by_uri.get(refers_to)
        if first is not None:
            by_uri[uri] = Requisite(uri, ctype, first.sha256, record_id)
    return {canon(uri): requisite for uri, requisite in by_uri.items()}
