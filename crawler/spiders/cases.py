"""The ``cases`` spider: navigates the case list and the cases, nothing else.

Every response is handed to the crawl's archive (``casearchive.crawler.pipeline``, in a worker
process),
which parses it and answers what to follow. Each URL is requested once: links are
de-duplicated on their canonical form before a request is built. Each request carries, in
``meta["link_role"]``, the evidence its link gives ("list", "case link", "pager", "nav"; see
``casearchive.crawler.discovery``): the archive decides on it whether the response is a case page,
and
the report what losing it means.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from ..extension import CrawlExtension, extension_of
from ..messages import PageMessage, Requisite, Verdict
from ..middlewares import REQUISITE
from ..options import CrawlOptions, OptionsError, redact
from ..reasons import Reason, describe
from ..settings import for_options
from ..skipped import Skipped
from ..urls import canonical_url, case_key

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from ..worker import PipelineProcess

log = logging.getLogger(__name__)

#: Link roles in the order a verdict's links are followed: the stronger evidence claims a
#: URL first when one page links it twice.
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
        self.seen: set[str] = set()
        self.requested = 0
        self.case_keys: set[str] = set()
        """Case keys of the case links requested so far (for ``--max-cases``)."""

    @property
    def extension(self) -> CrawlExtension | None:
        """The crawl's extension (``extension_of``): it stops the crawl."""
        return extension_of(getattr(self, "crawler", None))

    @property
    def pipeline(self) -> PipelineProcess | None:
        """The crawl's page pipeline, once open (``CrawlExtension.open_pipeline``)."""
        extension = self.extension
        return extension.open_pipeline if extension is not None else None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> CasesSpider:
        """Options become Scrapy settings at spider priority: ``-s`` flags still win."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.settings.update(for_options(spider.options), priority="spider")
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for request in self._follow([self.options.start_url], "list"):
            yield request

    def _follow(
        self, urls: Iterable[str], link: str, referer: str | None = None
    ) -> Iterator[scrapy.Request]:
        """Requests for the new ``urls``; ``link`` is the evidence they were linked with (meta
        ``link_role``): "list" (list pagination), "case link", "pager" or "nav", which decides
        whether the response can be a case page and what losing it means."""
        for url in urls:
            url = urldefrag(url)[0]
            canon = canonical_url(url, self.rules)
            if canon in self.seen:
                continue
            if self._over_budget(url, link):
                return
            self.seen.add(canon)
            self.requested += 1
            yield self._request(url, link, referer)

    def _refetch(self, pages: Iterable[tuple[str, str]], referer: str
                 ) -> Iterator[scrapy.Request]:
        """Requests for pages skipped under a weaker role than a later link gives them
        (``Verdict.refetch``), past the duplicate filter: fetched again under that role."""
        for url, link in pages:
            if self._over_budget(url, link):
                return
            self.requested += 1
            yield self._request(url, link, referer, again=True)

    def _request(self, url: str, link: str, referer: str | None, again: bool = False
                 ) -> scrapy.Request:
        callback = self.parse_list if link == "list" else self.parse_case
        return scrapy.Request(url, callback=callback, errback=self.failed, dont_filter=again,
                              meta={"link_role": link, "referer": referer})

    def _over_budget(self, url: str, link: str) -> bool:
        """Whether requesting ``url`` would exceed ``--max-pages`` or ``--max-cases`` (the
        crawl is then stopped: a snapshot of part of the site is no snapshot)."""
        if self.requested >= self.options.max_pages:
            self._stop_for_budget(f"--max-pages {self.options.max_pages}")
            return True
        if link == "case link" and self.options.max_cases is not None:
            key = case_key(url, self.rules)
            if key not in self.case_keys and len(self.case_keys) >= self.options.max_cases:
                self._stop_for_budget(f"--max-cases {self.options.max_cases}")
                return True
            self.case_keys.add(key)
        return False

    def _stop_for_budget(self, which: str) -> None:
        if self.extension is not None:
            # Counted as queued, not as sent: a trap's links fill the budget before most
            # of them are fetched, which is the point of the budget.
            self.extension.stop("budget_exceeded", f"the budget {which} was reached: "
                                f"{self.requested} requests queued")

    async def _hand_over(self, response: Response, role: str) -> Verdict:
        self.seen.add(canonical_url(response.url, self.rules))
        redirects = response.meta.get("redirect_urls") or []
        pipeline = self.pipeline
        if pipeline is None:  # the crawl is stopping before the archive opened
            return Verdict(skipped="the archive is not open")
        for source in redirects:
            self.seen.add(canonical_url(source, self.rules))
            pipeline.add_alias(source, response.url)
        try:
            return await pipeline.handle_page(self._message(response, role, redirects))
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
            link_role=response.meta.get("link_role"),
            referer=response.meta.get("referer"),
            redirects=list(redirects),
        )

    def _requisites(self, urls: Iterable[str]) -> Iterator[scrapy.Request]:
        """One request per requisite not requested before (by canonical URL), into the WARC
        only: its callback never parses it."""
        for url in urls:
            url = urldefrag(url)[0]
            canon = canonical_url(url, self.rules)
            if canon in self.seen:
                continue
            self.seen.add(canon)
            yield scrapy.Request(url, callback=self.requisite_fetched,
                                 errback=self.requisite_failed,
                                 meta={REQUISITE: True, "requisite_url": url})

    def requisite_fetched(self, response: Response) -> None:
        """A requisite is in the WARC: tell the archive what it was (for the figures)."""
        ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        self._count("requisites_fetched")
        self._report_requisite(Requisite(
            url=response.meta.get("requisite_url", response.url),
            media_type=ctype.split(";")[0].strip().lower() or None,
            sha256=hashlib.sha256(response.body).hexdigest(),
            warc_record_id=response.meta.get("warc_record_id"),
        ))

    def requisite_failed(self, failure: Failure) -> None:
        """A requisite that could not be fetched is a warning, never a failed case."""
        request = failure.request  # type: ignore[attr-defined]
        assert failure.value is not None, "a Failure always holds its exception"
        reason = describe(failure.value, self.options.max_size_mib,
                          self.settings.getint("REDIRECT_MAX_TIMES")).text
        log.warning("page requisite not archived: %s (%s)", request.url, reason)
        self._count("requisites_failed")
        self._report_requisite(Requisite(url=request.meta.get("requisite_url", request.url),
                                         error=reason))

    def _report_requisite(self, requisite: Requisite) -> None:
        if self.pipeline is not None:
            self.pipeline.add_requisite(requisite)

    def _count(self, name: str) -> None:
        stats = getattr(getattr(self, "crawler", None), "stats", None)
        if stats is not None:
            stats.inc_value(f"casearchive/{name}")

    async def parse_list(self, response: Response) -> AsyncIterator[scrapy.Request]:
        verdict = await self._hand_over(response, "list")
        for request in self._next(verdict, response.url):
            yield request
        for request in self._requisites(verdict.requisites):
            yield request

    async def parse_case(self, response: Response) -> AsyncIterator[scrapy.Request]:
        verdict = await self._hand_over(response, response.meta.get("link_role") or "case link")
        for request in self._next(verdict, response.url):
            yield request
        for request in self._requisites(verdict.requisites):
            yield request

    def _next(self, verdict: Verdict, referer: str) -> Iterator[scrapy.Request]:
        """Adopt what the page taught about URL identity, then follow its links by role."""
        if verdict.fold_case or verdict.page_bases is not None:
            rules = self.options.url_rules(True) if verdict.fold_case else self.rules
            self.rules = replace(rules, page_bases=verdict.page_bases or rules.page_bases)
            self.seen = {canonical_url(url, self.rules) for url in self.seen}
        self.seen.update(canonical_url(url, self.rules) for url in verdict.aliases)
        for attribute, link in FOLLOW_ORDER:
            yield from self._follow(getattr(verdict, attribute), link, referer)
        yield from self._refetch(verdict.refetch, referer)

    def lost(self, request: scrapy.Request, reason: str, status: int | None = None,
             failed: bool = True) -> Skipped:
        """The record of a request that produced no page, under the URL it was linked as."""
        url = (request.meta.get("redirect_urls") or [request.url])[0]
        return Skipped(redact(url), reason, status, failed=failed,
                       referer=request.meta.get("referer"),
                       role=request.meta.get("link_role", "list"))

    def failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        assert failure.value is not None, "a Failure always holds its exception"
        reason = describe(failure.value, self.options.max_size_mib,
                          self.settings.getint("REDIRECT_MAX_TIMES"))
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if len({canonical_url(u, self.rules) for u in chain}) < len(chain):
            reason = Reason("redirect loop", True)  # a loop the duplicate filter let through
        item = self.lost(request, reason.text, reason.status, reason.failed)
        if item.url == redact(self.options.start_url) and self.extension is not None:
            verb = "fetch" if reason.status or not reason.failed else "reach"
            self.extension.stop("fatal", f"cannot {verb} {item.url}: {reason.text}")
        if self.pipeline is not None:
            self.pipeline.handle_skipped(item)
