"""The archivists' question over real crawls: the fixture site, then the same site a month
later (2 cases added, 1 removed, 3 edited, 4 changed only in markup). The diff reports exactly
the real changes and none of the noise; the HTML report renders in headless Chromium."""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path

import pytest

from casearchive.crawler.cli import main
from casearchive.crawler.urls import case_id, case_key
from tests.conftest import FIXTURES, run_cli

EXPECTED = json.loads((FIXTURES / "site_v2" / "expected_diff.json").read_text())


REPLAY = "http://127.0.0.1:8080/cases/{timestamp}/{url}"


def cid(path: str) -> str:
    return case_id(case_key("http://h" + path))


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory, legacy_server_module, fixture_crawl) -> Path:
    """The session's crawl of the fixture site, then a crawl of the site a month later."""
    first, _base, result = fixture_crawl
    assert result.returncode == 0, result.stderr[-2000:]
    out = tmp_path_factory.mktemp("monthly") / "snapshots"
    shutil.copytree(first, out, symlinks=True)
    server, base = legacy_server_module.serve(FIXTURES / "site_v2")
    try:
        result = run_cli("crawl", f"{base}/casestudies/index.asp", "--out", str(out),
                         "--no-polite")
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr[-2000:]
    return out


def diff_json(snapshots: Path, capsys, *extra: str) -> tuple[int, dict]:
    code = main(["diff", "previous", "latest", "--snapshots", str(snapshots),
                 "--format", "json", *extra])
    return code, json.loads(capsys.readouterr().out)


def test_diff_reports_exactly_the_real_changes(snapshots: Path, capsys) -> None:
    code, report = diff_json(snapshots, capsys)
    assert code == 1
    assert sorted(report["added"]) == sorted(cid(p) for p in EXPECTED["added"])
    assert sorted(report["removed"]) == sorted(cid(p) for p in EXPECTED["removed"])
    changed = {c["case_id"]: sorted(c["fields"]) for c in report["changed"]}
    assert changed == {cid(p): sorted(f) for p, f in EXPECTED["changed"].items()}
    assert report["unchanged"] == len(EXPECTED["unchanged"]) + len(EXPECTED["noise_only"])
    for noisy in EXPECTED["noise_only"]:
        assert cid(noisy) not in changed
    assert report["parser_version_changed"] is False


def test_changed_texts_carry_word_diffs(snapshots: Path, capsys) -> None:
    _code, report = diff_json(snapshots, capsys)
    by_id = {c["case_id"]: c for c in report["changed"]}
    treatment = by_id[cid("/casestudies/case.asp?cid=7")]["changes"]["treatment"]
    assert treatment["old"] != treatment["new"]
    ops = {op for op, _text in treatment["word_diff"]}
    assert ops >= {"=", "-", "+"} or ops >= {"=", "+"}


def test_same_snapshot_twice_is_no_change(snapshots: Path, capsys) -> None:
    assert main(["diff", "latest", "latest", "--snapshots", str(snapshots)]) == 0


def test_case_log_tells_when_a_case_changed(snapshots: Path, capsys) -> None:
    assert main(["log", cid("/casestudies/case.asp?cid=7"), "--snapshots", str(snapshots),
                 "--format", "json"]) == 0
    log = json.loads(capsys.readouterr().out)
    text = json.dumps(log)
    assert "treatment" in text and "appeared" in text


def _png_colours(path: Path) -> int:
    """Distinct pixel values of an 8-bit RGB(A) PNG (enough to tell a rendered page from a
    blank one)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    assert header is not None, "no IHDR chunk"
    width, height, depth, colour_type = header[0], header[1], header[2], header[3]
    assert depth == 8 and colour_type in (2, 6)
    bpp = 4 if colour_type == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    colours: set[bytes] = set()
    for y in range(0, height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 255
            elif ftype == 2:
                line[i] = (line[i] + b) & 255
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 255
        if y % 8 == 0:
            colours.update(bytes(line[i:i + 3]) for i in range(0, stride, bpp * 4))
        prev = line
    return len(colours)


@pytest.mark.slow
def test_html_report_renders_in_headless_chromium(snapshots: Path, tmp_path: Path) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it in CI)")
    report = tmp_path / "diff.html"
    assert main(["diff", "previous", "latest", "--snapshots", str(snapshots), "--format",
                 "html", "--output", str(report), "--replay-url", REPLAY]) == 1
    html = report.read_text(encoding="utf-8")
    assert "http://" not in html.split("<body", 1)[0] and "src=" not in html
    assert html.count('href="http://127.0.0.1:8080/cases/2') >= len(EXPECTED["added"])
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--enable-logging=stderr", "--v=0"]
    with tempfile.TemporaryDirectory() as profile:
        shot = tmp_path / "diff.png"
        done = subprocess.run(
            [browser, *flags, f"--user-data-dir={profile}", f"--screenshot={shot}",
             "--window-size=1280,1600", report.as_uri()],
            capture_output=True, text=True, timeout=120,
        )
        assert shot.exists(), done.stderr[-2000:]
        assert _png_colours(shot) > 8, "the screenshot is blank"
        console = [line for line in done.stderr.splitlines() if "CONSOLE" in line]
        assert not [line for line in console if "error" in line.lower()], console
        dom = subprocess.run(
            [browser, *flags, f"--user-data-dir={profile}", "--dump-dom", report.as_uri()],
            capture_output=True, text=True, timeout=120,
        ).stdout
    assert "<ins" in dom and "<del" in dom
    assert " UTC" in dom and "Treatment" in dom and "<th>case key</th>" in dom
    for count in (len(EXPECTED["added"]), len(EXPECTED["removed"]), len(EXPECTED["changed"])):
        assert f">{count}<" in dom
