"""The atomic snapshot writer.

A snapshot is built in ``out_dir/.tmp-<id>-<pid>-<random>`` (next to its final place, so
the final ``os.rename`` never crosses a filesystem), then renamed to ``out_dir/<id>``; only
after that does ``out_dir/latest`` switch, by renaming a fresh symlink over the old one.
A reader therefore sees either the previous snapshot or the new one, never a partial one.

Cases and pages are spooled to disk as they arrive and sorted at ``finish`` through a small
in-memory index, so memory does not grow with the page text of the crawl.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from casearchive.exports.files import (
    CASE_SCHEMA,
    CASES_JSONL,
    LATEST,
    MANIFEST,
    PARTIAL_KEY,
    PARTIAL_SUFFIX,
    PAYLOAD_SNAPSHOTS,
    SPOOL_DIR,
    TMP_PREFIX,
)
from casearchive.exports.health import HEALTH_KEY, OK
from casearchive.exports.jsonl import case_dict, dumps_line
from casearchive.exports.manifest import (
    dumps_manifest,
    file_digest,
    id_moment,
    iso_utc,
    list_files,
    snapshot_id,
)
from casearchive.exports.rows import PageRow, page_dict
from casearchive.exports.schema import SCHEMA_VERSION, TABLES, case_json_schema
from casearchive.exports.spool import LineSpool, RowSpool
from casearchive.parsers.records import CaseRecord

#: Rows a spool buffers before pickling a batch: a few MiB each (a case row carries the text
#: of all its pages, ~50 KB on the legacy site; a section ~4 KB; a page row its furniture,
#: ~1-5 KB). Not part of the output format: ``finish`` re-chunks into row groups
#: (``ROW_GROUP_ROWS``, ``ROW_GROUP_TEXT``).
SPOOL_ROWS = {"cases": 64, "sections": 512, "pages": 512}


#: A snapshot id (``casearchive.exports.manifest.snapshot_id``): ``YYYYMMDDTHHMMSSZ``.
SNAPSHOT_ID = re.compile(r"^\d{8}T\d{6}Z$")


def utc_now() -> datetime:
    return datetime.now(UTC)


class SnapshotWriter:
    """Streams cases and pages into a new snapshot under ``out_dir``.

    ``tmp_path`` is where the crawler writes ``pages.warc.gz``; ``snapshot_id`` is the UTC
    start time (``YYYYMMDDTHHMMSSZ``), given a ``-N`` suffix at ``finish`` if that name is
    taken. Use as a context manager to ``abort`` on error.
    """

    def __init__(
        self,
        out_dir: Path,
        *,
        start_url: str,
        tool_version: str,
        parser_version: str,
        clock: Callable[[], datetime] = utc_now,
        resume: bool = False,
        lean: bool = False,
    ) -> None:
        """``lean``: spool without pyarrow (``spool.RowSpool``; the crawl's worker, which
        hands the writing to a fresh interpreter); else rows become Arrow as they are
        spooled (``tables.ArrowSpool``)."""
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        check_latest_link(self.out_dir)
        leftover = resumable(self.out_dir) if resume else None
        remove_leftovers(self.out_dir, keep=leftover)
        self.start_url = start_url
        self.tool_version = tool_version
        self.parser_version = parser_version
        self._clock = clock
        self.started_at = clock()
        self.snapshot_id = snapshot_id(self.started_at)
        if leftover is not None:  # --resume: the interrupted crawl's id, start and directory
            self.snapshot_id = leftover.name.split("-")[1]
            self.started_at = id_moment(self.snapshot_id)
            self.tmp_path = leftover.with_name(
                f"{TMP_PREFIX}{self.snapshot_id}-{os.getpid()}-{leftover.name.split('-')[3]}")
            os.rename(leftover, self.tmp_path)  # now ours: never a leftover while we run
            shutil.rmtree(self.tmp_path / SPOOL_DIR, ignore_errors=True)
        else:
            prefix = f"{TMP_PREFIX}{self.snapshot_id}-{os.getpid()}-"
            self.tmp_path = Path(tempfile.mkdtemp(prefix=prefix, dir=self.out_dir))
        self.resumed = leftover is not None
        """This writer continues an interrupted crawl's temporary snapshot (``--resume``):
        its spooled rows are rebuilt by the crawl replaying its WARC
        (``casearchive.crawler.resume``)."""
        self.spool_dir = spool = self.tmp_path / SPOOL_DIR
        """Scratch space on the output's disk, removed with the snapshot's temporary files."""
        spool.mkdir()
        self._lines = LineSpool(spool / CASES_JSONL)
        self._spools = {name: _spool(spool, name, lean) for name in ("cases", "pages", "sections")}
        self._page_keys: set[tuple[str, int]] = set()
        self.path: Path | None = None
        self.provenance: dict[str, Any] = {}
        """Top-level manifest keys saying where the snapshot came from (an import's
        ``source``, ``capture_window`` and ``import``); none for a crawl."""
        self.health: dict[str, Any] | None = None
        """The health checks' result, once ``finish`` has run them."""
        self._late_aliases: dict[str, set[str]] = {}
        self._canonical: Callable[[str], str] = str
        self._open = True

    def __enter__(self) -> SnapshotWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._open:
            self.abort()

    def add_case(self, case: CaseRecord) -> None:
        """Spool one case; a second case with the same ``case_id`` raises ``ValueError``."""
        record = case_dict(case)
        self._lines.add(case.case_id, dumps_line(record))
        self._spools["cases"].add(record)

    def add_late_aliases(self, pairs: Iterable[tuple[str, str]],
                         canonical: Callable[[str], str]) -> None:
        """Other URLs of pages spooled already: ``(alias, page)`` pairs in the crawl's
        canonical form (a redirect to a page found after its case was written, which the
        order of the crawl decides). They join the page's ``aliases`` in ``pages.parquet``,
        matched by ``canonical`` of the row's ``url`` or ``final_url``."""
        for alias, page in pairs:
            self._late_aliases.setdefault(page, set()).add(alias)
        self._canonical = canonical

    def add_page(self, row: PageRow) -> None:
        """Spool one page row; a repeated ``(case_id, page_number)`` raises ``ValueError``."""
        key = (row.case_id, row.page_number)
        if key in self._page_keys:
            raise ValueError(f"duplicate page {key!r}")
        record = page_dict(row)
        self._page_keys.add(key)
        self._spools["pages"].add(record)
        for ordinal, s in enumerate(row.sections, 1):
            self._spools["sections"].add({
                "case_id": row.case_id,
                "page_number": row.page_number,
                "ordinal": ordinal,
                "key": s.key,
                "heading": s.heading,
                "text": s.text,
                "rule": s.rule,
                "case_key": row.case_key,
            })

    def finish(
        self, crawl_stats: dict[str, Any], complete: bool, partial: str | None = None,
        payload_snapshots: Iterable[str] = (),
        health: Callable[[Path], dict[str, Any]] | None = None,
    ) -> Path:
        """Write every file, the manifest, rename into place, then switch ``latest``.

        ``partial`` (why the crawl stopped early) keeps the snapshot as ``<id>.partial``,
        marked in the manifest and incomplete, and leaves ``latest`` where it was.
        ``payload_snapshots``: ids of the snapshots whose WARC records this one's revisit
        records refer to (manifest ``payload_snapshots``; pruning keeps them).
        ``health`` (``casearchive.exports.health``) judges the written tables before ``latest``
        moves:
        its result is the manifest's ``health`` and ``self.health``; a failed verdict keeps
        the snapshot and leaves ``latest`` where it was."""
        if not self._open:
            raise RuntimeError("snapshot writer already finished or aborted")
        self._page_keys = set()  # no page comes after: not held while the files are written
        counts = self._write_tables()
        shutil.rmtree(self.tmp_path / SPOOL_DIR)
        schema_text = json.dumps(case_json_schema(), indent=2, ensure_ascii=False) + "\n"
        (self.tmp_path / CASE_SCHEMA).write_text(schema_text, encoding="utf-8")
        self.health = health(self.tmp_path) if health is not None and partial is None else None
        files = _digests(self.tmp_path)
        manifest = {
            "snapshot_id": self.snapshot_id,
            "schema_version": SCHEMA_VERSION,
            "tool_version": self.tool_version,
            "parser_version": self.parser_version,
            "start_url": self.start_url,
            "started_at": iso_utc(self.started_at),
            "finished_at": iso_utc(self._clock()),
            "complete": bool(complete) and partial is None,
            "counts": counts,
            "crawl_stats": crawl_stats,
            "files": files,
        }
        if partial is not None:
            manifest[PARTIAL_KEY] = partial
        if payload_snapshots:
            manifest[PAYLOAD_SNAPSHOTS] = sorted(set(payload_snapshots))
        if self.health is not None:
            manifest[HEALTH_KEY] = self.health
        manifest.update(self.provenance)
        os.chmod(self.tmp_path, 0o755)
        self.path = self._rename_into_place(manifest, PARTIAL_SUFFIX if partial else "")
        healthy = self.health is None or self.health["verdict"] == OK
        if partial is None and healthy and _newest(self.out_dir, self.path.name):
            switch_latest(self.out_dir, self.path.name)
        self._open = False
        return self.path

    def suspend(self) -> None:
        """Stop writing but keep the temporary snapshot, for ``crawl --resume`` (the crawl
        was interrupted); the next crawl without ``--resume`` removes it as a leftover."""
        self.close_spools()
        self._open = False

    def seal_spools(self) -> None:
        """Spool the rows still buffered and close the spools: the writer pickles then (the
        crawl's worker hands it to the interpreter that writes the files)."""
        self._lines.close()
        for spool in self._spools.values():
            spool.finish()

    def close_spools(self) -> None:
        """Close the spools' files, dropping the rows still buffered (never raises)."""
        spools: list[LineSpool | RowSpool] = [self._lines, *self._spools.values()]
        for spool in spools:
            with contextlib.suppress(OSError):
                spool.close()

    def abort(self) -> None:
        """Drop everything written so far; ``latest`` and other snapshots are untouched.
        Never raises: it is what runs when writing failed (a full disk, say)."""
        self.close_spools()
        shutil.rmtree(self.tmp_path, ignore_errors=True)
        self._open = False

    def _write_tables(self) -> dict[str, int]:
        """``sections.parquet`` on another thread while this one writes ``pages.parquet``
        and ``cases.jsonl`` and makes the case spool ready (``tables.SortedSpool``): each
        holds little, and gathering, encoding and compressing run in pyarrow's C++ without
        the GIL, so the two use both cores (the sections and the cases, the two largest
        spools, take about as long as each other). Then the case files, alone: a case row
        group (``ROW_GROUP_TEXT``) is the most the writing holds at once. When both threads
        fail, this one's error is raised and carries the other's as a note."""
        with ThreadPoolExecutor(1, thread_name_prefix="snapshot-sections") as pool:
            sections = pool.submit(self._write_sections)
            try:
                counts = self._write_cases(sections)
            except BaseException as exc:
                second = sections.exception()  # waits for the other thread to end
                if second is not None:
                    exc.add_note(f"writing the sections failed too: "
                                 f"{type(second).__name__}: {second}")
                raise
            counts.update(sections.result())
        return counts

    def _write_cases(self, sections: Future[dict[str, int]]) -> dict[str, int]:
        """The page and case files, the case row groups once ``sections`` is written."""
        from casearchive.exports import tables  # pyarrow: loaded only to write the files

        counts = tables.write_table(self.tmp_path, "pages", self._spools["pages"],
                                    partial(tables.with_late_aliases,
                                            late_aliases=self._late_aliases,
                                            canonical=self._canonical))
        tables.write_cases_jsonl(self.tmp_path, self._lines)
        ready = tables.SortedSpool(self._spools["cases"], "cases")
        wait([sections])
        return {**counts, **tables.write_cases(self.tmp_path, ready)}

    def _write_sections(self) -> dict[str, int]:
        from casearchive.exports import tables

        return tables.write_table(self.tmp_path, "sections", self._spools["sections"])

    def _rename_into_place(self, manifest: dict[str, Any], suffix: str = "") -> Path:
        for n in range(1000):
            name = self.snapshot_id if n == 0 else f"{self.snapshot_id}-{n}"
            final = self.out_dir / f"{name}{suffix}"
            if final.exists() or final.is_symlink():
                continue
            manifest["snapshot_id"] = name
            _write_synced(self.tmp_path / MANIFEST, dumps_manifest(manifest))
            fsync_dir(self.tmp_path)
            try:
                os.rename(self.tmp_path, final)
            except OSError as e:  # another writer took the name in between
                if e.errno in (errno.EEXIST, errno.ENOTEMPTY):
                    continue
                raise
            fsync_dir(self.out_dir)
            self.snapshot_id = name
            return final
        raise RuntimeError(f"no free snapshot name for {self.snapshot_id} in {self.out_dir}")


