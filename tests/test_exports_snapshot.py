"""The snapshot writer: contents read back by real readers, determinism, atomicity."""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import signal
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq
import pytest
from jsonschema import Draft202012Validator

from casearchive.exports.files import TMP_PREFIX
from casearchive.exports.parquet import ROW_GROUP_TEXT
from casearchive.exports.rows import PageRow
from casearchive.exports.schema import META_VERSION, SCHEMA_VERSION, TABLES, arrow_schema
from casearchive.exports.snapshot import SnapshotWriter, remove_leftovers
from casearchive.exports.spool import chunk_bounds, text_size
from casearchive.exports.verify import verify_snapshot
from tests.factories import T0, fixed_clock, make_case, make_corpus, make_pages, write_snapshot

ROOT = Path(__file__).resolve().parent.parent
FILES = {
    "cases.parquet", "cases.jsonl", "sections.parquet", "pages.parquet",
    "references.parquet", "figures.parquet", "case.schema.json", "manifest.json",
}


@pytest.fixture
def corpus():
    return make_corpus(9, pages=3)


@pytest.fixture
def snap(tmp_path, corpus):
    return write_snapshot(tmp_path / "snaps", corpus)


def writer(out: Path, **kw) -> SnapshotWriter:
    return SnapshotWriter(out, start_url="https://x/", tool_version="0.1.0",
                          parser_version="p1", **kw)


def test_layout_and_manifest(snap, corpus):
    assert {p.name for p in snap.iterdir()} == FILES
    assert snap.name == "20250131T120000Z"
    assert (snap.parent / "latest").resolve() == snap
    assert os.readlink(snap.parent / "latest") == snap.name  # relative link
    m = json.loads((snap / "manifest.json").read_text())
    assert m["snapshot_id"] == snap.name
    assert m["schema_version"] == SCHEMA_VERSION
    assert (m["tool_version"], m["parser_version"]) == ("0.1.0", "parsers-1")
    assert (m["started_at"], m["finished_at"]) == ("2025-01-31T12:00:00Z", "2025-01-31T12:00:05Z")
    assert m["complete"] is True
    assert m["crawl_stats"] == {"pages_crawled": 7, "start_time": "2025-01-31T12:00:00Z"}
    assert m["counts"] == {
        "cases": 9, "pages": 27, "sections": 3 * 24, "references": 12, "figures": 6,
        "complete_cases": 6, "incomplete_cases": 3,
    }
    assert set(m["files"]) == FILES - {"manifest.json"}
    assert m["files"]["cases.jsonl"]["bytes"] == (snap / "cases.jsonl").stat().st_size
    assert verify_snapshot(snap) == []


def test_jsonl_is_canonical_sorted_and_valid(snap, corpus):
    lines = (snap / "cases.jsonl").read_bytes().decode("utf-8").splitlines()
    objs = [json.loads(line) for line in lines]
    assert [o["case_id"] for o in objs] == sorted(c.case_id for c in corpus)
    by_id = {c.case_id: dataclasses.asdict(c) for c in corpus}
    validator = Draft202012Validator(json.loads((snap / "case.schema.json").read_text()))
    for line, obj in zip(lines, objs, strict=True):
        assert obj == by_id[obj["case_id"]]
        assert line == json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert not list(validator.iter_errors(obj))
    assert "“quoted” text ünïcode" in lines[1]  # ensure_ascii=False


def test_parquet_schemas_and_metadata(snap):
    for name, table in TABLES.items():
        f = pq.ParquetFile(snap / table.file)
        assert f.schema_arrow.equals(arrow_schema(name), check_metadata=False)
        assert f.schema_arrow.metadata[META_VERSION.encode()] == SCHEMA_VERSION.encode()
        assert f.metadata.row_group(0).column(0).compression == "ZSTD"


