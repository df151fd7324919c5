"""The content area apart from the page furniture, found by structure before the walk.

The content element is, in order: the one element with ``role="main"`` (a ``main``,
``article``, ``div``, ``td`` or ``section``), the one ``<main>``, the one ``<article>``;
else the element whose id or class names content ("main", "content", "article", "entry",
"post", "node", "story") that holds the largest share of the body's text below 95 % (a
wrapper of the whole page is not the content) and at least half of it. Every container
beside it or beside one of its ancestors (site header, menus, sidebars, the CMS footer) is
marked as navigation for the walk, so its text becomes page furniture. With no such
element nothing is marked: the walk's own link-density test and the furniture classes
(``labels.NAV_ATTR_RE``) still apply. A paragraph whose class names furniture (a CMS
byline ``<p class="submitted">``, ``<p class="pager">``) is furniture as a container of that
class would be: it is retagged as a ``div`` so that the walk's container test sees it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from lxml import etree

from .labels import (
    CONTAINER_TAGS,
    CONTENT_ATTR_RE,
    CONTENT_PATH_CLASS,
    HEADING_CONTAINER_RE,
    HEADING_TAGS,
    JUNK_TITLE_RE,
    NAV_TAGS,
    alias_key,
    is_caps_label,
    names_navigation,
    normalize_label,
    title_names,
)

#: Appended to the class of a container outside the content (``NAV_ATTR_RE`` matches it).
FURNITURE_CLASS = "casearchive-nav"
_MIN_SHARE = 0.5
_MAX_SHARE = 0.95


_TEXT_LEN = etree.XPath("string-length(normalize-space())")
_STRING = etree.XPath("string()", smart_strings=False)


def _text_len(el: etree._Element) -> int:
    """Characters of an element's text, whitespace collapsed (one C-level XPath call)."""
    return int(_TEXT_LEN(el))


#: Class and id strings remembered: a site's templates use a few dozen.
_NAME_CACHE_SIZE = 1024


@lru_cache(maxsize=_NAME_CACHE_SIZE)
def _names_content(names: str) -> bool:
    """Does an "id class" string name the content area (``CONTENT_ATTR_RE``)?"""
    return CONTENT_ATTR_RE.search(names) is not None


def content_element(root: etree._Element, title: frozenset[str] = frozenset()
                    ) -> etree._Element | None:
    """The element holding the page's content, or None when the structure names none;
    ``title``: the names the page's ``<title>`` gives it (``title_names``).

    One pass over the candidate tags (``root.iter`` filters in C); the same pass retags the
    furniture paragraphs."""
    role_main: list[etree._Element] = []
    structural: dict[str, list[etree._Element]] = {"main": [], "article": []}
    named: list[etree._Element] = []
    for el in root.iter("main", "article", "div", "td", "section", "p"):
        if el.tag == "p":  # a furniture paragraph becomes a container (see the module)
            cls = el.get("class")
            if cls and _names_furniture(cls):
                el.tag = "div"
            continue
        if el.get("role") == "main":
            role_main.append(el)
        tag = el.tag
        if tag in structural:
            structural[tag].append(el)
        else:
            ident, cls = el.get("id"), el.get("class")
            if (ident or cls) and _names_content(f"{ident or ''} {cls or ''}"):
                named.append(el)
    for found in (role_main, structural["main"], structural["article"]):
        if len(found) == 1:
            return found[0]
    if not named:
        return None
    body = root.find("body")
    total = _text_len(body) if body is not None else 0
    best: etree._Element | None = None
    best_len = 0
    for el in named:
        n = _text_len(el)
        if _MIN_SHARE * total <= n < _MAX_SHARE * total and n > best_len:
            best, best_len = el, n
    if best is None:
        best = _whole_name_content(named, total, title)
    return best if best is not None else _titled_content(named, total, title)


def _whole_name_content(named: list[etree._Element], total: int, title: frozenset[str]
                        ) -> etree._Element | None:
    """The one element whose id or a class is a content name as a whole ("main",
    "content", "main-content"; not "mainmenu", "content-meta"), when no named element holds
    half the body's text: a short page's content beside a long footer and side column. It
    must hold more text than each block beside it that no furniture name marks (an
    unnamed side column is smaller than the content it stands beside), unless it shows the
    page's title as a heading and none of them does (``_shows_title_alone``)."""
    whole = [el for el in named if _whole_content_name(el)]
    if len(whole) != 1:
        return None
    el = whole[0]
    n = _text_len(el)
    if not 0 < n < _MAX_SHARE * total:
        return None
    beside = _beside(el)
    if any(not names_navigation(f"{s.get('id') or ''} {s.get('class') or ''}")
           and _text_len(s) >= n for s in beside) and not _shows_title_alone(el, beside, title):
        return None
    return el


