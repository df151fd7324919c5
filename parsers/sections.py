"""Split a page's blocks into preamble, labelled sections and footer.

A label is found at the start of a line (start of a block or after a ``<br>``):

* a formatted run (``<b>``, ``<font><b>``, ``<h3>``, ``<span class>``, ...) whose text is an
  alias, with or without a colon, on its own line or followed by the section's first words;
* a whole line whose text is an alias, however formatted (``<p class="head">History</p>``);
* an alias split across a ``<br>`` inside the same formatting ("Tests and<br>Results:");
* a bold run that *starts* with "Alias:" (``<b>History: 45 yo</b>``).

Unknown headings are decided by their form and place (``_form_hit``, ``_form_heading``; the
rules are in docs/extraction.md); sub-labels such as "MRI:" stay in their section's text.
Footer (NOTE contact, © block, site credit) starts at the first footer line after the last
canonical label, so a "NOTE:" inside a section never truncates the case. Navigation,
pager and link-only lines go to the page furniture.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .labels import (
    ADDRESS_LINE_RE,
    BYLINE_RE,
    CITE_AUTHORS_RE,
    CITE_ETAL_RE,
    CITE_VOLUME_RE,
    CITE_YEAR_RE,
    CONTINUATION_RE,
    COPYRIGHT_RE,
    COPYRIGHT_START_RE,
    COUNTER_RE,
    CREDIT_RE,
    DATE_LINE_RE,
    DOI_TEXT_RE,
    EXCLUDED_HEADS,
    FOOTER_FIRST,
    JUNK_TITLE_RE,
    NOT_PAGER_LETTERS,
    NOTE_RE,
    PAGE_OF_RE,
    PAGE_SUFFIX_RE,
    PAGER_RE,
    PAGER_WORD_RE,
    PLAIN_BULLET_RE,
    PMID_RE,
    REF_NUMBER_RE,
    RETURN_RE,
    SITE_CREDIT_FORM_RE,
    SUBLABEL_WORDS,
    TITLE_PART_SEP_RE,
    UPDATED_RE,
    URL_RE,
    alias_key,
    heading_rule,
    is_caps_label,
    normalize_label,
    synonym_keys,
    title_names,
    without_outline_number,
)
from .records import REFERENCES_KEY, SECTION_KEYS
from .text import (
    _BULLET_START,
    Block,
    Run,
    collapse,
    drop_invisible,
    line_text,
    render_line,
)

_CANONICAL = frozenset(SECTION_KEYS) | {REFERENCES_KEY}
_PARTIAL_RE = re.compile(r"^\s*([^:]{2,45}?)\s*:\s*(.*)$", re.S)
_SEPARATORS = frozenset("|·-•»«›‹→←<>:,[]/\u2013\u2014\u200e\u200f ")
_HEADING_MAX = 60
_PLAIN_MAX = 80
#: A rendered line of a section: ``(block index, block, text, bullet, runs)``; ``runs`` are
#: the line's runs (or the rest of a label's line), read for their links by the references.
Part = tuple[Any, ...]
BI, BLOCK, TEXT, BULLET, RUNS = range(5)
#: A kept line of pass 1: ``(block index, line index, text, bullet, the label it starts)``.
Kept = tuple[Any, ...]


@dataclass(slots=True)
class LabelHit:
    """A label found at the start of a line."""

    heading: str
    key: str | None
    conditional: bool
    sig: tuple[str, bool, bool]
    """(formatting chain, own line?, colon?): what "formatted like" compares."""
    strong: bool
    used_lines: int
    rest: list[Run]
    dropped: bool = False
    """Set by ``_resolve``: not a heading after all, the line stays ordinary text."""


@dataclass(slots=True)
class RawSection:
    key: str | None
    heading: str | None
    parts: list[Part] = field(default_factory=list)
    rule: str = "form"
    """Which rule found the heading (``records.SECTION_RULES``)."""


@dataclass(slots=True)
class Footer:
    note_lines: list[str] = field(default_factory=list)
    copyright_line: str | None = None
    address_lines: list[str] = field(default_factory=list)
    unplaced: list[Part] = field(default_factory=list)
    blocks: set[int] = field(default_factory=set)
    """Blocks the footer has taken lines from (a footer block in furniture stays footer)."""


@dataclass(slots=True)
class Segments:
    preamble: list[Part]
    sections: list[RawSection]
    footer: Footer
    page_of: tuple[int, int | None] | None
    """(page, total or None) read off the pager ("Page 2 of 4", "1 [2] 3")."""
    warnings: list[str]
    furniture: list[str] = field(default_factory=list)
    """Lines that are page furniture (navigation, pager, counters, site credit), in order."""
    title_links: list[tuple[int, str]] = field(default_factory=list)
    """(block index, text) of the furniture lines before the first heading that spell the
    ``<title>`` or a part of it as one link (``_linked_title``): where a CMS prints the
    article's title, linked to the article."""
    crumb_heading: str | None = None
    """The name the page's first breadcrumb trail gives the current page ("Home > Case
    Studies > <Name>"), when a line of the page shows it as a heading too (every visible
    run strong), in the content or in the furniture: the page's own name, shown twice. Never
    a heading of the alias table (a trail that ends in the case's section, "... > Knee
    Pain > Diagnosis")."""
    crumb_trail: str = ""
    """That breadcrumb line, as text."""


def hrefs(runs: list[Run]) -> list[str]:
    """The links of a line's runs, in order."""
    return [r[3] for r in runs if r[3]]