def test_pyarrow_duckdb_polars_and_json_agree(snap):
    jsonl = [json.loads(line) for line in (snap / "cases.jsonl").read_text().splitlines()]
    arrow_rows = pq.read_table(snap / "cases.parquet").to_pylist()
    assert arrow_rows == jsonl
    polars_rows = pl.read_parquet(snap / "cases.parquet").to_dicts()
    assert polars_rows == jsonl
    path = (snap / "cases.parquet").as_posix()
    rows = duckdb.sql(
        f"select case_id, title, contact.city as city, len(\"references\") as n_refs "
        f"from '{path}' order by case_id"
    ).fetchall()
    assert rows == [
        (c["case_id"], c["title"], (c["contact"] or {}).get("city"), len(c["references"]))
        for c in jsonl
    ]
    ref_path = (snap / "references.parquet").as_posix()
    dois = duckdb.sql(f"select doi from '{ref_path}' where doi is not null").fetchall()
    assert sorted(d for (d,) in dois) == sorted(
        r["doi"] for c in jsonl for r in c["references"] if r["doi"]
    )


def test_references_table(snap, corpus):
    rows = pq.read_table(snap / "references.parquet").to_pylist()
    expected = [
        {"case_id": c.case_id, **dataclasses.asdict(r), "case_key": c.case_key}
        for c in sorted(corpus, key=lambda c: c.case_id)
        for r in c.references
    ]
    assert rows == expected


def test_pages_table(snap, corpus):
    table = pq.read_table(snap / "pages.parquet")
    assert table.column_names == [f.name for f in TABLES["pages"].fields]
    rows = table.to_pylist()
    keys = [(r["case_id"], r["page_number"]) for r in rows]
    assert keys == sorted(keys) and len(keys) == 27
    first = rows[0]
    assert first["fetched_at"] == T0 + timedelta(seconds=1)
    assert first["fetched_at"].utcoffset() == timedelta(0)
    assert first["warnings"] == ["odd markup"] and first["status"] == 200
    failed = [r for r in rows if r["status"] is None]
    assert len(failed) == 3 and all(r["content_sha256"] is None for r in failed)
    polars = pl.read_parquet(snap / "pages.parquet")
    assert str(polars.schema["fetched_at"]) == "Datetime(time_unit='us', time_zone='UTC')"


def test_sections_long_table(snap, corpus):
    path = (snap / "sections.parquet").as_posix()
    rows = duckdb.sql(
        f"select case_id, page_number, ordinal, key, heading, text from '{path}'"
    ).fetchall()
    assert rows == sorted(rows, key=lambda r: r[:3])
    case = sorted(corpus, key=lambda c: c.case_id)[0]
    mine = [r[1:] for r in rows if r[0] == case.case_id]
    expected = [
        (row.page_number, i, s.key, s.heading, s.text)
        for row in make_pages(case)
        for i, s in enumerate(row.sections, 1)
    ]
    assert mine == expected
    assert any(r[3] is None and r[4] is None for r in rows)  # unplaced text kept


def test_same_content_gives_same_bytes(tmp_path, corpus):
    a = write_snapshot(tmp_path / "a", corpus)
    b = write_snapshot(tmp_path / "b", list(reversed(corpus)),
                       clock=fixed_clock(T0 + timedelta(days=3)))
    ma = json.loads((a / "manifest.json").read_text())["files"]
    mb = json.loads((b / "manifest.json").read_text())["files"]
    assert ma == mb
    for name in ma:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


@pytest.mark.slow
def test_more_rows_than_a_row_group(tmp_path):
    snap = write_snapshot(tmp_path, make_corpus(1100, pages=1))
    f = pq.ParquetFile(snap / "cases.parquet")
    assert (f.num_row_groups, f.metadata.num_rows) == (2, 1100)
    assert verify_snapshot(snap) == []


def test_row_groups_end_at_a_bound_on_their_text(tmp_path, corpus, monkeypatch):
    """A row group ends before its text passes ``ROW_GROUP_TEXT`` (the memory a snapshot's
    writing holds is bounded whatever the cases' size); the content is the same."""
    whole = write_snapshot(tmp_path / "whole", corpus)
    bound = 2 * text_size(pq.read_table(whole / "cases.parquet").slice(0, 1).to_pylist()[0])
    for table in ("cases", "sections", "pages"):
        monkeypatch.setitem(ROW_GROUP_TEXT, table, bound)
    split = write_snapshot(tmp_path / "split", corpus)
    for name in ("cases.parquet", "sections.parquet", "pages.parquet", "references.parquet",
                 "figures.parquet"):
        assert pq.read_table(split / name).equals(pq.read_table(whole / name)), name
    cases = pq.ParquetFile(split / "cases.parquet")
    assert cases.num_row_groups > 1
    for group in range(cases.num_row_groups):
        rows = cases.read_row_group(group).to_pylist()
        assert len(rows) == 1 or sum(map(text_size, rows)) <= bound
    assert verify_snapshot(split) == []


