"""``crawl --resume``: continue an interrupted crawl without fetching again what it archived.

The interrupted crawl's WARC is its journal. A crawl stopped by SIGTERM or SIGINT keeps its
temporary snapshot (``OUT/.tmp-<id>-<pid>-<random>``: the worker *suspends* instead of
dropping it); one killed outright (SIGKILL, power loss) leaves it behind as it was.
``crawl --resume`` adopts the newest such directory (``exports.snapshot.resumable``; same
snapshot id and start time) and, before the new WARC is opened in it, renames the WARC
written so far to ``resume-N.warc.gz`` (``retire_warc``; a resume interrupted in turn adds
the next N). The crawl then starts over from the start URL, but ``ReplayMiddleware``, the
downloader middleware closest to the network, answers every request whose final response
(not a 5xx or 429, which would be retried) is in a journal from that record instead of the
network. The replayed responses go through the same pipeline as fetched ones: the WARC
middleware writes them into the new WARC, the worker parses, assembles and spools them
again, so the archive's own state (spooled pages and rows, open cases, the report) is
rebuilt exactly, and the snapshot equals an uninterrupted crawl's; the server sees no
request for a page already archived. A record the kill cut short is fetched again. The
journals are removed before the snapshot's files are checksummed (``drop_journals``).

Without ``--resume`` nothing is replayed and the leftovers are removed, as always.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.http.headers import Headers
from scrapy.responsetypes import responsetypes

from .extension import extension_of
from .middlewares import _options as crawl_options
from .warc import WARC_ERRORS, WARC_NAME, ArchivedResponse, iter_responses, read_body

log = logging.getLogger(__name__)

JOURNAL_GLOB = "resume-*.warc.gz"
#: Statuses a crawl retries: not final answers, so never replayed.
RETRIED = frozenset({429}) | frozenset(range(500, 600))
#: Headers that describe the wire encoding of the journal's record, not the decoded body
#: the replay hands on.
WIRE_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})


def retire_warc(tmp_path: Path) -> None:
    """Rename an adopted snapshot's ``pages.warc.gz`` to the next ``resume-N.warc.gz``."""
    warc = tmp_path / WARC_NAME
    if warc.exists():
        n = len(list(tmp_path.glob(JOURNAL_GLOB))) + 1
        warc.rename(tmp_path / f"resume-{n}.warc.gz")


def drop_journals(tmp_path: Path) -> None:
    """Remove the journals (before the worker checksums the snapshot's files)."""
    for journal in tmp_path.glob(JOURNAL_GLOB):
        journal.unlink(missing_ok=True)


@dataclass(frozen=True, slots=True)
class Entry:
    journal: Path
    response: ArchivedResponse


def index_journals(tmp_path: Path) -> dict[str, Entry]:
    """URL -> its last final response in the journals (later journals win). A journal that
    breaks off (the kill cut its last record) is read up to the break."""
    index: dict[str, Entry] = {}
    for journal in sorted(tmp_path.glob(JOURNAL_GLOB), key=lambda p: int(p.name[7:-8])):
        try:
            for response in iter_responses(journal):
                if response.status not in RETRIED:
                    index[response.url] = Entry(journal, response)
        except WARC_ERRORS as exc:
            log.info("journal %s ends in a damaged record (%s); read up to it", journal.name,
                     type(exc).__name__)
    return index


class ReplayMiddleware:
    """Answers requests from the interrupted crawl's journals (``--resume`` only)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._index: dict[str, Entry] | None = None
        self.replayed = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReplayMiddleware:
        return cls(crawler)

    def _journals(self) -> dict[str, Entry]:
        if self._index is None:
            extension = extension_of(self.crawler)
            archive = extension.open_archive if extension is not None else None
            tmp_path = archive.tmp_path if archive is not None else None
            if tmp_path is None:
                return {}
            self._index = index_journals(tmp_path)
            log.info("resuming: %d archived responses to replay", len(self._index))
        return self._index

    def process_request(self, request: Request) -> Response | None:
        if self.crawler.spider is None or request.method != "GET":
            return None
        options = crawl_options(self.crawler)
        if not options.resume:
            return None
        entry = self._journals().get(request.url)
        if entry is None:
            return None
        limit = options.max_size_mib * 1024 * 1024
        try:
            with open(entry.journal, "rb") as fh:
                body = read_body(fh, entry.response, limit)
        except WARC_ERRORS:
            body = None
        if body is None:  # cut short by the kill, or over the size limit: fetch it
            return None
        self.replayed += 1
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("casearchive/replayed")
        headers = Headers({k: v for k, v in entry.response.headers.items()
                           if k not in WIRE_HEADERS})
        cls = responsetypes.from_args(headers=headers, url=request.url, body=body)
        return cls(url=request.url, status=entry.response.status, headers=headers, body=body,
                   request=request)
