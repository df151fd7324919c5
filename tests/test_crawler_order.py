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
from pathlib import Path

import pytest

from casearchive.crawler.options import CrawlOptions
from casearchive.crawler.pipeline import PagePipeline
from casearchive.crawler.urls import canonical_url
from tests.pipeline_driver import take
from tests.test_crawler_views import NOTE, wiki_page

BASE = "http://127.0.0.1:8080"
LIST = BASE + "/wiki/Case_Studies"
CATEGORY = BASE + "/wiki/Category:Case_studies"
KNEE = LIST + "/Knee_Pain_in_a_Runner"
KNEE_2 = KNEE + "/Part_2"
KNEE_3 = KNEE + "/Part_3"
HIP = LIST + "/Hip_Pain_in_a_Dancer"

SECTIONS = {
    1: ("<h2>History</h2><p>A 19-year-old runner has had anterior knee pain for six weeks.</p>"
        "<h2>Physical Exam</h2><p>Tender lateral facet; no effusion.</p>"),
    2: ("<h2>Diagnosis</h2><p>Patellofemoral pain syndrome.</p>"
        "<h2>Treatment</h2><p>Relative rest and hip strengthening for six weeks.</p>"),
    3: ("<h2>Outcome</h2><p>Back to running at eight weeks without pain.</p>"
        "<h2>Discussion</h2><p>Hip weakness is common in runners with knee pain.</p>"),
}
#: Every page of the wiki links its category.
CATLINKS = ('<div id="catlinks" class="catlinks"><a href="/wiki/Category:Case_studies">'
            "Case studies</a></div>")


def knee(n: int) -> bytes:
    """Page ``n`` of the case: no page number printed anywhere, a navigation line naming
    the other pages ("Page 1 · Page 2 · Page 3", the current one unlinked)."""
    urls = {1: "/wiki/Case_Studies/Knee_Pain_in_a_Runner",
            2: "/wiki/Case_Studies/Knee_Pain_in_a_Runner/Part_2",
            3: "/wiki/Case_Studies/Knee_Pain_in_a_Runner/Part_3"}
    line = " · ".join(f"<strong>Page {k}</strong>" if k == n else
                      f'<a href="{urls[k]}">Page {k}</a>' for k in urls)
    title = "Case Studies/Knee Pain in a Runner" + (f"/Part {n}" if n > 1 else "")
    sub = ('&lt; <a href="/wiki/Case_Studies">Case Studies</a> | <a href="/wiki/Case_Studies/'
           'Knee_Pain_in_a_Runner">Knee Pain in a Runner</a>' if n > 1 else
           '&lt; <a href="/wiki/Case_Studies">Case Studies</a>')
    return wiki_page(title, SECTIONS[n] + f'<p class="nav">{line}</p>' + NOTE + CATLINKS,
                     sub=sub)


RESPONSES: dict[str, bytes] = {
    LIST: wiki_page("Case Studies", (
        '<ul><li><a href="/wiki/Case_Studies/Knee_Pain_in_a_Runner">Knee Pain in a Runner</a>'
        '</li><li><a href="/wiki/Case_Studies/Hip_Pain_in_a_Dancer">Hip Pain in a Dancer</a>'
        "</li></ul>" + CATLINKS)),
    # the category lists every page in it, subpages too
    CATEGORY: wiki_page("Category:Case studies", (
        "<h2>Pages in category \"Case studies\"</h2><ul>"
        '<li><a href="/wiki/Case_Studies/Hip_Pain_in_a_Dancer">Case Studies/Hip Pain in a '
        "Dancer</a></li>"
        '<li><a href="/wiki/Case_Studies/Knee_Pain_in_a_Runner">Case Studies/Knee Pain in a '
        "Runner</a></li>"
        '<li><a href="/wiki/Case_Studies/Knee_Pain_in_a_Runner/Part_2">Case Studies/Knee Pain '
        "in a Runner/Part 2</a></li>"
        '<li><a href="/wiki/Case_Studies/Knee_Pain_in_a_Runner/Part_3">Case Studies/Knee Pain '
        "in a Runner/Part 3</a></li></ul>")),
    KNEE: knee(1),
    KNEE_2: knee(2),
    KNEE_3: knee(3),
    HIP: wiki_page("Case Studies/Hip Pain in a Dancer", (
        "<h2>History</h2><p>A 15-year-old dancer with a painful snap in the groin.</p>"
        "<h2>Outcome</h2><p>Resolved with rest and a graded return to class.</p>" + NOTE
        + CATLINKS)),
}


def crawl(out: Path, order: list[str]) -> list[tuple[str, list[tuple[str, int]]]] | None:
    """Fetch ``order`` as a crawler would, each URL with the role of the first link to it;
    the snapshot's (title, [(page URL, page number)]) per case, or None when the order is
    one no crawler could take (a URL fetched before any page fetched before it links it)."""
    pipeline = PagePipeline(CrawlOptions(start_url=LIST, out_dir=out, requisites=False))
    roles = {LIST: "list"}
    for url in order:
        if canonical_url(url, pipeline.scope.rules) not in roles:
            return None
        take(pipeline, roles, url, RESPONSES[url])
    closed = pipeline.close({})
    assert closed.snapshot is not None
    cases = [json.loads(line) for line in
             (out / "latest" / "cases.jsonl").read_text().splitlines()]
    return sorted((c["title"], [(p["url"], p["page_number"]) for p in c["pages"]])
                  for c in cases)


EXPECTED = [
    ("Hip Pain in a Dancer", [(HIP, 1)]),
    ("Knee Pain in a Runner", [(KNEE, 1), (KNEE_2, 2), (KNEE_3, 3)]),
]


@pytest.mark.parametrize("order", [
    [LIST, KNEE, KNEE_2, KNEE_3, CATEGORY, HIP],  # the list's order: page 1 first
    # the category first, and from it the last page, then its pager's page 2, then page 1:
    # page 3 printed no number and was taken as page 1; the case {3, 2} waited for nothing
    # (the list links page 1, so their "Page 1" links were no pager links) and was written
    # without page 1, which became a case of its own
    [LIST, CATEGORY, KNEE_3, KNEE_2, KNEE, HIP],
    [LIST, CATEGORY, KNEE_2, KNEE_3, HIP, KNEE],
])
def test_subpages_reached_before_their_first_page(tmp_path: Path, order: list[str]) -> None:
    assert crawl(tmp_path / "out", order) == EXPECTED


def test_every_order_a_crawler_can_take_gives_the_same_snapshot(tmp_path: Path) -> None:
    taken = 0
    for i, rest in enumerate(itertools.permutations([CATEGORY, KNEE, KNEE_2, KNEE_3, HIP])):
        got = crawl(tmp_path / f"out{i}", [LIST, *rest])
        if got is None:
            continue
        taken += 1
        assert got == EXPECTED, [u.rsplit("/", 1)[-1] for u in rest]
    assert taken > 20
