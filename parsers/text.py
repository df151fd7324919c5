"""Linearise an lxml tree into blocks of lines of formatted runs, in one walk.

A *block* is a paragraph-level unit (``<p>``, a table cell, a list item, text between
``<br><br>``); a *line* is what a ``<br>`` ends; a *run* is one text node together with its
formatting signature, e.g. ``"font>b"`` for ``<font><b>History:</b></font>``. Segmentation
reads labels off the start of lines, so the runs keep what the label finder needs and
nothing else.

Decisions made during the walk (they need the container's totals, so they are taken at
the container's end and applied to the blocks it produced):

* a link-dense container (``td``, ``div``, ``ul``, ...; >= 3 short links making >= 80 % of
  its text) or an explicit ``<nav>``/``class="menu"`` marks its blocks ``nav``;
* a table with no nested table, >= 2 columns, short cells and no label in a cell is a data
  table: its blocks collapse into one block, one line per row, cells joined " | ".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from .labels import (
    BLOCK_TAGS,
    BOLD_STYLE_RE,
    BULLETS,
    CONTAINER_TAGS,
    HEADING_CLASS_RE,
    HEADING_TAGS,
    MSO_IGNORE_RE,
    NAV_ATTR_RE,
    NAV_TAGS,
    PLAIN_BULLET_RE,
    SKIP_TAGS,
    STRONG_TAGS,
    STYLE_TAGS,
)

_EVENTS = ("start", "end", "comment", "pi")
_CELL_MAX = 300


@dataclass(slots=True)
class Run:
    """A piece of text with its formatting."""

    text: str
    fmt: str = ""
    """Formatting signature: the chain of formatting elements, e.g. "font>b", "h3"."""
    strong: bool = False
    """Bold, underlined, a heading or a heading-like class: what a label looks like."""
    href: str | None = None
    marker: bool = False
    """Word's list marker (inside ``mso-list:Ignore``): a bullet glyph or "1."."""


@dataclass(slots=True)
class Block:
    """A paragraph-level unit: lines of runs."""

    lines: list[list[Run]]
    kind: str = "p"
    """"p", "li" (list item or Word bullet paragraph), "table" (collapsed data table)."""
    list_num: int | None = None
    """Position of an ``<ol>`` item (respecting ``start``)."""
    list_id: int = 0
    """Identifies the list an item belongs to, so its items join with single newlines."""
    nav: bool = False
    """Produced inside a navigation container."""


@dataclass(slots=True)
class LinkOut:
    """A link seen during the walk (resolved later)."""

    href: str
    rel: str
    parts: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Walk:
    """Everything one walk of the tree produces."""

    blocks: list[Block]
    links: list[LinkOut]
    title: str
    base: str | None = None
    """``<base href>`` of the head, if any."""


class _Box:
    """Totals of a container element, for the navigation and data-table tests."""

    __slots__ = ("tag", "start", "total", "link", "nlinks", "link_len", "nav", "rows",
                 "nested_table", "data_ok")

    def __init__(self, tag: str, start: int, nav: bool) -> None:
        self.tag = tag
        self.start = start
        self.total = 0
        self.link = 0
        self.nlinks = 0
        self.link_len = 0
        self.nav = nav
        self.rows: list[list[int]] | None = [] if tag == "table" else None
        self.nested_table = False
        self.data_ok = True


def collapse(text: str) -> str:
    """Whitespace (including no-break spaces) collapsed to single spaces, stripped."""
    return " ".join(text.split())


def line_text(runs: list[Run]) -> str:
    """The collapsed text of a line."""
    if len(runs) == 1:
        return " ".join(runs[0].text.split())
    return " ".join("".join([r.text for r in runs]).split())


def render_line(runs: list[Run]) -> tuple[str, bool]:
    """(text, is_bullet): a line with Word's list marker or a leading bullet glyph becomes
    a bullet item, its marker removed; a numbered marker ("1.") stays as written."""
    if runs and runs[0].marker:
        marker = "".join([r.text for r in runs if r.marker]).strip()
        rest = line_text([r for r in runs if not r.marker])
        if marker and marker[0] in BULLETS and len(marker) <= 2:
            return rest, True
        return (f"{marker} {rest}" if marker else rest).strip(), False
    text = line_text(runs)
    if text and text[0] in "·•▪◦●■\u2022\u2023\u2043":
        return PLAIN_BULLET_RE.sub("", text), True
    return text, False


