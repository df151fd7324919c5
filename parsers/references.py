"""Turn the lines of a References section into ``Reference`` records.

Accepted layouts: ``<ol><li>`` (number = list position, or the printed number when the item
repeats it), "1." / "1)" / "[1]" / "(1)" paragraphs or ``<br>``-separated lines, and
references wrapped over several lines (a line without a number continues the previous
reference). With no numbers at all, each paragraph, list item or line is one reference,
except lines that plainly continue the previous one (start in lower case, or follow a line
without final punctuation).
"""

from __future__ import annotations

from .labels import (
    DOI_TEXT_RE,
    DOI_URL_RE,
    PMID_RE,
    REF_NUMBER_RE,
    URL_RE,
    URL_TRAILING,
)
from .records import Reference
from .sections import Part


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
    text = " ".join(text.split())
    ref = Reference(number, text)
    m = URL_RE.search(text)
    url = clean_url(m.group(0)) if m else None
    if url is None:
        url = next((h.strip() for h in hrefs if h.strip().lower().startswith("http")), None)
    ref.url = url
    m = DOI_TEXT_RE.search(text)
    if m:
        ref.doi = clean_url(m.group(1))
    elif url:
        d = DOI_URL_RE.match(url)
        if d:
            ref.doi = d.group(1)
    if ref.doi is None:
        for found in URL_RE.findall(text):
            d = DOI_URL_RE.match(clean_url(found))
            if d:
                ref.doi = d.group(1)
                break
    m = PMID_RE.search(text)
    if m:
        ref.pmid = m.group(1)
    return ref


def parse_references(parts: list[Part]) -> list[Reference]:
    """References from the rendered lines of a References section."""
    numbered = any(REF_NUMBER_RE.match(p.text) for p in parts) or any(
        p.block.list_num is not None for p in parts
    )
    items: list[tuple[int | None, list[str], list[str]]] = []
    prev_block = -1
    last_num = 0
    for part in parts:
        new_block = part.block_index != prev_block
        prev_block = part.block_index
        text = part.text
        num, stripped = _number(text)
        list_num = part.block.list_num if new_block else None
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
            continues = text[:1].islower() or not prev.rstrip().endswith((".", "]", ")"))
            start = new_block or part.block.kind == "li" or not continues
            num = None
        if start:
            items.append((num, [text], list(part.hrefs)))
            if num is not None:
                last_num = num
        else:
            items[-1][1].append(text)
            items[-1][2].extend(part.hrefs)
    return [make_reference(n, " ".join(lines), hrefs) for n, lines, hrefs in items]