def _split_rest(rest: list[Run]) -> tuple[list[Run], bool]:
    """Drop a colon that follows the label outside its formatting ("<b>History</b>:")."""
    for i, run in enumerate(rest):
        stripped = run[0].lstrip()
        if not stripped:
            continue
        if stripped[0] == ":":
            return [(stripped[1:], run[1], run[2], run[3], False), *rest[i + 1 :]], True
        return rest[i:], False
    return [], False


def _lead(runs: list[Run]) -> tuple[int, int] | None:
    """Index range of the leading same-format, non-link segment of a line."""
    n = len(runs)
    j = 0
    while j < n and not runs[j][0].strip():
        j += 1
    if j == n:
        return None
    first = runs[j]
    if first[3] is not None or first[4]:
        return None
    fmt = first[1]
    k = j + 1
    while k < n and runs[k][1] == fmt and runs[k][3] is None:
        k += 1
    return j, k


def starts_with_label(lines: list[list[Run]]) -> bool:
    """Does a table cell's first line start with a label (a known key, or a bold heading)?
    A table with such a first column is a label/value layout, not a data table."""
    hit = find_label(lines, 0)
    if hit is None:
        return False
    if hit.key is not None and heading_rule(hit.heading) == "alias":
        return True
    return hit.strong and "th" not in hit.sig[0].split(">")


_EDIT_RE = re.compile(r"\[\s*[^\[\]]{1,20}?\s*\]")


def edit_link(runs: list[Run]) -> bool:
    """A heading's tool link: bracketed ("Details [edit]") or a symbol with no letter or
    digit (a permalink "#", "¶", "§", "🔗"): furniture, the heading stays on a line of its
    own."""
    text = "".join([r[0] for r in runs]).strip()
    return bool(text) and any(r[3] for r in runs) and (
        _EDIT_RE.fullmatch(text) is not None or not _has_alnum(text))


#: The most runs a heading's leading tool link takes ("[", "edit", "]" and spaces).
_TOOL_RUNS = 5


def _drop_leading_tool_link(lines: list[list[Run]], i: int, furniture: list[str]) -> list[Run]:
    """Line ``i`` without the tool link it starts with, which goes to ``furniture``; the
    block's line is replaced, so that every later pass reads the heading alone. A tool
    link is a bracketed link named by a word before a heading's text
    (``_tool_before_heading``: "[edit] Diagnostic Work-up": an old MediaWiki floats a
    heading's "[edit]" before its text, a newer one puts it after). Any other line is
    unchanged (a numbered pager "[1] [2]", a note "[1] Roe J. ...")."""
    runs = lines[i]
    for end in range(1, min(len(runs) - 1, _TOOL_RUNS) + 1):
        if runs[end - 1][0].rstrip().endswith("]"):
            rest = runs[end:]
            if _tool_before_heading(runs[:end], rest):
                furniture.append(" ".join("".join([r[0] for r in runs[:end]]).split()))
                lines[i] = rest
                return rest
            break
    return runs


def _tool_before_heading(head: list[Run], rest: list[Run]) -> bool:
    """Is ``head`` a tool link named by a word ("[edit]", "[modifier]"; not "[1]": a
    note's number) and ``rest`` a heading's text (short, strong: a heading element or bold,
    not a link)?"""
    words = "".join([r[0] for r in head]).strip(" []\xa0")
    if not words.isalpha() or not edit_link(head):
        return False
    text = "".join([r[0] for r in rest]).strip()
    first = next((r for r in rest if r[0].strip()), None)
    return (bool(text) and len(text) <= _HEADING_MAX and first is not None
            and first[3] is None and first[2])


_ALNUM_RE = re.compile(r"[^\W_]")


def _has_alnum(text: str) -> bool:
    return _ALNUM_RE.search(text) is not None


def _key_for(seg: str, ffmt: str) -> tuple[str | None, bool]:
    """``alias_key`` of a line's lead; a synonym (not an alias) counts only when the lead is
    formatted or in capitals: a plain "Test" cell or "Plan" line is not a heading."""
    key, cond = alias_key(seg)
    if key is not None and not ffmt and heading_rule(seg) == "synonym" and not _is_caps(seg):
        return None, False
    return key, cond


def _heading(seg: str) -> str:
    """A label as written: whitespace collapsed, without its colon."""
    return " ".join(seg.split()).rstrip(" :")


