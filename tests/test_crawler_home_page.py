"""A case database whose start page is its home page, whose list is a collapsed categorized
view, whose menus read like a family of pages, and whose pagers link one other page: crawled
over real HTTP (``tests/fixtures/notes_site.py``).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from casearchive.crawler.urls import canonical_url
from tests.conftest import crawl_built_site
from tests.fixtures import notes_site
from tests.snapshots import cases_by_path, path_of


@pytest.fixture(scope="module")
def crawls(tmp_path_factory, serve_site_module):
    return {start: crawl_built_site(tmp_path_factory.mktemp("notes"), serve_site_module,
                                     notes_site.build, start)
            for start in (notes_site.HOME, notes_site.VIEW)}


def _path(url: str) -> str:
    """Path and query as compared here (the fixture server says it is IIS: URL case does
    not matter)."""
    return canonical_url(path_of(url)).lower()


def _paths(urls: list[str]) -> set[str]:
    return {_path(u) for u in urls}


def _check_cases(truth: dict, result: subprocess.CompletedProcess[str], out: Path) -> None:
    assert result.returncode == 0, result.stderr[-3000:]
    cases = cases_by_path((out / "latest").resolve())
    by_title: dict[str, list[dict]] = {}
    for case in cases.values():
        by_title.setdefault(case["title"], []).append(case)
    assert sorted(by_title) == sorted(truth["cases"])
    for title, pages in truth["cases"].items():
        [case] = by_title[title]  # one case, not one per page
        assert case["page_count"] == len(pages)
        assert case["complete"]
        # each page under one of the URLs it is served by, in order
        got = [canonical_url(path_of(p["url"])) for p in sorted(
            case["pages"], key=lambda p: p["page_number"])]
        for url, served in zip(got, pages, strict=True):
            assert url in _paths(served)


def test_a_home_page_leads_to_the_list_it_links(crawls) -> None:
    """The start page links one view and no case: the view it links, list-shaped, is the
    list; its menus (About, Help, Contact in one URL family) are no case family."""
    _check_cases(*crawls[notes_site.HOME])


def test_a_collapsed_view_takes_no_family_from_its_menus(crawls) -> None:
    """The view's content links only its own expanded views, by category names: its menus,
    whose About reads like a case, are the site's pages, not its cases."""
    _check_cases(*crawls[notes_site.VIEW])


@pytest.mark.parametrize("start", [notes_site.HOME, notes_site.VIEW])
def test_site_pages_are_no_cases_and_a_stale_link_is_navigation(crawls, start) -> None:
    truth, result, out = crawls[start]
    cases = cases_by_path((out / "latest").resolve())
    exported = {_path(p["url"]) for c in cases.values() for p in c["pages"]}
    assert not exported & _paths(truth["site_pages"])
    stats = json.loads(result.stdout)["stats"]
    assert not stats["failures"]
    if start == notes_site.HOME:  # the home page's "Case of the Month" is gone
        gone = [w["url"] for w in stats["navigation_warnings"]]
        assert _paths(gone) == _paths([truth["gone"]])
