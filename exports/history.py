"""The history of one case across every snapshot of a directory, oldest first.

Each snapshot contributes at most one entry: the case ``appeared`` (first seen),
``reappeared`` (seen again after a gap, compared with its last version), ``changed``
(content differs from the previous snapshot, with the fields that changed) or
``disappeared``. Snapshots where the case is unchanged add nothing. Only the case's own
row is read from each snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exports.diff import DiffError, ItemChange, compare_case, open_snapshot, read_parquet
from exports.load import list_snapshots, read_case_rows


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


def case_log(case_id: str, snapshots_dir: Path) -> CaseLog:
    """Walk ``snapshots_dir``; ``DiffError`` if it holds no snapshot or none has the case."""
    try:
        paths = list_snapshots(Path(snapshots_dir))
    except OSError as exc:
        raise DiffError(f"{snapshots_dir}: cannot list snapshots: {exc.strerror}") from None
    if not paths:
        raise DiffError(f"{snapshots_dir}: no snapshots")
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
        raise DiffError(f"case {case_id!r} is in none of the {len(ids)} snapshot(s) "
                        f"in {snapshots_dir}")
    return CaseLog(case_id, ids, seen, entries)
