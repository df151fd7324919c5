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

Speed: the walk runs once per element of every page, so it is one flat loop over
``iterwalk`` events with a tag -> action table, and what it produces is plain tuples and
lists (no per-node objects): a run is a tuple indexed by ``T``/``FMT``/``STRONG``/``HREF``/
``MARKER``, a block a list indexed by ``LINES``/``KIND``/``NUM``/``LIST``/``NAV``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple

from lxml import etree

from .labels import (
    BLOCK_TAGS,
    BOLD_STYLE_RE,
    BULLETS,
    CONTAINER_TAGS,
    CONTENT_PATH_CLASS,
    HEADING_CLASS_RE,
    HEADING_CONTAINER_RE,
    HEADING_TAGS,
    INVISIBLE_CHARS,
    MSO_IGNORE_RE,
    NAV_TAGS,
    PLAIN_BULLET_RE,
    SKIP_TAGS,
    STRONG_TAGS,
    STYLE_TAGS,
    heading_rule,
    names_navigation,
)

_EVENTS = ("start", "end", "comment", "pi")
_CELL_MAX = 300
_LEFT_CELL_MAX = 60
#: The longest ``alt`` text read as a heading image's heading.
_IMAGE_HEADING_MAX = 60
#: The longest text before an unnamed icon link that names it (``_name_icon_link``).
_ICON_LABEL_MAX = 40
#: A data table's cell holds at most this many blocks; a cell holding more (paragraphs,
#: headings, lists: a page's content column) makes the table a layout table.
_DATA_CELL_BLOCKS = 2

#: A run: ``(text, fmt, strong, href, marker)``.
#:
#: * ``fmt``: formatting signature, the chain of formatting elements, e.g. "font>b", "h3";
#: * ``strong``: bold, underlined, a heading or a heading-like class: what a label looks like;
#: * ``href``: the link the text is in (stripped), or None;
#: * ``marker``: Word's list marker (inside ``mso-list:Ignore``): a bullet glyph or "1.".
Run = tuple[Any, ...]
T, FMT, STRONG, HREF, MARKER = range(5)

#: A block: ``[lines, kind, list_num, list_id, nav]`` (a list: ``nav`` is set afterwards).
#:
#: * ``lines``: list of lines, a line a list of runs;
#: * ``kind``: "p", "li" (list item or Word bullet paragraph), "table" (collapsed data table);
#: * ``list_num``: position of an ``<ol>`` item (respecting ``start``), else None;
#: * ``list_id``: identifies the list an item belongs to, so its items join with single
#:   newlines;
#: * ``nav``: produced inside a navigation container.
Block = list[Any]
LINES, KIND, NUM, LIST, NAV = range(5)

#: A link seen during the walk: ``[href, rel, parts, target, nav]`` (resolved later); ``nav``
#: is set when its container turns out to be navigation (``_close_box``): True in a
#: container marked as navigation, ``DENSE`` in one made of links (``Link.in_link_list``).
LinkOut = list[Any]
#: ``LinkOut``'s ``nav`` for a link that is navigation only by its container's link density.
DENSE = 2


#: Does a block's first line start with a label? Injected by the caller (``sections``
#: decides labels; this module must not import it).
LabelTest = Callable[[list[Any]], bool]


def _never_label(lines: list[Any]) -> bool:
    return False


class Walk(NamedTuple):
    """Everything one walk of the tree produces."""

    blocks: list[Block]
    links: list[LinkOut]
    title: str
    base: str | None = None
    """``<base href>`` of the head, if any."""


def run(text: str, fmt: str = "", strong: bool = False, href: str | None = None,
        marker: bool = False) -> Run:
    return (text, fmt, strong, href, marker)


_INVISIBLE_RE = re.compile(f"[{INVISIBLE_CHARS}]")


def drop_invisible(text: str) -> str:
    """A field's text without the characters that show nothing ("hyper&shy;tension" is
    "hypertension", as a reader and a search see it; a diff does not report an added soft
    hyphen). One-character searches first: they cost far less than the pattern's scan."""
    if text.isascii() or not any(ch in text for ch in INVISIBLE_CHARS):
        return text
    return _INVISIBLE_RE.sub("", text)


