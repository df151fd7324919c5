"""Compare two snapshots case by case, into plain data (rendering lives in ``render.py``).

Three steps, after csv-diff: *index* reads only ``case_id`` and ``content_sha256`` of both
``cases.parquet`` files and splits the ids into added, removed, unchanged (same content
hash, never compared) and candidates; *load* reads the full rows of the candidates only,
each a line of ``cases.jsonl`` found by its place in the index (``jsonl.find_lines``; from
``cases.parquet`` when a side has no ``cases.jsonl`` or it does not match its index);
*compare* looks at extracted, normalised content only: title, page count, each canonical
section, ``other_sections`` by heading, ``references`` by number, contact and copyright.
Page URLs, body hashes, fetch times and parser warnings are never compared, so markup-only
changes of the site (whitespace, counters, session ids, dates, navigation) are not changes.
Each changed value carries a word diff (``casearchive.exports.worddiff``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import json
import queue
import re
import tempfile
import threading
import unicodedata
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pyarrow as pa
import pyarrow.compute as pc

from casearchive.exports.files import CASES_JSONL
from casearchive.exports.jsonl import find_lines
from casearchive.exports.load import Snapshot, iter_case_rows, load_snapshot, read_case_rows
from casearchive.exports.manifest import ManifestError
from casearchive.exports.worddiff import Op, word_diff
from casearchive.parsers.records import CASE_CONTENT_FIELDS, CASE_HIDDEN_MEMBERS

T = TypeVar("T")

#: Compared fields, in report order: the case record's content fields (one source).
FIELDS: tuple[str, ...] = CASE_CONTENT_FIELDS
REFERENCE_MEMBERS = ("text", "doi", "url", "pmid")
CONTACT_MEMBERS = (
    "organization", "street", "city", "state", "postal_code", "phone", "email",
)
#: Columns read for a candidate: the compared fields and what the notes need.
ROW_COLUMNS = ["case_id", *FIELDS, "complete", "failed_urls"]
UNPLACED = "(text under no heading)"


class DiffError(Exception):
    """A snapshot cannot be read or resolved; the message is one line for the user."""


@dataclass(frozen=True, slots=True)
class SnapshotInfo:
    """What a report says about each side."""

    id: str
    path: str
    parser_version: str | None
    tool_version: str | None
    started_at: str | None = None
    """When the crawl started (ISO-8601 UTC, from the manifest), for human dates."""

    @classmethod
    def of(cls, snap: Snapshot) -> SnapshotInfo:
        m = snap.manifest
        return cls(snap.id, str(snap.path), m.get("parser_version"), m.get("tool_version"),
                   m.get("started_at"))


@dataclass(frozen=True, slots=True)
class Capture:
    """Where one side archived a case's first page: the URL as fetched (a WARC record's
    target URI) and when, as a 14-digit ``YYYYMMDDhhmmss`` (the web-archive timestamp)."""

    url: str
    timestamp: str


@dataclass(slots=True)
class CaseInfo:
    """What a report shows to name a case: its id, readable key, title and URL, and its
    captures in the old and new snapshot (None when the case is not on that side)."""

    case_id: str
    case_key: str | None
    title: str
    url: str
    old: Capture | None = None
    new: Capture | None = None


@dataclass(slots=True)
class ItemChange:
    """One changed value: a whole field, or one keyed item of a list field or the contact."""

    field: str
    key: str | None
    """Reference number, other-section heading or contact member; None for a plain field."""
    kind: str
    """``added`` (absent before), ``removed`` (absent now) or ``changed``."""
    old: Any
    new: Any
    word_diff: list[Op]
    members: list[str] = dataclasses.field(default_factory=list)
    """For a reference: which of text, doi, url, pmid changed."""


@dataclass(slots=True)
class CaseChange:
    """A case present on both sides whose content differs."""

    case_id: str
    title: str
    """Title in the new snapshot."""
    items: list[ItemChange]
    notes: list[str] = dataclasses.field(default_factory=list)
    """Context for the reader, e.g. that a side is incomplete (failed pages lose content)."""

    @property
    def fields(self) -> list[str]:
        return list(dict.fromkeys(i.field for i in self.items))


@dataclass(slots=True)
class ReparseInfo:
    """OLD was re-extracted from its WARC with the current parser before comparing."""

    from_id: str
    parser_version: str | None
    extractor_changed: list[str]
    """Case ids whose extracted content the parser change alone altered (or added/removed)."""


@dataclass(slots=True)
class SnapshotDiff:
    """The result: case ids sorted; ``unchanged`` counts cases on both sides not changed."""

    old: SnapshotInfo
    new: SnapshotInfo
    added: list[str]
    removed: list[str]
    changed: list[CaseChange]
    unchanged: int
    titles: dict[str, str] = dataclasses.field(default_factory=dict)
    """Titles of the added and removed cases."""
    reparse: ReparseInfo | None = None
    cases: dict[str, CaseInfo] = dataclasses.field(default_factory=dict)
    """Key, title, URL and captures of every added, removed and changed case, by id."""

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    @property
    def parser_version_changed(self) -> bool:
        return self.old.parser_version != self.new.parser_version


# --- normalisation ---------------------------------------------------------------------------

_SPACES = re.compile(r"[^\S\n]+")
_BLANKS = re.compile(r"\n{3,}")


def norm_text(value: Any) -> str | None:
    """Content text as compared: NFC, runs of spaces collapsed, lines stripped, ``""`` -> None."""
    if value is None:
        return None
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    text = _BLANKS.sub("\n\n", text).strip()
    return text or None


# --- compare ---------------------------------------------------------------------------------

def _kind(old: Any, new: Any) -> str:
    return "added" if old is None else "removed" if new is None else "changed"


def _keyed_others(sections: Iterable[dict[str, Any]] | None) -> dict[str, str]:
    """Other sections by heading; repeated headings (a section continued) joined in order."""
    out: dict[str, list[str]] = {}
    for s in sections or ():
        heading = norm_text(s.get("heading")) or UNPLACED
        text = norm_text(s.get("text"))
        if text:
            out.setdefault(heading, []).append(text)
    return {k: "\n\n".join(v) for k, v in out.items()}


def _keyed_references(refs: Iterable[dict[str, Any]] | None) -> dict[str, dict[str, str | None]]:
    """References by printed number; unnumbered ones by position ("unnumbered 2")."""
    out: dict[str, dict[str, str | None]] = {}
    unnumbered = 0
    for r in refs or ():
        if r.get("number") is None:
            unnumbered += 1
            key = f"unnumbered {unnumbered}"
        else:
            key, n = str(r["number"]), 1
            while key in out:
                n += 1
                key = f"{r['number']} ({n})"
        out[key] = {m: norm_text(r.get(m)) for m in REFERENCE_MEMBERS}
    return out


def reference_line(ref: dict[str, str | None] | None) -> str | None:
    """One reference as a line of text, for word diffs and reports."""
    if ref is None:
        return None
    parts = [ref.get("text") or ""]
    parts += [f"{m}: {ref[m]}" for m in ("doi", "url", "pmid") if ref.get(m)]
    return " · ".join(p for p in parts if p)


def _compare_text(name: str, old: Any, new: Any, key: str | None = None) -> list[ItemChange]:
    if old == new:
        return []
    a, b = norm_text(old), norm_text(new)
    if a == b:
        return []
    return [ItemChange(name, key, _kind(a, b), a, b, word_diff(a, b))]


def _compare_references(old: Any, new: Any) -> list[ItemChange]:
    a, b = _keyed_references(old), _keyed_references(new)
    out = []
    for key in _union(a, b):
        ra, rb = a.get(key), b.get(key)
        if ra == rb:
            continue
        members = [m for m in REFERENCE_MEMBERS if (ra or {}).get(m) != (rb or {}).get(m)]
        line_a, line_b = reference_line(ra), reference_line(rb)
        out.append(ItemChange("references", key, _kind(ra, rb), ra, rb,
                              word_diff(line_a, line_b), members))
    return out


def _compare_contact(old: Any, new: Any) -> list[ItemChange]:
    out = []
    for member in CONTACT_MEMBERS:
        out += _compare_text("contact", (old or {}).get(member), (new or {}).get(member), member)
    return out


def item_line(item: Any) -> str | None:
    """One list item of any content field as a line: a record's non-empty members joined."""
    if item is None:
        return None
    if isinstance(item, dict):
        return " · ".join(f"{k}: {v}" for k, v in item.items() if v not in (None, ""))
    return str(item)


