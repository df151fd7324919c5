"""Another view of a page already taken (a wiki's printable version, its permanent link) is
that page under another URL: an alias on the evidence of its content digest, never a page
or case of its own, and never a URL whose family makes other pages cases.

The pipeline is driven in-process with the responses a small wiki gives, in crawl order.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq

from casearchive.crawler.assembly import CaseAssembler, FetchedPage
from casearchive.crawler.messages import PageMessage
from casearchive.crawler.options import CrawlOptions
from casearchive.crawler.pipeline import PagePipeline
from casearchive.crawler.urls import canonical_url
from casearchive.parsers.case import page_content_hash
from casearchive.parsers.page import parse_page
from casearchive.parsers.records import PageRecord, Section

BASE = "http://127.0.0.1:8080"
LIST = BASE + "/wiki/Category:Case_studies"
KNEE = BASE + "/wiki/Case:Knee_Pain_in_a_Runner"
KNEE_2 = KNEE + "/Page_2"
HIP = BASE + "/wiki/Case:Hip_Pain_in_a_Dancer"
PRINTABLE = BASE + "/index.php?title=Case:Knee_Pain_in_a_Runner&printable=yes"
PERMALINK_2 = BASE + "/index.php?title=Case:Knee_Pain_in_a_Runner/Page_2&oldid=17"
INFO_2 = BASE + "/index.php?title=Case:Knee_Pain_in_a_Runner/Page_2&action=info"
OTHER_PERMALINK = BASE + "/index.php?title=Help:Formatting&oldid=21"

NOTE = ("<p>NOTE: For more information, please contact the Society, 1 Main Street, "
        "Springfield, IL 62701 (217) 555-0100.<br>&copy; Example Society</p>")


def wiki_page(title: str, content: str, *, head: str = "", sub: str = "",
              tools: str = "") -> bytes:
    """A page of the wiki: its title, the article (or a special view) and its chrome."""
    return f"""<html><head><title>{title} - Example Wiki</title>{head}</head><body>
