"""Diff benchmark: ``python -m bench.diff_bench [n_cases] [changed_fraction] [--clustered]``.

Writes two snapshots of synthetic cases straight to ``cases.parquet`` (same schema, writer
options and row groups as the SnapshotWriter) and ``cases.jsonl`` (its rows as canonical
lines, as the SnapshotWriter writes them), ``pages.parquet`` (four pages a case)
and a minimal manifest: the diff reads nothing else, and going through the SnapshotWriter
would also spool and write pages and sections that no diff reads. NEW differs from
OLD in one section of ``changed`` of the cases, spread evenly over the file (every row group
then holds changed rows: the worst case for pushdown) or, with ``--clustered``, in one
contiguous run; 0.1 % of cases are added and 0.1 % removed. Then the diff (and a JSON
render) runs in a fresh process, which reports its own seconds and peak RSS.

Section text is random letters with English-like letter and space frequencies: unique per
case, so Parquet compression is no kinder than on real text.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from casearchive.exports.files import CASES_JSONL, MANIFEST
from casearchive.exports.jsonl import dumps_line
from casearchive.exports.manifest import file_digest, id_moment, iso_utc, list_files
from casearchive.exports.parquet import ROW_GROUP_ROWS, ROW_GROUP_TEXT, TableWriter
from casearchive.exports.schema import SCHEMA_VERSION, arrow_schema
from casearchive.exports.spool import chunk_bounds, text_size
from casearchive.parsers.records import SECTION_KEYS

ROOT = Path(__file__).resolve().parent.parent
SECTION_CHARS = 1200
ALPHABET = ("e" * 13 + "t" * 9 + "a" * 8 + "o" * 8 + "i" * 7 + "n" * 7 + "s" * 6 + "h" * 6
            + "r" * 6 + "d" * 4 + "l" * 4 + "u" * 3 + "cmfwypvbgk" * 2 + "jqxz" + " " * 20)
TABLE = bytes((ALPHABET * 3)[:256], "ascii")

CHILD = """
import json, resource, sys, time

def peak_rss_mib():
    # VmHWM: this process's own peak. ru_maxrss is not: a child started by subprocess
    # (fork or vfork, then exec) reports at least its parent's peak: the whole bench's.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

t = time.perf_counter()
from casearchive.exports.diff import diff_snapshots
from casearchive.exports.render import render
imported = time.perf_counter() - t
t, cpu = time.perf_counter(), time.process_time()
result = diff_snapshots(sys.argv[1], sys.argv[2])
text = render(result, "json")
seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
print(json.dumps({"diff_seconds": seconds, "cpu_seconds": cpu, "import_seconds": imported,
                  "peak_rss_mib": peak_rss_mib(),
                  "changed": len(result.changed), "added": len(result.added),
                  "removed": len(result.removed), "unchanged": result.unchanged,
                  "report_bytes": len(text)}))