def find_label(lines: list[list[Run]], i: int) -> LabelHit | None:
    """The label at the start of line ``i`` of a block, or None."""
    runs = lines[i]
    span = _lead(runs)
    if span is None:
        return None
    j, k = span
    if k - j > 1 and k < len(runs) and runs[k - 1][0].strip() == "[":
        k -= 1  # "Details" "[" <a>edit</a> "]": the bracket opens the heading's tool link
    first = runs[j]
    ffmt = first[1]
    if not ffmt and (k < len(runs) or len(first[0]) > _PLAIN_MAX):
        # plain text is a label only as a whole, short line, or as a run-in alias
        return _plain_run_in(first, runs[k:]) if k == len(runs) and not first[2] else None
    seg = "".join([r[0] for r in runs[j:k]]) if k - j > 1 else first[0]
    if len(seg) > _PLAIN_MAX:  # too long for a label; maybe "<b>Alias: text...</b>"
        return _partial(seg, first, runs[k:]) if ":" in seg[:48] else None
    rest, colon_after = _split_rest(runs[k:]) if k < len(runs) else ([], False)
    own_line = (not line_text(rest) or edit_link(rest)) if rest else True
    if ffmt or own_line:
        # An alias split across a <br> wins over its first line ("Differential<br>Diagnosis").
        if own_line and i + 1 < len(lines):
            nxt = lines[i + 1]
            span2 = _lead(nxt)
            if span2 is not None and nxt[span2[0]][1] == ffmt:
                seg2 = "".join([r[0] for r in nxt[span2[0] : span2[1]]])
                key, cond = _key_for(f"{seg} {seg2}", ffmt)
                if key is not None:
                    rest2, colon2 = _split_rest(nxt[span2[1] :])
                    joined = _heading(f"{seg} {seg2}")
                    sig = (ffmt, not line_text(rest2), colon2 or seg2.rstrip().endswith(":"))
                    return LabelHit(joined, key, cond, sig, first[2], 2, rest2)
        key, cond = _key_for(seg, ffmt)
        if key is not None:
            colon = colon_after or seg.rstrip().endswith(":")
            return LabelHit(_heading(seg), key, cond, (ffmt, own_line, colon), first[2], 1, rest)
    emphasised = own_line and _is_caps(seg)
    if not (ffmt or emphasised):
        return _plain_run_in(first, rest) if not ffmt and not first[2] else None
    hit = _partial(seg, first, runs[k:]) if ffmt and ":" in seg else None
    if hit is not None:
        return hit
    if not (first[2] or emphasised):
        return None
    return _form_hit(seg, ffmt, own_line, colon_after, first[2], rest)


def _is_caps(text: str) -> bool:
    """ALL CAPS: no lower-case letter, and at least three characters with a capital."""
    return len(text) >= 3 and text.isupper()


def _form_hit(seg: str, ffmt: str, own_line: bool, colon_after: bool, strong: bool,
              rest: list[Run]) -> LabelHit | None:
    """A candidate heading by its form: short, capitalised, no sentence punctuation or
    digits, on a line of its own or ending in a colon (``_resolve`` decides)."""
    heading = _heading(seg)
    if not heading or len(heading) > _HEADING_MAX:
        return None
    colon = colon_after or seg.rstrip().endswith(":")
    if not (own_line or colon):
        return None
    if not (heading[0].isupper() or heading[0].isdigit()) or any(c in heading for c in ",;()"):
        return None
    bare = without_outline_number(heading)  # "4. Discussion": the number is no digit of it
    if heading[-1] in ".?!" or len(bare.split()) > 6 or any(c.isdigit() for c in bare):
        return None
    return LabelHit(heading, None, False, (ffmt, own_line, colon), strong, 1, rest)


def _partial(seg: str, first: Run, after: list[Run]) -> LabelHit | None:
    """A formatted run that starts with "Alias:" and continues with the section text."""
    m = _PARTIAL_RE.match(seg)
    if m is None:
        return None
    key, cond = alias_key(m.group(1))
    if key is None:
        return None
    rest = [(m.group(2), first[1], first[2], None, False), *after]
    return LabelHit(" ".join(m.group(1).split()), key, cond, (first[1], False, True),
                    first[2], 1, rest)


#: The signature of a plain run-in label ("History: A 24-year-old ..." in plain text).
_PLAIN_RUN_IN = ("", False, True)


def _plain_run_in(first: Run, after: list[Run]) -> LabelHit | None:
    """A plain paragraph that opens with "Alias: text", the alias from the alias table (not
    the synonym bank): a candidate that ``_gate_plain_run_ins`` keeps only on a page whose
    headings are all written that way."""
    text = first[0]
    if ":" not in text[:48]:
        return None
    m = _PARTIAL_RE.match(text)
    if m is None:
        return None
    key, cond = alias_key(m.group(1))
    if key is None or heading_rule(m.group(1)) != "alias":
        return None
    rest = [(m.group(2), "", False, None, False), *after]
    return LabelHit(" ".join(m.group(1).split()), key, cond, _PLAIN_RUN_IN, False, 1, rest)


def _gate_plain_run_ins(hits: dict[tuple[int, int], LabelHit]) -> None:
    """Plain run-in labels are the page's headings only when the page writes its headings
    that way: two of them at least, and no known heading set apart by formatting or a line
    of its own. On a page with formatted headings, "Exam: normal" in plain text is a
    sub-label of its section."""
    plain = [pos for pos, h in hits.items() if h.sig is _PLAIN_RUN_IN]
    if not plain:
        return
    formatted = any(h.key is not None and h.sig is not _PLAIN_RUN_IN for h in hits.values())
    if formatted or len(plain) < 2:
        for pos in plain:
            hits[pos].dropped = True
            del hits[pos]


def _excluded_short(text: str, runs: list[Run]) -> bool:
    """Is a line of <= 150 characters page furniture by its text: a pager, "Return To The
    Case Studies List", "Continue on page 2", a hit counter, "last updated"?
    (``_classify``; link bars and breadcrumbs are tested by their links.) A pattern is
    tried only on a line that can hold one of its matches: none of ``NOT_PAGER_LETTERS``
    for a pager, "ca" (of "case") for a return link, "pa" (of "page", "part") for a
    continuation, folded (re.I matches these letters to their ASCII other case only)."""
    head = text[:2]
    low = text.lower()
    if head in EXCLUDED_HEADS or not head.isascii():
        if (NOT_PAGER_LETTERS.isdisjoint(text) and PAGER_RE.match(text)
                and (PAGER_WORD_RE.search(text) or _all_links(runs, 1) or _number_links(runs))):
            return True
        if (("ca" in low and RETURN_RE.match(text)) or UPDATED_RE.match(text)
                or ("pa" in low and CONTINUATION_RE.match(text))):
            return True
    return ("visit" in low or "hits" in low or "count" in low or "views" in low) and \
        COUNTER_RE.search(text) is not None


