"""parse_page never raises and never hangs on hostile or foreign input.

Speed is measured by ``make bench``, never by timed assertions (they fail on a loaded
machine and pass on a fast one): ``pytest.mark.timeout`` only catches a hang, with a bound
far above any machine's parse time.
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casearchive.parsers.page import parse_page
from casearchive.parsers.records import PageRecord
from tests.conftest import SHARED

URL = "http://example.org/cases/x/page1.html"
REALWORLD = SHARED / "realworld-html"


def _parse(body: bytes, headers: dict | None = None) -> PageRecord:
    return parse_page(body, URL, headers)


@pytest.mark.timeout(120)
@given(st.binary(max_size=4096))
@settings(max_examples=200, deadline=None)
def test_random_bytes(body: bytes) -> None:
    record = _parse(body)
    assert isinstance(record, PageRecord)


@pytest.mark.parametrize("body", [b"", b"   \n", b"\x00\x00", b"<", b"<html>", b"<?xml?>",
                                  b"\xef\xbb\xbf", b"\xff\xfe<\x00b\x00>\x00"])
def test_degenerate_inputs(body: bytes) -> None:
    record = _parse(body)
    assert not record.is_case_page


def test_truncated_document() -> None:
    page = b"<html><head><title>X - Page 2</title></head><body><p><b>History:</b> A 20-year"
    record = _parse(page)
    assert record.is_case_page and record.sections[0].text == "A 20-year"


@pytest.mark.timeout(60)
def test_50000_deep_nesting() -> None:
    body = (b"<html><body><p><b>History:</b> deep</p>" + b"<div>" * 50000 + b"inner text"
            + b"</div>" * 50000 + b"<p><b>Treatment:</b> rest</p></body></html>")
    record = _parse(body)
    assert any("nesting" in w for w in record.warnings)
    text = " ".join(s.text for s in record.sections)
    assert "inner text" in text and "rest" in text


@pytest.mark.slow  # stress: a 20 MB body
@pytest.mark.timeout(240)
def test_20mb_page() -> None:
    para = b"<p><b>History:</b> " + b"word " * 40 + b"</p>\n"
    body = b"<html><body>" + para * (20_000_000 // len(para)) + b"</body></html>"
    record = _parse(body)
    assert isinstance(record, PageRecord)


_LABELS = ["History", "Physical Exam", "Tests and Results", "Author's Comments",
           "Author\u2019s Comments", "Working Diagnosis", "References", "Diagnosis",
           "Return to Play", "MRI"]
_WRAPS = [("<b>", "</b>"), ("<strong>", "</strong>"), ("<font face=arial><b>", "</b></font>"),
          ("<h3>", "</h3>"), ("<u>", "</u>"), ("<span class=style3>", "</span>"),
          ("<p class=head>", "</p>")]
_CONTAINERS = [("<p>", "</p>"), ("<td>", "</td>"), ("<div>", "</div>"), ("", "<br><br>"),
               ("<li>", "</li>"), ("<table><tr><td>", "</td></tr></table>")]


@st.composite
def legacy_pages(draw: st.DrawFn) -> tuple[bytes, list[str]]:
    parts = []
    words = []
    for _ in range(draw(st.integers(1, 8))):
        label = draw(st.sampled_from(_LABELS))
        open_w, close_w = draw(st.sampled_from(_WRAPS))
        open_c, close_c = draw(st.sampled_from(_CONTAINERS))
        colon = draw(st.sampled_from([":", "", " :"]))
        sep = draw(st.sampled_from(["<br>", "&nbsp;", " ", "<br><br>"]))
        body = draw(st.text(alphabet="abcdefghij \u00e9\u2019", min_size=1, max_size=40))
        words.extend(body.split())
        parts.append(f"{open_c}{open_w}{label}{colon}{close_w}{sep}{body}{close_c}")
        for _ in range(draw(st.integers(0, 3))):  # random extra nesting around it
            tag = draw(st.sampled_from(["div", "font", "span", "table", "center", "b"]))
            parts[-1] = f"<{tag}>{parts[-1]}</{tag}>"
    html = "<html><body>" + "\n".join(parts) + "</body></html>"
    encoded = html.encode(draw(st.sampled_from(["utf-8", "cp1252"])))
    if not encoded.isascii() and _valid_utf8(encoded):
        # cp1252 bytes that are also valid UTF-8 ("\u00e9\u2019\u2019" is e9 92 92, a CJK
        # letter in UTF-8) are read as UTF-8, declared or not (``parsers.encoding``'s
        # documented repair): such a page is UTF-8 here, as the decoder takes it to be.
        encoded = html.encode("utf-8")
    return encoded, words


def _valid_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@pytest.mark.slow
@pytest.mark.timeout(240)
@given(legacy_pages())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_random_label_nestings(page: tuple[bytes, list[str]]) -> None:
    body, words = page
    record = _parse(body)
    assert isinstance(record, PageRecord)
    if record.is_case_page:  # every word of the bodies lands somewhere, unmangled
        text = f"{record.title} " + " ".join(f"{s.heading} {s.text}" for s in record.sections)
        text += " ".join(r.text for r in record.references)
        for word in words:
            assert word in text


@pytest.mark.skipif(not REALWORLD.is_dir(), reason="no real-world corpus")
@pytest.mark.timeout(60)
@pytest.mark.parametrize("path", sorted(REALWORLD.glob("*.html")) if REALWORLD.is_dir()
                         else [], ids=lambda p: p.name)
def test_realworld_pages(path: Path) -> None:
    record = _parse(path.read_bytes(), {})
    assert isinstance(record, PageRecord)
    assert record.skip_reason != "parse error", record.warnings


# --- bodies that are no text: never a page's text ---------------------------------------------

CASE_HTML = ("<html><head><title>Knee Pain</title></head><body><h1>Knee Pain</h1>"
             "<p><b>History:</b> A runner reports knee pain.</p>"
             "<p><b>Treatment:</b> Rest and stretching.</p></body></html>")
HTML_TYPE = {"Content-Type": "text/html; charset=utf-8"}


@pytest.mark.parametrize(("body", "reason"), [
    (gzip.compress(CASE_HTML.encode(), mtime=0),
     "not a text page (a gzip stream sent without Content-Encoding: gzip)"),
    (bytes((i * 37 + 11) % 256 for i in range(6000)),
     "not a text page (binary data: 11% control characters)"),
    (zlib.compress(CASE_HTML.encode() * 20), "not a text page (binary data: "),
], ids=["gzip", "binary", "deflate"])
def test_bytes_that_are_no_text_are_no_page(body: bytes, reason: str) -> None:
    """A page compressed without ``Content-Encoding``, or binary bytes served as
    ``text/html``: decoded as windows-1252 they are characters, and were a case's text
    (a gzip stream inside ``treatment``). The record says why it is no page instead, and
    holds no text."""
    record = _parse(body, HTML_TYPE)
    assert not record.is_case_page
    assert (record.skip_reason or "").startswith(reason), record.skip_reason
    assert record.sections == [] and record.title is None


@pytest.mark.parametrize("body", [
    CASE_HTML.replace("knee pain", "knee\x0bpain\x1a").encode(),  # stray controls from Word
    CASE_HTML.encode("utf-16-le"),  # no byte-order mark: NUL bytes, which the parse drops
    ("\ufeff" + CASE_HTML.replace("Rest", "Покой и растяжка, ") * 3).encode("utf-16-be"),
    CASE_HTML.replace("Rest", "\x1b$B%j%O%S%j\x1b(B Rest").encode(),  # ISO-2022-JP shifts
], ids=["stray-controls", "utf-16-no-bom", "utf-16-cyrillic", "iso-2022-escapes"])
def test_text_pages_with_odd_bytes_stay_pages(body: bytes) -> None:
    """Text whose bytes hold controls (a UTF-16 page's Cyrillic is 0x04 bytes) or a few
    stray ones is text: the decoded characters decide, at a share only binary data has."""
    record = _parse(body)
    assert record.is_case_page, record.skip_reason