def collapse(text: str) -> str:
    """Whitespace (including no-break spaces) collapsed to single spaces, stripped. A text
    that is so already (most of a page's lines) is returned as it is: the test, every
    character printable (which leaves the space as the one white space) and no two spaces
    in a row, costs under half of splitting the text into words and joining them."""
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def line_text(runs: list[Run]) -> str:
    """The collapsed text of a line."""
    if len(runs) == 1:
        return " ".join(runs[0][0].split())
    return " ".join("".join([r[0] for r in runs]).split())


_BULLET_START = frozenset("·•▪◦●■\u2022\u2023\u2043")


def render_line(runs: list[Run]) -> tuple[str, bool]:
    """(text, is_bullet): a line with Word's list marker or a leading bullet glyph becomes
    a bullet item, its marker removed; a numbered marker ("1.") stays as written."""
    if runs and runs[0][4]:
        marker = "".join([r[0] for r in runs if r[4]]).strip()
        rest = line_text([r for r in runs if not r[4]])
        if marker and marker[0] in BULLETS and len(marker) <= 2:
            return rest, True
        return (f"{marker} {rest}" if marker else rest).strip(), False
    if len(runs) == 1:
        text = " ".join(runs[0][0].split())
    else:
        text = " ".join("".join([r[0] for r in runs]).split())
    if text and text[0] in _BULLET_START:
        return PLAIN_BULLET_RE.sub("", text), True
    return text, False


_TOKENS: dict[tuple[Any, ...], tuple[str, bool, bool]] = {}


def _fmt_token(el: etree._Element, tag: str) -> tuple[str, bool, bool]:
    """(signature token, strong?, mso-list marker?) for an element's own formatting;
    memoised on the tag and attributes, since legacy pages repeat them endlessly. A ``<dt>``
    (a definition list's term) is formatted as a heading."""
    if tag in STRONG_TAGS or tag == "dt":
        return tag, True, False
    key = (tag, *el.items())
    found = _TOKENS.get(key)
    if found is None:
        found = _fmt_token_uncached(el, tag)
        if len(_TOKENS) < 50000:
            _TOKENS[key] = found
    return found


_HEADING_CLASSES: dict[str, bool] = {}


def _heading_container(
    el: etree._Element, tag: str, fmt: str, strong: bool, marker: bool
) -> tuple[str, bool, bool] | None:
    """The formatting a heading-classed container adds (``<div class="field-label">``,
    ``<div class="section-head">``): a strong token, as a ``<b>`` would; None otherwise."""
    cls = el.get("class")
    if not cls:
        return None
    heading = _HEADING_CLASSES.get(cls)
    if heading is None:
        heading = HEADING_CONTAINER_RE.search(cls) is not None
        if len(_HEADING_CLASSES) < 4096:
            _HEADING_CLASSES[cls] = heading
    if not heading:
        return None
    token = f"{tag}.{cls}"
    return (f"{fmt}>{token}" if fmt else token), True, marker


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


# Start actions, by tag: what an element does when the walk enters it (``_Walker`` methods,
# bound in ``_START`` below). An element not in the table is an unknown inline element.
_CELL_TAGS = frozenset({"tr", "td", "th"})