#: What separates the steps of a breadcrumb trail ("Home > Education > Case Studies > X").
_CRUMB_SEPARATORS = frozenset(">\u00bb\u203a\u2192/:")
_CRUMB_CHARS = "".join(sorted(_CRUMB_SEPARATORS)) + " "


def _breadcrumb(runs: list[Run]) -> str | None:
    """The current page's name when the line is a breadcrumb trail: two links or more
    joined by separators, then that name unlinked after a separator pointing onward (">",
    "»", "›", "→", "/", "::"); else None. A line of links alone is ``_all_links``'s."""
    if len(runs) < 4 or not any(r[3] is not None for r in runs):
        return None
    items = [r for r in runs if r[0].strip()]
    if len(items) < 4 or items[-1][3] is not None:
        return None
    name = items[-1][0].replace("\xa0", " ").strip()
    current = name.lstrip(_CRUMB_CHARS)
    if current != name:  # "> Name" in one run
        trail = items[:-1]
    elif items[-2][3] is None and _crumb_separator(items[-2][0]):
        trail = items[:-2]
    else:
        return None
    if 0 < len(current) <= 2 * _HEADING_MAX and _all_links(trail, 2):
        return " ".join(current.split())
    return None


#: The longest label a line of links may start with ("Subpages (4):", "See also:").
_LINK_LABEL_MAX = 30


def _labelled_links(runs: list[Run]) -> bool:
    """A short label with its colon, not a heading of the alias table, then two links or
    more and nothing else but separators: a link bar with its name ("Subpages (4):", the
    list of a page's subpages a site builder prints under its content)."""
    start = next((i for i, r in enumerate(runs) if r[0].strip()), len(runs))
    if len(runs) - start < 3 or runs[start][3] is not None:
        return False
    label = " ".join(runs[start][0].split())
    return (label.endswith(":") and len(label) <= _LINK_LABEL_MAX and len(label.split()) <= 3
            and alias_key(label.rstrip(" :"))[0] is None and _all_links(runs[start + 1:], 2))


def _crumb_separator(text: str) -> bool:
    text = text.replace("\xa0", " ").strip()
    return bool(text) and _CRUMB_SEPARATORS.issuperset(text.replace(" ", ""))


def _all_links(runs: list[Run], minimum: int) -> bool:
    """True when the line is >= ``minimum`` links and nothing but separators besides."""
    nlinks = 0
    last: str | None = None
    for run in runs:
        href = run[3]
        if href is not None:
            if href != last and run[0].strip():
                nlinks += 1
                last = href
        elif not _SEPARATORS.issuperset(run[0].replace("\xa0", " ").strip()):
            return False
    return nlinks >= minimum


def _number_links(runs: list[Run]) -> bool:
    """A numbered pager row ("[1] [2] [3]", the current page unlinked): the caller has
    matched ``PAGER_RE`` (nothing but numbers and separators); two numbers or more, one of
    them a link at least. Citation marks sit inside a sentence, never alone on a line of links."""
    numbers = [r for r in runs if r[0].strip(" []").isdigit()]
    return len(numbers) >= 2 and any(r[3] is not None for r in numbers)


def _is_footer(text: str, key: str | None) -> bool:
    """NOTE contact, site credit, or the © line (a © mid-line only in a short line outside
    the references, so "... © 2016 Hockey Canada. Available at ..." stays a reference)."""
    if NOTE_RE.match(text) or CREDIT_RE.match(text) or COPYRIGHT_START_RE.match(text):
        return True
    return key != REFERENCES_KEY and len(text) <= 120 and "\u00a9" in text


def _ref_like(text: str) -> bool:
    """Does a navigation or link-only line inside a references section read as a reference
    (a URL, a DOI, an entry number, a citation)? A reference list of links is link-dense;
    a reader's comment or a sidebar's post snippet after it is furniture however long."""
    return bool(URL_RE.search(text) or DOI_TEXT_RE.search(text) or REF_NUMBER_RE.match(text)
                or is_citation(text))


def citation_score(text: str) -> int:
    """How citation-like a line is: 0 without a year, DOI or PMID; else one point each for
    volume:pages, an author list at the start, "et al", a DOI/PMID, a URL."""
    doi_or_pmid = bool(DOI_TEXT_RE.search(text) or PMID_RE.search(text)
                       or "doi.org/" in text)
    if not (doi_or_pmid or CITE_YEAR_RE.search(text)):
        return 0
    return (bool(CITE_VOLUME_RE.search(text)) + bool(CITE_AUTHORS_RE.match(text))
            + bool(CITE_ETAL_RE.search(text)) + doi_or_pmid + ("://" in text))


def is_citation(text: str) -> bool:
    """A bibliographic entry: a year/DOI/PMID and at least two other kinds of evidence."""
    return citation_score(text) >= 2


