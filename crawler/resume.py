"""``crawl --resume``: continue an interrupted crawl without fetching again what it archived.

The interrupted crawl's WARC is its journal. A crawl stopped by SIGTERM or SIGINT keeps its
temporary snapshot (``OUT/.tmp-<id>-<pid>-<random>``: the worker *suspends* instead of
dropping it); one killed outright (SIGKILL, power loss) leaves it behind as it was. ``crawl
--resume`` adopts the newest such directory (``casearchive.exports.snapshot.resumable``; same
snapshot
id and start time) and, before the new WARC is opened in it, renames the WARC written so far
to ``resume-N.warc.gz`` (``casearchive.crawler.journal.retire_warc``; a resume interrupted in turn
adds
the next N). The crawl then starts over from the start URL, but ``ReplayMiddleware``, the
downloader middleware closest to the network, answers every request whose final response
(not a 5xx or 429, which would be retried) is in a journal from that record instead of the
network. The replayed responses go through the same pipeline as fetched ones: the WARC
middleware writes them into the new WARC, the worker parses, assembles and spools them
again, so the archive's own state (spooled pages and rows, open cases, the report) is
rebuilt exactly, and the snapshot equals an uninterrupted crawl's; the server sees no
request for a page already archived. A record the kill cut short is fetched again. The
journals are removed before the snapshot's files are checksummed
(``casearchive.crawler.journal.drop_journals``).

Without ``--resume`` nothing is replayed and the leftovers are removed, as always.
"""

from __future__ import annotations

import logging

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.http.headers import Headers
from scrapy.responsetypes import responsetypes

from .extension import extension_of
from .journal import WIRE_HEADERS, Entry, index_journals
from .middlewares import _options as crawl_options
from .warc import WARC_ERRORS, read_body

log = logging.getLogger(__name__)

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
            pipeline = extension.open_pipeline if extension is not None else None
            tmp_path = pipeline.tmp_path if pipeline is not None else None
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