class _Walker:
    """The state of one walk and one method per kind of element.

    Formatting state: ``fmt``, ``strong``, ``href``, ``marker``, ``link`` (the open link).
    ``ends`` says what each open element does at its end: 0 nothing, 1 end a block, 2 end a
    container, 3 end a list; or the formatting state to restore, followed by one of those
    codes. ``chars``/``link_chars``/``nlinks`` are running totals of visible characters, of
    those inside links, and of links; a container box records them at its start, so at its
    end the differences are the container's own. A box is ``[chars, link chars, nlinks (at
    its start), start block, nav, tag, rows, nested table]``; its ``nav`` is None for a box
    that holds the content element (``container``).
    """

    __slots__ = ("base", "blocks", "boundary", "box", "boxes", "chars", "ends", "fmt", "href",
                 "is_label", "kind", "line", "line_has_text", "lines", "link", "link_chars",
                 "links", "list_counter", "list_id", "list_num", "marker", "nlinks", "ols",
                 "strong", "tables", "title", "walker")

    def __init__(self, is_label: LabelTest, walker: Any) -> None:
        self.blocks: list[Block] = []
        self.links: list[LinkOut] = []
        self.title = ""
        self.base: str | None = None
        self.lines: list[list[Run]] = []
        self.line: list[Run] = []
        self.line_has_text = False
        self.kind = "p"
        self.list_num: int | None = None
        self.list_id = 0
        self.fmt = ""
        self.strong = False
        self.href: str | None = None
        self.marker = False
        self.link: LinkOut | None = None
        self.boundary = False  # a link starts or ends here: keep glued words apart
        self.ends: list[Any] = []
        self.chars = self.link_chars = self.nlinks = 0
        self.box: list[Any] = [0, 0, 0, 0, False, "root", None, False]
        self.boxes: list[list[Any]] = [self.box]
        self.tables: list[list[Any]] = []  # the open table boxes
        self.ols: list[list[int]] = []  # [next number, list id] per open list
        self.list_counter = 0
        self.is_label = is_label
        self.walker = walker

    # --- shared steps ---------------------------------------------------------------------

    def flush_block(self) -> None:
        """End the current block: the open line and the lines so far become a block."""
        if self.line_has_text:
            self.lines.append(self.line)
            self.line_has_text = False
        elif not self.lines:
            self.line = []
            return
        self.blocks.append([self.lines, self.kind, self.list_num, self.list_id, False])
        self.lines = []
        self.line = []

    def enter(self, nested: tuple[str, bool, bool] | None, code: int) -> None:
        """Record what the element does at its end (``code``) and, when it adds formatting
        (``nested``), the formatting to restore then."""
        if nested is None:
            self.ends.append(code)
        else:
            self.ends.append((self.fmt, self.strong, self.href, self.marker, self.link, code))
            self.fmt, self.strong, self.marker = nested

    def glue(self, text: str) -> None:
        """At a link's start or end (``boundary``), a word glued to the word before it
        (``<a>Reply</a><a>Delete</a>``, ``<a>Shaun Prescott</a><time>March``) is kept a
        separate word: a link is a unit of its own, set apart on the page by its styling.
        A space run is added before ``text``, which joins the current line next."""
        self.boundary = False
        line = self.line
        if line and text[0].isalnum() and line[-1][0][-1].isalnum():
            line.append((" ", self.fmt, self.strong, self.href, self.marker))

    def new_box(self, nav: bool | None, tag: str, rows: list[list[int]] | None) -> list[Any]:
        return [self.chars, self.link_chars, self.nlinks, len(self.blocks), nav, tag, rows,
                False]

    # --- inline elements: each returns the text to add (None: none) -----------------------

    def br(self, el: etree._Element) -> str | None:
        """A ``<br>`` ends the line; a second one in a row (an empty line) ends the block."""
        self.ends.append(0)
        if self.line_has_text:
            self.lines.append(self.line)
            self.line_has_text = False
        elif self.lines:
            self.blocks.append([self.lines, self.kind, self.list_num, self.list_id, False])
            self.lines = []
        self.line = []
        return None

    def anchor(self, el: etree._Element) -> str | None:
        """A link: its text is collected for ``links``. A bracket that opens it ends the text
        before it as a run of its own, so a heading "Details[edit]" reads as "Details"
        followed by its tool link (``sections.find_label``)."""
        value = el.get("href")
        if value is None:
            self.ends.append(0)
            return el.text  # type: ignore[no-any-return]
        self.ends.append((self.fmt, self.strong, self.href, self.marker, self.link, 0))
        link = [value, (el.get("rel") or "").lower(), [], el.get("target") or "",
                self.box[4] is True]
        self.link = link
        line = self.line
        if line:
            last = line[-1]
            if last[0][-1] == "[" and len(last[0]) > 1:  # "Details[<a>edit</a>]"
                line[-1] = (last[0][:-1], *last[1:])
                line.append(("[", *last[1:]))
            self.boundary = line[-1][0][-1].isalnum()
        self.links.append(link)
        self.nlinks += 1
        self.href = value.strip()
        return el.text  # type: ignore[no-any-return]

    def image(self, el: etree._Element) -> str | None:
        """An image inside a link names the link by its ``alt`` text (a "Next Page" button),
        for discovery; the page's text does not show it. Outside a link, an image whose
        ``alt`` is a heading of the alias table (a 1990s GIF banner "History") is that
        heading: a strong run of its own. Any other image is no text (logos, spacers,
        figures, an author's photo "Author": the synonym bank is too loose here)."""
        self.ends.append(0)
        alt = el.get("alt")
        if not alt:
            return None
        if self.link is not None:
            alt = alt.strip()
            if alt and not "".join(self.link[2]).strip():
                self.link[2].append(alt)
        elif len(alt) <= _IMAGE_HEADING_MAX and heading_rule(alt) == "alias":
            alt = " ".join(alt.split())
            fmt = self.fmt
            self.line.append((alt, f"{fmt}>img" if fmt else "img", True, None, False))
            self.line_has_text = True
            self.chars += len(alt)
        return None

    def inline_format(self, el: etree._Element, code: int = 0) -> str | None:
        """A formatting element (``<b>``, ``<font>``, a classed ``<span>``; ``block_format``
        passes a ``<p>`` or heading, ``code`` 1): the formatting inside it is the outer
        signature and its own token joined by ">", strong or a list marker if either is."""
        token, strong, marker = _fmt_token(el, el.tag)
        if not (token or strong or marker):
            self.ends.append(code)
            return el.text  # type: ignore[no-any-return]
        fmt = self.fmt
        self.ends.append((fmt, self.strong, self.href, self.marker, self.link, code))
        self.fmt = f"{fmt}>{token}" if fmt and token else token or fmt
        self.strong = strong or self.strong
        self.marker = marker or self.marker
        return el.text  # type: ignore[no-any-return]

    def skip(self, el: etree._Element) -> str | None:
        """An invisible element (script, style, head, ...): only ``<title>`` and ``<base>``
        are read from it."""
        self.ends.append(0)
        tag = el.tag
        if tag == "title" and not self.title:
            self.title = el.text or ""
        elif tag == "head":
            for t in el.iter("title", "base"):
                if t.tag == "base":
                    self.base = self.base or t.get("href")
                elif not self.title:
                    self.title = "".join(t.itertext())
        self.walker.skip_subtree()
        return None

    # --- block elements -------------------------------------------------------------------

    def block(self, el: etree._Element) -> str | None:
        self.flush_block()
        self.ends.append(1)
        return el.text  # type: ignore[no-any-return]

    def block_format(self, el: etree._Element) -> str | None:
        self.flush_block()
        return self.inline_format(el, 1)

    def rule(self, el: etree._Element) -> str | None:
        self.flush_block()
        self.ends.append(1)
        return None

    def item(self, el: etree._Element) -> str | None:
        """A list item: numbered by its ``<ol>`` (``value`` resets the count)."""
        self.flush_block()
        self.ends.append(1)
        self.kind = "li"
        if not self.ols:
            self.list_counter += 1
            self.list_id = self.list_counter
            self.list_num = None
            return el.text  # type: ignore[no-any-return]
        top = self.ols[-1]
        self.list_id = top[1]
        if top[0]:
            value = el.get("value")
            if value and value.isdigit():
                top[0] = int(value)
            self.list_num = top[0]
            top[0] += 1
        else:
            self.list_num = None
        return el.text  # type: ignore[no-any-return]

    def container(self, el: etree._Element) -> str | None:
        """A container (table, row, cell, list, div, ...) opens a box for its totals. Its
        ``nav`` is True for navigation by tag, name or place, None for a container that
        holds the content element (``CONTENT_PATH_CLASS``: never navigation by its link
        density), else False."""
        self.flush_block()
        tag = el.tag
        nav: bool | None = tag in NAV_TAGS or self.box[4] is True
        if not nav:
            cls = el.get("class")
            ident = el.get("id")
            if cls or ident:
                nav = names_navigation(f"{cls or ''} {ident or ''}")
                if not nav and cls and CONTENT_PATH_CLASS in cls:
                    nav = None
        if tag == "table":
            self.open_table(nav)
        elif self.tables and tag in _CELL_TAGS:
            self.open_cell(el, tag, nav)
        elif tag == "ol" or tag == "ul":
            self.open_list(el, tag, nav)
        else:
            self.box = self.new_box(nav, tag, None)
            self.enter(_heading_container(el, tag, self.fmt, self.strong, self.marker)
                       if el.get("class") else None, 2)
        self.boxes.append(self.box)
        return el.text  # type: ignore[no-any-return]

    def open_table(self, nav: bool | None) -> None:
        if self.tables:
            self.tables[-1][7] = True
        self.box = self.new_box(nav, "table", [])
        self.tables.append(self.box)
        self.ends.append(2)

    def open_cell(self, el: etree._Element, tag: str, nav: bool | None) -> None:
        """A row or cell of the innermost table records its place in the table's rows; a
        ``<th>`` (or a heading-classed cell, ``<td class="label">``) is strong."""
        self.box = self.new_box(nav, tag, None)
        rows = self.tables[-1][6]
        if tag == "tr":
            rows.append([])
            self.ends.append(2)
            return
        if not rows:
            rows.append([])
        rows[-1].append(len(self.blocks))
        if tag == "th":
            fmt = self.fmt
            self.enter((f"{fmt}>th" if fmt else "th", True, self.marker), 2)
        else:
            self.enter(_heading_container(el, tag, self.fmt, self.strong, self.marker)
                       if el.get("class") else None, 2)

    def open_list(self, el: etree._Element, tag: str, nav: bool | None) -> None:
        self.box = self.new_box(nav, tag, None)
        self.list_counter += 1
        start = el.get("start")
        num = int(start) if start and start.isdigit() else 1
        self.ols.append([num if tag == "ol" else 0, self.list_counter])
        self.ends.append(3)

    # --- the end of an element ------------------------------------------------------------

    def end(self, action: int, el: etree._Element) -> str | None:
        """An element that opened a block ends (``action``, off ``ends``; the loop has
        restored the formatting): end its block (1) or its box (2; 3 a list) and apply the
        box's decisions (``_close_box``); its tail follows."""
        self.flush_block()
        self.kind = "p"
        self.list_num = None
        if action == 1:
            return el.tail  # type: ignore[no-any-return]
        closed = self.boxes.pop()
        self.box = self.boxes[-1]
        if closed[6] is not None:
            self.tables.pop()
        elif action == 3:
            self.ols.pop()
        _close_box(closed, self.blocks, self.chars - closed[0], self.link_chars - closed[1],
                   self.is_label, self.nlinks - closed[2], self.links)
        return el.tail  # type: ignore[no-any-return]


