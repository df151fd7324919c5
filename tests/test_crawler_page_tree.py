"""A site builder's page tree (a hosted site of the late 2000s): every case is a page with
subpages for its later pages, and a side menu lists the whole tree on every page, so that
every case's later pages are named "Part 2", "Part 3". The case list is paged, so a crawl
reaches the subpages of a case the list has not shown yet through the menu, before the
list names the case; and a list that links every page of every case ("X - Page 2") gives
a case's later pages before its first.

The pipeline is driven in-process, in orders a crawler can take (each page only once a
page fetched before it links it, with that link's role), and every order must give each
case with all its pages, in order.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from casearchive.crawler.options import CrawlOptions
from casearchive.crawler.pipeline import PagePipeline
from casearchive.crawler.spiders.cases import FOLLOW_ORDER
from casearchive.crawler.urls import canonical_url
from tests.pipeline_driver import take

BASE = "http://127.0.0.1:8080"
SITE = "/site/society"
LIST = BASE + SITE + "/case-studies"
LIST_2 = LIST + "?offset=2"

#: slug -> (title, pages as (heading, text) pairs)
CASES: dict[str, tuple[str, list[list[tuple[str, str]]]]] = {
    "knee-pain": ("Knee Pain in a Runner", [
        [("History", "A 19-year-old runner has had anterior knee pain for six weeks.")],
        [("Physical Exam", "Tender lateral patellar facet; weak hip abductors.")],
        [("Treatment", "Relative rest and hip strengthening."),
         ("Outcome", "Back to running at eight weeks.")],
    ]),
    "hip-pain": ("Hip Pain in a Dancer", [
        [("History", "A 15-year-old dancer has groin pain with a painful snap.")],
        [("Physical Exam", "Audible snap with hip extension from flexion.")],
        [("Outcome", "Dancing without pain after ten weeks.")],
    ]),
    "ankle-sprain": ("Ankle Sprain That Would Not Heal", [
        [("History", "A 22-year-old guard rolled his ankle eight weeks ago.")],
        [("Physical Exam", "Tenderness over the anterolateral talar dome.")],
        [("Outcome", "He returned to play at five months.")],
    ]),
}
NOTE = ("<div>NOTE: For more information, please contact the Society, 1 Main Street, "
        "Springfield, IL 62701 (217) 555-0100.</div><div>&copy; Example Society</div>")


def _subpage(slug: str, n: int, style: str) -> str:
    """Page ``n``'s path: a subpage ``slug/part-N`` ("tree"), or a sibling ``slug-N``."""
    if n == 1:
        return f"{SITE}/case-studies/{slug}"
    return f"{SITE}/case-studies/{slug}/part-{n}" if style == "tree" else (
        f"{SITE}/case-studies/{slug}-{n}")


def _menu(style: str) -> str:
    """The side menu: the site's whole page tree, each case's subpages named "Part N"."""
    items = []
    for slug, (title, pages) in CASES.items():
        subs = "".join(f'<li><a href="{_subpage(slug, n, style)}">Part {n}</a></li>'
                       for n in range(2, len(pages) + 1))
        items.append(f'<li><a href="{_subpage(slug, 1, style)}">{title}</a><ul>{subs}</ul></li>')
    return (f'<td id="sidebar-left" class="sidebar"><ul class="navigation">'
            f'<li><a href="{SITE}/home">Home</a></li><li><a href="{SITE}/case-studies">'
            f'Case Studies</a><ul>{"".join(items)}</ul></li></ul></td>')


def _page(title: str, content: str, style: str) -> bytes:
    return (f"<html><head><title>{title} - Example Society</title></head><body><table><tr>"
            f"{_menu(style)}<td id=\"canvas\"><h2 id=\"page-title\">{title}</h2>"
            f'<div class="content">{content}</div></td></tr></table></body></html>').encode()


