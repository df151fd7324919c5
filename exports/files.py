"""The names inside a snapshot directory and the keys of its manifest, in one place.

The writer (``snapshot.py``), the readers (``load.py``, ``verify.py``, ``bag.py``) and the
crawler's WARC writer all name files through this module, so a reader never imports the
writer for a constant. The Parquet tables' names live with their schemas
(``casearchive.exports.schema.TABLES``).
"""

from __future__ import annotations

import re

#: ``manifest.json``: what a snapshot is, how it was made, the checksum of every file.
MANIFEST = "manifest.json"
#: One JSON object per case, sorted by ``case_id``.
CASES_JSONL = "cases.jsonl"
#: JSON Schema 2020-12 of one ``cases.jsonl`` line.
CASE_SCHEMA = "case.schema.json"
#: The raw HTTP requests and responses of the crawl (WARC/1.1, one gzip member per record).
WARC_NAME = "pages.warc.gz"
#: The crawl's log (both processes, INFO and above, ISO 8601 UTC timestamps), written
#: until just before the manifest, so it is checksummed like every other file.
RUN_LOG = "crawl.log"
#: A snapshot's id and the name of its directory: ``YYYYMMDDTHHMMSSZ`` with an optional
#: ``-N`` suffix (two snapshots started in the same second).
SNAPSHOT_NAME = re.compile(r"^(\d{8}T\d{6}Z)(?:-(\d+))?$")
#: Symlink in a snapshots directory to the newest complete snapshot.
LATEST = "latest"
#: Manifest key: ids of older snapshots whose WARC records this snapshot's revisit records
#: refer to (``WARC-Refers-To-Snapshot``); retention keeps them while it is kept.
PAYLOAD_SNAPSHOTS = "payload_snapshots"
#: Prefix of a snapshot being built (``.tmp-<id>-<pid>-<random>``) and of a ``latest`` swap.
TMP_PREFIX = ".tmp-"
#: Suffix of a snapshot a budget stopped (``<id>.partial``): kept for inspection, never
#: ``latest``, and outside ``previous``, ``log`` and ``diff`` ids, which would read every
#: unvisited case as removed.
PARTIAL_SUFFIX = ".partial"
#: Manifest key of such a snapshot: why the crawl stopped early.
PARTIAL_KEY = "partial"
#: Spool directory inside a snapshot being built; removed before the rename into place.
SPOOL_DIR = ".spool"

#: Top-level keys every ``manifest.json`` has (the writer fills them; ``verify`` checks them).
MANIFEST_KEYS = (
    "snapshot_id", "schema_version", "tool_version", "parser_version", "start_url",
    "started_at", "finished_at", "complete", "counts", "crawl_stats", "files",
)
