"""``assemble_case``: the pages of one case, in any order, into one ``CaseRecord``.

A canonical section that spans pages is joined with a blank line ("\\n\\n") in page order;
unknown headings and unplaced text become ``other_sections`` with their page number, except
text before the first heading of a page, which continues the section the previous page ended
in (its heading not repeated after the page break; a case warning says so);
references are concatenated in page order and de-duplicated by number (first wins);
contact and copyright come from the first page that has them. ``content_sha256`` hashes a
canonical JSON (sorted keys, no spaces) of the case's content fields only
(``CASE_CONTENT_FIELDS``, keyed by field name), so re-fetching
byte-different but content-identical pages leaves it unchanged.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import fields, is_dataclass, replace
from functools import cache
from typing import Any

from .labels import alias_key
from .records import (
    CASE_CONTENT_FIELDS,
    CASE_HIDDEN_MEMBERS,
    REFERENCES_KEY,
    SECTION_KEYS,
    CaseRecord,
    Figure,
    OtherSection,
    PageRecord,
    PageRef,
    Reference,
    Section,
)


def _plain(value: Any, hidden: frozenset[str] = frozenset()) -> Any:
    """A record value as JSON-ready data, as ``dataclasses.asdict`` gives it without its
    deep copy of every string: dataclasses as dicts (the outer ones without their
    ``hidden`` members), sequences and mappings member by member."""
    if isinstance(value, (str, int, float)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v, hidden) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(getattr(value, k)) for k in _field_names(type(value))
                if k not in hidden}
    return value


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def content_hash(case: CaseRecord) -> str:
    """SHA-256 of the case's extracted content (not its URLs or body hashes)."""
    return _hash_fields(case, CASE_CONTENT_FIELDS)


def _hash_fields(record: Any, names: tuple[str, ...]) -> str:
    """SHA-256 of a canonical JSON (sorted keys, no spaces) of ``record``'s fields ``names``,
    records without their non-content members."""
    content = {name: _plain(getattr(record, name), CASE_HIDDEN_MEMBERS.get(name, frozenset()))
               for name in names}
    blob = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


#: What one page says, hashed by ``page_content_hash``: its own content fields, none of its
#: bytes, URLs, links or furniture.
PAGE_CONTENT_FIELDS: tuple[str, ...] = (
    "title", "page_number", "page_total", "sections", "references", "contact", "copyright",
    "figures",
)


def page_content_hash(page: PageRecord) -> str | None:
    """SHA-256 of what one parsed page says (``PAGE_CONTENT_FIELDS``; a figure by its content
    members, not its URL), or None for a page without case-like content, whose empty
    content tells no page from another.

    Two URLs whose pages hash alike show one page in two wrappers (a printable view, a
    permanent link to the current revision, another template around the same text): the
    crawler records them once, the second as an alias of the first."""
    if not page.is_case_page:
        return None
    return _hash_fields(page, PAGE_CONTENT_FIELDS)


def assemble_case(
    case_id: str,
    pages: list[tuple[PageRecord, PageRef]],
    failed_urls: Iterable[str] = (),
    case_key: str | None = None,
) -> CaseRecord:
    """One case record from its parsed pages (any order) and the URLs that failed;
    ``case_key`` is the readable key ``case_id`` was hashed from."""
    ordered = sorted(pages, key=lambda pr: (pr[1].page_number, pr[1].url))
    failed = list(failed_urls)
    first = ordered[0] if ordered else None
    titled = next((p for p, _ in ordered if p.title), None)
    title = (titled.title or "") if titled else ""
    title = _route_case_furniture([p for p, _ in ordered], title,
                                  shown=titled is not None and titled.title_shown)
    totals = [p.page_total for p, _ in ordered if p.page_total]
    # Every known page counts, failed ones too: a failed page 2 still makes a 2-page case.
    page_count = max([len(ordered) + len(failed), *totals,
                      *(ref.page_number for _, ref in ordered)])
    case = CaseRecord(
        case_id=case_id,
        title=title,
        url=first[1].url if first else "",
        page_count=page_count,
        pages=[ref for _, ref in ordered],
        complete=not failed,
        failed_urls=failed,
        case_key=case_key,
    )
    _warn_untitled(case)
    texts: dict[str, list[str]] = {}
    refs: list[Reference] = []
    figures: list[Figure] = []
    seen_numbers: set[int] = set()
    open_key: str | None = None  # the section the previous page ended in
    open_other: OtherSection | None = None
    for page, ref in ordered:
        n = ref.page_number
        for i, section in enumerate(page.sections):
            if i == 0 and _continues(section):
                if open_key is not None:
                    texts[open_key].append(section.text)
                    _note_continuation(case, n, open_key)
                    continue
                if open_other is not None:
                    open_other.text = f"{open_other.text}\n\n{section.text}"
                    _note_continuation(case, n, repr(open_other.heading))
                    continue
            open_key, open_other = None, None
            if section.key in SECTION_KEYS:
                texts.setdefault(section.key, []).append(section.text)
                open_key = section.key
            elif section.key != REFERENCES_KEY:
                other = OtherSection(section.heading, section.text, n)
                case.other_sections.append(other)
                open_other = other if section.heading is not None else None
        for reference in page.references:
            if reference.number is not None:
                if reference.number in seen_numbers:
                    continue
                seen_numbers.add(reference.number)
            refs.append(reference)
        figures.extend(replace(f, page_number=n) for f in page.figures)
        if case.contact is None and page.contact is not None:
            case.contact = page.contact
        if case.copyright is None and page.copyright:
            case.copyright = page.copyright
        case.warnings.extend(f"page {n}: {w}" for w in page.warnings)
    for key in SECTION_KEYS:
        parts = [t for t in texts.get(key, []) if t]
        if key in texts:
            setattr(case, key, "\n\n".join(parts))
        else:
            case.missing_sections.append(key)
    case.references = refs
    case.figures = figures
    case.content_sha256 = content_hash(case)
    return case


