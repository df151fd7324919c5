"""``import`` and ``reparse`` write a snapshot's files with nothing of the replay's
per-page state held: the pipeline, its assembler and discovery maps, and the index of the
archive's records (which grow with the archive) are freed, and the freed memory handed back,
before pyarrow writes the tables (these commands' peak)."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from casearchive.crawler import finish
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
