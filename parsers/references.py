"""Turn the lines of a References section into ``Reference`` records.

Accepted layouts: ``<ol><li>`` (number = list position, or the printed number when the item
repeats it), "1." / "1)" / "[1]" / "(1)" paragraphs or ``<br>``-separated lines, and
references wrapped over several lines (a line without a number continues the previous
reference). With no numbers at all, each paragraph, list item or line is one reference,
except lines that plainly continue the previous one (start in lower case, or follow a line
without final punctuation).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from .labels import (
    DOI_TEXT_RE,
    DOI_URL_RE,
    PMID_RE,
    REF_NUMBER_RE,
    URL_RE,
    URL_TRAILING,
)
from .records import REFERENCES_KEY, Reference
from .sections import Part, RawSection, citation_score, hrefs, is_citation
from .text import Run, drop_invisible

#: A run of citations found by content needs this many entries (one is enough when the
#: entry is numbered or a list item and carries strong evidence).
_RUN_MIN = 2


def clean_url(url: str) -> str:
    """Strip trailing punctuation and an unmatched closing parenthesis from a URL."""
    while url:
        unmatched = url[-1] == ")" and url.count(")") > url.count("(")
        if url[-1] in URL_TRAILING or unmatched:
            url = url[:-1]
        else:
            break
    return url


def _number(text: str) -> tuple[int | None, str]:
    m = REF_NUMBER_RE.match(text)
    if m is None:
        return None, text
    num = int(m.group(1) or m.group(2) or m.group(3))
    return num, text[m.end() :]


def make_reference(number: int | None, text: str, hrefs: list[str]) -> Reference:
    """A reference with its DOI, first URL and PMID pulled out of the text (or links)."""
    text = " ".join(drop_invisible(text).split())
    ref = Reference(number, text)
    # Case-insensitive searches of a long reference are slow: each pattern is tried only
    # when the literal it needs occurs, from where it first occurs (a match of URL_RE has
    # its "://" at most 5 characters in). re.I also matches "ı"/"İ" to "i": ASCII only.
    colon_slashes = text.find("://")
    url_from = max(0, colon_slashes - 5)
    has_url = colon_slashes >= 0
    low = text.lower() if text.isascii() else None
    m = URL_RE.search(text, url_from) if has_url else None
    url = clean_url(m.group(0)) if m else None
    if url is None:
        url = next((h.strip() for h in hrefs if h.strip().lower().startswith("http")), None)
    ref.url = url
    doi_at = 0 if low is None else low.find("doi")
    m = DOI_TEXT_RE.search(text, doi_at) if doi_at >= 0 and "10." in text else None
    if m:
        ref.doi = clean_url(m.group(1))
    elif url:
        d = DOI_URL_RE.match(url)
        if d:
            ref.doi = d.group(1)
    if ref.doi is None and has_url:
        for found in URL_RE.findall(text, url_from):
            d = DOI_URL_RE.match(clean_url(found))
            if d:
                ref.doi = d.group(1)
                break
    pmid_at = 0 if low is None else low.find("pmid")
    if pmid_at >= 0:
        m = PMID_RE.search(text, pmid_at)
        if m:
            ref.pmid = m.group(1)
    return ref


def parse_references(parts: list[Part]) -> list[Reference]:
    """References from the rendered lines of a References section."""
    numbered = any(REF_NUMBER_RE.match(p[2]) for p in parts) or any(
        p[1][2] is not None for p in parts
    )
    items: list[tuple[int | None, list[str], list[str]]] = []
    prev_block = -1
    last_num = 0
    for part in parts:
        block_index, block, text = part[0], part[1], part[2]
        new_block = block_index != prev_block
        prev_block = block_index
        num, stripped = _number(text)
        list_num = block[2] if new_block else None
        start = False
        if list_num is not None:
            start = True
            if num is not None and num == list_num:
                text = stripped
            num = list_num
        elif num is not None and (not items or num > last_num or new_block):
            start = True
            text = stripped
        elif not items:
            start = True
            num = None
        elif not numbered:
            prev = items[-1][1][-1]
            continues = text[:1].islower() or not (
                prev.rstrip().endswith((".", "]", ")"))
                or (_ends_with_identifier(prev) and is_citation(text)))
            start = new_block or block[1] == "li" or not continues
            num = None
        text = _without_back_link(text, part[4])
        if start:
            items.append((num, [text], hrefs(part[4])))
            if num is not None:
                last_num = num
        else:
            items[-1][1].append(text)
            items[-1][2].extend(hrefs(part[4]))
    return [make_reference(n, " ".join(lines), hrefs) for n, lines, hrefs in items]


def _ends_with_identifier(text: str) -> bool:
    """Does a line end with the identifier that closes a citation: a URL, a DOI or a PMID
    ("... 2010;18(2):238-246. https://doi.org/10.1007/s00167-009-0942-6")? Such a line needs
    no final stop to be a whole entry when a citation follows it ("Accessed May 2004." after
    a web address goes on with its entry)."""
    words = text.rsplit(None, 2)
    if not words:
        return False
    last = words[-1].rstrip(URL_TRAILING)
    return ("://" in last or DOI_TEXT_RE.search(" ".join(words[-2:])) is not None
            or (last.isdigit() and PMID_RE.search(" ".join(words[-2:])) is not None))


def _without_back_link(text: str, runs: Sequence[Run]) -> str:
    """A line without its back-links: links of symbols only ("↩", "^", "↑") that a
    footnote list puts after or before each entry to jump back to its mark; navigation,
    not the citation."""
    mark = _symbol_links(reversed(runs))
    if mark and text.endswith(mark) and len(mark) < len(text):
        text = text[: -len(mark)].rstrip()
    mark = _symbol_links(iter(runs))
    if mark and text.startswith(mark) and len(mark) < len(text):
        text = text[len(mark):].lstrip()
    return text


def _symbol_links(runs: Iterator[Run]) -> str:
    """The collapsed text of the links of symbols only that ``runs`` start with."""
    found: list[str] = []
    for run in runs:
        if not run[0].strip():
            continue
        if run[3] is None or any(c.isalnum() for c in run[0]):
            break
        found.append(run[0].strip())
    return " ".join(found)


def _run_start(parts: list[Part]) -> int | None:
    """Index where a trailing run of citation entries starts, or None.

    Walking back from the last line: citation lines, web entries (``_web_entry``), and
    lines of the same block as the entry after them (a wrapped entry), belong to the run."""
    i = len(parts)
    count = strong = 0
    while i > 0:
        part = parts[i - 1]
        if is_citation(part[2]):
            count += 1
            strong += citation_score(part[2]) >= 3
        elif not (_web_entry(parts, i - 1) or (i < len(parts) and parts[i][0] == part[0])):
            break
        i -= 1
    while i < len(parts) and not (is_citation(parts[i][2]) or _web_entry(parts, i)):
        i += 1  # the run starts with an entry, not with a continuation line
    enough = count >= _RUN_MIN or (count == 1 and strong == 1 and _listed(parts[i]))
    return i if i < len(parts) and enough else None


def _web_entry(parts: list[Part], i: int) -> bool:
    """An entry with weaker citation evidence (a web source: "Org. Title. Available at:
    http://... Accessed 2004."), listed or on a line of its own after a citation line of
    its block (entries one a line): part of a run of citations beside it, never enough to
    make one (only full citations count towards ``_RUN_MIN``)."""
    part = parts[i]
    if not ("://" in part[2] or citation_score(part[2]) >= 1):
        return False
    return _listed(part) or (i > 0 and parts[i - 1][0] == part[0]
                             and is_citation(parts[i - 1][2]))


def _listed(part: Part) -> bool:
    """Numbered ("1.", "[1]"), a list item or a bulleted line."""
    return bool(REF_NUMBER_RE.match(part[2])) or part[1][1] == "li" or part[3]


def apply_content_rule(preamble: list[Part], sections: list[RawSection],
                       warnings: list[str]) -> None:
    """References by content, in place.

    * a heading that is references only by synonym ("Sources", "Further reading") over
      entries with no citation evidence at all (no citation, URL or DOI) is not references:
      kept as an other section with a warning (an exact alias such as "References" is
      trusted);
    * on a page without a references section, a trailing run of citation entries (at the
      end of the last section, or of the unplaced text when the page has no heading) is
      the references section, rule "content" (an unknown heading over nothing but
      citations becomes the references heading)."""
    for sec in sections:
        if sec.key == REFERENCES_KEY and sec.rule == "synonym" and sec.parts and not any(
                is_citation(p[2]) or "://" in p[2] or DOI_TEXT_RE.search(p[2])
                for p in sec.parts):
            sec.key = None
            warnings.append(f"references heading {sec.heading!r} is followed by no "
                            "citation; kept as an other section")
    if any(s.key == REFERENCES_KEY for s in sections):
        return
    holder = sections[-1].parts if sections else preamble
    start = _run_start(holder)
    if start is None:
        return
    last = sections[-1] if sections else None
    if start == 0 and last is not None and last.key is None:
        last.key, last.rule = REFERENCES_KEY, "content"
        return
    if start == 0 and last is not None:
        return  # a known section holding only citations keeps its key
    sections.append(RawSection(REFERENCES_KEY, None, holder[start:], rule="content"))
    del holder[start:]
