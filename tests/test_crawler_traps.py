"""A crawl of a site full of legacy traps over real HTTP: it terminates, exports every good
case exactly, reports every bad one, never fetches a robots-disallowed URL and never fetches
a URL twice (beyond retries). A second site with another URL scheme needs no options."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from casearchive.crawler.urls import canonical_url
from tests.conftest import FIXTURES, run_cli
from tests.snapshots import CONTENT_FIELDS, cases_by_path, content_of, load_expected, path_of

TRAPS = FIXTURES / "site_traps"
REPORT = json.loads((TRAPS / "expected_report.json").read_text(encoding="utf-8"))
BASE = "http://h"


def canon_path(path: str) -> str:
    return path_of(canonical_url(BASE + path))


@pytest.fixture(scope="module")
def traps_crawl(tmp_path_factory, legacy_server_module):
    out = tmp_path_factory.mktemp("traps")
    server, base = legacy_server_module.serve(TRAPS)
    try:
        result = run_cli("crawl", base + REPORT["start_path"], "--out", str(out),
                         *REPORT["crawl_args"], "--json")
        log = list(server.request_log)
    finally:
        server.shutdown()
    return out, result, log


def test_crawl_terminates_with_exit_3_and_a_snapshot(traps_crawl) -> None:
    out, result, _log = traps_crawl
    assert result.returncode == 3, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert (out / "latest").is_symlink()


def test_good_cases_are_exported_exactly(traps_crawl) -> None:
    cases = cases_by_path((traps_crawl[0] / "latest").resolve())
    for expected in load_expected(TRAPS):
        got = cases[expected["url"]]
        for field in CONTENT_FIELDS:
            assert content_of(got, field) == expected[field], (expected["url"], field)
        assert got["complete"] is True
        assert [path_of(p["url"]) for p in got["pages"]] == [
            canon_path(p["url"]) for p in expected["pages"]
        ]


def test_no_other_case_is_exported(traps_crawl) -> None:
    cases = cases_by_path((traps_crawl[0] / "latest").resolve())
    assert sorted(cases) == sorted([*REPORT["good_cases"], *REPORT["incomplete_cases"]])


@pytest.mark.parametrize("url", sorted(REPORT["incomplete_cases"]))
def test_bad_cases_are_incomplete_with_their_failed_urls(traps_crawl, url: str) -> None:
    truth = REPORT["incomplete_cases"][url]
    case = cases_by_path((traps_crawl[0] / "latest").resolve())[url]
    assert case["complete"] is False
    assert case["title"] == truth["title"]
    failed = [path_of(u) for u in case["failed_urls"]]
    assert failed == [canon_path(u) for u in truth["failed_urls"]]
    pages = [path_of(p["url"]) for p in case["pages"]]
    assert pages == [canon_path(u) for u in truth["pages_ok"]]


def test_failures_and_non_cases_are_reported(traps_crawl) -> None:
    stats = json.loads(traps_crawl[1].stdout)["stats"]
    failed = {canon_path(path_of(f["url"])): f["reason"] for f in stats["failures"]}
    for truth in REPORT["incomplete_cases"].values():
        for url in truth["failed_urls"]:
            assert canon_path(url) in failed
    for url in REPORT["not_cases"]["missing"]:
        assert failed[canon_path(url)] == "HTTP 404"
    skipped = {canon_path(path_of(s["url"])): s["reason"] for s in stats["skipped"]}
    for url in REPORT["not_cases"]["soft_404"]:
        assert "404" in skipped[canon_path(url)] or "not found" in skipped[canon_path(url)]
    assert stats["cases_incomplete"] == len(REPORT["incomplete_cases"])
    assert stats["cases_complete"] == len(REPORT["good_cases"])


def test_robots_disallowed_urls_are_never_fetched(traps_crawl) -> None:
    fetched = {path for _method, path in traps_crawl[2]}
    assert "/robots.txt" in fetched
    for prefix in REPORT["robots"]["disallowed_prefixes"]:
        assert not [p for p in fetched if p.startswith(prefix)]


def test_no_url_is_fetched_twice_beyond_retries(traps_crawl) -> None:
    limits = REPORT["fetch_limits"]
    allowed = {canon_path(u): n for group in ("retry_then_success", "retry_then_failure")
               for u, n in limits[group].items()}
    group_of = {canon_path(spelling): canon_path(page)
                for page, spellings in REPORT["case_pages"].items() for spelling in spellings}
    counts = Counter(group_of.get(canon_path(p), canon_path(p)) for _m, p in traps_crawl[2])
    too_many = {p: n for p, n in counts.items() if n > allowed.get(p, limits["default"])}
    assert not too_many


def test_the_endless_calendar_is_not_followed(traps_crawl) -> None:
    for path, rule in REPORT["endless"].items():
        hits = [p for _m, p in traps_crawl[2] if p.split("?")[0] == path]
        assert len(hits) <= rule["max_fetches"]


@pytest.mark.slow
def test_a_site_with_another_url_scheme_needs_no_options(serve_site, tmp_path: Path) -> None:
    site = FIXTURES / "site_static"
    server, base = serve_site(site)
    result = run_cli("crawl", f"{base}/cases/index.html", "--out", str(tmp_path), "--no-polite")
    assert result.returncode == 0, result.stderr[-3000:]
    cases = cases_by_path((tmp_path / "latest").resolve())
    expected = load_expected(site)
    assert sorted(cases) == sorted(canon_path(e["url"]) for e in expected)
    for e in expected:
        got = cases[canon_path(e["url"])]
        for field in CONTENT_FIELDS:
            assert content_of(got, field) == e[field], (e["url"], field)
    counts = Counter(canon_path(p) for _m, p in server.request_log)
    assert max(counts.values()) == 1, [p for p, n in counts.items() if n > 1]


@pytest.mark.slow  # a crawl of its own; CI runs it in make test-slow
def test_a_redirect_off_the_site_is_not_followed(serve_site, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "robots.txt").write_text("User-agent: *\nDisallow:\n")
    (site / "routes.json").write_text(json.dumps({
        "/robots.txt": {"file": "robots.txt", "content_type": "text/plain"},
        "/casestudies/index.asp": {"redirect": "http://127.0.0.2:9/evil", "status": 301},
    }))
    server, base = serve_site(site)
    result = run_cli("crawl", f"{base}/casestudies/index.asp", "--out", str(tmp_path / "s"),
                     "--no-polite", "--json")
    assert result.returncode == 1
    error = json.loads(result.stdout)["error"]
    assert error == (f"cannot reach {base}/casestudies/index.asp: "
                     "redirected to another origin (http://127.0.0.2:9/evil)")
    assert [p for _m, p in server.request_log] == ["/robots.txt", "/casestudies/index.asp"]


@pytest.mark.parametrize("url", sorted(REPORT["incomplete_cases"]))
def test_failed_pages_have_a_row_in_pages_parquet(traps_crawl, url: str) -> None:
    """A failed page is a row with its number, a null or HTTP status and the reason; the
    case's page_count counts it."""
    import pyarrow.parquet as pq

    truth = REPORT["incomplete_cases"][url]
    snapshot = (traps_crawl[0] / "latest").resolve()
    case = cases_by_path(snapshot)[url]
    rows = [r for r in pq.read_table(snapshot / "pages.parquet").to_pylist()
            if r["case_id"] == case["case_id"]]
    assert case["page_count"] == len(rows) == truth["announced_pages"]
    assert [r["page_number"] for r in rows] == list(range(1, len(rows) + 1))
    failed = [r for r in rows if r["error"] is not None]
    assert [path_of(r["url"]) for r in failed] == [canon_path(u) for u in truth["failed_urls"]]
    for row in failed:
        assert row["content_sha256"] is None and row["warc_record_id"] is None
        assert row["status"] is None or row["status"] >= 400
        assert row["case_key"] == case["case_key"]
    if "404" in truth["why"]:
        assert [(r["status"], r["error"]) for r in failed] == [(404, "HTTP 404")]
    assert all(r["error"] is None and r["status"] == 200 for r in rows if r not in failed)
