"""Resolve the links seen during the walk into ``Link`` records.

Every ``<a href>`` is kept (``mailto:``/``javascript:`` too; the crawler filters). Resolution
is memoised on (base directory, href): a relative href resolves the same against every page
of a directory, and the site repeats its navigation on every page, so most joins are cache
hits. A root-relative href ("/x") depends only on the site's origin, so it is keyed on that;
only "", "?q" and "#frag" hrefs depend on the full page URL.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urljoin

from lxml import etree

from .records import Link
from .text import DENSE, LinkOut

_ABSOLUTE = ("http://", "https://", "HTTP://", "HTTPS://")


#: Joins remembered: the site's navigation (keyed on the origin) and the pager links of the
#: cases in flight. Bounded by that working set (as ``URL_CACHE_SIZE``), so that a crawl's
#: memory does not grow with the site.
JOIN_CACHE_SIZE = 1024


@lru_cache(maxsize=JOIN_CACHE_SIZE)
def _join(base: str, href: str) -> str:
    try:
        return urljoin(base, href)
    except ValueError:  # e.g. an invalid IPv6 literal in the href
        return href


def _origin(base_dir: str) -> str:
    """``http://host:port/`` of a base directory; the base itself when it has no such part
    (a ``<base href>`` can make it anything)."""
    end = base_dir.find("/", base_dir.find("//") + 2)
    return base_dir[: end + 1] if end >= 0 else base_dir


def _base_dir(url: str) -> str:
    cut = len(url)
    for ch in "?#":
        i = url.find(ch)
        if 0 <= i < cut:
            cut = i
    path = url[:cut]
    if path.count("/") < 3:  # "http://host" -> "http://host/"
        return path + "/"
    return path[: path.rfind("/") + 1]


def resolve_links(found: list[LinkOut], page_url: str) -> list[Link]:
    """Absolute ``Link`` records in document order."""
    base_dir = _base_dir(page_url)
    origin = _origin(base_dir)
    out: list[Link] = []
    for href, rel, parts, target, nav in found:
        href = href.strip()
        if href.startswith(_ABSOLUTE):
            url = href
        elif not href or href[0] in "?#":
            url = _join(page_url, href)
        elif href[0] == "/" and href[1:2] != "/":
            url = _join(origin, href)
        else:
            url = _join(base_dir, href)
        out.append(Link(url, " ".join("".join(parts).split()), rel, target, bool(nav),
                        nav == DENSE))
    return out


def canonical_link(root: etree._Element, page_url: str) -> str | None:
    """The absolute URL of the page's first ``<link rel="canonical" href>``; None without one.

    ``rel`` is a token list compared without case; a relative href resolves against the page
    URL (``<base href>`` included, as passed in ``page_url``)."""
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        href = (link.get("href") or "").strip()
        if "canonical" in rel and href:
            return href if href.startswith(_ABSOLUTE) else _join(page_url, href)
    return None
