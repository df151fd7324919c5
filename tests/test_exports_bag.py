"""make_bag: a BagIt copy that bagit.py validates and that still verifies as a snapshot."""

from __future__ import annotations

import subprocess
import sys

import bagit
import pytest

from casearchive.exports.bag import make_bag, validate_bag
from casearchive.exports.verify import verify_snapshot
from tests.factories import make_corpus, write_snapshot


@pytest.fixture
def bag(tmp_path):
    write_snapshot(tmp_path / "snaps", make_corpus(4))
    return make_bag(tmp_path / "snaps" / "latest", tmp_path / "bag")


def test_bag_validates_with_bagit(bag):
    assert validate_bag(bag) == []
    b = bagit.Bag(str(bag))
    assert b.algorithms == ["sha256"]
    assert b.info["Source-Organization"] == "casearchive"
    assert b.info["External-Identifier"] == "casearchive-snapshot-20250131T120000Z"
    assert "data/cases.parquet" in b.payload_entries()


def test_bagit_command_line_validates(bag):
    result = subprocess.run(
        [sys.executable, "-m", "bagit", "--validate", str(bag)],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "is valid" in result.stderr


def test_bag_payload_is_still_a_valid_snapshot(bag):
    assert verify_snapshot(bag / "data") == []


def test_damaged_bag_fails_validation(bag):
    (bag / "data" / "cases.jsonl").write_text("{}\n")
    problems = validate_bag(bag)
    assert problems and problems[0].startswith("bag: ")


def test_existing_output_is_refused(bag, tmp_path):
    with pytest.raises(FileExistsError):
        make_bag(tmp_path / "snaps" / "latest", bag)
