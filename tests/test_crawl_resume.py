"""``crawl --resume`` over loopback: a crawl killed mid-way (SIGKILL of its process group,
as a power loss would; or SIGTERM, as systemd stops it) is continued into the same temporary
snapshot; the result's case checksums equal an uninterrupted crawl's, and the server's log
shows no page archived before the interruption fetched again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from casearchive.crawler.run import EXIT_INTERRUPTED
from casearchive.crawler.warc import WARC_ERRORS, WARC_NAME, iter_responses
from tests.conftest import FIXTURES, ROOT, run_cli

#: Requests the first crawl makes before it is interrupted (of 48 in the whole crawl).
INTERRUPT_AFTER = 20


def _args(base_url: str, out: Path) -> list[str]:
    # One request at a time, 100 ms apart: slow enough to be interrupted mid-way.
    return ["crawl", f"{base_url}/casestudies/index.asp", "--out", str(out), "--no-polite",
            "--concurrency", "1", "--delay", "0.1", "--json"]


#: SIGINT, then SIGTERM a tenth of a second later: an operator's Ctrl-C followed by systemd's
#: stop. Scrapy stops at once on the second signal, before the spider's close handlers run.
TWICE = (signal.SIGINT, signal.SIGTERM)


def _interrupt(server, args: list[str], how: signal.Signals | tuple[signal.Signals, ...]
               ) -> int:
    process = subprocess.Popen([sys.executable, "-m", "casearchive.crawler.cli", *args], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True)
    deadline, start = time.monotonic() + 120, len(server.request_log)
    while len(server.request_log) < start + INTERRUPT_AFTER and time.monotonic() < deadline:
        time.sleep(0.02)
    if how == signal.SIGKILL:
        os.killpg(process.pid, how)  # the crawl and its worker at once: a power loss
    else:
        for sent in how if isinstance(how, tuple) else (how,):
            process.send_signal(sent)  # the worker ignores it; the crawl suspends
            time.sleep(0.1)
    _out, err = process.communicate(timeout=120)
    if process.returncode == EXIT_INTERRUPTED:
        assert "crawl --resume continues it" in err.decode().strip().splitlines()[-1], err
    return process.returncode


def _archived_urls(tmp: Path) -> set[str]:
    """Response URLs in the interrupted crawl's WARC, read up to where the kill cut it."""
    urls: set[str] = set()
    try:
        urls.update(r.url for r in iter_responses(tmp / WARC_NAME))
    except WARC_ERRORS:
        pass
    return urls


def _interrupted(server, base_url: str, out: Path, how: signal.Signals | tuple[signal.Signals, ...]
                 ) -> tuple[int, Path, set[str]]:
    """Interrupt a crawl into ``out``: (its exit code, the temporary snapshot it left, the
    URLs its WARC archived)."""
    code = _interrupt(server, _args(base_url, out), how)
    (leftover,) = out.glob(".tmp-*")
    archived = _archived_urls(leftover)
    assert archived, "the interrupted crawl archived nothing"
    return code, leftover, archived


def _checksums(snapshot: Path) -> dict[str, str]:
    table = pq.read_table(snapshot / "cases.parquet", columns=["case_id", "content_sha256"])
    return dict(zip(*(table.column(c).to_pylist() for c in table.column_names), strict=True))


@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM, TWICE],
                         ids=["SIGKILL", "SIGTERM", "SIGINT-SIGTERM"])
def test_resume_continues_without_refetching(tmp_path, serve_site, fixture_crawl, how) -> None:
    good, _base, _result = fixture_crawl
    server, base_url = serve_site(FIXTURES / "site")
    out = tmp_path / "snapshots"
    code, leftover, archived = _interrupted(server, base_url, out, how)
    assert code == (-signal.SIGKILL if how == signal.SIGKILL else EXIT_INTERRUPTED)
    first = len(server.request_log)

    result = run_cli(*_args(base_url, out), "--resume")
    assert result.returncode == 0, result.stderr
    snapshot = Path(json.loads(result.stdout)["snapshot"])
    assert snapshot.name == leftover.name.split("-")[1]  # the interrupted crawl's snapshot
    assert not list(out.glob(".tmp-*")) and not list(snapshot.glob("resume-*"))
    assert _checksums(snapshot) == _checksums((good / "latest").resolve())
    assert run_cli("verify", str(snapshot)).returncode == 0

    counts = Counter(f"{base_url}{path}" for _method, path in server.request_log)
    print(f"{how}: {first} requests before, {len(server.request_log) - first} after; "
          f"{len(archived)} pages archived before; fetched twice: "
          f"{sorted(u for u, n in counts.items() if n > 1)}")
    assert all(counts[url] == 1 for url in archived), counts
    assert len(server.request_log) - first < 48 - len(archived) + 3


@pytest.mark.slow
def test_without_resume_leftovers_are_removed_and_all_refetched(tmp_path, serve_site) -> None:
    server, base_url = serve_site(FIXTURES / "site")
    out = tmp_path / "snapshots"
    _interrupt(server, _args(base_url, out), signal.SIGTERM)
    assert list(out.glob(".tmp-*"))
    first = len(server.request_log)
    result = run_cli(*_args(base_url, out))
    assert result.returncode == 0, result.stderr
    assert not list(out.glob(".tmp-*"))
    assert len(server.request_log) - first == 48  # every request again: nothing replayed


@pytest.mark.slow
def test_an_interrupted_incremental_crawl_resumes_without_refetching(
        tmp_path, serve_site) -> None:
    """The nightly case: a crawl revalidating the previous snapshot (304s archived as
    revisits) is killed; ``--resume`` replays its revisits too, so no page it archived is
    requested again, and the snapshot still refers to the first crawl's payloads."""
    server, base_url = serve_site(FIXTURES / "site")
    out = tmp_path / "snapshots"
    first = run_cli(*_args(base_url, out))
    assert first.returncode == 0, first.stderr
    full = Path(json.loads(first.stdout)["snapshot"])
    before = len(server.request_log)
    _code, _leftover, archived = _interrupted(server, base_url, out, signal.SIGKILL)
    interrupted = len(server.request_log)

    result = run_cli(*_args(base_url, out), "--resume")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    snapshot = Path(summary["snapshot"])
    assert _checksums(snapshot) == _checksums(full)
    assert summary["stats"]["revisits"] > 0
    assert run_cli("verify", str(snapshot)).returncode == 0
    again = Counter(f"{base_url}{path}" for _m, path in server.request_log[before:])
    assert all(again[url] == 1 for url in archived), again
    assert len(server.request_log) - interrupted < 48 - len(archived) + 3
