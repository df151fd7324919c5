"""Package a snapshot as a BagIt bag (RFC 8493) for hand-off to an archive.

The bag is a copy: the snapshot's files go under ``data/``, with SHA-256 payload and tag
manifests that ``bagit.py --validate`` checks. A snapshot whose WARC holds revisit records
of earlier snapshots' captures gets those records too (``data/payloads.warc.gz``, written
by the ``carry`` the crawler passes), so the bag stands alone.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import bagit

from casearchive.exports.manifest import load_manifest

DEFAULT_ORGANIZATION = "casearchive"


def make_bag(
    snapshot: Path,
    out: Path,
    *,
    organization: str = DEFAULT_ORGANIZATION,
    extra_info: dict[str, str] | None = None,
    carry: Callable[[Path], object] | None = None,
) -> Path:
    """Copy ``snapshot`` (a directory or ``latest`` link) into a new bag at ``out``;
    ``carry(copy)`` adds files to the copy before it is bagged (the referred payloads).

    The manifest is checked first (``load_manifest``: ``ManifestError``); the bag is built
    beside ``out`` and renamed into place whole, so a failure leaves nothing at ``out``."""
    snapshot = Path(snapshot).resolve()
    out = Path(out)
    if out.exists():
        raise FileExistsError(f"{out}: already exists")
    info = {**_bag_info(load_manifest(snapshot), organization), **(extra_info or {})}
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".tmp-{out.name}-", dir=out.parent))
    try:
        copy = work / out.name
        shutil.copytree(snapshot, copy)
        if carry is not None:
            carry(copy)
        bagit.make_bag(str(copy), bag_info=info, checksums=["sha256"])
        if out.exists():
            raise FileExistsError(f"{out}: already exists")
        os.rename(copy, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def _bag_info(manifest: dict[str, Any], organization: str) -> dict[str, str]:
    """``bag-info.txt`` of a snapshot, from its (checked) manifest."""
    return {
        "Source-Organization": organization,
        "External-Identifier": f"casearchive-snapshot-{manifest['snapshot_id']}",
        "External-Description": (
            f"casearchive snapshot {manifest['snapshot_id']} of {manifest['start_url']} "
            f"(schema {manifest['schema_version']}, {manifest['counts'].get('cases', '?')} "
            f"cases, {'complete' if manifest['complete'] else 'incomplete'} crawl)."
        ),
        "Bag-Group-Identifier": manifest["start_url"],
        "Casearchive-Schema-Version": manifest["schema_version"],
        "Casearchive-Tool-Version": manifest["tool_version"],
    }


def validate_bag(path: Path) -> list[str]:
    """Problems ``bagit`` finds in the bag at ``path`` (empty = valid)."""
    try:
        bagit.Bag(str(path)).validate()
    except bagit.BagValidationError as e:
        details = [str(d) for d in getattr(e, "details", [])]
        return [f"{path.name}: {e.message}", *details]
    except bagit.BagError as e:
        return [f"{path.name}: {e}"]
    return []
