"""Turn a page's bytes into text the way a browser would, and repair what browsers can't.

Precedence: byte-order mark, then the HTTP ``Content-Type`` charset, then a ``<meta>``
charset in the first 8 KB, then sniffing (UTF-8 if the bytes are valid UTF-8, otherwise
windows-1252). As in browsers, a declared ISO-8859-1/ASCII means windows-1252, so ’ “ ” –
survive. Two repairs, each flagged with ``repaired`` and a warning:

* declared UTF-8 but the bytes are not valid UTF-8: every invalid byte run is decoded as
  windows-1252 (this also fixes pages that mix a few pasted cp1252 bytes into UTF-8);
* declared windows-1252/ISO-8859-1 but the bytes are valid, non-ASCII UTF-8: decoded as
  UTF-8 (multi-byte UTF-8 sequences essentially never occur by chance in cp1252 text).
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .labels import HEADER_CHARSET_RE, META_CHARSET_RE

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
#: Python codec name -> the name we report (WHATWG spelling where it differs).
_REPORTED = {"cp1252": "windows-1252", "utf-8": "utf-8"}
#: Declared names a browser reads as windows-1252.
_AS_CP1252 = {"iso8859-1", "latin-1", "ascii", "cp1252", "iso-8859-1", "us-ascii"}
_META_SCAN = 8192

#: The start of every skip reason ``not_text`` gives: a body that is no text at all.
NOT_TEXT = "not a text page"
#: The gzip signature and its one compression method (RFC 1952): no text begins with it.
_GZIP_START = b"\x1f\x8b\x08"
#: Control characters no web page's text holds: C0 but the whitespace (tab, line feed, form
#: feed, carriage return), NUL (a UTF-16 page without a byte-order mark is mostly NUL
#: bytes, which the parse drops) and ESC (ISO-2022's shifts), and DEL. Random bytes
#: (compressed or binary data) are ~10 % of them.
_CONTROLS = "".join(map(chr, (*range(0x01, 0x09), 0x0B, *range(0x0E, 0x1B),
                              *range(0x1C, 0x20), 0x7F)))
_CONTROL_BYTES = _CONTROLS.encode("ascii")
_DROP_CONTROLS = dict.fromkeys(map(ord, _CONTROLS))
#: The share of control characters that makes a body binary data, and the fewest counted
#: (a short page with one stray control is text).
_BINARY_SHARE = 0.02
_BINARY_FEWEST = 4


def _c1_passthrough(exc: UnicodeError) -> tuple[str, int]:
    """cp1252 leaves 0x81 0x8D 0x8F 0x90 0x9D undefined; browsers map them to C1 controls."""
    assert isinstance(exc, UnicodeDecodeError)
    return exc.object[exc.start : exc.end].decode("latin-1"), exc.end


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Decode the invalid bytes of a would-be UTF-8 text as windows-1252."""
    assert isinstance(exc, UnicodeDecodeError)
    bad = exc.object[exc.start : exc.end]
    return bad.decode("cp1252", errors="casearchive-c1"), exc.end


codecs.register_error("casearchive-c1", _c1_passthrough)
codecs.register_error("casearchive-cp1252", _cp1252_fallback)

#: The bytes where windows-1252 and ISO-8859-1 differ (0x80-0x9F), and the characters
#: windows-1252 gives the 27 of them it defines, as (latin-1 character, cp1252 character).
_C1_BYTES = bytes(range(0x80, 0xA0))
_C1_CHARS = [(chr(b), bytes([b]).decode("cp1252")) for b in _C1_BYTES
             if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)]


def _cp1252(body: bytes) -> str:
    """windows-1252 text of ``body`` (the five undefined bytes kept as C1 controls).

    Speed: Python's cp1252 codec maps byte by byte through a table (~100 µs for 20 KB),
    while the latin-1 codec copies (~2 µs), and the two agree on every byte outside
    0x80-0x9F. So the body is decoded as latin-1 and each of those characters present
    (curly quotes, dashes: a few kinds per page) is replaced by its windows-1252 character,
    one C-level ``str.replace`` per kind. Each kind is looked for by a ``memchr`` scan: the
    27 scans cost less than a byte-by-byte ``bytes.translate`` telling that none is there."""
    text = body.decode("latin-1")
    for c1, char in _C1_CHARS:
        if c1 in text:
            text = text.replace(c1, char)
    return text


@dataclass(slots=True)
class Decoded:
    """A decoded body: the text, the codec used and what had to be repaired."""

    text: str
    encoding: str
    repaired: bool = False
    warnings: list[str] = field(default_factory=list)


def _binary_share(controls: int, length: int) -> float | None:
    """The share of control characters when it makes a body binary data, else None."""
    if controls < _BINARY_FEWEST or controls < _BINARY_SHARE * length:
        return None
    return controls / length


def not_text(body: bytes, text: str) -> str | None:
    """Why ``body`` (decoded as ``text``) is no text page at all, or None when it is text.

    A server that compresses a page without saying so (no ``Content-Encoding``), or serves
    an image or a broken file as ``text/html``, sends bytes that decode, as windows-1252, to
    characters: parsed, they would become a case's text. Two signs tell such a body from
    any page: the gzip signature at its start, or control characters that text never holds
    (``_CONTROLS``) at a share only binary data reaches. The bytes are counted first (a C
    scan; only when one is there at all: a ``memchr`` scan for each control costs far less
    than the count); the decoded text, which a UTF-16 page's bytes may differ from, decides."""
    if body.startswith(_GZIP_START):
        return f"{NOT_TEXT} (a gzip stream sent without Content-Encoding: gzip)"
    if not any(byte in body for byte in _CONTROL_BYTES):
        return None
    if _binary_share(len(body) - len(body.translate(None, _CONTROL_BYTES)), len(body)) is None:
        return None
    share = _binary_share(len(text) - len(text.translate(_DROP_CONTROLS)), len(text))
    if share is None:
        return None
    return f"{NOT_TEXT} (binary data: {share:.0%} control characters)"


