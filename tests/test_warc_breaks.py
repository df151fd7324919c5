"""A WARC cut off anywhere is never read as a shorter one.

warcio reads a file that ends inside a record, or inside a gzip member, as a file that ends
there, without a word; ``checked_records`` (which every reader goes through) raises. Over a
real WARC of our writer, gzip and plain, every cut that is not between two records raises;
``export-figures``, ``wacz``, ``reparse`` and ``bag`` refuse a snapshot whose WARC was cut
or emptied with one line and exit 2 (never a short package with exit 0)."""

from __future__ import annotations

import gzip
import hashlib
import shutil
from io import BytesIO
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from casearchive.crawler.cli import main
from casearchive.crawler.warc import (
    WARC_ERRORS,
    WARC_NAME,
    Exchange,
    WarcWriter,
    checked_records,
    iter_responses,
    read_body,
)


def _small_warc(path: Path) -> bytes:
    """A gzip WARC of our writer: a warcinfo and two exchanges (five records)."""
    writer = WarcWriter(path, "test")
    for n in range(2):
        writer.write_exchange(Exchange(
            url=f"http://example.test/{n}", method="GET", request_headers=[], status=200,
            response_headers=[("Content-Type", "text/html")], body=b"<p>case %d</p>" % n * 8))
    writer.close()
    return path.read_bytes()


def _read_all(data: bytes, offsets: bool) -> int:
    """Records read from ``data``, each content read (as a caller without offsets does)."""
    count = 0
    for record, _offset in checked_records(BytesIO(data), offsets=offsets):
        record.content_stream().read()
        count += 1
    return count


def _record_starts(data: bytes) -> list[int]:
    return [offset for _record, offset in checked_records(BytesIO(data))] + [len(data)]


@pytest.mark.parametrize("form", ["gzip", "plain"])
def test_every_cut_inside_a_record_raises(tmp_path: Path, form: str) -> None:
    data = _small_warc(tmp_path / "small.warc.gz")
    if form == "plain":
        data = gzip.decompress(data)
    starts = _record_starts(data)
    accepted = []
    for cut in range(len(data)):
        # A plain record's two closing CRLFs are no part of it: a cut there loses nothing.
        if any(start - 4 <= cut <= start for start in starts):
            continue
        for offsets in (True, False):
            try:
                _read_all(data[:cut], offsets)
            except WARC_ERRORS:
                continue
            accepted.append((cut, offsets))
    assert accepted == []


def test_an_empty_file_is_no_warc() -> None:
    with pytest.raises(WARC_ERRORS, match="holds no WARC record"):
        _read_all(b"", True)


@pytest.fixture
def snapshots(fixture_crawl, tmp_path: Path) -> Path:
    """A copy of the fixture crawl's snapshot, alone in a snapshots directory."""
    snapshot = (fixture_crawl[0] / "latest").resolve()
    copy = tmp_path / "snapshots" / snapshot.name
    shutil.copytree(snapshot, copy)
    return copy.parent


def _cut_warc(snapshots: Path, keep: float) -> Path:
    """Cut the snapshot's WARC to ``keep`` of its size (0: an empty file), never where a
    record starts: a file that ends between two records is a whole, shorter WARC (0.995 of
    it fell exactly there in one run: the last record is about 0.5 % of the file)."""
    (snapshot,) = snapshots.iterdir()
    warc = snapshot / WARC_NAME
    data = warc.read_bytes()
    cut = int(len(data) * keep)
    if cut and cut in _record_starts(data):
        cut += 7
    warc.write_bytes(data[:cut])
    return snapshot


def _one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert "Traceback" not in err and len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize("keep", [0.5, 0.995, 0.0])
def test_packages_refuse_a_cut_warc(snapshots: Path, tmp_path: Path, keep: float,
                                    capsys) -> None:
    snapshot = _cut_warc(snapshots, keep)
    capsys.readouterr()
    for command in ("export-figures", "wacz", "bag"):
        out = tmp_path / command
        assert main([command, snapshot.name, "--snapshots", str(snapshots),
                     "--out", str(out)]) == 2, command
        line = _one_line(capsys.readouterr().err)
        assert f"{snapshot.name}/{WARC_NAME}" in line, line
        assert not out.exists() or not any(out.iterdir()), command  # nothing left behind


@pytest.mark.parametrize("keep", [0.5, 0.995, 0.0])
def test_reparse_refuses_a_cut_warc(snapshots: Path, tmp_path: Path, keep: float,
                                    capsys) -> None:
    snapshot = _cut_warc(snapshots, keep)
    capsys.readouterr()
    out = tmp_path / "reparsed"
    assert main(["reparse", str(snapshot), "--out", str(out), "--no-verify",
                 "--workers", "1"]) == 2
    line = _one_line(capsys.readouterr().err)
    assert "not a readable WARC" in line and ("cut short" in line or "no WARC record" in line
                                               or "breaks off" in line), line
    assert not out.exists() or not [p for p in out.iterdir() if not p.name.startswith(".")]


@pytest.mark.parametrize("made", [True, False])
def test_export_figures_leaves_nothing_when_the_warc_breaks_off_after_an_image(
        snapshots: Path, tmp_path: Path, made: bool, capsys) -> None:
    """Images read before the break are not left behind as if exported (``--no-verify``
    reads the WARC without the manifest's checksum, so the break is met while reading);
    an ``--out`` that existed before stays as it was."""
    (snapshot,) = snapshots.iterdir()
    warc = snapshot / WARC_NAME
    data = warc.read_bytes()
    figures = set(pq.read_table(snapshot / "figures.parquet", columns=["sha256"])
                  .column("sha256").to_pylist())
    with open(warc, "rb") as fh:
        image = next(r.offset for r in iter_responses(warc)
                     if r.headers.get("content-type", "").startswith("image/")
                     and hashlib.sha256(read_body(fh, r, 1 << 30) or b"").hexdigest() in figures)
    warc.write_bytes(data[: next(s for s in _record_starts(data) if s > image) + 40])
    out = tmp_path / "figures"
    if not made:
        out.mkdir()
    capsys.readouterr()
    assert main(["export-figures", str(snapshot), "--out", str(out), "--no-verify"]) == 2
    assert f"{WARC_NAME}: not a readable WARC" in _one_line(capsys.readouterr().err)
    assert out.exists() is not made and (made or not any(out.iterdir()))
