"""Spools: what arrives during the crawl goes to disk at once and is read back sorted.

Memory holds only an index of keys (for the JSON lines) or a buffer of a few rows (for the
Arrow spools); the page text of the crawl is never held whole, and at export time only the
rows of one output chunk (one Parquet row group) are in memory.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc


def release_unused() -> None:
    """Hand memory pyarrow has freed back to the system.

    pyarrow's allocator (mimalloc) keeps freed pages for reuse; a spool that allocates a
    batch at a time would otherwise keep its largest burst resident for the whole crawl.
    """
    pa.default_memory_pool().release_unused()


class LineSpool:
    """Lines of bytes on disk, indexed by a sortable key that must be unique."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = open(path, "wb")  # noqa: SIM115 - closed in close()/sorted_lines()
        self._index: dict[Any, tuple[int, int]] = {}
        self._offset = 0

    def __len__(self) -> int:
        return len(self._index)

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


class ArrowSpool:
    """Rows buffered column-wise into small record batches of an Arrow IPC file.

    Column lists convert to Arrow much faster than row dicts; ``buffer_rows`` bounds what
    the crawl holds before a batch goes to disk. Reading sorts only the key columns, then
    builds each returned chunk from just the spooled rows it needs, so memory holds about
    one chunk (one Parquet row group), never the spool.
    """

    def __init__(self, path: Path, schema: pa.Schema, sort_key: tuple[str, ...],
                 buffer_rows: int) -> None:
        self.path = path
        self.schema = schema
        self.sort_key = sort_key
        self._buffer_rows = buffer_rows
        self._columns: dict[str, list[Any]] = {name: [] for name in schema.names}
        self._count = 0
        self._batch_starts: list[int] = []  # each spooled batch's first row number
        self._batch_text: list[int] = []  # ``text_size`` of each spooled batch
        self._text = array("q")  # ``text_size`` of every row, in spool order
        self._sink = pa.OSFile(str(path), "wb")
        self._writer = pa.ipc.new_file(self._sink, schema)

    def add(self, row: dict[str, Any]) -> None:
        """Buffer one row; ``row`` must have every column of the schema."""
        size = 0
        for name, column in self._columns.items():
            value = row[name]
            column.append(value)
            size += text_size(value)
        self._text.append(size)
        self._count += 1
        if self._count >= self._buffer_rows:
            self._flush()

    def _flush(self) -> None:
        if self._count:
            batch = pa.RecordBatch.from_pydict(self._columns, schema=self.schema)
            self._writer.write_batch(batch)
            self._batch_starts.append(len(self._text) - self._count)
            self._batch_text.append(sum(self._text[len(self._text) - self._count:]))
            self._columns = {name: [] for name in self.schema.names}
            self._count = 0
            release_unused()

    def sorted_batches(self, chunk_rows: int, chunk_text: int) -> Iterator[pa.RecordBatch]:
        """All rows in ``sort_key`` order, in batches of at most ``chunk_rows`` rows that end
        before their ``text_size`` passes ``chunk_text`` (a batch holds one row at least)."""
        self._flush()
        self.close()
        if not self._batch_starts:
            return
        order = self._order()
        release_unused()
        for start, stop in chunk_bounds(self._sizes_in(order), chunk_rows, chunk_text):
            yield self._gather(order.slice(start, stop - start))
            release_unused()

    def _sizes_in(self, order: pa.Array) -> Sequence[int]:
        """Each row's ``text_size`` in ``order``: an int64 array (8 bytes a row, as the
        order), read as Python ints through a memoryview, never a list of them."""
        text = pa.Array.from_buffers(pa.int64(), len(self._text),
                                     [None, pa.py_buffer(self._text)])
        sizes = pc.take(text, order)
        data = sizes.buffers()[1]
        assert data is not None
        return memoryview(data).cast("q")[sizes.offset:sizes.offset + len(sizes)]

    def close(self) -> None:
        if not self._sink.closed:
            self._writer.close()
            self._sink.close()

    def _order(self) -> pa.Array:
        """Row numbers (over all spooled batches end to end) in ``sort_key`` order."""
        with pa.memory_map(str(self.path)) as source:
            reader = pa.ipc.open_file(source)
            keys = pa.Table.from_batches([
                pa.concat_batches([reader.get_batch(i).select(list(self.sort_key))])  # a copy
                for i in range(reader.num_record_batches)
            ])
        return pc.sort_indices(keys, sort_keys=[(k, "ascending") for k in self.sort_key])

    def _gather(self, indices: pa.Array) -> pa.RecordBatch:
        """Rows ``indices`` as one batch in that order: each spooled batch's rows among them
        are copied out (``take``, every column at once, in C), then put in order.

        The file is memory-mapped a few spooled batches at a time (``_map_groups``):
        mapping is zero-copy, only the pages holding those rows are touched, and closing the
        map drops them from memory, so resident memory does not grow with the spool. (A read
        into memory copies whole batch bodies, even with ``included_fields``.) The chunk is
        held twice at most (its rows as copied, then in order): ``ROW_GROUP_TEXT`` bounds
        it."""
        located = _locate(self._batch_starts, indices)
        taken: list[pa.RecordBatch] = []
        positions: list[pa.Array] = []
        for group in _map_groups(located, self._batch_text):
            with pa.memory_map(str(self.path)) as source:
                reader = pa.ipc.open_file(source)
                for batch, rows, where in group:
                    taken.append(reader.get_batch(batch).take(rows))
                    positions.append(where)
        grouped = pa.concat_batches(taken)
        del taken
        release_unused()
        return grouped.take(_inverse(positions))


