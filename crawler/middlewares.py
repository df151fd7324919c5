"""Downloader middlewares: the raw WARC archive, strict scope, robots.txt per RFC 9309, cheap
meta refreshes, and retries that back off."""

from __future__ import annotations

import asyncio
import logging
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.httpcompression import (
    ACCEPTED_ENCODINGS,
    HttpCompressionMiddleware,
)
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from twisted.internet.defer import Deferred

from casearchive.exports.files import LATEST

from .codings import SAMPLE, coded_sample, stream_problem
from .discovery import NON_HTML
from .extension import extension_of
from .messages import PAYLOAD_SNAPSHOTS_STAT, REVISITS_STAT
from .options import CrawlOptions, has_credentials, origin_of, redact
from .reasons import BrokenBody, OutOfScope, describe
from .warc import (
    WARC_ERRORS,
    WARC_NAME,
    Capture,
    Exchange,
    PayloadStore,
    payload_digest,
    previous_captures,
    read_payload,
    store_for,
    warc_error_text,
)

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.settings import BaseSettings

log = logging.getLogger(__name__)

#: Request meta key of a page requisite (an image, stylesheet or script): fetched although
#: not HTML, never parsed.
REQUISITE = "casearchive_requisite"


class WarcMiddleware:
    """Archives every response as the downloader delivered it (order 950: before redirects,
    retries and decompression), and tags the request with the response's WARC record id."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        extension = extension_of(self.crawler)
        pipeline = extension.open_pipeline if extension is not None else None
        if pipeline is None:
            return response
        exchange = Exchange(
            url=response.url,
            method=request.method,
            request_headers=_header_list(request.headers),
            status=response.status,
            response_headers=_header_list(response.headers),
            body=response.body,
            revisit_of=_revisited(request, response),
        )
        pipeline.record_exchange(exchange)
        if exchange.revisit_of is not None and self.crawler.stats is not None:
            held = set(self.crawler.stats.get_value(PAYLOAD_SNAPSHOTS_STAT) or ())
            self.crawler.stats.set_value(PAYLOAD_SNAPSHOTS_STAT,
                                         sorted(held | {exchange.revisit_of.snapshot_id}))
            self.crawler.stats.inc_value(REVISITS_STAT)
        request.meta["warc_record_id"] = exchange.record_id
        request.meta["warc_date"] = exchange.date
        return response


#: Request meta key: the previous snapshot's capture of the URL a conditional request
#: revalidates (``RevalidationMiddleware``).
PREVIOUS = "casearchive_previous"
#: Conditional request headers, from a capture's ``ETag`` and ``Last-Modified``.
CONDITIONAL = (b"If-None-Match", b"If-Modified-Since")


def _revisited(request: Request, response: Response) -> Capture | None:
    """The earlier capture a response repeats: a 304 to our conditional request, or an
    answer with the capture's status (200, or a 404 or 410) and payload digest."""
    capture: Capture | None = request.meta.get(PREVIOUS)
    if capture is None or capture.url != response.url:
        return None
    if response.status == 304:
        return capture
    same = (response.status == capture.status
            and payload_digest(response.body) == capture.payload_digest)
    return capture if same else None


