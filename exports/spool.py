"""Spools: what arrives during the crawl goes to disk at once and is read back sorted.

Memory holds only an index of keys (for the JSON lines) or a buffer of a few rows (for the
row spools); the page text of the crawl is never held whole. Nothing here imports pyarrow:
the crawl's archive worker spools for the whole crawl without loading it (~70 MiB resident),
and the snapshot is written from the spools afterwards (``casearchive.exports.tables``, at
``SnapshotWriter.finish``), one output chunk (one Parquet row group) in memory at a time.
"""

from __future__ import annotations

import contextlib
import pickle
from array import array
from collections.abc import Iterator, Sequence
from itertools import accumulate, pairwise
from pathlib import Path
from typing import Any


class LineSpool:
    """Lines of bytes on disk, indexed by a sortable key that must be unique."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = open(path, "wb")  # noqa: SIM115 - closed in close()/sorted_lines()
        self._index: dict[Any, tuple[int, int]] = {}
        self._offset = 0

    def __len__(self) -> int:
        return len(self._index)

    def __getstate__(self) -> dict[str, Any]:
        """A closed spool pickles (``SnapshotWriter`` crosses to the interpreter that writes
        the snapshot's files) without its file object."""
        if not self._file.closed:
            raise ValueError("close the spool before pickling it")
        return {k: v for k, v in vars(self).items() if k != "_file"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        vars(self).update(state)
        self._file = _CLOSED

    def add(self, key: Any, line: bytes) -> None:
        """Append one line (ending in ``\\n``); a repeated key raises ``ValueError``."""
        if key in self._index:
            raise ValueError(f"duplicate record {key!r}")
        self._file.write(line)
        self._index[key] = (self._offset, len(line))
        self._offset += len(line)

    def sorted_lines(self) -> Iterator[bytes]:
        """Every line (with newline) in key order; closes the writer first."""
        self.close()
        with open(self.path, "rb") as f:
            for key in sorted(self._index):
                offset, length = self._index[key]
                f.seek(offset)
                yield f.read(length)

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()


class _Closed:
    """Stands for the file of a spool that was pickled closed."""

    closed = True

    def close(self) -> None:
        pass


_CLOSED: Any = _Closed()


class RowSpool:
    """Rows of one table buffered column-wise and spooled as pickled batches of columns.

    ``add`` takes a row as a dict of every column; every ``buffer_rows`` rows the buffered
    columns are pickled to the file, so the crawl holds a few rows, never the table.
    ``batch_starts``, ``batch_text`` and ``text`` say where each row is and how much text it
    holds (``text_size``), which is how ``casearchive.exports.tables`` reads the rows back
    sorted by ``sort_key`` one Parquet row group at a time.
    """

    def __init__(self, path: Path, names: Sequence[str], sort_key: tuple[str, ...],
                 buffer_rows: int) -> None:
        self.path = path
        self.names = tuple(names)
        self.sort_key = sort_key
        self._buffer_rows = buffer_rows
        self._columns: dict[str, list[Any]] = {name: [] for name in self.names}
        self._count = 0
        self.batch_starts: list[int] = []
        """Each spooled batch's first row number."""
        self.batch_text: list[int] = []
        """``text_size`` of each spooled batch."""
        self.text = array("q")
        """``text_size`` of every row, in spool order."""
        self._file = open(path, "wb")  # noqa: SIM115 - closed in close()

    __getstate__ = LineSpool.__getstate__
    __setstate__ = LineSpool.__setstate__

    def add(self, row: dict[str, Any]) -> None:
        """Buffer one row; ``row`` must have every column of the table."""
        size = 0
        for name, column in self._columns.items():
            value, chars = utf8_text(row[name])
            column.append(value)
            size += chars
        self.text.append(size)
        self._count += 1
        if self._count >= self._buffer_rows:
            self._flush()

    def _flush(self) -> None:
        if self._count:
            self._spool(self._columns)
            self.batch_starts.append(len(self.text) - self._count)
            self.batch_text.append(sum(self.text[len(self.text) - self._count:]))
            self._columns = {name: [] for name in self.names}
            self._count = 0

    def _spool(self, columns: dict[str, list[Any]]) -> None:
        """Write one batch of columns to the file (``pack_column``)."""
        pickle.dump({name: pack_column(values) for name, values in columns.items()},
                    self._file, protocol=pickle.HIGHEST_PROTOCOL)

    def finish(self) -> None:
        """Spool the rows still buffered and close the file: every row is on disk."""
        if not self._file.closed:
            self._flush()
            self._file.close()

    def close(self) -> None:
        """Close the file, dropping the rows still buffered (the crawl stops here)."""
        if not self._file.closed:
            self._file.close()

    def batches(self) -> Iterator[dict[str, Packed]]:
        """The spooled batches of packed columns in spool order (after ``finish``)."""
        with open(self.path, "rb") as f:
            for _ in self.batch_starts:
                yield pickle.load(f)


#: A spooled column (``pack_column``): ``("utf8", offsets, data)``, ``("int64", data)`` or
#: ``("values", values)``.
Packed = tuple[Any, ...]
_INT32_MAX = 2**31 - 1
_OFFSETS_ARE_INT32 = array("i").itemsize == 4


def pack_column(values: list[Any]) -> Packed:
    """A batch's column as it is spooled. Strings with no null among them (UTF-8 bytes,
    ``utf8_text``) are Arrow's own layout of a string column: the int32 offsets and the
    bytes joined; integers with no null, an int64 array's bytes. pyarrow wraps those
    buffers as they are (``tables._to_ipc``), where it would convert every value of a list
    of objects; most of a crawl's text is in such columns (the sections' text, the cases'
    section columns). Anything else (nulls, lists, structs) is the list of values."""
    if _OFFSETS_ARE_INT32 and values and all(type(v) is bytes for v in values):
        data = b"".join(values)
        if len(data) <= _INT32_MAX:
            offsets = array("i", [0])
            offsets.extend(accumulate(map(len, values)))
            return ("utf8", offsets.tobytes(), data)
    elif values and all(type(v) is int for v in values):
        with contextlib.suppress(OverflowError):
            return ("int64", array("q", values).tobytes())
    return ("values", values)


def unpack_column(packed: Packed) -> list[Any]:
    """The values of a packed column."""
    if packed[0] == "utf8":
        offsets = array("i")
        offsets.frombytes(packed[1])
        data = packed[2]
        return [data[a:b] for a, b in pairwise(offsets)]
    if packed[0] == "int64":
        numbers = array("q")
        numbers.frombytes(packed[1])
        return numbers.tolist()
    return list(packed[1])


def utf8_text(value: Any) -> tuple[Any, int]:
    """``value`` with every string in it (in lists and structs too) encoded as UTF-8, and
    its ``text_size``. A row spools its strings as bytes: pyarrow takes UTF-8 bytes for a
    string column by copying them, where a ``str`` must be encoded first, and unpickling
    bytes is a copy where a ``str`` is decoded; at the snapshot's end, with a crawl's text
    in the spools (~250 MB at 10,000 pages), that halves turning them into Arrow. The
    encoding is done as the rows arrive, beside the crawl."""
    if isinstance(value, str):
        return value.encode(), len(value)
    if isinstance(value, list | tuple):
        items = [utf8_text(item) for item in value]
        return [v for v, _ in items], sum(n for _, n in items)
    if isinstance(value, dict):
        size = 0
        out = {}
        for key, item in value.items():
            out[key], n = utf8_text(item)
            size += n
        return out, size
    return value, 0


def text_size(value: Any) -> int:
    """Characters of text in a row's value: a string's, and those of the strings inside a
    list or struct (a case's references, its other sections)."""
    return utf8_text(value)[1]


def chunk_bounds(sizes: Sequence[int], max_rows: int, max_text: int) -> Iterator[tuple[int, int]]:
    """``(start, stop)`` of consecutive chunks of rows whose ``sizes`` are given in order:
    a chunk ends at ``max_rows`` rows, or before the row that would take its total past
    ``max_text``; a row larger than ``max_text`` is a chunk of its own."""
    start = held = 0
    for i, size in enumerate(sizes):
        if i > start and (i - start >= max_rows or held + size > max_text):
            yield start, i
            start, held = i, 0
        held += size
    if start < len(sizes):
        yield start, len(sizes)
