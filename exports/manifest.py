"""``manifest.json``: what a snapshot is, how it was made and the checksum of every file."""

from __future__ import annotations

import hashlib
import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from casearchive.exports.files import (
    MANIFEST,
    MANIFEST_KEYS,
    PAYLOAD_SNAPSHOTS,
    SNAPSHOT_NAME,
)
from casearchive.exports.schema import SCHEMA_VERSION

ID_FORMAT = "%Y%m%dT%H%M%SZ"


def snapshot_id(when: datetime) -> str:
    """``YYYYMMDDTHHMMSSZ`` of a moment, in UTC."""
    return when.astimezone(UTC).strftime(ID_FORMAT)


def id_moment(sid: str) -> datetime:
    """The moment a snapshot id names (``snapshot_id`` read back), the suffix of a second
    snapshot of the same second (``-1``) aside; ``ValueError`` for no id."""
    return datetime.strptime(sid.split("-", 1)[0], ID_FORMAT).replace(tzinfo=UTC)


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
    """The manifest as JSON, unchecked (the crawl's own reads; readers use ``load_manifest``)."""
    manifest: dict[str, Any] = json.loads((snapshot / MANIFEST).read_text(encoding="utf-8"))
    return manifest


class ManifestError(ValueError):
    """A ``manifest.json`` that cannot be trusted; the message is one line that names the
    file (``path``) and says what is wrong with it (``reason``)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


#: The type each top-level key must have (``MANIFEST_KEYS`` are required; the others are
#: checked when present, since retention and ``list`` act on them).
KEY_TYPES: dict[str, type] = {
    "snapshot_id": str, "schema_version": str, "tool_version": str, "parser_version": str,
    "start_url": str, "started_at": str, "finished_at": str, "complete": bool,
    "counts": dict, "crawl_stats": dict, "files": dict,
    PAYLOAD_SNAPSHOTS: list, "partial": str, "source": str,
}
#: The schema major this casearchive reads (a new major renames or drops columns).
SCHEMA_MAJOR = SCHEMA_VERSION.split(".")[0]
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def load_manifest(snapshot: Path) -> dict[str, Any]:
    """``snapshot``'s manifest, checked: a JSON object whose keys have the types the readers
    rely on and whose schema major this casearchive reads; ``ManifestError`` otherwise.

    The one place every inspection command reads a manifest through."""
    path = Path(snapshot) / MANIFEST
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ManifestError(path, "missing") from None
    except OSError as exc:
        raise ManifestError(path, f"cannot be read ({exc.strerror or exc})") from None
    manifest = parse_manifest(data, path)
    problems = manifest_problems(manifest)
    if problems:
        raise ManifestError(path, problems[0])
    return manifest


def parse_manifest(data: bytes, path: Path) -> dict[str, Any]:
    """The bytes of ``path`` as a JSON object (its keys unchecked); ``ManifestError``."""
    if not data.strip():
        raise ManifestError(path, "empty")
    try:
        manifest = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ManifestError(path, f"not UTF-8 (byte {data[exc.start]:#04x} at offset "
                            f"{exc.start})") from None
    except ValueError as exc:
        raise ManifestError(path, f"not valid JSON ({exc})") from None
    if not isinstance(manifest, dict):
        raise ManifestError(path, f"not a JSON object (a {_json_type(manifest)})")
    return manifest


def manifest_problems(manifest: dict[str, Any]) -> list[str]:
    """What is wrong with a parsed manifest, one phrase each (empty: the readers may trust
    its keys): missing keys, wrong types, an unreadable schema major, a bad id."""
    problems = [f"missing key {key!r}" for key in MANIFEST_KEYS if key not in manifest]
    for key, want in KEY_TYPES.items():
        value = manifest.get(key)
        if key in manifest and not _is(value, want):
            problems.append(f"{key!r} is {_shown(value)}, not {_json_name(want)}")
    if problems:
        return problems
    return [*_id_problems(manifest), *_version_problems(manifest),
            *_count_problems(manifest["counts"]), *_file_problems(manifest["files"]),
            *_payload_problems(manifest.get(PAYLOAD_SNAPSHOTS, []))]


def _id_problems(manifest: dict[str, Any]) -> list[str]:
    sid = manifest["snapshot_id"]
    return [] if SNAPSHOT_NAME.match(sid) else [
        f"'snapshot_id' {_shown(sid)} is not a snapshot id (YYYYMMDDTHHMMSSZ[-N])"]


def _version_problems(manifest: dict[str, Any]) -> list[str]:
    version = manifest["schema_version"]
    if version.split(".", maxsplit=1)[0] == SCHEMA_MAJOR:
        return []
    shown = version if version.isprintable() and len(version) <= 20 else _shown(version)
    return [f"snapshot {manifest['snapshot_id']} has schema {shown}; this casearchive reads "
            f"{SCHEMA_MAJOR}.x"]


def _count_problems(counts: dict[str, Any]) -> list[str]:
    return [f"'counts' {name!r} is {_shown(n)}, not a whole number"
            for name, n in counts.items() if not _is(n, int) or n < 0]


def _file_problems(files: dict[str, Any]) -> list[str]:
    for name, entry in files.items():
        if not (isinstance(entry, dict) and _is(entry.get("bytes"), int)
                and isinstance(entry.get("sha256"), str) and _SHA256.match(entry["sha256"])):
            return [f"'files' {name!r} is {_shown(entry)}, not "
                    '{"bytes": N, "sha256": 64 hex digits}']
    return []


def _payload_problems(ids: list[Any]) -> list[str]:
    return [f"{PAYLOAD_SNAPSHOTS!r} holds {_shown(i)}, not a snapshot id"
            for i in ids if not (isinstance(i, str) and SNAPSHOT_NAME.match(i))][:1]


def _is(value: Any, want: type) -> bool:
    """``isinstance`` as JSON means it: ``true`` is no number."""
    return isinstance(value, want) and not (want is int and isinstance(value, bool))


_JSON_NAMES = {str: "a string", bool: "true or false", dict: "an object", list: "a list",
               int: "a whole number", float: "a number", type(None): "null"}


def _json_name(want: type) -> str:
    return _JSON_NAMES.get(want, want.__name__)


def _json_type(value: Any) -> str:
    return _json_name(type(value)).removeprefix("a ").removeprefix("an ")


def _shown(value: Any) -> str:
    """A value for a message: JSON-like and short."""
    text = json.dumps(value, ensure_ascii=True, default=str)
    return text if len(text) <= 60 else text[:57] + "..."
