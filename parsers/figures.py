"""The media a page references: requisites a replay needs, and the figures of a case.

A pure function over the parsed tree, kept apart from the text extraction. Requisites are
what a browser fetches to render the page: ``<img src>``, ``<input type=image src>``,
stylesheets and icons (``<link rel=stylesheet|icon href>``), ``<script src>`` and a body's
``background``. Figures are the images of the page's content, told from site chrome by
structure and form, never by file names:

- an image inside a link is a navigation button or a link badge;
- an image inside a ``nav``/``header``/``footer``/``aside`` element, or inside an element
  whose id or class names such a region (``CHROME_NAMES``), belongs to the site's frame;
- an image declared tiny (``SPACER_PIXELS`` or less on a side) is a spacer or a rule;
- an image declared at least ``BANNER_RATIO`` times wider than tall is a banner or a rule.

A figure's caption is its ``<figure>``'s ``<figcaption>`` text, else its ``title``
attribute; None when neither is there.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from .links import resolve_links
from .records import Figure

#: Words that name a page region of site chrome in an id or class attribute.
CHROME_NAMES = re.compile(
    r"(?:^|[\s_-])(?:nav\w*|menu\w*|header|masthead|banner|footer|sidebar|logo\w*|toolbar)"
    r"(?:$|[\s_-])",
    re.IGNORECASE,
)
CHROME_TAGS = frozenset({"nav", "header", "footer", "aside", "noscript", "form", "a", "button"})
SPACER_PIXELS = 16
BANNER_RATIO = 4.0
_STYLESHEET_RELS = frozenset({"stylesheet", "icon", "shortcut", "apple-touch-icon"})


def find_media(root: etree._Element, base_url: str) -> tuple[list[str], list[Figure]]:
    """(requisite URLs, figures) of a page, both absolute, in document order, each URL once
    among the requisites; ``base_url`` is the page URL or its ``<base href>``."""
    found = [(el, src) for el in root.iter(*_TAGS) if (src := _source(el))]
    refs: list[list[Any]] = [[src, "", [], "", False] for _, src in found]  # text.LinkOut rows
    urls = [link.url for link in resolve_links(refs, base_url)]
    figures = [
        Figure(url=url, alt=_attr(el, "alt"), caption=_caption(el))
        for (el, _), url in zip(found, urls, strict=True)
        if el.tag == "img" and not _is_chrome(el)
    ]
    return list(dict.fromkeys(urls)), figures


_TAGS = ("img", "input", "link", "script", "body")
_NOT_FETCHED = ("data:", "javascript:", "about:")


def _source(el: etree._Element) -> str | None:
    """The URL an element makes a browser fetch, if any (inline ``data:`` URLs are none)."""
    src = _reference(el)
    return src if src and not src.strip().lower().startswith(_NOT_FETCHED) else None


def _reference(el: etree._Element) -> str | None:
    tag = el.tag
    value: str | None
    if tag == "img" or (tag == "input" and (el.get("type") or "").lower() == "image"):
        value = el.get("src")
    elif tag == "link":
        rels = set((el.get("rel") or "").lower().split())
        value = el.get("href") if rels & _STYLESHEET_RELS else None
    elif tag == "script":
        value = el.get("src")
    elif tag == "body":
        value = el.get("background")
    else:
        value = None
    return value


def _attr(el: etree._Element, name: str) -> str | None:
    value = " ".join((el.get(name) or "").split())
    return value or None


def _pixels(el: etree._Element, name: str) -> float | None:
    match = re.match(r"\s*(\d+(?:\.\d+)?)\s*(?:px)?\s*$", el.get(name) or "")
    return float(match.group(1)) if match else None


def _is_chrome(img: etree._Element) -> bool:
    width, height = _pixels(img, "width"), _pixels(img, "height")
    if any(v is not None and v <= SPACER_PIXELS for v in (width, height)):
        return True
    if width and height and width >= BANNER_RATIO * height:
        return True
    for ancestor in img.iterancestors():
        if ancestor.tag in CHROME_TAGS:
            return True
        names = f"{ancestor.get('id') or ''} {ancestor.get('class') or ''}"
        if names.strip() and CHROME_NAMES.search(names):
            return True
    return False


def _caption(img: etree._Element) -> str | None:
    figure = next((a for a in img.iterancestors() if a.tag == "figure"), None)
    if figure is not None:
        caption = figure.find(".//figcaption")
        if caption is not None:
            text = " ".join(caption.xpath("string()").split())
            if text:
                return text
    return _attr(img, "title")