def _codec(name: str | None) -> str | None:
    """Python codec name for a declared charset, or None if unknown."""
    if not name:
        return None
    try:
        canonical = codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None
    return "cp1252" if canonical in _AS_CP1252 else canonical


def header_charset(headers: Mapping[Any, Any] | None) -> str | None:
    """The charset of a ``Content-Type`` header (str or bytes keys/values, lists allowed)."""
    if not headers:
        return None
    try:
        items = headers.items()
    except AttributeError:
        return None
    for key, value in items:
        if isinstance(key, bytes):
            key = key.decode("latin-1")
        if str(key).lower() != "content-type":
            continue
        if isinstance(value, list | tuple):
            value = value[0] if value else ""
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        match = HEADER_CHARSET_RE.search(str(value))
        return match.group(1) if match else None
    return None


def meta_charset(body: bytes) -> str | None:
    """The charset of the first ``<meta charset>``/``<meta http-equiv>`` in the head."""
    match = META_CHARSET_RE.search(body, 0, _META_SCAN)
    return match.group(1).decode("ascii", "replace") if match else None


def decode(body: bytes, headers: Mapping[Any, Any] | None = None) -> Decoded:
    """Decode ``body`` following the precedence in the module docstring; never raises."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            text = body[len(bom) :].decode(codec, errors="replace")
            return Decoded(text, codec)

    warnings: list[str] = []
    declared_name = header_charset(headers)
    source = "HTTP header"
    if declared_name is None:
        declared_name, source = meta_charset(body), "meta"
    declared = _codec(declared_name)
    if declared_name and declared is None:
        warnings.append(f"encoding: unknown charset {declared_name!r} declared; sniffed")
    if declared and declared.startswith(("utf-16", "utf-32")) and source == "meta":
        declared = "utf-8"  # a meta tag can only be read if the bytes are ASCII-compatible

    if declared is None:
        return _sniffed(body, warnings)
    if declared == "utf-8":
        return _as_utf8(body, source, warnings)
    if declared == "cp1252" and not body.isascii():
        utf8 = _utf8_declared_cp1252(body, source, declared_name, warnings)
        if utf8 is not None:
            return utf8
    return _as_declared(body, declared, declared_name, warnings)


def _sniffed(body: bytes, warnings: list[str]) -> Decoded:
    """No usable declaration: UTF-8 if the bytes are valid UTF-8, else windows-1252."""
    try:
        return Decoded(body.decode("utf-8"), "utf-8", warnings=warnings)
    except UnicodeDecodeError:
        return Decoded(_cp1252(body), "windows-1252", warnings=warnings)


def _as_utf8(body: bytes, source: str, warnings: list[str]) -> Decoded:
    """Declared UTF-8; invalid byte runs (pasted cp1252) are decoded as windows-1252.

    Not ``bs4.UnicodeDammit.detwingle``: it walks the body byte by byte in Python and takes
    cp1252 letters in 0xC2-0xF4 (é, ö, ü) for UTF-8 lead bytes, leaving them undecodable.
    """
    try:
        return Decoded(body.decode("utf-8"), "utf-8", warnings=warnings)
    except UnicodeDecodeError as exc:
        text = body.decode("utf-8", errors="casearchive-cp1252")
        warnings.append(
            f"encoding: {source} says UTF-8 but byte {exc.start} is not UTF-8; "
            "invalid bytes decoded as windows-1252"
        )
        return Decoded(text, "utf-8", True, warnings)


def _utf8_declared_cp1252(
    body: bytes, source: str, declared_name: str | None, warnings: list[str]
) -> Decoded | None:
    """Declared windows-1252/ISO-8859-1 but valid, non-ASCII UTF-8: decoded as UTF-8."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    warnings.append(
        f"encoding: {source} says {declared_name} but the bytes are UTF-8; decoded as UTF-8"
    )
    return Decoded(text, "utf-8", True, warnings)


def _as_declared(
    body: bytes, declared: str, declared_name: str | None, warnings: list[str]
) -> Decoded:
    """Decode with the declared codec (cp1252 keeps its five undefined bytes as C1)."""
    if declared == "cp1252" and body.isascii():  # same text; the ASCII codec is ~20x faster
        return Decoded(body.decode("ascii"), "windows-1252", warnings=warnings)
    errors = "casearchive-c1" if declared == "cp1252" else "replace"
    try:
        text = _cp1252(body) if declared == "cp1252" else body.decode(declared, errors=errors)
    except Exception:  # noqa: BLE001 - stateful codecs (e.g. iso-2022) can fail on garbage
        text = body.decode("cp1252", errors="casearchive-c1")
        warnings.append(f"encoding: could not decode as {declared_name}; used windows-1252")
        return Decoded(text, "windows-1252", True, warnings)
    if errors == "replace" and "\ufffd" in text:
        warnings.append(f"encoding: undecodable bytes for {declared_name} replaced")
    return Decoded(text, _REPORTED.get(declared, declared), warnings=warnings)
