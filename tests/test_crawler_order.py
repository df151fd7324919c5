"""The snapshot does not depend on the order in which responses arrive.

A wiki keeps a case's later pages as subpages (``X/Part_2``, ``X/Part_3``) that print no page
number, and its category page links every subpage. The case list links only ``X``. A crawl
usually reaches ``X`` first, whose pager names its subpages; under load it may reach the
category, and from it ``X/Part_3`` and ``X/Part_2``, before ``X``. The pipeline is driven
in-process with every order a crawler could fetch these pages in (each page only once a
page fetched before it links it, with the role that link gave it), and every order must
give the same cases, pages and page numbers.
"""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

import pytest

from casearchive.crawler.options import CrawlOptions
from casearchive.crawler.pipeline import PagePipeline
from casearchive.crawler.urls import canonical_url
from tests.pipeline_driver import take
from tests.test_crawler_views import NOTE, wiki_page

BASE = "http://127.0.0.1:8080"
#: How a wiki's URLs name its pages: short URLs (``/wiki/X``), or its script's title
#: parameter on a wiki without them (``/index.php?title=X``).
VIEWS = {"short URLs": "/wiki/", "index.php": "/index.php?title="}
#: How a wiki names a case's later pages as subpages of its first: ``X/Part_2``, ``X/Page_2``
#: (whose title "X/Page 2" reads as "X" with a page marker).
PARTS = ("Part_{n}", "Page_{n}")
#: How a case's page links the others: a line naming every page ("Page 1 · Page 2 · Page
#: 3", the current one unlinked), or the pages before and after it ("← Page 1 | Case
#: Studies | Page 3 →": the last page does not link the first).
PAGERS = ("every page", "previous and next")
#: The wikis the orders are tried on: (view, part naming, pager).
WIKIS = [("short URLs", "Part_{n}", "every page"), ("short URLs", "Page_{n}", "previous and next"),
         ("index.php", "Part_{n}", "every page"), ("index.php", "Page_{n}", "previous and next")]

SECTIONS = {
    1: ("<h2>History</h2><p>A 19-year-old runner has had anterior knee pain for six weeks.</p>"
        "<h2>Physical Exam</h2><p>Tender lateral facet; no effusion.</p>"),
    2: ("<h2>Diagnosis</h2><p>Patellofemoral pain syndrome.</p>"
        "<h2>Treatment</h2><p>Relative rest and hip strengthening for six weeks.</p>"),
    3: ("<h2>Outcome</h2><p>Back to running at eight weeks without pain.</p>"
        "<h2>Discussion</h2><p>Hip weakness is common in runners with knee pain.</p>"),
}


class Wiki:
    """The small wiki of the module docstring, with its URLs in ``view`` (``VIEWS``), its
    subpages named by ``part`` (``PARTS``) and its case's ``pager`` (``PAGERS``). ``url``
    names its pages: "list", "category", "knee", "knee_2", "knee_3", "hip"."""

    def __init__(self, view: str, part: str, pager: str) -> None:
        self.prefix = VIEWS[view]
        self.pager = pager
        knee = "Case_Studies/Knee_Pain_in_a_Runner"
        self.titles = {"list": "Case_Studies", "category": "Category:Case_studies",
                       "knee": knee, "knee_2": f"{knee}/{part.format(n=2)}",
                       "knee_3": f"{knee}/{part.format(n=3)}",
                       "hip": "Case_Studies/Hip_Pain_in_a_Dancer"}
        self.url = {name: BASE + self.href(title) for name, title in self.titles.items()}
        self.responses = {self.url[name]: self.page(name) for name in self.titles}
        page = {name: canonical_url(url) for name, url in self.url.items()}  # as exported
        self.expected = [
            ("Hip Pain in a Dancer", [(page["hip"], 1)]),
            ("Knee Pain in a Runner", [(page["knee"], 1), (page["knee_2"], 2),
                                       (page["knee_3"], 3)]),
        ]

    def href(self, title: str) -> str:
        return self.prefix + title

    def link(self, name: str, text: str | None = None) -> str:
        title = self.titles[name]
        return f'<a href="{self.href(title)}">{text or title.replace("_", " ")}</a>'

    def page(self, name: str) -> bytes:
        # Every page of the wiki links its category.
        catlinks = ('<div id="catlinks" class="catlinks">'
                    f'{self.link("category", "Case studies")}</div>')
        title = self.titles[name].replace("_", " ")
        if name == "list":
            return wiki_page(title, f'<ul><li>{self.link("knee", "Knee Pain in a Runner")}'
                             f'</li><li>{self.link("hip", "Hip Pain in a Dancer")}</li></ul>'
                             + catlinks)
        if name == "category":  # the category lists every page in it, subpages too
            items = "".join(f"<li>{self.link(n)}</li>"
                            for n in ("hip", "knee", "knee_2", "knee_3"))
            return wiki_page(title, '<h2>Pages in category "Case studies"</h2>'
                             f"<ul>{items}</ul>")
        if name == "hip":
            return wiki_page(title, (
                "<h2>History</h2><p>A 15-year-old dancer with a painful snap in the groin.</p>"
                "<h2>Outcome</h2><p>Resolved with rest and a graded return to class.</p>"
                + NOTE + catlinks))
        # Page n of the case: no page number printed in the page, a navigation line
        n = {"knee": 1, "knee_2": 2, "knee_3": 3}[name]
        pages = ("knee", "knee_2", "knee_3")
        if self.pager == "every page":
            line = " · ".join(f"<strong>Page {k}</strong>" if k == n else
                              self.link(other, f"Page {k}")
                              for k, other in enumerate(pages, start=1))
        else:
            line = " | ".join(
                ([self.link(pages[n - 2], f"← Page {n - 1}")] if n > 1 else [])
                + [self.link("list", "Case Studies")]
                + ([self.link(pages[n], f"Page {n + 1} →")] if n < 3 else []))
        sub = "&lt; " + self.link("list", "Case Studies") + (
            " | " + self.link("knee", "Knee Pain in a Runner") if n > 1 else "")
        return wiki_page(title, SECTIONS[n] + f'<p class="nav">{line}</p>' + NOTE + catlinks,
                         sub=sub)


