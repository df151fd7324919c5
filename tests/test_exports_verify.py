"""verify_snapshot: each kind of damage is caught and named by file."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from casearchive.exports.manifest import file_digest
from casearchive.exports.parquet import WRITER_OPTIONS
from casearchive.exports.schema import SCHEMA_VERSION, arrow_schema
from casearchive.exports.verify import verify_snapshot
from tests.factories import make_corpus, write_snapshot


@pytest.fixture
def snap(tmp_path):
    return write_snapshot(tmp_path / "snaps", make_corpus(6))


def reseal(snap, name):
    """Update the manifest's checksum of ``name``: the damage is in content, not transport."""
    path = snap / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["files"][name] = file_digest(snap / name)
    path.write_text(json.dumps(manifest))


def test_clean_snapshot_passes(snap):
    assert verify_snapshot(snap) == []


@pytest.mark.parametrize("name", ["cases.parquet", "cases.jsonl", "pages.parquet"])
def test_flipped_byte(snap, name):
    data = bytearray((snap / name).read_bytes())
    data[len(data) // 2] ^= 0x01
    (snap / name).write_bytes(bytes(data))
    problems = verify_snapshot(snap)
    assert f"{name}: SHA-256 does not match manifest.json (file changed)." in problems


def test_truncated_file(snap):
    data = (snap / "sections.parquet").read_bytes()
    (snap / "sections.parquet").write_bytes(data[:-10])
    problems = verify_snapshot(snap)
    assert problems[0].startswith("sections.parquet: size ")
    assert any(p.startswith("sections.parquet: cannot be read as Parquet") for p in problems)


@pytest.mark.parametrize("name", ["references.parquet", "case.schema.json", "cases.jsonl"])
def test_missing_file(snap, name):
    (snap / name).unlink()
    problems = verify_snapshot(snap)
    assert problems == [f"{name}: listed in manifest.json but missing."]


def test_missing_manifest(snap):
    (snap / "manifest.json").unlink()
    [problem] = verify_snapshot(snap)
    assert problem.startswith("manifest.json: missing")


def test_extra_file(snap):
    (snap / "notes.txt").write_text("hello")
    assert verify_snapshot(snap) == ["notes.txt: present but not listed in manifest.json."]


def test_jsonl_line_violating_schema(snap):
    lines = (snap / "cases.jsonl").read_text().splitlines()
    obj = json.loads(lines[2])
    obj["page_count"] = "four"
    lines[2] = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    (snap / "cases.jsonl").write_text("\n".join(lines) + "\n")
    reseal(snap, "cases.jsonl")
    problems = verify_snapshot(snap)
    assert problems[0] == (
        "cases.jsonl: line 3 violates case.schema.json at page_count: "
        "'four' is not of type 'integer'."
    )
    assert any(p.startswith("cases.parquet: row 3") and "page_count" in p for p in problems)


def test_jsonl_unsorted_and_not_canonical(snap):
    lines = (snap / "cases.jsonl").read_text().splitlines()
    lines[0], lines[1] = lines[1], json.dumps(json.loads(lines[0]), indent=1).replace("\n", "")
    (snap / "cases.jsonl").write_text("\n".join(lines) + "\n")
    reseal(snap, "cases.jsonl")
    problems = verify_snapshot(snap)
    assert "cases.jsonl: line 2 is not in canonical form." in problems
    assert any(p.startswith("cases.jsonl: line 2 case_id") and "sorted" in p for p in problems)


def test_parquet_jsonl_disagreement(snap):
    table = pq.read_table(snap / "cases.parquet")
    rows = table.to_pylist()
    rows[4]["title"] = "Edited title"
    schema = arrow_schema("cases")
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), snap / "cases.parquet",
                   **WRITER_OPTIONS)
    reseal(snap, "cases.parquet")
    assert verify_snapshot(snap) == [
        f"cases.parquet: row 5 (case_id {rows[4]['case_id']!r}) disagrees with cases.jsonl "
        "on title."
    ]


def test_parquet_missing_rows(snap):
    table = pq.read_table(snap / "references.parquet")
    pq.write_table(table.slice(0, 2), snap / "references.parquet", **WRITER_OPTIONS)
    reseal(snap, "references.parquet")
    problems = verify_snapshot(snap)
    assert "references.parquet: 2 rows, manifest.json counts 8." in problems
    assert ("references.parquet: row count differs from cases.jsonl (cases.jsonl has more)."
            in problems)


def test_parquet_wrong_schema(snap):
    table = pq.read_table(snap / "pages.parquet").drop_columns(["encoding"])
    pq.write_table(table, snap / "pages.parquet", **WRITER_OPTIONS)
    reseal(snap, "pages.parquet")
    assert verify_snapshot(snap) == [
        f"pages.parquet: schema differs from schema {SCHEMA_VERSION}: missing column encoding."
    ]


def test_manifest_count_mismatch(snap):
    path = snap / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["counts"]["cases"] = 99
    path.write_text(json.dumps(manifest))
    problems = verify_snapshot(snap)
    assert "cases.parquet: 6 rows, manifest.json counts 99." in problems
    assert "cases.jsonl: 6 lines, manifest.json counts 99." in problems
