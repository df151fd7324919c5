"""``make bench`` (``python -m bench.run``) and ``make bench-quick`` (``--quick``).

Generates the bench site (``bench.site``: 2,500 cases / 10,000 pages, and 625 / 2,500 for
the memory comparison), serves it from nginx on loopback (Twisted if nginx will not start)
and measures, each the median of ``runs`` runs, one heavy thing at a time:

1. ``wget --recursive`` mirroring the site (the plain-mirror baseline);
2. the no-op Scrapy spider over the same pages (``bench.noop_spider``: Scrapy's ceiling);
3. ``casearchive crawl --no-polite`` end to end, with its process tree's peak RSS and CPU
   seconds per process, at both site sizes;
4. ``parse_page`` against raw ``lxml.html`` on the parse corpus of record (``parse_bench``);
5. exports (``export_bench`` on as many synthetic cases) plus the gzip WARC of the site's
   pages, alone; and inside the crawl, the worker's own seconds on the WARC, the export spools
   and the final export (``archive_seconds`` of the crawl summary): the share of the crawl's
   wall time that exports and WARC add;
6. ``casearchive diff`` of two 100,000-case snapshots with 1 % changed (``diff_bench``).
7. a second crawl of the unchanged large site into the same snapshots directory
   (``crawl_bench.second_crawl``): wall time, bytes received and WARC bytes as ratios to the
   first crawl, and the share of 304 answers;
8. ``reparse --workers 1`` and ``--workers 2`` of one crawl (``reparse_bench``), in turn:
   the speed-up of two workers over one, and whether both wrote the same exports.

wget's figures are a baseline only against nginx (``make bench`` installs Debian's nginx
when it is missing and it can); against the Twisted fallback, which serves a fraction of
nginx's pages per second, they are marked not comparable (``wget_comparable``).

Prints a table (measure, value and its same-run baseline, bound, PASS/MISS) and writes
``bench/results.json`` with a dated copy under ``bench/records/``, and the plots of
``bench.plots`` beside it (``bench/results-quick.json`` and ``*-quick.png`` with ``--quick``:
small sites, one run each, and every size-bearing figure named for the size it measured,
see ``sized_keys``). A miss is a finding, not an error: the exit code is 0 unless a
measurement could not be made.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import lxml
import scrapy

from bench import crawl_bench, diff_bench, export_bench, parse_bench, reparse_bench
from bench.servers import ceiling, serve
from bench.site import Site, SiteSpec, generate

BENCH = Path(__file__).resolve().parent
WORK = BENCH / "work"


@dataclass(frozen=True, slots=True)
class Plan:
    quick: bool
    runs: int
    small: SiteSpec
    large: SiteSpec
    diff_cases: int
    parse_repeat: int
    reparse: SiteSpec
    output: Path

    @property
    def suffix(self) -> str:
        """Added to the names of the files a quick run writes (they are not the record)."""
        return "-quick" if self.quick else ""


FULL = Plan(False, 3, SiteSpec(625), SiteSpec(2500), 100_000, 20, SiteSpec(2500),
            BENCH / "results.json")
QUICK = Plan(True, 1, SiteSpec(25), SiteSpec(100), 10_000, 3, SiteSpec(250),
             BENCH / "results-quick.json")
#: Dated copies of every full run's results (``<UTC date and time>.json``), committed.
RECORDS = BENCH / "records"


@dataclass(frozen=True, slots=True)
class Target:
    """A row of the table with a bound: ``value <= limit`` passes (``value >= limit`` with
    ``at_least``). ``key`` and ``label`` name the sizes measured (``sized_keys``):
    ``{large}``/``{small}`` case pages, ``{diff}`` cases. ``baseline`` shows what the value is
    measured against in the same run (format fields: the results' keys). A ``record_only``
    bound is set for the record's sizes (10,000 against 2,500 case pages, 100,000 cases): at
    other sizes (``--quick``) the figure is shown without a verdict (``pass`` is null)."""

    key: str
    label: str
    limit: float
    unit: str
    baseline: str = ""
    at_least: bool = False
    record_only: bool = False


TARGETS = (
    Target("parse_vs_lxml", "parse_page / raw lxml per page", 2.0, "x",
           "{parse_page_us:.0f} / {lxml_us:.0f} µs"),
    Target("reparse_speedup_2_workers", "reparse: 2 workers / 1 worker", 1.8, "x",
           "{reparse_seconds_1:.1f} / {reparse_seconds_2:.1f} s", at_least=True),
    Target("e2e_vs_wget", "casearchive crawl / wget wall time", 4.0, "x",
           "{e2e_seconds:.1f} / {wget_seconds:.1f} s"),
    Target("crawl_rss_mib_{large}", "crawl peak RSS, {large} pages", 250, "MiB",
           "summed over the crawl's processes"),
    Target("crawl_rss_mib_{small}", "crawl peak RSS, {small} pages", 250, "MiB",
           "summed over the crawl's processes"),
    Target("{growth}", "crawl RSS {large} / {small} pages", 1.10, "x",
           "{rss_large:.0f} / {rss_small:.0f} MiB", record_only=True),
    Target("{export_share}", "exports + WARC in crawl / wall time", 0.10, "",
           "{export_in_crawl_seconds:.2f} / {e2e_seconds:.2f} s", record_only=True),
    Target("diff_{diff}_seconds", "diff of {diff} cases", 1.0, "s",
           "{diff_cpu_seconds:.1f} s CPU", record_only=True),
    Target("diff_{diff}_rss_mib", "diff peak RSS, {diff} cases", 300, "MiB", record_only=True),
    Target("second_crawl_bytes_ratio", "unchanged 2nd crawl / 1st: bytes recv", 0.10, ""),
    Target("second_crawl_warc_ratio", "unchanged 2nd crawl / 1st: WARC", 0.10, ""),
)


def _count(n: int) -> str:
    """``100k`` for 100,000, ``2500`` for 2,500: how a size reads in a key."""
    return f"{n // 1000}k" if n >= 10_000 and n % 1000 == 0 else str(n)


def sized_keys(large: int, small: int, diff: int) -> dict[str, str]:
    """The parts of the size-bearing keys, from what was measured: the record's names
    (``crawl_rss_growth``, ``export_share_of_crawl``: 10,000 against 2,500 case pages) only
    for those sizes, else names that say the sizes (``crawl_rss_growth_400_vs_100``)."""
    record = (large, small) == (10_000, 2_500)
    return {"large": str(large), "small": str(small), "diff": _count(diff),
            "record": "yes" if record and diff == 100_000 else "",
            "growth": "crawl_rss_growth" if record else f"crawl_rss_growth_{large}_vs_{small}",
            "export_share": "export_share_of_crawl" if record
            else f"export_share_of_crawl_{large}"}


def _median_run(runs: list[dict], key: str = "seconds") -> dict:
    """The run whose ``key`` is the median (the lower middle one for an even count)."""
    ordered = sorted(runs, key=lambda r: r[key])
    return ordered[(len(ordered) - 1) // 2]


def _repeat(n: int, measure: Callable[[], dict]) -> list[dict]:
    return [measure() for _ in range(n)]


def measure_crawls(plan: Plan, large: Site, small: Site) -> dict[str, Any]:
    """Measures 1-3 on the large site, and the crawl again on the small one (RSS growth)."""
    with serve(large.root, WORK / "server") as server:
        print(f"server: {server.name} at {server.base_url}", flush=True)
        ceiling_ = ceiling(server.base_url + large.sample_page)
        wget, noop, e2e = [], [], []
        for n in range(plan.runs):
            print(f"  crawl round {n + 1}/{plan.runs}: wget, no-op spider, casearchive crawl",
                  flush=True)
            wget.append(crawl_bench.wget(large, server.base_url, WORK))
            noop.append(crawl_bench.scrapy_noop(large, server.base_url))
            e2e.append(crawl_bench.casearchive_crawl(large, server.base_url, WORK))
        print("  incremental: two crawls of the unchanged site into one directory", flush=True)
        second = crawl_bench.second_crawl(large, server.base_url, WORK)
    with serve(small.root, WORK / "server") as server:
        print(f"  small site: {plan.runs} x casearchive crawl", flush=True)
        e2e_small = _repeat(plan.runs, lambda: crawl_bench.casearchive_crawl(
            small, server.base_url, WORK))
    return {"server": {"name": server.name, **ceiling_}, "wget": wget, "noop": noop,
            "e2e": e2e, "e2e_small": e2e_small, "second_crawl": second}


def measure_parse(plan: Plan) -> list[dict]:
    print(f"  parse: {plan.runs} x parse_bench.report", flush=True)
    return _repeat(plan.runs, lambda: parse_bench.report(plan.parse_repeat))


def measure_exports(plan: Plan, large: Site) -> tuple[list[dict], list[dict]]:
    print(f"  exports: {plan.runs} x {large.cases} cases, WARC of {large.case_pages} pages",
          flush=True)
    exports = _repeat(plan.runs, lambda: export_bench.run(large.cases))
    bodies = [(f"http://127.0.0.1{p.relative_to(large.root).as_posix()}", p.read_bytes())
              for p in sorted((large.root / "cases").glob("*/*.htm"))]
    warcs = _repeat(plan.runs, lambda: export_bench.run_warc(bodies))
    return exports, warcs


def measure_diff(plan: Plan) -> dict:
    print(f"  diff: {plan.diff_cases} cases, {plan.runs} runs", flush=True)
    return diff_bench.run(plan.diff_cases, 0.01, repeat=plan.runs)


def measure_reparse(plan: Plan) -> dict:
    print(f"  reparse: {plan.reparse.cases} cases, {plan.runs} x workers 1 and 2", flush=True)
    return reparse_bench.run(plan.reparse.cases, plan.reparse.pages_per_case, repeat=plan.runs)


@dataclass(frozen=True, slots=True)
class Measured:
    """Everything one run of the bench measured, before it is summarised."""

    crawls: dict
    parse: list[dict]
    exports: list[dict]
    warcs: list[dict]
    diff: dict
    reparse: dict


def results(plan: Plan, large: Site, small: Site, m: Measured) -> dict[str, Any]:
    """The record written to ``results.json``; see README's development notes."""
    med = statistics.median
    crawls, diff, reparse = m.crawls, m.diff, m.reparse
    k = sized_keys(large.case_pages, small.case_pages, diff["cases"])
    pages = large.html_pages
    wget_s = med(r["seconds"] for r in crawls["wget"])
    noop_s = med(r["seconds"] for r in crawls["noop"])
    e2e_s = med(r["seconds"] for r in crawls["e2e"])
    rss_large = med(r["peak_rss_mib"] for r in crawls["e2e"])
    rss_small = med(r["peak_rss_mib"] for r in crawls["e2e_small"])
    export_s = med(r["export_seconds"] for r in m.exports)
    warc_s = med(r["warc_seconds"] for r in m.warcs)
    archive_s = _median_run(crawls["e2e"])["archive_seconds"]
    in_crawl_s = sum(archive_s.get(work, 0.0) for work in ("warc", "export", "finish"))
    overall = [p["overall"] for p in m.parse]
    parse_mid = sorted(m.parse, key=lambda p: p["overall"]["ratio"])[(len(m.parse) - 1) // 2]
    one, two = reparse["reparse"]
    out: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "cores": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "machine": {"cores": os.cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version(), "scrapy": scrapy.__version__,
                    "lxml": lxml.__version__},
        "quick": plan.quick,
        "site": {"large": _site_info(large), "small": _site_info(small)},
        "server": crawls["server"],
        "wget_pages_per_s": round(pages / wget_s, 1),
        "scrapy_noop_pages_per_s": round(pages / noop_s, 1),
        "e2e_pages_per_s": round(pages / e2e_s, 1),
        "wget_seconds": wget_s,
        "scrapy_noop_seconds": noop_s,
        "e2e_seconds": e2e_s,
        "e2e_vs_wget": round(e2e_s / wget_s, 2),
        "e2e_vs_scrapy_noop": round(e2e_s / noop_s, 2),
        "scrapy_noop_vs_wget": round(noop_s / wget_s, 2),
        "e2e_processes": _median_run(crawls["e2e"])["processes"],
        f"crawl_rss_mib_{k['large']}": rss_large,
        f"crawl_rss_mib_{k['small']}": rss_small,
        f"crawl_pss_mib_{k['large']}": med(r["peak_pss_mib"] for r in crawls["e2e"]),
        f"crawl_pss_mib_{k['small']}": med(r["peak_pss_mib"] for r in crawls["e2e_small"]),
        k["growth"]: round(rss_large / rss_small, 3),
        "parse_vs_lxml": med(p["ratio"] for p in overall),
        "parse_page_us": med(p["parse_page_us"] for p in overall),
        "lxml_us": med(p["lxml_us"] for p in overall),
        "parse_by_style": {style: row["ratio"] for style, row in parse_mid.items()
                           if style != "overall"},
        "export_seconds": round(export_s + warc_s, 3),
        "export_only_seconds": export_s,
        "warc_seconds": warc_s,
        "export_in_crawl_seconds": round(in_crawl_s, 3),
        k["export_share"]: round(in_crawl_s / e2e_s, 3),
        "archive_seconds": archive_s,
        "diff_cases": diff["cases"],
        f"diff_{k['diff']}_seconds": diff["diff_seconds"],
        f"diff_{k['diff']}_cpu_seconds": diff["cpu_seconds"],
        f"diff_{k['diff']}_process_seconds": diff["process_seconds"],
        f"diff_{k['diff']}_rss_mib": diff["peak_rss_mib"],
        "reparse_speedup_2_workers": reparse["reparse_speedup_2_workers"],
        "reparse_seconds_1": one["seconds"],
        "reparse_seconds_2": two["seconds"],
        "reparse_pages_per_s": {str(r["workers"]): r["pages_per_second"] for r in (one, two)},
        "reparse_identical_exports": reparse["identical_exports"],
        "reparse_largest_process_rss_mib": max(r["largest_process_rss_mib"] for r in (one, two)),
        "reparse_site": {"cases": reparse["cases"], "html_pages": reparse["html_pages"]},
        "second_crawl": crawls["second_crawl"],
        "second_crawl_wall_ratio": crawls["second_crawl"]["wall_ratio"],
        "second_crawl_bytes_ratio": crawls["second_crawl"]["bytes_received_ratio"],
        "second_crawl_warc_ratio": crawls["second_crawl"]["warc_ratio"],
        "wget_comparable": crawls["server"]["name"].startswith("nginx"),
        "runs": {
            "wget_seconds": [r["seconds"] for r in crawls["wget"]],
            "scrapy_noop_seconds": [r["seconds"] for r in crawls["noop"]],
            "e2e_seconds": [r["seconds"] for r in crawls["e2e"]],
            "e2e_rss_mib": [r["peak_rss_mib"] for r in crawls["e2e"]],
            "e2e_small_seconds": [r["seconds"] for r in crawls["e2e_small"]],
            "e2e_small_rss_mib": [r["peak_rss_mib"] for r in crawls["e2e_small"]],
            "e2e_processes": [r["processes"] for r in crawls["e2e"]],
            "parse_vs_lxml": [p["ratio"] for p in overall],
            "export_seconds": [r["export_seconds"] for r in m.exports],
            "warc_seconds": [r["warc_seconds"] for r in m.warcs],
            "diff": diff["runs"],
            "reparse": reparse["runs"],
        },
    }
    out["targets"] = {}
    for t in TARGETS:
        key = t.key.format(**k)
        passed: bool | None = out[key] >= t.limit if t.at_least else out[key] <= t.limit
        if t.record_only and not k["record"]:
            passed = None
        out["targets"][key] = {"value": out[key], "limit": t.limit, "pass": passed,
                               "bound": "at least" if t.at_least else "at most"}
    return out


def _site_info(site: Site) -> dict[str, int]:
    return {"cases": site.cases, "case_pages": site.case_pages, "html_pages": site.html_pages,
            "list_pages": site.list_pages, "mean_page_bytes": site.mean_page_bytes}


def table(res: dict[str, Any]) -> str:
    """The printed report: information rows, then every target as its value, what it is
    measured against in the same run, its bound and PASS or MISS."""
    large, small = res["site"]["large"], res["site"]["small"]
    server = res["server"]
    rows = [
        ("site", f"{large['cases']} cases, {large['case_pages']} case pages, "
                 f"{large['html_pages']} HTML pages, {large['mean_page_bytes']:,} B/page"),
        ("machine load (1, 5, 15 min)", " / ".join(f"{x:.2f}" for x in res["load_average"])),
        ("server", f"{server['name']}, ceiling {server.get('requests_per_s')} req/s "
                   "(wrk, one page)"),
        ("wget -r", f"{res['wget_pages_per_s']:,.0f} pages/s ({res['wget_seconds']:.2f} s)"),
        ("no-op Scrapy spider", f"{res['scrapy_noop_pages_per_s']:,.0f} pages/s "
                                f"({res['scrapy_noop_seconds']:.2f} s)"),
        ("casearchive crawl", f"{res['e2e_pages_per_s']:,.0f} pages/s "
                              f"({res['e2e_seconds']:.2f} s)"),
        ("crawl / no-op spider", f"{res['e2e_vs_scrapy_noop']:.2f}x"),
        ("crawl CPU s main / worker",
         " / ".join(f"{res['e2e_processes'].get(role, {}).get('cpu_seconds', 0):.1f}"
                    for role in ("main", "worker"))),
        ("reparse pages/s by workers", ", ".join(f"{n}: {v:,.0f}" for n, v in
                                                 res["reparse_pages_per_s"].items())
         + f" ({res['reparse_site']['html_pages']:,} pages; same exports: "
           f"{res['reparse_identical_exports']})"),
        ("exports + WARC alone", f"{res['export_seconds']:.2f} s ({res['export_only_seconds']:.2f} "
                                 f"+ {res['warc_seconds']:.2f})"),
        ("archive s in the crawl", ", ".join(f"{work} {s:.2f}"
                                            for work, s in res["archive_seconds"].items())),
        ("unchanged 2nd crawl / 1st: wall", f"{res['second_crawl_wall_ratio']:.2f}x "
                                            f"({res['second_crawl']['not_modified_share']:.1%}"
                                            " answered 304)"),
    ]
    lines = [f"{'measure':<36} {'value':<44} {'bound':<11} result", "-" * 100]
    lines += [f"{name:<36} {value}" for name, value in rows]
    lines.append("-" * 100)
    k = sized_keys(large["case_pages"], small["case_pages"], res["diff_cases"])
    fields = {**res, "rss_large": res[f"crawl_rss_mib_{k['large']}"],
              "rss_small": res[f"crawl_rss_mib_{k['small']}"],
              "diff_cpu_seconds": res[f"diff_{k['diff']}_cpu_seconds"]}
    for t in TARGETS:
        lines.append(_target_line(t, k, res, fields))
    return "\n".join(lines)


def _target_line(t: Target, k: dict[str, str], res: dict[str, Any],
                 fields: dict[str, Any]) -> str:
    key = t.key.format(**k)
    value = res[key]
    verdict = {True: "PASS", False: "MISS", None: "n/a (bound set for the record's sizes)"}[
        res["targets"][key]["pass"]]
    if key == "e2e_vs_wget" and not res["wget_comparable"]:
        verdict = "n/c (wget against Twisted, not nginx: not comparable)"
    share = not t.unit
    shown = f"{value:.1%}" if share else f"{value:g} {t.unit}"
    if t.baseline:
        shown += f" ({t.baseline.format(**fields)})"
    bound = (">= " if t.at_least else "<= ") + (f"{t.limit:.0%}" if share
                                                else f"{t.limit:g} {t.unit}")
    label = t.label.format(**{**k, "diff": f"{res['diff_cases']:,}"})
    return f"{label:<36} {shown:<44} {bound:<11} {verdict}"


def write_plots(plan: Plan, res: dict[str, Any], reparse: dict, crawls: dict) -> list[Path]:
    """``plots.workers`` and ``plots.crawl_rss`` beside the results (none without
    matplotlib, the bench extra: ``make bench`` installs it)."""
    from bench import plots

    try:
        import matplotlib  # noqa: F401
    except ImportError:
        print("matplotlib is not installed (pip install -e '.[bench]'): no plots",
              file=sys.stderr)
        return []
    large, small = res["site"]["large"], res["site"]["small"]
    timelines = {f"{site['case_pages']:,} case pages": _median_run(runs)["rss_timeline"]
                 for site, runs in ((small, crawls["e2e_small"]), (large, crawls["e2e"]))}
    return [plots.workers(reparse, BENCH / f"workers{plan.suffix}.png"),
            plots.crawl_rss(timelines, 250, BENCH / f"crawl-rss{plan.suffix}.png")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Crawl, parse, export and diff benchmarks.")
    parser.add_argument("--quick", action="store_true", help="small site, one run each")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    WORK.mkdir(parents=True, exist_ok=True)
    print(f"generating the bench sites ({plan.small.cases} and {plan.large.cases} cases)",
          flush=True)
    small, large = generate(plan.small), generate(plan.large)
    try:
        crawls = measure_crawls(plan, large, small)
        reparse = measure_reparse(plan)
    except crawl_bench.IncompleteCrawl as exc:
        print(f"bench: FAILED: {exc}", file=sys.stderr)
        return 1
    parse = measure_parse(plan)
    exports, warcs = measure_exports(plan, large)
    diff = measure_diff(plan)
    res = results(plan, large, small, Measured(crawls, parse, exports, warcs, diff, reparse))
    text = json.dumps(res, indent=2, sort_keys=True) + "\n"
    plan.output.write_text(text)
    written = [plan.output]
    if not plan.quick:
        RECORDS.mkdir(exist_ok=True)
        written.append(RECORDS / f"{res['date'].replace(':', '')}.json")
        written[-1].write_text(text)
    written += write_plots(plan, res, reparse, crawls)
    print()
    print(table(res))
    print("\nwritten: " + ", ".join(str(p.relative_to(BENCH.parent)) for p in written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
