"""``parse_page``: one fetched page in, one ``PageRecord`` out. Never raises.

Pipeline: decode (``encoding``) -> one lxml tree (``huge_tree``; a document too deep even
for that is re-parsed with its nesting tags stripped) -> one walk (``text``) -> segments
(``sections``) -> title, references, contact, links. Anything that goes wrong becomes a
warning on the record, never an exception.
"""

from __future__ import annotations

import gc
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import fields
from urllib.parse import parse_qsl, unquote, urlsplit

from lxml import etree

from .contact import copyright_holder, parse_contact, split_copyright
from .content import mark_furniture
from .encoding import decode, not_text
from .figures import find_media
from .labels import (
    FLATTEN_ALL_RE,
    FLATTEN_TAG_RE,
    JUNK_TITLE_RE,
    PAGE_MID_RE,
    PAGE_PREFIX_RE,
    PAGE_SEGMENT_RE,
    PAGE_SUFFIX_RE,
    SITE_PREFIX_RE,
    SOFT404_RE,
    STYLE_TAGS,
    TITLE_DECORATION_RE,
    TITLE_PART_SEP_RE,
    TITLE_SITE_SEP_RE,
    XML_DECL_RE,
    heading_rule,
    normalize_label,
    title_names,
)
from .links import canonical_link, resolve_links
from .pagenum import url_page_number
from .records import REFERENCES_KEY, SECTION_KEYS, Contact, PageRecord, Section
from .references import apply_content_rule, parse_references
from .sections import Part, RawSection, Segments, render, segment, starts_with_label
from .symbols import mentions_symbol_font, read_symbol_font
from .text import (
    BLANK_DIV_RE,
    break_preformatted_lines,
    collapse,
    drop_invisible,
    join_editor_lines,
    raise_scripts,
    walk,
)

_CANONICAL = frozenset(SECTION_KEYS) | {REFERENCES_KEY}
_local = threading.local()
_TITLE_TRIM = " -\u2013\u2014:|,\u00b7\u2022\u00bb"
_WORD_RE = re.compile(r"[^\W\d_]{2,}")
_CONTACT_FIELDS = tuple(f.name for f in fields(Contact))


def _parser() -> etree.HTMLParser:
    """A per-thread parser (lxml parsers must not be shared between threads)."""
    parser = getattr(_local, "parser", None)
    if parser is None:
        # Plain etree parser: lxml.html's element-class lookup costs a Python call per node.
        parser = _local.parser = etree.HTMLParser(huge_tree=True)
    return parser


def _too_deep(parser: etree.HTMLParser) -> bool:
    return any("depth" in e.message for e in parser.error_log)


def build_tree(text: str, warnings: list[str]) -> etree._Element | None:
    """Parse decoded text with lxml; flatten and retry when nesting exceeds libxml2's cap."""
    parser = _parser()
    for attempt, flatten in enumerate((None, FLATTEN_TAG_RE, FLATTEN_ALL_RE)):
        if flatten is not None:
            text = flatten.sub("", text)
        try:
            root = etree.fromstring(text, parser)
        except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
            warnings.append(f"html: could not parse ({exc})")
            return None
        if root is None:
            return None
        if not _too_deep(parser):
            if attempt:
                warnings.append("html: nesting too deep for lxml; parsed with tags flattened")
            return root
    warnings.append("html: nesting too deep even after flattening; text may be missing")
    return root


_CSS_RULE_RE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_CSS_COMMENT_RE = re.compile(r"/\*.*?\*/|<!--|-->", re.S)
_CSS_CLASS_RE = re.compile(r"^\s*(?:[a-z0-9]*)\.([\w-]+)\s*$", re.I)
_BOLD_DECL_RE = re.compile(r"font-weight\s*:\s*(?:bold|bolder|[6-9]00)", re.I)


