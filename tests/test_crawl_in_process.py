"""``crawl --in-process``: the page pipeline in Scrapy's process (for a debugger) gives the
same cases as the normal two-process crawl."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import OPERATOR, run_cli
from tests.test_crawler_scrapy import _without_record_ids


@pytest.mark.slow
def test_in_process_crawl_gives_the_same_cases(fixture_crawl, tmp_path: Path) -> None:
    ours_dir, base, ours = fixture_crawl  # the normal crawl, worker process and all
    assert ours.returncode == 0, ours.stderr[-3000:]
    done = run_cli("crawl", f"{base}/casestudies/index.asp", "--out", str(tmp_path / "b"),
                   "--no-polite", "--json", "--operator", OPERATOR, "--in-process",
                   "--log-level", "INFO")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "runs in the crawl's own process (--in-process)" in done.stderr
    a, b = (ours_dir / "latest").resolve(), (tmp_path / "b" / "latest").resolve()
    assert (a / "sections.parquet").read_bytes() == (b / "sections.parquet").read_bytes()
    lines, rows, figures = _without_record_ids(a)
    assert lines, "the normal crawl found no case"
    assert _without_record_ids(b) == (lines, rows, figures)