_Action = Callable[[_Walker, etree._Element], "str | None"]
_START: dict[str, _Action] = {}
for _tag in STRONG_TAGS | STYLE_TAGS:
    _START[_tag] = _Walker.inline_format
for _tag in BLOCK_TAGS:
    if _tag in CONTAINER_TAGS:
        _START[_tag] = _Walker.container
    elif _tag == "li":
        _START[_tag] = _Walker.item
    elif _tag == "hr":
        _START[_tag] = _Walker.rule
    elif (_tag in HEADING_TAGS or _tag in STRONG_TAGS or _tag in STYLE_TAGS or _tag == "p"
          or _tag == "dt"):
        _START[_tag] = _Walker.block_format
    else:
        _START[_tag] = _Walker.block
for _tag in SKIP_TAGS:
    _START[_tag] = _Walker.skip
_START["br"] = _Walker.br
_START["a"] = _Walker.anchor
_START["img"] = _Walker.image


def walk(root: etree._Element, is_label: LabelTest = _never_label) -> Walk:
    """Walk the tree once and return its blocks, links and ``<title>`` text."""
    walker = etree.iterwalk(root, events=_EVENTS)
    state = _Walker(is_label, walker)
    start_of = _START.get
    pop = state.ends.pop
    push = state.ends.append
    end = state.end
    named_at: tuple[int, int] | None = None  # the line and place an icon link was named at
    for event, el in walker:
        if event == "start":
            action = start_of(el.tag)
            if action is None:  # an inline element that changes nothing (most frequent)
                push(0)
                text = el.text
            else:
                text = action(state, el)
        elif event == "end":
            code = pop()
            if code.__class__ is tuple:  # restore the formatting around the element
                if code[4] is not state.link:
                    state.boundary = True
                    if state.link is not None and not "".join(state.link[2]).strip():
                        place = (id(state.line), sum(1 for r in state.line if r[0].strip()))
                        if place != named_at:
                            _name_icon_link(state.link, state.line)
                            named_at = place
                state.fmt, state.strong, state.href, state.marker, state.link, code = code
            text = end(code, el) if code else el.tail
        else:  # comment / processing instruction: only its tail is visible
            text = el.tail
        if text:  # inlined ``_Walker.add``: the walk's hottest step
            if state.link is not None:
                state.link[2].append(text)
            line = state.line
            n = len(text.strip())
            if n:
                if state.boundary:
                    state.glue(text)
                line.append((text, state.fmt, state.strong, state.href, state.marker))
                state.line_has_text = True
                state.chars += n
                if state.href is not None:
                    state.link_chars += n
            elif line:  # white space starting a line is no run: it would show nothing
                line.append((text, state.fmt, state.strong, state.href, state.marker))
    state.flush_block()
    return Walk(state.blocks, state.links, state.title, state.base)


