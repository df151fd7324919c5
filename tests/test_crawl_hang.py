"""A crawl always ends: it never hangs on the page pipeline's worker, and SIGTERM stops it
with exit 5 even while the worker answers nothing.

The hang this guards against (corpus family ``blogger``, seed 4): the worker looped for ever
in ``CaseAssembler._current`` over two cases joined to each other; the Scrapy process waited
for the page's verdict at 0 % CPU, and SIGTERM could not stop it, since Scrapy closes the
spider only once every response's callback has returned.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from casearchive.crawler.worker import PipelineProcess
from tests.conftest import FIXTURES, ROOT
from tests.fixtures import blog_archive_site
from tests.test_crawl_atomicity import children_of

INTERRUPTED = ("casearchive: the crawl was interrupted (shutdown; crawl --resume continues "
               "it); no snapshot written")


def _start(command: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """The crawl in its own session, so that the test can end it and its worker at once."""
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True, env=env)


def _finish(proc: subprocess.Popen[str], timeout: float) -> tuple[int | None, str, str]:
    """(exit code, stdout, stderr); None when the crawl had not ended after ``timeout``
    seconds: it and its worker are then killed (a looping worker would outlive the test)."""
    try:
        out, err = proc.communicate(timeout=timeout)
        return proc.returncode, out, err
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        return None, out, err


@pytest.mark.timeout(120)
def test_a_case_joined_to_a_blog_archive_does_not_hang_the_crawl(serve_site, tmp_path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    truth = blog_archive_site.build(site)
    _server, base = serve_site(site)
    out = tmp_path / "out"
    # One request at a time: the order that hung, page 1, the archive, page 4, every run.
    proc = _start([sys.executable, "-m", "casearchive.crawler.cli", "crawl",
                   f"{base}{truth['start']}", "--out", str(out), "--no-polite",
                   "--concurrency", "1", "--json"])
    code, stdout, stderr = _finish(proc, timeout=60)
    assert code is not None, f"the crawl hung: {stderr[-3000:]}"
    assert code == 0, stderr[-3000:]
    stats = json.loads(stdout)["stats"]
    assert stats["internal_errors"] == 0 and not stats["late_pages"]
    cases = [json.loads(line) for line in
             (out / "latest" / "cases.jsonl").read_text(encoding="utf-8").splitlines()]
    chest = [c for c in cases if c["title"] == blog_archive_site.TITLE]
    assert len(chest) == 1 and chest[0]["complete"]
    pages = {p["url"].removeprefix(base) for p in chest[0]["pages"]}
    assert set(truth["case_pages"]) <= pages


#: A ``sitecustomize`` on the crawl's ``PYTHONPATH``, so that it runs in each of its
#: interpreters, the worker's too: the worker answers the third page never, as the looping
#: one did.
STUCK_CRAWL = textwrap.dedent('''
    import os, sys, time
    from pathlib import Path
    from casearchive.crawler import worker
    from casearchive.crawler.messages import PageMessage

    handle_page = worker.HANDLERS[PageMessage]
    seen = []

    def stuck(pipeline, message):
        seen.append(message.url)
        if len(seen) == 3:
            Path(os.environ["STUCK_MARKER"]).write_text(message.url)
            while True:
                time.sleep(0.1)
        return handle_page(pipeline, message)

    worker.HANDLERS[PageMessage] = stuck
    worker.WORKER_GRACE_SECONDS = 2.0
    worker.WORKER_STALL_SECONDS = float(os.environ.get("STALL_SECONDS", "600"))
''')


def _stuck_crawl(tmp_path: Path, base: str, out: Path, **env: str) -> subprocess.Popen[str]:
    """A crawl of the fixture site whose worker gets stuck on its third page."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(STUCK_CRAWL, encoding="utf-8")
    path = os.pathsep.join(p for p in (str(hook), os.environ.get("PYTHONPATH")) if p)
    return _start([sys.executable, "-m", "casearchive.crawler.cli", "crawl",
                   f"{base}/casestudies/index.asp", "--out", str(out), "--no-polite"],
                  env={**os.environ, "PYTHONPATH": path, **env})


