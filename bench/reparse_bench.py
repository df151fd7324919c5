"""Re-extraction benchmark: ``python -m bench.reparse_bench [cases] [pages_per_case] [repeat]``.

Crawls the bench site once (``casearchive crawl --no-polite``, its figures kept: wall time,
peak RSS summed over its processes, ``archive_seconds``), then re-extracts that snapshot
from its WARC with ``reparse --workers 1`` and ``--workers 2``, each in a subprocess whose
process tree is sampled (``crawl_bench.TreeSampler``). Reports wall seconds, pages/second,
the speed-up of two workers over one, the peak RSS of the largest single process and of
the tree, and whether the two snapshots' exports are the same bytes (they must be).
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

from bench import crawl_bench
from bench.servers import serve
from bench.site import SiteSpec, generate

EXPORTS = ("cases.jsonl", "cases.parquet", "sections.parquet", "pages.parquet",
           "references.parquet", "figures.parquet")


def _reparse(snapshot: Path, out: Path, workers: int) -> dict:
    wall, result, sampled = crawl_bench._timed(
        [
            sys.executable,
            "-m",
            "casearchive.crawler.cli",
            "reparse",
            str(snapshot),
            "--out",
            str(out),
            "--workers",
            str(workers),
            "--no-verify",
        ]
    )
    if result.returncode != 0:
        raise RuntimeError(f"reparse --workers {workers} exited {result.returncode}: "
                           f"{result.stderr[-2000:]}")
    largest = max(p["peak_rss_mib"] for p in sampled["processes"].values())
    return {"workers": workers, "seconds": round(wall, 3), "stderr": result.stderr.strip(),
            "peak_rss_mib": sampled["peak_rss_mib"], "largest_process_rss_mib": largest,
            "processes": sampled["processes"], "snapshot": result.stdout.strip()}


def run(cases: int = 500, pages_per_case: int = 4, repeat: int = 1) -> dict:
    """Crawl a site of ``cases`` cases once, then time reparse on 1 and 2 workers, ``repeat``
    times in turn (1, 2, 1, 2, ...: both see the same load). ``reparse`` holds the median run
    of each worker count, ``runs`` every run; the speed-up is the median of each round's
    ratio (one worker's seconds over two workers'), a same-run ratio."""
    site = generate(SiteSpec(cases, pages_per_case))
    work = Path(tempfile.mkdtemp(prefix="reparse-bench-"))
    try:
        with serve(site.root, work / "server") as server:
            crawl = crawl_bench.casearchive_crawl(site, server.base_url, work, keep=True)
        snapshot = Path(crawl.pop("snapshot"))
        rounds = []
        for _ in range(repeat):
            pair = [_reparse(snapshot, work / f"w{n}", n) for n in (1, 2)]
            one, two = (Path(r.pop("snapshot")) for r in pair)
            for r in pair:
                r["identical_exports"] = all(
                    (one / f).read_bytes() == (two / f).read_bytes() for f in EXPORTS)
            rounds.append(pair)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    pages = site.html_pages
    for r in (r for pair in rounds for r in pair):
        r["pages_per_second"] = round(pages / r["seconds"], 1)
    ratios = sorted(one["seconds"] / two["seconds"] for one, two in rounds)
    median = [sorted((pair[i] for pair in rounds), key=lambda r: r["seconds"])[
        (len(rounds) - 1) // 2] for i in (0, 1)]
    return {"cases": site.cases, "case_pages": site.case_pages, "html_pages": pages,
            "crawl": crawl, "reparse": median,
            "runs": [{k: r[k] for k in ("workers", "seconds", "pages_per_second",
                                        "peak_rss_mib", "largest_process_rss_mib")}
                     for pair in rounds for r in pair],
            "reparse_speedup_2_workers": round(ratios[(len(ratios) - 1) // 2], 2),
            "identical_exports": all(r["identical_exports"] for pair in rounds for r in pair)}


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    print(json.dumps(run(*args), indent=2))
