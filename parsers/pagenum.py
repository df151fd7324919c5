"""The page number a URL carries: read, never trusted alone (see docs/extraction.md)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

#: A page number in a URL: a query parameter (``page``, ``p``, ``pg``, ``pagenum``,
#: ``limitstart`` excluded: it counts items, not pages) or the path ("-page-4", "/page/4",
#: "page4.html", "_p4.htm", a part "/part-4").
_URL_PAGE_QUERY_RE = re.compile(
    r"(?:^|[?&;])(?:page|pg|p|pagenum|pageno|page_no)=(\d{1,4})(?:&|;|$)", re.I
)
_URL_PAGE_PATH_RE = re.compile(
    r"(?:[/_-]page[/_-]?|[/_-]part[/_-]?|[/_-]p)(\d{1,4})(?:\.[a-z]{2,5})?/?$", re.I)


def url_page_number(url: str) -> int | None:
    """The page number a URL carries, as written (the pager's base is not known here:
    ``?page=1`` is page 1 on a 1-based site and page 2 on a 0-based one)."""
    parts = urlsplit(url)
    m = _URL_PAGE_QUERY_RE.search(parts.query)
    if m is None:
        m = _URL_PAGE_PATH_RE.search(parts.path)
    return int(m.group(1)) if m else None
