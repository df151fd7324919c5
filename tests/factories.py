"""Synthetic cases and page rows for the export tests (no crawler, no parser needed)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from casearchive.exports.rows import PageRow
from casearchive.exports.snapshot import SnapshotWriter
from casearchive.parsers.records import (
    SECTION_KEYS,
    CaseRecord,
    Contact,
    Figure,
    OtherSection,
    PageRef,
    Reference,
    Section,
)

T0 = datetime(2025, 1, 31, 12, 0, 0, tzinfo=UTC)
START_URL = "https://cases.example.org/"


def fixed_clock(start: datetime = T0, step: timedelta = timedelta(seconds=5)) -> Callable:
    """A clock that returns ``start``, ``start + step``, ... on successive calls."""
    state = {"now": start - step}

    def clock() -> datetime:
        state["now"] += step
        return state["now"]

    return clock


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def make_case(i: int, pages: int = 2, **overrides) -> CaseRecord:
    """Case ``i`` with ``pages`` pages; every third case has failures, no contact, etc."""
    cid = f"/cases/case.php?id={i:05d}"
    url = f"{START_URL}case.php?id={i:05d}"
    refs = [
        Reference(1, f"Smith J. Case {i}. Neurology. 2014;1:1-2.", doi=f"10.1212/{i}.x"),
        Reference(None, "Unnumbered – “quoted” text ünïcode", url="https://example.org/a?b=1"),
    ]
    if i % 3 == 0:
        refs = []
    case = CaseRecord(
        case_id=cid,
        title=f"Case {i}: a 45-year-old with headache",
        url=url,
        page_count=pages,
        pages=[
            PageRef(p, f"{url}&page={p}", None if (i % 3 == 1 and p == pages) else sha(f"{i}/{p}"))
            for p in range(1, pages + 1)
        ],
        history=f"History of case {i}.\n\nSecond paragraph.",
        physical_exam="- BP 120/80\n- HR 72",
        tests_and_results="MRI | normal",
        treatment=None if i % 2 else "Rest.",
        other_sections=[OtherSection("Pearls", f"Pearl {i}", 1), OtherSection(None, "stray", 2)],
        references=refs,
        contact=None if i % 3 == 0 else Contact(organization="Example Health", city="Leawood",
                                                state="KS", phone="(913) 327-1415"),
        copyright="© 2014 Example",
        complete=i % 3 != 1,
        failed_urls=[f"{url}&page={pages}"] if i % 3 == 1 else [],
        missing_sections=["outcome", "editors_comments"],
        warnings=["page 2: odd markup"] if i % 2 else [],
        content_sha256=sha(f"case {i}"),
        case_key=cid,
        figures=[
            Figure(p, f"{START_URL}images/case-{i}-{p}.png", f"Radiograph {p}",
                   None if p == 2 else f"Figure {p} of case {i}", "image/png", sha(f"img {i}/{p}"),
                   f"<urn:uuid:{p:08d}-img-{i}>")
            for p in (1, 2)
        ] if i % 3 == 2 else [],
    )
    for k, v in overrides.items():
        setattr(case, k, v)
    return case


def make_pages(case: CaseRecord) -> list[PageRow]:
    """One row per page of ``case``; the last page failed when the case is incomplete."""
    rows = []
    for ref in case.pages:
        failed = ref.content_sha256 is None
        rows.append(PageRow(
            case_id=case.case_id,
            case_key=case.case_key,
            page_number=ref.page_number,
            url=ref.url,
            fetched_at=T0 + timedelta(seconds=ref.page_number),
            final_url=None if failed else ref.url,
            status=None if failed else 200,
            content_sha256=ref.content_sha256,
            encoding=None if failed else "windows-1252",
            warnings=[] if failed else ["odd markup"],
            unplaced_chars=0 if failed else 5,
            warc_record_id=None if failed else f"<urn:uuid:{ref.page_number:08d}-{case.case_id}>",
            sections=[] if failed else [
                Section(SECTION_KEYS[ref.page_number % len(SECTION_KEYS)], "Heading", "text"),
                Section(None, "Pearls", "pearl"),
                Section(None, None, "stray"),
            ],
        ))
    return rows


def make_corpus(n: int, pages: int = 2) -> list[CaseRecord]:
    return [make_case(i, pages) for i in range(n)]


def write_snapshot(
    out_dir: Path,
    cases: Iterable[CaseRecord],
    *,
    clock: Callable | None = None,
    complete: bool = True,
    shuffle: bool = True,
) -> Path:
    """Write a snapshot of ``cases`` (added in a scrambled order) and return its path."""
    cases = list(cases)
    if shuffle:
        cases = cases[1::2][::-1] + cases[::2]
    writer = SnapshotWriter(
        out_dir, start_url=START_URL, tool_version="0.1.0", parser_version="parsers-1",
        clock=clock or fixed_clock(),
    )
    for case in cases:
        for row in reversed(make_pages(case)):
            writer.add_page(row)
        writer.add_case(case)
    return writer.finish({"pages_crawled": 7, "start_time": T0}, complete)