def _titled_content(named: list[etree._Element], total: int, title: frozenset[str]
                    ) -> etree._Element | None:
    """The largest element named as content (below ``_MAX_SHARE`` of the body) that shows
    the page's title as a heading while no container beside it does
    (``_shows_title_alone``), when none holds half the body's text: a short page's
    ``#maincolumn`` beside a ``#leftcolumn`` of modules (a login form, a menu) and over a
    long footer. A column of modules names its boxes by their own headings, never by the
    page's title. Everything beside it and beside its ancestors becomes furniture, so no
    container there that no furniture tag or name marks may hold more text than it
    (``_longest_beside``): an author's box that repeats the article's title over a longer
    article is not the content. A candidate made mostly of links (a menu module whose
    class starts with "main", headed by the site's name) is none."""
    if not title:
        return None
    best: etree._Element | None = None
    best_len = 0
    for el in named:
        n = _text_len(el)
        if (best_len < n < _MAX_SHARE * total and _shows_title_alone(el, _beside(el), title)
                and _longest_beside(el) < n and 2 * _link_text_len(el) < n):
            best, best_len = el, n
    return best


def _link_text_len(el: etree._Element) -> int:
    """Characters of the text inside ``el``'s links."""
    return sum(_text_len(a) for a in el.iter("a"))


def _longest_beside(el: etree._Element) -> int:
    """The most text a container beside ``el`` or beside one of its ancestors holds, of
    those that are no furniture by tag or name (``_furniture_by_tag_or_name``)."""
    longest = 0
    while el is not None and el.tag not in ("body", "html"):
        longest = max([longest, *(_text_len(s) for s in _beside(el)
                                  if not _furniture_by_tag_or_name(s))])
        el = el.getparent()
    return longest


def _beside(el: etree._Element) -> list[etree._Element]:
    """The containers beside ``el`` (its siblings of a container tag)."""
    return [s for s in (*el.itersiblings(preceding=True), *el.itersiblings())
            if isinstance(s.tag, str) and s.tag in CONTAINER_TAGS]


#: Content names as a whole token, separators ignored (``_whole_name_content``).
_WHOLE_CONTENT_NAMES = frozenset({"main", "content", "maincontent", "pagecontent",
                                  "article", "story"})


def _whole_content_name(el: etree._Element) -> bool:
    tokens = f"{el.get('id') or ''} {el.get('class') or ''}".lower().split()
    return any(t.replace("-", "").replace("_", "") in _WHOLE_CONTENT_NAMES for t in tokens)


def mark_furniture(root: etree._Element) -> bool:
    """Mark the containers outside the content element as navigation, and the paragraphs
    whose class names furniture; True when a content element was found. The content's
    ancestors are marked as holding it (``CONTENT_PATH_CLASS``): the walk never makes them
    navigation by their link density, which a menu column beside the content can give a
    layout row (a short page beside a long sidebar of links). Without a content element,
    a layout table's side columns are marked (``mark_side_cells``)."""
    title = title_names(root.findtext("head/title") or "")
    content = content_element(root, title)
    if content is None:
        mark_side_cells(root, title=title)
    else:
        inner = el = _inner_content(content, title)
        while el is not None and el.tag not in ("body", "html"):
            for sibling in el.itersiblings(preceding=True):
                _mark(sibling)
            for sibling in el.itersiblings():
                _mark(sibling)
            el = el.getparent()
            if el is not None and el.tag in CONTAINER_TAGS:
                el.set("class", f"{el.get('class') or ''} {CONTENT_PATH_CLASS}".strip())
        mark_side_cells(root, inner, title)  # a layout table inside it: its side columns
    mark_tag_lines(root)
    return content is not None


#: Elements a tag line is climbed through to the line that holds it.
_TAG_LINE_TAGS = frozenset({"p", "span", "li", "ul", "ol", "dd", "dt", "dl", "small", "em", "i",
                            "b", "strong", "font", "div"})
