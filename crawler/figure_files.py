"""``casearchive export-figures``: every figure of a snapshot as a file, from its WARC.

Files are content-addressed, ``<sha256>.<ext>`` (the extension from the media type), never
named after a URL: one file per distinct image however many cases show it. ``index.csv``
lists one row per figure occurrence (case id and key, page, position, file, URL, alt,
caption), sorted like ``figures.parquet``; a figure whose image was not archived has an
empty ``file``.
"""

from __future__ import annotations

import csv
import hashlib
import mimetypes
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from casearchive.exports.load import Snapshot, load_snapshot
from casearchive.exports.schema import TABLES

from .options import DOWNLOAD_MAXSIZE
from .warc import WARC_NAME, iter_responses, read_body

INDEX = "index.csv"
INDEX_COLUMNS = ("case_id", "case_key", "page_number", "ordinal", "file", "sha256",
                 "media_type", "url", "alt", "caption")
#: Extensions mimetypes gets wrong or leaves out for image types.
EXTENSIONS = {"image/jpeg": ".jpg", "image/svg+xml": ".svg", "image/x-icon": ".ico"}


def file_name(sha256: str, media_type: str | None) -> str:
    """``<sha256>.<ext>``; ``.bin`` when the media type names no extension."""
    media = (media_type or "").split(";")[0].strip().lower()
    ext = EXTENSIONS.get(media) or mimetypes.guess_extension(media) or ".bin"
    return f"{sha256}{ext}"


class FiguresUnreadable(ValueError):
    """The snapshot's figures table cannot be read; the message names the file."""


def _figure_rows(snap: Snapshot) -> list[dict[str, Any]]:
    try:
        rows: list[dict[str, Any]] = snap.read_table("figures").to_pylist()
    except (OSError, ValueError) as exc:  # pyarrow's ArrowIOError, ArrowInvalid
        raise FiguresUnreadable(f"{snap.path / TABLES['figures'].file}: cannot be read "
                                f"({' '.join(str(exc).split())})") from None
    return rows


def export_figures(snapshot: Path, out_dir: Path) -> tuple[int, int]:
    """Write the figure files and ``index.csv`` of ``snapshot`` into ``out_dir``;
    returns (figures listed, files written). A damaged WARC raises (``WARC_ERRORS``) and
    leaves nothing behind: the files wait in a staging directory until the WARC has been
    read to its end (``out_dir`` itself goes when this call made it)."""
    snap = load_snapshot(snapshot)
    rows = _figure_rows(snap)
    wanted = {r["sha256"]: r["media_type"] for r in rows if r["sha256"]}
    made = not out_dir.exists()
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".export-figures-", dir=out_dir))
    try:
        written = _stage_images(snap, wanted, staging)
        for digest in written:
            name = file_name(digest, wanted[digest])
            os.replace(staging / name, out_dir / name)
    except BaseException:
        shutil.rmtree(out_dir if made else staging, ignore_errors=True)
        raise
    staging.rmdir()
    with open(out_dir / INDEX, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(INDEX_COLUMNS)
        for r in rows:
            name = file_name(r["sha256"], r["media_type"]) if r["sha256"] in written else ""
            writer.writerow([name if c == "file" else ("" if r.get(c) is None else r.get(c))
                             for c in INDEX_COLUMNS])
    return len(rows), len(written)


def _stage_images(snap: Snapshot, wanted: dict[str, str | None], staging: Path) -> set[str]:
    """Write each wanted image (by digest) from the snapshot's WARC into ``staging``, read
    to its end even when every image is found: a WARC that breaks off is refused
    (``iter_responses`` raises), never exported as if it were whole."""
    written: set[str] = set()
    with open(snap.path / WARC_NAME, "rb") as fh:
        for response in iter_responses(snap.path / WARC_NAME):
            if len(written) == len(wanted) or "html" in response.headers.get(
                    "content-type", ""):
                continue
            body = read_body(fh, response, DOWNLOAD_MAXSIZE)
            if body is None:  # larger than any crawl accepts: not one of its images
                continue
            digest = hashlib.sha256(body).hexdigest()
            if digest in wanted and digest not in written:
                (staging / file_name(digest, wanted[digest])).write_bytes(body)
                written.add(digest)
    return written
