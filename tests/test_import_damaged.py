"""``import`` of damaged records in an uncompressed WARC (our crawl's ``pages.warc.gz`` of
the fixture site, decompressed): a file cut inside a record is a break, never a shorter
page imported as whole; a response record with no ``WARC-Target-URI`` is reported and
passed over, every other capture imported. Both exit 3 with one line on stderr."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from casearchive.crawler.cli import main
from casearchive.crawler.warc import WARC_NAME

CUT_PAGE = "/casestudies/case.asp?cid=8&page=2"


@pytest.fixture
def plain_warc(fixture_crawl, tmp_path: Path) -> tuple[bytes, str]:
    """(the crawl's WARC uncompressed, the site's start URL)."""
    crawled, base, _result = fixture_crawl
    data = gzip.decompress((crawled / "latest" / WARC_NAME).read_bytes())
    return data, f"{base}/casestudies/index.asp"


def _import(warc: Path, site: str, out: Path, capsys) -> tuple[int, str, Path]:
    """(exit code, the one line on stderr, the snapshot written)."""
    capsys.readouterr()
    code = main(["import", "--warc", str(warc), "--site", site, "--out", str(out),
                 "--workers", "1"])
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert "Traceback" not in err and len(lines) == 1, err
    (snapshot,) = [p for p in out.iterdir() if p.name[0].isdigit()]
    return code, lines[0], snapshot


def _pages(snapshot: Path) -> dict[str, dict]:
    return {p["url"]: p for p in pq.read_table(snapshot / "pages.parquet").to_pylist()}


def test_a_plain_warc_cut_inside_a_record_breaks_off(plain_warc, tmp_path: Path,
                                                     capsys) -> None:
    data, site = plain_warc
    cut = tmp_path / "cut.warc"
    # Inside the body of CUT_PAGE's response, wherever the crawl's order put its record
    # (its request record comes first and has no body).
    record = data.index(f"WARC-Target-URI: {site.replace('/casestudies/index.asp', CUT_PAGE)}\r\n"
                        .encode())
    cut.write_bytes(data[: re.search(rb"(?i)</body>", data[record:]).start() + record - 40])
    code, line, snapshot = _import(cut, site, tmp_path / "snapshots", capsys)
    assert code == 3
    assert "cut.warc: breaks off after" in line and "is cut short" in line, line
    pages = _pages(snapshot)
    lost = pages[site.replace("/casestudies/index.asp", CUT_PAGE)]
    assert lost["error"] and lost["final_url"] is None, lost
    manifest = json.loads((snapshot / "manifest.json").read_text())
    assert not manifest["complete"] and manifest["import"]["problems"]


def test_a_response_with_no_target_uri_is_passed_over(plain_warc, tmp_path: Path,
                                                      capsys) -> None:
    data, site = plain_warc
    page = site.replace("/casestudies/index.asp", CUT_PAGE)
    header = f"WARC-Target-URI: {page}\r\n".encode()
    at = next(i for i in _find_all(data, header)
              if b"WARC-Type: response" in data[_record_start(data, i):i])
    renamed = data[:at] + b"X-Renamed-Target: " + data[at + len("WARC-Target-URI: "):]
    warc = tmp_path / "renamed.warc"
    warc.write_bytes(renamed)
    code, line, snapshot = _import(warc, site, tmp_path / "snapshots", capsys)
    assert code == 3
    assert "renamed.warc#" in line and "response record with no WARC-Target-URI" in line
    pages = _pages(snapshot)
    assert pages[page]["error"], pages[page]
    others = [p for url, p in pages.items() if url != page]
    assert len(others) == 34 and not any(p["error"] for p in others)


def test_a_response_whose_date_is_no_time_is_passed_over(plain_warc, tmp_path: Path,
                                                         capsys) -> None:
    """Its capture alone is lost: the file is not read as breaking off there (which lost
    every record after it)."""
    data, site = plain_warc
    page = site.replace("/casestudies/index.asp", CUT_PAGE)
    target = data.index(f"WARC-Target-URI: {page}\r\n".encode())
    start = _record_start(data, target)
    while b"WARC-Type: response" not in data[start:data.index(b"\r\n\r\n", start)]:
        target = data.index(f"WARC-Target-URI: {page}\r\n".encode(), target + 1)
        start = _record_start(data, target)
    date = data.index(b"WARC-Date: ", start)
    end = data.index(b"\r\n", date)
    warc = tmp_path / "dated.warc"
    warc.write_bytes(data[:date] + b"WARC-Date: not-a-date" + data[end:])
    code, line, snapshot = _import(warc, site, tmp_path / "snapshots", capsys)
    assert code == 3
    assert "dated.warc#" in line and "WARC-Date 'not-a-date' is no time" in line, line
    pages = _pages(snapshot)
    assert pages[page]["error"], pages[page]
    others = [p for url, p in pages.items() if url != page]
    assert len(others) == 34 and not any(p["error"] for p in others)


def _find_all(data: bytes, needle: bytes) -> list[int]:
    found, at = [], data.find(needle)
    while at >= 0:
        found.append(at)
        at = data.find(needle, at + 1)
    return found


def _record_start(data: bytes, position: int) -> int:
    """Where the record holding ``position`` begins."""
    return data.rfind(b"WARC/1.1\r\n", 0, position)
