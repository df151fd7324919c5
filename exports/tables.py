"""A snapshot's Parquet tables written from its spools (``SnapshotWriter.finish``).

This is where the snapshot's writing meets pyarrow, and the only place the crawl needs it:
the spools (``casearchive.exports.spool``) are plain pickled batches of columns, so the
archive worker crawls without loading pyarrow, and the files are written at the end, by a
fresh interpreter (``casearchive.crawler.finish``). A pickled spool's batches first become
an Arrow IPC file beside it (one batch in memory at a time; an ``ArrowSpool``, in a process
that has pyarrow anyway, is one from the start); each output chunk (one Parquet row group,
bounded by ``ROW_GROUP_ROWS`` and ``ROW_GROUP_TEXT``) is then gathered from it in sort order.
"""

from __future__ import annotations

import contextlib
import os
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from casearchive.exports.files import CASES_JSONL
from casearchive.exports.parquet import ROW_GROUP_ROWS, ROW_GROUP_TEXT, TableWriter
from casearchive.exports.schema import TABLES, arrow_schema
from casearchive.exports.spool import LineSpool, Packed, RowSpool, chunk_bounds, unpack_column


def release_unused() -> None:
    """Hand memory pyarrow has freed back to the system.

    pyarrow's allocator (mimalloc) keeps freed pages for reuse; writing a row group at a time
    would otherwise keep its largest burst resident until the end.
    """
    pa.default_memory_pool().release_unused()


def write_cases_jsonl(tmp_path: Path, lines: LineSpool) -> None:
    """``cases.jsonl``: the spooled lines in case order."""
    with open(tmp_path / CASES_JSONL, "wb") as jsonl:
        for line in lines.sorted_lines():
            jsonl.write(line)
        jsonl.flush()
        os.fsync(jsonl.fileno())


def write_cases(tmp_path: Path, cases_in_order: SortedSpool) -> dict[str, int]:
    """``cases.parquet``, ``references.parquet`` and ``figures.parquet``."""
    cases = TableWriter(tmp_path / TABLES["cases"].file, "cases")
    refs = TableWriter(tmp_path / TABLES["references"].file, "references")
    figures = TableWriter(tmp_path / TABLES["figures"].file, "figures")
    complete = 0
    for batch in cases_in_order.batches():
        cases.write(batch)
        refs.write(references_of(batch, refs.schema))
        figures.write(figures_of(batch, figures.schema))
        complete += pc.sum(batch.column("complete")).as_py() or 0
        del batch  # else it is still held while the next row group is gathered
    cases.close()
    refs.close()
    figures.close()
    return {
        "cases": cases.rows_written,
        "references": refs.rows_written,
        "figures": figures.rows_written,
        "complete_cases": complete,
        "incomplete_cases": cases.rows_written - complete,
    }


#: Late aliases: a page's canonical URL -> the other URLs found for it after it was spooled.
LateAliases = dict[str, set[str]]


def write_table(tmp_path: Path, table: str, spool: RowSpool,
                adjust: Callable[[pa.RecordBatch], pa.RecordBatch] | None = None
                ) -> dict[str, int]:
    """``<table>.parquet`` from its spool (``pages``, ``sections``), each row group passed
    through ``adjust`` first (the pages' late aliases: ``with_late_aliases``)."""
    writer = TableWriter(tmp_path / TABLES[table].file, table)
    for batch in SortedSpool(spool, table).batches():
        writer.write(batch if adjust is None else adjust(batch))
        del batch  # else it is still held while the next row group is gathered
    writer.close()
    return {table: writer.rows_written}


