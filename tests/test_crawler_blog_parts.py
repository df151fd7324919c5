"""A blog that posts each long case as parts ("X (Part 2 of 3)", "X, Part 2") linked only
through its post navigation ("Newer Post", "Older Post"): crawled over real HTTP
(``tests/fixtures/blog_parts_site.py``) from the case label's page (paged by "Older Posts")
and from a "Case Studies Index" post that names each case by its first part only.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from casearchive.crawler.discovery import Scope, case_series
from casearchive.crawler.messages import PageMessage
from casearchive.crawler.options import CrawlOptions
from casearchive.crawler.parsed import ParsedPage, digested
from casearchive.crawler.pipeline import PagePipeline
from casearchive.parsers.page import parse_page
from casearchive.parsers.records import Link
from tests.conftest import crawl_built_site
from tests.fixtures import blog_parts_site
from tests.snapshots import pages_by_title, path_of

#: The crawls: (site, start). "classic": the blog without post navigation (from its index
#: post only the side column's "Previous Posts" leads to the later parts).
STARTS = (("blog", blog_parts_site.LABEL), ("blog", blog_parts_site.INDEX),
          ("classic", blog_parts_site.LABEL), ("classic", blog_parts_site.INDEX))
BUILDS = {"blog": blog_parts_site.build, "classic": blog_parts_site.build_classic}


@pytest.fixture(scope="module")
def crawls(tmp_path_factory, serve_site_module):
    """The crawls, side by side (each a process of its own, on a server of its own)."""
    dirs = {key: tmp_path_factory.mktemp("parts") for key in STARTS}
    with ThreadPoolExecutor(len(STARTS)) as pool:
        running = {(site, start): pool.submit(crawl_built_site, dirs[site, start],
                                              serve_site_module, BUILDS[site], start)
                   for site, start in STARTS}
        return {key: future.result() for key, future in running.items()}


@pytest.mark.parametrize("start", STARTS, ids=str)
def test_each_case_is_all_its_parts_in_order(crawls, start) -> None:
    """Each case is one record of all its parts, though only "Newer Post" links them (a
    news post between two of them) and no list names them all: the label's page names each
    part by its title with its marker, the index names the first part only. On the
    classic blog nothing links the parts but the lists and the side column: from the index,
    the parts that print a page count ("Part 2 of 3") join the part of their title, and
    those that print none ("X, Part 2") join it at the end of the crawl."""
    truth, result, out = crawls[start]
    assert result.returncode == 0, result.stdout[-3000:]
    exported = pages_by_title(out)
    assert {title: exported.get(title) for title in truth["cases"]} == truth["cases"]


@pytest.mark.parametrize("start", STARTS, ids=str)
def test_news_posts_and_listings_are_no_cases(crawls, start) -> None:
    """News posts and listings are no case pages, nor other URLs of one: the month whose
    one post it shows whole says what that post says, but links the title it shows to the
    post (a listing, not a view of the post)."""
    truth, _result, out = crawls[start]
    rows = pq.read_table((out / "latest" / "pages.parquet").resolve()).to_pylist()
    names = {path_of(u) for row in rows for u in [row["url"], *(row["aliases"] or [])]}
    assert not names & set(truth["site_pages"])


@pytest.mark.parametrize("start", STARTS, ids=str)
def test_a_gone_post_in_the_side_column_is_navigation(crawls, start) -> None:
    """The side column of a list whose content is a plain list of links (the index post)
    is navigation too: its gone post is a warning, not a lost case."""
    truth, result, _out = crawls[start]
    stats = json.loads(result.stdout)["stats"]
    assert not stats["failures"] and not stats["linked_not_archived"]
    assert [path_of(w["url"]) for w in stats["navigation_warnings"]] == [truth["gone"]]


def test_older_posts_pages_the_list() -> None:
    """A blog's label page is paged by "Older Posts" to the same page with a query of its
    own (``?updated-max=...``): pages of the list, not navigation."""
    scope = Scope("http://h/search/label/cases")
    older = "http://h/search/label/cases?updated-max=2009-05-03T10:00:00-04:00&max-results=3"
    newer = "http://h/search/label/cases?updated-min=2009-05-03T10:00:00-04:00&max-results=3"
    links = [Link(older, "Older Posts"), Link(newer, "« Newer Entries"),
             Link("http://h/2009/05/knee.html", "Knee Pain in a Runner")]
    assert scope.list_links(links)[0] == [older, newer]


def test_a_list_names_the_parts_of_a_case() -> None:
    """A list that names the parts of a case by its title with a page marker, or by page
    labels after its title, names the pages of one case; a title alone is its first page."""
    shoulder = [Link("http://h/2009/05/shoulder.html", "Shoulder Pain (Part 3 of 3)"),
                Link("http://h/2009/04/shoulder_12.html", "Shoulder Pain (Part 2 of 3)"),
                Link("http://h/2009/04/shoulder.html", "Shoulder Pain in a Pitcher"),
                Link("http://h/2009/04/shoulder.html", "10:00 AM")]
    knee = [Link("http://h/2009/03/knee.html", "Knee Pain in a Runner"),
            Link("http://h/2009/03/knee.html", "Part 1"),
            Link("http://h/2009/03/knee_12.html", "Part 2")]
    hip = [Link("http://h/2009/03/hip.html", "Hip Pain in a Dancer")]
    links = [*knee, *hip, *shoulder]
    series = case_series(links, {link.url for link in links})
    assert series == [{1: knee[0].url, 2: knee[2].url}]
    shoulder[0] = Link("http://h/2009/05/shoulder.html", "Shoulder Pain in a Pitcher (Part 3 "
                       "of 3)")
    shoulder[1] = Link("http://h/2009/04/shoulder_12.html", "Shoulder Pain in a Pitcher, Part 2")
    links = [*knee, *hip, *shoulder]
    assert case_series(links, {link.url for link in links})[1] == {
        3: shoulder[0].url, 2: shoulder[1].url, 1: shoulder[2].url}


def test_an_index_posts_plain_list_names_the_cases_with_their_parts() -> None:
    """An index post's plain list of links (navigation to the walk by its density:
    ``Link.in_link_list``) names the cases, each by its title and its parts ("Part 1", "Part
    2", ...): page labels name no entry, so they do not make the list look like a menu (the
    titles are fewer than the parts), and the side column beside it stays navigation."""
    index = "http://h/2008/11/case-studies-index.html"
    scope = Scope(index)
    links = [Link(index, "Case Studies Index")]
    for case in ("chest-pain", "hip-pain", "headache", "shoulder-pain"):
        first = f"http://h/2008/03/{case}.html"
        links += [Link(first, f"{case.replace('-', ' ').title()} in an Athlete", nav=True,
                       in_link_list=True)]
        links += [Link(first if n == 1 else f"http://h/2008/03/{case}-part-{n}.html",
                       f"Part {n}", nav=True, in_link_list=True) for n in range(1, 6)]
    gone = "http://h/2007/11/osteitis-pubis-in-soccer-player.html"
    links += [Link("http://h/search/label/knee", "knee", nav=True),
              Link(gone, "Osteitis Pubis in a Soccer Player (2008)", nav=True)]
    roles = scope.list_roles(index, links)
    assert "http://h/2008/03/headache-part-4.html" in roles.case_links
    assert len(set(roles.case_links)) == 20 and gone in roles.nav


def test_a_month_showing_one_post_whole_is_a_listing_not_a_view_of_it(tmp_path: Path) -> None:
    """A month's archive that shows one post whole says what the post says (the same
    content digest: the parser reads the post's heading, with its marker, as the title of
    both), but it links the title it shows to the post: a listing, skipped, never another
    URL of the post (an alias would put the archive among the case's pages)."""
    site = tmp_path / "site"
    site.mkdir()
    blog_parts_site.build_classic(site)
    routes = json.loads((site / "routes.json").read_text(encoding="utf-8"))
    base, post, month = "http://127.0.0.1:8080", "/2009/05/shoulder-pain-in-pitcher.html", \
        "/2009_05_01_archive.html"

    def parse(body: bytes, url: str, headers: dict[str, str]) -> ParsedPage:
        record = parse_page(body, url, headers)
        if url.endswith(month):  # as a template whose heading names both pages
            record.title, record.page_number, record.page_total = "Shoulder Pain in a " \
                "Pitcher", 3, 3
            record.page_number_source = "heading"
        return digested(record, body)

    pipeline = PagePipeline(CrawlOptions(start_url=base + blog_parts_site.LABEL,
                                         out_dir=tmp_path / "out", requisites=False), parse)
    lists = [(path, "list") for path in routes if path.startswith(blog_parts_site.LABEL)]
    for path, role in (*lists, (post, "case link"), (month, "nav")):
        verdict = pipeline.handle_page(PageMessage(
            role=role, url=base + path, request_url=base + path, status=200,
            headers={"Content-Type": "text/html; charset=utf-8"},
            body=(site / routes[path]["file"]).read_bytes(), fetched_at="2026-12-07T00:00:00Z",
            warc_record_id=None, link_role=role))
    assert verdict.skipped and verdict.skipped.startswith("a listing"), verdict.skipped
    closed = pipeline.close({})
    assert closed.snapshot is not None, closed.stats
    rows = pq.read_table(closed.snapshot / "pages.parquet").to_pylist()
    assert not [row for row in rows if month in {path_of(u) for u in row["aliases"] or []}]


M_BASE = "http://127.0.0.1:8080"
M_LIST = M_BASE + "/p/case-studies-index.html"
M_KNEE = M_BASE + "/2009/03/knee.html"
M_KNEE_M, M_KNEE_2, M_HIP = (M_KNEE + "?m=1", M_BASE + "/2009/03/knee-part-2.html",
                             M_BASE + "/2009/04/hip.html")


def _m_page(title: str, body: str, canonical: str | None = None) -> bytes:
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return (f"<html><head><title>Case Blog: {title}</title>{link}</head><body><div id='main'>"
            f"<h3>{title}</h3>{body}</div></body></html>").encode()


M_RESPONSES = {
    M_LIST: _m_page("Case Studies Index", (  # copied from a phone: the first part's ?m=1
        f'<ol><li><a href="{M_KNEE_M}">Knee Pain in a Runner</a> (<a href="{M_KNEE_M}">Part 1'
        f'</a>, <a href="{M_KNEE_2}">Part 2</a>)</li><li><a href="{M_HIP}">Hip Pain in a '
        "Dancer</a></li></ol>")),
    M_KNEE: _m_page("Knee Pain in a Runner", "<p><b>History:</b> A runner's knee hurts.</p>"),
    M_KNEE_2: _m_page("Knee Pain in a Runner, Part 2", "<p><b>Treatment:</b> Rest.</p>"),
    M_HIP: _m_page("Hip Pain in a Dancer", "<p><b>History:</b> A dancer's hip snaps.</p>"),
}
#: The phone's view of the first part: rel=canonical names the post; read as no case, or as
#: the case's content in other words (another template).
M_MOBILE = {"unread": _m_page("Knee Pain in a Runner", "<p>A runner's knee hurts.</p>", M_KNEE),
            "read": _m_page("Knee Pain in a Runner", "<p><b>History:</b> A runner's knee "
                            "hurts (mobile).</p>", M_KNEE)}


def _feed(pipeline: PagePipeline, order: list[str], roles: dict[str, str],
          responses: dict[str, bytes]) -> None:
    """Hand the responses to the pipeline in ``order``, each URL under its role; then the
    pages it says to fetch again (``Verdict.refetch``), under their new roles."""
    queue = [(url, roles[url]) for url in order]
    while queue:
        url, role = queue.pop(0)
        verdict = pipeline.handle_page(PageMessage(
            role=role, url=url, request_url=url, status=200,
            headers={"Content-Type": "text/html; charset=utf-8"}, body=responses[url],
            fetched_at="2026-12-07T00:00:00Z", warc_record_id=None, link_role=role))
        queue.extend(verdict.refetch)


@pytest.mark.parametrize("mobile", ["unread", "read"])
@pytest.mark.parametrize("mobile_first", [True, False])
def test_a_phones_view_is_another_url_of_its_post(tmp_path: Path, mobile: str,
                                                  mobile_first: bool) -> None:
    """A list names a part by its phone view (``?m=1``, ``rel=canonical`` to the post): that
    view is the post under another URL, before or after the post, whether its template
    reads as a case or not: never a second page of the case, nor a failed one."""
    responses = {**M_RESPONSES, M_KNEE_M: M_MOBILE[mobile]}
    order = [M_LIST, *([M_KNEE_M, M_KNEE] if mobile_first else [M_KNEE, M_KNEE_M]), M_KNEE_2,
             M_HIP]
    pipeline = PagePipeline(CrawlOptions(start_url=M_LIST, out_dir=tmp_path / "out",
                                         requisites=False))
    roles = {M_LIST: "list", M_KNEE_M: "case link", M_KNEE: "pager", M_KNEE_2: "pager",
             M_HIP: "case link"}
    _feed(pipeline, order, roles, responses)
    closed = pipeline.close({})
    assert closed.snapshot is not None and not closed.stats["failures"], closed.stats
    assert pages_by_title(tmp_path / "out") == {
        "Knee Pain in a Runner": ["/2009/03/knee.html", "/2009/03/knee-part-2.html"],
        "Hip Pain in a Dancer": ["/2009/04/hip.html"]}
    rows = pq.read_table(closed.snapshot / "pages.parquet").to_pylist()
    names = [{path_of(u) for u in [row["url"], *(row["aliases"] or [])]} for row in rows]
    assert len(rows) == 3 and sum("/2009/03/knee.html?m=1" in n for n in names) == 1


@pytest.mark.parametrize("mobile_first", [True, False])
def test_a_post_linked_by_its_phone_view_and_reached_first_from_a_side_column(
        tmp_path: Path, mobile_first: bool) -> None:
    """The index links a one-page case only by its phone view (``?m=1``, ``rel=canonical``
    to the post); a side column links the post itself, and the crawl may fetch either
    first. Phone view first: the post has the case evidence of its phone view and is the
    case. Post first: it was skipped as navigation, and the phone view, which names it
    canonical, has it fetched again as a page of a case: the case either way, no skip, no
    loss."""
    hip_m = M_HIP + "?m=1"
    responses = {
        M_LIST: _m_page("Case Studies Index", (
            f'<ol><li><a href="{M_KNEE_M}">Knee Pain in a Runner</a></li>'
            f'<li><a href="{hip_m}">Hip Pain in a Dancer</a></li></ol>')),
        M_HIP: M_RESPONSES[M_HIP],
        hip_m: _m_page("Hip Pain in a Dancer", "<p>A dancer's hip snaps.</p>", M_HIP)}
    order = [M_LIST, *([hip_m, M_HIP] if mobile_first else [M_HIP, hip_m])]
    roles = {M_LIST: "list", hip_m: "case link", M_HIP: "nav"}
    pipeline = PagePipeline(CrawlOptions(start_url=M_LIST, out_dir=tmp_path / "out",
                                         requisites=False))
    _feed(pipeline, order, roles, responses)
    closed = pipeline.close({})
    assert pages_by_title(tmp_path / "out") == {"Hip Pain in a Dancer": ["/2009/04/hip.html"]}
    assert not closed.stats["failures"], closed.stats
    assert M_HIP not in {s["url"] for s in closed.stats["skipped"]}