<h1 id="firstHeading">{title}</h1><div id="contentSub">{sub}</div>
<div id="mw-content-text">{content}</div>
<div id="p-tb"><ul>{tools}</ul></div></body></html>""".encode()


def article(n: int) -> str:
    pager = ('<p><a href="/wiki/Case:Knee_Pain_in_a_Runner/Page_2">Page 2</a></p>' if n == 1
             else '<p><a href="/wiki/Case:Knee_Pain_in_a_Runner">Page 1</a></p>')
    if n == 1:
        body = ("<h2>History</h2><p>A 19-year-old runner has had anterior knee pain for six "
                "weeks.</p><h2>Physical Exam</h2><p>Tender lateral facet.</p>")
    else:
        body = ("<h2>Treatment</h2><p>Relative rest and hip strengthening.</p>"
                "<h2>Outcome</h2><p>Back to running at eight weeks.</p>")
    return body + pager + NOTE


def tools(title: str) -> str:
    return (f'<li><a href="/index.php?title={title}&printable=yes">Printable version</a></li>'
            f'<li><a href="/index.php?title={title}&oldid=17">Permanent link</a></li>'
            f'<li><a href="/index.php?title={title}&action=info">Page information</a></li>')


RESPONSES: dict[str, tuple[str, bytes]] = {
    LIST: ("list", wiki_page("Category:Case studies", (
        '<ul><li><a href="/wiki/Case:Knee_Pain_in_a_Runner">Knee Pain in a Runner</a></li>'
        '<li><a href="/wiki/Case:Hip_Pain_in_a_Dancer">Hip Pain in a Dancer</a></li></ul>'))),
    KNEE: ("case link", wiki_page("Case:Knee Pain in a Runner", article(1),
                                  tools=tools("Case:Knee_Pain_in_a_Runner"))),
    KNEE_2: ("pager", wiki_page("Case:Knee Pain in a Runner/Page 2", article(2),
                                tools=tools("Case:Knee_Pain_in_a_Runner/Page_2"))),
    # the printable view: the same article, marked noindex, without the toolbox
    PRINTABLE: ("nav", wiki_page("Case:Knee Pain in a Runner", article(1),
                                 head='<meta name="robots" content="noindex,follow">')),
    # the permanent link: the same article under a revision line; its title says "Page 2"
    PERMALINK_2: ("nav", wiki_page("Case:Knee Pain in a Runner/Page 2", article(2),
                                   sub="Revision as of 17 June 2011, 09:41 by Admin",
                                   tools=tools("Case:Knee_Pain_in_a_Runner/Page_2"))),
    INFO_2: ("nav", wiki_page('Information for "Case:Knee Pain in a Runner/Page 2"', (
        "<h2>Basic information</h2><table><tr><td>Display title</td>"
        "<td>Case:Knee Pain in a Runner/Page 2</td></tr><tr><td>Page length</td>"
        "<td>397</td></tr></table>"))),
    # another wiki page's permanent link that reads like a case: a case only if the
    # permanent links had become a case family
    OTHER_PERMALINK: ("nav", wiki_page("Help:Formatting", (
        "<h2>History</h2><p>This help page was written in 2009 for new editors.</p>"
        "<h2>Treatment</h2><p>How to format a section heading.</p>"))),
    HIP: ("case link", wiki_page("Case:Hip Pain in a Dancer", (
        "<h2>History</h2><p>A 15-year-old dancer with hip pain.</p>"
        "<h2>Outcome</h2><p>Resolved with rest.</p>" + NOTE))),
}


def crawl(tmp_path: Path, order: list[str], roles: dict[str, str] | None = None
          ) -> PagePipeline:
    """Feed the responses in ``order`` (a URL linked as ``roles`` says, where it does) and
    write the snapshot."""
    pipeline = PagePipeline(CrawlOptions(start_url=LIST, out_dir=tmp_path / "out",
                                         requisites=False))
    for url in order:
        role, body = RESPONSES[url]
        role = (roles or {}).get(url, role)
        pipeline.handle_page(PageMessage(
            role=role, url=url, request_url=url, status=200,
            headers={"Content-Type": "text/html; charset=utf-8"}, body=body,
            fetched_at="2026-12-06T00:00:00Z", warc_record_id=None, link_role=role))
    closed = pipeline.close({})
    assert closed.snapshot is not None
    return pipeline


def exported(tmp_path: Path) -> tuple[list[dict], list[dict]]:
    latest = (tmp_path / "out" / "latest").resolve()
    cases = [json.loads(line) for line in (latest / "cases.jsonl").read_text().splitlines()]
    pages = pq.read_table(latest / "pages.parquet").to_pylist()
    return cases, pages


ORDER = [LIST, KNEE, PRINTABLE, KNEE_2, PERMALINK_2, INFO_2, OTHER_PERMALINK, HIP]


def test_views_of_a_case_page_are_its_aliases_not_cases(tmp_path: Path) -> None:
    crawl(tmp_path, ORDER)
    cases, pages = exported(tmp_path)
    assert sorted(c["title"] for c in cases) == ["Hip Pain in a Dancer",
                                                 "Knee Pain in a Runner"]
    knee = next(c for c in cases if c["title"] == "Knee Pain in a Runner")
    assert [p["url"] for p in knee["pages"]] == [KNEE, KNEE_2]
    aliases = {row["url"]: row["aliases"] for row in pages}
    assert canonical_url(PRINTABLE) in aliases[KNEE]
    assert any("oldid=17" in alias for alias in aliases[KNEE_2])
    assert not [row for row in pages if "index.php" in row["url"]]


def test_a_view_teaches_no_case_family(tmp_path: Path) -> None:
    """Were the permanent link of page 2 a case (its title says "Page 2"), every permanent
    link of the wiki would be of a case family, a help page's too."""
    pipeline = crawl(tmp_path, ORDER)
    assert not pipeline.scope.is_case_family(OTHER_PERMALINK)
    assert not pipeline.scope.is_case_family(INFO_2)
    skipped = pipeline.report.skipped_urls
    assert {s["url"] for s in skipped} >= {INFO_2, OTHER_PERMALINK}
    assert PERMALINK_2 not in {s["url"] for s in skipped}  # an alias, not a skipped page


def test_a_view_after_its_case_was_written_is_a_late_alias(tmp_path: Path) -> None:
    order = [LIST, KNEE, KNEE_2, HIP, PERMALINK_2]
    pipeline = crawl(tmp_path, order)
    cases, pages = exported(tmp_path)
    assert len(cases) == 2
    assert any("oldid=17" in alias for row in pages if row["url"] == KNEE_2
               for alias in row["aliases"])
    assert [s for s in pipeline.report.skipped_urls
            if "oldid=17" in s["url"] and "same content" in s["reason"]]


