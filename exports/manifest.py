"""``manifest.json``: what a snapshot is, how it was made and the checksum of every file."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from casearchive.exports.files import MANIFEST

ID_FORMAT = "%Y%m%dT%H%M%SZ"


def snapshot_id(when: datetime) -> str:
    """``YYYYMMDDTHHMMSSZ`` of a moment, in UTC."""
    return when.astimezone(UTC).strftime(ID_FORMAT)


def iso_utc(when: datetime) -> str:
    """ISO 8601 in UTC with a ``Z`` suffix, e.g. ``2025-01-31T12:00:00Z``."""
    text = when.astimezone(UTC).isoformat()
    return text.replace("+00:00", "Z")


def file_digest(path: Path, *, fsync: bool = False) -> dict[str, Any]:
    """``{"sha256", "bytes"}`` of a file; optionally fsync it in the same pass."""
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
        if fsync:
            os.fsync(f.fileno())
    return {"sha256": h.hexdigest(), "bytes": size}


def list_files(root: Path) -> list[str]:
    """Relative POSIX paths of every file under ``root`` except the manifest, sorted."""
    names = [
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() or p.is_symlink()
    ]
    return sorted(n for n in names if n != MANIFEST)


def _json_default(value: Any) -> Any:
    """Crawl stats carry datetimes and other non-JSON values; keep them readable."""
    if isinstance(value, datetime):
        return iso_utc(value) if value.tzinfo else value.isoformat()
    return str(value)


def dumps_manifest(manifest: dict[str, Any]) -> bytes:
    text = json.dumps(
        manifest, indent=2, sort_keys=True, ensure_ascii=False, default=_json_default
    )
    return (text + "\n").encode("utf-8")


def read_manifest(snapshot: Path) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads((snapshot / MANIFEST).read_text(encoding="utf-8"))
    return manifest
