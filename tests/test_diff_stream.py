"""The diff reads the changed rows row group by row group (``exports.diff._paired_rows``):
the same report whatever the row groups, when they do not line up between the snapshots."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from casearchive.exports.diff import diff_snapshots
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
