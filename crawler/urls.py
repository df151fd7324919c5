"""URL identity: when two URLs name the same page, and which case a page belongs to.

A legacy site reaches one page through many spellings (fragments, session ids, parameter
order, letter case on IIS). ``canonical_url`` folds them into one string;
``case_key`` further removes the page part so that every page of a case shares a key;
``case_id`` hashes that key into the stable id exported to the migration.

Only what cannot change the resource is normalised. A parameter is never dropped because its
value looks like a default: ``?page=1`` is page 1 on a 1-based pager and page 2 on a 0-based
one. The site itself says which (``discovery.learn_page_bases``: the pager link labelled "1"
or "first", "Page N of M"); once it has, ``UrlRules.page_bases`` folds ``page=BASE`` onto the
URL without the parameter. Other spellings of one page (redirects, ``rel=canonical``, an
identical body) are aliases recorded by the crawl on evidence, not folded here.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, fields
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

#: Query parameters that carry a session and never change the content.
SESSION_PARAMS = re.compile(
    r"^(?:phpsessid|jsessionid|sid|sessionid|session_id|session|aspsessionid\w*|cfid|cftoken"
    r"|utm_\w+)$",
    re.IGNORECASE,
)
#: Session ids embedded in the path (``;jsessionid=...``, ``(S(abc))`` of ASP.NET).
PATH_SESSION = re.compile(r";(?:jsessionid|sessionid|sid)=[^/?#]*|/\(S\([^)]*\)\)", re.I)
#: Query parameters that select a page of a multi-page document.
PAGE_PARAMS = re.compile(
    r"^(?:p|pg|page|pageno|pagenum|page_?num(?:ber)?|pagina|seite|limitstart)$", re.I
)
#: Directory index documents: ``dir/index.htm`` and ``dir/`` are one case (``case_key``);
#: as page URLs they are two spellings, one page only on evidence (a redirect, an
#: identical body), since a server may serve them differently.
INDEX_DOCS = re.compile(r"/(?:index|default|home)\.(?:html?|asp|aspx|php|cfm|shtml)$", re.I)
#: A page part at the end of a path: ``slug/page2.htm``, ``case12-p3.html``, a static site
#: generator's ``slug/page/2/``, a document published in parts ``slug/part-2``,
#: ``slug-part-2.html``.
PATH_PAGE = re.compile(r"(?:(?<=/)|[-_])(?:page[-_/]?|part[-_/]?|pg[-_]?|p[-_]?)(\d+)(\.\w+)?/?$",
                       re.I)

#: A script that names the document it shows by a query parameter, and that parameter: a
#: MediaWiki without short URLs serves the page ``/wiki/Case:Knee/2`` of another wiki as
#: ``/index.php?title=Case:Knee/2`` (its path-info form: ``/index.php/Case:Knee/2``).
TITLE_SCRIPT = re.compile(r"\.php$", re.I)
TITLE_PARAM = "title"

DEFAULT_PORTS = {"http": 80, "https": 443}
#: Characters a canonical path keeps as they are.
PATH_SAFE = "/-_.~!$&'()*+,;=:@%"
#: URLs whose identity is remembered. Every page repeats the site's navigation and its case's
#: pager, so most calls are repeats (a 20 KB page has ~70 links); a bounded cache keeps memory
#: flat however large the site. Sized to that working set, not to the site: full within the
#: first few hundred pages, so memory stops growing there. On the 10,000-page bench site,
#: 1024 entries miss ~5 % more often than 4096 did (``canonical_url``: 58.8k misses against
#: 56.1k in 1.34M calls) and keep ~10 MiB less of an import's memory at its end.
URL_CACHE_SIZE = 1024


@dataclass(frozen=True, slots=True)
class UrlRules:
    """How identity is decided for one site."""

    ignore_case: bool = False
    """Fold letter case of the path and query (IIS and other case-insensitive servers)."""
    case_pattern: re.Pattern[str] | None = None
    """Overrides the page-part heuristics: group ``case`` (or 1, or the whole match) of this
    pattern applied to the canonical URL is the case key."""
    page_bases: frozenset[tuple[str, int]] = frozenset()
    """Pager bases the site has shown: (page parameter lower-cased, value of the first page).
    ``(page, 0)`` means ``?page=0`` is page 1 and the same page as no ``page`` parameter."""
    _hash: int = field(init=False, repr=False, compare=False)
    """The rules are half of every key of the URL caches (``lru_cache``), hashed on each
    call: hashed once here. Never pickled (``__reduce__``): a string's hash differs from
    one process to the next, should the rules ever cross processes."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash(tuple(getattr(self, f.name)
                                                     for f in fields(self) if f.compare)))

    def __hash__(self) -> int:
        return self._hash

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), tuple(getattr(self, f.name) for f in fields(self) if f.init))

    def page_base(self, param: str) -> int | None:
        """The learned value of the first page for ``param``; None while unknown."""
        name = param.lower()
        return next((base for key, base in self.page_bases if key == name), None)