class RevalidationMiddleware:
    """Incremental crawling: each URL the previous snapshot (``OUT/latest``) captured with
    status 200 is requested with ``If-None-Match``/``If-Modified-Since`` from that capture's
    validators (order 840, inside Scrapy's download statistics, so a 304 is counted as one).
    A 304 is answered from the previous payload (a 200 with the original headers and body,
    flagged ``revalidated``), so it is parsed like a fresh page; ``WarcMiddleware`` records
    it as a revisit. ``--full`` turns this off. A previous WARC that cannot be read means a
    full crawl, with a warning."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._captures: dict[str, Capture] | None = None
        self._store: PayloadStore | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RevalidationMiddleware:
        return cls(crawler)

    def captures(self) -> dict[str, Capture]:
        if self._captures is None:
            self._captures = {}
            options = getattr(self.crawler.spider, "options", None)
            previous = options.out_dir / LATEST if options is not None else None
            if options is None or options.full or previous is None or not previous.is_dir():
                return self._captures
            self._store = store_for(previous / WARC_NAME)
            try:
                self._captures = previous_captures(previous)
            except WARC_ERRORS as exc:
                log.warning("the previous snapshot's WARC cannot be read (%s); crawling in "
                            "full", warc_error_text(exc))
        return self._captures

    def process_request(self, request: Request) -> None:
        for name in CONDITIONAL:  # a redirect's or retry's copy carries the original's
            request.headers.pop(name, None)
        request.meta.pop(PREVIOUS, None)
        capture = self.captures().get(request.url) if request.method == "GET" else None
        if capture is None:
            return None
        request.meta[PREVIOUS] = capture  # without validators: a revisit if the digest matches
        if capture.status != 200:  # an error is compared by its digest, never revalidated
            return None
        if capture.etag:
            request.headers[b"If-None-Match"] = capture.etag
        if capture.last_modified:
            request.headers[b"If-Modified-Since"] = capture.last_modified
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        capture: Capture | None = request.meta.get(PREVIOUS)
        if response.status != 304 or capture is None or self._store is None:
            return response
        try:
            original = self._store.find(capture.snapshot_id, capture.record_id)
            body = read_payload(original, _options(self.crawler).max_size_mib << 20)
        except WARC_ERRORS as exc:
            log.warning("%s: 304, but the previous payload cannot be read (%s)",
                        response.url, warc_error_text(exc))
            return response
        if body is None:
            return response
        headers = Headers({k: v for k, v in original.headers.items()
                           if k not in ("content-encoding", "transfer-encoding",
                                        "content-length")})
        cls = responsetypes.from_args(headers=headers, url=response.url, body=body)
        return cls(url=response.url, status=200, headers=headers, body=body, request=request,
                   flags=[*response.flags, "revalidated"])


#: Longest URL requested. Scrapy's own limit (``URLLENGTH_LIMIT``) drops links silently; ours
#: refuses them with a reason the summary shows. 2083 is the classic IIS/Internet Explorer limit.
MAX_URL_LENGTH = 2083


class ScopeMiddleware:
    """Refuses, before anything else sees a request (robots.txt included: order 40), any
    request off the start URL's origin (scheme, host and port; ``--allow-origin`` adds
    others), redirects and meta refreshes included, any URL longer than ``MAX_URL_LENGTH``
    and any resource that is never HTML by its URL."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._origins: frozenset[str] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ScopeMiddleware:
        return cls(crawler)

    def origins(self) -> frozenset[str]:
        if self._origins is None:
            options = _options(self.crawler)
            self._origins = frozenset(
                {origin_of(options.start_url), *map(origin_of, options.allow_origin)}
            )
        return self._origins

    def process_request(self, request: Request) -> None:
        if getattr(self.crawler.spider, "options", None) is None:
            return None
        redirected = bool(request.meta.get("redirect_urls"))
        target = origin_of(request.url)
        if target not in self.origins():
            shown = redact(request.url)
            if redirected:
                raise OutOfScope(f"redirected to another origin ({shown})", lost=True)
            raise OutOfScope(f"another origin ({target or shown})", lost=True)
        if has_credentials(request.url):
            raise OutOfScope("the URL holds a user name or password", lost=True)
        if len(request.url) > MAX_URL_LENGTH:
            raise OutOfScope(f"URL longer than {MAX_URL_LENGTH} characters", lost=True)
        robots = request.meta.get("dont_obey_robotstxt") and request.url.endswith("/robots.txt")
        requisite = request.meta.get(REQUISITE)
        if NON_HTML.search(urlsplit(request.url).path) and not robots and not requisite:
            raise OutOfScope("not HTML by its URL", lost=redirected)
        return None


def _options(crawler: Crawler) -> CrawlOptions:
    """The crawl's options, held by its spider (``CasesSpider``)."""
    options: CrawlOptions = getattr(crawler.spider, "options")  # noqa: B009 - typed here
    return options


class RobotsUnavailable:
    """The parser for a robots.txt that answered 5xx or could not be fetched: RFC 9309
    section 2.3.1.4 says to assume a complete disallow."""

    def allowed(self, url: str, user_agent: str | bytes) -> bool:
        return False


class StrictRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt handling, per RFC 9309: a 4xx (or an empty file) allows all; a
    5xx after retries, or no answer at all, disallows all and stops the crawl (exit 1)."""

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if response.status >= 500:
            self._unavailable(netloc, f"{response.url}: HTTP {response.status} after retries")
            return
        if 400 <= response.status < 500:
            response = response.replace(body=b"")
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        options = _options(self.crawler)
        reason = describe(exc, options.max_size_mib,
                          self.crawler.settings.getint("REDIRECT_MAX_TIMES")).text
        scheme = urlsplit(options.start_url).scheme
        self._unavailable(netloc, f"cannot reach {scheme}://{netloc}/robots.txt: {reason}")

    def _unavailable(self, netloc: str, what: str) -> None:
        waiting = self._parsers.get(netloc)
        parser: Any = RobotsUnavailable()  # Scrapy's RobotParser protocol: allowed() only
        self._parsers[netloc] = parser
        if isinstance(waiting, Deferred):
            waiting.callback(parser)
        extension = extension_of(self.crawler)
        if extension is not None:
            extension.stop("fatal", f"{what}; robots.txt unavailable means the whole site is "
                                    "disallowed (RFC 9309); use --ignore-robots only with the "
                                    "site owner's consent")


#: A charset parameter of a Content-Type header.
_CHARSET = re.compile(rb"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)


@lru_cache(maxsize=64)
def _ascii_compatible(charset: str) -> bool:
    """Whether ASCII text (like "refresh") has the same bytes in ``charset``."""
    try:
        return "refresh".encode(charset) == b"refresh"
    except (LookupError, ValueError):
        return True  # unknown to Python: Scrapy would read it as ASCII-compatible too


def _byte_search_blind(response: Response) -> bool:
    """Bodies an ASCII byte search cannot see into: UTF-16/32 (BOM or not, they hold NUL
    bytes), ISO-2022 (escape sequences), or a declared charset such as EBCDIC."""
    head = response.body[:4096]
    if b"\x00" in head or b"\x1b" in head:
        return True
    declared = _CHARSET.search(response.headers.get(b"Content-Type") or b"")
    return declared is not None and not _ascii_compatible(declared.group(1).decode("latin-1"))


class CheapMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's meta-refresh redirects, without decoding every page to look for one.

    Scrapy's own middleware decodes each HTML body (with charset detection when none is
    declared) before searching it: ~0.7 ms a 20 KB page in Scrapy's process, a third of its
    work per page. A byte search (~6 µs) rules out almost every page first; the rest go to Scrapy.
    """

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        if b"refresh" not in response.body.lower() and not _byte_search_blind(response):
            return response
        return super().process_response(request, response)