def bold_classes(css: str) -> set[str]:
    """Classes a style sheet makes bold: simple class selectors (".style3", "span.head")
    whose declarations set font-weight bold (Dreamweaver's generated ``.style3`` rules)."""
    found: set[str] = set()
    css = _CSS_COMMENT_RE.sub(" ", css)
    for selectors, decls in _CSS_RULE_RE.findall(css):
        if _BOLD_DECL_RE.search(decls):
            for sel in selectors.split(","):
                m = _CSS_CLASS_RE.match(sel)
                if m:
                    found.add(m.group(1))
    return found


#: The elements whose inline bold style the walk reads (``text._fmt_token_uncached``).
_BOLDABLE = (*sorted(STYLE_TAGS), "p")


def apply_css_bold(root: etree._Element) -> None:
    """Elements of a class the page's ``<style>`` makes bold get an inline bold style, so
    the walk sees the heading formatting a reader sees. Only the elements whose inline
    style the walk reads (``text._fmt_token``: styling elements and paragraphs) are
    visited: ``iter`` filters them by tag in C, where an XPath over every classed element
    took a third of the walk's time."""
    css = "\n".join("".join(el.itertext()) for el in root.iter("style"))
    classes = bold_classes(css)
    if not classes:
        return
    for el in root.iter(*_BOLDABLE):
        cls = el.get("class")
        if cls and classes.intersection(cls.split()):
            el.set("style", f"{el.get('style') or ''};font-weight:bold".lstrip(";"))


def _has_marker(text: str) -> bool:
    low = text.lower()
    return "page" in low or "part" in low


def parse_title(raw: str) -> tuple[str | None, int | None, int | None]:
    """(title, page number, page total) from a title or heading text.

    "X - Page #4", "X Page # 4", "X - Page 4 of 6", "X (page 4)", "X | Site Name",
    "Page 4: X". Editor titles ("Microsoft Word - case.doc", "Untitled Document") -> None.
    """
    text = undecorate(collapse(raw))
    if not text or JUNK_TITLE_RE.match(text):
        return None, None, None
    m = None
    # The patterns scan slowly; each is tried only when the literal it needs occurs:
    # a separator ("|", "»", "::") or the word "page" or "part" (which re.I matches only
    # in ASCII).
    if _has_marker(text):
        m = PAGE_MID_RE.search(text)
        before = text[: m.start()].rstrip(_TITLE_TRIM + "(") if m is not None else ""
        if before:
            text = before  # "X - Page 2 - Site": the site part follows the marker
        else:
            m = None
    if m is None and ("|" in text or "\u00bb" in text or "\u00b7" in text or "\u2022" in text
                      or "::" in text):
        parts = TITLE_SITE_SEP_RE.split(text)
        if len(parts) > 1:
            marked = [p for p in parts if PAGE_SUFFIX_RE.search(p) or PAGE_PREFIX_RE.match(p)]
            text = marked[0] if marked else parts[0]
    number = total = None
    if m is None and _has_marker(text):
        m = PAGE_SUFFIX_RE.search(text)
        if m is not None:
            text = text[: m.start()]
        else:
            m = PAGE_PREFIX_RE.match(text)
            if m is not None:
                text = text[m.end() :]
    if m is not None:
        number = int(m.group(1))
        total = int(m.group(2)) if m.group(2) else None
    text = text.strip(_TITLE_TRIM)
    if JUNK_TITLE_RE.match(text):
        text = ""
    return text or None, number, total


def undecorate(text: str) -> str:
    """A title without its print-view or continuation decoration ("Print: X", "X
    (printer-friendly version)", "X (continued)")."""
    low = text.lower()
    if "print" in low or "cont" in low:
        return TITLE_DECORATION_RE.sub("", text)
    return text


