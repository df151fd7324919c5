"""``schema.lock.json``: the recorded structure of every released schema version.

Each entry holds a version, the fingerprint of its structure and its flat field map, so a
test can tell (a) that the current schema matches the lock for ``SCHEMA_VERSION`` and
(b) that each version bump was big enough for the change it made.

Run ``python -m casearchive.exports.schema_lock`` after bumping ``SCHEMA_VERSION`` to record it.
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path
from typing import Any

from casearchive.exports.schema import SCHEMA_VERSION, fingerprint, flat_fields

LOCK_PATH = Path(__file__).with_name("schema.lock.json")


def parse_version(v: str) -> tuple[int, int, int]:
    major, minor, patch = (int(x) for x in v.split("."))
    return major, minor, patch


def load_lock(path: Path = LOCK_PATH) -> list[dict[str, Any]]:
    versions: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["versions"]
    return versions


def required_bump(old: dict[str, str], new: dict[str, str]) -> str | None:
    """The smallest semver part that must change between two flat field maps.

    ``major`` when a field is removed, renamed, retyped, re-ordered, changes nullability or
    is added as non-nullable to an existing table; ``minor`` when only nullable fields (with
    any members) or whole new tables are added; None when the structure is unchanged.
    """
    if list(old.items()) == list(new.items()):
        return None
    if any(k not in new or new[k] != t for k, t in old.items()):
        return "major"
    kept = [k for k in new if k in old]
    if kept != list(old):
        return "major"
    added = [k for k in new if k not in old]
    new_tables = {k.split(".", 1)[0] for k in added} - {k.split(".", 1)[0] for k in old}
    for k in added:
        if k.split(".", 1)[0] in new_tables:
            continue
        parent = k.rsplit(".", 1)[0].removesuffix("[]")
        if parent in added:  # member of a newly added struct or list of structs
            continue
        if not new[k].endswith("?"):
            return "major"
    return "minor"


def actual_bump(old: str, new: str) -> str | None:
    o, n = parse_version(old), parse_version(new)
    if n <= o:
        return None
    if n[0] > o[0]:
        return "major"
    return "minor" if n[1] > o[1] else "patch"


def check_lock(path: Path = LOCK_PATH) -> list[str]:
    """Problems with the lock against the current schema (empty = OK)."""
    versions = load_lock(path)
    problems = []
    current = next((v for v in versions if v["version"] == SCHEMA_VERSION), None)
    if current is None:
        problems.append(
            f"{path.name}: SCHEMA_VERSION {SCHEMA_VERSION} is not recorded; "
            "run `python -m casearchive.exports.schema_lock`."
        )
    elif current["sha256"] != fingerprint():
        problems.append(
            f"{path.name}: the schema changed but SCHEMA_VERSION is still {SCHEMA_VERSION}; "
            "bump it (see docs/migration.md) and run `python -m casearchive.exports.schema_lock`."
        )
    if versions and versions[-1]["version"] != SCHEMA_VERSION and current is not None:
        problems.append(f"{path.name}: SCHEMA_VERSION {SCHEMA_VERSION} is not the newest entry.")
    rank = {None: 0, "patch": 1, "minor": 2, "major": 3}
    for prev, nxt in itertools.pairwise(versions):
        need = required_bump(prev["fields"], nxt["fields"])
        got = actual_bump(prev["version"], nxt["version"])
        if got is None:
            problems.append(f"{path.name}: {nxt['version']} does not follow {prev['version']}.")
        elif rank[need] > rank[got]:
            problems.append(
                f"{path.name}: {prev['version']} -> {nxt['version']} is a {got} bump "
                f"but the change needs {need}."
            )
    return problems


def update_lock(path: Path = LOCK_PATH) -> bool:
    """Record the current version; refuses to overwrite a released version's structure."""
    versions = load_lock(path) if path.exists() else []
    entry = {"version": SCHEMA_VERSION, "sha256": fingerprint(), "fields": flat_fields()}
    for v in versions:
        if v["version"] == SCHEMA_VERSION:
            if v["sha256"] == entry["sha256"]:
                return False
            raise SystemExit(
                f"{path.name}: {SCHEMA_VERSION} is already recorded with another structure; "
                "bump SCHEMA_VERSION."
            )
    versions.append(entry)
    text = json.dumps({"versions": versions}, indent=2, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    changed = update_lock()
    print(f"{LOCK_PATH.name}: {'recorded' if changed else 'already has'} {SCHEMA_VERSION}")
    problems = check_lock()
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