def _compare_items(name: str, old: Any, new: Any) -> list[ItemChange]:
    """A list field with no natural key of its own (e.g. ``figures``), compared by position
    (1-based) without its records' non-content members, so a new content field is diffed
    without code of its own."""
    hidden = CASE_HIDDEN_MEMBERS.get(name, frozenset())
    a = {str(n): _visible(v, hidden) for n, v in enumerate(old or (), 1)}
    b = {str(n): _visible(v, hidden) for n, v in enumerate(new or (), 1)}
    out = []
    for key in _union(a, b):
        va, vb = a.get(key), b.get(key)
        if va != vb:
            la, lb = item_line(va), item_line(vb)
            out.append(ItemChange(name, key, _kind(va, vb), va, vb, word_diff(la, lb)))
    return out


def _visible(item: Any, hidden: frozenset[str]) -> Any:
    return {k: v for k, v in item.items() if k not in hidden} if isinstance(item, dict) else item


def _union(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    return list(dict.fromkeys([*a, *b]))


def compare_case(old: dict[str, Any], new: dict[str, Any]) -> list[ItemChange]:
    """Every content difference between two versions of one case (rows as plain dicts)."""
    items: list[ItemChange] = []
    for name in FIELDS:
        a, b = old.get(name), new.get(name)
        if a == b:
            continue
        if name == "page_count":
            items.append(ItemChange(name, None, _kind(a, b), a, b, word_diff(_str(a), _str(b))))
        elif name == "other_sections":
            ka, kb = _keyed_others(a), _keyed_others(b)
            for key in _union(ka, kb):
                items += _compare_text(name, ka.get(key), kb.get(key), key)
        elif name == "references":
            items += _compare_references(a, b)
        elif name == "contact":
            items += _compare_contact(a, b)
        elif isinstance(a, list) or isinstance(b, list):
            items += _compare_items(name, a, b)
        else:
            items += _compare_text(name, a, b)
    return items


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _notes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    notes = []
    for side, row in (("old", old), ("new", new)):
        if row.get("complete") is False:
            failed = len(row.get("failed_urls") or [])
            notes.append(f"{side} snapshot: case incomplete ({failed} page(s) failed); "
                         "missing text may be a fetch failure, not a site change")
    return notes


# --- index and load --------------------------------------------------------------------------

def open_snapshot(path: Path) -> Snapshot:
    """``load_snapshot`` with a one-line ``DiffError`` on trouble: its manifest checked
    (``load_manifest``) and its ``cases.parquet`` holding the columns a diff reads."""
    try:
        snap = load_snapshot(path)
    except (FileNotFoundError, ManifestError) as exc:
        raise DiffError(str(exc)) from None
    except (OSError, ValueError, KeyError) as exc:
        raise DiffError(f"{path}: cannot read snapshot: {exc}") from None
    _require_columns(snap)
    return snap


def _require_columns(snap: Snapshot) -> None:
    """``DiffError`` naming ``cases.parquet`` when it lacks a column the diff reads (a file
    of another schema, read with ``--no-verify``)."""
    import pyarrow.parquet as pq

    path = snap.path / "cases.parquet"
    names = read_parquet(snap, path.name, lambda: pq.read_schema(path).names)
    missing = [c for c in (*ROW_COLUMNS, *INFO_COLUMNS, "content_sha256") if c not in names]
    if missing:
        raise DiffError(f"{path}: no column {missing[0]!r} (schema "
                        f"{snap.manifest['schema_version']} says it has one)")


def read_parquet(snap: Snapshot, what: str, fn: Callable[..., T], *args: Any) -> T:
    """Run ``fn(*args)``, a Parquet read, turning unreadable files into a ``DiffError``."""
    try:
        return fn(*args)
    except (OSError, pa.ArrowException, KeyError, ValueError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DiffError(f"{snap.path}: cannot read {what}: {first}") from None


def _index(snap: Snapshot) -> pa.Table:
    columns = ["case_id", "content_sha256"]
    return read_parquet(snap, "cases.parquet", snap.read_table, "cases", columns)


def _ids(values: pa.Array | pa.ChunkedArray) -> list[str]:
    return sorted(values.to_pylist())


def _rows(snap: Snapshot, ids: list[str], columns: list[str] | None = None
          ) -> dict[str, dict[str, Any]]:
    if not ids:
        return {}
    table = read_parquet(snap, "cases.parquet", read_case_rows, snap, ids, columns)
    return {row["case_id"]: row for row in table.to_pylist()}


#: Re-extracts a snapshot into a new one under a directory and returns its path; the CLI
#: passes ``casearchive.crawler.reparse.reparse_snapshot`` (exports does not import the crawler).
Reparser = Callable[[Path, Path], Path]


def diff_snapshots(old: Path, new: Path, *, reparse: Reparser | None = None) -> SnapshotDiff:
    """Compare snapshot directories ``old`` and ``new``.

    With ``reparse``, OLD is first re-extracted from its WARC with the current parser (into
    a temporary directory), so the report holds site changes only; the cases the parser
    change alone altered are listed in ``reparse.extractor_changed``.
    """
    old_snap, new_snap = open_snapshot(old), open_snapshot(new)
    if reparse is None:
        return _diff(old_snap, new_snap)
    with tempfile.TemporaryDirectory(prefix="casearchive-reparse-") as tmp:
        fresh = open_snapshot(_reparsed(reparse, old_snap.path, Path(tmp)))
        extractor = _diff(old_snap, fresh)
        result = _diff(fresh, new_snap)
    result.old = SnapshotInfo(old_snap.id, str(old_snap.path), fresh.manifest.get(
        "parser_version"), fresh.manifest.get("tool_version"),
        old_snap.manifest.get("started_at"))
    changed = extractor.added + extractor.removed + [c.case_id for c in extractor.changed]
    result.reparse = ReparseInfo(old_snap.id, fresh.manifest.get("parser_version"),
                                 sorted(changed))
    return result


def _reparsed(reparse: Reparser, snapshot: Path, out_dir: Path) -> Path:
    try:
        return reparse(snapshot, out_dir)
    except FileNotFoundError as exc:
        raise DiffError(f"cannot re-parse: {exc}") from None


def _diff(old: Snapshot, new: Snapshot) -> SnapshotDiff:
    # Reading runs in pyarrow without the GIL: the two indexes at once, then the captures of
    # every case the report may name beside the comparison, on the second core (one side
    # after the other: one read's buffers at a time).
    with ThreadPoolExecutor(2, thread_name_prefix="diff-read") as pool:
        a, b = pool.map(_index, (old, new))
        ids_a, ids_b = a["case_id"], b["case_id"]
        # Where each NEW id sits in OLD (null: added); hash tables, no sort, no join.
        pos = pc.index_in(ids_b, value_set=ids_a)
        added = _ids(ids_b.filter(pc.is_null(pos)))
        removed = _ids(ids_a.filter(pc.invert(pc.is_in(ids_a, value_set=ids_b))))
        sha_a = a["content_sha256"].take(pos)
        sha_b = b["content_sha256"]
        # Same hash: unchanged, never read. An empty hash means "unknown": compare the text.
        differ = pc.fill_null(pc.or_(pc.not_equal(sha_a, sha_b), pc.equal(sha_b, "")), False)
        candidates = _ids(ids_b.filter(differ))
        both = b.num_rows - len(added)
        lines = _line_pairs(old, new, ids_a, ids_b, candidates)
        del a, b, ids_a, ids_b, pos, sha_a, sha_b, differ  # the index is not needed any more
        sides = ((old, [*removed, *candidates]), (new, [*added, *candidates]))
        # Beside a comparison of cases.jsonl lines only: reading cases.parquet has its own
        # threads on the second core, and both at once would hold both reads' buffers.
        captures = pool.submit(_both_captures, *sides) if lines is not None else None
        try:
            if lines is None:
                raise LookupError("no cases.jsonl to read the candidates from")
            found, named = _compare(lines)
        except LookupError:  # read the rows from cases.parquet instead
            found, named = _compare(_paired_rows(old, new, candidates))
        changed = [found[cid] for cid in candidates if cid in found]
        cases = _case_infos(old, new, added, removed, named,
                            captures.result() if captures else _both_captures(*sides))
    titles = {cid: cases[cid].title for cid in [*added, *removed] if cid in cases}
    return SnapshotDiff(SnapshotInfo.of(old), SnapshotInfo.of(new), added, removed, changed,
                        both - len(changed), titles, cases=cases)


def _compare(pairs: Iterable[tuple[dict[str, Any], dict[str, Any]]]
             ) -> tuple[dict[str, CaseChange], dict[str, CaseInfo]]:
    """The changes of each (old row, new row) pair, and the names of the changed cases."""
    found: dict[str, CaseChange] = {}
    named: dict[str, CaseInfo] = {}
    for row_a, row_b in pairs:
        items = compare_case(row_a, row_b)
        if items:
            cid = row_b["case_id"]
            found[cid] = CaseChange(cid, row_b["title"], items, _notes(row_a, row_b))
            named[cid] = _info(row_b)
    return found, named


def _line_pairs(old: Snapshot, new: Snapshot, ids_a: pa.ChunkedArray, ids_b: pa.ChunkedArray,
                candidates: list[str]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]] | None:
    """``(old row, new row)`` of every candidate, read from the two ``cases.jsonl`` files,
    or None when a side has none or its index is not sorted.

    The candidates' text is all a diff reads besides the index; in ``cases.parquet`` it
    shares compressed pages with the unchanged cases around it (a 1 % change spread over a
    file touches every row group), in ``cases.jsonl`` each case is a line of its own that
    ``find_lines`` reaches in a few reads. A line that is not where the index puts it
    raises ``LookupError``; the caller then reads ``cases.parquet`` instead."""
    paths = [snap.path / CASES_JSONL for snap in (old, new)]
    if not all(path.is_file() for path in paths):
        return None
    sides = []
    wanted = pa.array(candidates, pa.string())
    for path, ids in ((paths[0], ids_a), (paths[1], ids_b)):
        keys = ids.to_pylist()
        if any(x >= y for x, y in itertools.pairwise(keys)):
            return None
        rows = pc.index_in(wanted, value_set=ids).to_pylist()
        sides.append(find_lines(path, keys, rows))
    return ((_case_line(line_a), _case_line(line_b))
            for line_a, line_b in zip(*sides, strict=True))


def _case_line(line: bytes) -> dict[str, Any]:
    """One ``cases.jsonl`` line as a case; ``LookupError`` (read ``cases.parquet``
    instead) when it is not a JSON object in UTF-8."""
    try:
        case = json.loads(line)
    except ValueError as exc:  # UnicodeDecodeError too
        raise LookupError(f"{CASES_JSONL}: a line is not JSON ({exc})") from None
    if not isinstance(case, dict):
        raise LookupError(f"{CASES_JSONL}: a line is not a JSON object")
    return case


#: Row groups of candidates each side reads ahead of the comparison (a few MiB of rows).
READ_AHEAD = 2
_END = object()


def _paired_rows(old: Snapshot, new: Snapshot, ids: list[str]
                 ) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """``(old row, new row)`` of every id in ``ids``, as soon as both sides have read it.

    Each side's rows are read row group by row group in a thread of its own (decompression
    releases the GIL, so reading overlaps the comparison on the other core) and kept only
    until the other side's row arrives. Both files are sorted by ``case_id``, so reading
    from the side that is behind keeps that wait to about one row group a side: memory is
    bounded by ``READ_AHEAD`` row groups, whatever the number of cases or changes.
    """
    sides = [_read_ahead(snap, ids) for snap in (old, new)]
    waiting: tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]] = ({}, {})
    last: list[str | None] = ["", ""]  # the last case_id each side read; None: side done
    try:
        while last[0] is not None or last[1] is not None:
            k = _behind(last)
            batch = next(sides[k])
            if batch is None:
                last[k] = None
                continue
            for row in batch:
                other = waiting[1 - k].pop(row["case_id"], None)
                if other is None:
                    waiting[k][row["case_id"]] = row
                else:
                    yield (other, row) if k else (row, other)
            last[k] = batch[-1]["case_id"]
    finally:
        for side in sides:
            side.close()