def strip_site(title: str, names_site: Callable[[str], bool],
               is_holder: Callable[[str], bool] = lambda part: False) -> str:
    """A ``<title>`` without the parts that name the site: parts between separators at the
    site's end that ``names_site`` accepts (``_site_namer``: a furniture line such as the
    masthead or logo, or the copyright holder). The site's end is the start after "»" or
    "::" ("Site » X"), or when the first part is the copyright holder and the last is not
    ("Atlantic Academy - Knee Pain"); else the end ("X – Site"). In the holder's form only
    the holder's parts go: the case's title after it shows as a furniture line too (a
    linked heading, a module of latest cases, an article index), and what follows it is
    the page's own part ("Atlantic Academy - Knee Pain - Differential", Joomla's
    page-break title; "Atlantic Academy - Knee Pain - Page #2")."""
    pieces = TITLE_PART_SEP_RE.split(title)
    if len(pieces) < 2:
        return title
    seps = TITLE_PART_SEP_RE.findall(title)
    by_holder = is_holder(pieces[0]) and not is_holder(pieces[-1])
    site_first = by_holder or seps[0].strip() in ("\u00bb", "::")
    end = 0 if site_first else -1
    names_part = is_holder if by_holder else names_site
    while len(pieces) > 1 and names_part(pieces[end]):
        pieces.pop(end)
        seps.pop(end)
    return pieces[0] + "".join(sep + piece for sep, piece in zip(seps, pieces[1:], strict=True))


def _site_namer(segs: Segments, furniture: bool = True) -> Callable[[str], bool]:
    """Does a title part name the site? When it is a short furniture line (unless
    ``furniture`` is False: a side list of recent cases names cases too) or the copyright
    holder, and never a generic page name ("Home", "Case Studies": a menu entry, not the
    site). Lines are compared only when their lengths are close (most pages never ask)."""
    def names_site(part: str) -> bool:
        norm = normalize_label(part)
        if not norm or JUNK_TITLE_RE.match(norm):
            return False
        n = len(part)
        if furniture and any(abs(len(line) - n) <= 3 and normalize_label(line) == norm
                             for line in segs.furniture):
            return True
        copyright_line = segs.footer.copyright_line
        holder = copyright_holder(split_copyright(copyright_line)[0]) if copyright_line else None
        return holder is not None and normalize_label(holder) == norm
    return names_site


def _soft_404(title: str, segs: Segments) -> bool:
    if SOFT404_RE.search(title):
        return True
    head = " ".join(p[2] for p in segs.preamble[:6])
    return bool(SOFT404_RE.search(head))


_SITE_SEPARATORS = frozenset("-|:\u2013\u2014\u00bb\u00b7\u2022")
#: Where a page number comes from, by precedence (``PageRecord.page_number_source``).
#: The URL's number is never a source: its base (0 or 1) is the crawler's to learn.
PAGE_SOURCES = ("heading", "title", "pager", "default")
Evidence = dict[str, tuple[int, int | None]]


