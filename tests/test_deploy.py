"""The deployment files in ``deploy/``: systemd units that systemd accepts, a usable config."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from casearchive.crawler.options import resolve_crawl

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
UNITS = ("casearchive-crawl.service", "casearchive-crawl.timer", "casearchive-alert@.service")
INSTALLED = "/opt/casearchive/.venv/bin/casearchive"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    # The units name the install path; point it at this checkout's executable so that
    # verify, which checks that ExecStart= exists, judges the units and not the machine.
    local = Path(sys.executable).parent / "casearchive"
    for name in UNITS:
        text = (DEPLOY / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(text.replace(INSTALLED, str(local)), encoding="utf-8")
    result = subprocess.run(
        ["systemd-analyze", "verify", *UNITS], cwd=tmp_path, capture_output=True, text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Unknown" not in result.stderr and "ignoring" not in result.stderr, result.stderr


def test_service_is_hardened_and_the_timer_persistent() -> None:
    service = (DEPLOY / "casearchive-crawl.service").read_text(encoding="utf-8")
    for line in ("ProtectSystem=strict", "ReadWritePaths=", "NoNewPrivileges=yes",
                 "PrivateTmp=yes", "User=casearchive", "Nice=", "IOSchedulingClass=",
                 "OnFailure=", f"ExecStart={INSTALLED} crawl --config"):
        assert line in service
    assert "Persistent=true" in (DEPLOY / "casearchive-crawl.timer").read_text(encoding="utf-8")
    assert INSTALLED in (DEPLOY / "crontab").read_text(encoding="utf-8")


def test_sample_config_is_a_valid_crawl_config() -> None:
    options, _json = resolve_crawl(None, {}, DEPLOY / "crawl.toml", {})
    assert options.polite and options.obey_robots
    assert str(options.out_dir) == "/srv/casearchive/snapshots"