def _behind(last: list[str | None]) -> int:
    """The side to read next: the one whose last case_id is smaller (the one not done)."""
    if last[0] is None:
        return 1
    if last[1] is None:
        return 0
    return 0 if last[0] <= last[1] else 1


def _read_ahead(snap: Snapshot, ids: list[str]
                ) -> Generator[list[dict[str, Any]] | None, None, None]:
    """The rows of ``ids`` in ``snap``, a row group's worth a time, read by a thread up to
    ``READ_AHEAD`` groups ahead; then None (for ever). A read error is raised here."""
    columns = [*ROW_COLUMNS, *_info_columns(snap)]
    ready: queue.Queue[Any] = queue.Queue(maxsize=READ_AHEAD)
    stop = threading.Event()

    def produce() -> None:
        try:
            tables = iter_case_rows(snap, ids, columns)
            while not stop.is_set():
                table = read_parquet(snap, "cases.parquet", next, tables, None)
                ready.put(_END if table is None else table.to_pylist())
                if table is None:
                    return
        except Exception as exc:  # noqa: BLE001 - raised again in the reading thread
            ready.put(exc)

    thread = threading.Thread(target=produce, name="diff-read", daemon=True)
    thread.start()
    try:
        while (item := ready.get()) is not _END:
            if isinstance(item, Exception):
                raise item
            yield item
        while True:
            yield None
    finally:
        stop.set()
        while thread.is_alive():  # let a producer blocked on a full queue see ``stop``
            with contextlib.suppress(queue.Empty):
                ready.get(timeout=0.05)