"""


def _text(chars: int = SECTION_CHARS) -> str:
    return os.urandom(chars).translate(TABLE).decode("ascii")


def _case(i: int) -> dict:
    url = f"https://cases.example.org/case.php?id={i:06d}"
    row: dict = {
        "case_id": f"/cases/case.php?id={i:06d}", "title": f"Case {i}: {_text(40)}",
        "url": url, "page_count": 4,
        "pages": [{"page_number": p, "url": f"{url}&page={p}",
                   "content_sha256": f"{i:032x}{p:032x}"} for p in range(1, 5)],
        "other_sections": [{"heading": "Pearls", "text": _text(200), "page_number": 3}],
        "references": [{"number": n, "text": _text(150), "doi": f"10.1000/{i}.{n}",
                        "url": None, "pmid": None} for n in (1, 2, 3)],
        "contact": {"organization": "Example Health", "street": None, "city": "Leawood",
                    "state": "KS", "postal_code": None, "phone": None, "email": None},
        "copyright": "© 2014 Example", "complete": True, "failed_urls": [],
        "missing_sections": [], "warnings": [],
    }
    row.update({k: _text() for k in SECTION_KEYS})
    return row


def _hash(row: dict) -> str:
    return hashlib.sha256(repr(sorted((k, str(v)) for k, v in row.items())).encode()).hexdigest()


def _write(root: Path, name: str, rows: list[dict]) -> Path:
    path = root / name
    path.mkdir(parents=True)
    writer = TableWriter(path / "cases.parquet", "cases")
    sizes = [text_size(row) for row in rows]  # a row is a dict: its strings' sizes
    with open(path / CASES_JSONL, "wb") as jsonl:
        for start, stop in chunk_bounds(sizes, ROW_GROUP_ROWS["cases"], ROW_GROUP_TEXT["cases"]):
            batch = pa.RecordBatch.from_pylist(rows[start:stop], schema=arrow_schema("cases"))
            writer.write(batch)
            jsonl.writelines(dumps_line(row) for row in batch.to_pylist())
    writer.close()
    _write_pages(path, rows)
    (path / MANIFEST).write_text(json.dumps(_manifest(path, name, len(rows))), encoding="utf-8")
    return path


def _manifest(path: Path, name: str, cases: int) -> dict:
    """A manifest with every key a snapshot's has and its files' digests: the diff checks
    both (``manifest.load_manifest``) and verifies each file it reads against them."""
    when = iso_utc(id_moment(name))
    return {"snapshot_id": name, "schema_version": SCHEMA_VERSION, "tool_version": "bench",
            "parser_version": "bench", "start_url": "http://bench.invalid/cases/",
            "started_at": when, "finished_at": when, "complete": True,
            "counts": {"cases": cases}, "crawl_stats": {},
            "files": {f: file_digest(path / f) for f in list_files(path)}}


def _write_pages(path: Path, rows: list[dict]) -> None:
    """``pages.parquet``: one row per case page (the diff reads each reported case's first
    fetched page from it to name its capture)."""
    fetched = datetime(2025, 1, 1, tzinfo=UTC)
    writer = TableWriter(path / "pages.parquet", "pages")
    size = ROW_GROUP_ROWS["pages"]
    pages = [{"case_id": row["case_id"], "page_number": p["page_number"], "url": p["url"],
              "final_url": p["url"], "status": 200, "fetched_at": fetched,
              "content_sha256": p["content_sha256"], "warnings": [], "unplaced_chars": 0}
             for row in rows for p in row["pages"]]
    for start in range(0, len(pages), size):
        writer.write(pa.RecordBatch.from_pylist(pages[start:start + size],
                                                schema=arrow_schema("pages")))
    writer.close()


def _is_changed(i: int, n_cases: int, changed: float, clustered: bool) -> bool:
    """Spread: every (1/changed)-th case. Clustered: one contiguous run mid-file."""
    if not changed:
        return False
    if clustered:
        start = n_cases // 2
        return start <= i < start + round(n_cases * changed)
    step = max(1, round(1 / changed))
    return i % step == step // 2


def _generate(root: Path, n_cases: int, changed: float, clustered: bool) -> tuple[Path, Path]:
    old = [_case(i) for i in range(n_cases)]
    for row in old:
        row["content_sha256"] = _hash(row)
    churn = max(1, n_cases // 1000)
    new = []
    for i, row in enumerate(old[churn:], churn):  # the first `churn` cases are removed
        if _is_changed(i, n_cases, changed, clustered):
            row = dict(row)
            key = SECTION_KEYS[i % len(SECTION_KEYS)]
            row[key] = row[key][:600] + " amended " + row[key][600:]
            row["content_sha256"] = _hash(row)
        new.append(row)
    for i in range(n_cases, n_cases + churn):
        row = _case(i)
        row["content_sha256"] = _hash(row)
        new.append(row)
    return _write(root, "20250101T000000Z", old), _write(root, "20250102T000000Z", new)


def _python(*args: str) -> str:
    return subprocess.run([sys.executable, *args], check=True, capture_output=True,
                          text=True, cwd=ROOT).stdout


def run(n_cases: int = 100_000, changed: float = 0.01, clustered: bool = False,
        repeat: int = 1) -> dict:
    """Generate two snapshots, then time ``diff`` in a subprocess (seconds, peak RSS MiB)
    ``repeat`` times; the top-level figures are the medians, ``runs`` has each run.

    Generation runs in its own process too: a child forked from a big parent would inherit
    the parent's RSS high-water mark and spoil the measurement.
    """
    root = Path(tempfile.mkdtemp(prefix="diff-bench-"))
    try:
        t = time.perf_counter()
        _python("-m", "bench.diff_bench", "--generate", str(root), str(n_cases), str(changed),
                "clustered" if clustered else "spread")
        generate = time.perf_counter() - t
        os.sync()  # settle the writeback of ~1.3 GB so it does not compete with the diff
        old, new = sorted(p for p in root.iterdir())
        size = (old / "cases.parquet").stat().st_size
        runs = []
        for _ in range(repeat):
            t = time.perf_counter()
            child = json.loads(_python("-c", CHILD, str(old), str(new)))
            child["process_seconds"] = time.perf_counter() - t
            runs.append(child)
    finally:
        shutil.rmtree(root)
    child = dict(runs[0])
    for key in ("diff_seconds", "cpu_seconds", "import_seconds", "process_seconds",
                "peak_rss_mib"):
        child[key] = statistics.median(r[key] for r in runs)
    return {
        "cases": n_cases,
        "changed_fraction": changed,
        "changed_layout": "clustered" if clustered else "spread",
        "generate_seconds": round(generate, 2),
        "cases_parquet_mib": round(size / 2**20, 1),
        "diff_seconds": round(child.pop("diff_seconds"), 3),
        "cpu_seconds": round(child.pop("cpu_seconds"), 3),
        "import_seconds": round(child.pop("import_seconds"), 3),
        "process_seconds": round(child.pop("process_seconds"), 3),
        "peak_rss_mib": round(child.pop("peak_rss_mib"), 1),
        **child,
        "runs": [{k: round(r[k], 3) for k in ("diff_seconds", "cpu_seconds", "process_seconds",
                                              "peak_rss_mib")} for r in runs],
    }


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--generate"]:
        _generate(Path(args[1]), int(args[2]), float(args[3]), args[4] == "clustered")
        sys.exit(0)
    print(json.dumps(run(int(args[0]) if args else 100_000,
                         float(args[1]) if len(args) > 1 else 0.01,
                         "--clustered" in args), indent=2))