def _header_list(headers: Headers) -> list[tuple[str, str]]:
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        for value in values
    ]


@lru_cache(maxsize=1)
def decodable_codings() -> tuple[bytes, ...]:
    """The content codings Scrapy offers (``Accept-Encoding``) that it can decode here.
    Scrapy offers ``br`` whenever a module named ``brotli`` imports, but two packages
    install one: Brotli, whose API Scrapy uses, and brotlipy (pywb, a test dependency,
    brings it), whose decoder lacks it: with brotlipy, every page a server sent as ``br``
    was lost (``download failed``). Each coding is tried once on a sample."""
    return tuple(coding for coding in ACCEPTED_ENCODINGS if _decodes(coding))


def _decodes(coding: bytes) -> bool:
    try:
        sample = coded_sample(coding)
        return sample is not None and HttpCompressionMiddleware._decode(
            sample, coding, 0) == SAMPLE
    except Exception:  # noqa: BLE001  any failure: the coding is not offered
        return False


class WholeBodyCompressionMiddleware(HttpCompressionMiddleware):
    """Scrapy's decompression (``Content-Encoding``), refusing a stream that is not whole.

    Scrapy keeps what a cut or damaged gzip, deflate or zstd stream gave before it broke
    off, and hands that on as the page: a list cut halfway loses the cases it would have
    listed, silently. Here each stream Scrapy decoded (within the size limit) is checked
    to its end (``codings.stream_problem``) and a broken one raises ``BrokenBody``: the
    page is tried again, as a plain body the connection cut short is, and lost with its
    reason once the retries are spent."""

    crawler: Crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WholeBodyCompressionMiddleware:
        middleware = super().from_crawler(crawler)
        middleware.crawler = crawler
        return middleware

    def process_request(self, request: Request, spider: Any = None) -> None:
        """Ask only for the codings this process decodes (``decodable_codings``)."""
        request.headers.setdefault("Accept-Encoding", b", ".join(decodable_codings()))

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        """The decoded response, or a retry of ``request`` (``RETRY_TIMES``, after the
        retries' back-off) when its stream broke off; ``BrokenBody`` once none is left."""
        try:
            return super().process_response(request, response)
        except BrokenBody as broken:
            spider = self.crawler.spider
            retry = None if request.meta.get("dont_retry") or spider is None else (
                get_retry_request(request, spider=spider, reason=broken.reason))
            if retry is None:
                raise
            await back_off(self.crawler.settings, retry)
            return retry

    @staticmethod
    def _decode(body: bytes, encoding: bytes, max_size: int) -> bytes:
        decoded = HttpCompressionMiddleware._decode(body, encoding, max_size)
        problem = stream_problem(body, encoding)
        if problem is not None:
            raise BrokenBody(problem)
        return decoded


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries (5xx, 429, timeouts, dropped connections), waiting
    ``RETRY_BACKOFF_BASE * 2**(attempt-1)`` seconds (capped by ``RETRY_BACKOFF_MAX``) first."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.settings = settings

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        result = super().process_response(request, response)
        await back_off(self.settings, result)
        return result

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        result = super().process_exception(request, exception)
        await back_off(self.settings, result)
        return result


async def back_off(settings: BaseSettings, retry: Request | Response | None) -> None:
    """Before a retry (``retry`` a request), wait ``RETRY_BACKOFF_BASE * 2**(attempt-1)``
    seconds, at most ``RETRY_BACKOFF_MAX``."""
    base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
    if isinstance(retry, Request) and base > 0:
        attempt = retry.meta.get("retry_times", 1)
        await asyncio.sleep(min(base * 2 ** (attempt - 1),
                                settings.getfloat("RETRY_BACKOFF_MAX", 60.0)))
