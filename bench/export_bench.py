"""Export benchmark on synthetic records: ``python -m bench.export_bench [n_cases]``.

Each case has 4 pages (2,500 cases = 10,000 page rows), ~3 KB of section text per page,
two references and a contact, roughly the shape of the legacy site. Times the whole
``SnapshotWriter`` from the first ``add_case`` to the switched ``latest`` (spool, sort,
Parquet, JSONL, checksums, fsync, rename), then ``verify_snapshot`` separately.
``run_warc(bodies)`` times the crawl's gzip WARC log over real page bodies.
"""

from __future__ import annotations

import json
import resource
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from casearchive.crawler.warc import Exchange, WarcWriter
from casearchive.exports.rows import PageRow
from casearchive.exports.snapshot import SnapshotWriter
from casearchive.exports.verify import verify_snapshot
from casearchive.parsers.records import (
    SECTION_KEYS,
    CaseRecord,
    Contact,
    PageRef,
    Reference,
    Section,
)

PAGES_PER_CASE = 4
T0 = datetime(2025, 1, 1, tzinfo=UTC)
WORDS = (
    "patient", "presented", "with", "acute", "onset", "headache", "nausea", "photophobia",
    "and", "was", "examined", "neurological", "findings", "were", "unremarkable", "MRI",
)


def _text(seed: int, chars: int) -> str:
    words = [WORDS[(seed * 7 + i) % len(WORDS)] for i in range(chars // 7)]
    return " ".join(words).capitalize() + "."


def synthetic(i: int) -> tuple[CaseRecord, list[PageRow]]:
    cid = f"/cases/case.php?id={i:06d}"
    url = f"https://cases.example.org/case.php?id={i:06d}"
    rows = []
    for p in range(1, PAGES_PER_CASE + 1):
        keys = SECTION_KEYS[(p - 1) * 2:(p - 1) * 2 + 3]
        rows.append(PageRow(
            case_id=cid, page_number=p, url=f"{url}&page={p}", fetched_at=T0 + timedelta(
                milliseconds=i * 10 + p), final_url=f"{url}&page={p}", status=200,
            content_sha256=f"{i:032x}{p:032x}", encoding="windows-1252", warnings=[],
            unplaced_chars=0, warc_record_id=f"<urn:uuid:{i:08d}-0000-0000-0000-{p:012d}>",
            sections=[Section(k, k.replace("_", " ").title(), _text(i + p, 1000)) for k in keys],
        ))
    texts = {k: _text(i + n, 1200) for n, k in enumerate(SECTION_KEYS)}
    case = CaseRecord(
        case_id=cid, title=f"Case {i}", url=url, page_count=PAGES_PER_CASE,
        pages=[PageRef(r.page_number, r.url, r.content_sha256) for r in rows],
        **texts,
        references=[Reference(1, _text(i, 120), doi=f"10.1000/{i}"), Reference(2, _text(i, 90))],
        contact=Contact(organization="Example Health", city="Leawood", state="KS"),
        copyright="© 2014 Example", content_sha256=f"{i:064x}",
    )
    return case, rows


def run(n_cases: int = 2500) -> dict:
    """Seconds to build and to export ``n_cases`` cases, seconds to verify, peak RSS (MiB).

    ``peak_rss_mib_after_build`` is the high-water mark with the synthetic records alone;
    the difference to ``peak_rss_mib`` is what exporting and verifying added.
    """
    t = time.perf_counter()
    records = [synthetic(i) for i in range(n_cases)]
    build = time.perf_counter() - t
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out = Path(tempfile.mkdtemp(prefix="export-bench-"))
    try:
        t = time.perf_counter()
        writer = SnapshotWriter(out, start_url="https://cases.example.org/",
                                tool_version="bench", parser_version="bench")
        for case, rows in reversed(records):
            for row in rows:
                writer.add_page(row)
            writer.add_case(case)
        snap = writer.finish({}, complete=True)
        export = time.perf_counter() - t
        t = time.perf_counter()
        problems = verify_snapshot(snap)
        verify = time.perf_counter() - t
        sizes = {p.name: p.stat().st_size for p in snap.iterdir()}
    finally:
        shutil.rmtree(out)
    return {
        "cases": n_cases,
        "pages": n_cases * PAGES_PER_CASE,
        "build_seconds": round(build, 3),
        "export_seconds": round(export, 3),
        "verify_seconds": round(verify, 3),
        "verify_problems": len(problems),
        "bytes": sizes,
        "peak_rss_mib_after_build": round(rss_before, 1),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def run_warc(bodies: list[tuple[str, bytes]]) -> dict:
    """Seconds to write ``(url, body)`` pairs as request/response records of a gzip WARC."""
    exchanges = [Exchange(url, "GET", [("User-Agent", "bench")], 200,
                          [("Content-Type", "text/html"), ("Content-Length", str(len(body)))],
                          body) for url, body in bodies]
    out = Path(tempfile.mkdtemp(prefix="warc-bench-"))
    try:
        t = time.perf_counter()
        log = WarcWriter(out / "pages.warc.gz", "bench")
        for exchange in exchanges:
            log.write_exchange(exchange)
        log.close()
        seconds = time.perf_counter() - t
        size = (out / "pages.warc.gz").stat().st_size
    finally:
        shutil.rmtree(out)
    return {"pages": len(bodies), "warc_seconds": round(seconds, 3),
            "warc_mib": round(size / 2**20, 1)}


if __name__ == "__main__":
    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else 2500), indent=2))
