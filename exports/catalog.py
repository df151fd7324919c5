"""The snapshots of a directory at a glance, and which of them retention may remove.

``list_catalog`` reads each finished snapshot's manifest (never its tables) into one
``CatalogEntry``. ``plan_prune`` decides which snapshots ``--keep N`` removes: the oldest
beyond the newest ``N``, except

* the one ``latest`` points at (a reader may be using it);
* one pinned in the directory's ``keep`` file (one snapshot id a line, ``#`` comments);
* one whose payload a kept snapshot still refers to: the ids a manifest lists under
  ``payload_snapshots`` (a snapshot whose WARC holds revisit records needs the snapshot
  that holds the payload).

Snapshots being written (``.tmp-*``) are not finished snapshots and are never listed here;
partial ones (``<id>.partial``, a crawl a budget stopped) are listed, marked, and age out
like any other. A snapshot whose manifest cannot be trusted is listed with its ``problem``
and never removed on the strength of it: retention keeps it and every older snapshot (its
revisits may refer to any of them); an unreadable ``keep`` file keeps every snapshot.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from casearchive.exports.files import (
    MANIFEST,
    PARTIAL_KEY,
    PARTIAL_SUFFIX,
    PAYLOAD_SNAPSHOTS,
    SNAPSHOT_NAME,
)
from casearchive.exports.load import latest_id, list_snapshots
from casearchive.exports.manifest import ManifestError, load_manifest

#: File in a snapshots directory naming snapshots that retention never removes.
KEEP_FILE = "keep"


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """One finished snapshot, as ``casearchive list`` shows it."""

    id: str
    path: Path
    started_at: str | None
    finished_at: str | None
    cases: int | None
    """None when the manifest cannot be read (``problem``): unknown, never 0."""
    incomplete_cases: int | None
    complete: bool
    """The manifest's verdict: every linked case archived with all its pages."""
    health: str | None
    """The health checks' verdict when the crawl ran them ("ok", "failed"); None if absent."""
    latest: bool
    pinned: bool | None
    """None when the ``keep`` file cannot be read: it may pin this snapshot."""
    payload_snapshots: tuple[str, ...]
    partial: str | None = None
    """Why the crawl stopped early (a budget), for a ``<id>.partial`` snapshot."""
    source: str | None = None
    """``import`` for a snapshot ``casearchive import`` made of other tools' archives (its
    id is the moment it represents); None for a crawl."""
    problem: str | None = None
    """Why the manifest cannot be trusted (``load_manifest``'s one line); None when sound."""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "path": str(self.path), "started_at": self.started_at,
            "finished_at": self.finished_at, "cases": self.cases,
            "incomplete_cases": self.incomplete_cases, "complete": self.complete,
            "health": self.health, "latest": self.latest, "pinned": self.pinned,
            "payload_snapshots": list(self.payload_snapshots), "partial": self.partial,
            "source": self.source, "problem": self.problem,
        }


class KeepFileError(ValueError):
    """The ``keep`` file cannot be read; the message names it."""


def read_pins(snapshots_dir: Path) -> frozenset[str]:
    """Snapshot ids named in the directory's ``keep`` file (none when it is absent);
    ``KeepFileError`` when it cannot be read as UTF-8 text."""
    path = Path(snapshots_dir) / KEEP_FILE
    if not path.is_file():
        return frozenset()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise KeepFileError(f"{path}: not UTF-8 text (byte {exc.object[exc.start]:#04x} at "
                            f"offset {exc.start})") from None
    except OSError as exc:
        raise KeepFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return frozenset(s for s in (line.split("#", 1)[0].strip() for line in lines) if s)


def _pins(snapshots_dir: Path) -> frozenset[str] | None:
    """``read_pins``, or None when the ``keep`` file cannot be read."""
    try:
        return read_pins(snapshots_dir)
    except KeepFileError:
        return None


def _health(manifest: dict[str, Any]) -> str | None:
    health = manifest.get("health")
    if isinstance(health, dict):
        verdict = health.get("verdict")
        return str(verdict) if verdict is not None else None
    return str(health) if health is not None else None