#: What a tag line may say besides its tag links ("Labels:", "Tags:", "Filed under").
_TAG_LABEL_MAX = 30
_TAG_SEPARATORS_RE = re.compile(r"[\s,;|\u00b7\u2022/]+")


def mark_tag_lines(root: etree._Element) -> None:
    """A line of the page's tags is post metadata, furniture: the links the rel-tag
    microformat marks (``rel="tag"``, as blog engines and CMSs print a post's labels,
    tags and categories) and nothing else but separators and a short label ("Labels:",
    "Tags:", "Filed under"). Its element becomes a furniture container (a paragraph or a
    span retagged ``div``), unless it already stands in furniture."""
    done: set[etree._Element] = set()
    for link in root.iter("a"):
        rel = link.get("rel")
        if not rel or "tag" not in rel.lower().split():
            continue
        el = link.getparent()
        if el is None or el in done or el.tag not in _TAG_LINE_TAGS or not _tag_line(el):
            continue
        parent = el.getparent()
        while (parent is not None and parent.tag in _TAG_LINE_TAGS and parent.tag != "div"
               and el.tag != "div" and _tag_line(parent)):
            el, parent = parent, parent.getparent()
        done.add(el)
        if not _in_furniture(el):
            if el.tag not in CONTAINER_TAGS:
                el.tag = "div"
            _mark(el)


def _tag_line(el: etree._Element) -> bool:
    """Does ``el`` hold tag links (``rel="tag"``), no other link, and besides them only
    separators and a short label?"""
    rest = _STRING(el)
    for a in el.iter("a"):
        rel = (a.get("rel") or "").lower().split()
        if "tag" not in rel:
            if a.get("href"):
                return False
            continue
        rest = rest.replace(_STRING(a), " ", 1)
    rest = _TAG_SEPARATORS_RE.sub(" ", rest).strip()
    return len(rest) <= _TAG_LABEL_MAX and len(rest.split()) <= 3


def _in_furniture(el: etree._Element) -> bool:
    """Does ``el`` stand in a furniture container (by tag or name) already?"""
    return any(_furniture_by_tag_or_name(anc) for anc in el.iterancestors())


def _inner_content(el: etree._Element, title: frozenset[str] = frozenset()) -> etree._Element:
    """The innermost element below ``el`` that holds the content. Two steps, repeated:

    * the one container named as content among the containers beside it, holding a case
      heading, the page's title as a heading that none of them shows
      (``_shows_title_alone``), or more text than each of them, none of which holds a case
      heading: a
      template's content area ``#contentarea`` holding ``#left`` (menus), ``#main`` (the
      article) and ``#right`` (modules, a poll, "Who's Online") is read from ``#main``,
      whose neighbours are the side columns a layout table's cells would be
      (``mark_side_cells``);
    * else the content's wrapper (``_content_box``): the one container beside nothing but
      furniture and empty boxes that holds most of the rest of the text."""
    while True:
        boxes = [c for c in el if isinstance(c.tag, str) and c.tag in CONTAINER_TAGS]
        inner = _named_column(el, boxes, title)
        if inner is None:
            inner = _content_box(el, boxes)
            if inner is None:
                return el
        el = inner


#: Headings, and blocks whose class says heading or title ("contentheading", "page-title"):
#: the elements that may show the page's title (filtered by ``HEADING_CONTAINER_RE``).
_TITLE_BLOCKS = etree.XPath(
    ".//*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6"
    " or contains(translate(@class, 'HT', 'ht'), 'head')"
    " or contains(translate(@class, 'HT', 'ht'), 'title')]")
#: The longest text a title block is read for.
_TITLE_BLOCK_MAX = 200


def _headings(el: etree._Element) -> Iterator[etree._Element]:
    """The headings inside ``el`` and the blocks classed as one, in document order."""
    for block in _TITLE_BLOCKS(el):
        if block.tag in HEADING_TAGS or HEADING_CONTAINER_RE.search(block.get("class") or ""):
            yield block