def _name_icon_link(link: LinkOut, line: list[Run]) -> None:
    """A link that shows no text of its own (an icon without ``alt``: a Notes doclink
    after "Continue on page 2") is named, for discovery, by the short unlinked text just
    before it on its line, as a reader takes it; only the first of a row of icons (the
    walk names no other at the same place). The page's text is unchanged."""
    texts: list[str] = []
    for r in reversed(line):
        if r[HREF] is not None:
            break
        texts.append(r[T])
    label = " ".join("".join(reversed(texts)).split())
    if label and len(label) <= _ICON_LABEL_MAX and any(c.isalnum() for c in label):
        link[2] = [label]


def break_preformatted_lines(root: etree._Element) -> None:
    """In a ``<pre>`` a line break is a line break ("MRI: ...\nCT: ..."): each becomes a
    ``<br>``, which the walk reads as the end of a line (an empty line ends the block, as
    in running text). The newline that follows ``<pre>`` at once is not shown (HTML)."""
    for pre in root.iter("pre"):
        if pre.text and pre.text.startswith(("\n", "\r\n")):
            pre.text = pre.text.split("\n", 1)[1]
        for el in list(pre.iter()):
            if el.text and "\n" in el.text:
                first, *rest = el.text.split("\n")
                el.text = first
                for i, part in enumerate(rest):
                    el.insert(i, _br(part))
            if el is not pre and el.tail and "\n" in el.tail:
                first, *rest = el.tail.split("\n")
                el.tail = first
                for part in reversed(rest):
                    el.addnext(_br(part))