def test_a_view_reached_before_its_page_becomes_its_alias_at_the_end(tmp_path: Path) -> None:
    """Site navigation (recent changes, a site map) may reach the permanent link of page 2
    before page 1's pager reaches page 2: its title's "Page 2" takes it provisionally, and
    once the crawl has page 2 itself, it is page 2's alias, not a case."""
    pipeline = crawl(tmp_path, [LIST, PERMALINK_2, INFO_2, OTHER_PERMALINK, KNEE, KNEE_2,
                                HIP])
    cases, pages = exported(tmp_path)
    assert sorted(c["title"] for c in cases) == ["Hip Pain in a Dancer",
                                                 "Knee Pain in a Runner"]
    knee = next(c for c in cases if c["title"] == "Knee Pain in a Runner")
    assert knee["complete"] and [p["url"] for p in knee["pages"]] == [KNEE, KNEE_2]
    aliases = {row["url"]: row["aliases"] for row in pages}
    assert canonical_url(PERMALINK_2) in aliases[KNEE_2]
    assert not pipeline.scope.is_case_family(OTHER_PERMALINK)
    assert pipeline.report.case_pages == 3


def test_a_page_taken_on_its_title_alone_is_still_a_page_of_its_case(tmp_path: Path) -> None:
    """Page 2 reached through site navigation before page 1 (no view: its own URL) is kept
    on its title's marker and joins its case when page 1 arrives."""
    crawl(tmp_path, [LIST, KNEE_2, KNEE, HIP], roles={KNEE_2: "nav"})
    cases, _pages = exported(tmp_path)
    knee = next(c for c in cases if c["title"] == "Knee Pain in a Runner")
    assert knee["complete"] and [p["url"] for p in knee["pages"]] == [KNEE, KNEE_2]
    assert len(cases) == 2


def test_the_content_digest_ignores_wrappers_and_sees_text() -> None:
    article_page = parse_page(RESPONSES[KNEE_2][1], KNEE_2)
    permalink = parse_page(RESPONSES[PERMALINK_2][1], PERMALINK_2)
    printable = parse_page(RESPONSES[PRINTABLE][1], PRINTABLE)
    assert page_content_hash(article_page) == page_content_hash(permalink)
    assert page_content_hash(article_page) != page_content_hash(printable)
    edited = parse_page(RESPONSES[KNEE_2][1].replace(b"eight weeks", b"nine weeks"), KNEE_2)
    assert page_content_hash(edited) != page_content_hash(article_page)


def test_a_page_without_case_content_has_no_content_digest() -> None:
    """Two empty pages say nothing about which page they are."""
    empty = PageRecord(url=KNEE, is_case_page=False, skip_reason="no case sections",
                       title="Knee Pain in a Runner", page_number=1)
    assert page_content_hash(empty) is None


def _fetched(url: str, body: bytes, text: str) -> FetchedPage:
    record = PageRecord(url=url, is_case_page=True, title="A Case", page_number=1,
                        sections=[Section("history", "History", text, "alias")])
    return FetchedPage.build(record, body, url=url, request_url=url, pager_urls=[],
                             status=200, fetched_at="2026-12-06T00:00:00Z",
                             warc_record_id=None, page_number=1)


def test_the_assembler_names_the_page_with_the_same_content() -> None:
    assembler = CaseAssembler()
    page = _fetched(KNEE, b"<html>one</html>", "Knee pain for six weeks.")
    assert len(assembler.add_page(page)) == 1
    view = _fetched(PRINTABLE, b"<html>one, printable</html>", "Knee pain for six weeks.")
    same_body = _fetched(PRINTABLE, b"<html>one</html>", "Knee pain for six weeks.")
    other = _fetched(PRINTABLE, b"<html>two</html>", "Hip pain.")
    assert assembler.same_content_as(view.content_digest, view.ref.content_sha256 or "") == KNEE
    # a body already held is recognised by add_page itself
    assert assembler.same_content_as(same_body.content_digest,
                                     same_body.ref.content_sha256 or "") is None
    assert assembler.same_content_as(other.content_digest, other.ref.content_sha256 or "") \
        is None