#: What names a case in a report, read with its rows (``case_key`` when the file has it).
INFO_COLUMNS = ["case_id", "title", "url"]


def _info_columns(snap: Snapshot) -> list[str]:
    extra = ["case_key"] if _has_column(snap, "cases", "case_key") else []
    return [c for c in [*INFO_COLUMNS, *extra] if c not in ROW_COLUMNS]


def _info(row: dict[str, Any]) -> CaseInfo:
    return CaseInfo(row["case_id"], row.get("case_key"), row["title"], row["url"])


def _case_infos(old: Snapshot, new: Snapshot, added: list[str], removed: list[str],
                changed: dict[str, CaseInfo],
                captures: tuple[dict[str, Capture], dict[str, Capture]]
                ) -> dict[str, CaseInfo]:
    """Names and captures (old side, new side) of the reported cases: ``changed`` are
    named already (from the rows compared), the added and removed ones are read (only
    their rows)."""
    out = dict(changed)
    for snap, ids in ((new, added), (old, removed)):
        columns = [*INFO_COLUMNS, *_info_columns(snap)]
        for row in _rows(snap, ids, list(dict.fromkeys(columns))).values():
            out[row["case_id"]] = _info(row)
    for side, found in zip(("old", "new"), captures, strict=True):
        for cid, capture in found.items():
            if cid in out:
                setattr(out[cid], side, capture)
    return out


