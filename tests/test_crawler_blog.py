"""A blog whose posts, case pages and news alike, share one URL family, and whose listings
show whole posts: crawled over real HTTP (``tests/fixtures/blog_site.py``) from the cases
topic's listing and from a "Case Studies Index" post.
"""

from __future__ import annotations

import json

import pytest

from casearchive.crawler.discovery import Scope, url_shape
from casearchive.crawler.urls import UrlRules
from casearchive.parsers.records import Link
from tests.conftest import crawl_built_site
from tests.fixtures import blog_site
from tests.snapshots import pages_by_title, path_of

STARTS = (blog_site.CASES_TOPIC, blog_site.INDEX)


@pytest.fixture(scope="module")
def crawls(tmp_path_factory, serve_site_module):
    return {start: crawl_built_site(tmp_path_factory.mktemp("blog"), serve_site_module,
                                     blog_site.build, start)
            for start in STARTS}


@pytest.mark.parametrize("start", STARTS)
def test_each_case_is_its_posts_in_order(crawls, start) -> None:
    """A case posted as one post per page, whose slugs lost the page number (``_12.html``,
    the same slug in the next month) and which the index links page by page ("Part 2"), is
    one case of all its pages, its references-only last page too."""
    truth, result, out = crawls[start]
    assert result.returncode == 0, result.stdout[-3000:]
    exported = pages_by_title(out)
    assert {title: exported.get(title) for title in truth["cases"]} == truth["cases"]


@pytest.mark.parametrize("start", STARTS)
def test_listings_are_no_cases(crawls, start) -> None:
    """Listings showing whole posts (a month whose newest post is a case's page 2 or 3, the
    home page, the topics) link the titles they show to the posts: no case pages."""
    truth, _result, out = crawls[start]
    pages = {p for urls in pages_by_title(out).values() for p in urls}
    listings = {p for p in truth["site_pages"] if not p.endswith(".html")}
    assert listings and not pages & listings


@pytest.mark.parametrize("start", STARTS)
def test_news_posts_in_the_cases_url_family_are_no_cases(crawls, start) -> None:
    """The news posts that read like cases ("About This Blog", "Call for Cases") share the
    cases' URL family, but only side columns and listings that are not the case list link
    them: no cases. From the index post too, whose list of links the parser counts as
    navigation by its density (``Link.in_link_list``): it is the content's own list, and
    the side column's links beside it stay navigation."""
    truth, _result, out = crawls[start]
    pages = {p for urls in pages_by_title(out).values() for p in urls}
    assert not pages & set(truth["site_pages"])


@pytest.mark.parametrize("start", STARTS)
def test_a_gone_post_in_the_side_column_is_navigation(crawls, start) -> None:
    """The list's side column links a post that is gone (404): the list's content names its
    cases (the index post: by a plain list of links), its side column is the site's
    navigation, so that is a navigation warning and the crawl exits 0."""
    truth, result, _out = crawls[start]
    stats = json.loads(result.stdout)["stats"]
    assert not stats["failures"]
    assert [path_of(w["url"]) for w in stats["navigation_warnings"]] == [truth["gone"]]


def test_a_page_part_keeps_the_extension_in_the_url_family() -> None:
    """``x-page-1.html`` and ``y.html`` are one family: the page part is not the extension."""
    rules = UrlRules()
    assert url_shape("http://h/2009/05/ankle-page-1.html", rules) == url_shape(
        "http://h/2009/04/hip-pain.html", rules) == ("/#/#", "html", ())


def test_a_page_label_on_a_list_names_no_case_of_its_own() -> None:
    """A list's "Part 2" (or "X - Page #2") names a page of a case: it is a case link, but
    no listed case of its own, so a case's pager may lead to it (its first page too, once
    a list names it as a page)."""
    scope = Scope("http://h/index.html")
    links = [Link("http://h/2009/03/knee.html", "Knee Pain in a Runner"),
             Link("http://h/2009/03/knee.html", "Part 1"),
             Link("http://h/2009/03/knee_12.html", "Part 2"),
             Link("http://h/2009/04/knee.html", "Knee Pain in a Runner - Page #3"),
             Link("http://h/2009/04/hip.html", "Hip Pain in a Dancer")]
    roles = scope.list_roles("http://h/index.html", links)
    assert sorted(set(roles.case_links)) == sorted({link.url for link in links})
    assert scope.listed == {"http://h/2009/04/hip.html"}


def test_a_part_names_a_page_of_its_case() -> None:
    """A case posted in parts links them "Part 1" and "Continued in Part 3 »": pager links,
    the next part's in another month's directory too (the number next to the page's)."""
    scope = Scope("http://h/p/index.html")
    page = "http://h/2008/04/headache-part-2.html"
    links = [Link("http://h/2008/04/headache.html", "Part 1"),
             Link("http://h/2008/05/headache-part-3.html", "Continued in Part 3 »"),
             Link("http://h/2008/04/call-for-cases.html", "Call for Cases")]
    assert scope.pager_links(page, links, 2) == [links[0].url, links[1].url]
