"""Scrapy conventions: `scrapy crawl cases` gives the same snapshot, and the polite defaults
are what the real site gets."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.utils.misc import build_from_crawler

from casearchive.crawler.middlewares import CheapMetaRefreshMiddleware
from casearchive.crawler.options import CrawlOptions
from casearchive.crawler.run import scrapy_settings
from casearchive.crawler.spiders.cases import CasesSpider
from tests.conftest import ROOT


def settings_for(**kwargs) -> Settings:
    options = CrawlOptions(start_url="https://www.example.org/casestudies/", **kwargs)
    crawler = Crawler(CasesSpider, scrapy_settings(options))
    CasesSpider.from_crawler(crawler, options=options)
    return crawler.settings


def test_polite_defaults_for_the_real_site() -> None:
    s = settings_for()
    assert s.getbool("AUTOTHROTTLE_ENABLED")
    assert s.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 2
    assert s.getfloat("DOWNLOAD_DELAY") >= 1.0
    assert s.getbool("ROBOTSTXT_OBEY")
    assert s.getint("RETRY_TIMES") == 3 and 503 in s.getlist("RETRY_HTTP_CODES")
    assert s.getfloat("RETRY_BACKOFF_BASE") > 0
    assert s.getfloat("DOWNLOAD_TIMEOUT") == 30
    assert s.getint("DOWNLOAD_MAXSIZE") == 20 * 1024 * 1024
    assert s.getbool("REDIRECT_ENABLED")
    ua = s.get("USER_AGENT")
    assert ua.startswith("casearchive/") and "+http" in ua


def test_politeness_off_and_overrides() -> None:
    s = settings_for(polite=False, contact_url="https://archive.example.org/contact",
                     timeout=5, retries=1, obey_robots=False)
    assert not s.getbool("AUTOTHROTTLE_ENABLED")
    assert s.getfloat("DOWNLOAD_DELAY") == 0
    assert s.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 16
    assert s.getfloat("DOWNLOAD_TIMEOUT") == 5 and s.getint("RETRY_TIMES") == 1
    assert not s.getbool("ROBOTSTXT_OBEY")
    assert "(+https://archive.example.org/contact)" in s.get("USER_AGENT")


@pytest.mark.slow  # a second crawl of the fixture site; CI runs it in make test-slow
def test_scrapy_crawl_gives_the_same_snapshot(fixture_crawl, tmp_path: Path) -> None:
    ours_dir, base, ours = fixture_crawl  # the CLI's crawl of the session's fixture server
    assert ours.returncode == 0, ours.stderr[-3000:]
    done = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "cases",
         "-a", f"start_url={base}/casestudies/index.asp", "-a", f"out_dir={tmp_path / 'b'}",
         "-a", "polite=false"],
        cwd=ROOT, capture_output=True, text=True, timeout=240,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    a, b = (ours_dir / "latest").resolve(), (tmp_path / "b" / "latest").resolve()
    for name in ("sections.parquet", "references.parquet"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    # A figure's WARC record id names a record of its own crawl; everything else is equal.
    assert _without_record_ids(a) == _without_record_ids(b)


def _without_record_ids(snapshot: Path) -> tuple[list[dict], list[dict], list[dict]]:
    import json

    import pyarrow.parquet as pq

    def mask(figures: list[dict] | None) -> list[dict]:
        return [{**f, "warc_record_id": None} for f in figures or ()]

    lines = [json.loads(x) for x in (snapshot / "cases.jsonl").open(encoding="utf-8")]
    rows = pq.read_table(snapshot / "cases.parquet").to_pylist()
    for case in (*lines, *rows):
        case["figures"] = mask(case["figures"])
    return lines, rows, mask(pq.read_table(snapshot / "figures.parquet").to_pylist())


def test_meta_refresh_redirects_without_decoding_every_page() -> None:
    options = CrawlOptions(start_url="https://www.example.org/casestudies/")
    crawler = Crawler(CasesSpider, scrapy_settings(options))
    mws = crawler.settings.getdict("DOWNLOADER_MIDDLEWARES")
    assert mws["scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware"] is None
    assert "casearchive.crawler.middlewares.CheapMetaRefreshMiddleware" in mws
    mw = build_from_crawler(CheapMetaRefreshMiddleware, crawler)
    request = Request("http://h/old/case.asp?id=3")

    def respond(body: bytes, content_type: str = "text/html") -> object:
        response = HtmlResponse(request.url, body=body, request=request,
                                headers={"Content-Type": content_type})
        return mw.process_response(request, response)

    moved = respond(b'<HTML><HEAD><META HTTP-EQUIV="Refresh" CONTENT="0; URL=/cases/3.htm">')
    assert isinstance(moved, Request) and moved.url == "http://h/cases/3.htm"
    tag = '<meta http-equiv="refresh" content="0;url=/c/4.htm">'
    for body, ctype in [(tag.encode("utf-16"), "text/html"),  # BOM
                        (tag.encode("utf-16-le"), "text/html; charset=utf-16le"),  # no BOM
                        (tag.encode("utf-32"), "text/html"),
                        (tag.encode("cp500"), "text/html; charset=cp500")]:  # EBCDIC
        moved = respond(body, ctype)
        assert isinstance(moved, Request) and moved.url == "http://h/c/4.htm", ctype
    page = b"<html><body><p>Fluids were given to refresh the patient.</p></body></html>"
    assert isinstance(respond(page), HtmlResponse)
    assert isinstance(respond(b"<html><body>No redirect here.</body></html>"), HtmlResponse)
