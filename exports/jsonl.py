"""``cases.jsonl``: one case per line, canonical serialisation.

Every line is ``json.dumps(record, sort_keys=True, separators=(",", ":"),
ensure_ascii=False)`` in UTF-8 followed by ``\\n``; lines are sorted by ``case_id``. Two
exports of the same cases therefore have the same bytes.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from casearchive.exports.schema import CASE_FIELDS, Field, ListOf, Struct


def dumps_line(obj: dict[str, Any]) -> bytes:
    """The canonical line (with its newline) of one JSON object."""
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return (text + "\n").encode("utf-8")


def _converter(fields: tuple[Field, ...]) -> Callable[[Any], dict[str, Any]]:
    """A function turning a record object into a dict of exactly the schema's ``fields``.

    Same result as ``dataclasses.asdict`` for the record types, about 5x faster, and any
    attribute the schema does not declare is left out rather than exported silently.
    """
    plan: list[tuple[str, Callable[[Any], Any] | None, bool]] = []
    for f in fields:
        t = f.type
        if isinstance(t, Struct):
            plan.append((f.name, _converter(t.fields), False))
        elif isinstance(t, ListOf):
            item = t.item
            plan.append((f.name, _converter(item.fields) if isinstance(item, Struct) else None,
                         True))
        else:
            plan.append((f.name, None, False))

    def convert(obj: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, sub, is_list in plan:
            value = getattr(obj, name)
            if is_list:
                value = [sub(v) for v in value] if sub else list(value)
            elif sub is not None and value is not None:
                value = sub(value)
            out[name] = value
        return out

    return convert


case_dict = _converter(CASE_FIELDS)


def iter_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """(1-based line number, raw line without newline) of a JSONL file."""
    with open(path, "rb") as f:
        for n, line in enumerate(f, 1):
            yield n, line.rstrip(b"\n")


def iter_objects(path: Path) -> Iterator[dict[str, Any]]:
    for _, line in iter_lines(path):
        yield json.loads(line)


#: The ``case_id`` of a canonical line (keys sorted, no spaces): a nested or quoted
#: ``"case_id"`` inside a string value is escaped (``\"case_id\"``) and cannot match.
_CASE_ID_RE = re.compile(rb'"case_id":"([^"\\]*)"')
#: Lines a search reads one after another rather than probing again.
_SCAN_LINES = 4


def case_id_of(line: bytes) -> str | None:
    m = _CASE_ID_RE.search(line)
    return m.group(1).decode("ascii", "replace") if m else None


def find_lines(path: Path, ids: Sequence[str], rows: Iterable[int]) -> Iterator[bytes]:
    """The lines of ``cases.jsonl`` at ``rows`` (ascending), without reading the file through.

    ``ids`` is the file's sorted ``case_id`` column (``cases.parquet`` in file order: the
    same cases, in the same order as the lines). Each line is found by interpolation on
    byte offsets: seek to where the row should be in proportion, read the ``case_id`` of
    the next line, place it among ``ids`` and narrow the interval (a handful of reads of
    one line each instead of a gigabyte). A probed id missing from ``ids``, or at another
    place, raises ``LookupError``: the file is not the one the index describes."""
    size = path.stat().st_size
    total = len(ids)
    lo_row, lo_off = 0, 0
    hi_row, hi_off = total, size
    with open(path, "rb") as f:
        for row in rows:
            if row < lo_row:  # not ascending: from the start again
                lo_row, lo_off = 0, 0
            if row >= hi_row:
                hi_row, hi_off = total, size
            start, line, (lo_row, lo_off, hi_row, hi_off) = _find(
                f, ids, row, (lo_row, lo_off, hi_row, hi_off))
            lo_row, lo_off = row, start
            yield line


def _find(f: BinaryIO, ids: Sequence[str], row: int, bounds: tuple[int, int, int, int]
          ) -> tuple[int, bytes, tuple[int, int, int, int]]:
    """(start, line) of line ``row``, given that line ``lo_row`` starts at ``lo_off`` and
    line ``hi_row`` at ``hi_off`` (``lo_row <= row < hi_row``); the narrowed bounds too.

    A probe aims half a line early: landing in the line before the wanted one, it reads
    the rest of that line and then the wanted one; near it, it reads on line by line."""
    lo_row, lo_off, hi_row, hi_off = bounds
    skip = row - lo_row  # lines to read past from where the file is, after a seek to lo_off
    seek = True
    while row - lo_row > _SCAN_LINES:
        step = (hi_off - lo_off) / (hi_row - lo_row)
        guess = int(lo_off + step * (row - lo_row - 0.5))
        start, line = _line_from(f, max(guess, lo_off + 1))
        if start >= hi_off:  # in the line before ``hi_row``: the middle, then read on
            start, line = _line_from(f, (lo_off + hi_off) // 2 + 1)
            if start >= hi_off:
                skip, seek = row - lo_row, True
                break
        probed = _place(ids, line)
        if probed == row:
            return start, line, (lo_row, lo_off, hi_row, hi_off)
        if probed < row:
            lo_row, lo_off = probed, start
            skip, seek = row - probed - 1, False  # the file is past line ``probed`` now
        else:
            hi_row, hi_off = probed, start
            skip, seek = row - lo_row, True
    if seek:
        f.seek(lo_off)
    for _ in range(skip):
        f.readline()
    start = f.tell()
    line = f.readline()
    if _place(ids, line) != row:
        raise LookupError("cases.jsonl and cases.parquet list the cases in another order")
    return start, line, (lo_row, lo_off, hi_row, hi_off)


def _line_from(f: BinaryIO, offset: int) -> tuple[int, bytes]:
    """The first line that starts at ``offset`` or after it: (its start, its bytes)."""
    f.seek(offset - 1)
    f.readline()  # the rest of the line that holds the byte before ``offset``
    start = f.tell()
    return start, f.readline()


def _place(ids: Sequence[str], line: bytes) -> int:
    """The row of a line's ``case_id`` in ``ids``; ``LookupError`` when it is not there."""
    key = case_id_of(line)
    at = bisect.bisect_left(ids, key) if key is not None else len(ids)
    if at >= len(ids) or ids[at] != key:
        raise LookupError(f"case_id {key!r} of cases.jsonl is not in cases.parquet")
    return at

