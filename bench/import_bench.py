"""Import benchmark: ``python -m bench.import_bench [cases] [pages_per_case] [small_cases]``.

For two sizes of the bench site (``small_cases`` and ``cases`` cases), crawls it once
(``casearchive crawl --no-polite``), then, each in a subprocess whose process tree is
sampled (``crawl_bench.TreeSampler``):

* ``reparse --workers 1`` of that snapshot (re-extracting our own snapshot: the baseline),
* ``import --warc --workers 1`` of the same snapshot's ``pages.warc.gz`` read as a foreign
  archive (the same bytes, so the ratio is the import's own cost: indexing every capture,
  choosing per moment, copying each payload into a new WARC),
* the same import with ``--workers 2`` (``import_speedup_2_workers``; its cases must be
  the one-worker import's, content checksum for checksum: ``same_cases_2_workers``; the
  files differ in their new WARC record ids, which every import draws afresh).

Reports wall seconds and peak RSS of each, the import's ratios to reparse at the larger
size (``import_vs_reparse_seconds``, ``import_vs_reparse_rss``), and how the import's peak
RSS grows with the archive (``import_rss_growth``: large over small; near 1 when the import
streams, while the WARC grows by ``cases / small_cases``). Both snapshots must hold the same
cases (``same_cases``).
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

import pyarrow.parquet as pq

from bench import crawl_bench
from bench.servers import serve
from bench.site import SiteSpec, generate


def _run(args: list[str], what: str) -> dict:
    wall, result, sampled = crawl_bench._timed([sys.executable, "-m", "casearchive.crawler.cli",
                                                *args])
    if result.returncode != 0:
        raise RuntimeError(f"{what} exited {result.returncode}: {result.stderr[-2000:]}")
    return {"seconds": round(wall, 3), "peak_rss_mib": sampled["peak_rss_mib"],
            "stdout": result.stdout.strip().splitlines()[-1]}


def _cases(snapshot: Path) -> dict[str, str]:
    table = pq.read_table(snapshot / "cases.parquet", columns=["case_id", "content_sha256"])
    return dict(zip(*table.to_pydict().values(), strict=True))


def _one_size(cases: int, pages_per_case: int, work: Path) -> dict:
    site = generate(SiteSpec(cases, pages_per_case))
    with serve(site.root, work / "server") as server:
        crawl = crawl_bench.casearchive_crawl(site, server.base_url, work, keep=True)
    snapshot = Path(crawl["snapshot"])
    manifest = json.loads((snapshot / "manifest.json").read_text())
    warc = snapshot / "pages.warc.gz"
    reparse = _run(["reparse", str(snapshot), "--out", str(work / "reparsed"),
                    "--workers", "1", "--no-verify"], "reparse")
    runs, made = {}, {}
    for workers in (1, 2):
        out = work / f"imported-{workers}"
        runs[workers] = _run(["import", "--warc", str(warc), "--site", manifest["start_url"],
                              "--out", str(out), "--workers", str(workers)], "import")
        (made[workers],) = [p for p in out.iterdir() if p.name[:1].isdigit()]
    same = _cases(made[1]) == _cases(snapshot)
    same_2 = _cases(made[2]) == _cases(made[1])
    result = {"cases": site.cases, "html_pages": site.html_pages,
              "warc_mib": round(warc.stat().st_size / 2**20, 1), "reparse": reparse,
              "import": runs[1], "import_2_workers": runs[2], "same_cases": same,
              "same_cases_2_workers": same_2}
    shutil.rmtree(work, ignore_errors=True)
    return result


def run(cases: int = 500, pages_per_case: int = 4, small_cases: int = 125) -> dict:
    """Import against reparse on sites of ``small_cases`` and ``cases`` cases."""
    sizes = {}
    for n in (small_cases, cases):
        sizes[n] = _one_size(n, pages_per_case, Path(tempfile.mkdtemp(prefix="import-bench-")))
    small, large = sizes[small_cases], sizes[cases]
    return {
        "sizes": sizes,
        "import_vs_reparse_seconds": round(large["import"]["seconds"]
                                           / large["reparse"]["seconds"], 2),
        "import_vs_reparse_rss": round(large["import"]["peak_rss_mib"]
                                       / large["reparse"]["peak_rss_mib"], 2),
        "warc_growth": round(large["warc_mib"] / small["warc_mib"], 2),
        "import_rss_growth": round(large["import"]["peak_rss_mib"]
                                   / small["import"]["peak_rss_mib"], 2),
        "import_speedup_2_workers": round(large["import"]["seconds"]
                                          / large["import_2_workers"]["seconds"], 2),
        "same_cases": small["same_cases"] and large["same_cases"],
        "same_cases_2_workers": small["same_cases_2_workers"] and large["same_cases_2_workers"],
    }


if __name__ == "__main__":
    print(json.dumps(run(*(int(a) for a in sys.argv[1:])), indent=2))
