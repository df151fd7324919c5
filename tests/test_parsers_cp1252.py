"""windows-1252 decoding by latin-1 plus C1 replacement (``casearchive.parsers.encoding._cp1252``)
gives
exactly the text of Python's cp1252 codec with undefined bytes kept as C1 controls."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from casearchive.parsers.encoding import _cp1252, decode


def _reference(body: bytes) -> str:
    return body.decode("cp1252", errors="casearchive-c1")


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=80))
def test_same_text_as_the_cp1252_codec(body: bytes) -> None:
    assert _cp1252(body) == _reference(body)


def test_every_byte_and_a_declared_page() -> None:
    every = bytes(range(256))
    assert _cp1252(every) == _reference(every)
    assert _cp1252(every[0xA0:] * 3) == _reference(every[0xA0:] * 3)  # no C1 byte: latin-1
    page = (b'<meta charset="iso-8859-1"><p>\x93quoted\x94 \x96 caf\xe9 \x81</p>')
    decoded = decode(page, None)
    assert decoded.encoding == "windows-1252"
    assert "\u201cquoted\u201d \u2013 caf\u00e9 \x81" in decoded.text