def _title_and_preamble(tag_title: str, segs: Segments
                        ) -> tuple[str | None, Evidence, list[Part], bool]:
    """Title and page-number evidence from ``<title>`` and the visible heading; the
    preamble minus that heading; whether a visible heading shows the title (``title_shown``).
    A generic ``<title>`` (editor default, site name followed by nothing) yields to a strong
    visible heading; a ``<title>`` that is the visible heading plus a site suffix ("X -
    NSMS") yields the visible one; a ``<title>`` the page shows nowhere yields to the
    page's name its breadcrumb and a heading give (``_crumb_names_page``)."""
    names_site = _site_namer(segs, furniture=False)
    names = title_names(tag_title)  # before the site's parts go (``_page_break_block``)
    tag_title = _own_title(tag_title, _site_namer(segs), names_site, segs)
    title, number, total = parse_title(tag_title)
    evidence: Evidence = {}
    if number is not None:
        evidence["title"] = (number, total)
    blocks: dict[int, list[Part]] = {}
    for part in segs.preamble:
        blocks.setdefault(part[0], []).append(part)
    excluded: set[int] = set()
    title_block: int | None = None  # the first block that shows the <title>'s case title
    want = normalize_label(title) if title else None
    parts_of_title: set[str] | None = None
    visible: str | None = None
    linked = _linked_title_block(segs, want, names_site)
    below = _page_break_block(blocks, want, names, linked, names_site)
    for bi, parts in blocks.items():
        if bi == below:
            continue  # a section's heading, not a title (``_page_break_section``)
        text = " ".join([p[2] for p in parts])
        if len(text) > 250:
            continue
        vtitle, vnum, vtotal = parse_title(text)
        if vtitle is None and vnum is None:
            continue
        if vnum is None and want is None and names_site(text):
            excluded.add(bi)  # the holder's name as a banner over the case: furniture
            segs.furniture.append(text)
            continue
        match = vtitle is not None and want is not None and _same_title(vtitle, want)
        if not match and vtitle is not None and want is not None:
            # Any part of the <title> may be the case's title ("Site » X": the visible X).
            if parts_of_title is None:
                parts_of_title = {normalize_label(p) for p in TITLE_PART_SEP_RE.split(
                    undecorate(collapse(tag_title)))}
            match = normalize_label(vtitle) in parts_of_title
        # Strong: every run of the block's lines still in the preamble; a line that went
        # to the furniture ("Last modified: ...", a byline under the heading) does not count
        strong = all(r[2] for p in parts for r in p[4] if r[0].strip())
        if vtitle is None or match or (visible is None and strong and (
                want is None or ("title" not in evidence and vnum))):
            excluded.add(bi)
            if vnum is not None and "heading" not in evidence:
                evidence["heading"] = (vnum, vtotal)
            if vtitle is not None and (match or visible is None):
                visible = visible or vtitle
            if match and title_block is None:
                title_block = bi  # a visible title the <title> corroborates
    title_block, visible = _or_linked(title_block, visible, linked)
    title_block, visible = _or_crumb(title_block, visible, segs, want, blocks, excluded)
    if visible is not None:
        title = visible
    # Shown: a visible block the <title> corroborates, or one that carries a page marker
    # ("X - Page #1" under a generic <title>): the page's own heading, no repeated banner.
    shown = title_block is not None or (visible is not None and "heading" in evidence)
    return title, evidence, _rest_of_preamble(segs, excluded, title_block, below), shown


def _or_crumb(title_block: int | None, visible: str | None, segs: Segments, want: str | None,
              blocks: dict[int, list[Part]], excluded: set[int]
              ) -> tuple[int | None, str | None]:
    """The title block and visible title, or, where the page shows neither, the page's name
    its breadcrumb and a heading give (``_crumb_names_page``); the preamble block that says
    it, if any, joins ``excluded`` (a heading outside the content is furniture already)."""
    if title_block is not None or visible is not None or not _crumb_names_page(segs, want):
        return title_block, visible
    name = segs.crumb_heading
    found = next((bi for bi, parts in blocks.items()
                  if " ".join([p[2] for p in parts]) == name), None)
    if found is not None:
        excluded.add(found)
    return found, name


def _crumb_names_page(segs: Segments, want: str | None) -> bool:
    """Does the page name itself where its ``<title>`` does not? The name its breadcrumb
    gives the current page is also one of its headings (``Segments.crumb_heading``), and
    the ``<title>``'s case title (``want``) is no block or line of the page, nor a step of
    that trail (the case a section page belongs to): a generic ``<title>`` ("NSMS - Case
    Study" over every case of a portal) yields to it."""
    if segs.crumb_heading is None:
        return False
    if want is None:
        return True
    return (normalize_label(segs.crumb_heading) != want
            and want not in normalize_label(segs.crumb_trail)
            and all(normalize_label(line) != want for line in segs.furniture))


def _or_linked(title_block: int | None, visible: str | None,
               linked: tuple[int, str] | None) -> tuple[int | None, str | None]:
    """The title block and visible title, or the linked title's where the text shows no
    title block (``_linked_title_block``)."""
    if title_block is None and linked is not None:
        return linked[0], visible or linked[1]
    return title_block, visible


def _rest_of_preamble(segs: Segments, excluded: set[int], title_block: int | None,
                      below: int | None) -> list[Part]:
    """The preamble without the title's blocks (``excluded``), the masthead above the
    title block, and the page-break section from ``below`` on."""
    rest = [p for p in segs.preamble if p[0] not in excluded]
    if title_block is not None:
        rest = _drop_masthead(rest, title_block, segs.furniture)
    if below is not None:
        rest = _page_break_section(rest, below, segs)
    return rest


