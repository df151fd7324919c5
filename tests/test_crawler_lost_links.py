"""What losing a link means, from how it was linked (``casearchive.crawler.report``)."""

from __future__ import annotations

from pathlib import Path

from casearchive.crawler.messages import PageMessage
from casearchive.crawler.options import CrawlOptions
from casearchive.crawler.pipeline import PagePipeline
from casearchive.crawler.report import CrawlReport, link_family, summary_lines
from casearchive.crawler.skipped import Skipped

LIST = "http://h/cases/index.html"


def lose(report: CrawlReport, url: str, role: str | None, case_page: bool = False) -> None:
    report.add_skipped(Skipped(url, "HTTP 404", 404, failed=True, referer=LIST, role=role),
                       case_page=case_page)


def test_a_link_is_judged_by_the_family_of_the_archived_cases() -> None:
    report = CrawlReport()
    report.note_case_page("http://h/cases/case.php?id=1")
    lose(report, "http://h/cases/case.php?id=2", "case")
    lose(report, "http://h/cases/case.php?id=3&page=2", "link")
    lose(report, "http://h/meetings/annual.html", "case")
    stats = report.to_stats({})
    assert [e["url"] for e in stats["linked_not_archived"]] == [
        "http://h/cases/case.php?id=2", "http://h/cases/case.php?id=3&page=2"]
    assert [e["url"] for e in stats["navigation_warnings"]] == ["http://h/meetings/annual.html"]
    assert {f["url"] for f in stats["failures"]} == {e["url"] for e in stats["linked_not_archived"]}


def test_link_evidence_decides_before_the_url() -> None:
    report = CrawlReport()
    lose(report, "http://h/a.html", "case link")
    lose(report, "http://h/b.html", "nav")
    lose(report, "http://h/c.html", "pager")
    lose(report, "http://h/d.html", "case", case_page=True)
    lose(report, "http://h/e.html", "list")
    stats = report.to_stats({})
    assert [e["url"] for e in stats["linked_not_archived"]] == ["http://h/a.html"]
    assert [e["url"] for e in stats["navigation_warnings"]] == ["http://h/b.html"]
    roles = {f["url"].rsplit("/", 1)[1]: f["role"] for f in stats["failures"]}
    assert roles == {"a.html": "case link", "c.html": "pager", "d.html": "case_page",
                     "e.html": "list"}


def test_families() -> None:
    assert link_family("http://h/x/case.asp?cid=1") == link_family("http://h/x/case.asp?cid=9")
    assert link_family("http://h/x/case.asp?cid=1&page=2") == link_family("http://h/x/c.asp?cid=1")
    assert link_family("http://h/x/a.html") != link_family("http://h/y/a.html")
    assert link_family("http://h/x/a.html") != link_family("http://h/x/a.pdf")


def test_summary_cuts_a_hostile_url() -> None:
    report = CrawlReport()
    lose(report, "http://h/" + "7" * 5000, "nav")
    stats = report.to_stats({})
    line = summary_lines(stats, None)[-1]
    assert len(line) < 400 and "(5,009 characters)" in line


def test_failure_reasons_are_plain_words() -> None:
    """Scrapy's and Twisted's exceptions become plain reasons; no class, setting or Failure."""
    from scrapy.exceptions import (
        CannotResolveHostError,
        DownloadConnectionRefusedError,
        DownloadTimeoutError,
        IgnoreRequest,
        ResponseDataLossError,
    )
    from twisted.internet.error import ConnectionLost, DNSLookupError

    from casearchive.crawler.reasons import describe

    cases = {
        CannotResolveHostError("x"): "host name not found",
        DNSLookupError("x"): "host name not found",
        DownloadConnectionRefusedError("x"): "connection refused",
        DownloadTimeoutError("x"): "timed out",
        ResponseDataLossError(): "body truncated (the connection closed early)",
        ConnectionLost("<twisted.python.failure.Failure ...>"): "connection lost",
        IgnoreRequest("max redirections reached"): "more than 20 redirects",
        IgnoreRequest("Ignored response <200 http://h/> because its body (1 B compressed, "
                      "9 B decompressed so far) exceeded DOWNLOAD_MAXSIZE (8 B) during "
                      "decompression."): "larger than the size limit (8 MiB) once decompressed",
        IgnoreRequest("Forbidden by robots.txt"): "forbidden by robots.txt",
    }
    for exc, words in cases.items():
        assert describe(exc, 8, 20).text == words


def test_the_list_in_another_format_is_no_lost_list_page(tmp_path: Path) -> None:
    # The list names itself by its query; its feed is the same query with more parameters
    # (a list page by ``is_list_url``), answered as RSS: the list rendered another way, a
    # navigation warning, not a lost page of the list.
    start = "http://h/index.php?option=com_content&view=category&id=7&Itemid=36"
    pipeline = PagePipeline(CrawlOptions(start_url=start, out_dir=tmp_path / "out",
                                         requisites=False))
    for url in (start + "&format=feed&type=rss", start + "&limitstart=10"):
        pipeline.handle_page(PageMessage(
            role="list", url=url, request_url=url, status=200,
            headers={"Content-Type": "application/rss+xml; charset=utf-8"}, body=b"<rss/>",
            fetched_at="2026-12-06T00:00:00Z", warc_record_id=None, link_role="list"))
    stats = pipeline.report.to_stats({})
    pipeline.abort()
    assert [e["url"] for e in stats["navigation_warnings"]] == [start + "&format=feed&type=rss"]
    assert [e["url"] for e in stats["failures"]] == [start + "&limitstart=10"]