@pytest.mark.parametrize(("sizes", "rows", "text", "bounds"), [
    ([1, 1, 1, 1, 1], 2, 100, [(0, 2), (2, 4), (4, 5)]),  # the row bound
    ([4, 4, 4, 1], 10, 8, [(0, 2), (2, 4)]),  # the text bound: 4 + 4, then 4 + 1
    ([1, 20, 1], 10, 8, [(0, 1), (1, 2), (2, 3)]),  # a row over the bound stands alone
    ([], 10, 8, []),
])
def test_chunk_bounds(sizes, rows, text, bounds):
    assert list(chunk_bounds(sizes, rows, text)) == bounds


def test_empty_snapshot(tmp_path):
    w = writer(tmp_path)
    snap = w.finish({}, complete=False)
    assert json.loads((snap / "manifest.json").read_text())["counts"]["cases"] == 0
    assert pq.read_table(snap / "cases.parquet").num_rows == 0
    assert (snap / "cases.jsonl").read_bytes() == b""
    assert verify_snapshot(snap) == []


def test_duplicate_case_or_page_is_refused(tmp_path):
    w = writer(tmp_path)
    case = make_case(1)
    w.add_case(case)
    with pytest.raises(ValueError, match="duplicate"):
        w.add_case(case)
    row = make_pages(case)[0]
    w.add_page(row)
    with pytest.raises(ValueError, match="duplicate"):
        w.add_page(row)
    w.abort()


def test_naive_fetched_at_is_refused(tmp_path):
    w = writer(tmp_path)
    with pytest.raises(ValueError, match="timezone-aware"):
        w.add_page(PageRow("c", 1, "u", fetched_at=datetime(2025, 1, 1)))
    w.abort()


def test_warc_written_by_crawler_is_checksummed(tmp_path):
    w = writer(tmp_path)
    (w.tmp_path / "pages.warc.gz").write_bytes(b"\x1f\x8b fake warc")
    snap = w.finish({}, complete=True)
    files = json.loads((snap / "manifest.json").read_text())["files"]
    assert files["pages.warc.gz"]["bytes"] == 12
    assert verify_snapshot(snap) == []


def test_id_collision_gets_suffix_and_latest_follows(tmp_path):
    first = write_snapshot(tmp_path, make_corpus(2))
    second = write_snapshot(tmp_path, make_corpus(3))
    assert (first.name, second.name) == ("20250131T120000Z", "20250131T120000Z-1")
    assert json.loads((second / "manifest.json").read_text())["snapshot_id"] == second.name
    assert (tmp_path / "latest").resolve() == second
    assert verify_snapshot(second) == []


def test_temp_dir_is_hidden_and_latest_switches_last(tmp_path):
    old = write_snapshot(tmp_path, make_corpus(2))
    w = writer(tmp_path, clock=fixed_clock(T0 + timedelta(hours=1)))
    assert w.tmp_path.parent == tmp_path and w.tmp_path.name.startswith(".tmp-")
    w.add_case(make_case(5))
    visible = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("."))
    assert visible == [old.name, "latest"]
    assert (tmp_path / "latest").resolve() == old
    new = w.finish({}, complete=True)
    assert (tmp_path / "latest").resolve() == new
    assert not list(tmp_path.glob(".tmp-*"))


def test_abort_and_context_manager(tmp_path):
    old = write_snapshot(tmp_path, make_corpus(2))
    w = writer(tmp_path)

    def crawl_that_fails() -> None:
        with w:
            w.add_case(make_case(1))
            raise RuntimeError("crawl failed")

    with pytest.raises(RuntimeError, match="crawl failed"):
        crawl_that_fails()
    assert not w.tmp_path.exists()
    assert (tmp_path / "latest").resolve() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == [old.name, "latest"]


def test_a_failure_writing_the_sections_fails_the_snapshot(tmp_path, corpus, monkeypatch):
    """The sections are written on a second thread; what fails there fails ``finish``
    as it would on the first, and ``latest`` stays where it was."""
    old = write_snapshot(tmp_path, make_corpus(2))

    def full_disk(self):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(SnapshotWriter, "_write_sections", full_disk)
    w = writer(tmp_path)
    for case in corpus:
        w.add_case(case)
    with pytest.raises(OSError, match="No space left"):
        w.finish({}, complete=True)
    w.abort()  # what the crawl does when finishing fails
    assert (tmp_path / "latest").resolve() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == [old.name, "latest"]


