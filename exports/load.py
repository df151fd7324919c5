"""Reading snapshots back: the manifest, cases from JSONL, chosen Parquet columns.

A snapshots directory holds ``<id>`` directories (``YYYYMMDDTHHMMSSZ`` with an optional
``-N`` suffix), a ``latest`` symlink and possibly ``.tmp-*`` work in progress (ignored).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from casearchive.exports.files import CASES_JSONL, LATEST, MANIFEST, SNAPSHOT_NAME
from casearchive.exports.jsonl import iter_objects
from casearchive.exports.manifest import ManifestError, load_manifest
from casearchive.exports.schema import TABLES
from casearchive.parsers.records import CaseRecord, nested_record_types


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
    """Open a snapshot directory (or a ``latest`` symlink to one); ``ManifestError`` when
    its manifest cannot be trusted (``load_manifest``)."""
    path = Path(path).resolve()
    if not (path / MANIFEST).is_file():
        raise FileNotFoundError(f"{path}: not a snapshot (no {MANIFEST})")
    return Snapshot(path, load_manifest(path))


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
        if ref == LATEST:
            return latest_snapshot(snapshots_dir)
        if ref == "previous":
            return previous_snapshot(snapshots_dir)
        if SNAPSHOT_NAME.match(ref) and (snapshots_dir / ref / MANIFEST).is_file():
            return (snapshots_dir / ref).resolve()
    path = Path(ref)
    if (path / MANIFEST).is_file():
        return path.resolve()
    where = f" in {snapshots_dir}" if snapshots_dir is not None else ""
    raise FileNotFoundError(f"no snapshot {ref!r}{where}")


def latest_snapshot(snapshots_dir: Path) -> Path:
    """The snapshot ``latest`` names: the target of the symlink, or, where a copy made
    without symlinks (``cp -rL``, rsync without ``-l``, a FAT disk) turned it into a
    directory, the snapshot of the id its manifest gives (that copy itself when the
    directory holds no such snapshot). ``FileNotFoundError`` when there is none, or when
    ``latest`` is neither (a plain file, a directory without a sound manifest): never a
    guess."""
    link = Path(snapshots_dir) / LATEST
    if link.is_symlink():
        if not link.exists():
            raise FileNotFoundError(f"{link}: points at {os.readlink(link)}, which is gone")
        return link.resolve()
    if not link.exists():
        raise FileNotFoundError(f"{snapshots_dir}: no {LATEST} snapshot")
    if not link.is_dir():
        raise FileNotFoundError(f"{link}: not a symlink to a snapshot nor a copy of one "
                                "(name the snapshot by its id)")
    try:
        sid = str(load_manifest(link)["snapshot_id"])
    except ManifestError as exc:
        raise FileNotFoundError(f"{link} is a directory, not a symlink, and {exc}; "
                                "name the snapshot by its id") from None
    named = Path(snapshots_dir) / sid
    return named.resolve() if (named / MANIFEST).is_file() else link.resolve()


def latest_id(snapshots_dir: Path) -> str | None:
    """The id of the snapshot ``latest`` names (``latest_snapshot``), or None."""
    try:
        latest = latest_snapshot(snapshots_dir)
    except FileNotFoundError:
        return None
    if latest.name == LATEST:  # a copy standing alone: the id its manifest gives
        return str(load_manifest(latest)["snapshot_id"])
    return latest.name


def previous_snapshot(snapshots_dir: Path) -> Path:
    """The newest finished snapshot older than the one ``latest`` names (by id order, so
    never ``latest`` itself, whatever ``latest`` is on disk)."""
    sid = latest_id(snapshots_dir)
    if sid is None:
        latest_snapshot(snapshots_dir)  # raises, saying why
        raise FileNotFoundError(f"{snapshots_dir}: no {LATEST} snapshot")
    if not SNAPSHOT_NAME.match(sid):
        raise FileNotFoundError(f"{Path(snapshots_dir) / LATEST}: names {sid!r}, not a "
                                "snapshot id")
    older = [p for p in list_snapshots(snapshots_dir) if _order(p.name) < _order(sid)]
    if not older:
        raise FileNotFoundError(f"{snapshots_dir}: no snapshot before {sid}")
    return older[-1].resolve()


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
