"""The archive worker spools a crawl without pyarrow and writes the snapshot in a fresh
interpreter (``casearchive.crawler.finish``), which must write what an in-process ``close``
(spooling as Arrow at once: ``tables.ArrowSpool``) writes, byte for byte."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import pickle
import subprocess
import sys
import textwrap
from multiprocessing.connection import Connection
from pathlib import Path

import pytest

from casearchive.crawler.finish import FinishJob
from casearchive.crawler.messages import Closed, Failed
from casearchive.crawler.options import CrawlOptions
from casearchive.crawler.pipeline import PagePipeline
from casearchive.crawler.urls import canonical_url
from casearchive.exports.spool import RowSpool, pack_column, unpack_column, utf8_text
from tests.pipeline_driver import take
from tests.test_crawler_order import Wiki

ROOT = Path(__file__).resolve().parent.parent
ORDER = ["list", "knee", "knee_2", "knee_3", "hip"]

#: Drives the pipeline over the pages of a JSON file with pyarrow made unimportable, then
#: hands the snapshot's writing to ``exec_finish`` on the pipe whose descriptor it is given.
WORKER = textwrap.dedent("""
    import base64, json, sys
    from pathlib import Path

    class NoPyarrow:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] == "pyarrow":
                raise ImportError("pyarrow is not for the crawl's worker: " + name)

    sys.meta_path.insert(0, NoPyarrow())
    from multiprocessing.connection import Connection
    from casearchive.crawler.finish import FinishJob, exec_finish
    from casearchive.crawler.options import CrawlOptions
    from casearchive.crawler.pipeline import PagePipeline
    from casearchive.crawler.urls import canonical_url
    from tests.pipeline_driver import take

    spec = json.loads(Path(sys.argv[1]).read_text())
    pipeline = PagePipeline(CrawlOptions(start_url=spec["start"], out_dir=Path(spec["out"]),
                                         requisites=False), lean=True)
    roles = {canonical_url(spec["start"], pipeline.scope.rules): "list"}
    for url, body in spec["pages"]:
        take(pipeline, roles, url, base64.b64decode(body))
    job = pipeline.prepare_close({})
    assert isinstance(job, FinishJob), job
    assert "pyarrow" not in sys.modules
    exec_finish(job, Connection(int(sys.argv[2]), readable=False), 7, "WARNING")
""")


def _digests(snapshot: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(snapshot.iterdir())
            if p.suffix in (".parquet", ".jsonl")}


def _fed(out: Path, wiki: Wiki, lean: bool = False) -> PagePipeline:
    """A page pipeline that has taken the wiki's pages in ``ORDER``."""
    start = wiki.url[ORDER[0]]
    pipeline = PagePipeline(CrawlOptions(start_url=start, out_dir=out, requisites=False),
                            lean=lean)
    roles = {canonical_url(start, pipeline.scope.rules): "list"}
    for name in ORDER:
        take(pipeline, roles, wiki.url[name], wiki.responses[wiki.url[name]])
    return pipeline


def _in_process(out: Path, wiki: Wiki) -> Path:
    closed = _fed(out, wiki).close({})
    assert closed.snapshot is not None
    return closed.snapshot


def _lean_job(out: Path, wiki: Wiki) -> FinishJob:
    """What the crawl's worker hands over at ``Close``."""
    job = _fed(out, wiki, lean=True).prepare_close({})
    assert isinstance(job, FinishJob)
    return job


def test_the_worker_spools_without_pyarrow_and_a_fresh_interpreter_writes_the_same_files(
        tmp_path: Path) -> None:
    wiki = Wiki("short URLs", "Part_{n}", "every page")
    spec = tmp_path / "pages.json"
    spec.write_text(json.dumps({
        "start": wiki.url[ORDER[0]], "out": str(tmp_path / "fresh"),
        "pages": [[wiki.url[n], base64.b64encode(wiki.responses[wiki.url[n]]).decode()]
                  for n in ORDER]}))
    read, write = os.pipe()
    child = subprocess.Popen([sys.executable, "-c", WORKER, str(spec), str(write)],
                             pass_fds=(write,), cwd=ROOT, stderr=subprocess.PIPE)
    os.close(write)
    with Connection(read, writable=False) as answers:
        token, closed = answers.recv()
    _, stderr = child.communicate(timeout=60)
    assert child.returncode == 0, stderr.decode()
    assert token == 7 and isinstance(closed, Closed), closed
    assert closed.snapshot is not None and closed.stats["archive_seconds"]["finish"] > 0
    assert not (closed.snapshot / ".spool").exists()
    assert _digests(closed.snapshot) == _digests(_in_process(tmp_path / "in-process", wiki))


