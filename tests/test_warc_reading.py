"""warcio reports a damaged gzip member only by writing to stderr and reading on, so a read
keeps what it writes there (``raising_warcio_errors``) and raises on it. What another thread
writes to stderr meanwhile (``import``'s live display on a terminal, a log handler) is no
sign of damage: it reaches stderr, and the read goes on."""

from __future__ import annotations

import sys
import threading

import pytest
from warcio.exceptions import ArchiveLoadFailed

from casearchive.crawler.warc import raising_warcio_errors


def _write_from_another_thread(text: str) -> None:
    writer = threading.Thread(target=lambda: sys.stderr.write(text))
    writer.start()
    writer.join()


def test_another_threads_stderr_is_no_damage(capsys: pytest.CaptureFixture[str]) -> None:
    with raising_warcio_errors():
        _write_from_another_thread("importing 2026-01-01: 12 pages read\n")
    assert "12 pages read" in capsys.readouterr().err


def _damaged_read_beside_a_display() -> None:
    with raising_warcio_errors():
        _write_from_another_thread("a display line\n")
        sys.stderr.write("Error -3 while decompressing data: invalid stored block lengths\n")


def test_what_the_reading_thread_writes_is_damage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ArchiveLoadFailed, match="invalid stored block lengths"):
        _damaged_read_beside_a_display()
    assert capsys.readouterr().err == "a display line\n"
