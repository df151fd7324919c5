"""Saved-page fixtures: one test per page per output field, plus text coverage.

Regenerate expectations with ``python -m tests.fixtures.regenerate`` and review the diff.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import cache
from pathlib import Path

import lxml.html
import pytest

from casearchive.parsers.encoding import decode
from casearchive.parsers.page import parse_page
from casearchive.parsers.records import PageRecord
from tests.conftest import SHARED
from tests.fixtures.regenerate import load, page_dirs

PAGES = page_dirs()
FIELDS = (
    "url", "is_case_page", "skip_reason", "title", "page_number", "page_total", "sections",
    "section_rules", "page_number_source", "url_page_param", "furniture",
    "other_sections", "references", "contact", "copyright", "encoding", "encoding_repaired",
    "warnings", "unplaced_chars",
)
ERAS = ("era1990s", "era2001", "era2003", "era2005", "era2008")


@cache
def parsed(name: str) -> PageRecord:
    body, url, headers = load(Path(PAGES[0].parent, name))
    return parse_page(body, url, headers)


@cache
def expected(name: str) -> dict:
    return json.loads(Path(PAGES[0].parent, name, "expected.json").read_text("utf-8"))


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("page", [p.name for p in PAGES])
def test_field(page: str, field: str) -> None:
    assert parsed(page).to_json()[field] == expected(page)[field]


def test_fixture_set_covers_the_eras_and_the_seed() -> None:
    names = [p.name for p in PAGES]
    for era in ERAS:
        assert any(n.startswith(era) for n in names), era
    seed = SHARED / "seed" / "case-page-sciatica-page4.txt"
    if seed.exists():
        record = parsed("era1990s_table_font_cp1252")
        text = " ".join(seed.read_text("utf-8").split())
        for section in record.sections:
            assert " ".join(section.text.split()) in text


_PAGE_MARK = re.compile(r"page\s*#?\s*\d+(?:\s*(?:of|/)\s*\d+)?", re.I)
_FOOTER = re.compile(r"NOTE: For more information|\u00a9|Copyright")
_CHROME = re.compile(r"(?im)^.*(?:last updated|visited .* times|visitor number).*$")
_WORD = re.compile(r"\w+")
_REF_MARK = re.compile(r"(?m)^\s*[\[(]?\d{1,3}[.)\]]\s")


def main_content_tokens(body: bytes, headers: dict) -> Counter:
    """Visible body text minus scripts, comments, links (nav, pager, return link), page
    markers, and everything from the footer's first line: computed without the parser's
    segmentation."""
    root = lxml.html.document_fromstring(decode(body, headers).text.split("?>", 1)[-1])
    for el in root.xpath("//script|//style|//head|//noscript|//comment()|//a"):
        el.drop_tree()
    text = "\n".join(root.itertext())
    cut = _FOOTER.search(text)
    if cut:
        text = text[: cut.start()]
    text = _REF_MARK.sub("", _CHROME.sub("", _PAGE_MARK.sub("", text)))
    return Counter(_WORD.findall(text.lower()))


def record_tokens(record: PageRecord) -> Counter:
    parts = [record.title or ""]
    for s in record.sections:
        parts += [s.heading or ""] + ([s.text] if s.key != "references" else [])
    for r in record.references:
        parts.append(r.text)
    text = _REF_MARK.sub("", _PAGE_MARK.sub("", "\n".join(parts)))
    return Counter(_WORD.findall(text.lower()))


@pytest.mark.parametrize("page", [p.name for p in PAGES])
def test_nothing_lost(page: str) -> None:
    record = parsed(page)
    if not record.is_case_page:
        pytest.skip("not a case page")
    body, _, headers = load(Path(PAGES[0].parent, page))
    main = main_content_tokens(body, headers)
    got = record_tokens(record)
    covered = sum((main & got).values()) / sum(main.values())
    assert covered >= 0.995, sorted((main - got).items())
    # ... and nothing from outside the main content (nav, footer) leaked into the record,
    # apart from link text the independent count drops (reference URLs).
    extra = got - main
    leaked = {w: n for w, n in extra.items() if not any(w in u for u in _urls(record))}
    assert sum(leaked.values()) <= 0.005 * sum(got.values()), leaked


def _urls(record: PageRecord) -> list[str]:
    return [f"{link.url} {link.text}".lower() for link in record.links]


@pytest.mark.parametrize("page", [p.name for p in PAGES])
def test_links_are_absolute(page: str) -> None:
    record = parsed(page)
    assert record.links
    for link in record.links:
        assert re.match(r"^(?:https?|mailto|javascript):", link.url), link
        assert type(link.url) is str and type(link.text) is str