def _shows_title(el: etree._Element, title: frozenset[str]) -> bool:
    """Does ``el`` hold a heading (or a block classed as one) that spells the ``<title>``
    or one of its parts (``title_names``)? A column that shows the page's title is where
    its article is, however short the page: a column of modules names them by their own
    headings ("Popular", "Polls") and lists case titles as links, never as headings."""
    for block in _headings(el):
        if _text_len(block) <= _TITLE_BLOCK_MAX and normalize_label(
                " ".join("".join(block.itertext()).split())) in title:
            return True
    return False


def _opens_with_title(cell: etree._Element, size: int, title: frozenset[str]) -> bool:
    """Does a cell of ``size`` characters open with a heading that spells a name its
    ``<title>`` gives the page (``title_names``), past generic ones (``JUNK_TITLE_RE``: the
    category's "Case Studies" heading may stand above the title, and never is one), and is
    it no list of links? A box beside the article that names the case ("Case of the Month"
    over the case's title) opens with its own name; a menu headed by the site's name is
    made of links."""
    above: list[str] = []
    for block in _headings(cell):
        text = " ".join("".join(block.itertext()).split())
        if JUNK_TITLE_RE.match(normalize_label(text)):
            above.append(text)
            continue
        # compared without white space: blocks join their text without a space in between
        lead = "".join(_STRING(cell).split())
        opening = "".join("".join([*above, text]).split())
        return (normalize_label(text) in title and lead.startswith(opening)
                and 2 * _link_text_len(cell) < size)
    return False


def _shows_title_alone(el: etree._Element, beside: list[etree._Element],
                       title: frozenset[str]) -> bool:
    """``el`` shows the page's title as a heading and no container beside it does: it is
    the page's content, however much longer a column of modules beside it is."""
    return bool(title) and _shows_title(el, title) and not any(
        _shows_title(c, title) for c in beside)


def _named_column(el: etree._Element, boxes: list[etree._Element],
                  title: frozenset[str] = frozenset()) -> etree._Element | None:
    """The one container named as content among ``boxes`` that is the content beside the
    others (``_inner_content``), or None."""
    named = [c for c in boxes if _names_content(f"{c.get('id') or ''} {c.get('class') or ''}")]
    if len(named) != 1 or len(boxes) < 2:
        return None  # no named column, or several (teasers side by side: "node", "node")
    inner = named[0]
    others = [c for c in boxes if c is not inner]
    if any(_holds_case_label(c) for c in others):
        return None  # content beside content
    if not _holds_case_label(inner):  # else it is the content however short the page
        size = _text_len(inner)
        # Beside the other containers and beside the paragraphs that are no container: a
        # table of contents classed "contenttoc" over an article's loose paragraphs is no
        # column of the content.
        if ((any(_text_len(c) >= size for c in others) or 2 * size < _text_len(el))
                and not _shows_title_alone(inner, others, title)):
            return None
    return inner


#: Containers that are text of their own when they have children, never a wrapper.
_TEXT_BOXES = frozenset({"ul", "ol", "dl", "table"})
#: A container holding at least this share of its parent's text wraps all of it.
_WRAPS = 0.95


def _content_box(el: etree._Element, boxes: list[etree._Element]) -> etree._Element | None:
    """The content's wrapper inside ``el``, beside nothing but furniture
    (``_furniture_box``) and empty boxes: the one other container holding text, when it
    holds at least half of the text outside that furniture (a page wrapper, a column
    beside an ``<aside>`` column, a post beside its footer and comments). When every
    container holding text is furniture and ``el`` has no text of its own, the one named
    furniture that holds nearly all of it (``_WRAPS``) is the content: the content is
    never furniture, so that name is dropped for the walk (a layout engine names every
    region of a page a "widget", the column of posts included)."""
    seen = 0  # first a cheap exit: two boxes of text beside each other (own text, a list)
    for box in boxes:
        if ((box.tag in _TEXT_BOXES and len(box)) or (box.text or "").strip()) and (
                not _furniture_by_tag_or_name(box)):
            seen += 1
            if seen > 1:
                return None
    total = _text_len(el)
    if not total:
        return None
    free: list[tuple[etree._Element, int]] = []
    furniture: list[tuple[etree._Element, int]] = []
    for box in boxes:
        n = _text_len(box)
        if n:
            (furniture if _furniture_box(box, n) else free).append((box, n))
    in_furniture = sum(n for _, n in furniture)
    if len(free) == 1:
        box, n = free[0]
        return box if 2 * n >= total - in_furniture else None
    if free or not furniture or total - in_furniture > len(furniture):
        return None  # text of its own beside the furniture (a normalised space apart)
    box, n = max(furniture, key=lambda bn: bn[1])
    if n < _WRAPS * total or box.tag in NAV_TAGS:
        return None
    _unname(box)
    return box


