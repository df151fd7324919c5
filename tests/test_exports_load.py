"""load_snapshot / resolve_snapshot: what the diff builds on."""

from __future__ import annotations

from datetime import timedelta

import pytest

from casearchive.exports.load import list_snapshots, load_snapshot, resolve_snapshot
from tests.factories import T0, fixed_clock, make_corpus, write_snapshot


@pytest.fixture
def snaps(tmp_path):
    paths = [
        write_snapshot(tmp_path, make_corpus(n), clock=fixed_clock(T0 + timedelta(days=n)))
        for n in (3, 4, 5)
    ]
    return tmp_path, paths


def test_iter_cases_round_trips_records(tmp_path):
    corpus = make_corpus(7)
    snap = load_snapshot(write_snapshot(tmp_path, corpus))
    assert list(snap.iter_cases()) == sorted(corpus, key=lambda c: c.case_id)
    assert snap.id == snap.path.name
    assert snap.manifest["counts"]["cases"] == 7


def test_read_only_chosen_columns(tmp_path):
    snap = load_snapshot(write_snapshot(tmp_path, make_corpus(5)))
    table = snap.read_table("cases", columns=["case_id", "content_sha256"])
    assert table.column_names == ["case_id", "content_sha256"]
    assert table.num_rows == 5
    batches = list(snap.iter_batches("pages", columns=["case_id"], batch_size=4))
    assert sum(b.num_rows for b in batches) == 10 and len(batches) == 3


def test_resolve_latest_previous_id_and_path(snaps):
    root, (a, b, c) = snaps
    assert resolve_snapshot("latest", root) == c
    assert resolve_snapshot("previous", root) == b
    assert resolve_snapshot(a.name, root) == a
    assert resolve_snapshot(str(b), None) == b
    assert load_snapshot(root / "latest").path == c
    assert list_snapshots(root) == [a, b, c]


def test_previous_of_the_first_snapshot_is_an_error(tmp_path):
    write_snapshot(tmp_path, make_corpus(1))
    with pytest.raises(FileNotFoundError, match="no snapshot before"):
        resolve_snapshot("previous", tmp_path)


def test_unknown_reference_is_an_error(snaps):
    root, _ = snaps
    with pytest.raises(FileNotFoundError, match="no snapshot '20990101T000000Z'"):
        resolve_snapshot("20990101T000000Z", root)
    with pytest.raises(FileNotFoundError):
        load_snapshot(root)


def test_suffixed_ids_sort_numerically(tmp_path):
    paths = [write_snapshot(tmp_path, make_corpus(1)) for _ in range(12)]
    assert list_snapshots(tmp_path) == paths
    assert resolve_snapshot("previous", tmp_path).name == "20250131T120000Z-10"
