"""The on-disk sets and maps behave as the ``set`` and ``dict`` they stand for."""

from __future__ import annotations

import pytest

from casearchive.crawler import ondisk
from casearchive.crawler.ondisk import DiskMap, DiskSet


def test_a_disk_set_holds_each_member_once_in_the_order_added() -> None:
    seen = DiskSet(["b"])
    seen.add("a")
    seen.update(["c", "a", "b"])
    assert list(seen) == ["b", "a", "c"] and len(seen) == 3
    assert "a" in seen and "d" not in seen


def test_a_mapped_disk_set_renames_its_members_and_merges_those_that_meet() -> None:
    seen = DiskSet(["http://x/A", "http://x/a", "http://x/B"])
    folded = seen.mapped(str.lower)
    assert list(folded) == ["http://x/a", "http://x/b"]
    assert list(seen) == ["http://x/A", "http://x/a", "http://x/B"]


def test_a_disk_map_is_a_dict() -> None:
    """Values come back as they went in; a key set again keeps its place (a ``dict``'s
    order), ``setdefault`` keeps the first value, a missing key raises ``KeyError``."""
    owner: DiskMap[tuple[str, int | None]] = DiskMap([("b", ("x", 1)), ("a", ("y", None))])
    owner["b"] = ("z", 2)
    assert owner.setdefault("a", ("w", 3)) == ("y", None)
    assert owner.setdefault("c", ("w", 3)) == ("w", 3)
    assert list(owner.rows()) == list({"b": ("z", 2), "a": ("y", None), "c": ("w", 3)}.items())
    assert owner.get("d") is None and owner.get("d", ("q", 0)) == ("q", 0)
    assert "d" not in owner and "a" in owner and len(owner) == 3
    del owner["a"]
    with pytest.raises(KeyError):
        del owner["a"]
    with pytest.raises(KeyError):
        owner["a"]
    assert list(owner) == ["b", "c"]


def test_a_disk_map_built_from_colliding_keys_keeps_the_first_place_and_last_value() -> None:
    """As a dict comprehension re-keying a map does (``CaseAssembler.set_rules``)."""
    pairs = [("a", 1), ("b", 2), ("a", 3)]
    assert list(DiskMap(pairs).rows()) == list(dict(pairs).items())


def test_a_disk_set_answers_for_more_members_than_it_keeps_in_memory(monkeypatch) -> None:
    monkeypatch.setattr(ondisk, "RECENT", 2)
    seen = DiskSet(f"u{i}" for i in range(5))
    assert all(f"u{i}" in seen for i in (*range(5), *range(5)))
    assert "u5" not in seen and len(seen._recent) == 2


def test_a_disk_map_answers_as_stored_for_more_entries_than_it_keeps_in_memory(
        monkeypatch) -> None:
    monkeypatch.setattr(ondisk, "RECENT", 2)
    labels: DiskMap[int] = DiskMap((f"u{i}", i) for i in range(5))
    labels["u0"] = 10
    assert [labels[f"u{i}"] for i in range(5)] == [10, 1, 2, 3, 4]
    del labels["u4"]
    assert "u4" not in labels and labels.get("u4") is None and len(labels._recent) <= 2
    assert labels.setdefault("u3", 0) == 3 and labels.setdefault("u1", 0) == 1
    assert list(labels.rows()) == [("u0", 10), ("u1", 1), ("u2", 2), ("u3", 3)]


def test_add_new_says_whether_the_member_was_new(monkeypatch) -> None:
    monkeypatch.setattr(ondisk, "RECENT", 1)
    seen = DiskSet(["a"])
    assert seen.add_new("b") and not seen.add_new("b") and not seen.add_new("a")
    assert "a" in seen and not seen.add_new("a")  # answered from memory too
    assert list(seen) == ["a", "b"]
