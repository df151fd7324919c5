"""warcio reports a damaged gzip member only by writing to stderr and reading on, so a read
keeps what it writes there (``raising_warcio_errors``) and raises on it. What another thread
writes to stderr meanwhile (``import``'s live display on a terminal, a log handler) is no
sign of damage: it reaches stderr, and the read goes on. A payload whose content coding
just stops (no error, no end) is damage too (``decoded_payload``)."""

from __future__ import annotations

import gzip
import hashlib
import sys
import threading
import zlib
from io import BytesIO

import pytest
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from casearchive.crawler.warc import raising_warcio_errors, read_response


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


# --- payloads whose content coding ends before its stream does ------------------------------

PAGE = b"<html><body><p><b>History:</b> " + b"A runner reports knee pain. " * 40 + b"</p>"


def _warc_of(body: bytes, coding: str) -> BytesIO:
    """A gzip WARC holding one response record: ``body`` as stored, Content-Encoding
    ``coding``, with a Content-Length that matches what is stored (warcio's writer)."""
    out = BytesIO()
    writer = WARCWriter(out, gzip=True)
    headers = [("Content-Type", "text/html"), ("Content-Encoding", coding),
               ("Content-Length", str(len(body)))]
    writer.write_record(writer.create_warc_record(
        "http://h/cases/case.php?id=1", "response", payload=BytesIO(body),
        http_headers=StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")))
    out.seek(0)
    return out


CODED = {"gzip": gzip.compress(PAGE, mtime=0), "deflate": zlib.compress(PAGE)}


@pytest.mark.parametrize("coding", sorted(CODED))
def test_a_whole_coded_payload_reads_as_the_page(coding: str) -> None:
    assert read_response(_warc_of(CODED[coding], coding), 0, 1 << 20)[1] == PAGE


@pytest.mark.parametrize("coding", sorted(CODED))
def test_a_coded_payload_cut_short_does_not_read(coding: str) -> None:
    """Cut halfway, the stream inflates without an error to the first half of the page,
    which warcio returns as the payload: ``import`` and ``reparse`` would take it for the
    page. It is damage instead (the replay loses the page, naming the record)."""
    cut = CODED[coding][: len(CODED[coding]) // 2]
    with pytest.raises(ArchiveLoadFailed, match=f"a {coding} payload that ends before"):
        read_response(_warc_of(cut, coding), 0, 1 << 20)


def test_a_stream_damaged_midway_is_named_by_what_warcio_said() -> None:
    """Damage in the middle of a gzip stream (past warcio's first block) makes warcio write
    zlib's error and stop: the stream then never ends too, but zlib's words name the damage."""
    pad = b"".join(hashlib.sha256(b"%d" % n).hexdigest().encode() for n in range(1_000))
    coded = bytearray(gzip.compress(PAGE + pad, mtime=0))
    assert len(coded) > 30_000
    coded[24_000:24_064] = bytes(64)
    with pytest.raises(ArchiveLoadFailed, match="while decompressing"):
        read_response(_warc_of(bytes(coded), "gzip"), 0, 1 << 20)