def _entry(path: Path, latest: str | None, pins: frozenset[str] | None) -> CatalogEntry:
    pinned = None if pins is None else path.name in pins
    try:
        manifest = load_manifest(path)
    except ManifestError as exc:
        return CatalogEntry(id=path.name, path=path, started_at=None, finished_at=None,
                            cases=None, incomplete_cases=None, complete=False, health=None,
                            latest=path.name == latest, pinned=pinned, payload_snapshots=(),
                            problem=str(exc))
    counts = manifest["counts"]
    partial = manifest.get(PARTIAL_KEY)
    return CatalogEntry(
        partial=partial,
        id=path.name,
        path=path,
        started_at=manifest["started_at"],
        finished_at=manifest["finished_at"],
        cases=counts.get("cases"),
        incomplete_cases=counts.get("incomplete_cases"),
        complete=manifest["complete"],
        health=_health(manifest),
        latest=path.name == latest,
        pinned=pinned,
        payload_snapshots=tuple(manifest.get(PAYLOAD_SNAPSHOTS) or ()),
        source=manifest.get("source"),
    )


def list_catalog(snapshots_dir: Path) -> list[CatalogEntry]:
    """Every finished snapshot of the directory (partial ones too), oldest first; one whose
    manifest cannot be trusted is listed with its ``problem``."""
    latest, pins = latest_id(snapshots_dir), _pins(snapshots_dir)
    partial = [p for p in Path(snapshots_dir).glob(f"*{PARTIAL_SUFFIX}")
               if SNAPSHOT_NAME.match(p.name.removesuffix(PARTIAL_SUFFIX))
               and (p / MANIFEST).is_file()]
    paths = sorted([*list_snapshots(snapshots_dir), *partial], key=_age)
    return [_entry(p, latest, pins) for p in paths]


def catalog_problems(snapshots_dir: Path, entries: list[CatalogEntry]) -> list[str]:
    """One line for each file of the directory that the listing could not trust: the
    ``keep`` file, then each unreadable manifest."""
    problems = [e.problem for e in entries if e.problem]
    try:
        read_pins(snapshots_dir)
    except KeepFileError as exc:
        problems.insert(0, str(exc))
    return problems


def _age(path: Path) -> tuple[str, int]:
    """Sort key of a snapshot directory: its start time, then its ``-N`` suffix."""
    match = SNAPSHOT_NAME.match(path.name.removesuffix(PARTIAL_SUFFIX))
    return (match.group(1), int(match.group(2) or 0)) if match else (path.name, 0)


@dataclass(frozen=True, slots=True)
class PrunePlan:
    """What ``--keep N`` removes, and why each older snapshot it keeps is kept."""

    remove: list[CatalogEntry]
    kept: dict[str, str]
    """Snapshot id -> reason, for every snapshot kept beyond the newest N."""


def plan_prune(entries: list[CatalogEntry], keep: int) -> PrunePlan:
    """Decide, without touching the disk, what keeping the newest ``keep`` snapshots removes."""
    if keep < 1:
        raise ValueError("--keep must be at least 1")
    newest = entries[-keep:]
    older = entries[:-keep]
    kept: dict[str, str] = {}
    needed = {ref for e in newest for ref in e.payload_snapshots}
    unknown = next((e.id for e in reversed(newest) if e.problem), None)
    # Walk from new to old: a snapshot kept for its payload may itself need an older one.
    for entry in reversed(older):
        reason = _kept_reason(entry, needed, unknown)
        if reason:
            kept[entry.id] = reason
            needed.update(entry.payload_snapshots)
        if entry.problem and unknown is None:
            unknown = entry.id
    remove = [e for e in older if e.id not in kept]
    return PrunePlan(remove=remove, kept=kept)


def _kept_reason(entry: CatalogEntry, needed: set[str], unknown: str | None) -> str | None:
    """Why retention keeps an older snapshot (None: it may go). ``unknown`` is the id of a
    newer snapshot whose manifest cannot be read: what it refers to is not known."""
    if entry.latest:
        return "latest points at it"
    if entry.pinned:
        return f"pinned in {KEEP_FILE}"
    if entry.pinned is None:
        return f"{KEEP_FILE} cannot be read: it may pin it"
    if entry.id in needed:
        return "a kept snapshot's revisits refer to its payload"
    if entry.problem:
        return f"its {MANIFEST} cannot be read"
    if unknown is not None:
        return f"the revisits of {unknown} (its {MANIFEST} cannot be read) may refer to it"
    return None


def prune(snapshots_dir: Path, keep: int) -> PrunePlan:
    """Remove what ``plan_prune`` says, oldest first; returns the plan it carried out."""
    plan = plan_prune(list_catalog(snapshots_dir), keep)
    for entry in plan.remove:
        shutil.rmtree(entry.path)
    return plan