def _linked_title_block(segs: Segments, want: str | None,
                        names_site: Callable[[str], bool]) -> tuple[int, str] | None:
    """(block index, title) of the page's title printed as a link to the article
    (``Segments.title_links``: furniture, as every link-only line is) when it is the
    ``<title>``'s own (``_same_title``: the whole, or its start before a separator; not
    a menu entry that spells another part) and not the site's name: the page's title
    block when the text shows none, above which stands the masthead (``_drop_masthead``)
    and below which a page-break title names a section (``_page_break_section``)."""
    if want is None:
        return None
    for bi, text in segs.title_links:
        vtitle, vnum, _ = parse_title(text)
        if vtitle is not None and vnum is None and _same_title(vtitle, want) and not (
                names_site(text)):
            return bi, vtitle
    return None


def _page_break_block(blocks: dict[int, list[Part]], want: str | None, names: frozenset[str],
                      linked: tuple[int, str] | None, names_site: Callable[[str], bool]
                      ) -> int | None:
    """The preamble block that is a page-break title (``_page_break_section``): the first
    title-like block under the page's visible title (a block that is the ``<title>``'s
    own, ``_same_title``, or the linked one, ``_linked_title_block``), when it is a strong
    line of its own that spells another part of the ``<title>`` (``names``: every part,
    the site's too, since a page-break title may also be an article index's furniture
    line), not the copyright holder, with text after it."""
    if want is None or len(names) < 2:
        return None
    shown: str | None = None  # the visible title, folded
    last = next(reversed(blocks), None)
    for bi, parts in blocks.items():
        if shown is None and linked is not None and bi > linked[0]:
            shown = normalize_label(linked[1])
        text = " ".join([p[2] for p in parts])
        if len(text) > 250:
            continue
        vtitle, vnum, _ = parse_title(text)
        if vtitle is None or vnum is not None or names_site(text):
            continue
        norm = normalize_label(vtitle)
        if shown is None:
            shown = norm if _same_title(vtitle, want) else None
            continue
        # the first title-like block under the title: the heading the page opens with
        strong = all(r[2] for p in parts for r in p[4] if r[0].strip())
        page_break = norm in names and norm != shown and strong and len(parts) == 1
        return bi if page_break and bi != last else None
    return None


def _page_break_section(preamble: list[Part], at: int, segs: Segments) -> list[Part]:
    """A heading under the page's visible title that spells another part of its
    ``<title>`` ("Knee Pain - Key Points": "Key Points" under "Knee Pain") names the page's
    first section, not the page: a CMS titles each page of an article by the title its
    editor gave the page break, often the heading the page opens with. A heading of one
    line that body text follows opens a section of that text (an unknown heading, as by
    its form); the preamble is what stands before it."""
    i = next((k for k, part in enumerate(preamble) if part[0] == at), None)
    if i is None:
        return preamble
    heading = drop_invisible(preamble[i][2])
    segs.sections.insert(0, RawSection(None, heading, preamble[i + 1:], heading_rule(heading)))
    return preamble[:i]


def _own_title(tag_title: str, names_part: Callable[[str], bool],
               is_holder: Callable[[str], bool], segs: Segments) -> str:
    """The ``<title>`` without the parts that name the site (``strip_site``, then
    ``strip_site_prefix``); "" when it is the copyright holder's name and nothing else (a
    generic ``<title>``, the site's name: the visible heading decides)."""
    if not tag_title:
        return tag_title
    tag_title = strip_site(collapse(tag_title), names_part, is_holder)
    tag_title = strip_site_prefix(tag_title, names_part, segs.preamble)
    return "" if is_holder(tag_title) else tag_title


#: How many preamble lines ``strip_site_prefix`` compares with the whole ``<title>``.
_PREFIX_LINES = 8


def strip_site_prefix(title: str, names_site: Callable[[str], bool],
                      preamble: list[Part]) -> str:
    """"Site: X" is X when the words before the colon name the site on the page's evidence
    (``names_site``: the masthead as a furniture line, the copyright holder), as blog
    engines title a post by the blog's name, a colon and the post's title; unless the page
    shows a line that starts with the same words and colon (a wiki's "Main Page: Revision
    history" heading: the colon is the page's own)."""
    m = SITE_PREFIX_RE.match(title)
    if m is None or not names_site(m.group(1)):
        return title
    lead = m.group(0).rstrip().casefold()
    if any(collapse(p[2]).casefold().startswith(lead) for p in preamble[:_PREFIX_LINES]):
        return title
    return title[m.end():]