#: A blank line as a compose editor writes it: a ``<div>`` holding a ``<br>`` or a
#: non-breaking space and nothing else (``join_editor_lines``).
BLANK_DIV_RE = re.compile(r"<div>\s*(?:<br\s*/?>|&nbsp;|&#160;|\xa0)\s*</div>", re.I)
#: Children that make a ``<div>`` more than one line of text.
_BLOCK_CHILDREN = frozenset({"div", "p", "ul", "ol", "dl", "table", "blockquote", "pre", "hr",
                             "h1", "h2", "h3", "h4", "h5", "h6", "center", "form", "section"})


def join_editor_lines(root: etree._Element) -> None:
    """A compose editor (a blog's, a web mail's) writes each line the author typed as a
    ``<div>`` and an empty line as ``<div><br></div>`` or ``<div>&nbsp;</div>``. Where a
    container's children include such blank lines, the ``<div>`` lines between two of them
    are one paragraph, each a line of it ("MRI: ..." over "CT: ..."), as the browser shows
    them: no gap between two ``<div>`` lines, a blank line between paragraphs. They are
    joined into one ``<div>`` with ``<br>`` between the lines before the walk. Call only on
    pages that hold a blank line (``BLANK_DIV_RE``)."""
    parents = {id(div.getparent()): div.getparent() for div in root.iter("div")
               if _blank_div(div) and div.getparent() is not None}
    for parent in parents.values():
        group: list[etree._Element] = []
        for child in list(parent):
            if _line_div(child) and (not group or not (group[-1].tail or "").strip()):
                group.append(child)
                continue
            _join(group)
            group = [child] if _line_div(child) else []
        _join(group)


