"""Resolve the links seen during the walk into ``Link`` records.

Every ``<a href>`` is kept (``mailto:``/``javascript:`` too; the crawler filters). Resolution
is memoised on (base directory, href): a relative href resolves the same against every page
of a directory, and the site repeats its navigation on every page, so most joins are cache
hits. Only "", "?q" and "#frag" hrefs depend on the full page URL.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urljoin

from .records import Link
from .text import LinkOut

_ABSOLUTE = ("http://", "https://", "HTTP://", "HTTPS://")


@lru_cache(maxsize=65536)
def _join(base: str, href: str) -> str:
    try:
        return urljoin(base, href)
    except ValueError:  # e.g. an invalid IPv6 literal in the href
        return href


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
    out: list[Link] = []
    for href, rel, parts in found:
        href = href.strip()
        if href.startswith(_ABSOLUTE):
            url = href
        elif not href or href[0] in "?#":
            url = _join(page_url, href)
        else:
            url = _join(base_dir, href)
        out.append(Link(url, " ".join("".join(parts).split()), rel))
    return out
