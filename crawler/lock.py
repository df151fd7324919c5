"""An exclusive lock per snapshots directory, so scheduled crawls never overlap."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import BinaryIO


class LockHeld(RuntimeError):
    """Another crawl holds the lock of this snapshots directory."""


class CrawlLock:
    """``flock`` on ``DIR/.lock``; released on exit, and by the kernel if the process dies."""

    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / ".lock"
        self._fh: BinaryIO | None = None

    def __enter__(self) -> CrawlLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+b")  # kept open while the lock is held (no `with`)
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().decode("ascii", "replace").strip() or "unknown"
            fh.close()
            message = f"another crawl (pid {holder}) is writing to {self.path.parent}"
            raise LockHeld(message) from None
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()).encode())
        fh.flush()
        self._fh = fh
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fh is not None:
            fcntl.flock(self._fh, fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None
