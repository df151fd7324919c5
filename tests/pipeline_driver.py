"""Drive the crawl's page pipeline in-process, as the spider would: one response at a time,
each URL under the role of the first link to it (``FOLLOW_ORDER``)."""

from __future__ import annotations

from casearchive.crawler.messages import PageMessage, Verdict
from casearchive.crawler.pipeline import PagePipeline
from casearchive.crawler.spiders.cases import FOLLOW_ORDER
from casearchive.crawler.urls import canonical_url


def take(pipeline: PagePipeline, roles: dict[str, str], url: str, body: bytes,
         fetched_at: str = "2026-12-06T00:00:00Z") -> Verdict:
    """Hand ``url``'s response (HTML, status 200) to ``pipeline`` under its role in
    ``roles`` (canonical URL -> role); note the roles of the links it gives."""
    role = roles[canonical_url(url, pipeline.scope.rules)]
    verdict = pipeline.handle_page(PageMessage(
        role=role, url=url, request_url=url, status=200,
        headers={"Content-Type": "text/html; charset=utf-8"}, body=body,
        fetched_at=fetched_at, warc_record_id=None, link_role=role))
    for attribute, link in FOLLOW_ORDER:
        for target in getattr(verdict, attribute):
            roles.setdefault(canonical_url(target, pipeline.scope.rules), link)
    return verdict
