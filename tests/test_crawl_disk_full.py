"""A crawl onto a full disk: a clear one-line error, exit 1, no traceback, nothing left behind
but the lock file, and the previous ``latest`` intact. The disk is a tiny tmpfs (root only)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, run_cli


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


@pytest.mark.slow
def test_a_full_disk_stops_the_crawl_cleanly(tiny_disk: Path, serve_site) -> None:
    out = tiny_disk / "snapshots"
    out.mkdir()
    (out / "20250101T000000Z").mkdir()
    (out / "latest").symlink_to("20250101T000000Z")
    _server, base = serve_site(FIXTURES / "site")
    result = run_cli("crawl", f"{base}/casestudies/index.asp", "--out", str(out), "--no-polite")
    assert result.returncode == 1, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("casearchive: ") and "No space left on device" in last, last
    assert "no snapshot written" in last
    assert sorted(p.name for p in out.iterdir()) == [".lock", "20250101T000000Z", "latest"]
    assert os.readlink(out / "latest") == "20250101T000000Z"
