"""Whether a compressed response body (``Content-Encoding``) arrived whole.

Scrapy's decoders keep what a damaged stream gave before it broke off (``gunzip``:
"return as much data as possible"): a gzip body cut halfway, sent with a Content-Length
that matches what was sent, becomes half a page, and the cases it would have listed vanish
without a word. ``stream_problem`` reads a stream to its end once more, discarding the
output in bounded chunks, and says what is wrong with it: the crawl then loses the page
with that reason instead of keeping its first half.
"""

from __future__ import annotations

import gzip
import sys
import zlib
from collections.abc import Callable

if sys.version_info >= (3, 14):  # as Scrapy imports it (scrapy.utils._compression)
    from compression import zstd
else:
    from backports import zstd

#: Output read per step while checking a stream: memory stays bounded whatever it inflates to.
_CHUNK = 1 << 16
#: The gzip signature (RFC 1952), which begins every member of a gzip stream.
GZIP_MAGIC = b"\x1f\x8b"


def _drain(decompressor: zlib._Decompress, data: bytes) -> None:
    """Feed ``data`` to ``decompressor`` to its end or to the end of its stream."""
    decompressor.decompress(data, _CHUNK)
    while decompressor.unconsumed_tail and not decompressor.eof:
        decompressor.decompress(decompressor.unconsumed_tail, _CHUNK)


def _zlib_problem(data: bytes, wbits: int, name: str) -> str | None:
    decompressor = zlib.decompressobj(wbits)
    try:
        _drain(decompressor, data)
    except zlib.error as exc:
        return f"body damaged (its {name} stream does not decode: {exc})"
    if not decompressor.eof:
        return f"body truncated (its {name} stream ends early)"
    return None


def _gzip_problem(body: bytes) -> str | None:
    """A gzip stream is one member or several, each complete; bytes after the last member
    that begin no other (a server's padding) are no part of the page and pass, as they do in
    Scrapy's ``gunzip`` and in browsers."""
    data = body
    while True:
        decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            _drain(decompressor, data)
        except zlib.error as exc:
            return f"body damaged (its gzip stream does not decode: {exc})"
        if not decompressor.eof:
            return "body truncated (its gzip stream ends early)"
        data = decompressor.unused_data
        if not data.startswith(GZIP_MAGIC):
            return None


def _deflate_problem(body: bytes) -> str | None:
    """HTTP's deflate is a zlib stream, but some servers (Microsoft's) send raw deflate:
    Scrapy reads both, and so does this check."""
    wrapped = _zlib_problem(body, zlib.MAX_WBITS, "deflate")
    if wrapped is None or "truncated" in wrapped:
        return wrapped
    return _zlib_problem(body, -zlib.MAX_WBITS, "deflate")


def _zstd_problem(body: bytes) -> str | None:
    """Every frame of a zstd stream must end (Scrapy's ``_unzstd`` keeps a cut one)."""
    data = body
    while data:
        decompressor = zstd.ZstdDecompressor()
        try:
            decompressor.decompress(data, _CHUNK)
            while not decompressor.eof and not decompressor.needs_input:
                decompressor.decompress(b"", _CHUNK)
        except zstd.ZstdError as exc:
            return f"body damaged (its zstd stream does not decode: {exc})"
        if not decompressor.eof:
            return "body truncated (its zstd stream ends early)"
        data = decompressor.unused_data
    return None


#: Content codings (lower case) -> the check of a body in that coding.
_CHECKS: dict[bytes, Callable[[bytes], str | None]] = {
    b"gzip": _gzip_problem,
    b"x-gzip": _gzip_problem,
    b"deflate": _deflate_problem,
    b"zstd": _zstd_problem,
}


def stream_problem(body: bytes, coding: bytes) -> str | None:
    """Why ``body``, a stream in content coding ``coding``, is not whole (cut short, or
    damaged), in plain words; None when it is whole or the coding is not checked here."""
    check = _CHECKS.get(coding.strip().lower())
    return None if check is None else check(body)


#: A sample text, and its brotli stream (one uncompressed meta-block: the format's own bytes,
#: whichever brotli package is installed, or none).
SAMPLE = b"<p>ok</p>"
SAMPLE_BR = b"\x0b\x04\x80<p>ok</p>\x03"


def coded_sample(coding: bytes) -> bytes | None:
    """``SAMPLE`` in ``coding`` (None for a coding not known here): what
    ``middlewares.decodable_codings`` tries Scrapy's decoders on."""
    if coding == b"gzip":
        return gzip.compress(SAMPLE, mtime=0)
    if coding == b"deflate":
        return zlib.compress(SAMPLE)
    if coding == b"zstd":
        return zstd.compress(SAMPLE)
    return SAMPLE_BR if coding == b"br" else None