def _blank_div(div: etree._Element) -> bool:
    if len(div) > 1 or div.attrib:
        return False
    text = div.text or ""
    if len(div):
        child = div[0]
        return (child.tag == "br" and not text.strip() and not (child.tail or "").strip()
                and not child.text)
    return "\xa0" in text and not text.strip()


def _line_div(el: object) -> bool:
    """A ``<div>`` of inline text only, as an editor writes a line (no class, no id; a
    blank line is no text line)."""
    if not isinstance(el, etree._Element) or el.tag != "div" or el.get("class") or el.get("id"):
        return False
    if any(c.tag in _BLOCK_CHILDREN for c in el if isinstance(c.tag, str)):
        return False
    return not _blank_div(el) and bool("".join(el.itertext()).strip())


def _join(group: list[etree._Element]) -> None:
    """The lines of one paragraph into its first ``<div>``, a ``<br>`` between two."""
    if len(group) < 2:
        return
    first = group[0]
    for div in group[1:]:
        br = etree.SubElement(first, "br")
        br.tail = div.text
        for child in list(div):
            first.append(child)
        prev = div.getprevious()
        if prev is not None and div.tail:
            prev.tail = (prev.tail or "") + div.tail
        div.getparent().remove(div)


#: Digits and signs as the superscript and subscript characters of Unicode.
_SCRIPT_FROM = "0123456789+-\u2212=()"
_SUPERSCRIPT = str.maketrans(_SCRIPT_FROM, "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077"
                             "\u2078\u2079\u207a\u207b\u207b\u207c\u207d\u207e")
_SUBSCRIPT = str.maketrans(_SCRIPT_FROM, "\u2080\u2081\u2082\u2083\u2084\u2085\u2086\u2087"
                           "\u2088\u2089\u208a\u208b\u208b\u208c\u208d\u208e")
_SCRIPT_CHARS = frozenset(_SCRIPT_FROM + " \t\r\n\xa0")
_STRING_VALUE = etree.XPath("string()")


def raise_scripts(root: etree._Element) -> None:
    """Digits and signs set in ``<sup>``/``<sub>`` become Unicode superscripts and
    subscripts, so flattening the text does not change a value: "12 x 10<sup>9</sup>/L" is
    "12 x 10⁹/L", not "12 x 109/L"; "m<sup>2</sup>", "Ca<sup>2+</sup>", "H<sub>2</sub>O" read
    "m²", "Ca²⁺", "H₂O"; a footnote mark "events.<sup>2</sup>" reads "events.²", not
    "events.2". Only an element whose whole text is digits, signs and parentheses changes:
    "1<sup>st</sup>", "<sup>TM</sup>" and a bracketed mark "<sup>[1]</sup>" stay as written."""
    for el in root.iter("sup", "sub"):
        text = _STRING_VALUE(el)
        if not text.strip() or not _SCRIPT_CHARS.issuperset(text):
            continue
        table = _SUPERSCRIPT if el.tag == "sup" else _SUBSCRIPT
        for node in el.iter():
            if node.text and isinstance(node.tag, str):
                node.text = node.text.translate(table)
            if node is not el and node.tail:
                node.tail = node.tail.translate(table)