#: The longest line taken for a visible title block.
_TITLE_MAX = 150


def _warn_untitled(case: CaseRecord) -> None:
    """A case none of whose pages gives a usable title says so (its pages need not: a
    later page named only "Page 2" leaves the title to its case's first page)."""
    if not case.title:
        case.warnings.append("title: no page of the case gives a usable title")


def _title_like(text: str) -> bool:
    """A short one-line text that could be a title: no list item, no sentence end."""
    return (0 < len(text) <= _TITLE_MAX and "\n" not in text and not text.startswith("- ")
            and not text.endswith((".", ":", ";", "|")) and any(c.isalpha() for c in text))


def _page_texts(page: PageRecord) -> list[str]:
    """A page's title-like texts in page order: headings, whole sections and paragraphs."""
    out: list[str] = []
    for section in page.sections:
        for text in (section.heading or "", *section.text.split("\n\n")):
            if _title_like(text) and text not in out:
                out.append(text)
    return out


#: How many title-like texts at the top of a page may hold its title block (a breadcrumb,
#: a "Page N of M" line or a site banner can stand above it).
_LEAD_MAX = 3


def _lead_texts(page: PageRecord) -> list[str]:
    """Where a page's title block stands: its first title-like texts before the first
    section under a recognised heading. A recognised heading (alias or synonym) is never
    one of them, nor a heading the page opens a section with (its text follows)."""
    out: list[str] = []
    for section in page.sections:
        if section.key is not None or len(out) >= _LEAD_MAX:
            break
        for text in _title_parts(section):
            if _title_like(text) and alias_key(text)[0] is None and text not in out:
                out.append(text)
    return out[:_LEAD_MAX]


def _title_parts(section: Section) -> list[str]:
    """A section's texts that may be a title block: its heading and its paragraphs."""
    paras = section.text.split("\n\n") if section.text else []
    return [section.heading, *paras] if section.heading else paras


def _section_headings(pages: list[PageRecord]) -> set[str]:
    """Headings the pages use as section headings: a recognised key, or text under the
    heading on every page that shows it (a title block stands alone on some page: over
    page 1's first heading, or as a paragraph)."""
    keyed: set[str] = set()
    with_body: set[str] = set()
    alone: set[str] = set()
    for page in pages:
        for s in page.sections:
            if s.heading and s.key is not None:
                keyed.add(s.heading)
            elif s.heading:
                (with_body if _has_body(s.text) else alone).add(s.heading)
            alone.update(s.text.split("\n\n"))
    return keyed | (with_body - alone)


def _has_body(text: str) -> bool:
    return any(c.isalnum() for c in text)


