"""Check a snapshot against its manifest and the schema: ``verify_snapshot(path) -> problems``.

Every problem is one sentence that starts with the file it concerns. Checks: manifest
fields; every file's size and SHA-256; missing and unlisted files; each Parquet file's
schema, schema version and row count; every JSONL line against ``case.schema.json``,
canonical form and ``case_id`` order; Parquet and JSONL holding the same cases and
references.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import zip_longest
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from casearchive.exports.files import CASE_SCHEMA, CASES_JSONL, MANIFEST
from casearchive.exports.jsonl import dumps_line, iter_lines
from casearchive.exports.manifest import (
    ManifestError,
    file_digest,
    list_files,
    load_manifest,
    manifest_problems,
    parse_manifest,
)
from casearchive.exports.schema import (
    META_TABLE,
    META_VERSION,
    SCHEMA_VERSION,
    TABLES,
    arrow_schema,
)
from casearchive.exports.schema import case_json_schema as current_case_schema

REQUIRED_FILES = (*(t.file for t in TABLES.values()), CASES_JSONL, CASE_SCHEMA)
MAX_PER_FILE = 20


def verify_snapshot(path: Path) -> list[str]:
    """All problems found in the snapshot at ``path`` (empty list = OK)."""
    path = Path(path)
    if not (path / MANIFEST).is_file():
        return [f"{MANIFEST}: missing from {path}."]
    try:
        manifest = parse_manifest((path / MANIFEST).read_bytes(), path / MANIFEST)
    except ManifestError as e:
        return [f"{MANIFEST}: {e.reason}."]
    problems = [f"{MANIFEST}: {problem}." for problem in manifest_problems(manifest)]
    if problems:
        return problems
    bad = _check_files(path, manifest, problems)
    current = manifest["schema_version"] == SCHEMA_VERSION
    counts = manifest["counts"]
    for t in TABLES.values():
        if t.file not in bad:
            problems += _check_parquet(path / t.file, t.name, manifest["schema_version"],
                                       current, counts.get(t.name))
    if CASE_SCHEMA not in bad and CASES_JSONL not in bad:
        problems += _check_jsonl(path, counts, current)
    if not bad & {CASES_JSONL, TABLES["cases"].file, TABLES["references"].file}:
        problems += _check_agreement(path)
    return problems


def check_listed_files(path: Path, names: list[str]) -> str | None:
    """The first of ``names`` whose size or SHA-256 differs from the snapshot's manifest (or
    that is missing, or not listed), as one sentence; None when all match. A name neither
    listed nor present is skipped (an older snapshot without that file: nothing to read).
    What ``diff``, ``log`` and ``reparse`` run on the files they read before trusting them:
    hashing only, no parsing, so a 100,000-case snapshot costs a fraction of a second."""
    try:
        listed: dict[str, Any] = load_manifest(path)["files"]
    except ManifestError as exc:
        return str(exc)
    for name in names:
        problem = _listed_file_problem(path, name, listed.get(name))
        if problem:
            return problem
    return None


def _listed_file_problem(path: Path, name: str, want: dict[str, Any] | None) -> str | None:
    """What is wrong with one file against its manifest entry ``want`` (None: unlisted)."""
    present = (path / name).is_file()
    if want is None:
        return f"{path / name}: not listed in {MANIFEST}" if present else None
    if not present:
        return f"{path / name}: listed in {MANIFEST} but missing"
    digest = file_digest(path / name)
    if digest["bytes"] != want["bytes"]:
        return (f"{path / name}: size {digest['bytes']} bytes, {MANIFEST} says "
                f"{want['bytes']} (the file changed)")
    if digest["sha256"] != want["sha256"]:
        return f"{path / name}: SHA-256 does not match {MANIFEST} (the file changed)"
    return None


def _check_files(path: Path, manifest: dict[str, Any], problems: list[str]) -> set[str]:
    """Sizes and checksums; returns the names that are missing (changed files are still
    read by the later checks, which say more about what changed)."""
    listed: dict[str, dict[str, Any]] = manifest["files"]
    present = set(list_files(path))
    bad: set[str] = set()
    for name in REQUIRED_FILES:
        if name not in listed:
            problems.append(f"{name}: required file not listed in {MANIFEST}.")
            bad.add(name)
    for name in sorted(listed):
        if name not in present:
            problems.append(f"{name}: listed in {MANIFEST} but missing.")
            bad.add(name)
            continue
        digest = file_digest(path / name)
        if digest["bytes"] != listed[name].get("bytes"):
            want = listed[name].get("bytes")
            problems.append(f"{name}: size {digest['bytes']} bytes, {MANIFEST} says {want}.")
        elif digest["sha256"] != listed[name].get("sha256"):
            problems.append(f"{name}: SHA-256 does not match {MANIFEST} (file changed).")
    problems.extend(
        f"{name}: present but not listed in {MANIFEST}." for name in sorted(present - set(listed))
    )
    return bad


def _check_parquet(
    file: Path, table: str, version: str, current: bool, count: int | None
) -> list[str]:
    name = file.name
    try:
        meta = pq.read_metadata(file)
        schema = pq.read_schema(file)
    except Exception as e:  # noqa: BLE001 - any reader error means the file is unreadable
        return [f"{name}: cannot be read as Parquet ({e})."]
    problems = []
    kv = schema.metadata or {}
    got_version = kv.get(META_VERSION.encode(), b"").decode()
    if got_version != version:
        problems.append(
            f"{name}: schema_version metadata {got_version!r}, manifest says {version!r}."
        )
    if kv.get(META_TABLE.encode(), b"").decode() != table:
        problems.append(f"{name}: table metadata is not {table!r}.")
    if current:
        expected = arrow_schema(table)
        if not schema.equals(expected, check_metadata=False):
            problems.append(
                f"{name}: schema differs from schema {version}: {_diff(schema, expected)}."
            )
    if count is not None and meta.num_rows != count:
        problems.append(f"{name}: {meta.num_rows} rows, {MANIFEST} counts {count}.")
    return problems


def _diff(got: Any, expected: Any) -> str:
    g = {f.name: f for f in got}
    e = {f.name: f for f in expected}
    parts = [f"missing column {n}" for n in e if n not in g]
    parts += [f"unexpected column {n}" for n in g if n not in e]
    parts += [
        f"column {n} is {g[n].type}{'' if g[n].nullable else ' not null'}, "
        f"expected {e[n].type}{'' if e[n].nullable else ' not null'}"
        for n in e if n in g and not g[n].equals(e[n])
    ]
    return "; ".join(parts) or "column order differs"


def _check_jsonl(path: Path, counts: dict[str, int], current: bool) -> list[str]:
    problems: list[str] = []
    try:
        stored = json.loads((path / CASE_SCHEMA).read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(stored)
    except Exception as e:  # noqa: BLE001 - unreadable or invalid: report, do not crash
        return [f"{CASE_SCHEMA}: not a valid JSON Schema ({e})."]
    if current and stored != current_case_schema():
        problems.append(f"{CASE_SCHEMA}: differs from the schema of version {SCHEMA_VERSION}.")
    validator = Draft202012Validator(stored)
    line_problems: list[str] = []
    previous: str | None = None
    lines = refs = 0
    for n, raw in iter_lines(path / CASES_JSONL):
        lines += 1
        try:
            obj = json.loads(raw)
        except ValueError as e:
            line_problems.append(f"{CASES_JSONL}: line {n} is not valid JSON ({e}).")
            continue
        error = best_match(validator.iter_errors(obj))
        if error is not None:
            where = "/".join(str(p) for p in error.absolute_path) or "(record)"
            line_problems.append(
                f"{CASES_JSONL}: line {n} violates {CASE_SCHEMA} at {where}: {error.message}."
            )
            continue
        if dumps_line(obj) != raw + b"\n":
            line_problems.append(f"{CASES_JSONL}: line {n} is not in canonical form.")
        if previous is not None and obj["case_id"] <= previous:
            line_problems.append(
                f"{CASES_JSONL}: line {n} case_id {obj['case_id']!r} is not after "
                f"{previous!r} (rows must be sorted by case_id and unique)."
            )
        previous = obj["case_id"]
        refs += len(obj["references"])
    problems += line_problems[:MAX_PER_FILE]
    if len(line_problems) > MAX_PER_FILE:
        problems.append(f"{CASES_JSONL}: {len(line_problems) - MAX_PER_FILE} more line problems.")
    if counts.get("cases") != lines:
        problems.append(f"{CASES_JSONL}: {lines} lines, {MANIFEST} counts {counts.get('cases')}.")
    if counts.get("references") != refs:
        problems.append(
            f"{CASES_JSONL}: {refs} references, {MANIFEST} counts {counts.get('references')}."
        )
    return problems


def _parquet_rows(file: Path) -> Iterator[dict[str, Any]]:
    for batch in pq.ParquetFile(file).iter_batches(batch_size=1024):
        yield from batch.to_pylist()


def _jsonl_refs(path: Path) -> Iterator[dict[str, Any]]:
    for _, raw in iter_lines(path):
        case = json.loads(raw)
        for ref in case["references"]:
            yield {"case_id": case["case_id"], **ref, "case_key": case.get("case_key")}


def _check_agreement(path: Path) -> list[str]:
    """Parquet and JSONL must hold the same cases (and references) in the same order."""
    problems: list[str] = []
    pairs = (
        (TABLES["cases"].file, (json.loads(r) for _, r in iter_lines(path / CASES_JSONL))),
        (TABLES["references"].file, _jsonl_refs(path / CASES_JSONL)),
    )
    try:
        for name, expected in pairs:
            mismatches = []
            for i, (row, want) in enumerate(zip_longest(_parquet_rows(path / name), expected)):
                if row == want:
                    continue
                if row is None or want is None:
                    extra = "cases.jsonl has more" if row is None else f"{name} has more"
                    mismatches.append(f"{name}: row count differs from {CASES_JSONL} ({extra}).")
                    break
                fields = sorted(k for k in set(row) | set(want) if row.get(k) != want.get(k))
                mismatches.append(
                    f"{name}: row {i + 1} (case_id {want.get('case_id')!r}) disagrees with "
                    f"{CASES_JSONL} on {', '.join(fields)}."
                )
            problems += mismatches[:MAX_PER_FILE]
    except (ValueError, KeyError, TypeError, OSError) as e:
        problems.append(f"{CASES_JSONL}: cannot be compared with the Parquet tables ({e}).")
    return problems