def segment(blocks: list[Block], title: str = "") -> Segments:
    """Assign every line of every block to the preamble, a section, the footer or the
    furniture: classify the lines and find label candidates, settle the headings, then
    file the lines in page order."""
    furniture: list[str] = []
    keep, hits, page_of, crumb = _classify(blocks, furniture, _tagline(title))
    warnings: list[str] = []
    names = title_names(title)
    _resolve(hits, keep, blocks, normalize_label(title), warnings, names)
    segs = Segments([], [], Footer(), page_of, warnings, furniture)
    _file_lines(segs, keep, blocks, _last_known(hits), names)
    if crumb is not None and alias_key(crumb[0])[0] is None:
        segs.crumb_heading = _shown_as_heading(crumb[0], keep, blocks)
        segs.crumb_trail = crumb[1]
    return segs


def _shown_as_heading(name: str, keep: list[Kept], blocks: list[Block]) -> str | None:
    """``name`` when a kept line of the page says it and nothing else, every visible run
    strong (a heading, bold); else None."""
    for bi, li, text, _, _ in keep:
        if text == name and _strong(blocks[bi][0][li]):
            return name
    return None


def _strong(runs: list[Run]) -> bool:
    """Is every run of a line that shows text strong (a heading, bold)?"""
    return all(r[2] for r in runs if r[0].strip())


def _line_text(runs: list[Run]) -> tuple[str, bool]:
    """A line's collapsed text and bullet flag (``render_line``, inlined for plain lines)."""
    first = runs[0]
    if first[4]:
        return render_line(runs)
    if len(runs) == 1:
        text = " ".join(first[0].split())
    else:
        text = " ".join("".join([r[0] for r in runs]).split())
    if text and text[0] in _BULLET_START:
        return PLAIN_BULLET_RE.sub("", text), True
    return text, False


def _tagline(title: str) -> str | None:
    """"From <site>", the tagline a wiki prints under every page's heading, when the
    ``<title>`` ends in the site's name ("Knee Pain - NSMS Wiki": "From NSMS Wiki")."""
    parts = TITLE_PART_SEP_RE.split(" ".join(title.split()))
    return f"From {parts[-1]}" if len(parts) > 1 and parts[-1] else None


def _classify(blocks: list[Block], furniture: list[str], tagline: str | None = None
              ) -> tuple[list[Kept], dict[tuple[int, int], LabelHit],
                         tuple[int, int | None] | None, tuple[str, str] | None]:
    """Pass 1: drop excluded lines (pager, counters, link bars, breadcrumbs, the site's
    tagline: furniture), keep the others with the label candidate each starts; read a
    standalone "Page 2 of 4" and the current page's name the first breadcrumb trail gives
    on the way."""
    keep: list[Kept] = []
    hits: dict[tuple[int, int], LabelHit] = {}
    page_of: tuple[int, int | None] | None = None
    crumb: tuple[str, str] | None = None  # (the current page's name, the trail's text)
    for bi, block in enumerate(blocks):
        blines = block[0]
        searchable = not block[4] and block[1] != "table"
        skip_next = False
        for li, runs in enumerate(blines):
            if skip_next:
                skip_next = False
                continue
            if runs[0][0].lstrip()[:1] == "[":
                runs = _drop_leading_tool_link(blines, li, furniture)
            first = runs[0]
            if first[4] or len(runs) > 1:
                text, bullet = _line_text(runs)
            else:  # one plain run: the common case, inlined
                text = collapse(first[0])
                bullet = bool(text) and text[0] in _BULLET_START
                if bullet:
                    text = PLAIN_BULLET_RE.sub("", text)
            if not text:
                continue
            here = None
            if (len(text) <= 150 and _excluded_short(text, runs)) or (
                    len(runs) > 1 and block[2] is None and (
                        _all_links(runs, 2) or (here := _breadcrumb(runs)) is not None
                        or _labelled_links(runs))
            ) or text == tagline:
                if crumb is None and here is not None:
                    crumb = (here, text)
                furniture.append(text)
                page_of = page_of or _pager_page(text, runs)
                continue
            if block[4] and page_of is None and len(runs) > 1 and "age" in text:
                page_of = _pager_page(text, runs)  # a pager in a navigation block
            hit = None
            if searchable and not bullet and (len(runs) > 1 or (
                    runs[0][3] is None and not runs[0][4]
                    and (len(runs[0][0]) <= _PLAIN_MAX or runs[0][1]
                         or ":" in runs[0][0][:48]))):
                hit = _candidate(blines, li, runs)
            if hit is not None:
                hits[(bi, li)] = hit
                skip_next = hit.used_lines == 2
            keep.append((bi, li, text, bullet, hit))
    return keep, hits, page_of, crumb


def _pager_page(text: str, runs: list[Run]) -> tuple[int, int | None] | None:
    """(page, total) a pager line shows: "Page 2 of 4", or the one number of a numbered
    pager that is not a link ("1 [2] 3 4": the current page)."""
    m = PAGE_OF_RE.match(text)
    if m:
        return int(m.group(1)), int(m.group(2))
    for run in runs:  # "← Previous <span>Page 2 of 5</span> Next →": the one unlinked part
        m = PAGE_OF_RE.match(run[0].strip()) if run[3] is None else None
        if m:
            return int(m.group(1)), int(m.group(2))
    plain = [r[0].strip() for r in runs if r[3] is None and r[0].strip().isdigit()]
    linked = [r for r in runs if r[3] is not None and r[0].strip().isdigit()]
    if len(plain) == 1 and linked:
        return int(plain[0]), None
    return None


