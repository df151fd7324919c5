"""Typed records that flow from the parsers to the exports.

Text format of every section and free-text field: plain Unicode text, entities decoded;
whitespace inside a line collapsed to single spaces; a line break written as ``<br>`` kept as
one ``\\n``; paragraphs separated by one blank line (``\\n\\n``); list items one per line
prefixed ``"- "``; table rows one per line with cells joined by ``" | "``.
"""

from __future__ import annotations

import types
import typing
from dataclasses import asdict, dataclass, field, fields, is_dataclass
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

#: Roles of a ``CaseRecord`` field (its ``metadata["role"]``). ``content`` fields are what the
#: case says: they feed ``content_sha256`` and the snapshot diff. ``identity`` fields say
#: which case it is and where it lives; ``provenance`` fields say how the crawl went.
CONTENT, IDENTITY, PROVENANCE = "content", "identity", "provenance"


def role(name: str, **kwargs: Any) -> Any:
    """A dataclass ``field`` carrying its role (see ``CONTENT``) in its metadata."""
    return field(metadata={"role": name}, **kwargs)


@dataclass(slots=True)
class Link:
    """An ``<a href>`` of a page, resolved against the page URL."""

    url: str
    """Absolute URL (fragment kept; the crawler canonicalises)."""
    text: str
    """Visible link text, whitespace collapsed."""
    rel: str = ""
    """The ``rel`` attribute, lower-cased ("" when absent)."""
    target: str = ""
    """The frame the link opens in: its ``target`` attribute ("" when absent); for the
    document of a ``<frame>`` or ``<iframe>`` of the page, the frame's name (``"frame"``
    when it has none)."""
    nav: bool = False
    """The link stands in the page's navigation (a menu, a side column, a link bar: the
    blocks that go to the furniture), not in its content."""
    in_link_list: bool = False
    """``nav`` only because its container is made of links (three or more, most of its
    text), not because the page's structure or names mark the container as navigation:
    a plain list of links, which may be the content's own list of cases."""

    def __reduce__(self) -> tuple[type[Link], tuple[str, str, str, str, bool, bool]]:
        """Pickled as its fields: records cross processes when re-extraction parses ahead,
        and a slots dataclass's default (state as a dict) costs twice the time."""
        return (Link, (self.url, self.text, self.rel, self.target, self.nav,
                       self.in_link_list))

    @property
    def framed(self) -> bool:
        """Does the link show its document inside a frame of the page's frameset (a named
        target, not ``_blank``, ``_top``, ``_parent`` or ``_self``)?"""
        return bool(self.target) and not self.target.startswith("_")


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

    def __reduce__(self) -> tuple[type[Section], tuple[str | None, str | None, str, str]]:
        """Pickled as its fields (as ``Link``)."""
        return (Section, (self.key, self.heading, self.text, self.rule))


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
    """Organisation name."""
    street: str | None = None
    """Street address including suite, e.g. "4000 W. 114th Street, Suite 100"."""
    city: str | None = None
    """City."""
    state: str | None = None
    """Two-letter US state code."""
    postal_code: str | None = None
    """ZIP code as printed."""
    phone: str | None = None
    """Main phone number normalised as "(913) 327-1415" (never the fax)."""
    email: str | None = None
    """E-mail address."""