def _has_column(snap: Snapshot, table: str, column: str) -> bool:
    import pyarrow.parquet as pq

    path = snap.path / f"{table}.parquet"
    return read_parquet(snap, path.name, lambda: column in pq.read_schema(path).names)


def _both_captures(old: tuple[Snapshot, list[str]], new: tuple[Snapshot, list[str]]
                   ) -> tuple[dict[str, Capture], dict[str, Capture]]:
    return _captures(*old), _captures(*new)


def _captures(snap: Snapshot, ids: list[str]) -> dict[str, Capture]:
    """The first fetched page of each case in ``ids``: its final URL and fetch time."""
    if not ids:
        return {}
    import pyarrow.parquet as pq

    columns = ["case_id", "page_number", "final_url", "fetched_at"]
    wanted = pc.field("case_id").isin(pa.array(ids, pa.string()))
    # Filtered as it is read, a batch at a time: only the wanted pages are ever held.
    table = read_parquet(snap, "pages.parquet", lambda: pq.read_table(
        snap.path / "pages.parquet", columns=columns,
        filters=wanted & pc.field("final_url").is_valid()))
    out: dict[str, Capture] = {}
    for row in table.sort_by([("case_id", "ascending"), ("page_number", "ascending")]).to_pylist():
        if row["case_id"] not in out:
            stamp = row["fetched_at"].strftime("%Y%m%d%H%M%S")
            out[row["case_id"]] = Capture(row["final_url"], stamp)
    return out
