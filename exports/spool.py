"""Spools: what arrives during the crawl goes to disk at once and is read back sorted.

Memory holds only an index of keys (for the JSON lines) or a buffer of a few rows (for the
Arrow spools); the page text of the crawl is never held whole, and at export time only the
rows of one output chunk (one Parquet row group) are in memory.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
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
    builds each returned chunk column by column from just the spooled rows it needs, so
    memory holds about one chunk (one Parquet row group), never the spool.
    """

    def __init__(self, path: Path, schema: pa.Schema, sort_key: tuple[str, ...],
                 buffer_rows: int) -> None:
        self.path = path
        self.schema = schema
        self.sort_key = sort_key
        self._buffer_rows = buffer_rows
        self._columns: dict[str, list[Any]] = {name: [] for name in schema.names}
        self._count = 0
        self._batch_rows: list[int] = []
        self._sink = pa.OSFile(str(path), "wb")
        self._writer = pa.ipc.new_file(self._sink, schema)

    def add(self, row: dict[str, Any]) -> None:
        """Buffer one row; ``row`` must have every column of the schema."""
        for name, column in self._columns.items():
            column.append(row[name])
        self._count += 1
        if self._count >= self._buffer_rows:
            self._flush()

    def _flush(self) -> None:
        if self._count:
            batch = pa.RecordBatch.from_pydict(self._columns, schema=self.schema)
            self._writer.write_batch(batch)
            self._batch_rows.append(self._count)
            self._columns = {name: [] for name in self.schema.names}
            self._count = 0
            release_unused()

    def sorted_batches(self, chunk_rows: int) -> Iterator[pa.RecordBatch]:
        """All rows in ``sort_key`` order, ``chunk_rows`` per batch (the last may be short)."""
        self._flush()
        self.close()
        if not self._batch_rows:
            return
        order = self._order()
        release_unused()
        for start in range(0, len(order), chunk_rows):
            yield self._gather(order.slice(start, chunk_rows))
            release_unused()

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
        """Rows ``indices`` as one batch in that order, built one column at a time."""
        located = _locate(self._batch_rows, indices)
        columns = []
        for column, field in enumerate(self.schema):
            pieces = functools.partial(self._pieces, column, located)
            if pa.types.is_string(field.type):
                columns.append(_gather_strings(pieces, len(indices)))
            else:
                columns.append(_gather_any(pieces))
            release_unused()
        return pa.RecordBatch.from_arrays(columns, schema=self.schema)

    def _pieces(self, column: int, located: list[Located]) -> Iterator[Piece]:
        """Per spooled batch in ``located``: copies of its rows of ``column``, and their
        output positions.

        The file is memory-mapped for ``MAP_BATCHES`` spooled batches at a time: mapping is
        zero-copy, only the pages holding those rows are touched, and closing the map drops
        them from memory, so resident memory does not grow with the spool. (A read into memory
        copies whole batch bodies, even with ``included_fields``.)
        """
        for first in range(0, len(located), MAP_BATCHES):
            with pa.memory_map(str(self.path)) as source:
                reader = pa.ipc.open_file(source)
                for batch, rows, positions in located[first:first + MAP_BATCHES]:
                    yield reader.get_batch(batch).column(column).take(rows), positions


#: Spooled batches read through one memory map (opening one costs ~0.1 ms; each keeps the
#: pages it touched resident until closed).
MAP_BATCHES = 16

#: A spooled batch's number, the row numbers it holds of an output chunk, and their
#: positions in that chunk.
Located = tuple[int, pa.Array, pa.Array]
#: Values of one column taken from one spooled batch, and their positions in the output.
Piece = tuple[pa.Array, pa.Array]


def _locate(batch_rows: list[int], indices: pa.Array) -> list[Located]:
    """Where rows ``indices`` (numbered over the batches end to end) are spooled."""
    located = []
    start = 0
    for batch, rows in enumerate(batch_rows):
        end = start + rows
        mask = pc.and_(pc.greater_equal(indices, start), pc.less(indices, end))
        if pc.any(mask).as_py():
            local = pc.subtract(pc.filter(indices, mask), start)
            located.append((batch, local, pc.indices_nonzero(mask)))
        start = end
    return located


def _inverse(positions: list[pa.Array]) -> pa.Array:
    """The ``take`` indices that put rows grouped by spooled batch into output order."""
    return pc.sort_indices(pa.chunked_array(positions, type=pa.uint64()))


def _gather_any(pieces: Callable[[], Iterator[Piece]]) -> pa.Array:
    """A column in output order: its pieces concatenated, then reordered."""
    values, positions = zip(*pieces(), strict=True)
    grouped = pa.concat_arrays(list(values))
    del values
    return grouped.take(_inverse(list(positions)))


def _gather_strings(pieces: Callable[[], Iterator[Piece]], count: int) -> pa.Array:
    """A string column in output order, holding its text once.

    Concatenating then reordering would hold the text three times over (pieces, grouped,
    result); instead a first pass over the pieces sizes every value, and a second copies
    each value's bytes straight to its final offset in a single data buffer.
    """
    lengths, positions = [], []
    for values, where in pieces():
        lengths.append(pc.binary_length(values))
        positions.append(where)
    lengths = pa.chunked_array(lengths, type=pa.int32()).take(_inverse(positions))
    lengths = lengths.combine_chunks()
    ends = pc.cumulative_sum(pc.fill_null(lengths, 0))
    offsets = pa.concat_arrays([pa.array([0], pa.int32()), ends])
    data = pa.allocate_buffer(offsets[-1].as_py())
    target = memoryview(data).cast("B")
    starts = offsets.to_pylist()
    for values, where in pieces():
        _copy_values(values, where.to_pylist(), starts, target)
    validity = pc.is_valid(lengths).buffers()[1] if lengths.null_count else None
    return pa.Array.from_buffers(pa.string(), count, [validity, offsets.buffers()[1], data],
                                 null_count=lengths.null_count)


def _copy_values(values: pa.StringArray, positions: list[int], starts: list[int],
                 target: memoryview) -> None:
    """Copy value ``k`` of ``values`` to ``target[starts[positions[k]]:]``."""
    _, offsets, buffer = values.buffers()
    if buffer is None:
        return
    ends = memoryview(offsets).cast("i")[values.offset:values.offset + len(values) + 1]
    source = memoryview(buffer).cast("B")
    for k, position in enumerate(positions):
        start = starts[position]
        target[start:start + ends[k + 1] - ends[k]] = source[ends[k]:ends[k + 1]]
