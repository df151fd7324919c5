"""Spools: what arrives during the crawl goes to disk at once and is read back sorted.

Memory holds only an index of keys (for the JSON lines) or a buffer of a few thousand rows
(for the Arrow spools); the page text of the crawl is never held whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc


class LineSpool:
    """Lines of bytes on disk, indexed by a sortable key that must be unique."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = open(path, "wb")  # noqa: SIM115 - closed in close()/sorted_lines()
        self._index: list[tuple[Any, int, int]] = []
        self._keys: set[Any] = set()
        self._offset = 0

    def __len__(self) -> int:
        return len(self._index)

    def add(self, key: Any, line: bytes) -> None:
        """Append one line (ending in ``\\n``); a repeated key raises ``ValueError``."""
        if key in self._keys:
            raise ValueError(f"duplicate record {key!r}")
        self._keys.add(key)
        self._file.write(line)
        self._index.append((key, self._offset, len(line)))
        self._offset += len(line)

    def sorted_lines(self) -> Iterator[bytes]:
        """Every line (with newline) in key order; closes the writer first."""
        self.close()
        self._index.sort(key=lambda entry: entry[0])
        with open(self.path, "rb") as f:
            for _, offset, length in self._index:
                f.seek(offset)
                yield f.read(length)

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()


class ArrowSpool:
    """Rows buffered column-wise into record batches of an Arrow IPC stream file.

    Column lists convert to Arrow much faster than row dicts. Reading memory-maps the
    stream, sorts only the key columns and ``take``s one chunk of rows at a time, so each
    returned batch is the only copy in memory.
    """

    def __init__(self, path: Path, schema: pa.Schema, sort_key: tuple[str, ...],
                 buffer_rows: int = 4096) -> None:
        self.path = path
        self.schema = schema
        self.sort_key = sort_key
        self._buffer_rows = buffer_rows
        self._columns: dict[str, list] = {name: [] for name in schema.names}
        self._count = 0
        self._sink = pa.OSFile(str(path), "wb")
        self._writer = pa.ipc.new_stream(self._sink, schema)

    def add(self, row: dict) -> None:
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
            self._columns = {name: [] for name in self.schema.names}
            self._count = 0

    def sorted_batches(self, chunk_rows: int) -> Iterator[pa.RecordBatch]:
        """All rows in ``sort_key`` order, ``chunk_rows`` per batch (the last may be short)."""
        self._flush()
        self.close()
        with pa.memory_map(str(self.path)) as source:
            batches = list(pa.ipc.open_stream(source))
            if not batches:
                return
            keys = pa.Table.from_batches(batches).select(list(self.sort_key))
            order = pc.sort_indices(keys, sort_keys=[(k, "ascending") for k in self.sort_key])
            for start in range(0, len(order), chunk_rows):
                yield _take(batches, order.slice(start, chunk_rows))

    def close(self) -> None:
        if not self._sink.closed:
            self._writer.close()
            self._sink.close()


def _take(batches: list[pa.RecordBatch], indices: pa.Array) -> pa.RecordBatch:
    """Rows ``indices`` (over all ``batches`` end to end) as one batch, in that order.

    ``Table.take`` on a multi-chunk table concatenates whole columns first; taking from each
    batch only the rows it holds keeps memory to the size of the result.
    """
    parts, positions = [], []
    start = 0
    for batch in batches:
        end = start + batch.num_rows
        mask = pc.and_(pc.greater_equal(indices, start), pc.less(indices, end))
        if pc.any(mask).as_py():
            parts.append(batch.take(pc.subtract(pc.filter(indices, mask), start)))
            positions.append(pc.indices_nonzero(mask))
        start = end
    grouped = pa.Table.from_batches(parts).combine_chunks()
    order = pc.sort_indices(pa.chunked_array(positions, type=pa.uint64()))
    return grouped.take(order).combine_chunks().to_batches()[0]