@dataclass(slots=True)
class Figure:
    """An image inside a case's content (not site chrome), in page order.

    Its content is what it shows and says (page, alt, caption, media type, bytes); its URL
    (host and port included, like a page's) and WARC record are where it was found, so a
    moved site or a new crawl is no change of the case."""

    page_number: int = role(CONTENT, default=1)
    """Page of the case the image is on."""
    url: str = role(IDENTITY, default="")
    """Absolute URL of the image (its src resolved against the page)."""
    alt: str | None = role(CONTENT, default=None)
    """The alt text, whitespace collapsed; None when absent or empty."""
    caption: str | None = role(CONTENT, default=None)
    """Its figure's figcaption text, else its title attribute; None when neither."""
    media_type: str | None = role(CONTENT, default=None)
    """Media type the server gave (e.g. "image/png"); None when not fetched."""
    sha256: str | None = role(CONTENT, default=None)
    """SHA-256 (hex) of the image bytes; None when not fetched (failed, or --no-requisites)."""
    warc_record_id: str | None = role(PROVENANCE, default=None)
    """WARC-Record-ID of the image's response (or revisit) record in pages.warc.gz."""


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
    error", or "not a text page (...)": binary bytes served as a page, ``encoding.not_text``,
    which the crawl loses as it loses an unreadable download); None when it is True."""
    title: str | None = None
    """Case title without its page suffix (" - Page #4", " | Site")."""
    title_shown: bool = False
    """True when the page shows its title as a heading: one its ``<title>`` (or its
    breadcrumb) corroborates, or one that carries a page marker ("X - Page #1"). A title
    the page shows is no generic site name: ``case.assemble_case`` trusts it over a text
    every page of the case repeats."""
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
    """The page's references in printed order (from its references section)."""
    contact: Contact | None = None
    """The contact NOTE footer; None when the page has none."""
    copyright: str | None = None
    """The © line without the address that follows it."""
    links: list[Link] = field(default_factory=list)
    """Every link of the page, for the crawler's discovery."""
    canonical_link: str | None = None
    """The page's ``<link rel="canonical" href>``, resolved; None when it declares none."""
    encoding: str = "utf-8"
    """Codec the body was decoded with."""
    encoding_repaired: bool = False
    """True when the declared charset was wrong and the body was re-decoded."""
    warnings: list[str] = field(default_factory=list)
    """What the parser noticed and worked around (odd markup, unplaced text, ...)."""
    unplaced_chars: int = 0
    """Characters of main content that landed under no heading (kept as a null-key section)."""
    furniture: str = ""
    """Page furniture, one line per line: navigation, sidebars, pager, breadcrumbs, counters,
    site credit, CMS blocks outside the content. Kept so that nothing is lost; never part
    of a case field."""
    requisites: list[str] = field(default_factory=list)
    """URLs of what a browser fetches to render the page (images, stylesheets, scripts)."""
    figures: list[Figure] = field(default_factory=list)
    """Images of the page's content (not site chrome); ``casearchive.parsers.figures``."""

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
    """1-based page number."""
    url: str
    """Canonical URL of the page: scheme and host lower-cased, default port, fragment and
    session ids removed, query parameters sorted; a page parameter is dropped only where the
    site's own pager shows it names the first page (``page=0`` on a 0-based pager, ``page=1``
    on a 1-based one). The page's other URLs are ``aliases`` in ``pages.parquet``."""
    content_sha256: str | None
    """SHA-256 of the fetched body bytes (None when the page failed)."""


@dataclass(slots=True)
class OtherSection:
    """A section under a heading the alias table does not know (or unplaced text)."""

    heading: str | None
    """Heading as written; None for unplaced text."""
    text: str
    """Section text in the records text format."""
    page_number: int
    """Page the section was found on."""