def _route_case_furniture(pages: list[PageRecord], title: str, shown: bool = False) -> str:
    """The case title by cross-page evidence, and the case's furniture moved out of its
    sections into each page's ``furniture`` (nothing dropped; pages changed in place).
    ``shown``: the page that gave ``title`` shows it as a heading (``title_shown``).

    * Visible title: a short one-line text that every page of a case of two or more pages
      carries (a block of its own, a paragraph, a heading) is the title block the site
      repeats over each page; the first such text of page 1 wins over a ``<title>`` that
      no page shows (a generic site name). A ``<title>`` a page shows as its heading is
      the title, whatever box heads every page above it (a CMS's "Article Index"); that
      repeated text is then the site's banner over every page, unplaced text moved to
      furniture (a Notes navigator's "AAAM" over each page of a case).
    * The title is never content: a paragraph equal to it (when it has cross-page
      evidence) or a block of its own equal to it goes to furniture; a heading equal to
      it is the repeated title over a continuing page, so its text is unplaced (it
      continues the previous page's section).
    * A boxed block (heading and text) repeated identically on two or more pages of the
      case is a sidebar widget: furniture. So is a boxed block whose heading and every
      line of text another page of the case has as furniture (the side column the
      structure marked there, on a page too short for its density to show).
    """
    counts: dict[str, int] = {}
    for page in pages:
        for text in _page_texts(page):
            counts[text] = counts.get(text, 0) + 1
    banner = _visible_title(pages) if len(pages) >= 2 and title not in counts else None
    if banner is not None and not shown:
        title, banner = banner, None
    boxes: dict[tuple[str, str], int] = {}
    for page in pages:
        for section in {(s.heading, s.text) for s in page.sections
                        if s.key is None and s.heading is not None}:
            boxes[section] = boxes.get(section, 0) + 1
    evidence = counts.get(title, 0) >= 2
    repeated = {b for b, n in boxes.items() if n >= 2}
    lines = [frozenset(page.furniture.split("\n")) for page in pages]
    for i, page in enumerate(pages):
        others = frozenset().union(*lines[:i], *lines[i + 1:])
        _strip_page(page, title, evidence,
                    repeated | {b for b in boxes if _furniture_elsewhere(b, others)}, banner)
    return title


def _furniture_elsewhere(box: tuple[str, str], others: frozenset[str]) -> bool:
    """Are a box's heading and every line of its text furniture lines of other pages?"""
    heading, text = box
    return heading in others and all(
        line in others or line.removeprefix("- ") in others
        for line in text.split("\n") if line)


def _visible_title(pages: list[PageRecord]) -> str | None:
    """The title block every page shows: a text at the top of every page (``_lead_texts``)
    that no page uses as a section heading; the first such text of page 1. A later page
    may show it as a furniture line of its own instead: a template's title area stands
    outside the content area that page's structure names (a page long enough for its
    content element to hold half its text) and inside the content of a shorter one."""
    leads = [_lead_texts(page) for page in pages]
    headings = _section_headings(pages)
    shown = [set(lead).union(page.furniture.split("\n"))
             for lead, page in zip(leads[1:], pages[1:], strict=True)]
    return next((t for t in leads[0] if t not in headings
                 and all(t in texts for texts in shown)), None)


def _strip_page(page: PageRecord, title: str, evidence: bool,
                boxes: set[tuple[str, str]], banner: str | None = None) -> None:
    """``_route_case_furniture`` on one page; ``banner``: the text every page repeats at
    its top that is not the title, moved out of the unplaced text."""
    moved: list[str] = []
    kept: list[Section] = []
    for section in page.sections:
        if section.key is None and section.heading is not None and (
                (section.heading, section.text) in boxes or section.text == title):
            moved.extend([section.heading, section.text])
            continue
        if title and section.heading == title and section.key is None:
            moved.append(title)
            section = Section(None, None, section.text)
        strip = [title] if title and (evidence or section.heading is None) else []
        if banner and section.key is None and section.heading is None:
            strip.append(banner)
        rest = _without_paragraphs(section, strip, moved)
        if rest is not None:
            kept.append(rest)
    if moved:
        page.sections = kept
        page.furniture = "\n".join(filter(None, [page.furniture, *moved]))
        _recount_unplaced(page)


def _without_paragraphs(section: Section, texts: list[str], moved: list[str]
                        ) -> Section | None:
    """``section`` without its paragraphs equal to one of ``texts`` (they join ``moved``);
    None when a section under no key is left with nothing."""
    if not texts:
        return section
    paras = section.text.split("\n\n")
    rest = [p for p in paras if p not in texts]
    if len(rest) == len(paras):
        return section
    moved.extend(p for p in paras if p in texts)
    if not rest and section.key is None:
        return None
    return replace(section, text="\n\n".join(rest))


def _recount_unplaced(page: PageRecord) -> None:
    """``unplaced_chars`` and the "unplaced text" warnings of a page whose furniture the
    case moved out of its sections: what is left unplaced, and nothing else (the moved text
    is the case's furniture, placed and accounted for)."""
    warnings = [w for w in page.warnings if not w.startswith("unplaced text: ")]
    unplaced = 0
    for i, section in enumerate(page.sections):
        if section.rule != "unplaced":
            continue
        unplaced += len(section.text)
        last = len(page.sections) - 1
        where = ("under no heading" if last == 0 else
                 "among the footer" if i == last else "before the first heading")
        warnings.append(f"unplaced text: {len(section.text)} chars {where}")
    page.warnings = warnings
    page.unplaced_chars = unplaced


def _note_continuation(case: CaseRecord, page: int, what: str) -> None:
    case.warnings.append(f"page {page}: text before the first heading continues {what}")


def _continues(section: Section) -> bool:
    """Unplaced text at the top of a page: the section open at the end of the previous page
    goes on (a reader sees one section cut by the page break, its heading not repeated)."""
    return section.rule == "unplaced" and section.key is None and section.heading is None
