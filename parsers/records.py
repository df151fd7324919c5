"""Typed records that flow from the parsers to the exports.

Text format of every section and free-text field: plain Unicode text, entities decoded;
whitespace inside a line collapsed to single spaces; a line break written as ``<br>`` kept as
one ``\\n``; paragraphs separated by one blank line (``\\n\\n``); list items one per line
prefixed ``"- "``; table rows one per line with cells joined by ``" | "``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: Canonical section keys, in the order they appear on a case.
SECTION_KEYS: tuple[str, ...] = (
    "history",
    "physical_exam",
    "differential_diagnosis",
    "tests_and_results",
    "working_diagnosis",
    "treatment",
    "outcome",
    "authors_comments",
    "editors_comments",
)

#: The key of the references section; its text becomes ``Reference`` records.
REFERENCES_KEY = "references"

#: The values of ``Section.rule``, from the most to the least specific evidence.
SECTION_RULES: tuple[str, ...] = ("alias", "synonym", "form", "content", "unplaced")


@dataclass(slots=True)
class Link:
    """An ``<a href>`` of a page, resolved against the page URL."""

    url: str
    """Absolute URL (fragment kept; the crawler canonicalises)."""
    text: str
    """Visible link text, whitespace collapsed."""
    rel: str = ""
    """The ``rel`` attribute, lower-cased ("" when absent)."""


@dataclass(slots=True)
class Section:
    """One labelled block of a page, in page order."""

    key: str | None
    """Canonical key from ``SECTION_KEYS`` (or ``"references"``); None for an unknown heading
    or for text that could not be placed under any heading."""
    heading: str | None
    """The label as written on the page (without its colon); None for unplaced text."""
    text: str
    """Section text in the module's text format, heading excluded."""
    rule: str = "unplaced"
    """Which rule found the section (see ``SECTION_RULES``): ``alias`` (the heading is in the
    alias table), ``synonym`` (its words match one key's synonym bank), ``form`` (a heading by
    its form, key None), ``content`` (references recognised by their entries),
    ``unplaced`` (text under no heading, key and heading None)."""


@dataclass(slots=True)
class Reference:
    """One numbered reference."""

    number: int | None
    """The reference's number as printed ("1.", "[1]", list position); None if unnumbered."""
    text: str
    """Reference text without its number, whitespace collapsed."""
    doi: str | None = None
    """Bare DOI such as ``10.1212/01.CON.0000455877.60932.d3``."""
    url: str | None = None
    """First http(s) URL, trailing punctuation removed; a doi.org link fills ``doi`` too."""
    pmid: str | None = None
    """PubMed id when the reference prints one ("PMID: 123")."""


@dataclass(slots=True)
class Contact:
    """The contact NOTE footer of a page ("NOTE: For more information, please contact ...")."""

    organization: str | None = None
    street: str | None = None
    """Street address including suite, e.g. "4000 W. 114th Street, Suite 100"."""
    city: str | None = None
    state: str | None = None
    """Two-letter US state code."""
    postal_code: str | None = None
    phone: str | None = None
    """Main phone number normalised as "(913) 327-1415" (never the fax)."""
    email: str | None = None