def text_size(value: Any) -> int:
    """Characters of text in a row's value: a string's, and those of the strings inside a
    list or struct (a case's references, its other sections)."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list | tuple):
        return sum(map(text_size, value))
    if isinstance(value, dict):
        return sum(map(text_size, value.values()))
    return 0


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


#: At most this many spooled batches are read through one memory map (opening one costs
#: ~0.1 ms; each keeps the pages it touched resident until closed) ...
MAP_BATCHES = 16
#: ... and at most this much of their text (``text_size``) unless one batch holds more: the
#: pages a map keeps resident count in the process's RSS, and a chunk's rows are spread over
#: every batch of the spool, so a count of batches alone let the resident part grow with
#: the size of the rows (16 batches of 64 cases of the legacy site are ~56 MB).
MAP_TEXT = 8 << 20


def _map_groups(located: list[Located], batch_text: list[int]) -> Iterator[list[Located]]:
    """``located`` in consecutive groups, each read through one memory map."""
    group: list[Located] = []
    held = 0
    for entry in located:
        size = batch_text[entry[0]]
        if group and (len(group) >= MAP_BATCHES or held + size > MAP_TEXT):
            yield group
            group, held = [], 0
        group.append(entry)
        held += size
    if group:
        yield group


#: A spooled batch's number, the row numbers it holds of an output chunk, and their
#: positions in that chunk.
Located = tuple[int, pa.Array, pa.Array]


def _locate(batch_starts: list[int], indices: pa.Array) -> list[Located]:
    """Where rows ``indices`` (numbered over the batches end to end) are spooled: one
    bisection a row, so a chunk costs its own rows whatever the size of the spool."""
    found: dict[int, tuple[list[int], list[int]]] = {}
    for position, row in enumerate(indices.to_pylist()):
        batch = bisect_right(batch_starts, row) - 1
        rows, positions = found.setdefault(batch, ([], []))
        rows.append(row - batch_starts[batch])
        positions.append(position)
    return [(batch, pa.array(rows, pa.uint64()), pa.array(positions, pa.uint64()))
            for batch, (rows, positions) in sorted(found.items())]


def _inverse(positions: list[pa.Array]) -> pa.Array:
    """The ``take`` indices that put rows grouped by spooled batch into output order."""
    return pc.sort_indices(pa.chunked_array(positions, type=pa.uint64()))