def _candidate(blines: list[list[Run]], li: int, runs: list[Run]) -> LabelHit | None:
    """The label candidate at the start of a line (cheap tests first)."""
    first = runs[0]
    if len(runs) > 1:
        return find_label(blines, li)
    if first[3] is not None or first[4]:
        return None  # a link or a list marker is never a label
    if len(first[0]) <= _PLAIN_MAX:
        return find_label(blines, li)
    if ":" in first[0][:48]:  # maybe "<b>Alias: text...</b>", or plain "Alias: text..."
        return _partial(first[0], first, []) if first[1] else _plain_run_in(first, [])
    return None  # a single run too long for a label


def _last_known(hits: dict[tuple[int, int], LabelHit]) -> tuple[int, int]:
    """Position of the last canonical heading: the footer can only start after it."""
    last = (-1, -1)
    for pos, h in hits.items():
        if h.key in _CANONICAL and pos > last:
            last = pos
    return last


def _file_lines(segs: Segments, keep: list[Kept], blocks: list[Block],
                last_known: tuple[int, int], title: frozenset[str] = frozenset()) -> None:
    """Pass 2: file every kept line in page order. ``title``: the names the ``<title>``
    gives the page (``title_names``)."""
    current: RawSection | None = None
    footer_mode: str | None = None  # None until the footer starts
    leading: list[tuple[int, int, str]] = []  # a side column's NOTE and © before the content
    for bi, li, text, bullet, hit in keep:
        block = blocks[bi]
        if footer_mode is not None:
            footer_mode = _footer_line(segs, block, bi, li, text, footer_mode)
        elif (block[4] and current is None and not segs.preamble
              and (text[0] in FOOTER_FIRST or "\u00a9" in text) and _note_or_copyright(text)):
            leading.append((bi, li, text))
        elif ((text[0] in FOOTER_FIRST or "\u00a9" in text) and (bi, li) > last_known
              and _starts_footer(text, block, current)):
            footer_mode = _footer_line(segs, block, bi, li, text, "")
        elif hit is not None and not hit.dropped:
            current = _open_section(segs, hit, bi, block)
        elif (block[4] or (len(text) <= 40 and _link_only(block[0][li], text))) and not (
                current is not None and current.key == REFERENCES_KEY and _ref_like(text)
                and not _after_the_list(current, block, bullet)):
            segs.furniture.append(text)
            if current is None and _linked_title(text, block, title):
                segs.title_links.append((bi, text))
        elif current is None and _article_stamp(text):
            segs.furniture.append(text)  # a CMS byline or date over the article
        else:
            part = (bi, block, text, bullet, block[0][li])
            (segs.preamble if current is None else current.parts).append(part)
    _file_leading_footer(segs, leading, blocks)


def _file_leading_footer(segs: Segments, leading: list[tuple[int, int, str]],
                         blocks: list[Block]) -> None:
    """A NOTE or © line in navigation before the page's content (a side column's text box
    that a template shows left of the content) is the footer's when the page has no footer
    of its own after the content; else furniture. It never starts the footer there: the
    content after it is no footer."""
    footer = segs.footer
    own = bool(footer.note_lines) or footer.copyright_line is not None
    for bi, li, text in leading:
        if own:
            segs.furniture.append(text)
        else:
            _footer_line(segs, blocks[bi], bi, li, text, "")


def _after_the_list(section: RawSection, block: Block, bullet: bool) -> bool:
    """Is a line of ``block`` (``bullet``: it starts with one) no entry of the references'
    list, after a list of them (items or bullet lines)? Then a navigation line in it that
    reads as a reference by its URL (a wiki's print footer "Retrieved from "http://…""
    under the last reference) is the site's, not one more reference: the list is over."""
    return not bullet and block[1] != "li" and any(part[3] or part[1][1] == "li"
                                                   for part in section.parts)


def _linked_title(text: str, block: Block, title: frozenset[str]) -> bool:
    """A block of one line that spells the ``<title>`` or a part of it (``title_names``)
    as one link, not a list item (``Segments.title_links``)."""
    if not title or block[1] == "li" or len(block[0]) != 1:
        return False
    linked = {r[3] for r in block[0][0] if r[0].strip()}
    return len(linked) == 1 and None not in linked and normalize_label(text) in title


def _article_stamp(text: str) -> bool:
    """A byline ("Written by Dr. Jane Miller", with its date or not) or a date stamp alone
    ("Sunday, 26 October 2008 16:59") before the first heading: the CMS's article
    metadata, furniture like its ``byline`` and ``submitted`` classes."""
    return len(text) <= 100 and (BYLINE_RE.match(text) is not None
                                 or DATE_LINE_RE.match(text) is not None)


def _link_only(runs: list[Run], text: str) -> bool:
    """A short line that is one link and nothing else ("Case Studies Index", "Back to
    top"): navigation inside the content; in a references section it stays a reference."""
    if len(text) > 40 or text[-1:] in ".;:":
        return False
    # An unlinked arrow or bullet beside the link ("← <a>All cases</a>") is decoration.
    linked = {r[3] for r in runs if r[0].strip() and (r[3] is not None or _has_alnum(r[0]))}
    return len(linked) == 1 and None not in linked


def _starts_footer(text: str, block: Block, current: RawSection | None) -> bool:
    """Does this line open the footer (NOTE contact, © line, site credit)? In navigation
    or furniture only a NOTE or © line does: the case's contact is parsed wherever the
    template puts it."""
    if not (text[0] in FOOTER_FIRST or "\u00a9" in text):
        return False
    if block[4]:
        return _note_or_copyright(text)
    return _is_footer(text, current.key if current else None)