def _digests(root: Path) -> dict[str, dict[str, Any]]:
    """``file_digest`` (fsynced) of every file under ``root``, by name, on two threads:
    hashing releases the GIL, and the WARC and ``cases.jsonl`` are most of the bytes."""
    names = list_files(root)
    with ThreadPoolExecutor(2, thread_name_prefix="snapshot-digests") as pool:
        digests = pool.map(partial(file_digest, fsync=True), (root / n for n in names))
        return dict(zip(names, digests, strict=True))


def _spool(spool_dir: Path, table: str, lean: bool) -> RowSpool:
    if lean:
        return RowSpool(spool_dir / f"{table}.rows", [f.name for f in TABLES[table].fields],
                        TABLES[table].sort_key, buffer_rows=SPOOL_ROWS[table])
    from casearchive.exports.tables import ArrowSpool  # pyarrow

    return ArrowSpool(spool_dir / f"{table}.arrows", table, buffer_rows=SPOOL_ROWS[table])


def _newest(out_dir: Path, name: str) -> bool:
    """``name`` is the newest finished snapshot by the moment it represents (an import of an
    earlier moment never moves ``latest`` back)."""
    from casearchive.exports.load import list_snapshots  # a Parquet reader: pyarrow

    found = list_snapshots(out_dir)
    return not found or found[-1].name == name