def test_when_both_writings_fail_neither_error_is_lost(tmp_path, corpus, monkeypatch):
    """The case files fail first; the sections thread's own failure is kept as a note on
    the error ``finish`` raises, not dropped."""

    def cases_fail(self, pages):
        raise OSError(errno.ENOSPC, "No space left on device (cases)")

    def sections_fail(self):
        raise OSError(errno.EIO, "Input/output error (sections)")

    monkeypatch.setattr(SnapshotWriter, "_write_cases", cases_fail)
    monkeypatch.setattr(SnapshotWriter, "_write_sections", sections_fail)
    w = writer(tmp_path)
    for case in corpus:
        w.add_case(case)
    with pytest.raises(OSError, match="cases") as raised:
        w.finish({}, complete=True)
    w.abort()
    assert raised.value.__notes__ == [
        "writing the sections failed too: OSError: [Errno 5] Input/output error (sections)"]
    assert not any(p.name.startswith(TMP_PREFIX) for p in tmp_path.iterdir())


def test_killed_writer_leaves_latest_and_is_cleaned_next_time(tmp_path):
    old = write_snapshot(tmp_path, make_corpus(2))
    script = textwrap.dedent(f"""
        import os, sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from tests.factories import make_case
        from casearchive.exports.snapshot import SnapshotWriter
        w = SnapshotWriter(__import__("pathlib").Path({str(tmp_path)!r}), start_url="u",
                           tool_version="t", parser_version="p")
        w.add_case(make_case(1))
        (w.tmp_path / "pages.warc.gz").write_bytes(b"partial")
        print(w.tmp_path, flush=True)
        time.sleep(60)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True)
    tmp = Path(proc.stdout.readline().strip())
    assert tmp.is_dir()
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    assert (tmp_path / "latest").resolve() == old
    assert verify_snapshot(tmp_path / "latest") == []
    new = write_snapshot(tmp_path, make_corpus(3),
                         clock=fixed_clock(T0 + timedelta(hours=2)))
    assert not tmp.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([old.name, new.name, "latest"])


def test_remove_leftovers_spares_live_writers(tmp_path):
    live = tmp_path / f".tmp-20250101T000000Z-{os.getppid()}-abc"
    dead = tmp_path / ".tmp-20250101T000000Z-999999999-abc"
    stale_link = tmp_path / ".tmp-latest-999999999-ab12"
    live.mkdir()
    dead.mkdir()
    (dead / "x").write_text("x")
    stale_link.symlink_to("nowhere")
    assert sorted(remove_leftovers(tmp_path)) == sorted([dead, stale_link])
    assert live.exists() and not dead.exists() and not stale_link.is_symlink()


def test_finish_twice_is_refused(tmp_path):
    w = writer(tmp_path, clock=fixed_clock(datetime(2025, 5, 1, tzinfo=UTC)))
    w.finish({}, complete=True)
    with pytest.raises(RuntimeError):
        w.finish({}, complete=True)


def test_figures_table(snap, corpus):
    rows = pq.read_table(snap / "figures.parquet").to_pylist()
    expected = [
        {"case_id": c.case_id, "ordinal": n, **dataclasses.asdict(f), "case_key": c.case_key}
        for c in sorted(corpus, key=lambda c: c.case_id)
        for n, f in enumerate(c.figures, 1)
    ]
    assert rows == expected and len(rows) == 6


def test_late_aliases_join_their_page_row(tmp_path, corpus):
    """A redirect to a page found after its case was written (the crawl's order decides
    that) still lands in the page's ``aliases``, matched through the crawl's canonical form."""
    w = writer(tmp_path / "snaps")
    for case in corpus:
        w.add_case(case)
        for row in make_pages(case):
            w.add_page(row)
    page = corpus[0].pages[0].url
    w.add_late_aliases([("http://x/node/1", page.upper())], canonical=str.upper)
    w.finish(crawl_stats={}, complete=True)
    rows = pq.read_table(tmp_path / "snaps" / "latest" / "pages.parquet").to_pylist()
    assert [r["url"] for r in rows if "http://x/node/1" in r["aliases"]] == [page]
