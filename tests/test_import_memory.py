"""``import`` and ``reparse`` write a snapshot's files with nothing of the replay's
per-page state held: the pipeline, its assembler and discovery maps, and the index of the
archive's records (which grow with the archive) are freed, and the freed memory handed back,
before pyarrow writes the tables (these commands' peak)."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from casearchive.crawler import finish, reparse
from casearchive.crawler.assembly import CaseAssembler
from casearchive.crawler.cli import main
from casearchive.crawler.pipeline import PagePipeline
from casearchive.crawler.reparse import SnapshotCaptures


def _alive() -> tuple[int, int, int]:
    objects = gc.get_objects()
    return tuple(sum(isinstance(o, kind) for o in objects)  # type: ignore[return-value]
                 for kind in (PagePipeline, CaseAssembler, SnapshotCaptures))


@pytest.mark.parametrize("command", ["import", "reparse"])
def test_the_replays_state_is_freed_before_the_files_are_written(
        command: str, tmp_path: Path, fixture_crawl, monkeypatch) -> None:
    crawled, base, _result = fixture_crawl
    order: list[str] = []
    alive: list[tuple[int, int, int]] = []
    run = finish.FinishJob.run

    def counted_run(job: finish.FinishJob) -> object:
        alive.append(_alive())
        order.append("write")
        return run(job)

    monkeypatch.setattr(finish.FinishJob, "run", counted_run)
    monkeypatch.setattr(finish, "release_freed_memory", lambda: order.append("release"))
    out = tmp_path / "snapshots"
    snapshot = crawled / "latest"
    args = (["import", "--warc", str(snapshot / "pages.warc.gz"),
             "--site", f"{base}/casestudies/index.asp"] if command == "import"
            else ["reparse", str(snapshot)])
    assert main([*args, "--out", str(out), "--workers", "1"]) == 0
    assert order == ["release", "write"]
    assert alive == [(0, 0, 0)]


@pytest.mark.parametrize("command", ["import", "reparse"])
def test_the_replay_reads_a_cases_pages_before_opening_many_others(
        command: str, tmp_path: Path, fixture_crawl, monkeypatch) -> None:
    """With a queue of one URL ahead, a case's pages are read as soon as its first page
    names them: breadth first, every case of the site was open at once."""
    crawled, base, _result = fixture_crawl
    monkeypatch.setattr(reparse, "QUEUED_AHEAD", 1)
    most_open = [0]
    add_page = CaseAssembler.add_page

    def counted_add_page(assembler: CaseAssembler, page: object) -> object:
        released = add_page(assembler, page)  # type: ignore[arg-type]
        most_open[0] = max(most_open[0], len(assembler._open))
        return released

    monkeypatch.setattr(CaseAssembler, "add_page", counted_add_page)
    snapshot = crawled / "latest"
    args = (["import", "--warc", str(snapshot / "pages.warc.gz"),
             "--site", f"{base}/casestudies/index.asp"] if command == "import"
            else ["reparse", str(snapshot)])
    assert main([*args, "--out", str(tmp_path / "snapshots"), "--workers", "1"]) == 0
    assert most_open[0] <= 2
