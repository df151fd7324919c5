"""Killing a crawl at any moment leaves no partial snapshot visible and the previous
`latest` intact; the next run removes the leftovers."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from casearchive.crawler.cli import main
from tests.conftest import FIXTURES, ROOT


def crawl(base: str, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "casearchive.crawler.cli", "crawl", f"{base}/casestudies/index.asp",
         "--out", str(out), "--no-polite", *extra],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )


def crawled_once(serve_site, fixture_crawl, tmp_path: Path) -> tuple[Any, str, Path]:
    """The fixture site served (a fresh server: its request log counts this test's requests),
    and one good snapshot of it in ``tmp_path/snapshots``: a copy of the session's crawl."""
    server, base = serve_site(FIXTURES / "site")
    done, _base, result = fixture_crawl
    assert result.returncode == 0, result.stderr[-3000:]
    out = tmp_path / "snapshots"
    shutil.copytree(done, out, symlinks=True)
    return server, base, out


def visible(out: Path) -> set[str]:
    return {p.name for p in out.iterdir() if not p.name.startswith(".")}


@pytest.mark.slow  # soak: seven crawls, killed at five points
@pytest.mark.timeout(240)
def test_sigkill_at_several_points_keeps_latest(serve_site, fixture_crawl, tmp_path: Path) -> None:
    _server, base, out = crawled_once(serve_site, fixture_crawl, tmp_path)
    good = (out / "latest").resolve()
    before = visible(out)
    for delay in (0.2, 0.6, 1.0, 1.6, 2.4):
        slow = crawl(base, out, "--delay", "0.05", "--concurrency", "1")
        time.sleep(delay)
        os.killpg(slow.pid, signal.SIGKILL)
        slow.wait(30)
        time.sleep(0.3)  # the orphaned worker sees EOF and drops its work
        latest = (out / "latest").resolve()
        assert main(["verify", str(latest)]) == 0
        new = visible(out) - before
        assert new <= {latest.name}, f"partial snapshot visible after kill at {delay}s: {new}"
        before = visible(out)
    last = crawl(base, out)
    assert last.wait(120) == 0
    assert (out / "latest").resolve() != good
    assert not [p for p in out.iterdir() if p.name.startswith(".tmp-")]
    assert main(["verify", str(out / "latest")]) == 0


def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_a_dead_archive_worker_stops_the_crawl_cleanly(serve_site, tmp_path: Path) -> None:
    _server, base = serve_site(FIXTURES / "site")
    out = tmp_path / "snapshots"
    slow = crawl(base, out, "--delay", "0.05", "--concurrency", "1")
    deadline = time.monotonic() + 30
    workers: list[int] = []
    while not workers and time.monotonic() < deadline:
        time.sleep(0.2)
        workers = [p for p in children_of(slow.pid)
                   if b"crawler.worker" in Path(f"/proc/{p}/cmdline").read_bytes()]
    assert workers, "no archive worker process found"
    time.sleep(0.5)
    os.kill(workers[0], signal.SIGKILL)
    assert slow.wait(60) == 1
    stderr = slow.stderr.read().decode()
    assert "archive" in stderr and "Traceback" not in stderr
    assert not (out / "latest").exists()


@pytest.mark.timeout(240)
@pytest.mark.parametrize(("sig", "group"), [
    (signal.SIGTERM, False),  # the main process alone: the worker must notice by itself
    pytest.param(signal.SIGTERM, True, marks=pytest.mark.slow),  # same path, both processes
    pytest.param(signal.SIGINT, True, marks=pytest.mark.slow),
])
def test_an_interrupted_crawl_writes_no_snapshot_and_exits_5(
    serve_site, fixture_crawl, tmp_path: Path, sig: signal.Signals, group: bool
) -> None:
    """systemd stopping the job (the main process, or the whole control group), or ^C in a
    terminal (the process group): a snapshot of part of the site would make every case not
    yet visited look removed in the next diff, so none is written; the temporary snapshot
    is kept for ``crawl --resume`` (tests/test_crawl_resume.py), hidden and never listed."""
    server, base, out = crawled_once(serve_site, fixture_crawl, tmp_path)
    good = (out / "latest").resolve()
    before = visible(out)
    served = len(server.request_log)
    slow = crawl(base, out, "--delay", "0.2", "--concurrency", "1")
    deadline = time.monotonic() + 60
    while len(server.request_log) < served + 5 and time.monotonic() < deadline:
        time.sleep(0.05)  # a few pages in, far from done (41 requests at 0.2 s)
    if group:
        os.killpg(slow.pid, sig)  # the crawl leads its own session: its worker is in it
    else:
        slow.send_signal(sig)
    assert slow.wait(60) == 5
    err = slow.stderr.read().decode()
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1] == (
        "casearchive: the crawl was interrupted (shutdown; crawl --resume continues it); "
        "no snapshot written")
    assert visible(out) == before and (out / "latest").resolve() == good
    assert len([p for p in out.iterdir() if p.name.startswith(".tmp-")]) == 1