DEFAULT_RULES = UrlRules()


@lru_cache(maxsize=URL_CACHE_SIZE)
def canonical_url(url: str, rules: UrlRules = DEFAULT_RULES) -> str:
    """One spelling for every alias of a page; see the module docstring."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port if parts.port and parts.port != DEFAULT_PORTS.get(scheme) else None
    netloc = f"{host}:{port}" if port else host
    path = PATH_SESSION.sub("", parts.path) or "/"
    path = quote(unquote(path), safe=PATH_SAFE)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not SESSION_PARAMS.match(k) and not _is_first_page(k, v, rules)
    ]
    if rules.ignore_case:
        path = path.lower()
        query = [(k.lower(), v.lower()) for k, v in query]
    query_text = urlencode(sorted(query))
    return urlunsplit((scheme, netloc, path, query_text, ""))


@lru_cache(maxsize=URL_CACHE_SIZE)
def document_url(url: str, rules: UrlRules = DEFAULT_RULES) -> str:
    """The canonical URL with the document a script names by its ``title`` parameter moved
    into the path (``TITLE_SCRIPT``): ``/index.php?title=Case:Knee/2&action=edit`` gives
    ``/index.php/Case:Knee/2?action=edit``. What the URL's structure says (its directory, its
    family, its case key, a wiki's subpage under its page) is read from this form, so that
    a wiki without short URLs reads as one with them; a page's identity stays its
    ``canonical_url``."""
    canon = canonical_url(url, rules)
    parts = urlsplit(canon)
    if not TITLE_SCRIPT.search(parts.path):
        return canon
    query = parse_qsl(parts.query, keep_blank_values=True)
    titles = [v for k, v in query if k == TITLE_PARAM]
    if len(titles) != 1 or not titles[0].strip() or titles[0].startswith("/"):
        return canon
    path = f"{parts.path}/{quote(titles[0], safe=PATH_SAFE)}"
    rest = [(k, v) for k, v in query if k != TITLE_PARAM]
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode(rest), ""))


def _is_first_page(name: str, value: str, rules: UrlRules) -> bool:
    """``name=value`` selects the first page, as the site has shown (never assumed)."""
    if not rules.page_bases or not PAGE_PARAMS.match(name):
        return False
    base = rules.page_base(name)
    return base is not None and value.strip() == str(base)


def page_param(url: str) -> tuple[str, int] | None:
    """(name, integer value) of the URL's page parameter; None without one."""
    for name, value in parse_qsl(urlsplit(url).query):
        if PAGE_PARAMS.match(name) and value.strip().isdigit():
            return name.lower(), int(value)
    return None


def page_number_in_url(url: str, rules: UrlRules) -> int | None:
    """1-based page number the URL's page parameter selects, once the site's pager base is
    known; None without a parameter or a learned base."""
    found = page_param(url)
    if found is None:
        return None
    base = rules.page_base(found[0])
    return None if base is None else found[1] - base + 1


@lru_cache(maxsize=URL_CACHE_SIZE)
def case_key(url: str, rules: UrlRules = DEFAULT_RULES) -> str:
    """Path and query of the case a page URL belongs to, page part removed (host-free), of
    its ``document_url``."""
    if rules.case_pattern is not None:
        match = rules.case_pattern.search(canonical_url(url, rules))
        if match:
            groups = match.groupdict()
            return groups.get("case") or (match.group(1) if match.groups() else match.group(0))
    parts = urlsplit(document_url(url, rules))
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    kept = [(k, v) for k, v in query if not PAGE_PARAMS.match(k)]
    path = PATH_PAGE.sub("", INDEX_DOCS.sub("/", parts.path))
    if path.endswith(("-", "_")):
        path = path[:-1]
    return urlunsplit(("", "", path, urlencode(kept), ""))


def case_id(key: str) -> str:
    """Stable 16-hex-digit id of a case key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


@lru_cache(maxsize=URL_CACHE_SIZE)
def same_site(url: str, host: str) -> bool:
    """True when ``url`` is on ``host`` (port included) over http(s)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return False
    netloc = (parts.hostname or "").lower()
    if parts.port and parts.port != DEFAULT_PORTS.get(parts.scheme):
        netloc = f"{netloc}:{parts.port}"
    return netloc == host
