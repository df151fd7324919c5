"""Listing snapshots and retention: what ``--keep N`` removes and what it never removes."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from exports.catalog import KEEP_FILE, list_catalog, plan_prune, prune
from tests.factories import T0, fixed_clock, make_corpus, write_snapshot


def _snapshots(root: Path, n: int) -> list[Path]:
    return [write_snapshot(root, make_corpus(2 + i), clock=fixed_clock(T0 + timedelta(days=i)))
            for i in range(n)]


def test_list_reads_every_finished_snapshot_oldest_first(tmp_path: Path) -> None:
    paths = _snapshots(tmp_path, 3)
    (tmp_path / ".tmp-20990101T000000Z-1-x").mkdir()  # a crawl still writing: not listed
    entries = list_catalog(tmp_path)
    assert [e.path for e in entries] == paths
    assert [e.cases for e in entries] == [2, 3, 4]
    assert [e.latest for e in entries] == [False, False, True]
    assert all(e.complete and e.health is None for e in entries)
    assert entries[0].to_json()["id"] == paths[0].name


def test_prune_keeps_the_newest_and_removes_the_oldest(tmp_path: Path) -> None:
    paths = _snapshots(tmp_path, 4)
    plan = prune(tmp_path, keep=2)
    assert [e.path for e in plan.remove] == paths[:2]
    assert [p.exists() for p in paths] == [False, False, True, True]
    assert (tmp_path / "latest").resolve() == paths[-1]


def test_prune_never_removes_a_pinned_snapshot_or_latest(tmp_path: Path) -> None:
    paths = _snapshots(tmp_path, 4)
    (tmp_path / KEEP_FILE).write_text(f"# audit copy\n{paths[0].name}  # 2026 review\n")
    # latest pointed back at an older snapshot (an operator rolled back)
    os.unlink(tmp_path / "latest")
    os.symlink(paths[1].name, tmp_path / "latest")
    plan = prune(tmp_path, keep=1)
    assert plan.kept == {paths[0].name: f"pinned in {KEEP_FILE}",
                         paths[1].name: "latest points at it"}
    assert [p.exists() for p in paths] == [True, True, False, True]


def test_payload_references_keep_their_chain(tmp_path: Path) -> None:
    base = list_catalog(_write_one(tmp_path))[0]
    a, b, c, d = (replace(base, id=i, latest=False) for i in "abcd")
    # d (kept) revisits c's payload; c revisits a's: both must stay, b may go.
    c = replace(c, payload_snapshots=("a",))
    d = replace(d, payload_snapshots=("c",), latest=True)
    plan = plan_prune([a, b, c, d], keep=1)
    assert [e.id for e in plan.remove] == ["b"]
    assert set(plan.kept) == {"a", "c"}


def _write_one(root: Path) -> Path:
    write_snapshot(root, make_corpus(1))
    return root


def test_keep_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        plan_prune(list_catalog(_write_one(tmp_path)), keep=0)
