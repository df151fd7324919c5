"""Health checks: a site redesign that broke extraction must not pass for a good night.

At the end of a crawl, before ``latest`` moves, the new snapshot's tables are compared with
the previous snapshot's (the one ``latest`` points at) and with absolute thresholds:

* ``case_count``: the case count dropped by more than ``max_case_drop`` (a share, 0.10) of
  the previous snapshot's;
* ``sections``: a canonical section (``casearchive.parsers.records.SECTION_KEYS``) that was filled
in
  more than ``section_was_present`` of the previous snapshot's cases is empty (null) in
  more than ``section_now_empty`` of the new one's (the layout changed under the parser);
* ``page_warnings``: the share of pages with parser warnings or unplaced text is above
  ``max_warning_share``;
* ``errors``: the share of requests whose page was lost (``crawl_stats.failures``) is above
  ``max_error_rate``.

The comparisons need a previous snapshot; without one (the first crawl) they pass and say
so. A previous snapshot that cannot be read (a damaged manifest or ``cases.parquet``) is
not compared either: the comparisons pass, their detail names the damage and a warning is
logged. Failing the crawl instead would throw away everything it fetched, night after
night, until someone repaired ``latest``; the new snapshot becomes ``latest`` and is the
repair. The result is the manifest's ``health`` object::

    {"verdict": "ok" | "failed", "previous": "<id>" | null,
     "checks": [{"check": "case_count", "passed": true, "figure": 0.0, "threshold": 0.1,
                 "detail": "14 cases, previous 14"}, ...]}

A failed verdict keeps the snapshot but leaves ``latest`` where it was (the writer's job).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from casearchive.exports.files import MANIFEST
from casearchive.exports.manifest import read_manifest
from casearchive.exports.schema import TABLES
from casearchive.parsers.records import SECTION_KEYS

log = logging.getLogger(__name__)

#: Manifest key of the health checks' result.
HEALTH_KEY = "health"
OK, FAILED = "ok", "failed"


@dataclass(frozen=True, slots=True)
class HealthThresholds:
    """Each threshold is a share between 0 and 1 (the crawl's ``--health-*`` options)."""

    max_case_drop: float = 0.10
    section_was_present: float = 0.5
    section_now_empty: float = 0.5
    max_warning_share: float = 0.5
    max_error_rate: float = 0.10


@dataclass(frozen=True, slots=True)
class Check:
    check: str
    passed: bool
    figure: float | None
    threshold: float
    detail: str


def check_health(snapshot: Path, previous: Path | None, crawl_stats: dict[str, Any],
                 thresholds: HealthThresholds) -> dict[str, Any]:
    """The ``health`` object of the snapshot whose tables are in ``snapshot`` (its manifest
    may not be written yet), against ``previous`` (a finished snapshot, or None)."""
    if previous is not None and not (previous / MANIFEST).is_file():
        previous = None
    before = _read_previous(previous) if previous is not None else None
    if isinstance(before, str):
        log.warning("health: %s", before)
    rows, filled = _filled(snapshot)
    checks = [
        _case_count(rows, before, thresholds),
        _sections(filled, before, thresholds),
        _page_warnings(snapshot, thresholds),
        _errors(crawl_stats, thresholds),
    ]
    return {
        "verdict": OK if all(c.passed for c in checks) else FAILED,
        "previous": previous.name if previous is not None else None,
        "checks": [asdict(c) for c in checks],
    }


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


@dataclass(frozen=True, slots=True)
class _Previous:
    """What the comparisons need of the previous snapshot."""

    cases: int
    filled: dict[str, float]


def _read_previous(previous: Path) -> _Previous | str:
    """The previous snapshot's case count and filled shares, or why they cannot be read."""
    try:
        counts = read_manifest(previous).get("counts") or {}
        return _Previous(int(counts.get("cases", 0)), _filled(previous)[1])
    except (OSError, ValueError, TypeError, AttributeError, KeyError, NotImplementedError
            ) as exc:  # pyarrow's errors are these too (ArrowInvalid is a ValueError, ...)
        return (f"previous snapshot {previous.name} cannot be read "
                f"({type(exc).__name__}: {' '.join(str(exc).split())[:200]}); not compared")


def _case_count(now: int, previous: _Previous | str | None, t: HealthThresholds) -> Check:
    if previous is None:
        return Check("case_count", True, None, t.max_case_drop, f"{now} cases, no previous")
    if isinstance(previous, str):
        return Check("case_count", True, None, t.max_case_drop, f"{now} cases, {previous}")
    before = previous.cases
    drop = _share(max(before - now, 0), before)
    return Check("case_count", drop <= t.max_case_drop, drop, t.max_case_drop,
                 f"{now} cases, previous {before} (dropped {drop:.0%})")


def _filled(snapshot: Path) -> tuple[int, dict[str, float]]:
    """The number of cases, and the share of them in which each canonical section is filled.

    Counted from the null counts the Parquet footer keeps per row group and column, so no
    text is read (reading the section columns would hold every case's text at once, at the
    end of every crawl); a row group without that statistic has its column read alone.
    """
    import pyarrow.parquet as pq  # here, not with the module: see ``_page_warnings``

    parquet = pq.ParquetFile(snapshot / TABLES["cases"].file)
    rows = parquet.metadata.num_rows
    leaves = parquet.metadata.schema  # statistics are per leaf column, not per Arrow field
    index = {leaves.column(i).path: i for i in range(len(leaves))}
    nulls = dict.fromkeys(SECTION_KEYS, 0)
    for group in range(parquet.num_row_groups):
        meta = parquet.metadata.row_group(group)
        for key in SECTION_KEYS:
            stats = meta.column(index[key]).statistics
            if stats is not None and stats.has_null_count:
                nulls[key] += stats.null_count
            else:
                nulls[key] += parquet.read_row_group(group, columns=[key]).column(0).null_count
    return rows, {key: _share(rows - nulls[key], rows) for key in SECTION_KEYS}


def _sections(now: dict[str, float], previous: _Previous | str | None,
              t: HealthThresholds) -> Check:
    if previous is None:
        return Check("sections", True, None, t.section_now_empty, "no previous snapshot")
    if isinstance(previous, str):
        return Check("sections", True, None, t.section_now_empty, previous)
    before = previous.filled
    emptied = {key: round(1 - now[key], 4) for key in SECTION_KEYS
               if before[key] > t.section_was_present and 1 - now[key] > t.section_now_empty}
    worst = max((round(1 - now[k], 4) for k in SECTION_KEYS
                 if before[k] > t.section_was_present), default=0.0)
    detail = (", ".join(f"{k} empty in {v:.0%} of cases (was filled in {before[k]:.0%})"
                        for k, v in sorted(emptied.items()))
              or "every section the previous snapshot mostly had is still there")
    return Check("sections", not emptied, worst, t.section_now_empty, detail)


def _page_warnings(snapshot: Path, t: HealthThresholds) -> Check:
    # pyarrow is imported by the checks, not with the module: the crawl's archive worker
    # imports this module and crawls without pyarrow (``casearchive.exports.spool``).
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    pages = pq.read_table(snapshot / TABLES["pages"].file, columns=["warnings", "unplaced_chars"])
    flagged = pc.or_(pc.greater(pc.list_value_length(pages.column("warnings")), 0),
                     pc.greater(pages.column("unplaced_chars"), 0))
    count = int(pc.sum(flagged).as_py() or 0)
    share = _share(count, pages.num_rows)
    return Check("page_warnings", share <= t.max_warning_share, share, t.max_warning_share,
                 f"{count} of {pages.num_rows} pages with warnings or unplaced text")


def _errors(crawl_stats: dict[str, Any], t: HealthThresholds) -> Check:
    failed = len(crawl_stats.get("failures") or [])
    requests = int(crawl_stats.get("requests") or 0)
    rate = _share(failed, requests)
    return Check("errors", rate <= t.max_error_rate, rate, t.max_error_rate,
                 f"{failed} pages lost of {requests} requests")
