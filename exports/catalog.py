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
like any other.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from casearchive.exports.files import (
    LATEST,
    MANIFEST,
    PARTIAL_KEY,
    PARTIAL_SUFFIX,
    PAYLOAD_SNAPSHOTS,
)
from casearchive.exports.load import SNAPSHOT_NAME, list_snapshots
from casearchive.exports.manifest import read_manifest

#: File in a snapshots directory naming snapshots that retention never removes.
KEEP_FILE = "keep"


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """One finished snapshot, as ``casearchive list`` shows it."""

    id: str
    path: Path
    started_at: str | None
    finished_at: str | None
    cases: int
    incomplete_cases: int
    complete: bool
    """The manifest's verdict: every linked case archived with all its pages."""
    health: str | None
    """The health checks' verdict when the crawl ran them ("ok", "failed"); None if absent."""
    latest: bool
    pinned: bool
    payload_snapshots: tuple[str, ...]
    partial: str | None = None
    """Why the crawl stopped early (a budget), for a ``<id>.partial`` snapshot."""
    source: str | None = None
    """``import`` for a snapshot ``casearchive import`` made of other tools' archives (its
    id is the moment it represents); None for a crawl."""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "path": str(self.path), "started_at": self.started_at,
            "finished_at": self.finished_at, "cases": self.cases,
            "incomplete_cases": self.incomplete_cases, "complete": self.complete,
            "health": self.health, "latest": self.latest, "pinned": self.pinned,
            "payload_snapshots": list(self.payload_snapshots), "partial": self.partial,
            "source": self.source,
        }


def read_pins(snapshots_dir: Path) -> frozenset[str]:
    """Snapshot ids named in the directory's ``keep`` file (none when it is absent)."""
    path = Path(snapshots_dir) / KEEP_FILE
    if not path.is_file():
        return frozenset()
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(s for s in (line.split("#", 1)[0].strip() for line in lines) if s)


def latest_id(snapshots_dir: Path) -> str | None:
    """The id ``latest`` points at, or None."""
    link = Path(snapshots_dir) / LATEST
    return link.resolve().name if link.exists() else None


def _health(manifest: dict[str, Any]) -> str | None:
    health = manifest.get("health")
    if isinstance(health, dict):
        verdict = health.get("verdict")
        return str(verdict) if verdict is not None else None
    return str(health) if health is not None else None


def _entry(path: Path, latest: str | None, pins: frozenset[str]) -> CatalogEntry:
    manifest = read_manifest(path)
    counts = manifest.get("counts") or {}
    partial = manifest.get(PARTIAL_KEY)
    return CatalogEntry(
        partial=str(partial) if partial is not None else None,
        id=path.name,
        path=path,
        started_at=manifest.get("started_at"),
        finished_at=manifest.get("finished_at"),
        cases=int(counts.get("cases", 0)),
        incomplete_cases=int(counts.get("incomplete_cases", 0)),
        complete=bool(manifest.get("complete")),
        health=_health(manifest),
        latest=path.name == latest,
        pinned=path.name in pins,
        payload_snapshots=tuple(manifest.get(PAYLOAD_SNAPSHOTS) or ()),
        source=manifest.get("source"),
    )


def list_catalog(snapshots_dir: Path) -> list[CatalogEntry]:
    """Every finished snapshot of the directory (partial ones too), oldest first."""
    latest, pins = latest_id(snapshots_dir), read_pins(snapshots_dir)
    partial = [p for p in Path(snapshots_dir).glob(f"*{PARTIAL_SUFFIX}")
               if SNAPSHOT_NAME.match(p.name.removesuffix(PARTIAL_SUFFIX))
               and (p / MANIFEST).is_file()]
    paths = sorted([*list_snapshots(snapshots_dir), *partial], key=_age)
    return [_entry(p, latest, pins) for p in paths]


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
    # Walk from new to old: a snapshot kept for its payload may itself need an older one.
    for entry in reversed(older):
        if entry.latest:
            kept[entry.id] = "latest points at it"
        elif entry.pinned:
            kept[entry.id] = f"pinned in {KEEP_FILE}"
        elif entry.id in needed:
            kept[entry.id] = "a kept snapshot's revisits refer to its payload"
        if entry.id in kept:
            needed.update(entry.payload_snapshots)
    remove = [e for e in older if e.id not in kept]
    return PrunePlan(remove=remove, kept=kept)


def prune(snapshots_dir: Path, keep: int) -> PrunePlan:
    """Remove what ``plan_prune`` says, oldest first; returns the plan it carried out."""
    plan = plan_prune(list_catalog(snapshots_dir), keep)
    for entry in plan.remove:
        shutil.rmtree(entry.path)
    return plan
