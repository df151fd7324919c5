"""Crawl timings on the bench site: ``wget -r``, the no-op Scrapy spider, ``casearchive crawl``.

Each runs in a subprocess, timed by wall clock, while a ``TreeSampler`` polls the RSS and CPU
time of the subprocess and every descendant (the crawl's archive worker) from ``/proc``.
Every run checks that it fetched the whole site and raises ``IncompleteCrawl`` otherwise: a
fast crawl that missed pages measures nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from bench.site import Site

ROOT = Path(__file__).resolve().parent.parent
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")
#: What wget must not fetch because no crawler does: the crawl's non-HTML extensions.
WGET_REJECT = r"\.(pdf|jpe?g|gif|png|css|js|ico)$"


class IncompleteCrawl(RuntimeError):
    """A crawl that did not fetch the whole bench site."""


@dataclass(slots=True)
class ProcessPeak:
    role: str
    rss_mib: float = 0.0
    cpu_seconds: float = 0.0


@dataclass(slots=True)
class TreeSampler:
    """Polls ``pid`` and its descendants every ``interval`` s until stopped."""

    pid: int
    interval: float = 0.05
    peak_total_mib: float = 0.0
    peak_total_pss_mib: float = 0.0
    """Proportional set size: shared pages (the interpreter, libraries) counted once."""
    processes: dict[int, ProcessPeak] = field(default_factory=dict)
    timeline: list[tuple[float, dict[str, float]]] = field(default_factory=list)
    """Every sample: seconds since the sampler started, and RSS (MiB) summed per role."""
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> TreeSampler:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text()
                except OSError:
                    continue
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
        out, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            out.append(pid)
            todo.extend(children.get(pid, []))
        return out

    def _role(self, pid: int) -> str:
        if pid == self.pid:
            return "main"
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            return "child"
        if b"resource_tracker" in cmdline:
            return "resource_tracker"
        # The archive worker, and the same process once it writes the snapshot (``finish``).
        worker = any(name in cmdline for name in (b"spawn_main", b"casearchive.crawler.worker",
                                                  b"casearchive.crawler.finish"))
        return "worker" if worker else "child"

    def _run(self) -> None:
        started = time.perf_counter()
        while not self._stop.is_set():
            total = pss = 0.0
            roles: dict[str, float] = {}
            for pid in self._tree():
                try:
                    rss = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                except (OSError, IndexError):
                    continue
                mib = rss * PAGE_SIZE / 2**20
                total += mib
                pss += _pss_mib(pid)
                peak = self.processes.get(pid) or self.processes.setdefault(
                    pid, ProcessPeak(self._role(pid)))
                peak.rss_mib = max(peak.rss_mib, mib)
                peak.cpu_seconds = (int(fields[11]) + int(fields[12])) / TICKS
                roles[peak.role] = roles.get(peak.role, 0.0) + mib
            self.timeline.append((time.perf_counter() - started, roles))
            self.peak_total_mib = max(self.peak_total_mib, total)
            self.peak_total_pss_mib = max(self.peak_total_pss_mib, pss)
            self._stop.wait(self.interval)

    def by_role(self) -> dict[str, dict[str, float]]:
        """Peak RSS (MiB) and CPU seconds per role, summed over processes of one role."""
        out: dict[str, dict[str, float]] = {}
        for peak in self.processes.values():
            row = out.setdefault(peak.role, {"peak_rss_mib": 0.0, "cpu_seconds": 0.0})
            row["peak_rss_mib"] = round(max(row["peak_rss_mib"], peak.rss_mib), 1)
            row["cpu_seconds"] = round(row["cpu_seconds"] + peak.cpu_seconds, 2)
        return out


def _pss_mib(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _timed(args: list[str], cwd: Path = ROOT) -> tuple[float, subprocess.CompletedProcess, dict]:
    """Run ``args``, sampling its process tree; (wall seconds, result, sampler summary)."""
    started = time.perf_counter()
    process = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    with TreeSampler(process.pid) as sampler:
        stdout, stderr = process.communicate()
    wall = time.perf_counter() - started
    result = subprocess.CompletedProcess(args, process.returncode, stdout, stderr)
    return wall, result, {"peak_rss_mib": round(sampler.peak_total_mib, 1),
                          "peak_pss_mib": round(sampler.peak_total_pss_mib, 1),
                          "processes": sampler.by_role(),
                          "rss_timeline": _thin(sampler.timeline)}


#: Samples kept of a run's RSS timeline (for ``bench.plots``): enough to draw its shape.
TIMELINE_POINTS = 400


def _thin(timeline: list[tuple[float, dict[str, float]]]) -> list[dict[str, float]]:
    """At most ``TIMELINE_POINTS`` samples, each the largest of its stretch (peaks stay):
    ``{"t": seconds, role: MiB, ..., "total": MiB}``."""
    step = max(1, -(-len(timeline) // TIMELINE_POINTS))
    out = []
    for first in range(0, len(timeline), step):
        stretch = timeline[first:first + step]
        t, roles = max(stretch, key=lambda s: sum(s[1].values()))
        out.append({"t": round(t, 2), **{r: round(m, 1) for r, m in roles.items()},
                    "total": round(sum(roles.values()), 1)})
    return out


def wget(site: Site, base_url: str, work: Path) -> dict:
    """Mirror the site from its case list with ``wget --recursive``; count the HTML files."""
    dest = work / "wget"
    shutil.rmtree(dest, ignore_errors=True)
    wall, result, _ = _timed(["wget", "--recursive", "--level=inf", "--no-verbose",
                              "--reject-regex", WGET_REJECT, "--directory-prefix", str(dest),
                              base_url + site.start_path])
    files = [p for p in dest.rglob("*") if p.is_file() and p.name != "robots.txt"]
    shutil.rmtree(dest, ignore_errors=True)
    if len(files) != site.html_pages:
        raise IncompleteCrawl(f"wget fetched {len(files)} pages, the site has {site.html_pages} "
                              f"(exit {result.returncode}): {result.stderr[-2000:]}")
    return {"seconds": round(wall, 3), "pages": len(files), "exit_code": result.returncode}


def scrapy_noop(site: Site, base_url: str) -> dict:
    """The no-op spider (``bench.noop_spider``) over the whole site."""
    wall, result, sampled = _timed([sys.executable, "-m", "bench.noop_spider",
                                    base_url + site.start_path])
    if result.returncode != 0:
        raise IncompleteCrawl(f"no-op spider failed: {result.stderr[-2000:]}")
    counts = json.loads(result.stdout)
    if counts["html_pages"] != site.html_pages:
        raise IncompleteCrawl(f"no-op spider fetched {counts['html_pages']} pages, "
                              f"the site has {site.html_pages}")
    return {"seconds": round(wall, 3), "pages": counts["html_pages"],
            "responses": counts["responses"], "peak_rss_mib": sampled["peak_rss_mib"]}


def casearchive_crawl(site: Site, base_url: str, work: Path, keep: bool = False) -> dict:
    """``casearchive crawl --no-polite`` end to end; checks every case and page was found.
    With ``keep``, the snapshot stays under ``work`` and its path is the result's
    ``snapshot``."""
    out = work / "snapshots"
    shutil.rmtree(out, ignore_errors=True)
    wall, summary, sampled = _run_crawl(site, base_url, out)
    stats = summary["stats"]
    snapshot = Path(summary["snapshot"]) if summary["snapshot"] else None
    manifest = json.loads((snapshot / "manifest.json").read_text()) if snapshot else {}
    if not keep:
        shutil.rmtree(out, ignore_errors=True)
    counts = manifest.get("counts", {})
    found = (stats["cases_complete"], stats["case_pages"], stats["cases_incomplete"])
    if found != (site.cases, site.case_pages, 0) or summary["exit_code"] != 0:
        raise IncompleteCrawl(
            f"casearchive crawl found {found[0]} complete cases ({found[2]} incomplete) and "
            f"{found[1]} case pages, the site has {site.cases} and {site.case_pages}; exit "
            f"{summary['exit_code']}; failures {stats['failures'][:5]}; skipped "
            f"{stats['skipped_by_reason']}; late pages {stats['late_pages'][:5]}")
    return {
        "seconds": round(wall, 3),
        "cases": stats["cases_complete"],
        "case_pages": stats["case_pages"],
        "responses": stats["responses"],
        "manifest_counts": counts,
        "crawl_stats_duration_seconds": stats["duration_seconds"],
        "archive_seconds": stats["archive_seconds"],
        "peak_rss_mib": sampled["peak_rss_mib"],
        "peak_pss_mib": sampled["peak_pss_mib"],
        "processes": sampled["processes"],
        "rss_timeline": sampled["rss_timeline"],
        **({"snapshot": str(snapshot)} if keep else {}),
    }


def _run_crawl(site: Site, base_url: str, out: Path) -> tuple[float, dict, dict]:
    """``casearchive crawl --no-polite --json`` into ``out``: (wall seconds, its summary,
    the sampler's figures); ``IncompleteCrawl`` when it printed no summary."""
    wall, result, sampled = _timed([sys.executable, "-m", "casearchive.crawler.cli", "crawl",
                                    base_url + site.start_path, "--out", str(out),
                                    "--no-polite", "--json"])
    try:
        return wall, json.loads(result.stdout), sampled
    except json.JSONDecodeError:
        raise IncompleteCrawl(f"casearchive crawl exited {result.returncode} without a "
                              f"summary: {result.stderr[-2000:]}") from None


def _crawl_into(site: Site, base_url: str, out: Path) -> tuple[float, dict, Path]:
    """One crawl into ``out``: (wall seconds, summary stats, snapshot path); raises
    ``IncompleteCrawl`` unless every case was archived."""
    wall, summary, _ = _run_crawl(site, base_url, out)
    stats = summary["stats"]
    if summary["exit_code"] != 0 or stats["cases_complete"] != site.cases:
        raise IncompleteCrawl(f"casearchive crawl found {stats['cases_complete']} complete "
                              f"cases of {site.cases}; exit {summary['exit_code']}")
    return wall, stats, Path(summary["snapshot"])


def second_crawl(site: Site, base_url: str, work: Path) -> dict:
    """Two crawls of the unchanged site into one snapshots directory: the second revalidates
    every page with a conditional request (``OUT/latest``'s validators). Its wall time,
    bytes received (response bodies, as Scrapy counts them) and WARC bytes, each as a ratio
    to the first crawl's; and the share of its responses that were 304 Not Modified."""
    out = work / "incremental"
    shutil.rmtree(out, ignore_errors=True)
    first_s, first, first_snap = _crawl_into(site, base_url, out)
    second_s, second, second_snap = _crawl_into(site, base_url, out)
    warc = [(snap / "pages.warc.gz").stat().st_size for snap in (first_snap, second_snap)]
    same = [sorted(pq.read_table(snap / "cases.parquet", columns=["content_sha256"])
                   .column(0).to_pylist()) for snap in (first_snap, second_snap)]
    shutil.rmtree(out, ignore_errors=True)
    statuses = second["responses_by_status"]
    return {
        "first_seconds": round(first_s, 3), "second_seconds": round(second_s, 3),
        "first_bytes_received": first["bytes_received"],
        "second_bytes_received": second["bytes_received"],
        "first_warc_bytes": warc[0], "second_warc_bytes": warc[1],
        "wall_ratio": round(second_s / first_s, 3),
        "bytes_received_ratio": round(second["bytes_received"] / first["bytes_received"], 4),
        "warc_ratio": round(warc[1] / warc[0], 4),
        "not_modified_share": round(statuses.get("304", 0) / max(sum(statuses.values()), 1), 4),
        "revisits": second["revisits"],
        "same_content_checksums": same[0] == same[1],
    }


if __name__ == "__main__":  # python -m bench.crawl_bench [CASES]: the second-crawl ratios
    from bench.servers import serve
    from bench.site import SiteSpec, generate

    bench_site = generate(SiteSpec(int(sys.argv[1]) if len(sys.argv) > 1 else 100))
    work_dir = ROOT / "bench" / "work"
    work_dir.mkdir(parents=True, exist_ok=True)
    with serve(bench_site.root, work_dir) as server:
        print(json.dumps({"server": server.name, "site_pages": bench_site.html_pages,
                          **second_crawl(bench_site, server.base_url, work_dir)}, indent=2))
