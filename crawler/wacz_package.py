"""``casearchive wacz``: a snapshot's WARC as a WACZ 1.1 package that web-archive replay
tools open directly (ReplayWeb.page, pywb, Browsertrix).

The package is made by the ``wacz`` library (Webrecorder's reference implementation), never
by hand: it copies the WARC under ``archive/``, indexes it into ``indexes/index.cdx.gz``
(CDXJ), and writes ``datapackage.json`` listing every file with its SHA-256. We hand it
``pages/pages.jsonl``: one entry per archived case page (``url``, ``ts``, ``title``: the
case title, with "page N" after page 1), so a replay tool lists the cases by title. A
snapshot with revisits of earlier snapshots' captures also hands it ``payloads.warc.gz``
(those records, ``carry_payloads``), so the package stands alone.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from datetime import UTC
from pathlib import Path

from casearchive.exports.load import Snapshot, load_snapshot

from .warc import PAYLOADS_NAME, WARC_ERRORS, WARC_NAME, carry_payloads, warc_error_text

PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "Case pages"}


class WaczError(Exception):
    """The package could not be made; the message is one line for the user."""


def case_pages(snapshot: Path) -> list[dict[str, str]]:
    """The pages.jsonl entries of a snapshot: its fetched case pages, in case order."""
    snap = load_snapshot(snapshot)
    titles = {r["case_id"]: r["title"] for r in
              snap.read_table("cases", ["case_id", "title"]).to_pylist()}
    pages = snap.read_table("pages", ["case_id", "page_number", "final_url", "fetched_at"])
    out = []
    for row in pages.to_pylist():
        if not row["final_url"]:
            continue  # a failed page: nothing archived to replay
        title = titles.get(row["case_id"], "")
        if row["page_number"] > 1:
            title = f"{title} (page {row['page_number']})"
        ts = row["fetched_at"].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        out.append({"url": row["final_url"], "ts": ts, "title": title})
    return out


def make_wacz(snapshot: Path, target: Path) -> Path:
    """Write the package ``target`` (``OUT/<snapshot id>.wacz``); ``WaczError`` when it
    exists already (never overwritten) or the library refuses. Built beside it and renamed
    into place, so a failure leaves no package."""
    snap = load_snapshot(snapshot)
    if target.exists():
        raise WaczError(f"{target}: already exists")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".tmp-wacz-", dir=target.parent) as tmp:
        made = _package(snap, Path(tmp), Path(tmp) / target.name)
        if target.exists():
            raise WaczError(f"{target}: already exists")
        os.rename(made, target)
    return target


def _package(snap: Snapshot, tmp: Path, target: Path) -> Path:
    """Run the ``wacz`` library on the snapshot's WARC(s) into ``target``."""
    from wacz.main import main as wacz_main  # type: ignore[import-untyped]

    pages = tmp / "pages.jsonl"
    lines = [PAGES_HEADER, *case_pages(snap.path)]
    pages.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines),
                     encoding="utf-8")
    args = ["create", "-o", str(target), "-p", str(pages), "--hash-type", "sha256",
            "--title", f"casearchive snapshot {snap.id}",
            "--desc", f"Case pages crawled from {snap.manifest['start_url']}",
            str(snap.path / WARC_NAME)]
    if _carried(snap.path / WARC_NAME, tmp / PAYLOADS_NAME):
        args.append(str(tmp / PAYLOADS_NAME))
    said = io.StringIO()
    with contextlib.redirect_stdout(said):
        code = wacz_main(args)
    if code or not target.exists():
        last = (said.getvalue().strip().splitlines() or ["unknown error"])[-1]
        raise WaczError(f"{snap.path}: the wacz library could not package it: {last}")
    return target


def _carried(warc: Path, dest: Path) -> int:
    """``carry_payloads``, whose pass over the whole WARC (``checked_records``) is also what
    refuses a damaged or cut one: the ``wacz`` library reads a WARC that breaks off as a
    shorter one and would package it, and its index, short without a word."""
    try:
        return carry_payloads(warc, dest)
    except WARC_ERRORS as exc:
        raise WaczError(f"{warc}: not a readable WARC ({warc_error_text(exc)})") from None


def validate_wacz(path: Path) -> tuple[bool, str]:
    """(valid, what the ``wacz`` library's validator said) of a package."""
    from wacz.main import main as wacz_main

    said = io.StringIO()
    with contextlib.redirect_stdout(said):
        code = wacz_main(["validate", "-f", str(path)])
    return code == 0, said.getvalue()