def crawl(out: Path, wiki: Wiki, names: list[str]
          ) -> list[tuple[str, list[tuple[str, int]]]] | None:
    """Fetch the pages ``names`` in that order as a crawler would, from the first (the start
    URL), each URL with the role of the first link to it; the snapshot's (title, [(page URL,
    page number)]) per case, or None when the order is one no crawler could take (a URL
    fetched before any page fetched before it links it)."""
    start = wiki.url[names[0]]
    pipeline = PagePipeline(CrawlOptions(start_url=start, out_dir=out, requisites=False))
    roles = {canonical_url(start, pipeline.scope.rules): "list"}
    for url in (wiki.url[name] for name in names):
        if canonical_url(url, pipeline.scope.rules) not in roles:
            return None
        take(pipeline, roles, url, wiki.responses[url])
    closed = pipeline.close({})
    assert closed.snapshot is not None
    cases = [json.loads(line) for line in
             (out / "latest" / "cases.jsonl").read_text().splitlines()]
    return sorted((c["title"], [(p["url"], p["page_number"]) for p in c["pages"]])
                  for c in cases)


@pytest.mark.parametrize(("view", "part", "pager"), WIKIS)
@pytest.mark.parametrize("order", [
    ["list", "knee", "knee_2", "knee_3", "category", "hip"],  # the list's order: page 1 first
    # the category first, and from it the last page, then its pager's page 2, then page 1:
    # page 3 printed no number and was taken as page 1; the case {3, 2} waited for nothing
    # (the list links page 1, so their "Page 1" links were no pager links) and was written
    # without page 1, which became a case of its own
    ["list", "category", "knee_3", "knee_2", "knee", "hip"],
    ["list", "category", "knee_2", "knee_3", "hip", "knee"],
])
def test_subpages_reached_before_their_first_page(tmp_path: Path, view: str, part: str,
                                                  pager: str, order: list[str]) -> None:
    wiki = Wiki(view, part, pager)
    assert crawl(tmp_path / "out", wiki, order) == wiki.expected


#: The wiki whose every order is tried; of the others', ``SAMPLED`` orders drawn at random.
FIRST_WIKI = (*WIKIS[0], "list")
SAMPLED = 60


@pytest.mark.parametrize(("view", "part", "pager", "start"), [
    *((*wiki, "list") for wiki in WIKIS), ("short URLs", "Part_{n}", "previous and next",
                                           "category")])
def test_every_order_a_crawler_can_take_gives_the_same_snapshot(tmp_path: Path, view: str,
                                                                part: str, pager: str,
                                                                start: str) -> None:
    # index.php: without the title parameter read as the page's path, every page of the
    # wiki was one URL family and each subpage a case of its own (the title parameter told
    # the list's cases apart, so a pager link to another title led to another case).
    # Page_N: "Case Studies/X/Page 3" lost its page marker but kept the slash, no longer
    # spelled the URL path, and a subpage reached before X, read as a case of another
    # title, never joined X's (whose pager names page 2, which page 3's case expects).
    # The category as the case list: it links every subpage; X/Part_3, reached from it
    # before X/Part_2's pager named it, was no case link (not of the family of the list's
    # links to X), skipped as navigation, and lost to its case.
    wiki = Wiki(view, part, pager)
    taken = 0
    # (with the category as the list, the wiki page listing the cases is left out: a page
    # like any other there)
    others = ["knee", "knee_2", "knee_3", "hip"] + (["category"] if start == "list" else [])
    orders = list(itertools.permutations(others))
    if (view, part, pager, start) != FIRST_WIKI:  # a sample of them, for the suite's time
        orders = random.Random(f"{view} {part} {pager} {start}").sample(
            orders, min(SAMPLED, len(orders)))
    for i, rest in enumerate(orders):
        got = crawl(tmp_path / f"out{i}", wiki, [start, *rest])
        if got is None:
            continue
        taken += 1
        assert got == wiki.expected, rest
    assert taken >= 10