@pytest.mark.timeout(120)
def test_sigterm_stops_a_crawl_whose_worker_answers_nothing(serve_site, tmp_path) -> None:
    """systemd stopping the job (SIGTERM to its control group) while the worker is stuck:
    exit 5, the interrupted line, the temporary snapshot kept for ``--resume``, and no
    process left behind (the worker ignores SIGTERM: it is killed after its grace)."""
    _server, base = serve_site(FIXTURES / "site")
    marker = tmp_path / "stuck"
    out = tmp_path / "out"
    proc = _stuck_crawl(tmp_path, base, out, STUCK_MARKER=str(marker))
    deadline = time.monotonic() + 60
    while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), "the worker never got stuck"
    children = children_of(proc.pid)
    # The worker alone: no resource tracker beside it (``PipelineProcess._spawn``).
    assert [b"casearchive.crawler.worker" in Path(f"/proc/{pid}/cmdline").read_bytes()
            for pid in children] == [True]
    time.sleep(0.5)  # the Scrapy process waits for the stuck page's verdict
    os.killpg(proc.pid, signal.SIGTERM)
    code, _out, stderr = _finish(proc, timeout=60)
    assert code == 5, f"exit {code}: {stderr[-3000:]}"
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1] == INTERRUPTED
    assert len([p for p in out.iterdir() if p.name.startswith(".tmp-")]) == 1
    assert not (out / "latest").exists()
    deadline = time.monotonic() + 5
    while any(map(_alive, children)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(map(_alive, children)), "a process of the crawl was left behind"


@pytest.mark.timeout(120)
def test_a_worker_that_answers_nothing_fails_the_crawl_with_a_clear_line(
        serve_site, tmp_path) -> None:
    """The second line of defence: with no SIGTERM, a worker silent for
    ``WORKER_STALL_SECONDS`` (2 s here) while a page waits is killed, and the crawl fails
    with exit 1 and a line that says so, leaving no process behind."""
    _server, base = serve_site(FIXTURES / "site")
    out = tmp_path / "out"
    proc = _stuck_crawl(tmp_path, base, out, STUCK_MARKER=str(tmp_path / "stuck"),
                        STALL_SECONDS="2")
    deadline = time.monotonic() + 60
    children: list[int] = []
    while not children and proc.poll() is None and time.monotonic() < deadline:
        children = children_of(proc.pid)
        time.sleep(0.05)
    code, _out, stderr = _finish(proc, timeout=60)
    assert code == 1, f"exit {code}: {stderr[-3000:]}"
    assert "Traceback" not in stderr
    last = stderr.strip().splitlines()[-1]
    assert last.startswith("casearchive: the archive worker answered nothing for "), last
    assert "/casestudies/" in last and last.endswith("no snapshot written")
    assert not (out / "latest").exists()
    deadline = time.monotonic() + 5
    while any(map(_alive, children)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert children and not any(map(_alive, children)), "a process of the crawl was left"


def _alive(pid: int) -> bool:
    """Is ``pid`` a live process (not gone, not a zombie)?"""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


def test_a_gone_worker_never_blocks_the_reactor_on_a_full_queue(tmp_path) -> None:
    """Back-pressure must end when the worker does: the sender thread keeps draining the
    queue after the pipe broke, so the reactor's ``put`` on a full queue returns (the
    receiver thread then fails the crawl)."""
    import multiprocessing as mp
    import queue
    import threading

    handle = PipelineProcess.__new__(PipelineProcess)
    reader, handle._down = mp.get_context("spawn").Pipe(duplex=False)
    reader.close()  # the worker is gone
    handle._queue = queue.Queue(maxsize=4)
    threading.Thread(target=handle._send_loop, daemon=True).start()
    for n in range(64):
        handle._queue.put((0, n), timeout=5)  # queue.Full here: the reactor would hang
    handle._stop_sending()


def test_an_internal_error_in_the_worker_still_writes_the_snapshot(tmp_path) -> None:
    """One message failing in the worker (here: an alias) is a failure of the report, and
    ``Close`` still writes the snapshot (exit 3): it once failed on the entry's missing
    ``role``, and the crawl exited 1 with "KeyError: 'role'"."""
    from casearchive.crawler.finish import FinishJob
    from casearchive.crawler.messages import AddAlias, Close, Closed, PageMessage
    from casearchive.crawler.options import CrawlOptions
    from casearchive.crawler.pipeline import PagePipeline
    from casearchive.crawler.run import EXIT_INCOMPLETE, CrawlResult
    from casearchive.crawler.worker import apply

    case = "http://127.0.0.1:8080/casestudies/case.asp?id=1"
    # --case-pattern: the page is a case without a list naming it (this test has none)
    pipeline = PagePipeline(CrawlOptions(start_url=case, out_dir=tmp_path / "out",
                                         requisites=False, case_pattern=r"case\.asp"))
    body = (b"<html><head><title>Knee Pain in a Runner</title></head><body>"
            b"<h1>Knee Pain in a Runner</h1><p><b>History</b><br>A 15-year-old runner.</p>"
            b"<p><b>Treatment</b><br>Rest.</p></body></html>")
    apply(pipeline, PageMessage(role="case link", url=case, request_url=case, status=200,
                                headers={"Content-Type": "text/html"}, body=body,
                                fetched_at="2026-12-06T00:00:00Z", warc_record_id=None))

    def broken(url: str, final_url: str) -> None:
        raise ValueError("broken")

    pipeline.add_alias = broken  # type: ignore[method-assign]
    assert apply(pipeline, AddAlias(case + "&x=1", case)) is None
    job = apply(pipeline, Close({}, {}))
    assert isinstance(job, FinishJob)
    closed = job.answer()
    assert isinstance(closed, Closed) and closed.snapshot is not None
    assert [f["reason"] for f in closed.stats["failures"]] == ["internal error: "
                                                               "ValueError('broken')"]
    assert CrawlResult(closed.snapshot, closed.stats).exit_code == EXIT_INCOMPLETE