def with_late_aliases(batch: pa.RecordBatch, *, late_aliases: LateAliases,
                      canonical: Callable[[str], str]) -> pa.RecordBatch:
    """``batch`` of page rows with the late aliases of its pages added (sorted), matched by
    ``canonical`` of the row's ``url`` or ``final_url``."""
    if not late_aliases:
        return batch
    names = [late_aliases.get(canonical(url), set())
             | late_aliases.get(canonical(final or url), set())
             for url, final in zip(batch.column("url").to_pylist(),
                                   batch.column("final_url").to_pylist(), strict=True)]
    if not any(names):
        return batch
    index = batch.schema.get_field_index("aliases")
    merged = [sorted(set(old or ()) | extra) if extra else old
              for old, extra in zip(batch.column(index).to_pylist(), names, strict=True)]
    return batch.set_column(index, batch.schema.field(index),
                            pa.array(merged, batch.schema.field(index).type))


def references_of(cases: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    """The ``references.parquet`` rows of a batch of cases, in case then printed order."""
    refs = cases.column("references")
    flat = pc.list_flatten(refs)
    parents = pc.list_parent_indices(refs)
    case_ids = cases.column("case_id").take(parents)
    case_keys = cases.column("case_key").take(parents)
    return pa.RecordBatch.from_arrays([case_ids, *flat.flatten(), case_keys], schema=schema)


def figures_of(cases: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    """The ``figures.parquet`` rows of a batch of cases: case, then page order."""
    figures = cases.column("figures")
    flat = pc.list_flatten(figures)
    parents = pc.list_parent_indices(figures)
    ordinal, previous, count = [], None, 0
    for parent in parents.to_pylist():  # 1, 2, ... within each case
        count = count + 1 if parent == previous else 1
        ordinal.append(count)
        previous = parent
    return pa.RecordBatch.from_arrays(
        [cases.column("case_id").take(parents), pa.array(ordinal, pa.int64()),
         *flat.flatten(), cases.column("case_key").take(parents)],
        schema=schema,
    )


class ArrowSpool(RowSpool):
    """A ``RowSpool`` whose batches go to disk as an Arrow IPC file at once, for a process
    that has loaded pyarrow anyway (``reparse``, ``import``, ``crawl --in-process``): rows
    become Arrow while the pages are still being parsed (on other cores, by ``reparse``'s
    workers), not after them. Not picklable: only the crawl's worker hands its writer to
    another interpreter, and it spools with ``RowSpool``."""

    def __init__(self, path: Path, table: str, buffer_rows: int) -> None:
        self.schema = arrow_schema(table)
        super().__init__(path, self.schema.names, TABLES[table].sort_key, buffer_rows)
        self._ipc = pa.ipc.new_file(self._file, self.schema)

    def _spool(self, columns: dict[str, list[Any]]) -> None:
        self._ipc.write_batch(pa.RecordBatch.from_pydict(columns, schema=self.schema))
        release_unused()

    def finish(self) -> None:
        if not self._file.closed:
            self._flush()
            self._ipc.close()
            self._file.close()

    def close(self) -> None:
        if not self._file.closed:
            with contextlib.suppress(pa.ArrowException):
                self._ipc.close()
            self._file.close()


# --- A spool read back sorted, a row group at a time ----------------------------------------


class SortedSpool:
    """A spool made ready to be read back in its ``sort_key`` order: its batches are an
    Arrow IPC file beside it (``_to_ipc``) and its rows' order is known. Making it ready
    holds one spooled batch at a time; reading it holds one output chunk."""

    def __init__(self, spool: RowSpool, table: str) -> None:
        spool.finish()
        self.spool = spool
        self.table = table
        if not spool.batch_starts:
            self.ipc: Path | None = None
        elif isinstance(spool, ArrowSpool):
            self.ipc = spool.path
        else:
            self.ipc = _to_ipc(spool, arrow_schema(table))
        self.order = _order(self.ipc, spool.sort_key) if self.ipc is not None else None
        release_unused()

    def batches(self) -> Iterator[pa.RecordBatch]:
        """All rows in order, in batches of at most ``ROW_GROUP_ROWS[table]`` rows that end
        before their ``text_size`` passes ``ROW_GROUP_TEXT[table]`` (a batch holds one row
        at least)."""
        if self.ipc is None or self.order is None:
            return
        sizes = _sizes_in(self.spool, self.order)
        for start, stop in chunk_bounds(sizes, ROW_GROUP_ROWS[self.table],
                                        ROW_GROUP_TEXT[self.table]):
            yield _gather(self.ipc, self.spool, self.order.slice(start, stop - start))
            release_unused()


def _to_ipc(spool: RowSpool, schema: pa.Schema) -> Path:
    """The spool's batches as an Arrow IPC file beside it, batch for batch (one in memory
    at a time): what ``_gather`` memory-maps."""
    path = spool.path.with_suffix(".arrows")
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, schema) as writer:
        for columns in spool.batches():
            writer.write_batch(pa.RecordBatch.from_arrays(
                [_column(columns[field.name], field.type) for field in schema], schema=schema))
            del columns
            release_unused()
    return path


def _column(packed: Packed, kind: pa.DataType) -> pa.Array:
    """A spooled column (``spool.pack_column``) as an Arrow array of type ``kind``: the
    buffers of a string or integer column wrapped as they are (a string column's UTF-8 is
    checked), any other column converted from its values."""
    if packed[0] == "utf8" and kind == pa.string():
        offsets, data = pa.py_buffer(packed[1]), pa.py_buffer(packed[2])
        column = pa.Array.from_buffers(kind, len(offsets) // 4 - 1, [None, offsets, data])
        column.validate(full=True)
        return column
    if packed[0] == "int64" and kind == pa.int64():
        data = pa.py_buffer(packed[1])
        return pa.Array.from_buffers(kind, len(data) // 8, [None, data])
    return pa.array(unpack_column(packed), kind)


def _sizes_in(spool: RowSpool, order: pa.Array) -> Sequence[int]:
    """Each row's ``text_size`` in ``order``: an int64 array (8 bytes a row, as the
    order), read as Python ints through a memoryview, never a list of them."""
    text = pa.Array.from_buffers(pa.int64(), len(spool.text), [None, pa.py_buffer(spool.text)])
    sizes = pc.take(text, order)
    data = sizes.buffers()[1]
    assert data is not None
    return memoryview(data).cast("q")[sizes.offset:sizes.offset + len(sizes)]


def _order(ipc: Path, sort_key: tuple[str, ...]) -> pa.Array:
    """Row numbers (over all spooled batches end to end) in ``sort_key`` order."""
    with pa.memory_map(str(ipc)) as source:
        reader = pa.ipc.open_file(source)
        keys = pa.Table.from_batches([
            pa.concat_batches([reader.get_batch(i).select(list(sort_key))])  # a copy
            for i in range(reader.num_record_batches)
        ])
    return pc.sort_indices(keys, sort_keys=[(k, "ascending") for k in sort_key])


def _gather(ipc: Path, spool: RowSpool, indices: pa.Array) -> pa.RecordBatch:
    """Rows ``indices`` as one batch in that order: each spooled batch's rows among them
    are copied out (``take``, every column at once, in C), then put in order.

    The file is memory-mapped a few spooled batches at a time (``_map_groups``):
    mapping is zero-copy, only the pages holding those rows are touched, and closing the
    map drops them from memory, so resident memory does not grow with the spool. (A read
    into memory copies whole batch bodies, even with ``included_fields``.) The chunk is
    held twice at most (its rows as copied, then in order): ``ROW_GROUP_TEXT`` bounds
    it."""
    located = _locate(spool.batch_starts, indices)
    taken: list[pa.RecordBatch] = []
    positions: list[pa.Array] = []
    for group in _map_groups(located, spool.batch_text):
        with pa.memory_map(str(ipc)) as source:
            reader = pa.ipc.open_file(source)
            for batch, rows, where in group:
                taken.append(reader.get_batch(batch).take(rows))
                positions.append(where)
    grouped = pa.concat_batches(taken)
    del taken
    release_unused()
    return grouped.take(_inverse(positions))


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