_MASTHEAD_MAX = 120
#: What a <title> may add around the visible heading it holds ("Case 5 - ", " (2)").
_TITLE_DECORATION_MAX = 20


def _drop_masthead(preamble: list[Part], title_block: int, furniture: list[str]
                   ) -> list[Part]:
    """Short lines above the page's visible title, when the ``<title>`` names the same case
    (the site's name or logo text over the case), are the page's masthead: furniture, not
    unplaced case text. The case content starts at its title; a long line above it stays
    unplaced."""
    above = [p for p in preamble if p[0] < title_block]
    if not above or any(len(p[2]) > _MASTHEAD_MAX for p in above):
        return preamble
    furniture.extend(p[2] for p in above)
    return [p for p in preamble if p[0] >= title_block]


def _same_title(visible: str, want: str) -> bool:
    """The visible heading names the ``<title>``: equal, or the title is the heading
    followed by a separator and a site name."""
    norm = normalize_label(visible)
    if norm == want:
        return True
    if len(norm) < 12:
        return False
    rest = want[len(norm):].lstrip()
    if want.startswith(norm) and rest[:1] in _SITE_SEPARATORS:
        return True
    # "Case 5 - X (2)": the heading whole inside a <title> that only numbers it
    at = want.find(norm)
    end = at + len(norm)
    return (at > 0 and len(want) - len(norm) <= _TITLE_DECORATION_MAX
            and not want[at - 1].isalnum() and (end == len(want) or not want[end].isalnum()))


def _choose_page(record: PageRecord, evidence: Evidence) -> None:
    """Page number and total from the evidence, by ``PAGE_SOURCES`` precedence; a warning
    when visible sources disagree, or when the URL's number fits neither a 1-based nor a
    0-based pager."""
    numbers = {ev[0] for ev in evidence.values()}
    source = next((src for src in PAGE_SOURCES if src in evidence), "default")
    number, total = evidence.get(source, (1, None))
    if len(numbers) > 1:
        said = ", ".join(f"{src} {ev[0]}" for src, ev in evidence.items())
        record.warnings.append(f"page number: sources disagree ({said}); using {source}")
    param = record.url_page_param
    if param is not None and evidence and param not in (number, number - 1):
        record.warnings.append(f"page number: the URL says {param}, the page says {number}")
    record.page_number = number
    record.page_total = total or next((ev[1] for ev in evidence.values() if ev[1]), None)
    record.page_number_source = source


def _fill_sections(record: PageRecord, preamble: list[Part], segs: Segments) -> None:
    """Every section of the page in page order, unplaced text as ``Section(None, None, ..)``
    with a warning; references parsed from the references section."""
    sections: list[Section] = []
    unplaced = 0
    if preamble:
        text_ = render(preamble)
        sections.append(Section(None, None, text_))
        unplaced += len(text_)
        where = "before the first heading" if segs.sections else "under no heading"
        record.warnings.append(f"unplaced text: {len(text_)} chars {where}")
    for raw in segs.sections:
        sections.append(Section(raw.key, raw.heading, render(raw.parts), raw.rule))
        if raw.key == REFERENCES_KEY:
            record.references.extend(parse_references(raw.parts))
    if segs.footer.unplaced:
        text_ = render(segs.footer.unplaced)
        sections.append(Section(None, None, text_))
        unplaced += len(text_)
        record.warnings.append(f"unplaced text: {len(text_)} chars among the footer")
    record.sections = sections
    record.unplaced_chars = unplaced


def _verdict(record: PageRecord, tag_title: str, segs: Segments) -> str | None:
    """The content verdict: None for case-like content, else the reason it is not.

    Case-like: a section found by a heading (alias, synonym, form) or by its content, with
    real text (a word character), on a page that is not a soft 404."""
    if _soft_404(tag_title, segs):
        return "soft 404"
    found = any(s.rule != "unplaced" and _has_words(s.text) for s in record.sections)
    return None if found else "no case sections"