def _furniture_box(box: etree._Element, n: int) -> bool:
    """Is a container furniture by its tag (``<aside>``, ``<nav>``, ...) or its name
    (``NAV_ATTR_RE``), or a wrapper of one and nothing else (``<div><div><aside>``)? A
    wrapper of an element whose name is a content name as a whole (``#main``) is not."""
    while True:
        if _furniture_by_tag_or_name(box):
            return True
        if _whole_content_name(box):
            return False
        inner = [c for c in box if isinstance(c.tag, str) and c.tag in CONTAINER_TAGS]
        if len(inner) != 1 or _text_len(inner[0]) != n:
            return False
        box = inner[0]


def _furniture_by_tag_or_name(el: etree._Element) -> bool:
    """An ``<aside>``, a ``<nav>``, ... or a container whose class or id names furniture."""
    return el.tag in NAV_TAGS or names_navigation(f"{el.get('class') or ''} {el.get('id') or ''}")


def _unname(box: etree._Element) -> None:
    """Drop the furniture words of a container's class and id (the content's wrapper)."""
    cls = box.get("class")
    if cls and names_navigation(cls):
        box.set("class", " ".join(t for t in cls.split() if not names_navigation(t)))
    ident = box.get("id")
    if ident and names_navigation(ident):
        del box.attrib["id"]


def _mark(el: etree._Element) -> None:
    if isinstance(el.tag, str) and el.tag in CONTAINER_TAGS:
        el.set("class", f"{el.get('class') or ''} {FURNITURE_CLASS}".strip())


@lru_cache(maxsize=_NAME_CACHE_SIZE)
def _names_furniture(cls: str) -> bool:
    """A furniture class on a paragraph (``<p class="submitted">`` -> ``<div ...>``: a
    paragraph is not a container for the walk, so its class would otherwise go unread);
    "comment" is not one there: a paragraph so classed on a case page is as likely the
    author's comment as a reader's."""
    return names_navigation(cls) and _COMMENT_RE.search(cls) is None


_COMMENT_RE = re.compile(r"comment", re.I)


#: How deep ``mark_side_cells`` follows the text down from ``<body>``.
_LAYOUT_DEPTH = 12
#: Blocks that make a cell a column of boxes rather than one heading or one value.
_BOX_BLOCKS = ("p", "div", "table", "ul", "ol", "form", "h2", "h3", "h4", "h5", "h6")


def mark_side_cells(root: etree._Element, start: etree._Element | None = None,
                    title: frozenset[str] = frozenset()) -> None:
    """A layout table names nothing, but its text density shows the content column: from
    ``<body>``, follow the child that holds most of its parent's text (at least half); in
    each table row on that path, a cell beside the content cell is a side column
    (furniture: meetings, "featured case", newsletter boxes) when it holds two blocks or
    more (a column of boxes, not one heading or one value: a two-column heading table's
    left cell stays) and no case heading (a short page's content beside a longer column
    is never the column), and at most half the content cell's text unless the content
    cell is the row's one cell holding a case heading (or, failing that, the page's title
    as a heading; ``_mark_row``). From ``start`` instead of ``<body>``: the content element
    found by name, whose own layout table (a template's content column beside a column of
    modules) is read the same way. ``title``: the names the ``<title>`` gives the page
    (``title_names``)."""
    el = root.find("body") if start is None else start
    if el is None or el.find(".//td") is None:
        return
    total = _text_len(el)
    wrapped = False  # reached through a wrapper: ``total`` is an ancestor's
    for _ in range(_LAYOUT_DEPTH):
        layout = [c for c in el if c.tag in _LAYOUT_TAGS]
        if len(layout) == 1 and el.tag != "tr":
            el = layout[0]  # a wrapper: the path goes on without measuring
            wrapped = True
            continue
        if (wrapped and el.tag != "tr" and len(layout) > _MEASURE_MANY
                and _under_half(_text_len(el), total)):
            return  # no child holds half (``_MEASURE_MANY``): one measure, not one a child
        wrapped = False
        children = [(c, _text_len(c)) for c in layout]
        if not children:
            return
        main, n = max(children, key=lambda cn: cn[1])
        if el.tag == "tr":
            _mark_row(children, main, n, title)
        if _under_half(n, total):
            return
        el, total = main, n


