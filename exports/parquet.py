"""Parquet tables written in fixed-size row groups with deterministic options.

Same rows in the same order give the same bytes: zstd at a fixed level, statistics on,
dictionary encoding on, page checksums on, format 2.6, and no write timestamps (the only
metadata is the Arrow schema and the casearchive schema version/table name).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from casearchive.exports.schema import arrow_schema

WRITER_OPTIONS = {
    "compression": "zstd",
    "compression_level": 3,
    "use_dictionary": True,
    "write_statistics": True,
    "version": "2.6",
    "data_page_version": "1.0",
    "store_schema": True,
    "write_page_checksum": True,
}

#: Per-table overrides. ``cases`` holds long, unique section texts: a dictionary never pays
#: off there (the writer tries one per column chunk, then falls back, and the reader pays
#: for both), and zstd level 1 decompresses about twice as fast as level 3 at the same size.
#: Measured on 100k synthetic cases: a full scan went from ~1.0 s to ~0.55 s, 624 -> 600 MiB.
TABLE_OPTIONS = {"cases": {"use_dictionary": False, "compression_level": 1}}

#: Rows per row group; part of the byte-level format (changing it changes checksums).
#: ``references.parquet`` has one row group per row group of cases.
ROW_GROUP_ROWS = {"cases": 1024, "sections": 16384, "pages": 16384}
#: A row group also ends before its rows' text (``spool.text_size``: characters of every
#: string, nested ones included) passes this, so that writing a snapshot holds a bounded
#: amount of text whatever the size of its cases (1,024 cases of the legacy site hold ~56 MB
#: of text: the memory the writing took grew with the site until one row group was full).
#: A row group takes about three times its text while it is gathered, encoded and
#: compressed (measured); the case row groups are written alone, after the sections
#: (``SnapshotWriter._write_tables``). A row larger than the bound is a row group of its own.
#: The cases' bound is higher: ``diff`` reads ``cases.parquet``'s index, whose footer holds
#: every row group's statistics, among them the min and max of each section's text (~23 KB
#: of a row group's ~27 KB of footer on 100,000 synthetic cases), so more row groups cost
#: it time and memory. Two 100,000-case snapshots, the same session (diff s / peak MiB):
#: 16 Mi 0.68 / 260, 12 Mi 0.69 / 264, 4 Mi 0.97 / 317. At the end of a crawl the case
#: row group being written is the largest thing held (~3x its text; 10,000 bench pages:
#: 12 Mi 231-240 MiB for the whole crawl, 16 Mi 251-252), so 12 Mi. Sites whose cases hold
#: more than 12 Mi of text per 1,024 got more row groups from this bound when it went from
#: 16 Mi to 12 Mi (7 Dec 2026): new file checksums, the same content checksums.
#: Part of the byte-level format like ``ROW_GROUP_ROWS``: a table whose row groups of
#: ``ROW_GROUP_ROWS`` rows stay under this is written as before, byte for byte (the fixture
#: site); a larger one gets more row groups, same content (16,384 page rows of 1-5 KB pass
#: 4 Mi: the ``pages.parquet`` of a site of some thousands of pages has new file checksums,
#: its cases the same content checksums).
ROW_GROUP_TEXT = {"cases": 12 << 20, "sections": 4 << 20, "pages": 4 << 20}


class TableWriter:
    """Writes one row group per ``write`` call; callers pass batches bounded by
    ``ROW_GROUP_ROWS`` and ``ROW_GROUP_TEXT``."""

    def __init__(self, path: Path, table: str) -> None:
        self.table = table
        self.schema = arrow_schema(table)
        self.rows_written = 0
        options = {**WRITER_OPTIONS, **TABLE_OPTIONS.get(table, {})}
        self._writer = pq.ParquetWriter(path, self.schema, **options)

    def write(self, batch: pa.RecordBatch) -> None:
        if batch.num_rows:
            batch = pa.RecordBatch.from_arrays(batch.columns, schema=self.schema)
            self._writer.write_batch(batch, row_group_size=batch.num_rows)
            self.rows_written += batch.num_rows

    def close(self) -> None:
        self._writer.close()