@dataclass(slots=True)
class PageRecord:
    """Everything extracted from one fetched page."""

    url: str
    """The URL the bytes were fetched from (after redirects)."""
    is_case_page: bool
    """The parser's *content verdict*: True when the page has case-like content (at least
    one section found by alias, synonym, form or content with real text) and is not a soft
    404. It does not decide case membership: the crawler does, from navigation evidence,
    and a member page with a False verdict is still kept (its ``sections`` hold its text)."""
    skip_reason: str | None = None
    """Why the verdict is False ("no case sections", "soft 404", "empty document", "parse
    error"); None when it is True."""
    title: str | None = None
    """Case title without its page suffix (" - Page #4", " | Site")."""
    page_number: int | None = None
    """Page number from the title, visible heading or pager text; 1 for a parsed page that
    prints none; None only when the body could not be parsed."""
    page_total: int | None = None
    """Total page count when the page prints one ("Page 4 of 6")."""
    page_number_source: str = "default"
    """Where ``page_number`` came from: ``heading`` (the visible heading), ``title``
    (``<title>``), ``pager`` ("Page 5 of 6", the unlinked number of a numbered pager),
    ``default`` (1: nothing visible said; the URL's number is not used, see
    ``url_page_param``)."""
    url_page_param: int | None = None
    """The page number the URL carries (``?page=N``, ``/page/N``, ``-page-N``), as written:
    0-based pagers exist, so the crawler learns the base by comparing it with
    ``page_number`` on pages that print theirs."""
    sections: list[Section] = field(default_factory=list)
    """All sections in page order: canonical ones, unknown headings and unplaced text.
    Always filled for a parsed page, whatever the verdict: text under no heading is a
    ``Section(None, None, text)`` with a warning."""
    references: list[Reference] = field(default_factory=list)
    contact: Contact | None = None
    copyright: str | None = None
    """The © line without the address that follows it."""
    links: list[Link] = field(default_factory=list)
    """Every link of the page, for the crawler's discovery."""
    encoding: str = "utf-8"
    """Codec the body was decoded with."""
    encoding_repaired: bool = False
    """True when the declared charset was wrong and the body was re-decoded."""
    warnings: list[str] = field(default_factory=list)
    unplaced_chars: int = 0
    """Characters of main content that landed under no heading (kept as a null-key section)."""
    furniture: str = ""
    """Page furniture, one line per line: navigation, sidebars, pager, breadcrumbs, counters,
    site credit, CMS blocks outside the content. Kept so that nothing is lost; never part
    of a case field."""

    def to_json(self) -> dict[str, Any]:
        """The page as printed by ``casearchive parse``."""
        known = {s.key: s.text for s in self.sections if s.key and s.key != REFERENCES_KEY}
        other = [
            {"heading": s.heading, "text": s.text, "rule": s.rule}
            for s in self.sections
            if s.key is None
        ]
        rules = {s.key: s.rule for s in self.sections if s.key}
        return {
            "url": self.url,
            "is_case_page": self.is_case_page,
            "skip_reason": self.skip_reason,
            "title": self.title,
            "page_number": self.page_number,
            "page_total": self.page_total,
            "page_number_source": self.page_number_source,
            "url_page_param": self.url_page_param,
            "sections": known,
            "section_rules": rules,
            "other_sections": other,
            "references": [asdict(r) for r in self.references],
            "contact": asdict(self.contact) if self.contact else None,
            "copyright": self.copyright,
            "encoding": self.encoding,
            "encoding_repaired": self.encoding_repaired,
            "warnings": list(self.warnings),
            "unplaced_chars": self.unplaced_chars,
            "furniture": self.furniture,
        }


@dataclass(slots=True)
class PageRef:
    """A page of a case as listed in the case record."""

    page_number: int
    url: str
    """Canonical URL of the page: fragment and session ids removed, query parameters
    sorted, a default ``page=1`` dropped."""
    content_sha256: str | None
    """SHA-256 of the fetched body bytes (None when the page failed)."""


@dataclass(slots=True)
class OtherSection:
    """A section under a heading the alias table does not know (or unplaced text)."""

    heading: str | None
    text: str
    page_number: int


@dataclass(slots=True)
class CaseRecord:
    """One case, assembled from all of its pages: the migration contract."""

    case_id: str
    """Stable id derived from the case's canonical URL (path and query, page part removed)."""
    title: str
    url: str
    """Canonical URL of page 1 (see ``PageRef.url``)."""
    page_count: int
    pages: list[PageRef]
    history: str | None = None
    physical_exam: str | None = None
    differential_diagnosis: str | None = None
    tests_and_results: str | None = None
    working_diagnosis: str | None = None
    treatment: str | None = None
    outcome: str | None = None
    authors_comments: str | None = None
    editors_comments: str | None = None
    other_sections: list[OtherSection] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    contact: Contact | None = None
    copyright: str | None = None
    complete: bool = True
    """False when a page of the case failed; ``failed_urls`` says which."""
    failed_urls: list[str] = field(default_factory=list)
    missing_sections: list[str] = field(default_factory=list)
    """Canonical section keys found on no page of the case (so a null is never silent)."""
    warnings: list[str] = field(default_factory=list)
    """Parser warnings of the case's pages, prefixed "page N: "."""
    content_sha256: str = ""
    """SHA-256 of the case's normalised extracted content (not of its HTML)."""