def _note_or_copyright(text: str) -> bool:
    return bool(NOTE_RE.match(text) or COPYRIGHT_START_RE.match(text))


def _open_section(segs: Segments, hit: LabelHit, bi: int, block: Block) -> RawSection:
    """A new section for a heading; the rest of the heading's line is its first text."""
    current = RawSection(hit.key, drop_invisible(hit.heading), rule=heading_rule(hit.heading))
    segs.sections.append(current)
    rest_text, rest_bullet = render_line(hit.rest)
    if rest_text and edit_link(hit.rest):
        segs.furniture.append(rest_text)
    elif rest_text:
        current.parts.append((bi, block, rest_text, rest_bullet, hit.rest))
    return current


def _footer_line(segs: Segments, block: Block, bi: int, li: int, text: str, mode: str) -> str:
    """File one footer line; returns the mode for the block's following lines. Navigation
    and site-credit lines are furniture."""
    footer = segs.footer
    if block[4] and bi not in footer.blocks and not _note_or_copyright(text):
        segs.furniture.append(text)
        return mode
    footer.blocks.add(bi)
    if NOTE_RE.match(text):
        footer.note_lines.append(text)
        return "note"
    if CREDIT_RE.match(text):
        segs.furniture.append(text)
        return "credit"
    if COPYRIGHT_RE.search(text) and footer.copyright_line is None:
        footer.copyright_line = text
        return "copyright"
    if li > 0 and mode in ("note", "credit"):
        (footer.note_lines if mode == "note" else segs.furniture).append(text)
        return mode
    if ADDRESS_LINE_RE.search(text) or (mode == "copyright" and len(text) <= 80):
        footer.address_lines.append(text)
        return mode
    if _link_only(block[0][li], text) or SITE_CREDIT_FORM_RE.match(text):
        segs.furniture.append(text)  # "← All case studies", "Built with Hugo · RSS"
        return mode
    footer.unplaced.append((bi, block, text, False, ()))
    return mode


def _resolve(hits: dict[tuple[int, int], LabelHit], keep: list[Kept], blocks: list[Block],
             title: str, warnings: list[str], names: frozenset[str] = frozenset()) -> None:
    """Settle conditional aliases, unknown headings and duplicates, in place. ``title``:
    the ``<title>`` folded; ``names``: the names it gives the page (``title_names``)."""
    _gate_plain_run_ins(hits)
    positions = sorted(hits)
    _settle_conditionals(hits, positions)
    known_sigs = {h.sig for h in hits.values() if h.key is not None}
    first_known = min((pos for pos, h in hits.items() if h.key is not None), default=None)
    inline_known = any(not sig[1] for sig in known_sigs)
    order = {(k[0], k[1]): i for i, k in enumerate(keep)}
    seen: set[str] = set()
    duplicates: dict[str, int] = {}
    for pos in positions:
        hit = hits[pos]
        if hit.key is None:
            if alias_key(hit.heading)[1]:
                continue  # a demoted "Diagnosis" stays a heading
            alone = not inline_known and (first_known is None or pos < first_known)
            if not _form_heading(hit, keep, blocks, order[pos], known_sigs, title, alone,
                                 names):
                hit.dropped = True
                del hits[pos]
            elif len(synonym_keys(hit.heading)) > 1:
                warnings.append(f"ambiguous heading {hit.heading!r} (matches "
                                f"{', '.join(synonym_keys(hit.heading))}) kept as an other "
                                "section")
            continue
        if hit.key in seen:
            duplicates[hit.heading] = duplicates.get(hit.heading, 0) + 1
            hit.key = None
        seen.add(hit.key or "")
    for heading, count in duplicates.items():
        times = "" if count == 1 else f" ({count} times)"
        warnings.append(f"duplicate heading {heading!r}{times} kept as an other section")


def _settle_conditionals(hits: dict[tuple[int, int], LabelHit],
                         positions: list[tuple[int, int]]) -> None:
    """A conditional alias ("Diagnosis") means the working diagnosis only on a page without
    "Working Diagnosis", and only once."""
    has_working = any(h.key == "working_diagnosis" and not h.conditional for h in hits.values())
    used_conditional = False
    for pos in positions:
        hit = hits[pos]
        if hit.conditional:
            if has_working or used_conditional:
                hit.key = None
            used_conditional = True
            hit.conditional = False


def _form_heading(hit: LabelHit, keep: list[Kept], blocks: list[Block], at: int,
                  known_sigs: set[tuple[str, bool, bool]], title: str, alone: bool,
                  names: frozenset[str] = frozenset()) -> bool:
    """Is an unknown candidate a heading by its form and place?

    * never a sub-label word ("MRI", "Labs") or the page's title;
    * inline ("<b>Label:</b> text"): only formatted exactly like a known label of the page
      (an inline label elsewhere is a sub-label of the running text);
    * on a line of its own: followed by body text (not by another heading, not the end),
      and not "Label:" leading a list inside a section that continues after the list."""
    norm = without_outline_number(normalize_label(hit.heading))
    # A label with its colon is never the page's title, even where the <title> ends in it
    # (a CMS's page-break title: "Knee Pain - Key Points" over "KEY POINTS:").
    if norm in SUBLABEL_WORDS or (not hit.sig[2]
                                  and _names_page(norm, hit.sig[0], title, names)):
        return False
    own, colon = hit.sig[1], hit.sig[2]
    if blocks[keep[at][0]][1] == "li":
        return False  # a list item is an entry, never a heading
    if not own:
        return hit.strong and (hit.sig in known_sigs or _run_in_caps(hit, keep[at]) or (
            alone and _run_in_title(hit, keep[at])))
    nxt = at + 1
    while nxt < len(keep) and blocks[keep[nxt][0]][4]:
        nxt += 1  # navigation between a heading and its text is furniture
    if nxt >= len(keep) or (keep[nxt][4] is not None and not keep[nxt][4].dropped):
        return False
    if _over_the_title(keep, blocks, nxt, title):
        return False  # a banner over the page's title (the site's name), not a section
    return not (colon and _leads_list(keep, blocks, nxt))


