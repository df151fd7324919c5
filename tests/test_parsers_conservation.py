"""Text conservation (issue 18.6): every word of a page's visible text lands in exactly one
place of ``parse_as_case``'s record: a case field (title, section heading or text,
reference, contact, copyright), the furniture, or unplaced text (which carries a warning).

The visible words are counted independently of the parser (lxml's own text of ``<body>``
minus scripts, styles, forms' options and comments); the record's words are counted from
its fields. A word is *lost* when the page has more of it than the record, *doubled* when
the record has more of it than the page. Numbers and a few words the parser consumes by
design are not counted: list numbers and page markers ("Page 4 of 6"), and the boilerplate
of a contact NOTE ("For more information, please contact") that becomes structured fields.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from casearchive.parsers.encoding import decode
from casearchive.parsers.page import parse_as_case
from casearchive.parsers.records import PageRecord
from tests.conftest import SHARED
from tests.fixtures.regenerate import load, page_dirs

REALWORLD = SHARED / "realworld-html"
_WORD = re.compile(r"[^\W\d_]{2,}")
#: Never rendered: a ``<title>`` that a broken page puts inside ``<body>`` included (browsers
#: hide it there too).
_INVISIBLE = ("//script|//style|//head|//title|//noscript|//comment()|//select|//option"
              "|//textarea|//template|//svg|//math|//button|//iframe|//object|//map")
#: Words a parse consumes by design: page markers and the contact NOTE's lead-in.
_CONSUMED = frozenset({"page", "of", "note", "for", "more", "information", "please",
                       "contact", "the", "phone", "fax", "email", "mail", "tel"})
#: Characters that show nothing inside a word (soft hyphen, zero-width space, word joiner,
#: byte-order mark): "hyper&shy;tension" is one word on the screen.
_SHOWS_NOTHING = re.compile("[\u00ad\u200b\u2060\ufeff]")
#: Allowed share of lost or doubled words (entity and whitespace edge cases, and the
#: <title> standing in for a missing visible title).
_TOLERANCE = 0.01


def visible_words(body: bytes, headers: dict | None) -> Counter:
    """The words of ``<body>``'s visible text, lower-cased."""
    text = decode(body, headers).text
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    try:
        root = lxml.html.document_fromstring(text.replace("\x00", ""))
    except (etree.ParserError, ValueError):  # lxml refuses an empty document: no words
        return Counter()
    for el in root.xpath(_INVISIBLE):
        if el.getparent() is not None:
            el.drop_tree()
    return Counter(w.lower() for w in _WORD.findall(_SHOWS_NOTHING.sub("", " ".join(
        root.itertext()))))


def record_words(record: PageRecord) -> Counter:
    """The words of every place of a record."""
    parts = [record.title or "", record.furniture, record.copyright or ""]
    for section in record.sections:
        parts.append(section.heading or "")
        if section.key != "references":
            parts.append(section.text)
    parts += [r.text for r in record.references]
    if record.contact is not None:
        parts += [v for v in (record.contact.organization, record.contact.street,
                              record.contact.city, record.contact.state,
                              record.contact.postal_code, record.contact.email) if v]
    return Counter(w.lower() for w in _WORD.findall(" ".join(parts)))


def conservation(body: bytes, url: str, headers: dict | None
                 ) -> tuple[PageRecord, Counter, Counter, int]:
    """(record, lost words, doubled words, visible word count)."""
    record = parse_as_case(body, url, headers)
    page = visible_words(body, headers)
    got = record_words(record)
    contact: Counter[str] = Counter()
    if record.contact is not None:  # the NOTE and the (c) block may both print the address
        contact = Counter(w.lower() for w in _WORD.findall(" ".join(
            v for v in (record.contact.organization, record.contact.street,
                        record.contact.city, record.contact.state, record.contact.email)
            if v)))
    for word in _CONSUMED | set(contact):
        page.pop(word, None)
        got.pop(word, None)
    title_words = Counter(w.lower() for w in _WORD.findall(record.title or ""))
    doubled = got - page - title_words
    return record, page - got, doubled, sum(page.values())


