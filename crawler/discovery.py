"""Which links of a page the crawl follows, and as what.

Discovery follows the site's link structure rather than one URL scheme: a list page's
pagination is recognised by link text ("2", "Next »", "rel=next") or by sharing the list's
document; a case's pages by pager text ("Page #3", "Next Page >>") or by sharing its case key.
``--list-pattern`` and ``--case-pattern`` override the heuristics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from parsers.records import Link

from .urls import URL_CACHE_SIZE, UrlRules, canonical_url, case_key, same_site

#: Resources that are never HTML, decided from the URL before any request.
NON_HTML = re.compile(
    r"\.(?:pdf|docx?|xlsx?|pptx?|rtf|txt|csv|zip|gz|tgz|rar|7z|exe|dmg|iso|jpe?g|png|gif|bmp"
    r"|tiff?|svg|ico|webp|mp3|mp4|m4a|wav|avi|mov|wmv|flv|swf|css|js|xml|rss|json)$",
    re.IGNORECASE,
)
#: Link texts of list pagination: numbers, next/previous words and arrows.
LIST_PAGER_TEXT = re.compile(
    r"^(?:\d{1,4}|next|prev(?:ious)?|more|older|newer|first|last|page\s*\d+|[«»<>‹›]+"
    r"|(?:[«<‹]+\s*)?(?:next|prev(?:ious)?)(?:\s*page)?(?:\s*[»>›]+)?)$",
    re.IGNORECASE,
)
#: Link texts of a case's pager.
CASE_PAGER_TEXT = re.compile(
    r"^(?:[«<‹]+\s*)?(?:page\s*#?\s*\d+(?:\s*of\s*\d+)?|\d{1,3}|(?:next|prev(?:ious)?)(?:\s*page)?)"
    r"(?:\s*[»>›]+)?$",
    re.IGNORECASE,
)
#: ``Server`` headers of servers whose URLs are case-insensitive.
CASE_INSENSITIVE_SERVERS = re.compile(r"microsoft-iis|microsoft-httpapi", re.IGNORECASE)
#: Query parameters that page through a list.
LIST_PAGING_PARAMS = re.compile(r"^(?:p|pg|page|pageno|pagenum|start|offset|from|skip)$", re.I)
#: A list document numbered in its file name: ``index-2.html``, ``list_3.asp``.
NUMBERED_DOC = re.compile(r"[-_]?\d+(?=\.\w+$)")


@dataclass(slots=True)
class Scope:
    """The crawl's boundaries and the rules that decide identity and roles."""

    start_url: str
    rules: UrlRules = field(default_factory=UrlRules)
    list_pattern: re.Pattern[str] | None = None
    host: str = ""
    list_docs: frozenset[str] = frozenset()
    list_query: frozenset[tuple[str, str]] = frozenset()

    def __post_init__(self) -> None:
        parts = urlsplit(self.start_url)
        self.host = parts.netloc.lower()
        self.list_docs = frozenset({_list_doc(self.start_url, self.rules)})
        self.list_query = _fixed_query(self.start_url, self.rules)

    def allows(self, url: str) -> bool:
        """Same host, http(s), and not a resource that is never HTML."""
        return _allowed(url, self.host)

    def is_list_url(self, url: str) -> bool:
        """A page of the case list: the start document or a numbered sibling of it."""
        if self.list_pattern is not None:
            return bool(self.list_pattern.search(url))
        return (_list_doc(url, self.rules) in self.list_docs
                and _fixed_query(url, self.rules) == self.list_query)

    def list_links(self, links: list[Link]) -> tuple[list[str], list[str]]:
        """Split a list page's links into (list pagination, case candidates)."""
        pagination: list[str] = []
        candidates: list[str] = []
        for link in links:
            if not self.allows(link.url):
                continue
            if self.is_list_url(link.url) or (
                self.list_pattern is None
                and (link.rel in ("next", "prev", "previous") or LIST_PAGER_TEXT.match(link.text))
                and self._same_dir_as(self.start_url, link.url)
            ):
                pagination.append(link.url)
            else:
                candidates.append(link.url)
        return pagination, candidates

    def pager_links(self, page_url: str, links: list[Link]) -> list[str]:
        """Links of a case page that lead to other pages of the same case."""
        key = case_key(page_url, self.rules)
        out: list[str] = []
        for link in links:
            if not self.allows(link.url) or self.is_list_url(link.url):
                continue
            same_case = case_key(link.url, self.rules) == key
            pager_text = CASE_PAGER_TEXT.match(link.text) or link.rel in ("next", "prev")
            if same_case or (pager_text and self._same_dir_as(page_url, link.url)):
                out.append(link.url)
        return out

    @staticmethod
    def _same_dir_as(a: str, b: str) -> bool:
        return urlsplit(a).path.rsplit("/", 1)[0] == urlsplit(b).path.rsplit("/", 1)[0]


@lru_cache(maxsize=URL_CACHE_SIZE)
def _allowed(url: str, host: str) -> bool:
    return same_site(url, host) and not NON_HTML.search(urlsplit(url).path)


@lru_cache(maxsize=URL_CACHE_SIZE)
def _list_doc(url: str, rules: UrlRules) -> str:
    """The document a list page is a numbered copy of: ``index-2.html`` -> ``/``."""
    path = NUMBERED_DOC.sub("", urlsplit(url).path)
    return urlsplit(canonical_url(urlunsplit(("http", "h", path, "", "")), rules)).path


@lru_cache(maxsize=URL_CACHE_SIZE)
def _fixed_query(url: str, rules: UrlRules) -> frozenset[tuple[str, str]]:
    """Query parameters other than paging ones: what makes a list page *this* list."""
    query = parse_qsl(urlsplit(canonical_url(url, rules)).query)
    return frozenset((k, v) for k, v in query if not LIST_PAGING_PARAMS.match(k))