#: Above this many children, an element reached through wrappers is measured once before
#: its children are, and ends the path when it holds under half the text: a Word page's
#: table of fifty short rows beside the paragraphs that hold its text costs one measure,
#: not fifty. A child's collapsed text is never longer than its parent's, so the path is
#: the same either way.
_MEASURE_MANY = 3


def _under_half(n: int, total: int) -> bool:
    """Does an element of ``n`` characters hold under half of ``total`` (or nothing)?
    Then the path ends there."""
    return 2 * n < total or n == 0


#: The elements a layout table's content column can be reached through (a paragraph or an
#: inline element never holds one).
_LAYOUT_TAGS = frozenset({"table", "tbody", "thead", "tfoot", "tr", "td", "th", "div", "center",
                          "form", "font", "section", "main", "article", "span", "blockquote"})


def _mark_row(cells: list[tuple[etree._Element, int]], main: etree._Element, n: int,
              title: frozenset[str] = frozenset()) -> None:
    """The side columns of one layout row. The content cell is the one cell holding a case
    heading when exactly one does, or, where none does, the one holding a run-in label in
    capitals (``_holds_caps_label``), or, where none does either, the one that opens with
    the page's title (``_opens_with_title``: a last page of headingless references under
    its title, beside a column of modules as long or longer); then a column of boxes
    beside it is furniture however long. Else the content is the densest cell, and only a
    column of at most half its text is."""
    tds = [c for c, _ in cells if c.tag == "td"]
    labelled = ([c for c in tds if _holds_case_label(c)]
                or [c for c in tds if _holds_caps_label(c)]
                or ([c for c, m in cells if c.tag == "td" and 2 * m >= n
                     and _opens_with_title(c, m, title)] if title else []))
    anchored = len(labelled) == 1
    content = labelled[0] if anchored else main
    for cell, m in cells:
        if cell.tag != "td" or cell is content or cell in labelled or not _boxes(cell):
            continue
        if anchored or 2 * m <= n:
            _mark(cell)


_LABEL_TAGS = ("b", "strong", "h2", "h3", "h4", "h5", "h6", "dt", "th")


def _labels(cell: etree._Element) -> Iterator[tuple[str, bool]]:
    """The emphasised labels of a cell (at most 60 characters), without their colon, and
    whether they had one."""
    for el in cell.iter(*_LABEL_TAGS):
        raw = " ".join("".join(el.itertext()).split())
        text = raw.rstrip(" :")
        if 0 < len(text) <= 60:
            yield text, raw.endswith(":")


def _holds_case_label(cell: etree._Element) -> bool:
    """Does a cell hold a case's section heading (an emphasised alias, "History:")? Then it
    is the content, however short the page and however long the column beside it."""
    return any(alias_key(text)[0] is not None for text, _ in _labels(cell))


def _holds_caps_label(cell: etree._Element) -> bool:
    """Does a cell hold a section label by its form, a run-in label in capitals with its
    colon ("<b>RETURN TO PLAY:</b> text", ``labels.is_caps_label``, as the sections read
    it)? Then, where no cell holds a case heading, it is the content (a last page holding
    one unknown section, beside a longer column of boxes)."""
    return any(colon and is_caps_label(text) for text, colon in _labels(cell))


#: Elements that wrap a cell's blocks without being one (``_boxes``).
_CELL_WRAPPERS = frozenset({"div", "center", "section", "aside", "span", "font"})


def _boxes(cell: etree._Element) -> bool:
    """Two blocks or more in a cell, directly or inside the wrappers that hold all of it (a
    template's ``<td><div id="rightcolumn">`` holding its modules is a column of boxes as
    the bare cell would be)."""
    el = cell
    for _ in range(_LAYOUT_DEPTH):
        children = [c for c in el if isinstance(c.tag, str)]
        if (len(children) != 1 or children[0].tag not in _CELL_WRAPPERS
                or (el.text or "").strip() or (children[0].tail or "").strip()):
            break
        el = children[0]
    return sum(1 for c in el if c.tag in _BOX_BLOCKS) >= 2
