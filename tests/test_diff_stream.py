"""The diff reads the changed rows from ``cases.jsonl`` (``exports.jsonl.find_lines``), or row
group by row group from ``cases.parquet`` (``exports.diff._paired_rows``): the same report
either way, and whatever the row groups, when they do not line up between the snapshots."""

from __future__ import annotations

import random

import pyarrow.parquet as pq
import pytest

from casearchive.exports.diff import diff_snapshots
from casearchive.exports.jsonl import dumps_line, find_lines
from casearchive.exports.parquet import ROW_GROUP_ROWS
from casearchive.exports.render import render
from tests.test_diff_cli import case, write


def _snapshots(root, sizes: tuple[int, int], monkeypatch):
    """OLD: cases 0-15; NEW: 0-2 removed, 16-18 added, every third case edited; written
    with ``sizes`` rows per ``cases.parquet`` row group (old, new)."""
    old_cases = [case(i) for i in range(16)]
    new_cases = [case(i, treatment=f"Rest for {i} days.") if i % 3 == 1 else case(i)
                 for i in range(3, 19)]
    paths = []
    for day, (cases, rows) in enumerate(zip((old_cases, new_cases), sizes, strict=True), 1):
        monkeypatch.setitem(ROW_GROUP_ROWS, "cases", rows)
        paths.append(write(root / str(rows), cases, day))
    return paths


def _report(old, new) -> str:
    result = diff_snapshots(old, new)
    for info in (result.old, result.new):  # the directories differ; the content must not
        object.__setattr__(info, "path", "")
    return render(result, "json", replay_url="http://replay/{timestamp}/{url}")


@pytest.mark.slow
@pytest.mark.parametrize("sizes", [(2, 3), (5, 1), (1, 7)])
def test_misaligned_row_groups_give_the_same_report_as_one_row_group(tmp_path, monkeypatch,
                                                                      sizes):
    split = _snapshots(tmp_path / "split", sizes, monkeypatch)
    whole = _snapshots(tmp_path / "whole", (1024, 1024), monkeypatch)
    assert pq.ParquetFile(split[0] / "cases.parquet").num_row_groups > 1
    assert pq.ParquetFile(whole[0] / "cases.parquet").num_row_groups == 1
    report = _report(*split)
    assert report == _report(*whole)
    result = diff_snapshots(*split)
    assert [c.case_id for c in result.changed] == [case(i).case_id for i in range(4, 16, 3)]
    assert len(result.added) == len(result.removed) == 3
    assert all(result.cases[c.case_id].new is not None for c in result.changed)


def test_the_changed_cases_are_read_from_cases_jsonl_with_the_same_report(tmp_path,
                                                                          monkeypatch):
    old, new = _snapshots(tmp_path / "jsonl", (2, 3), monkeypatch)
    expected = _report(old, new)

    def no_parquet_rows(*args, **kwargs):
        raise AssertionError("the candidates were read from cases.parquet")

    with monkeypatch.context() as m:  # with cases.jsonl on both sides: only its lines
        m.setattr("casearchive.exports.diff._paired_rows", no_parquet_rows)
        assert _report(old, new) == expected
    (old / "cases.jsonl").unlink()  # an export without it: cases.parquet, the same report
    assert _report(old, new) == expected


def test_a_cases_jsonl_out_of_step_with_its_index_is_not_read(tmp_path, monkeypatch):
    old, new = _snapshots(tmp_path / "jsonl", (2, 3), monkeypatch)
    expected = _report(old, new)
    lines = (new / "cases.jsonl").read_bytes().splitlines(keepends=True)
    (new / "cases.jsonl").write_bytes(b"".join(lines[::-1]))  # another order than the index
    assert _report(old, new) == expected
    (new / "cases.jsonl").write_bytes(b"".join(lines[1:]))  # a case missing
    assert _report(old, new) == expected


def test_find_lines_reaches_every_line_whatever_their_lengths(tmp_path):
    rng = random.Random(7)
    ids = [f"{i:016x}" for i in range(0, 3000, 3)]
    lines = []
    for cid in ids:
        pad = "x" * rng.choice((0, 5, 200, 3000, 12000, 400_000 if rng.random() < 0.01 else 9))
        lines.append(dumps_line({"authors_comments": pad, "case_id": cid, "title": "t"}))
    path = tmp_path / "cases.jsonl"
    path.write_bytes(b"".join(lines))
    for _ in range(20):
        rows = sorted(rng.sample(range(len(ids)), rng.randint(1, 60)))
        assert list(find_lines(path, ids, rows)) == [lines[r] for r in rows]
    assert list(find_lines(path, ids, range(len(ids)))) == lines
    assert list(find_lines(path, ids, [5, 2])) == [lines[5], lines[2]]  # not ascending
    with pytest.raises(LookupError):
        list(find_lines(path, ids[:500] + [f"{i:016x}" for i in range(5000, 5500)], [700]))