def _frame_documents(root: etree._Element) -> list[list[str | list[str] | bool]]:
    """The documents a frameset or an inline frame shows, as links opening in that frame
    (``Link.target``: the frame's name): a site built with frames lists its cases in a
    frame's document, never in the frameset itself."""
    return [[src, "", [], el.get("name") or "frame", False]
            for el in root.iter("frame", "iframe")
            if (src := (el.get("src") or "").strip())]


def _path_title(title: str | None, url: str) -> str | None:
    """A title that spells the page's own URL path ("Case Studies/Knee Pain" at
    ``/wiki/Case_Studies/Knee_Pain``, a wiki's subpage; "Case:Knee Pain", a page in a
    wiki's namespace) names its case by its last segment, without the namespace; a
    trailing page segment ("Part 2", "2") is not the name. A title whose page marker came
    off with its path segment ("Case Studies/Knee Pain/" of "Case Studies/Knee Pain/Page 2",
    ``parse_title``) spells the path without that segment. Any other title is kept."""
    if not title or ("/" not in title and ":" not in title):
        return title
    parts = urlsplit(url)
    spelled = [unquote(parts.path)] + [unquote(v) for k, v in parse_qsl(parts.query)
                                       if k.lower() == "title"]
    flat = " ".join(title.split()).lower()
    cut = flat.endswith("/")
    if cut:
        flat = flat.rstrip("/ ")
    if not any(s.endswith(flat) for s in _spelled_paths(spelled, cut)):
        return title
    names = [p.strip() for p in title.split("/") if p.strip()]
    while len(names) > 1 and PAGE_SEGMENT_RE.fullmatch(names[-1]):
        names.pop()
    name = names[-1] if names else title
    namespace, colon, rest = name.partition(":")  # "Case:Knee Pain": a wiki's namespace
    return rest.strip() if colon and namespace and rest.strip() and len(names) == 1 else name


def _spelled_paths(spelled: list[str], cut: bool) -> Iterator[str]:
    """The URL's paths (and wiki titles) as a title spells them (folded, "_" as spaces);
    ``cut``: without their trailing page segments ("/Page_2")."""
    for path in spelled:
        folded = " ".join(path.replace("_", " ").split()).lower()
        if not cut:
            yield folded
            continue
        names = folded.rstrip("/").split("/")
        while len(names) > 1 and PAGE_SEGMENT_RE.fullmatch(names[-1].strip()):
            names.pop()
        yield "/".join(names)


def _has_words(text: str) -> bool:
    return any(c.isalnum() for c in text)


def parse_page(body: bytes, url: str, headers: Mapping[str, str] | None = None) -> PageRecord:
    """Parse one fetched page; problems become ``warnings``, never exceptions.

    The cyclic garbage collector is paused during the parse: the parse makes no reference
    cycles (reference counting frees all it drops), and the collections that its tens of
    thousands of short-lived lists and tuples set off cost ~5 % of a 20 KB page's parse, and
    more than the parse itself on a 20 MB page. Another thread's cycles wait for the end of
    the parse."""
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        return _parse(body, url, headers)
    except Exception as exc:  # noqa: BLE001  last resort: a bug must never lose a page
        return PageRecord(url=url, is_case_page=False, skip_reason="parse error",
                          warnings=[f"parse error: {type(exc).__name__}: {exc}"])
    finally:
        if paused:
            gc.enable()


def parse_as_case(body: bytes, url: str, headers: Mapping[str, str] | None = None
                  ) -> PageRecord:
    """``parse_page`` for a page known to be a case page (``casearchive parse --as-case``):
    the content verdict is overridden and kept as a warning; sections, furniture, title and
    page number are what ``parse_page`` found."""
    record = parse_page(body, url, headers)
    if not record.is_case_page:
        record.warnings.append(f"content verdict: {record.skip_reason} (parsed as a case)")
        record.is_case_page = True
        record.skip_reason = None
    return record


