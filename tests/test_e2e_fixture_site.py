"""The vertical slice: crawl the fixture legacy site over real HTTP and compare the snapshot
with the site's expected case records (written from the site's content source, not by the
parser)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from casearchive.crawler.urls import canonical_url, case_id, case_key
from tests.conftest import FIXTURES
from tests.snapshots import CONTENT_FIELDS, cases_by_path, content_of, load_expected

EXPECTED = load_expected(FIXTURES / "site")


@pytest.fixture(scope="module")
def snapshot(fixture_crawl) -> Path:
    out, _base, result = fixture_crawl
    assert result.returncode == 0, result.stderr[-3000:]
    latest = out / "latest"
    assert latest.is_symlink()
    return latest.resolve()


@pytest.fixture(scope="module")
def cases(snapshot: Path) -> dict[str, dict]:
    return cases_by_path(snapshot)


def test_every_expected_case_and_no_other(cases: dict[str, dict]) -> None:
    assert sorted(cases) == sorted(e["url"] for e in EXPECTED)


@pytest.mark.parametrize("field", CONTENT_FIELDS)
@pytest.mark.parametrize("expected", EXPECTED, ids=[e["url"] for e in EXPECTED])
def test_case_field_matches_expected(cases: dict[str, dict], expected: dict, field: str) -> None:
    got = cases[expected["url"]]
    assert content_of(got, field) == expected[field]


@pytest.mark.parametrize("expected", EXPECTED, ids=[e["url"] for e in EXPECTED])
def test_case_identity_pages_and_completeness(
    fixture_crawl, cases: dict[str, dict], expected: dict
) -> None:
    base = fixture_crawl[1]
    got = cases[expected["url"]]
    assert got["case_key"] == case_key("http://h" + expected["url"])
    assert got["case_id"] == case_id(got["case_key"])
    assert [(p["page_number"], canonical_url(p["url"])) for p in got["pages"]] == [
        (p["page_number"], canonical_url(base + p["url"])) for p in expected["pages"]
    ]
    assert all(len(p["content_sha256"]) == 64 for p in got["pages"])
    assert got["complete"] is True and got["failed_urls"] == []
    assert len(got["content_sha256"]) == 64


def test_parquet_agrees_with_jsonl_in_pyarrow_and_duckdb(snapshot: Path, cases: dict) -> None:
    by_id = {c["case_id"]: c for c in cases.values()}
    table = pq.read_table(snapshot / "cases.parquet")
    assert table.num_rows == len(by_id)
    for row in table.to_pylist():
        assert row == by_id[row["case_id"]]
    rows = duckdb.sql(
        'select case_id, title, treatment, len("references") as n_refs, contact.city as city '
        f"from '{snapshot / 'cases.parquet'}' order by case_id"
    ).fetchall()
    assert [r[0] for r in rows] == sorted(by_id)
    for cid, title, treatment, n_refs, city in rows:
        case = by_id[cid]
        assert (title, treatment, n_refs) == (case["title"], case["treatment"],
                                              len(case["references"]))
        assert city == (case["contact"] or {}).get("city")


def test_long_tables_agree_with_the_case_records(snapshot: Path, cases: dict) -> None:
    import polars as pl

    by_id = {c["case_id"]: c for c in cases.values()}
    refs = pl.read_parquet(snapshot / "references.parquet")
    assert refs.height == sum(len(c["references"]) for c in by_id.values())
    for row in refs.iter_rows(named=True):
        ref = {k: row[k] for k in ("number", "text", "doi", "url", "pmid")}
        assert ref in by_id[row["case_id"]]["references"]

    sections = pl.read_parquet(snapshot / "sections.parquet")
    assert sections.schema["key"] == pl.String
    for case in by_id.values():
        rows = sections.filter(pl.col("case_id") == case["case_id"]).sort(
            ["page_number", "ordinal"]
        )
        for key in ("history", "treatment", "outcome", "working_diagnosis"):
            texts = rows.filter(pl.col("key") == key)["text"].to_list()
            assert ("\n\n".join(texts) if texts else None) == case[key], (case["title"], key)
        others = rows.filter(pl.col("key").is_null())
        assert sorted(others["heading"].to_list(), key=str) == sorted(
            (o["heading"] for o in case["other_sections"]), key=str
        )

    pages = duckdb.sql(
        f"select case_id, count(*) as n from '{snapshot / 'pages.parquet'}' group by case_id"
    ).fetchall()
    assert dict(pages) == {cid: c["page_count"] for cid, c in by_id.items()}


def test_every_jsonl_line_validates_against_the_snapshot_schema(snapshot: Path) -> None:
    from jsonschema import Draft202012Validator

    schema = json.loads((snapshot / "case.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    lines = (snapshot / "cases.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines
    for line in lines:
        validator.validate(json.loads(line))


def test_every_table_carries_the_case_key_of_its_case(snapshot: Path) -> None:
    keys = dict(duckdb.sql(f"select case_id, case_key from '{snapshot / 'cases.parquet'}'")
                .fetchall())
    assert all(keys.values())
    for table in ("pages", "sections", "references"):
        rows = duckdb.sql(
            f"select distinct case_id, case_key from '{snapshot / (table + '.parquet')}'"
        ).fetchall()
        assert rows and all(keys[cid] == key for cid, key in rows), table
