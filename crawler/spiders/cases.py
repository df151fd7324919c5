"""The ``cases`` spider: navigates the case list and the cases, nothing else.

Every response goes to ``parsers.page.parse_page``; what the page is (list, case, neither)
and which of its links to follow is decided by ``crawler.discovery``. Each URL is requested
once: links are de-duplicated on their canonical form before a request is built.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urldefrag

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from parsers.page import parse_page
from parsers.records import PageRecord

from ..assembly import FetchedPage
from ..discovery import Scope
from ..items import Skipped
from ..options import CrawlOptions, OptionsError
from ..urls import canonical_url

HTML_TYPES = ("text/html", "application/xhtml+xml")


def utc_now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


class CasesSpider(scrapy.Spider):
    name = "cases"

    def __init__(self, start_url: str | None = None, options: CrawlOptions | None = None,
                 **kwargs: Any) -> None:
        known = {k: v for k, v in kwargs.items() if k not in ("_job",)}
        super().__init__(name=self.name)
        if options is None:
            if not start_url:
                raise OptionsError("the cases spider needs -a start_url=URL")
            options = CrawlOptions(start_url=start_url).with_overrides(known)
        self.options = options
        self.scope = Scope(options.start_url, options.url_rules, options.list_regex)
        self.seen: set[str] = set()
        self.archive = None  # set by crawler.pipelines.ArchivePipeline when it opens

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for request in self._follow([self.options.start_url], self.parse_list):
            yield request

    def _follow(self, urls: list[str], callback) -> Iterator[scrapy.Request]:
        for url in urls:
            url = urldefrag(url)[0]
            canon = canonical_url(url, self.options.url_rules)
            if canon in self.seen:
                continue
            self.seen.add(canon)
            if callback is not self.parse_list and self.scope.is_list_url(url):
                callback = self.parse_list
            yield scrapy.Request(url, callback=callback, errback=self.failed)

    def _parse(self, response: Response) -> PageRecord | Skipped:
        self.seen.add(canonical_url(response.url, self.options.url_rules))
        ctype = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
        if ctype and not ctype.startswith(HTML_TYPES):
            return Skipped(response.url, f"not HTML ({ctype.split(';')[0]})", response.status)
        headers = {
            k.decode("latin-1"): v[0].decode("latin-1") for k, v in response.headers.items() if v
        }
        return parse_page(response.body, response.url, headers)

    def parse_list(self, response: Response) -> Iterator[Any]:
        record = self._parse(response)
        if isinstance(record, Skipped):
            yield record
            return
        pagination, candidates = self.scope.list_links(record.links)
        yield from self._follow(pagination, self.parse_list)
        yield from self._follow(candidates, self.parse_case)

    def parse_case(self, response: Response) -> Iterator[Any]:
        record = self._parse(response)
        if isinstance(record, Skipped):
            yield record
            return
        if not record.is_case_page:
            yield Skipped(response.url, record.skip_reason or "not a case page", response.status)
            return
        request_url = (response.meta.get("redirect_urls") or [response.url])[0]
        yield FetchedPage.build(
            record,
            response.body,
            request_url=request_url,
            pager_urls=self.scope.pager_links(response.url, record.links),
            status=response.status,
            fetched_at=response.meta.get("warc_date") or utc_now_iso(),
            warc_record_id=response.meta.get("warc_record_id"),
        )
        links = [link.url for link in record.links if self.scope.allows(link.url)]
        yield from self._follow(links, self.parse_case)

    def failed(self, failure: Failure) -> Iterator[Skipped]:
        request = failure.request  # type: ignore[attr-defined]
        if failure.check(HttpError):
            status = failure.value.response.status
            yield Skipped(request.url, f"HTTP {status}", status, failed=True)
            return
        referer = request.headers.get(b"Referer", b"").decode("latin-1") or None
        if failure.check(IgnoreRequest) and "robots.txt" in str(failure.value).lower():
            yield Skipped(request.url, "forbidden by robots.txt", None, referer=referer)
            return
        reason = f"{failure.value.__class__.__name__}: {failure.value}".rstrip(": ")
        yield Skipped(request.url, reason, None, failed=True, referer=referer)