def _br(tail: str) -> etree._Element:
    br = etree.Element("br")
    br.tail = tail.rstrip("\r") or None
    return br


def _close_box(box: list[Any], blocks: list[Block], total: int, link: int, is_label: LabelTest,
               nlinks: int, links: list[LinkOut]) -> None:
    """Apply the navigation and data-table decisions of a finished container, given its
    visible characters, those inside links and its number of links (a container's links
    are ``links[box[2]:]``: the running count at its start). A container that holds the
    content element (``nav`` None) is never navigation by its density: the links that
    make it dense are a menu beside the content, marked as such already."""
    start, nav = box[3], box[4]
    if nav or (nav is not None and nlinks >= 3 and link >= 0.8 * total
               and link <= 40 * nlinks):
        for i in range(start, len(blocks)):
            blocks[i][4] = True
        if not nav:  # in a navigation box from its start, its links were flagged as made
            for i in range(box[2], len(links)):
                links[i][4] = links[i][4] or DENSE
    elif box[6] is not None and not box[7] and len(blocks) > start:
        _maybe_collapse_table(box[6], start, blocks, is_label)


def _is_th(block: Block) -> bool:
    """Does a cell's first run sit in a ``<th>``?"""
    lines = block[0]
    return bool(lines) and bool(lines[0]) and "th" in lines[0][0][1].split(">")


def _row_headed(rows: list[list[int]], blocks: list[Block]) -> bool:
    """A table whose every row starts with a ``<th>`` followed by ``<td>`` cells is a
    heading/content layout (the left cell heads the right), not data."""
    seen = False
    for cells in rows:
        if not cells:
            continue
        if cells[0] >= len(blocks) or not _is_th(blocks[cells[0]]):
            return False
        if len(cells) < 2 or cells[1] >= len(blocks) or _is_th(blocks[cells[1]]):
            return False
        seen = True
    return seen


def _maybe_collapse_table(rows: list[list[int]], start: int, blocks: list[Block],
                          is_label: LabelTest) -> None:
    """Collapse a data table's blocks into one block with one line per row (not when a
    first-column cell is a label: a label/value layout table, nor when its cells show
    nothing but links: a bar of buttons, "Next Page | Case List", whose cells stay lines
    of links)."""
    if (max((len(r) for r in rows), default=0) < 2 or _row_headed(rows, blocks)
            or _only_links(blocks[start:])):
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
            if last - first > _DATA_CELL_BLOCKS:
                return  # a cell of paragraphs, headings or lists: a layout table
            parts: list[str] = []
            for b in blocks[first:last]:
                for ln in b[0]:
                    if c == 0 and not parts and is_label(b[0]):
                        _head_left_cells(rows, blocks)
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
    blocks.append([[[(row, "", False, None, False)] for row in out_rows], "table", None, 0,
                   False])





def _only_links(blocks: list[Block]) -> bool:
    """Is every run that shows text in ``blocks`` inside a link?"""
    return all(r[HREF] is not None for b in blocks for line in b[0] for r in line
               if r[T].strip())


def _head_left_cells(rows: list[list[int]], blocks: list[Block]) -> None:
    """In a label/value layout table (one left cell is a known label), every short
    one-line left cell of a row with a value cell is a heading by its place: its runs are
    made strong, as a ``<th>`` would be, so an unknown heading there ("Patient Education")
    is judged by form like the known ones."""
    for cells in rows:
        if len(cells) < 2 or cells[1] - cells[0] != 1 or cells[0] >= len(blocks):
            continue
        block = blocks[cells[0]]
        lines = block[0]
        if len(lines) != 1 or block[1] != "p":
            continue
        runs = lines[0]
        if sum(len(r[0].strip()) for r in runs) > _LEFT_CELL_MAX or any(r[3] for r in runs):
            continue
        lines[0] = [(r[0], r[1] or "td", True, r[3], r[4]) for r in runs]
