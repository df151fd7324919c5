"""Case membership on evidence and one page per resource, crawled over real HTTP.

The CMS fixture site (``tests/fixtures/cms_site.py``) numbers its pagers from 0, reaches
cases through ``/node`` aliases, trailing-slash redirects and ``rel=canonical``, and holds
site pages (front page, About, guidelines, a taxonomy teaser page) that read like cases.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from casearchive.crawler.urls import canonical_url
from tests.conftest import run_cli
from tests.fixtures import cms_site
from tests.snapshots import cases_by_path, path_of


def _crawl(tmp: Path, serve, *, soft_404: bool
           ) -> tuple[dict, subprocess.CompletedProcess[str], Path, list]:
    site = tmp / "site"
    site.mkdir()
    truth = cms_site.build(site, soft_404=soft_404)
    server, base = serve(site)
    out = tmp / "out"
    result = run_cli("crawl", f"{base}/cases", "--out", str(out), "--no-polite", "--json")
    return truth, result, out, list(server.request_log)


@pytest.fixture(scope="module")
def cms_crawl(tmp_path_factory, serve_site_module):
    return _crawl(tmp_path_factory.mktemp("cms"), serve_site_module, soft_404=False)


def _pages(out: Path) -> list[dict]:
    return pq.read_table((out / "latest" / "pages.parquet").resolve()).to_pylist()


def test_every_case_is_complete_and_the_crawl_exits_0(cms_crawl) -> None:
    truth, result, out, _log = cms_crawl
    assert result.returncode == 0, result.stderr[-3000:]
    cases = cases_by_path((out / "latest").resolve())
    assert sorted(cases) == sorted(truth["cases"])
    for path, expected in truth["cases"].items():
        assert cases[path]["title"] == expected["title"]
        assert cases[path]["complete"] is True
        assert cases[path]["page_count"] == len(expected["pages"])


def test_pages_are_numbered_from_the_site_and_fetched_once(cms_crawl) -> None:
    truth, _result, out, log = cms_crawl
    cases = cases_by_path((out / "latest").resolve())
    for path, expected in truth["cases"].items():
        pages = cases[path]["pages"]
        assert [p["page_number"] for p in pages] == list(range(1, len(expected["pages"]) + 1))
        assert [path_of(p["url"]) for p in pages] == expected["pages"]
        assert not [w for w in cases[path]["warnings"] if "page number" in w]
    fetched = [path_of(canonical_url("http://h" + p)) for _m, p in log]
    assert not [p for p in fetched if p.endswith("?page=0")]
    assert len(fetched) == len(set(fetched))


def test_each_page_is_recorded_once_with_its_other_urls(cms_crawl) -> None:
    truth, _result, out, _log = cms_crawl
    rows = _pages(out)
    keys = [(r["case_id"], r["page_number"]) for r in rows]
    assert len(keys) == len(set(keys))
    cases = cases_by_path((out / "latest").resolve())
    for page, alias in truth["aliases"].items():
        case = cases[page]
        row = next(r for r in rows if (r["case_id"], r["page_number"]) == (case["case_id"], 1))
        aliases = {path_of(u) for u in row["aliases"]}
        assert path_of(canonical_url("http://h" + alias)) in aliases, row
        assert page not in aliases
    assert all(r["aliases"] is not None for r in rows)


def test_a_last_page_with_only_an_unknown_heading_is_kept(cms_crawl) -> None:
    truth, _result, out, _log = cms_crawl
    path, number, heading = truth["unknown_heading_page"]
    case = cases_by_path((out / "latest").resolve())[path]
    assert case["complete"] is True
    others = [s for s in case["other_sections"] if s["page_number"] == number]
    text = "\n".join(filter(None, [t for s in others for t in (s["heading"], s["text"])]))
    assert heading in text and "graded loading" in text
    if any(s["heading"] is None for s in others):  # unplaced text is explained
        assert [w for w in case["warnings"] if w.startswith(f"page {number}:")]


def test_site_pages_are_not_cases_and_say_which_evidence_is_missing(cms_crawl) -> None:
    truth, result, out, _log = cms_crawl
    stats = json.loads(result.stdout)["stats"]
    skipped = {path_of(s["url"]): s["reason"] for s in stats["skipped"]}
    for page in truth["site_pages"]:
        assert page in skipped, page
        assert "no case evidence" in skipped[page], (page, skipped[page])
    exported = {path_of(c["url"]) for c in cases_by_path((out / "latest").resolve()).values()}
    assert not exported & set(truth["site_pages"])


def test_a_case_linked_only_from_a_teaser_page_is_found(cms_crawl) -> None:
    _truth, _result, out, _log = cms_crawl
    assert "/cases/wrist-pain" in cases_by_path((out / "latest").resolve())


@pytest.mark.slow  # a crawl of its own; CI runs it in make test-slow
def test_a_soft_404_in_a_case_pager_is_a_missing_page(tmp_path: Path, serve_site) -> None:
    truth, result, out, _log = _crawl(tmp_path, serve_site, soft_404=True)
    assert result.returncode == 3, result.stderr[-3000:]
    stats = json.loads(result.stdout)["stats"]
    cases = cases_by_path((out / "latest").resolve())
    for path, missing in truth["incomplete"].items():
        assert cases[path]["complete"] is False
        assert [path_of(u) for u in cases[path]["failed_urls"]] == missing
        failures = {path_of(f["url"]): f["reason"] for f in stats["failures"]}
        assert all("soft 404" in failures[u] for u in missing), failures
    assert stats["cases_incomplete"] == len(truth["incomplete"])


def test_reparse_rebuilds_the_same_cases_and_aliases(cms_crawl, tmp_path: Path) -> None:
    _truth, _result, out, _log = cms_crawl
    result = run_cli("reparse", str(out / "latest"), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr[-3000:]
    rebuilt = next(p for p in tmp_path.iterdir() if p.is_dir() and p.name[0].isdigit())
    original = (out / "latest").resolve()
    assert (rebuilt / "cases.jsonl").read_text() == (original / "cases.jsonl").read_text()
    assert [r["aliases"] for r in _pages(out)] == [
        r["aliases"] for r in pq.read_table(rebuilt / "pages.parquet").to_pylist()]