def test_a_job_that_cannot_be_read_is_answered_as_failed(tmp_path: Path) -> None:
    """The fresh interpreter answers ``Failed`` (the crawl exits 1), no traceback."""
    job = tmp_path / "finish-job.pickle"
    job.write_bytes(b"not a pickle")
    read, write = os.pipe()
    child = subprocess.run(
        [sys.executable, "-c", "from casearchive.crawler.finish import finish_main; finish_main()",
         str(job), str(write), "3", "WARNING"],
        pass_fds=(write,), cwd=ROOT, capture_output=True, timeout=60)
    os.close(write)
    with Connection(read, writable=False) as answers:
        token, answer = answers.recv()
    assert child.returncode == 0 and b"Traceback" not in child.stderr
    assert token == 3 and isinstance(answer, Failed)
    assert "could not start" in answer.reason


def test_a_row_spool_keeps_strings_as_utf8_and_pickles_only_closed(tmp_path: Path) -> None:
    assert utf8_text({"a": ["µg", None, 3], "b": "x"}) == ({"a": [b"\xc2\xb5g", None, 3],
                                                           "b": b"x"}, 3)
    spool = RowSpool(tmp_path / "t.rows", ["k", "v"], ("k",), buffer_rows=2)
    for k in "cab":
        spool.add({"k": k, "v": [k * 2]})
    with pytest.raises(ValueError, match="close the spool"):
        pickle.dumps(spool)
    spool.finish()
    copy = pickle.loads(pickle.dumps(spool))
    assert copy.batch_starts == [0, 2] and list(copy.text) == [3, 3, 3]
    batches = [{name: unpack_column(packed) for name, packed in batch.items()}
               for batch in copy.batches()]
    assert batches == [{"k": [b"c", b"a"], "v": [[b"cc"], [b"aa"]]},
                       {"k": [b"b"], "v": [[b"bb"]]}]


@pytest.mark.parametrize(("values", "kind"), [
    ([b"ab", b"", "µ".encode()], "utf8"),  # Arrow's layout: offsets and the bytes joined
    ([3, -1, 2**40], "int64"),
    ([b"a", None], "values"),  # a null: no buffers
    ([True, 1], "values"),  # a bool is no int64
    ([2**70], "values"),  # too large for int64: pyarrow says so, not the spool
    ([[b"x"], []], "values"),
])
def test_a_column_is_packed_as_arrows_buffers_where_it_can_be(values: list, kind: str) -> None:
    packed = pack_column(values)
    assert packed[0] == kind and unpack_column(packed) == values


@pytest.mark.parametrize("failure", ["exec", "pickle"])
def test_a_worker_that_cannot_start_the_fresh_interpreter_writes_the_files_itself(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: str) -> None:
    """``os.execv`` failing (no interpreter at ``sys.executable`` any more), or a job that
    does not pickle, is no lost snapshot: ``exec_finish`` returns, and the job is run where
    it is."""
    from datetime import UTC, datetime

    from casearchive.crawler import finish

    execs: list[str] = []

    def no_exec(path: str, args: list[str]) -> None:
        execs.append(path)
        raise FileNotFoundError(2, "No such file or directory", path)

    monkeypatch.setattr(os, "execv", no_exec)
    wiki = Wiki("short URLs", "Part_{n}", "every page")
    job = _lean_job(tmp_path / "out", wiki)
    if failure == "pickle":
        job.writer._clock = lambda: datetime.now(UTC)  # a lambda does not pickle
    read, write = os.pipe()
    with Connection(write, readable=False) as outbox:
        finish.exec_finish(job, outbox, 5, "WARNING")
    os.close(read)
    assert execs == ([sys.executable] if failure == "exec" else [])
    assert not (job.writer.spool_dir / finish.JOB_FILE).exists()
    closed = job.answer()
    assert isinstance(closed, Closed) and closed.snapshot is not None
    assert _digests(closed.snapshot) == _digests(_in_process(tmp_path / "in-process", wiki))


def test_spool_rows_that_cannot_be_written_at_close_are_a_failed_answer(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The last rows failing to reach the disk before the hand-over (a full disk) drop the
    snapshot and answer ``Failed``, as any failure of ``Close`` does: no traceback, no
    temporary snapshot left."""
    from casearchive.crawler.worker import finish_elsewhere

    job = _lean_job(tmp_path / "out", Wiki("short URLs", "Part_{n}", "every page"))

    def full_disk() -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(job.writer, "seal_spools", full_disk)
    read, write = os.pipe()
    with Connection(write, readable=False) as outbox:
        answer = finish_elsewhere(job, outbox, 9, "WARNING")
    os.close(read)
    assert isinstance(answer, Failed) and "No space left" in answer.reason
    assert not job.writer.tmp_path.exists()