_TOKENS: dict[tuple[str, str | None, str | None, str | None, str | None],
              tuple[str, bool, bool]] = {}


def _fmt_token(el: etree._Element, tag: str) -> tuple[str, bool, bool]:
    """(signature token, strong?, mso-list marker?) for an element's own formatting;
    memoised on the attributes that matter, since legacy pages repeat them endlessly."""
    if tag in STRONG_TAGS:
        return tag, True, False
    key = (tag, el.get("class"), el.get("style"), el.get("size"), el.get("color"))
    found = _TOKENS.get(key)
    if found is None:
        found = _fmt_token_uncached(el, tag)
        if len(_TOKENS) < 50000:
            _TOKENS[key] = found
    return found


def _fmt_token_uncached(el: etree._Element, tag: str) -> tuple[str, bool, bool]:
    if tag in STYLE_TAGS or tag == "p":
        cls = el.get("class")
        style = el.get("style")
        if style and MSO_IGNORE_RE.search(style):
            return "", False, True
        strong = False
        token = tag if tag != "p" else ""
        if cls:
            token = f"{tag}.{cls}"
            strong = HEADING_CLASS_RE.search(cls) is not None
        if style and BOLD_STYLE_RE.search(style):
            token = f"{tag}[b]"
            strong = True
        elif tag == "font" and (el.get("size") or el.get("color")):
            token = f"font[{el.get('size', '')}{el.get('color', '')}]"
        return token, strong, False
    return "", False, False


def walk(root: etree._Element) -> Walk:
    """Walk the tree once and return its blocks, links and ``<title>`` text."""
    blocks: list[Block] = []
    links: list[LinkOut] = []
    title = ""
    base: str | None = None
    lines: list[list[Run]] = []
    line: list[Run] = []
    line_has_text = False
    kind = "p"
    list_num: int | None = None
    list_id = 0
    # Formatting stack: (fmt, strong, href, marker, link).
    state: tuple[str, bool, str | None, bool, LinkOut | None] = ("", False, None, False, None)
    states: list[tuple[str, bool, str | None, bool, LinkOut | None]] = []
    boxes: list[_Box] = [_Box("root", 0, False)]
    ols: list[list[int]] = []  # [next number, list id] per open list
    list_counter = 0

    def flush() -> None:
        nonlocal lines, line, line_has_text, kind, list_num, list_id
        if line_has_text:
            lines.append(line)
        if lines:
            blocks.append(Block(lines, kind, list_num, list_id))
        lines = []
        line = []
        line_has_text = False

    def add(text: str) -> None:
        nonlocal line_has_text
        fmt, strong, href, marker, link = state
        line.append(Run(text, fmt, strong, href, marker))
        n = len(text.strip())
        if n:
            line_has_text = True
            box = boxes[-1]
            box.total += n
            if href is not None:
                box.link += n
            if link is not None:
                link.parts.append(text)
        elif link is not None:
            link.parts.append(text)

    walker = etree.iterwalk(root, events=_EVENTS)
    for event, el in walker:
        tag = el.tag
        if event == "start":
            if tag.__class__ is not str:
                continue
            if tag in SKIP_TAGS:
                if tag == "title" and not title:
                    title = el.text or ""
                elif tag == "head":
                    for t in el.iter("title", "base"):
                        if t.tag == "base":
                            base = base or t.get("href")
                        elif not title:
                            title = "".join(t.itertext())
                walker.skip_subtree()
                states.append(state)
                continue
            states.append(state)
            if tag == "br":
                if line_has_text:
                    lines.append(line)
                    line = []
                    line_has_text = False
                elif lines:
                    flush()
                else:
                    line = []
                continue
            if tag in BLOCK_TAGS:
                flush()
                if tag in CONTAINER_TAGS:
                    cls = el.get("class")
                    ident = el.get("id")
                    nav = tag in NAV_TAGS or boxes[-1].nav
                    if not nav and (cls or ident):
                        nav = NAV_ATTR_RE.search(f"{cls or ''} {ident or ''}") is not None
                    box = _Box(tag, len(blocks), nav)
                    if tag == "table":
                        for outer in reversed(boxes):
                            if outer.tag == "table":
                                outer.nested_table = True
                                break
                    elif tag == "tr" or tag in ("td", "th"):
                        for outer in reversed(boxes):
                            if outer.tag == "table":
                                rows = outer.rows
                                if tag == "tr":
                                    rows.append([])  # type: ignore[union-attr]
                                else:
                                    if not rows:
                                        rows.append([])  # type: ignore[union-attr]
                                    rows[-1].append(len(blocks))  # type: ignore[index]
                                break
                    boxes.append(box)
                    if tag == "ol" or tag == "ul":
                        list_counter += 1
                        start = el.get("start")
                        num = int(start) if start and start.isdigit() else 1
                        ols.append([num if tag == "ol" else 0, list_counter])
                elif tag == "li":
                    kind = "li"
                    if ols:
                        top = ols[-1]
                        list_id = top[1]
                        if top[0]:
                            value = el.get("value")
                            if value and value.isdigit():
                                top[0] = int(value)
                            list_num = top[0]
                            top[0] += 1
                        else:
                            list_num = None
                    else:
                        list_counter += 1
                        list_id = list_counter
                        list_num = None
                elif tag == "hr":
                    continue
            if tag == "a":
                href = el.get("href")
                if href is not None:
                    link = LinkOut(href, (el.get("rel") or "").lower())
                    links.append(link)
                    boxes[-1].nlinks += 1
                    state = (state[0], state[1], href.strip(), state[3], link)
            elif tag in HEADING_TAGS or tag in STRONG_TAGS or tag in STYLE_TAGS or tag == "p":
                token, strong, marker = _fmt_token(el, tag)
                if token or strong or marker:
                    fmt = f"{state[0]}>{token}" if state[0] and token else (token or state[0])
                    state = (fmt, strong or state[1], state[2], marker or state[3], state[4])
            text = el.text
            if text:
                add(text)
        elif event == "end":
            if tag.__class__ is not str:
                continue
            state = states.pop()
            if tag in BLOCK_TAGS:
                flush()
                kind = "p"
                list_num = None
                if tag in CONTAINER_TAGS:
                    box = boxes.pop()
                    _close_box(box, boxes[-1], blocks)
                    if tag == "ol" or tag == "ul":
                        ols.pop()
            tail = el.tail
            if tail:
                add(tail)
        else:  # comment / processing instruction: only its tail is visible
            tail = el.tail
            if tail:
                add(tail)
    flush()
    return Walk(blocks, links, title, base)