def _case_page(slug: str, n: int, style: str, pager: bool) -> bytes:
    """Page ``n`` of a case: named "Part N" in the tree, the case title with its page
    number over the text, with ``pager`` the next page linked ("Next Page") when there is
    one."""
    title, pages = CASES[slug]
    body = "".join(f"<div><b>{heading}:</b></div><div>{text}</div>"
                   for heading, text in pages[n - 1])
    nxt = (f'<div><a href="{_subpage(slug, n + 1, style)}">Next Page</a></div>'
           if pager and n < len(pages) else "")
    name = title if n == 1 else f"Part {n}"
    return _page(name, f"<div><b>{title} - Page #{n}</b></div>{body}{nxt}"
                 f'<div><a href="{SITE}/case-studies">Return To The Case Studies List</a></div>'
                 + NOTE, style)


def _list_page(slugs: list[str], more: str | None, style: str, every_page: bool) -> bytes:
    rows = []
    for slug in slugs:
        title, pages = CASES[slug]
        rows.append(f'<li><a href="{_subpage(slug, 1, style)}">{title}</a></li>')
        if every_page:
            rows += [f'<li><a href="{_subpage(slug, n, style)}">{title} - Page {n}</a></li>'
                     for n in range(2, len(pages) + 1)]
    more_link = f'<p><a href="{more}">View more &raquo;</a></p>' if more else ""
    return _page("Case Studies", f"<p>Cases presented at our meetings.</p><ul>{''.join(rows)}"
                 f"</ul>{more_link}", style)


def _site(style: str, every_page: bool, pager: bool) -> dict[str, bytes]:
    site = {LIST: _list_page(["knee-pain", "hip-pain"], LIST_2, style, every_page),
            LIST_2: _list_page(["ankle-sprain"], None, style, every_page),
            BASE + SITE + "/home": _page("Home", "<p>Welcome to the society.</p>", style)}
    for slug, (_title, pages) in CASES.items():
        for n in range(1, len(pages) + 1):
            site[BASE + _subpage(slug, n, style)] = _case_page(slug, n, style, pager)
    return site


def _crawl(out: Path, site: dict[str, bytes], pick: random.Random | None
           ) -> list[tuple[str, list[tuple[str, int]]]]:
    """Fetch the site as a crawler would: last found, first fetched (Scrapy's default
    queue), or, with ``pick``, any page already linked; each URL with its first link's
    role. The snapshot's (title, [(path, page number)]) per case."""
    pipeline = PagePipeline(CrawlOptions(start_url=LIST, out_dir=out, requisites=False))
    roles = {canonical_url(LIST, pipeline.scope.rules): "list"}
    queue, seen = [LIST], {LIST}
    while queue:
        url = queue.pop(pick.randrange(len(queue)) if pick else -1)
        verdict = take(pipeline, roles, url, site[url])
        for attribute, _link in FOLLOW_ORDER:
            for target in getattr(verdict, attribute):
                if target not in seen and target in site:
                    seen.add(target)
                    queue.append(target)
    closed = pipeline.close({})
    assert closed.snapshot is not None
    cases = [json.loads(line) for line in
             (out / "latest" / "cases.jsonl").read_text().splitlines()]
    return sorted((c["title"], [(p["url"].removeprefix(BASE), p["page_number"])
                                for p in c["pages"]]) for c in cases)


def _expected(style: str) -> list[tuple[str, list[tuple[str, int]]]]:
    return sorted((title, [(_subpage(slug, n, style), n) for n in range(1, len(pages) + 1)])
                  for slug, (title, pages) in CASES.items())


@pytest.mark.parametrize(("style", "every_page", "pager"), [
    # subpages "X/part-2" that only the menu's "Part 2" names (and the next page's link):
    # the menu names "Part 2" of every case, so its labels are no pager's
    ("tree", False, True),
    # the same without a pager: "X/part-2" is a page of "X" by its URL alone
    ("tree", False, False),
    # sibling pages "x-2" that the list links one by one ("X - Page 2"): the later pages
    # of a case arrive before its first, whose pager then names them
    ("siblings", True, True),
])
def test_each_case_is_its_pages_in_any_order(tmp_path: Path, style: str, every_page: bool,
                                              pager: bool) -> None:
    site = _site(style, every_page, pager)
    assert _crawl(tmp_path / "lifo", site, None) == _expected(style)
    for i in range(6):
        got = _crawl(tmp_path / f"random{i}", site, random.Random(i))
        assert got == _expected(style), f"order {i}"
