"""Reading snapshots back: the manifest, cases from JSONL, chosen Parquet columns.

A snapshots directory holds ``<id>`` directories (``YYYYMMDDTHHMMSSZ`` with an optional
``-N`` suffix), a ``latest`` symlink and possibly ``.tmp-*`` work in progress (ignored).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from casearchive.exports.files import CASES_JSONL, LATEST, MANIFEST
from casearchive.exports.jsonl import iter_objects
from casearchive.exports.manifest import read_manifest
from casearchive.exports.schema import TABLES
from casearchive.parsers.records import CaseRecord, nested_record_types

SNAPSHOT_NAME = re.compile(r"^(\d{8}T\d{6}Z)(?:-(\d+))?$")


@dataclass(frozen=True, slots=True)
class Snapshot:
    """An exported snapshot on disk."""

    path: Path
    manifest: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.manifest["snapshot_id"])

    def iter_case_dicts(self) -> Iterator[dict[str, Any]]:
        """Cases as plain dicts, in ``case_id`` order, one line at a time."""
        return iter_objects(self.path / CASES_JSONL)

    def iter_cases(self) -> Iterator[CaseRecord]:
        """Cases as ``CaseRecord`` objects, in ``case_id`` order."""
        return (case_from_dict(d) for d in self.iter_case_dicts())

    def read_table(self, table: str, columns: list[str] | None = None) -> pa.Table:
        """One Parquet table, only the named ``columns`` if given."""
        return pq.read_table(self.path / TABLES[table].file, columns=columns)

    def iter_batches(
        self, table: str, columns: list[str] | None = None, batch_size: int = 8192
    ) -> Iterator[pa.RecordBatch]:
        """A Parquet table in record batches, for memory-bounded scans."""
        batches: Iterator[pa.RecordBatch] = pq.ParquetFile(
            self.path / TABLES[table].file
        ).iter_batches(batch_size=batch_size, columns=columns)
        return batches


def load_snapshot(path: Path) -> Snapshot:
    """Open a snapshot directory (or a ``latest`` symlink to one)."""
    path = Path(path).resolve()
    if not (path / MANIFEST).is_file():
        raise FileNotFoundError(f"{path}: not a snapshot (no {MANIFEST})")
    return Snapshot(path, read_manifest(path))


def _order(name: str) -> tuple[str, int]:
    m = SNAPSHOT_NAME.match(name)
    assert m is not None
    return m.group(1), int(m.group(2) or 0)


def list_snapshots(snapshots_dir: Path) -> list[Path]:
    """Finished snapshots, oldest first."""
    found = [
        p for p in Path(snapshots_dir).iterdir()
        if SNAPSHOT_NAME.match(p.name) and p.is_dir() and (p / MANIFEST).is_file()
    ]
    return sorted(found, key=lambda p: _order(p.name))


def resolve_snapshot(ref: str, snapshots_dir: Path | None) -> Path:
    """Turn ``latest``, ``previous`` (the one before latest), an id or a path into a path."""
    if snapshots_dir is not None:
        snapshots_dir = Path(snapshots_dir)
        if ref in (LATEST, "previous"):
            link = snapshots_dir / LATEST
            if not link.exists():
                raise FileNotFoundError(f"{snapshots_dir}: no {LATEST} snapshot")
            latest = link.resolve()
            if ref == LATEST:
                return latest
            names = [p.name for p in list_snapshots(snapshots_dir)]
            i = names.index(latest.name) if latest.name in names else len(names)
            if i == 0:
                raise FileNotFoundError(f"{snapshots_dir}: no snapshot before {latest.name}")
            return (snapshots_dir / names[i - 1]).resolve()
        if SNAPSHOT_NAME.match(ref) and (snapshots_dir / ref / MANIFEST).is_file():
            return (snapshots_dir / ref).resolve()
    path = Path(ref)
    if (path / MANIFEST).is_file():
        return path.resolve()
    where = f" in {snapshots_dir}" if snapshots_dir is not None else ""
    raise FileNotFoundError(f"no snapshot {ref!r}{where}")


def case_from_dict(d: dict[str, Any]) -> CaseRecord:
    """Rebuild a ``CaseRecord`` from its JSON form (as in ``cases.jsonl``)."""
    d = dict(d)
    for name, record in _NESTED.items():
        value = d.get(name)
        if isinstance(value, list):
            d[name] = [record(**item) for item in value]
        elif isinstance(value, dict):
            d[name] = record(**value)
    return CaseRecord(**d)


#: Case fields holding records, and their record class (derived from ``CaseRecord``).
_NESTED = nested_record_types(CaseRecord)



def read_case_rows(
    snapshot: Snapshot, case_ids: list[str], columns: list[str] | None = None
) -> pa.Table:
    """Rows of ``cases.parquet`` whose ``case_id`` is in ``case_ids``, in file order
    (``iter_case_rows`` gathered into one table)."""
    parts = list(iter_case_rows(snapshot, case_ids, columns))
    if not parts:
        parquet = pq.ParquetFile(snapshot.path / TABLES["cases"].file)
        schema = parquet.schema_arrow
        wanted = _with_id(columns)
        fields = [schema.field(c) for c in wanted] if wanted else list(schema)
        return pa.schema(fields).empty_table()
    return pa.concat_tables(parts)


def _with_id(columns: list[str] | None) -> list[str] | None:
    if columns is not None and "case_id" not in columns:
        return ["case_id", *columns]
    return columns


def iter_case_rows(
    snapshot: Snapshot, case_ids: list[str], columns: list[str] | None = None
) -> Iterator[pa.Table]:
    """Rows of ``cases.parquet`` whose ``case_id`` is in ``case_ids``: one table per row
    group that holds any (never an empty one), in file order.

    Row groups whose ``case_id`` min/max statistics hold no wanted id are skipped (the
    table is sorted by ``case_id``, so clustered ids touch few groups); the others are read
    one at a time and filtered, so memory stays at one row group plus the rows yielded.
    """
    import bisect

    import pyarrow.compute as pc

    parquet = pq.ParquetFile(snapshot.path / TABLES["cases"].file)
    wanted = sorted(set(case_ids))
    if not wanted:
        return
    lookup = pa.array(wanted, pa.string())
    columns = _with_id(columns)
    id_col = parquet.schema_arrow.get_field_index("case_id")
    for i in range(parquet.num_row_groups):
        stats = parquet.metadata.row_group(i).column(id_col).statistics
        if stats is not None and stats.has_min_max:
            first = bisect.bisect_left(wanted, stats.min)
            if first == len(wanted) or wanted[first] > stats.max:
                continue
        group = parquet.read_row_group(i, columns=columns)
        rows = group.filter(pc.is_in(group["case_id"], value_set=lookup))
        del group  # the row group's text goes before the next one is read
        if rows.num_rows:
            yield rows
