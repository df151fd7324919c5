"""``make eval``: generate every corpus site, serve it on loopback, crawl it with the real
CLI, score it against its truth, and print per-family and per-split tables.

    python -m tests.corpus.eval [--families a,b] [--seed N ...] [--cases N] [--json FILE]
                                [--samples N] [--keep DIR]
    python -m tests.corpus.eval --write-baseline   # re-measure the gate slice, rewrite floors

The gate slice and its floors live in ``tests/corpus/baseline.json`` (see docs/eval.md).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from tests.fixtures.legacy_server import LegacyHandler, LegacyServer, serve

from .families import FAMILIES, build_site
from .score import Tally, read_export, score_site

ROOT = Path(__file__).resolve().parents[2]
BASELINE = Path(__file__).with_name("baseline.json")
SPLITS = ("develop", "evaluate")
#: Figures where higher is better; ``non_case_pages`` is a ceiling instead.
FLOOR_FIGURES = ("field_exact", "page_recall", "case_precision", "crawls_exit_0")
CRAWL_TIMEOUT = 300
#: The exit code reported for a crawl killed after ``CRAWL_TIMEOUT`` seconds.
TIMED_OUT = -1


def crawl(start_url: str, out: Path) -> tuple[int, Path | None]:
    """Crawl with the real CLI in a fresh interpreter; (exit code, snapshot or None)."""
    try:
        result = subprocess.run(
            [sys.executable, "-m", "casearchive.crawler.cli", "crawl", start_url, "--out", str(out),
             "--no-polite", "--json"],
            cwd=ROOT, capture_output=True, text=True, timeout=CRAWL_TIMEOUT, check=False,
        )
    except subprocess.TimeoutExpired:
        return TIMED_OUT, None
    latest = out / "latest"
    return result.returncode, latest if (latest / "cases.jsonl").exists() else None


def serve_site(root: Path, software: str) -> tuple[LegacyServer, str]:
    """Serve a generated site on loopback with its own Server header."""
    server, base_url = serve(root)
    server.RequestHandlerClass = type("CorpusHandler", (LegacyHandler,),
                                      {"server_version": software})
    return server, base_url


def run_site(family: str, seed: int, cases: int, work: Path,
             samples: list[dict]) -> Tally:
    """Build, serve, crawl and score one site."""
    site = build_site(family, seed, cases)
    root = work / f"{family}-{seed}"
    site.write(root / "site")
    truth = site.truth()
    truth["cases"] = site.cases
    server, base_url = serve_site(root / "site", site.server)
    try:
        code, snapshot = crawl(base_url + site.start_path, root / "snapshots")
    finally:
        server.shutdown()
    exported = read_export(snapshot) if snapshot else []
    return score_site(truth, exported, code, samples)


def run(families: Sequence[str], seeds: Sequence[int], cases: int,
        keep: Path | None = None, progress: bool = True) -> tuple[dict, list[dict]]:
    """Score every (family, seed); returns ({"families", "splits"} figures, samples)."""
    samples: list[dict] = []
    per_family: dict[str, Tally] = {}
    with tempfile.TemporaryDirectory(prefix="corpus-") as tmp:
        work = keep or Path(tmp)
        for family in families:
            tally = Tally()
            for seed in seeds:
                tally.add(run_site(family, seed, cases, work, samples))
            per_family[family] = tally
            if progress:
                print(f"  {family}: {tally.figures()['fields']} fields", file=sys.stderr)
    splits: dict[str, Tally] = {}
    for split in SPLITS:
        for family, tally in per_family.items():
            if FAMILIES[family][0] == split:
                splits.setdefault(split, Tally()).add(tally)
    result = {
        "seeds": list(seeds), "cases": cases,
        "families": {f: {"split": FAMILIES[f][0], **t.figures(),
                         "field_failures": dict(t.field_failures)}
                     for f, t in per_family.items()},
        "splits": {s: {**t.figures(), "field_failures": dict(t.field_failures)}
                   for s, t in splits.items()},
    }
    return result, samples


def format_table(result: dict) -> str:
    """Per-family rows grouped by split, then one row per split."""
    head = (f"{'family':<14}{'split':<10}{'fields':>8}{'pages':>8}{'cases':>8}"
            f"{'non-case':>10}  exit  field exact-match (ok/total)")
    lines = [head, "-" * len(head)]
    for split in SPLITS:
        for name, fig in result["families"].items():
            if fig["split"] == split:
                lines.append(_row(name, split, fig))
    lines.append("-" * len(head))
    for split, fig in result["splits"].items():
        lines.append(_row(f"ALL {split}", split, fig))
    return "\n".join(lines)


def _row(name: str, split: str, fig: dict) -> str:
    codes = ",".join(str(c) for c in fig["exit_codes"])
    return (f"{name:<14}{split:<10}{fig['field_exact']:>8.1%}{fig['page_recall']:>8.1%}"
            f"{fig['case_precision']:>8.1%}{fig['non_case_pages']:>10}  {codes:<5} "
            f"{fig['fields']}")


def format_failures(result: dict) -> str:
    """Per split, how often each field failed, most frequent first."""
    lines = []
    for split, fig in result["splits"].items():
        counts = sorted(fig["field_failures"].items(), key=lambda kv: (-kv[1], kv[0]))
        lines.append(f"failing fields, {split}: "
                     + (", ".join(f"{name} {n}" for name, n in counts) or "none"))
    return "\n".join(lines)


def pick_samples(samples: list[dict], n: int) -> list[dict]:
    """Up to ``n`` samples, one per (family, field) first so every kind of failure shows."""
    seen: set[tuple[str, str]] = set()
    first: list[dict] = []
    rest: list[dict] = []
    for s in samples:
        key = (s["family"], s["field"])
        (rest if key in seen else first).append(s)
        seen.add(key)
    return (first + rest)[:n]


def format_samples(samples: list[dict], n: int) -> str:
    """``n`` failing fields (see ``pick_samples``), expected vs got, each value cut to 240
    characters."""
    def cut(value) -> str:
        text = json.dumps(value, ensure_ascii=False)
        return text if len(text) <= 240 else text[:240] + "..."
    lines = [f"{min(n, len(samples))} of {len(samples)} failing fields:"]
    lines += [f"- {s['family']} / {s['case']} / {s['field']}\n"
              f"    expected: {cut(s['expected'])}\n    got:      {cut(s['got'])}"
              for s in pick_samples(samples, n)]
    return "\n".join(lines)


def check_floors(result: dict, baseline: dict) -> list[str]:
    """Every figure below its floor (or above its ceiling), one message each."""
    problems = []
    for split, floors in baseline["floors"].items():
        fig = result["splits"].get(split)
        if fig is None:
            problems.append(f"{split}: not measured")
            continue
        problems += [f"{split} {name} {fig[name]} < floor {floors[name]}"
                     for name in FLOOR_FIGURES if fig[name] < floors[name]]
        if fig["non_case_pages"] > floors["non_case_pages_max"]:
            problems.append(f"{split} non_case_pages {fig['non_case_pages']} > ceiling "
                            f"{floors['non_case_pages_max']}")
    return problems


def run_slice(baseline: dict, progress: bool = False) -> tuple[dict, list[dict]]:
    """The gate slice named in the baseline."""
    s = baseline["slice"]
    return run(s["families"], s["seeds"], s["cases"], progress=progress)


def write_baseline(path: Path = BASELINE) -> dict:
    """Re-measure the gate slice and record its figures as the floors (rounded down)."""
    baseline = json.loads(path.read_text(encoding="utf-8"))
    result, _ = run_slice(baseline)
    floors = {}
    for split, fig in result["splits"].items():
        floors[split] = {name: int(fig[name] * 1000) / 1000 for name in FLOOR_FIGURES}
        floors[split]["non_case_pages_max"] = fig["non_case_pages"]
    baseline["floors"] = floors
    path.write_text(json.dumps(baseline, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return baseline


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.corpus.eval",
                                     description="Crawl and score the generalisation corpus.")
    parser.add_argument("--families", default=",".join(FAMILIES),
                        help="comma-separated families (default: all)")
    parser.add_argument("--seed", type=int, action="append",
                        help="seed (repeatable; default 1, 2 and 3)")
    parser.add_argument("--cases", type=int, default=8, help="cases per site (default 8)")
    parser.add_argument("--json", type=Path, help="write the result and samples here")
    parser.add_argument("--samples", type=int, default=15,
                        help="failing fields to print (default 15)")
    parser.add_argument("--keep", type=Path, help="keep generated sites and snapshots here")
    parser.add_argument("--write-baseline", action="store_true",
                        help="re-measure the gate slice and rewrite tests/corpus/baseline.json")
    args = parser.parse_args(argv)
    if args.write_baseline:
        baseline = write_baseline()
        print(json.dumps(baseline["floors"], indent=2))
        return 0
    families = [f.strip() for f in args.families.split(",") if f.strip()]
    unknown = [f for f in families if f not in FAMILIES]
    if unknown or args.cases < 1:
        print(f"error: unknown families {unknown} (known: {', '.join(FAMILIES)})"
              if unknown else "error: --cases must be at least 1", file=sys.stderr)
        return 2
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    result, samples = run(families, args.seed or [1, 2, 3], args.cases, args.keep)
    print(format_table(result))
    print()
    print(format_failures(result))
    print()
    print(format_samples(samples, args.samples))
    if args.json:
        args.json.write_text(json.dumps({**result, "samples": samples}, indent=1,
                                        ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