def _over_the_title(keep: list[Kept], blocks: list[Block], nxt: int, title: str) -> bool:
    """Does line ``nxt`` name the page (``_names_page``), or, past links alone (an action
    bar's "Case List" between a banner and the title), is it the page's title line: strong,
    the ``<title>`` or its start, the page marker aside?"""
    if _names_page(_unmarked(keep[nxt][2]), "", title):
        return True
    start = nxt
    while nxt + 1 < len(keep) and _link_only(blocks[keep[nxt][0]][0][keep[nxt][1]],
                                             keep[nxt][2]):
        nxt += 1
    bi, li, text = keep[nxt][0], keep[nxt][1], keep[nxt][2]
    norm = _unmarked(text)
    return (nxt > start and len(norm) >= 3 and (norm == title or title.startswith(f"{norm} "))
            and _strong(blocks[bi][0][li]))


def _unmarked(text: str) -> str:
    """A line folded without its page marker ("Knee Pain - Page #2": "knee pain")."""
    return normalize_label(PAGE_SUFFIX_RE.sub("", text))


def _run_in_caps(hit: LabelHit, kept: Kept) -> bool:
    """A bold run-in label in CAPS with its colon that opens a paragraph ("<b>RETURN TO
    PLAY:</b> text"): the print convention for a section label, not a sub-label (those are
    short acronyms, "ECG:", "MRI:": two words or eight letters at least)."""
    return hit.sig[2] and kept[1] == 0 and is_caps_label(hit.heading)


def _run_in_title(hit: LabelHit, kept: Kept) -> bool:
    """With no recognised run-in label on the page to compare formats with and no
    recognised heading above it (a last page holding one unknown section, perhaps before
    its references), a bold run-in label in Title Case with its colon that opens a
    paragraph ("<b>Return to Play:</b> text") is a section label, as the CAPS one is;
    a sentence-case one ("Laboratory studies:") or a short one ("Labs:", "X-ray:") stays
    a sub-label of the text the page continues (sub-label words are refused before)."""
    heading = hit.heading
    words = heading.split()
    return (hit.sig[2] and kept[1] == 0 and (len(words) >= 2 or len(heading) >= 8)
            and all(w[0].isupper() for w in words if len(w) >= 4 or w is words[0]))


def _names_page(norm: str, fmt: str, title: str, names: frozenset[str] = frozenset()) -> bool:
    """The page's own title, not a section: an ``<h1>``, a generic page name
    (``JUNK_TITLE_RE``), or the ``<title>`` text, its start or end ("AMSSM - Case
    Studies" names "Case Studies") or one of its parts (``names``: "Atlantic Academy -
    Chest Pain During a Marathon - Page #2" names "Chest Pain During a Marathon")."""
    if fmt.split(">", 1)[0] == "h1" or JUNK_TITLE_RE.match(norm):
        return True  # a top heading, or a generic page name ("Welcome", "Home")
    return len(norm) >= 3 and bool(title) and (
        norm == title or title.startswith(f"{norm} ") or title.endswith(f" {norm}")
        or norm in names)


def _leads_list(keep: list[Kept], blocks: list[Block], start: int) -> bool:
    """True when lines from ``start`` are list items followed by more plain text (not
    navigation or a link-only line, not the footer's NOTE/©/credit, not a citation: the
    references after a last section): the label before them is a sub-label of a section
    that continues."""
    i = start
    while i < len(keep) and (keep[i][3] or blocks[keep[i][0]][1] == "li"):
        i += 1
    while i < len(keep) and (blocks[keep[i][0]][4] or _link_only(
            blocks[keep[i][0]][0][keep[i][1]], keep[i][2])):
        i += 1  # navigation after the list is furniture, not the section going on
    return (start < i < len(keep) and keep[i][4] is None and not _is_footer(keep[i][2], None)
            and not is_citation(keep[i][2]))


def render(parts: list[Part]) -> str:
    """Section text in the records' text format."""
    out: list[str] = []
    prev: Part | None = None
    for part in parts:
        block = part[1]
        bullet = part[3]
        is_item = block[1] == "li" or bullet
        if prev is not None:
            if prev[0] == part[0]:
                out.append("\n")
            else:
                prev_block = prev[1]
                prev_item = prev_block[1] == "li" or prev[3]
                same_list = prev_item and is_item and (
                    prev_block[3] == block[3] or prev[3] or bullet
                )
                out.append("\n" if same_list else "\n\n")
        first_of_li = block[1] == "li" and (prev is None or prev[0] != part[0])
        out.append(f"- {part[2]}" if bullet or first_of_li else part[2])
        prev = part
    return drop_invisible("".join(out))