def _parse(body: bytes | str, url: str, headers: Mapping[str, str] | None) -> PageRecord:
    if isinstance(body, str):  # callers outside the type system pass text too
        body = body.encode("utf-8")
    decoded = decode(bytes(body), headers)
    record = PageRecord(url=url, is_case_page=False, encoding=decoded.encoding,
                        encoding_repaired=decoded.repaired, warnings=decoded.warnings)
    text = decoded.text
    record.skip_reason = not_text(body, text)
    if record.skip_reason is not None:
        return record
    if text.startswith(("<?", "\ufeff", " ", "\n", "\r", "\t")):
        text = XML_DECL_RE.sub("", text.lstrip("\ufeff"), count=1)
    if "\x00" in text:
        text = text.replace("\x00", "")
    if not text.strip():
        record.skip_reason = "empty document"
        return record
    root = build_tree(text, record.warnings)
    if root is None:
        record.skip_reason = "empty document"
        return record
    if "font-weight" in text:
        apply_css_bold(root)
    if mentions_symbol_font(text):
        read_symbol_font(root)
    break_preformatted_lines(root)  # a C-level scan of the tree when there is no <pre>
    if BLANK_DIV_RE.search(text):
        join_editor_lines(root)
    raise_scripts(root)  # the same for <sup> and <sub>
    mark_furniture(root)
    walked = walk(root, starts_with_label)
    walked.links.extend(_frame_documents(root))
    record.links = resolve_links(walked.links, walked.base or url)
    record.canonical_link = canonical_link(root, walked.base or url)
    record.requisites, record.figures = find_media(root, walked.base or url)
    segs = segment(walked.blocks, walked.title)
    record.warnings.extend(segs.warnings)
    title, evidence, preamble, record.title_shown = _title_and_preamble(walked.title, segs)
    apply_content_rule(preamble, segs.sections, record.warnings)
    record.title = _path_title(title and drop_invisible(title), url)
    if segs.page_of:
        evidence["pager"] = segs.page_of
    record.url_page_param = url_page_number(url)
    _choose_page(record, evidence)
    record.furniture = drop_invisible("\n".join(segs.furniture))
    footer = segs.footer
    _fill_sections(record, preamble, segs)
    record.skip_reason = _verdict(record, walked.title, segs)
    record.is_case_page = record.skip_reason is None
    if record.is_case_page and title is None and not _named_by_its_number(record):
        record.warnings.append("title: no usable <title> or visible heading")
    address = list(footer.address_lines)
    holder = None
    if footer.copyright_line:
        record.copyright, trailing = split_copyright(drop_invisible(footer.copyright_line))
        if trailing:
            address.insert(0, trailing)
        holder = copyright_holder(record.copyright)
    record.contact = parse_contact(footer.note_lines, address, holder)
    unused = _unused_footer_lines(record.contact, footer.note_lines, address)
    if unused:
        record.furniture = drop_invisible("\n".join(filter(None, [record.furniture, *unused])))
    return record


def _named_by_its_number(record: PageRecord) -> bool:
    """Is a page without a title a later page by what it shows or its URL says ("Page 2"
    over its text, ``.../page-2``, as a site builder names a case's subpages)? Its case's
    first page gives the title: no warning (``case.assemble_case`` warns when no page
    does)."""
    shown = record.page_number if record.page_number_source in ("title", "heading") else None
    return (shown or record.url_page_param or 1) > 1


def _unused_footer_lines(contact: Contact | None, note_lines: list[str],
                         address: list[str]) -> list[str]:
    """Footer lines the contact does not hold: all of them without a contact, else the
    address lines with a word that is in no contact field. They are the site's (imprint,
    legal links), kept as furniture."""
    if contact is None:
        return [*note_lines, *address]
    values = [getattr(contact, name) for name in _CONTACT_FIELDS]  # astuple deep-copies
    held = set(_WORD_RE.findall(" ".join(filter(None, values)).lower()))
    return [line for line in address
            if not set(_WORD_RE.findall(line.lower())) <= held]
