"""Scrapy's own ceiling: a spider that follows every same-site link and does nothing else.

``python -m bench.noop_spider START_URL`` prints ``{"responses", "html_pages", "seconds"}``
as JSON. Settings are the crawl's own with ``--no-polite`` (``casearchive.crawler.settings`` and
``for_options``), without its middlewares and extension: same concurrency, robots.txt obeyed.
Links are de-duplicated in the spider before a request is built, and the non-HTML links the
crawl never requests (``casearchive.crawler.discovery.NON_HTML``) are skipped the same way.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import AsyncIterator, Iterator
from urllib.parse import urldefrag, urljoin, urlsplit

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response
from scrapy.settings import Settings

from casearchive.crawler import settings as crawl_settings
from casearchive.crawler.discovery import NON_HTML
from casearchive.crawler.options import CrawlOptions
from casearchive.crawler.settings import for_options


class NoopSpider(scrapy.Spider):
    name = "noop"

    def __init__(self, start_url: str) -> None:
        super().__init__()
        self.start_url = start_url
        self.host = urlsplit(start_url).netloc
        self.seen = {start_url}
        self.html_pages = 0

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(self.start_url)

    def parse(self, response: Response) -> Iterator[scrapy.Request]:
        if not response.headers.get(b"Content-Type", b"").startswith(b"text/html"):
            return
        self.html_pages += 1
        for href in response.xpath("//a/@href").getall():
            url = urldefrag(urljoin(response.url, href.strip()))[0]
            if url in self.seen:
                continue
            self.seen.add(url)
            parts = urlsplit(url)
            if parts.netloc == self.host and not NON_HTML.search(parts.path):
                yield scrapy.Request(url)


def settings(start_url: str) -> Settings:
    """The crawl's settings with politeness off, minus its middlewares and extension."""
    values = Settings()
    values.setmodule(crawl_settings, priority="project")
    for name in ("DOWNLOADER_MIDDLEWARES", "EXTENSIONS", "SPIDER_MODULES"):
        values.set(name, {} if name != "SPIDER_MODULES" else [], priority="project")
    values.setdict(for_options(CrawlOptions(start_url=start_url, polite=False)),
                   priority="spider")
    return values


def main(start_url: str) -> dict:
    process = CrawlerProcess(settings(start_url))
    crawler = process.create_crawler(NoopSpider)
    started = time.perf_counter()
    process.crawl(crawler, start_url=start_url)
    process.start()
    seconds = time.perf_counter() - started
    stats = crawler.stats.get_stats() if crawler.stats else {}
    return {
        "responses": stats.get("downloader/response_count", 0),
        "html_pages": crawler.spider.html_pages if crawler.spider else 0,
        "seconds": round(seconds, 3),
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