def _check(body: bytes, url: str, headers: dict | None) -> None:
    record, lost, doubled, total = conservation(body, url, headers)
    if not total:
        return
    assert sum(lost.values()) <= _TOLERANCE * total + 2, ("lost", lost.most_common(20))
    assert sum(doubled.values()) <= _TOLERANCE * total + 2, ("doubled", doubled.most_common(20))
    if any(s.rule == "unplaced" for s in record.sections):
        assert any(w.startswith("unplaced text") for w in record.warnings)


@pytest.mark.parametrize("page", [p.name for p in page_dirs()])
def test_saved_pages_conserve_their_words(page: str) -> None:
    body, url, headers = load(Path(page_dirs()[0].parent, page))
    _check(body, url, headers)


def _realworld_params() -> list:
    if not REALWORLD.is_dir():
        return []
    return [pytest.param(p, id=p.name) for p in sorted(REALWORLD.glob("*.html"))]


@pytest.mark.skipif(not REALWORLD.is_dir(), reason="no real-world corpus")
@pytest.mark.parametrize("path", _realworld_params())
def test_realworld_pages_conserve_their_words(path: Path) -> None:
    _check(path.read_bytes(), f"http://example.org/{path.name}", {})


def test_a_lost_word_fails() -> None:
    """The check can fail: a word the record does not hold is reported."""
    body = b"<html><body><p><b>History:</b> alpha</p></body></html>"
    _, lost, _, _ = conservation(body, "http://x/", {})
    assert not lost
    record = parse_as_case(body, "http://x/", {})
    record.sections[0].text = ""
    assert visible_words(body, {}) - record_words(record) == Counter({"alpha": 1})


def test_words_glued_at_link_boundaries_stay_apart() -> None:
    """Adjacent links (a comment row's "Reply"/"Delete", a byline's author then date) are
    separate words though no space separates them in the markup; formatting alone
    (``<b>Hyper</b>tension``) does not split a word."""
    body = (b"<html><body><p><b>History:</b> <b>Hyper</b>tension since 2001.</p>"
            b'<p><a href="/r">Reply</a><a href="/d">Delete</a></p>'
            b'<p>By <a href="/a">Shaun Prescott</a><time>March 17</time></p></body></html>')
    record, lost, doubled, _ = conservation(body, "http://x/", {})
    text = " ".join([record.furniture] + [s.text for s in record.sections])
    assert "Hypertension" in text
    assert "Reply Delete" in text
    assert "Prescott March" in text
    assert not lost - Counter({"hyper": 1, "tension": 1})
    assert doubled == Counter({"hypertension": 1})


def test_edit_links_of_headings_and_linked_references() -> None:
    """A heading's "[edit]" link, whether in its own element or glued to the heading's text
    ("Details[edit]"), is furniture and the heading starts its section; a reference whose
    whole text is a link is kept; no word is lost or doubled."""
    body = (b"<html><head><title>Case 1</title></head><body><h1>Case 1</h1>"
            b'<h2>History<span class="editsection">[<a href="/e1">edit</a>]</span></h2>'
            b"<p>A 40-year-old man had knee pain.</p>"
            b'<h2>Details[<a href="/e2">edit</a>]</h2><p>He was treated with rest.</p>'
            b'<h2>References[<a href="/e3">edit</a>]</h2><ol>'
            b'<li><a href="http://doi.org/10.1/abc">Smith J. Knee pain. J Med. 2001;12:34.</a></li>'
            b"<li>Brown B. Another paper. Lancet. 2003;1:2-3.</li></ol></body></html>")
    record, lost, doubled, _ = conservation(body, "http://x/case.html", {})
    assert not lost and not doubled
    headings = [s.heading for s in record.sections]
    assert headings == ["History", "Details", "References"]
    assert record.sections[1].text == "He was treated with rest."
    assert [r.text for r in record.references] == [
        "Smith J. Knee pain. J Med. 2001;12:34.", "Brown B. Another paper. Lancet. 2003;1:2-3."]
    assert record.furniture.split("\n") == ["[edit]"] * 3
