"""What a page is does not depend on which link to it the crawl followed first.

A page's role comes from the link it was requested through: a site's menu can reach a case
list, a case or a view of one before the link that says what it is. Generated sites of the
corpus are crawled in-process (``tests.corpus.orders``) in the random orders that went
wrong before each rule:

* a frameset's welcome text links the case list as navigation, its menu frame as a list:
  a list requested as navigation first is handled as a list when a list link came before
  its response (``PagePipeline._list_links``), and fetched again as one when it came after
  (``Verdict.refetch``);
* the old URL of a CMS article (``index.php?option=com_content&id=70``) links the "All
  Pages" view of its new one: a view, whichever page links it, never a case of its own
  (``LinkRoles.views``);
* that old URL, reached first through a menu, is taken on its page marker alone; the
  list's link to the new URL comes later, with the same content: one page of the case,
  under the new URL (``CaseAssembler._merge_own_views``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import run_cli
from tests.corpus.families import build_site
from tests.corpus.orders import right, score_orders

CASES = 8


@pytest.mark.parametrize(("family", "seed", "order"), [
    ("frames", 3, 1),  # the list skipped as navigation, then linked as a list: fetched again
    ("frames", 1, 0),  # linked as a list while its request as navigation waited
    ("joomla", 1, 2),  # the "All Pages" view linked from the article's old URL
    ("joomla", 39, 0),  # the print view of the new URL (in the old one's pager), skipped
    ("joomla", 39, 1),  # the old URL taken on its page marker before the list's new URL
    ("joomla", 41, 8),  # ... and the new URL came while the old one's case was open
    ("joomla", 39, 12),  # ... and the new URL came after that case was written
])
def test_the_snapshot_does_not_depend_on_the_order_of_the_links(
        tmp_path: Path, family: str, seed: int, order: int) -> None:
    (tally,) = score_orders(family, seed, [order], CASES, tmp_path)
    assert right(tally), tally
    manifest = json.loads((tmp_path / f"out{order}" / "latest" / "manifest.json").read_text(
        encoding="utf-8"))
    # a page found to be another URL of one is no case page of the summary's count
    assert manifest["crawl_stats"]["case_pages"] == manifest["counts"]["pages"]


def test_a_list_skipped_as_navigation_is_fetched_again_as_a_list(
        tmp_path: Path, serve_site) -> None:
    """Over HTTP: the menu frame is two framesets deep and answers late, so the welcome
    frame's navigation link to the case list is followed, and the list skipped, before the
    menu links it as a list. The spider requests it again as a list (past Scrapy's
    duplicate filter): every case is in the snapshot, the crawl exits 0, and the list is not
    reported skipped. ``reparse`` replays breadth first, where the same depth puts the
    list's skip before the menu's list link: it reads the list again too."""
    site = build_site("frames", 3, 3)
    root = tmp_path / "site"
    site.write(root)
    _nest_the_menu(root, depth=2)
    _server, base = serve_site(root)
    out = tmp_path / "out"
    crawl = run_cli("crawl", base + site.start_path, "--out", str(out), "--no-polite", "--json")
    assert crawl.returncode == 0, crawl.stderr[-2000:]
    snapshot = out / "latest"
    titles = sorted(row["title"] for row in _cases(snapshot))
    assert titles == sorted(case["title"] for case in site.cases)
    manifest = json.loads((snapshot / "manifest.json").read_text(encoding="utf-8"))
    skipped = {entry["url"] for entry in manifest["crawl_stats"]["skipped"]}
    assert not any(url.endswith("/cases.html") for url in skipped), skipped
    fetched = [record.rec_headers.get_header("WARC-Target-URI") for record in
               ArchiveIterator((snapshot / "pages.warc.gz").open("rb"))
               if record.rec_type in ("response", "revisit")]
    assert sum(url.endswith("/cases.html") for url in fetched) == 2  # as navigation, as a list
    again = run_cli("reparse", str(snapshot), "--out", str(tmp_path / "again"))
    assert again.returncode == 0, again.stderr[-2000:]
    replayed = tmp_path / "again" / "latest"
    assert sorted(row["title"] for row in _cases(replayed)) == titles
    manifest = json.loads((replayed / "manifest.json").read_text(encoding="utf-8"))
    assert not any(entry["url"].endswith("/cases.html")
                   for entry in manifest["crawl_stats"]["skipped"])


def _nest_the_menu(root: Path, depth: int) -> None:
    """Put the frameset's menu frame (``nav.html``) ``depth`` framesets deep, the last one
    slow to answer (``slow_first``)."""
    routes_file = root / "routes.json"
    routes = json.loads(routes_file.read_text(encoding="utf-8"))
    index = root / routes["/index.html"]["file"]
    target = "nav.html"
    for level in range(depth, 0, -1):
        name = f"menu{level}.html"
        (root / name).write_text(f'<html><frameset cols="100%"><frame src="{target}">'
                                 "</frameset></html>", encoding="latin-1")
        routes[f"/{name}"] = {"content_type": "text/html", "file": name, "status": 200}
        target = name
    index.write_text(index.read_text(encoding="latin-1").replace(
        'SRC="nav.html"', f'SRC="{target}"'), encoding="latin-1")
    routes["/nav.html"]["slow_first"] = 1.5
    routes_file.write_text(json.dumps(routes), encoding="utf-8")


def _cases(snapshot: Path) -> list[dict]:
    return [json.loads(line) for line in
            (snapshot / "cases.jsonl").read_text(encoding="utf-8").splitlines()]