def _write_synced(path: Path, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class LatestNotALink(FileExistsError):
    """``OUT/latest`` is not a symlink (``check_latest_link``); the message names it and
    the repair."""

    def __str__(self) -> str:
        return f"{self.filename}: {self.strerror}"


def check_latest_link(out_dir: Path) -> None:
    """Refuse, before any work, a ``latest`` that is a directory: a copy made without
    symlinks (``cp -rL``, rsync without ``-l``, a FAT disk) turns the link into one, which
    ``switch_latest`` cannot replace (a file it can); the snapshot would be written and
    then reported as not written."""
    link = out_dir / LATEST
    if link.is_dir() and not link.is_symlink():
        raise LatestNotALink(
            errno.EEXIST, "a directory, not a symlink to a snapshot (a copy made without "
            "symlinks?); make it one (ln -sfn ID latest) or remove it", str(link))


def switch_latest(out_dir: Path, name: str) -> None:
    """Point ``out_dir/latest`` at ``name`` atomically (relative link: the dir can move)."""
    tmp_link = out_dir / f"{TMP_PREFIX}latest-{os.getpid()}-{secrets.token_hex(4)}"
    os.symlink(name, tmp_link)
    try:
        os.replace(tmp_link, out_dir / LATEST)
    except OSError:
        tmp_link.unlink()
        raise
    fsync_dir(out_dir)


def pid_alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie, killed but not yet reaped, counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[0] != "Z"


def _abandoned(out_dir: Path) -> Iterator[Path]:
    """``.tmp-*`` entries whose writing process is gone (``.tmp-<id>-<pid>-<random>``)."""
    for p in out_dir.glob(f"{TMP_PREFIX}*"):
        parts = p.name.split("-")
        if len(parts) < 4 or not parts[2].isdigit():
            continue
        pid = int(parts[2])
        if pid != os.getpid() and not pid_alive(pid):
            yield p


def resumable(out_dir: Path) -> Path | None:
    """The newest abandoned temporary snapshot (an interrupted crawl's), or None."""
    found = [p for p in _abandoned(out_dir)
             if p.is_dir() and not p.is_symlink() and SNAPSHOT_ID.match(p.name.split("-")[1])]
    return max(found, key=lambda p: p.name.split("-")[1], default=None)


def remove_leftovers(out_dir: Path, keep: Path | None = None) -> list[Path]:
    """Remove ``.tmp-*`` entries whose writing process is gone, but ``keep`` (the one being
    resumed); returns what was removed."""
    removed = []
    for p in _abandoned(out_dir):
        if p == keep:
            continue
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)
        removed.append(p)
    return removed
