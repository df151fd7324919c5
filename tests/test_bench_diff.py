"""``bench.diff_bench`` diffs snapshots that the diff accepts: its synthetic snapshots carry
a whole manifest (every key, each file's digest), or ``make bench`` stops at the diff."""

from __future__ import annotations


def test_the_diff_bench_diffs_its_own_snapshots() -> None:
    from bench import diff_bench

    result = diff_bench.run(200, 0.05, repeat=1)
    assert result["changed"] == 10 and result["added"] == result["removed"] >= 1
    assert result["unchanged"] + result["changed"] + result["removed"] == 200
