"""The history of one case across every snapshot of a directory, oldest first.

The case is named by its ``case_id`` (16 hex digits), its ``case_key`` (``/cases/case.php?id=77``)
or the URL of any of its pages as crawled; ``resolve_case`` turns the last two into the id by
looking them up in the snapshots themselves (the crawl's URL rules are in the data, not here).

Each snapshot contributes at most one entry: the case ``appeared`` (first seen),
``reappeared`` (seen again after a gap, compared with its last version), ``changed``
(content differs from the previous snapshot, with the fields that changed) or
``disappeared``. Snapshots where the case is unchanged add nothing. Only the case's own
row is read from each snapshot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyarrow as pa
import pyarrow.compute as pc

from casearchive.exports.diff import (
    DiffError,
    ItemChange,
    compare_case,
    open_snapshot,
    read_parquet,
)
from casearchive.exports.load import Snapshot, list_snapshots, read_case_rows

CASE_ID_FORM = re.compile(r"[0-9a-f]{16}")


@dataclass(slots=True)
class LogEntry:
    snapshot_id: str
    event: str
    """``appeared``, ``reappeared``, ``changed`` or ``disappeared``."""
    title: str | None
    parser_version: str | None
    parser_version_changed: bool
    """The parser differs from the previous snapshot's (a change may be the parser's own)."""
    items: list[ItemChange] = field(default_factory=list)

    @property
    def fields(self) -> list[str]:
        return list(dict.fromkeys(i.field for i in self.items))


@dataclass(slots=True)
class CaseLog:
    case_id: str
    snapshots: list[str]
    """Ids of every snapshot looked at, oldest first."""
    present_in: int
    entries: list[LogEntry]


Event = tuple[str | None, str | None, list[ItemChange]]


def _event(row: dict[str, Any] | None, last: dict[str, Any] | None, present: bool) -> Event:
    """What happened to the case in one snapshot, given its last version seen."""
    if row is None:
        return ("disappeared", last["title"], []) if present and last else (None, None, [])
    if last is None:
        return "appeared", row["title"], []
    if not present:
        return "reappeared", row["title"], compare_case(last, row)
    if row["content_sha256"] and row["content_sha256"] == last["content_sha256"]:
        return None, None, []
    items = compare_case(last, row)
    return ("changed" if items else None), row["title"], items


def _key_of_url(ref: str) -> str:
    """Path and query of an absolute URL (a case key is spelled that way); ``ref`` itself
    when it is no URL (``http://[::1``), which then matches nothing."""
    try:
        parts = urlsplit(ref)
    except ValueError:
        return ref
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _match(table: pa.Table, column: str, values: list[str]) -> list[str]:
    """``case_id`` of the rows whose ``column`` is one of ``values``."""
    if column not in table.column_names:
        return []
    mask = pc.fill_null(pc.is_in(table[column], value_set=pa.array(values, pa.string())), False)
    ids: list[str] = table["case_id"].filter(mask).to_pylist()
    return ids


def _lookup(snap: Snapshot, ref: str) -> str | None:
    """The id of the case ``ref`` (a case key, case URL or page URL) names in one snapshot."""
    keys = [ref] if "://" not in ref else [_key_of_url(ref)]
    cases = read_parquet(snap, "cases.parquet", snap.read_table, "cases", None)
    found = _match(cases, "case_key", keys) or _match(cases, "url", [ref])
    if not found:
        pages = read_parquet(snap, "pages.parquet", snap.read_table, "pages", None)
        found = _match(pages, "url", [ref]) or _match(pages, "final_url", [ref])
    return found[0] if found else None


def resolve_case(ref: str, paths: list[Path]) -> str:
    """The ``case_id`` that ``ref`` names: itself when it is one, else the first match of a
    ``case_key``, case URL or page URL in the snapshots, newest first (``ref`` unchanged when
    nothing matches, so the caller reports it as not found)."""
    ref = ref.strip()
    if CASE_ID_FORM.fullmatch(ref):
        return ref
    for path in reversed(paths):
        found = _lookup(open_snapshot(path), ref)
        if found:
            return found
    return ref


def case_log(case_ref: str, snapshots_dir: Path) -> CaseLog:
    """Walk ``snapshots_dir`` for the case ``case_ref`` names (id, key or URL, see
    ``resolve_case``); ``DiffError`` if it holds no snapshot or none has the case."""
    try:
        paths = list_snapshots(Path(snapshots_dir))
    except OSError as exc:
        raise DiffError(f"{snapshots_dir}: cannot list snapshots: {exc.strerror}") from None
    if not paths:
        raise DiffError(f"{snapshots_dir}: no snapshots")
    case_id = resolve_case(case_ref, paths)
    ids: list[str] = []
    entries: list[LogEntry] = []
    last: dict[str, Any] | None = None
    present, seen, parser = False, 0, None
    for path in paths:
        snap = open_snapshot(path)
        version = snap.manifest.get("parser_version")
        parser_changed = bool(ids) and version != parser
        ids.append(snap.id)
        parser = version
        rows = read_parquet(snap, "cases.parquet", read_case_rows, snap, [case_id]).to_pylist()
        row = rows[0] if rows else None
        event, title, items = _event(row, last, present)
        if event:
            entries.append(LogEntry(snap.id, event, title, version, parser_changed, items))
        present = row is not None
        if row is not None:
            last, seen = row, seen + 1
    if not seen:
        raise DiffError(f"case {case_ref!r} is in none of the {len(ids)} snapshot(s) "
                        f"in {snapshots_dir}")
    return CaseLog(case_id, ids, seen, entries)
