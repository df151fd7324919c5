"""The inspection commands on damaged copies of real crawls of the fixture site: one line
naming the file, a documented exit code, no traceback, and never a silently wrong answer
(a snapshot compared with itself, damage given fresh checksums, a snapshot pruned on the
strength of a manifest nobody could read)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from casearchive.crawler.cli import main
from casearchive.exports.files import MANIFEST
from tests.conftest import run_cli
from tests.test_diff_cli import pair  # noqa: F401 - the fixture: two written snapshots


@pytest.fixture(scope="module")
def crawled(fixture_crawl, tmp_path_factory) -> Path:
    """A snapshots directory of two crawls of the fixture site (``fixture_crawl``'s, then
    an incremental one), ``latest`` a symlink to the second."""
    out, base_url, first = fixture_crawl
    assert first.returncode == 0, first.stderr[-2000:]
    good = tmp_path_factory.mktemp("two-crawls") / "snapshots"
    shutil.copytree(out, good, symlinks=True)
    second = run_cli("crawl", f"{base_url}/casestudies/index.asp", "--out", str(good),
                     "--no-polite")
    assert second.returncode == 0, second.stderr[-2000:]
    return good


@pytest.fixture
def copy(crawled, tmp_path) -> Callable[..., Path]:
    """``copy(symlinks=True)``: a fresh copy of ``crawled`` to damage."""
    def make(symlinks: bool = True) -> Path:
        target = tmp_path / "snapshots"
        shutil.copytree(crawled, target, symlinks=symlinks)
        return target
    return make


def ids(snapshots: Path) -> list[str]:
    return sorted(p.name for p in snapshots.iterdir() if p.name[:1].isdigit())


def run(capsys, *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, lines
    assert "Traceback" not in lines[0] and lines[0].startswith("casearchive: ")
    return lines[0]


def edit_manifest(snapshot: Path, change: Callable[[dict], object]) -> None:
    manifest = json.loads((snapshot / MANIFEST).read_text())
    change(manifest)
    (snapshot / MANIFEST).write_text(json.dumps(manifest))


# --- 1: diff checks every file it reads, cases.jsonl included ----------------------------------

def test_diff_refuses_a_cases_jsonl_that_differs_from_its_manifest(pair, capsys) -> None:  # noqa: F811
    old, new = pair
    jsonl = new / "cases.jsonl"
    jsonl.write_text(jsonl.read_text().replace("Rest and fluids.", "Rest and FAKE."))
    code, out, err = run(capsys, "diff", old, new)
    assert code == 2 and "FAKE" not in out
    assert str(jsonl) in one_line(err) and "--no-verify" in err


def test_diff_no_verify_reads_a_broken_jsonl_line_from_parquet(pair, capsys) -> None:  # noqa: F811
    old, new = pair
    jsonl = new / "cases.jsonl"
    lines = jsonl.read_bytes().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if b"Rest and fluids." in line)
    lines[at] = lines[at].replace(b"Rest and fluids.", b'Rest \xe9"')  # its case_id intact
    jsonl.write_bytes(b"".join(lines))
    code, out, err = run(capsys, "diff", old, new, "--no-verify")
    assert code == 1 and "fluids" in out and "Traceback" not in err


# --- 2: latest and previous when latest is not a symlink --------------------------------------

def test_previous_and_latest_of_a_copy_made_without_symlinks(copy, capsys) -> None:
    deref = copy(symlinks=False)
    assert (deref / "latest").is_dir() and not (deref / "latest").is_symlink()
    older, newest = ids(deref)
    code, out, _ = run(capsys, "diff", "previous", "latest", "--snapshots", deref,
                       "--format", "json")
    report = json.loads(out)
    assert code == 0 and (report["old"], report["new"]) == (older, newest)
    assert run(capsys, "verify", "previous", "--snapshots", deref)[1].startswith(
        f"{deref / older}: OK")
    listed = run(capsys, "list", "--snapshots", deref)[1].splitlines()
    assert [line.endswith("latest") for line in listed] == [False, True]


def test_a_latest_that_is_a_plain_file_is_refused(copy, capsys) -> None:
    plain = copy()
    (plain / "latest").unlink()
    (plain / "latest").write_text("20990101T000000Z\n")
    for ref in ("latest", "previous"):
        code, _, err = run(capsys, "diff", ref, ids(plain)[-1], "--snapshots", plain)
        assert code == 2 and "latest: not a symlink" in one_line(err)


# --- 3, 9: list and prune with a bad manifest or keep file ------------------------------------

BAD_MANIFESTS = {
    "not JSON": (b"{x", "not valid JSON"),
    "zero bytes": (b"", "empty"),
    "latin-1": (b'{"a": "\xe9"}', "not UTF-8"),
    "a list": (b"[1, 2]", "not a JSON object"),
    "counts wrong": (None, "'counts' 'cases' is \"fourteen\""),
    "no counts": (None, "missing key 'counts'"),
}


@pytest.mark.parametrize("damage", BAD_MANIFESTS)
def test_list_shows_an_unreadable_manifest_and_exits_2(copy, capsys, damage) -> None:
    snapshots = copy()
    older, newest = ids(snapshots)
    _damage_manifest(snapshots / older, damage)
    code, out, err = run(capsys, "list", "--snapshots", snapshots)
    what = BAD_MANIFESTS[damage][1]
    assert code == 2 and what in one_line(err) and str(snapshots / older / MANIFEST) in err
    first, second = out.splitlines()
    assert first.startswith(f"{older}  unreadable: ") and what in first
    assert "cases: 0" not in out and second.startswith(newest) and "cases: 14" in second


def _damage_manifest(snapshot: Path, damage: str) -> None:
    raw = BAD_MANIFESTS[damage][0]
    if raw is not None:
        (snapshot / MANIFEST).write_bytes(raw)
    elif damage == "counts wrong":
        edit_manifest(snapshot, lambda m: m.update(counts={"cases": "fourteen"}))
    else:
        edit_manifest(snapshot, lambda m: m.pop("counts"))


@pytest.mark.parametrize("damage", ["not JSON", "latin-1", "a list"])
def test_prune_never_removes_on_an_unreadable_manifest(copy, capsys, damage) -> None:
    snapshots = copy()
    older, newest = ids(snapshots)
    _damage_manifest(snapshots / newest, damage)  # its revisits may refer to ``older``
    code, out, err = run(capsys, "prune", "--keep", "1", "--snapshots", snapshots)
    assert code == 2 and str(snapshots / newest / MANIFEST) in one_line(err)
    assert ids(snapshots) == [older, newest] and f"kept {older}: " in out


def test_prune_with_an_unreadable_keep_file_removes_nothing(copy, capsys) -> None:
    snapshots = copy()
    older, newest = ids(snapshots)
    edit_manifest(snapshots / newest, lambda m: m.pop("payload_snapshots", None))
    (snapshots / "keep").write_bytes(older.encode() + b"  # caf\xe9\n")
    code, out, err = run(capsys, "prune", "--keep", "1", "--snapshots", snapshots)
    assert code == 2 and str(snapshots / "keep") in one_line(err)
    assert ids(snapshots) == [older, newest] and f"kept {older}: keep cannot be read" in out
    code, out, err = run(capsys, "list", "--snapshots", snapshots)
    assert code == 2 and "pinned?" in out and str(snapshots / "keep") in one_line(err)


# --- 4: verify on wrong-typed manifests -------------------------------------------------------

@pytest.mark.parametrize(("key", "value", "said"), [
    ("files", None, "'files' is null, not an object"),
    ("files", {"cases.parquet": "x"}, "'files' 'cases.parquet' is \"x\""),
    ("counts", None, "'counts' is null, not an object"),
])
def test_verify_names_a_wrong_typed_manifest_key(copy, capsys, key, value, said) -> None:
    snapshots = copy()
    latest = snapshots / ids(snapshots)[-1]
    edit_manifest(latest, lambda m: m.update({key: value}))
    code, _, err = run(capsys, "verify", "latest", "--snapshots", snapshots)
    assert code == 1 and err.startswith(f"{latest.name}: {MANIFEST}: {said}")


# --- 5: bag validates first, verifies first, and never leaves half a bag ----------------------

def test_bag_of_a_manifest_missing_keys_leaves_nothing_behind(copy, tmp_path, capsys) -> None:
    snapshots = copy()
    latest = snapshots / ids(snapshots)[-1]
    saved = (latest / MANIFEST).read_bytes()
    edit_manifest(latest, lambda m: [m.pop(k) for k in ("snapshot_id", "counts", "start_url")])
    bags = tmp_path / "bags"
    code, _, err = run(capsys, "bag", "latest", "--snapshots", snapshots, "--out", bags)
    assert code == 2 and "missing key 'snapshot_id'" in one_line(err)
    assert not bags.exists() or not any(bags.iterdir())  # no half-made bag
    (latest / MANIFEST).write_bytes(saved)
    assert run(capsys, "bag", "latest", "--snapshots", snapshots, "--out", bags)[0] == 0
    assert (bags / latest.name / "bagit.txt").is_file()


def test_bag_refuses_a_damaged_snapshot(copy, tmp_path, capsys) -> None:
    snapshots = copy()
    latest = snapshots / ids(snapshots)[-1]
    data = bytearray((latest / "cases.jsonl").read_bytes())
    data[len(data) // 2] ^= 0x01
    (latest / "cases.jsonl").write_bytes(bytes(data))
    bags = tmp_path / "bags"
    code, _, err = run(capsys, "bag", "latest", "--snapshots", snapshots, "--out", bags)
    assert code == 2 and str(latest / "cases.jsonl") in one_line(err)
    assert not (bags / latest.name).exists()


# --- 6: a newer schema major ------------------------------------------------------------------

def _schema_2(snapshot: Path) -> None:
    """Schema 2.0.0 in the manifest and the Parquet metadata, ``title`` renamed."""
    edit_manifest(snapshot, lambda m: m.update(schema_version="2.0.0"))
    table = pq.read_table(snapshot / "cases.parquet")
    meta = {**table.schema.metadata, b"casearchive.schema_version": b"2.0.0"}
    table = table.rename_columns(["headline" if c == "title" else c for c in table.column_names])
    pq.write_table(table.replace_schema_metadata(meta), snapshot / "cases.parquet")


@pytest.mark.parametrize("argv", [
    ["diff", "previous", "latest", "--no-verify"],
    ["log", "/casestudies/case.asp?cid=7", "--no-verify"],
    ["wacz", "latest", "--out", "{tmp}/wacz"],
    ["bag", "latest", "--out", "{tmp}/bags"],
])
def test_a_newer_schema_major_is_one_line_exit_2(copy, tmp_path, capsys, argv) -> None:
    snapshots = copy()
    latest = snapshots / ids(snapshots)[-1]
    _schema_2(latest)
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    code, _, err = run(capsys, *argv, "--snapshots", snapshots)
    assert code == 2
    assert one_line(err).endswith(
        f"{MANIFEST}: snapshot {latest.name} has schema 2.0.0; this casearchive reads 1.x")


def test_diff_no_verify_names_a_missing_column(copy, capsys) -> None:
    snapshots = copy()
    latest = snapshots / ids(snapshots)[-1]
    _schema_2(latest)
    edit_manifest(latest, lambda m: m.update(schema_version="1.3.0"))
    code, _, err = run(capsys, "diff", "previous", "latest", "--no-verify",
                       "--snapshots", snapshots)
    assert code == 2 and f"{latest / 'cases.parquet'}: no column 'title'" in one_line(err)


# --- 8, 10: wacz names its package by the snapshot, never overwrites, names the WARC ----------

def test_wacz_names_the_package_by_the_snapshot_and_never_overwrites(copy, tmp_path,
                                                                     capsys) -> None:
    snapshots = copy()
    latest = snapshots / ids(snapshots)[-1]
    out = tmp_path / "wacz"
    assert run(capsys, "wacz", "latest", "--snapshots", snapshots, "--out", out)[0] == 0
    made = out / f"{latest.name}.wacz"
    before = made.read_bytes()
    code, _, err = run(capsys, "wacz", "latest", "--snapshots", snapshots, "--out", out)
    assert code == 2 and f"{made}: already exists" in one_line(err)
    assert made.read_bytes() == before and [p.name for p in out.iterdir()] == [made.name]


def test_wacz_of_a_manifest_naming_another_place_is_refused(copy, tmp_path, capsys) -> None:
    snapshots = copy()
    latest = snapshots / ids(snapshots)[-1]
    edit_manifest(latest, lambda m: m.update(snapshot_id="../../x"))
    out = tmp_path / "a" / "b" / "wacz"
    code, _, err = run(capsys, "wacz", "latest", "--snapshots", snapshots, "--out", out)
    assert code == 2 and "'snapshot_id' \"../../x\" is not a snapshot id" in one_line(err)
    assert not list(tmp_path.glob("**/*.wacz"))


def test_wacz_of_a_warc_of_random_bytes_names_it_in_one_printable_line(copy, tmp_path,
                                                                       capsys) -> None:
    snapshots = copy()
    latest = snapshots / ids(snapshots)[-1]
    (latest / "pages.warc.gz").write_bytes(bytes(range(256)) * 8)
    code, _, err = run(capsys, "wacz", "latest", "--snapshots", snapshots,
                       "--out", tmp_path / "w")
    line = one_line(err)
    assert code == 2 and str(latest / "pages.warc.gz") in line
    assert line.isprintable() and len(line) < 600


# --- 7: log of a malformed URL, diff of wrong-typed manifest keys -----------------------------

def test_log_of_a_malformed_url_is_not_found(crawled, capsys) -> None:
    code, _, err = run(capsys, "log", "http://[::1", "--snapshots", crawled)
    assert code == 2 and "'http://[::1' is in none of the 2 snapshot(s)" in one_line(err)


@pytest.mark.parametrize(("change", "said"), [
    (lambda m: m.pop("snapshot_id"), "missing key 'snapshot_id'"),
    (lambda m: m.update(started_at=123), "'started_at' is 123, not a string"),
])
def test_diff_no_verify_of_a_wrong_manifest_is_one_line(copy, capsys, change, said) -> None:
    snapshots = copy()
    latest = snapshots / ids(snapshots)[-1]
    edit_manifest(latest, change)
    code, _, err = run(capsys, "diff", "previous", "latest", "--no-verify",
                       "--snapshots", snapshots)
    assert code == 2 and one_line(err).endswith(f"{latest / MANIFEST}: {said}")