def _close_box(box: _Box, parent: _Box, blocks: list[Block]) -> None:
    """Apply the navigation and data-table decisions of a finished container."""
    start = box.start
    nav = box.nav or (
        box.nlinks >= 3
        and box.link >= 0.8 * box.total
        and box.link <= 40 * box.nlinks
    )
    if nav:
        for i in range(start, len(blocks)):
            blocks[i].nav = True
    elif box.rows is not None and not box.nested_table and len(blocks) > start:
        _maybe_collapse_table(box.rows, start, blocks)
    parent.total += box.total
    parent.link += box.link
    parent.nlinks += box.nlinks


def _maybe_collapse_table(rows: list[list[int]], start: int, blocks: list[Block]) -> None:
    """Collapse a data table's blocks into one block with one line per row."""
    from .sections import find_label  # local: sections imports this module

    if max((len(r) for r in rows), default=0) < 2:
        return
    end = len(blocks)
    out_rows: list[str] = []
    for r, cells in enumerate(rows):
        texts = []
        for c, first in enumerate(cells):
            if c + 1 < len(cells):
                last = cells[c + 1]
            elif r + 1 < len(rows) and rows[r + 1]:
                last = rows[r + 1][0]
            else:
                last = end
            parts = []
            for b in blocks[first:last]:
                for ln in b.lines:
                    if c == 0 and not parts and find_label(b.lines, 0) is not None:
                        return  # a label/value layout table, not data
                    parts.append(render_line(ln)[0])
            cell = " ".join(p for p in parts if p)
            if len(cell) > _CELL_MAX:
                return
            texts.append(cell)
        if any(texts):
            out_rows.append(" | ".join(texts))
    if not out_rows:
        return
    del blocks[start:]
    blocks.append(Block([[Run(row)] for row in out_rows], "table"))
