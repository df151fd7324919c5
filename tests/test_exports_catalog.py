"""Listing snapshots and retention: what ``--keep N`` removes and what it never removes."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from casearchive.exports.catalog import KEEP_FILE, list_catalog, plan_prune, prune
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


def test_cli_list_and_prune(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from casearchive.crawler.cli import main

    paths = _snapshots(tmp_path, 3)
    assert main(["list", "--snapshots", str(tmp_path), "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [e["id"] for e in listed] == [p.name for p in paths]
    assert main(["list", "--snapshots", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and lines[-1].endswith("latest") and "cases: 4" in lines[-1]
    assert main(["prune", "--snapshots", str(tmp_path), "--keep", "1", "--dry-run"]) == 0
    assert capsys.readouterr().out.splitlines() == [f"would remove {p.name}" for p in paths[:2]]
    assert all(p.exists() for p in paths)
    assert main(["prune", "--snapshots", str(tmp_path), "--keep", "2"]) == 0
    assert [p.exists() for p in paths] == [False, True, True]
    assert main(["prune", "--snapshots", str(tmp_path / "nowhere"), "--keep", "1"]) == 2
    assert "no such snapshots directory" in capsys.readouterr().err


def test_cli_list_and_prune_say_what_they_were_given(tmp_path: Path, capsys) -> None:
    """A snapshot named where its parent was meant is refused; an empty directory is said
    to hold no snapshots (both used to print nothing and exit 0)."""
    from casearchive.crawler.cli import main

    (path,) = _snapshots(tmp_path / "snaps", 1)
    for command in (["list"], ["prune", "--keep", "1"]):
        assert main([*command, "--snapshots", str(path)]) == 2
        assert "a snapshot, not a snapshots directory" in capsys.readouterr().err
    assert path.exists()
    (tmp_path / "empty").mkdir()
    assert main(["list", "--snapshots", str(tmp_path / "empty")]) == 0
    assert capsys.readouterr().err.strip() == f"casearchive: {tmp_path / 'empty'}: no snapshots"


@pytest.mark.slow
def test_crawl_keep_prunes_after_a_good_crawl(tmp_path: Path, fixture_site) -> None:
    from tests.conftest import run_cli

    old = _snapshots(tmp_path, 2)
    _, base_url = fixture_site
    result = run_cli("crawl", f"{base_url}/casestudies/index.asp", "--out", str(tmp_path),
                     "--no-polite", "--keep", "2")
    assert result.returncode == 0, result.stderr
    assert f"pruned {old[0].name}" in result.stdout
    assert [p.exists() for p in old] == [False, True]
    assert len(list_catalog(tmp_path)) == 2