@dataclass(slots=True)
class CaseRecord:
    """One case, assembled from all of its pages: the migration contract.

    Every field carries its role (``role(...)``); ``CASE_CONTENT_FIELDS`` is derived from it,
    so adding a content field here adds it to ``content_sha256`` and the diff at once.
    """

    case_id: str = role(IDENTITY)
    """Stable id of the case: the first 16 hex digits of the SHA-256 of ``case_key``."""
    title: str = role(CONTENT)
    """Case title without page suffix."""
    url: str = role(IDENTITY)
    """Canonical URL of page 1 (see ``PageRef.url``)."""
    page_count: int = role(CONTENT)
    """Number of pages of the case: every known page, failed ones included."""
    pages: list[PageRef] = role(PROVENANCE)
    """The case's fetched pages in page order (failed pages are in failed_urls and, with
    their reason, in pages.parquet)."""
    history: str | None = role(CONTENT, default=None)
    """Section text in the records text format; null when no page has the section."""
    physical_exam: str | None = role(CONTENT, default=None)
    """Section text in the records text format; null when no page has the section."""
    differential_diagnosis: str | None = role(CONTENT, default=None)
    """Section text in the records text format; null when no page has the section."""
    tests_and_results: str | None = role(CONTENT, default=None)
    """Section text in the records text format; null when no page has the section."""
    working_diagnosis: str | None = role(CONTENT, default=None)
    """Section text in the records text format; null when no page has the section."""
    treatment: str | None = role(CONTENT, default=None)
    """Section text in the records text format; null when no page has the section."""
    outcome: str | None = role(CONTENT, default=None)
    """Section text in the records text format; null when no page has the section."""
    authors_comments: str | None = role(CONTENT, default=None)
    """Section text in the records text format; null when no page has the section."""
    editors_comments: str | None = role(CONTENT, default=None)
    """Section text in the records text format; null when no page has the section."""
    other_sections: list[OtherSection] = role(CONTENT, default_factory=list)
    """Sections under unknown headings and unplaced text, in page order."""
    references: list[Reference] = role(CONTENT, default_factory=list)
    """References in printed order."""
    contact: Contact | None = role(CONTENT, default=None)
    """Contact footer; null when no page has one."""
    copyright: str | None = role(CONTENT, default=None)
    """The (c) line without the address."""
    complete: bool = role(PROVENANCE, default=True)
    """False when a page of the case failed."""
    failed_urls: list[str] = role(PROVENANCE, default_factory=list)
    """URLs of the pages that failed."""
    missing_sections: list[str] = role(PROVENANCE, default_factory=list)
    """Canonical section keys found on no page of the case."""
    warnings: list[str] = role(PROVENANCE, default_factory=list)
    """Parser warnings, prefixed "page N: "."""
    content_sha256: str = role(PROVENANCE, default="")
    """SHA-256 of the case's normalised extracted content (not of its HTML)."""
    figures: list[Figure] | None = role(CONTENT, default_factory=list)
    """Images inside the case's content (not site chrome), in page order. None in snapshots
    written before schema 1.1."""
    case_key: str | None = role(IDENTITY, default=None)
    """Readable identity of the case: path and query of its canonical URL with the page part
    removed (e.g. "/cases/case.php?id=77"); case_id is hashed from it. None in snapshots
    written before schema 1.1."""


def fields_with_role(record: type, name: str) -> tuple[str, ...]:
    """Names of ``record``'s fields whose role is ``name``, in declaration order."""
    return tuple(f.name for f in fields(record) if f.metadata.get("role") == name)


#: The case's content fields, in record order: hashed into ``content_sha256`` and compared
#: by the snapshot diff. Derived, never written out.
CASE_CONTENT_FIELDS: tuple[str, ...] = fields_with_role(CaseRecord, CONTENT)


def _record_type(hint: Any) -> type | None:
    """The record class a field holds (itself, in a list, or optional); None for scalars."""
    if is_dataclass(hint):
        return hint  # type: ignore[return-value]
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) in (list, typing.Union):
        return next((t for t in map(_record_type, typing.get_args(hint)) if t), None)
    return None


def nested_record_types(record: type) -> dict[str, type]:
    """The fields of ``record`` that hold records (alone, in a list, or optional) and the
    record class each holds: what a reader needs to rebuild the record from JSON."""
    hints = typing.get_type_hints(record)
    found = {f.name: _record_type(hints[f.name]) for f in fields(record)}
    return {name: item for name, item in found.items() if item is not None}


def _hidden_members(record: type) -> dict[str, frozenset[str]]:
    """Per content field holding records: the members that are not content (e.g. a
    figure's ``warc_record_id``, new on every crawl), left out of the hash and the diff."""
    nested = nested_record_types(record)
    out = {}
    for name in fields_with_role(record, CONTENT):
        item = nested.get(name)
        if item is not None:
            hidden = frozenset(f.name for f in fields(item)
                               if f.metadata.get("role", CONTENT) != CONTENT)
            if hidden:
                out[name] = hidden
    return out


#: Content fields whose records carry non-content members, and those members' names.
CASE_HIDDEN_MEMBERS: dict[str, frozenset[str]] = _hidden_members(CaseRecord)
