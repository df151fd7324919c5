"""What a crawl shows while it runs and leaves behind: no progress noise off a terminal
but one line per interval, a live display on a terminal (a real pty), ``crawl.log`` in the
snapshot with ISO 8601 UTC timestamps, checksummed, and a one-line summary last."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from casearchive.crawler.cli import main
from tests.conftest import ROOT, run_cli

ISO_LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \S+ \[[\w.]+\] [A-Z]+: ")


def test_the_run_log_is_in_the_snapshot_listed_and_iso_stamped(fixture_crawl) -> None:
    out, _base, result = fixture_crawl
    snapshot = (out / "latest").resolve()
    lines = (snapshot / "crawl.log").read_text(encoding="utf-8").splitlines()
    assert lines and all(ISO_LINE.match(line) for line in lines), lines
    assert any("started" in line for line in lines)
    assert any("downloads finished" in line for line in lines)
    assert "crawl.log" in json.loads((snapshot / "manifest.json").read_text())["files"]
    # Off a terminal a short crawl prints no progress at all: no bar, no carriage returns.
    assert "progress:" not in result.stderr and "\r" not in result.stderr
    assert "\x1b[" not in result.stderr + result.stdout


def test_progress_counts_the_cases_the_worker_has_written() -> None:
    """The progress line's cases and lost pages come from the page pipeline's handle (a hung
    crawl once showed "0 cases" with cases written: it read a handle by a former name)."""
    from types import SimpleNamespace

    from casearchive.crawler.progress import ProgressExtension
    from casearchive.crawler.worker import ArchiveProgress

    handle = SimpleNamespace(progress=ArchiveProgress(cases_done=3, failed=1))
    crawler = SimpleNamespace(stats=None,
                              get_extension=lambda _cls: SimpleNamespace(pipeline=handle))
    sample = ProgressExtension(crawler, tty=False).sample()  # type: ignore[arg-type]
    assert (sample.cases, sample.failed) == (3, 1)


@pytest.mark.slow
def test_verify_checks_the_run_log(tmp_path, fixture_crawl, capsys) -> None:
    out, _base, _result = fixture_crawl
    copy = tmp_path / "snap"
    shutil.copytree((out / "latest").resolve(), copy)
    with open(copy / "crawl.log", "a", encoding="utf-8") as log:
        log.write("2026-01-01T00:00:00Z MainProcess [x] INFO: written later\n")
    assert main(["verify", str(copy)]) == 1
    assert "crawl.log: size" in capsys.readouterr().err


def _slow_crawl_args(base_url: str, out: Path) -> list[str]:
    # One request at a time, 50 ms apart: the crawl lasts a few seconds.
    return ["crawl", f"{base_url}/casestudies/index.asp", "--out", str(out), "--no-polite",
            "--concurrency", "1", "--delay", "0.05", "--no-requisites"]


@pytest.mark.slow
def test_off_a_tty_one_progress_line_per_interval(tmp_path, fixture_site) -> None:
    _server, base_url = fixture_site
    result = run_cli(*_slow_crawl_args(base_url, tmp_path / "s"), "--progress-seconds", "0.5")
    assert result.returncode == 0, result.stderr
    progress = [line for line in result.stderr.splitlines() if "progress:" in line]
    assert progress and all(ISO_LINE.match(line) for line in progress), result.stderr
    assert re.search(r"progress: \d+ pages done, \d+ queued, \d+ cases, 0 failed, "
                     r"[\d.]+ pages/s, 0:00:\d\d elapsed", progress[-1])
    assert len(progress) == len(result.stderr.splitlines())  # nothing else on stderr
    log = (tmp_path / "s" / "latest" / "crawl.log").read_text(encoding="utf-8")
    # The run log holds the lines from the snapshot's opening to its writing.
    assert 0 < log.count("progress:") <= len(progress)
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("casearchive: exit 0; 14 cases (0 incomplete);")


@pytest.mark.slow
def test_on_a_tty_a_live_display(tmp_path, fixture_site) -> None:
    _server, base_url = fixture_site
    primary, secondary = pty.openpty()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "casearchive.crawler.cli",
            *_slow_crawl_args(base_url, tmp_path / "s"),
        ],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=secondary,
        env={**os.environ, "COLUMNS": "160", "TERM": "xterm"},
    )
    os.close(secondary)
    screen = b""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([primary], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # the pty closed with the process
                break
            if not chunk:
                break
            screen += chunk
        elif process.poll() is not None:
            break
    stdout = process.communicate(timeout=60)[0].decode()
    os.close(primary)
    assert process.returncode == 0
    text = screen.decode("utf-8", "replace")
    assert re.search(r"\d+ pages done, \d+ queued, \d+ cases, 0 failed, [\d.]+ pages/s", text)
    assert "\x1b[" in text  # drawn and redrawn by rich
    assert "progress:" not in text  # the log line is for non-terminals
    assert stdout.strip().splitlines()[-1].startswith("casearchive: exit 0; 14 cases")
