"""The ``cases`` spider: navigates the case list and the cases, nothing else.

Every response is handed to the crawl's archive (``crawler.archive``, in a worker process),
which parses it and answers what to follow. Each URL is requested once: links are
de-duplicated on their canonical form before a request is built. Each request carries, in
``meta["role"]``, the evidence its link gives ("list", "case link", "pager", "nav"; see
``crawler.discovery``); the archive decides on it whether the response is a case page.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urldefrag, urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from ..items import Skipped
from ..messages import PageMessage, Verdict
from ..options import CrawlOptions, OptionsError
from ..settings import for_options
from ..urls import canonical_url

#: Roles in the order a verdict's links are followed: the stronger evidence claims a URL
#: first when one page links it twice.
FOLLOW_ORDER = (("lists", "list"), ("pager", "pager"), ("candidates", "case link"),
                ("nav", "nav"))


def utc_now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


class CasesSpider(scrapy.Spider):
    name = "cases"

    def __init__(
        self, start_url: str | None = None, options: CrawlOptions | None = None, **kwargs: Any
    ) -> None:
        super().__init__(name=self.name)
        if options is None:
            if not start_url:
                raise OptionsError("the cases spider needs -a start_url=URL")
            options = CrawlOptions(start_url=start_url).with_overrides(kwargs)
        self.options = options
        self.rules = options.url_rules()
        self.host = urlsplit(options.start_url).netloc.lower()
        self.seen: set[str] = set()
        self.archive = None  # set by crawler.extension.ArchiveExtension when the spider opens

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> CasesSpider:
        """Options become Scrapy settings at spider priority: ``-s`` flags still win."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.settings.update(for_options(spider.options), priority="spider")
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for request in self._follow([self.options.start_url], "list"):
            yield request

    def _follow(self, urls: Iterable[str], role: str) -> Iterator[scrapy.Request]:
        for url in urls:
            url = urldefrag(url)[0]
            canon = canonical_url(url, self.rules)
            if canon in self.seen:
                continue
            self.seen.add(canon)
            callback = self.parse_list if role == "list" else self.parse_case
            yield scrapy.Request(url, callback=callback, errback=self.failed,
                                 meta={"role": role})

    async def _hand_over(self, response: Response, role: str) -> Verdict:
        self.seen.add(canonical_url(response.url, self.rules))
        redirects = response.meta.get("redirect_urls") or []
        for source in redirects:
            self.seen.add(canonical_url(source, self.rules))
            self.archive.add_alias(source, response.url)
        try:
            return await self.archive.handle_page(self._message(response, role, redirects))
        except RuntimeError as exc:  # the archive worker is gone; the crawl is stopping
            return Verdict(skipped=str(exc))

    def _message(self, response: Response, role: str, redirects: list[str]) -> PageMessage:
        headers = {
            k.decode("latin-1"): v[0].decode("latin-1") for k, v in response.headers.items() if v
        }
        return PageMessage(
            role=role,
            url=response.url,
            request_url=(redirects or [response.url])[0],
            status=response.status,
            headers=headers,
            body=response.body,
            fetched_at=response.meta.get("warc_date") or utc_now_iso(),
            warc_record_id=response.meta.get("warc_record_id"),
            redirects=list(redirects),
        )

    async def parse_list(self, response: Response) -> AsyncIterator[scrapy.Request]:
        for request in self._next(await self._hand_over(response, "list")):
            yield request

    async def parse_case(self, response: Response) -> AsyncIterator[scrapy.Request]:
        verdict = await self._hand_over(response, response.meta.get("role", "case link"))
        for request in self._next(verdict):
            yield request

    def _next(self, verdict: Verdict) -> Iterator[scrapy.Request]:
        """Adopt what the page taught about URL identity, then follow its links by role."""
        if verdict.fold_case or verdict.page_bases is not None:
            rules = self.options.url_rules(True) if verdict.fold_case else self.rules
            self.rules = replace(rules, page_bases=verdict.page_bases or rules.page_bases)
            self.seen = {canonical_url(url, self.rules) for url in self.seen}
        self.seen.update(canonical_url(url, self.rules) for url in verdict.aliases)
        for attribute, role in FOLLOW_ORDER:
            yield from self._follow(getattr(verdict, attribute), role)

    def failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        referer = request.headers.get(b"Referer", b"").decode("latin-1") or None
        if failure.check(HttpError):
            status = failure.value.response.status
            item = Skipped(request.url, f"HTTP {status}", status, failed=True, referer=referer)
        elif failure.check(IgnoreRequest):  # a policy said no: robots.txt, scope
            message = str(failure.value)
            reason = "forbidden by robots.txt" if "robots.txt" in message else message
            item = Skipped(request.url, reason.split(": ")[0], None, referer=referer)
        else:
            reason = f"{failure.value.__class__.__name__}: {failure.value}".rstrip(": ")
            item = Skipped(request.url, reason, None, failed=True, referer=referer)
        if item.failed and request.meta.get("role") == "nav":
            # A dead navigation link is no missing case page: reported, not a failure.
            item = Skipped(request.url, f"{item.reason} (site navigation link)", item.status,
                           referer=referer)
        if self.archive is not None:
            self.archive.handle_skipped(item)
