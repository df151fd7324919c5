"""Which links of a page the crawl follows, and as what.

Discovery follows the site's link structure rather than one URL scheme: a list page's
pagination is recognised by link text ("2", "Next »", "rel=next") or by sharing the list's
document; a case's pages by pager text ("Page #3", "Next Page >>") or by sharing its case key.
``--list-pattern`` and ``--case-pattern`` override the heuristics.

Every followed link carries the evidence it is (``LinkRoles``): a list page's links to its
dominant URL family are *case links*; a case page's links to its own other pages are *pager*
links; everything else is *site navigation*, which alone never makes a page a case. The
site's pager base (0 or 1) is learned from the pager itself (``learn_page_bases``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import SplitResult, parse_qsl, urlsplit, urlunsplit

from casearchive.parsers.labels import PAGE_LEAD_IN, PAGE_SEGMENT_RE
from casearchive.parsers.page import parse_title
from casearchive.parsers.records import Link

from .urls import (
    DEFAULT_RULES,
    INDEX_DOCS,
    PAGE_PARAMS,
    PATH_PAGE,
    URL_CACHE_SIZE,
    UrlRules,
    canonical_url,
    case_key,
    document_url,
    page_param,
    same_site,
)

#: Resources that are never HTML, decided from the URL before any request.
NON_HTML = re.compile(
    r"\.(?:pdf|docx?|xlsx?|pptx?|rtf|txt|csv|zip|gz|tgz|rar|7z|exe|dmg|iso|jpe?g|png|gif|bmp"
    r"|tiff?|svg|ico|webp|mp3|mp4|m4a|wav|avi|mov|wmv|flv|swf|css|js|xml|rss|json)$",
    re.IGNORECASE,
)
#: Link texts of list pagination: numbers, next/previous words and arrows, and what a blog
#: or a news listing pages by ("Older Posts", "« Newer Entries", "Next page ›").
LIST_PAGER_TEXT = re.compile(
    r"^(?:\d{1,4}|more|first|last|page\s*\d+|[«»<>‹›]+"
    r"|(?:[«<‹]+\s*)?(?:next|prev(?:ious)?|older|newer)"
    r"(?:\s*(?:page|posts|entries|articles|items|results))?(?:\s*[»>›]+)?)$",
    re.IGNORECASE,
)
#: A direction before a page's name: "Continue on page 2", "Back to page 1", "Continued in
#: Part 3".
LEAD_IN = rf"(?:{PAGE_LEAD_IN}|continued?\s+in\s+)"
#: A page's name: "page 3", "Page #3", "Part 3" (a case posted in parts).
PAGE_WORD = r"(?:page|part)"
#: Link texts of a case's pager ("Page 3", "[3]", "3 of 6", "Next Page »", "Continue on
#: page 2", "Continued in Part 3 »": the text an icon link stands beside names it).
CASE_PAGER_TEXT = re.compile(
    rf"^(?:[«<‹←]+\s*)?\[?(?:(?:{LEAD_IN})?{PAGE_WORD}\s*#?\s*\d+(?:\s*of\s*\d+)?|\d{{1,3}}"
    r"|(?:next|prev(?:ious)?)(?:\s*page)?)\]?(?:\s*[»>›→]+)?$",
    re.IGNORECASE,
)
#: ``Server`` headers of servers whose URLs are case-insensitive.
CASE_INSENSITIVE_SERVERS = re.compile(r"microsoft-iis|microsoft-httpapi", re.IGNORECASE)
#: Query parameters that page through a list.
LIST_PAGING_PARAMS = re.compile(r"^(?:p|pg|page|pageno|pagenum|start|offset|from|skip)$", re.I)
#: A list document numbered in its file name (``index-2.html``, ``list_3.asp``) or a static
#: site generator's list page directory (``cases/page/2/``).
NUMBERED_DOC = re.compile(r"[-_]?\d+(?=\.\w+$)|(?<=/)page/\d+/?$")
#: A pager link that names its page number: "3", "Page 3", "Page #3", "3 of 6", "[3]",
#: "← Page 1", "Page 3 →", "Continue on page 2", "Part 2", "Continued in Part 3 »".
NUMBERED_PAGER_TEXT = re.compile(
    rf"^[«<‹←\s]*\[?(?:(?:{LEAD_IN})?{PAGE_WORD}\s*#?\s*)?(\d{{1,4}})(?:\s*of\s*\d+)?\]?[\s»>›→]*$",
    re.I)
#: A list's link that names a page of the entry beside it, not an entry of its own: "Part
#: 3", "Page 3", "[3]" (a list may link every page of a case after its title).
PAGE_LABEL_TEXT = re.compile(r"^\[?(?:part|page)\s*#?\s*\d{1,3}(?:\s*of\s*\d{1,3})?\]?$", re.I)
#: A pager link to the page before this one ("Previous Page", "« Prev").
PREV_PAGER_TEXT = re.compile(r"^(?:[«<‹←]+\s*)?prev(?:ious)?(?:\s*page)?$|^[«<‹←]$", re.I)
#: A pager link to the first page: "first", "« first", "first page".
FIRST_PAGER_TEXT = re.compile(r"^(?:[«<‹]+\s*)?first(?:\s*page)?$", re.I)
#: A pager link to the next page.
NEXT_PAGER_TEXT = re.compile(r"^(?:next(?:\s*page)?|more)(?:\s*[»>›→]+)?$|^[»>›→]$", re.I)
#: A blog's post navigation: the post before or after this one in time ("Newer Post",
#: "« Older Post", "Next entry »"), whatever case it belongs to.
POST_NAV_TEXT = re.compile(
    r"^(?:[«<‹←]+\s*)?(?:newer|older|next|prev(?:ious)?)\s+(?:post|entry|article)"
    r"(?:\s*[»>›→]+)?$", re.I)
#: Words from which a link text reads as a title (a case list links each case by its title).
TITLE_WORDS = 3
#: The values a pager's first page can have (a pager counts from 0 or from 1).
PAGE_BASES = (0, 1)

#: The URL family a link belongs to: (directory with digit runs generalised, extension,
#: query parameter names). ``case.asp?cid=5`` and ``case.asp?cid=6`` share one; so do
#: ``/cases/knee-pain/`` and ``/cases/hip``.
UrlShape = tuple[str, str, tuple[str, ...]]


@dataclass(slots=True)
class LinkRoles:
    """A page's in-scope links by the evidence they carry."""

    lists: list[str] = field(default_factory=list)
    """Pages of the case list."""
    case_links: list[str] = field(default_factory=list)
    """Linked as a case: the dominant URL family of a list, or a known case family."""
    pager: list[str] = field(default_factory=list)
    """Other pages of the same case (its pager or its URL family)."""
    nav: list[str] = field(default_factory=list)
    """Everything else: site navigation, which is no evidence of a case."""
    named: list[str] = field(default_factory=list)
    """The case links (and pager links) that the page's content names, not only its
    navigation: the evidence that confirms a case (``PagePipeline``). A case page's side
    column ("Previous Posts", "Recent cases") links into the case family too, but a site's
    own pages (a blog's About post) may share that family."""
    views: list[tuple[str, str]] = field(default_factory=list)
    """(link, the page it is a view of) for the links (among ``nav``) into a case family to
    another view of this page, of a page of its pager, or of another page it links
    (``views``): a print or "All Pages" view, never a case of its own, whichever page links
    it."""


@dataclass(slots=True)
class Scope:
    """The crawl's boundaries and the rules that decide identity and roles."""

    start_url: str
    rules: UrlRules = field(default_factory=UrlRules)
    list_pattern: re.Pattern[str] | None = None
    host: str = ""
    list_docs: frozenset[str] = frozenset()
    list_query: frozenset[tuple[str, str]] = frozenset()
    case_families: set[UrlShape] = field(default_factory=set)
    """URL families the case lists link as cases (learned during the crawl)."""
    listed: set[str] = field(default_factory=set)
    """The case links of the lists seen (canonical URLs): each is a case of its own, so a
    case page's "Next >" to one of them leads to another case (a CMS's article
    navigation), never to its own next page."""
    identity_params: set[str] = field(default_factory=set)
    """Query parameters whose values tell a list's case links apart (``id`` of
    ``case.asp?id=7``): a link that changes one of them leads to another case."""
    family_values: dict[UrlShape, frozenset[tuple[str, str]]] = field(default_factory=dict)
    """Query parameters with one value in every case link of a family on the case lists
    (``catid=7``, ``Itemid=36``): a URL of that family without them is no case link (a CMS
    serves its About page through the same ``view=article`` URLs as its cases)."""
    list_prefix: str | None = None
    """The directory the case list lists (``_list_prefix``): what lies under it is cases."""
    home_links: set[str] = field(default_factory=set)
    """The content links of a start page that is no list (a home page: its content links
    form no family, its menus none named like cases), canonical: one of them may lead to
    the case list (``adopts_list``)."""
    adopted: list[tuple[str, frozenset[tuple[str, str]]]] = field(default_factory=list)
    """Lists found through a home page's link: (list document, its query), as the start
    URL's own (``is_list_url``)."""
    _list_urls: dict[tuple[str, UrlRules, int], bool] = field(
        default_factory=dict, init=False, repr=False, compare=False)
    """``is_list_url`` by (URL, rules, lists adopted): asked of every link of every page,
    and most links are the site's menus again. Cleared when full (``URL_CACHE_SIZE``)."""

    def __post_init__(self) -> None:
        parts = urlsplit(self.start_url)
        self.host = parts.netloc.lower()
        self.list_docs = frozenset({_list_doc(self.start_url, self.rules)})
        self.list_query = _fixed_query(self.start_url, self.rules)
        self.list_prefix = _list_prefix(self.start_url, self.rules)

    def allows(self, url: str) -> bool:
        """Same host, http(s), and not a resource that is never HTML."""
        return _allowed(url, self.host)

    def is_list_url(self, url: str) -> bool:
        """A page of the case list: the start document or a numbered sibling of it, or,
        when the list names itself by its query (``CasesByTitle?OpenView``,
        ``index.php?view=category&id=7``), the same document with every one of those
        parameters and more (``&Count=30&Expand=3``, ``&order=date``: the list expanded,
        sorted or filtered). A list without a query is no such prefix: there the
        parameters name the cases (``index.asp?cid=5``)."""
        key = (url, self.rules, len(self.adopted))
        known = self._list_urls.get(key)
        if known is None:
            if len(self._list_urls) >= URL_CACHE_SIZE:
                self._list_urls.clear()
            known = self._list_urls[key] = self._is_list_url(url)
        return known

    def _is_list_url(self, url: str) -> bool:
        if self.list_pattern is not None:
            return bool(self.list_pattern.search(url))
        doc = _list_doc(url, self.rules)
        if doc in self.list_docs and _lists_by(_fixed_query(url, self.rules), self.list_query):
            return True
        return any(doc == list_doc and _lists_by(_fixed_query(url, self.rules), query)
                   for list_doc, query in self.adopted)

    def adopts_list(self, urls: list[str], links: list[Link]) -> bool:
        """Is this page, reached by a link of a home page's content (``home_links``), the
        case list? When it is list-shaped (``_list_shaped``: its content names two entries
        or more by title-like links of one URL family, as a view's rows or its categories
        do): it becomes a list of the crawl, its own pagination and views with it."""
        if self.list_pattern is not None or not self.home_links or not any(
                canonical_url(u, self.rules) in self.home_links for u in urls):
            return False
        if not _list_shaped(links, self.rules, self.host):
            return False
        self.adopted.append((_list_doc(urls[0], self.rules), _fixed_query(urls[0], self.rules)))
        return True

    def extends_list(self, url: str) -> bool:
        """Is ``url`` a list page only as the list's own query with more parameters than
        paging ones (``is_list_url``: ``view=category&id=7`` with ``&format=feed``), not
        the list itself or a page of it? A guess that the answer can refute: such a URL
        answered in another format than HTML is the list rendered another way (its feed,
        an export), no lost page of it."""
        if self.list_pattern is not None or not self.list_query:
            return False
        query = _fixed_query(url, self.rules)
        return (_list_doc(url, self.rules) in self.list_docs and query > self.list_query
                and not all(PAGE_PARAMS.match(k) for k, _ in query - self.list_query))

    def list_links(self, links: list[Link]) -> tuple[list[str], list[str]]:
        """Split a list page's links into (list pagination, every other in-scope link)."""
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

    def list_roles(self, page_url: str, links: list[Link]) -> LinkRoles:
        """A list page's links: pagination, case links (its dominant URL family, the case
        families already known, and the links under the list's own directory), the
        documents shown in its frames (a frameset's frames, the links its frames open in a
        frame: pages of the list too) and site navigation."""
        pagination, candidates = self.list_links(links)
        # The list's content names its cases; its menus name the site's pages. Its menus
        # count only on a list whose content links no family (a case list in a side menu,
        # or a plain list of links, which the walk flags as navigation by its density), and
        # only with links named like cases when its content names things by links of its
        # own (a Notes view's categories, a home page's "Browse the case studies"): the
        # entries are behind those, and the menus are the site's.
        content = {link.url for link in links if not link.nav}
        in_content = [url for url in candidates if url in content]
        family = self.dominant_family(page_url, in_content, links)
        members = in_content
        if family is None:
            # A later page of the list whose content names one entry (a blog's last label
            # page): its entry is of a family its first page taught; its menus stay menus.
            family = next((shape for shape in (url_shape(u, self.rules) for u in in_content)
                           if shape in self.case_families), None)
        if family is None and any(link.in_link_list for link in links):
            # The content's own plain list of links (the walk counts it as navigation by
            # its density; no structure or name marks it so): a blog post that indexes the
            # cases. Its family must be named like cases where the content names things by
            # links of its own; the side columns' links stay navigation.
            listed = content | {link.url for link in links if link.in_link_list}
            in_list = [url for url in candidates if url in listed]
            family = self.dominant_family(page_url, in_list, links)
            if family is not None and _names_entries(links, self.host) and not (
                    self._named_like_cases(family, in_list, links)):
                family = None
            if family is not None:
                members, content = in_list, listed
        if family is None:
            family = self.dominant_family(page_url, candidates, links)
            members = candidates
            if family is not None and _names_entries(links, self.host) and not (
                    self._named_like_cases(family, candidates, links)):
                family = None
        if family is None and not self.case_families and not self.adopted and (
                canonical_url(page_url, self.rules) == canonical_url(self.start_url,
                                                                     self.rules)):
            # A start page that is no list (a home page): a link of its content may lead
            # to the list (``adopts_list``); until then every link is navigation.
            self.home_links = {canonical_url(u, self.rules) for u in in_content}
        if family is not None:
            self.case_families.add(family)
            self._learn_family_values(family, members)
        framed = {link.url for link in links if link.framed}
        pages = _page_links(links) | self._later_pages(candidates)
        from_content = family is not None and members is not candidates
        content |= self._dense_columns(links, family if from_content else None)
        roles = LinkRoles(lists=pagination)
        for url in candidates:
            if from_content and url not in content and self.is_case_family(url):
                # The list's content names its cases; a link its menus and side columns
                # alone give ("Previous Posts", "Links") is the site's navigation: followed,
                # but no case link (a gone one is a navigation warning).
                roles.nav.append(url)
            elif self.is_case_family(url):
                roles.case_links.append(url)
                if url not in pages:
                    self.listed.add(canonical_url(url, self.rules))
            elif url in framed:  # shown inside the list page's frameset: part of the list
                roles.lists.append(url)
            else:
                roles.nav.append(url)
        if roles.case_links and roles.nav:
            # A wiki's category lists every page in it, a case's subpages too (``X/Part_3``
            # beside ``X``): pages of the cases it lists, not cases of their own
            subpages = self._subpages(roles.nav, roles.case_links,
                                      content if from_content else None)
            roles.nav = [url for url in roles.nav if url not in subpages]
            roles.case_links += subpages
        # whatever the list's content links is named by it (its menus, where they list the
        # cases): a case of another family too (a shortlink ``?p=322`` that redirects to
        # the post, a mobile view ``?m=1`` of it)
        roles.named += [url for url in candidates
                        if url in content or (family is not None and not from_content)]
        return roles

    def _dense_columns(self, links: list[Link], family: UrlShape | None) -> set[str]:
        """Where the list's content gave its case ``family``, the links of that family
        named like cases (``TITLE_WORDS`` words or more) that the walk took for navigation
        by their link density alone (``Link.in_link_list``: no tag, name or place beside
        the content says so): a column of the list's own entries (a wiki category's entries
        in three columns, the first of short titles). They are the content's too. (An
        unnamed side column of such case links on a page whose content element nothing
        names reads the same: its cases are listed, and a gone one is a lost case.)"""
        if family is None:
            return set()
        return {link.url for link in links if link.in_link_list
                and url_shape(link.url, self.rules) == family
                and len(link.text.split()) >= TITLE_WORDS}

    def _later_pages(self, urls: list[str]) -> set[str]:
        """Those of a list's ``urls`` that name a later page of a case another of them names:
        the same case key, and a page part in the URL (``X/part-2`` beside ``X``, a wiki
        category listing a case's subpages): pages of that case, not cases of their own."""
        by_key: dict[str, list[str]] = {}
        for url in urls:
            by_key.setdefault(case_key(url, self.rules).rstrip("/"), []).append(url)
        return {url for group in by_key.values() if len(group) > 1 for url in group
                if _has_page_part(url, self.rules)}

    def _subpages(self, urls: list[str], case_links: list[str], content: set[str] | None
                  ) -> list[str]:
        """Those of ``urls`` that are numbered subpages of one of a list's ``case_links``
        (``_first_page_of``: ``/wiki/Case:X/Part_3`` of ``/wiki/Case:X``,
        ``index.php?title=Case:X/3`` of ``index.php?title=Case:X``), linked where the list
        links its cases: its ``content`` (None when its case links came from the whole
        page: a list whose content the walk read as navigation by its link density)."""
        listed = {(parts.path.rstrip("/"), parts.query)
                  for parts in (_doc(u, self.rules) for u in case_links)}
        out = []
        for url in urls:
            if content is not None and url not in content:
                continue
            parts = _doc(url, self.rules)
            parent = _numbered_dir(url, self.rules)
            if parent != parts.path.rstrip("/") and (parent, parts.query) in listed:
                out.append(url)
        return out

    def case_roles(self, page_url: str, links: list[Link], also_as: str | None = None,
                   number: int | None = None) -> LinkRoles:
        """A case page's links: its pager, list pages, links into a known case family (related
        cases; not the views of one, ``views``), and site navigation. ``also_as``: another
        URL of the page (its declared canonical URL), whose pager links count too;
        ``number``: the page number the page prints (``pager_links``)."""
        pager = set(self.pager_links(page_url, links, number))
        if also_as is not None:
            pager.update(self.pager_links(also_as, links, number))
        roles = LinkRoles()
        family: list[str] = []
        for link in links:
            if not self.allows(link.url):
                continue
            if link.url in pager:
                roles.pager.append(link.url)
            elif self.is_list_url(link.url):
                roles.lists.append(link.url)
            elif not self.is_case_family(link.url):
                roles.nav.append(link.url)
            elif (shown := self._shown_in(page_url, pager, link.url)) is not None:
                roles.views.append((link.url, shown))
            else:
                family.append(link.url)
        views = self.views(family)
        for url in family:
            if url in views:
                roles.views.append((url, views[url]))
            else:
                roles.case_links.append(url)
        roles.nav += [url for url, _ in roles.views]
        content = {link.url for link in links if not link.nav}
        roles.named = roles.pager + [u for u in roles.case_links if u in content]
        return roles

    def view_of(self, page_url: str, url: str) -> bool:
        """Is ``url`` another view of this page's document (the same path, another query:
        a print version, "All Pages", a PDF export), not a case of its own? Not when the
        query names another case (a listed case, another value of an identity parameter:
        ``case.asp?id=8`` beside ``?id=7``)."""
        return (_doc(page_url, self.rules).path == _doc(url, self.rules).path
                and not self._another_case(page_url, url))

    def _shown_in(self, page_url: str, pager: set[str], url: str) -> str | None:
        """The page (this one, or one of its ``pager``) that ``url`` is another view of
        (``view_of``), or None. A page under another URL than its case's (an article's old
        URL, whose pager links its new URL's pages) links the print view of the new one,
        whose path is not its own."""
        return next((page for page in (page_url, *sorted(pager)) if self.view_of(page, url)),
                    None)

    def teaser_roles(self, links: list[Link]) -> LinkRoles:
        """A page that is not a case (a teaser or taxonomy listing, a site page, another URL
        of a case page): only its links into a known case family are followed, as
        navigation, not the views of another of them (``views``): the page they lead to
        is a case by its URL's family when it reads as one, but a site page is no list, and
        a link of it to a page that is gone (a home page's stale "Case of the Month") is a
        navigation warning, not a lost case."""
        urls = [link.url for link in links
                if self.allows(link.url) and self.is_case_family(link.url)]
        views = self.views(urls)
        return LinkRoles(nav=[url for url in urls if url not in views])

    def views(self, urls: list[str]) -> dict[str, str]:
        """Those of ``urls`` that are another of them (the same document, the same case)
        with query parameters added: views of that page (its print version, its "All
        Pages" view), linked beside it, not cases of their own. A page under another URL
        than its case's (an old link that a module keeps, the same article) links its
        case's views as its own, from another document."""
        by_path: dict[str, list[str]] = {}
        for url in urls:
            by_path.setdefault(_doc(url, self.rules).path, []).append(url)
        found: dict[str, str] = {}
        for group in by_path.values():
            for url in group if len(group) > 1 else ():
                other = next((o for o in group if _query_pairs(o, self.rules)
                              < _query_pairs(url, self.rules) and not self._another_case(o, url)),
                             None)
                if other is not None:
                    found[url] = other
        return found

    def _learn_family_values(self, family: UrlShape, candidates: list[str]) -> None:
        """The query parameters every one of a list's links in ``family`` has with one
        value (a second list keeps those both share; page parameters are never kept), and
        those whose values differ between them (``identity_params``)."""
        members = {u for u in candidates if url_shape(u, self.rules) == family}
        if len(members) < 2:
            return
        pairs = [_query_pairs(u, self.rules) for u in members]
        common = frozenset((k, v) for k, v in frozenset.intersection(*pairs)
                           if not (PAGE_PARAMS.match(k) or LIST_PAGING_PARAMS.match(k)))
        self.identity_params.update(k for k, _ in frozenset.union(*pairs) - common)
        known = self.family_values.get(family)
        self.family_values[family] = common if known is None else known & common

    def learn_case_family(self, url: str) -> None:
        """``url`` is a case page's own URL: its family is a case family (unless it is the
        family of the site's own pages at its root)."""
        shape = url_shape(url, self.rules)
        if self.rules.case_pattern is None and not _site_page_shape(shape):
            self.case_families.add(shape)

    def in_list_dir(self, url: str) -> bool:
        """``url`` lies under the case list's own directory (``list_prefix``) and is no list
        page: the site put it among the cases, whoever links it."""
        return (self.list_prefix is not None
                and _doc(url, self.rules).path.startswith(self.list_prefix)
                and not self.is_list_url(url))

    def is_case_family(self, url: str) -> bool:
        """``url`` is under the case list's own directory, or has the shape of the links a
        case list links as cases (with ``--case-pattern``: the pattern matches it)."""
        if self.rules.case_pattern is not None:
            return bool(self.rules.case_pattern.search(canonical_url(url, self.rules)))
        if self.list_prefix is not None and _doc(url, self.rules).path.startswith(
                self.list_prefix):
            return self.in_list_dir(url)
        shape = url_shape(url, self.rules)
        if shape not in self.case_families:
            return False
        values = self.family_values.get(shape)
        return not values or values <= _query_pairs(url, self.rules)

    def _named_like_cases(self, family: UrlShape, candidates: list[str],
                          links: list[Link]) -> bool:
        """Are most of a family's links (two at least) named like cases, by titles of
        ``TITLE_WORDS`` words or more (menus name the site's pages in a word or two)? A
        link labelled as a page of the entry beside it ("Part 3", "Page 2": an index that
        links every part of a case after its title) names no entry: it counts neither way."""
        urls = {u for u in candidates if url_shape(u, self.rules) == family}
        words: dict[str, int] = {}
        for link in links:
            if link.url in urls and not PAGE_LABEL_TEXT.match(link.text.strip()):
                words[link.url] = max(words.get(link.url, 0), len(link.text.split()))
        titled = sum(1 for n in words.values() if n >= TITLE_WORDS)
        return titled >= 2 and 2 * titled >= len(words)

    def dominant_family(self, page_url: str, candidates: list[str],
                        links: list[Link]) -> UrlShape | None:
        """The URL family of a list page's case links: the family with the most URLs linked
        by a title-like text (case titles run to several words; navigation, tag and pager
        labels do not), then the most URLs, then the one nearer the list's own path. Pages at
        the site root without a query (home, about, contact) are no family. None when no
        family has two URLs."""
        if self.rules.case_pattern is not None:
            return None
        members: dict[UrlShape, set[str]] = {}
        for url in candidates:
            members.setdefault(url_shape(url, self.rules), set()).add(url)
        words: dict[str, int] = {}
        for link in links:
            words[link.url] = max(words.get(link.url, 0), len(link.text.split()))
        list_path = _doc(page_url, self.rules).path

        def score(item: tuple[UrlShape, set[str]]) -> tuple[int, int, int]:
            shape, urls = item
            titled = sum(1 for u in urls if words.get(u, 0) >= TITLE_WORDS)
            return titled, len(urls), _common_prefix(shape[0], list_path)

        ranked = sorted(((shape, urls) for shape, urls in members.items()
                         if not _site_page_shape(shape)), key=score, reverse=True)
        if not ranked or len(ranked[0][1]) < 2:
            return None
        return ranked[0][0]

    def pager_links(self, page_url: str, links: list[Link], number: int | None = None
                    ) -> list[str]:
        """Links of a case page that lead to other pages of the same case. ``number``: the
        page number the page prints ("Page 1 of 2", "X - Page #1"): a link labelled with the
        number next to it ("[2]", "Continue on page 2") is a pager link wherever it leads,
        even alone (a two-page case's pager row has one link: the other number is the page
        itself, unlinked). A number that labels links to two documents is no pager's
        (``_numbers_named_twice``)."""
        key = case_key(page_url, self.rules).rstrip("/")
        twice = _numbers_named_twice(links)
        rows = _pager_rows([link for link in links if id(link) not in twice])
        out: list[str] = []
        for link in links:
            if not self.allows(link.url) or self.is_list_url(link.url):
                continue
            # "X" and its page "X/Page_2" (a wiki's subpage) are one case: the keys are
            # compared without the slash that ends a directory
            same_case = case_key(link.url, self.rules).rstrip("/") == key
            pager_text = (CASE_PAGER_TEXT.match(link.text) and id(link) not in twice
                          ) or link.rel in ("next", "prev")
            if not same_case and self._another_case(page_url, link.url) and not (
                    pager_text and _first_page_of(page_url, link.url)):
                continue
            if same_case or (pager_text and (self._same_dir_as(page_url, link.url)
                                             or _numbered_dir(page_url) == _numbered_dir(
                                                 link.url)
                                             or _dir_of(link.url) in rows
                                             or _next_to(link.text, number))) or (
                    self._turns_the_page(page_url, link.url)):
                out.append(link.url)
        return out

    def _another_case(self, page_url: str, url: str) -> bool:
        """Does ``url`` lead to another case than ``page_url``'s, whatever its link says: a
        case the lists link, or a URL with another value of a parameter that tells the
        list's cases apart (``id=13`` from a page of ``id=12``)?"""
        if canonical_url(url, self.rules) in self.listed:
            return True
        if not self.identity_params:
            return False
        here, there = _query_dict(page_url, self.rules), _query_dict(url, self.rules)
        return any(here.get(k) != there.get(k) for k in self.identity_params
                   if k in here or k in there)

    def _turns_the_page(self, page_url: str, url: str) -> bool:
        """``url`` is ``page_url`` with one numeric parameter changed, and that parameter
        is no case's identity: not one whose values tell the list's case links apart
        (``case.asp?id=7`` beside ``?id=8`` is another case), nor one beside the page
        parameter both URLs hold with one value (``_keeps_the_page``)."""
        differ = _one_number_apart(page_url, url, self.rules)
        return (differ is not None and differ not in self.identity_params
                and not _keeps_the_page(url, differ, self.rules))

    @staticmethod
    def _same_dir_as(a: str, b: str) -> bool:
        return _dir_of(a) == _dir_of(b)


def _doc(url: str, rules: UrlRules = DEFAULT_RULES) -> SplitResult:
    """The parts of ``url`` as its structure is read (``urls.document_url``: a wiki's
    ``index.php?title=Case:X/2`` as ``index.php/Case:X/2``)."""
    return urlsplit(document_url(url, rules))


def _dir_of(url: str) -> str:
    return _doc(url).path.rsplit("/", 1)[0]


def _lists_by(query: frozenset[tuple[str, str]], list_query: frozenset[tuple[str, str]]
              ) -> bool:
    """A page of a list whose fixed query is ``list_query`` (see ``Scope.is_list_url``)."""
    return query == list_query or (bool(list_query) and query > list_query)


def _page_links(links: list[Link]) -> set[str]:
    """The URLs a list names as pages of a case, not cases of their own: by a page label
    ("Part 3", "Page 3") or a title with a page marker ("X - Page #3") (a list may link
    every page of a case, and a listing of whole posts each post by its title)."""
    return {link.url for link in links
            if PAGE_LABEL_TEXT.match(link.text.strip()) or parse_title(link.text)[1] is not None}


def case_series(links: list[Link], urls: set[str]) -> list[dict[int, str]]:
    """The cases a list names page by page, each {page number: URL} with two pages or more:
    a list that links the pages of one case by its title with a page marker ("X (Part 2
    of 3)", "X, Part 2": a blog posts a long case as parts, and its label page lists every
    post) or by page labels after its title ("X (Part 1, Part 2, Part 3)": an index). A
    title without a marker names page 1 of its case. Only links to ``urls`` (the list's
    case links) count; a number that two URLs claim keeps the first."""
    series: dict[str, dict[int, str]] = {}
    entry: str | None = None
    for link in links:
        if link.url not in urls:
            continue
        text = link.text.strip()
        label = NUMBERED_PAGER_TEXT.match(text) if PAGE_LABEL_TEXT.match(text) else None
        if label is not None:
            if entry is not None:
                series[entry].setdefault(int(label.group(1)), link.url)
            continue
        title, shown, _total = parse_title(text)
        if title is None or len(title.split()) < TITLE_WORDS:
            entry = None
            continue
        entry = " ".join(title.lower().split())
        series.setdefault(entry, {}).setdefault(shown or 1, link.url)
    return [pages for pages in series.values() if len(set(pages.values())) >= 2]


def _entry_links(links: list[Link], host: str) -> Iterator[Link]:
    """The page's content links (not its navigation's) that name something in title-like
    words, ``TITLE_WORDS`` or more ("Browse the case studies", "Show details for Knee
    Pain")."""
    return (link for link in links
            if not link.nav and len(link.text.split()) >= TITLE_WORDS
            and _allowed(link.url, host))


def _names_entries(links: list[Link], host: str) -> bool:
    """Does the page's content name something by a link of its own (``_entry_links``)?"""
    return next(_entry_links(links, host), None) is not None


def _list_shaped(links: list[Link], rules: UrlRules, host: str) -> bool:
    """Does the page's content name two entries or more (``_entry_links``) of one URL
    family (a list's rows, a categorized view's categories)?"""
    shapes: dict[UrlShape, set[str]] = {}
    for link in _entry_links(links, host):
        shapes.setdefault(url_shape(link.url, rules), set()).add(canonical_url(link.url, rules))
    return any(len(urls) >= 2 for urls in shapes.values())


def _next_to(text: str, number: int | None) -> bool:
    """Does a pager label name the page before or after page ``number``?"""
    if number is None:
        return False
    label = NUMBERED_PAGER_TEXT.match(text.strip())
    return label is not None and abs(int(label.group(1)) - number) == 1


def _pager_rows(links: list[Link]) -> set[str]:
    """Directories that a pager of the page links into: two links or more labelled as a
    pager ("1", "[2]", "Page 3", "Next Page >>") to documents of one directory. A page's
    own pager may name its pages by URLs of another directory than the one the list linked
    it by (a Notes database's view path against its documents' key path)."""
    counts: dict[str, int] = {}
    for link in links:
        if CASE_PAGER_TEXT.match(link.text):
            directory = _dir_of(link.url)
            counts[directory] = counts.get(directory, 0) + 1
    return {d for d, n in counts.items() if n >= 2}


def _numbers_named_twice(links: list[Link]) -> set[int]:
    """The links (by ``id``) whose page number another link gives to another document
    ("Part 2" of one case and "Part 2" of another, in a menu of the site's pages): a pager
    names each of its pages once, so these labels say nothing of this page's pager."""
    named: dict[int, list[Link]] = {}
    for link in links:
        label = NUMBERED_PAGER_TEXT.match(link.text.strip())
        if label is not None:
            named.setdefault(int(label.group(1)), []).append(link)
    return {id(link) for same in named.values() if len({link.url for link in same}) > 1
            for link in same}


def _one_number_apart(a: str, b: str, rules: UrlRules) -> str | None:
    """The one query parameter in which two URLs of the same document differ, when its
    values are numbers or nothing (``?start=2`` beside ``?start=1`` or no ``start``); else
    None. A page of the same case whatever the parameter's name or the link's text (a CMS's
    "Article Index" links each page by the title its editor gave the page break), unless
    the parameter names cases (``Scope._turns_the_page``)."""
    pa, pb = _doc(a, rules), _doc(b, rules)
    if pa.path != pb.path or pa.query == pb.query:
        return None
    qa, qb = _query_dict(a, rules), _query_dict(b, rules)
    differ = [k for k in qa.keys() | qb.keys() if qa.get(k) != qb.get(k)]
    if len(differ) != 1 or not all(v is None or v == "" or (v.isdigit() and len(v) <= 4)
                                   for v in (qa.get(differ[0]), qb.get(differ[0]))):
        return None
    return differ[0]


def _keeps_the_page(url: str, differ: str, rules: UrlRules) -> bool:
    """Does a link that changes only ``differ`` keep the page parameter (``PAGE_PARAMS``)
    that both URLs hold, with its one value? Then it shows the same page another way (a
    CMS's "All Pages" view, ``&limitstart=`` to ``&showall=1&limitstart=``), not another
    page: the page parameter says which page, and it did not change."""
    if PAGE_PARAMS.match(differ):
        return False
    return any(PAGE_PARAMS.match(k) for k, _ in _query_pairs(url, rules))


def _has_page_part(url: str, rules: UrlRules) -> bool:
    """Does a URL name a page of its document: a page parameter or a page part at the end
    of its path (``?page=2``, ``/part-2``, ``page2.htm``)?"""
    return page_param(url) is not None or PATH_PAGE.search(_doc(url, rules).path) is not None


def _numbered_dir(url: str, rules: UrlRules = DEFAULT_RULES) -> str:
    """The path without a trailing page-number directory: ``/cases/knee/3/``,
    ``/cases/knee/`` and a wiki's subpage ``/cases/knee/Part_3`` give ``/cases/knee``. Used
    only for links labelled as a pager and a list's links to subpages (``Scope._subpages``)."""
    path = _doc(url, rules).path.rstrip("/")
    head, _, last = path.rpartition("/")
    return head if PAGE_SEGMENT_RE.fullmatch(last) else path


def _first_page_of(page_url: str, url: str) -> bool:
    """``url`` is the document whose subpage ``page_url`` is, numbered: ``/wiki/X`` of
    ``/wiki/X/Part_3`` (the same query, the page segment dropped). A pager link to it ("Page
    1") leads to this case's first page, even though the lists link it as a case: the
    case's later pages, reached first through another listing (a wiki's category), wait for
    it instead of being written without it."""
    page, other = _doc(page_url), _doc(url)
    if page.query != other.query:
        return False
    path = page.path.rstrip("/")
    parent = _numbered_dir(page_url)
    return parent != path and parent == other.path.rstrip("/")


def _site_page_shape(shape: UrlShape) -> bool:
    """The family of pages at the site root without a query (``/about``, ``/contact.htm``,
    ``/``): the site's own pages, which no list's case links share."""
    return not shape[0] and not shape[2]


def _list_prefix(url: str, rules: UrlRules) -> str | None:
    """The directory a list page lists (``/casestudies/`` of ``/casestudies/index.asp``,
    ``/cases/`` of ``/cases``); None for the site root, which holds everything, and for a
    list that is a named document beside others (``/education/Pages/CaseStudies.aspx``: a
    CMS keeps every page of a section in one folder, so the folder says nothing)."""
    path = _doc(url, rules).path
    last = path.rsplit("/", 1)[-1]
    if "." in last and not INDEX_DOCS.search(path):
        return None
    prefix = path.rsplit("/", 1)[0] + "/" if "." in last else path.rstrip("/") + "/"
    return prefix if prefix != "/" else None


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


@lru_cache(maxsize=URL_CACHE_SIZE)
def url_shape(url: str, rules: UrlRules) -> UrlShape:
    """The URL family of ``url`` (see ``UrlShape``); the page part does not count, the
    extension after it does (``x-page-2.html`` is of the family of ``y.html``)."""
    parts = _doc(url, rules)
    path = PATH_PAGE.sub(lambda m: m.group(2) or "", parts.path)
    directory, _, last = path.rstrip("/").rpartition("/")
    if ":" in last:  # a wiki's namespace ("/wiki/Case:Knee", "/wiki/Help:Editing") is a level
        directory = f"{directory}/{last.partition(':')[0]}:"
    ext = last.rpartition(".")[2].lower() if "." in last else ""
    # A parameter without a value is a parameter too: a Notes URL's command (``?OpenView``,
    # ``?OpenAbout``, ``?OpenDocument``) says what kind of page it opens.
    keys = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)
                   if not LIST_PAGING_PARAMS.match(k)})
    return re.sub(r"\d+", "#", directory), ext, tuple(keys)


def learn_page_bases(
    page_url: str, links: list[Link], page_number: int | None = None
) -> dict[str, int]:
    """The pager bases a page shows: {page parameter: value of the first page}.

    Evidence, strongest first: a link labelled with its page number ("1", "Page #3") or
    "first" whose URL carries a page parameter; the page's own parameter with the page number
    it prints ("Page 2 of 3", passed as ``page_number``); a "next" link from a page without
    a page parameter (the page a list or case starts on). Contradicting evidence gives none.
    """
    votes: dict[str, set[int]] = {}

    def vote(name: str, base: int) -> None:
        if base in PAGE_BASES:
            votes.setdefault(name, set()).add(base)

    own = page_param(page_url)
    for link in links:
        found = page_param(link.url)
        if found is None or not _same_path(page_url, link.url):
            continue
        name, value = found
        text = link.text.strip()
        numbered = NUMBERED_PAGER_TEXT.match(text)
        if numbered:
            vote(name, value - int(numbered.group(1)) + 1)
        elif FIRST_PAGER_TEXT.match(text):
            vote(name, value)
        elif own is None and (link.rel == "next" or NEXT_PAGER_TEXT.match(text)):
            vote(name, value - 1)
    if own is not None and page_number is not None:
        vote(own[0], own[1] - page_number + 1)
    return {name: next(iter(bases)) for name, bases in votes.items() if len(bases) == 1}


def _same_path(a: str, b: str) -> bool:
    return _doc(a).path == _doc(b).path


@lru_cache(maxsize=URL_CACHE_SIZE)
def _allowed(url: str, host: str) -> bool:
    return same_site(url, host) and not NON_HTML.search(urlsplit(url).path)


@lru_cache(maxsize=URL_CACHE_SIZE)
def _list_doc(url: str, rules: UrlRules) -> str:
    """The document a list page is a numbered copy of: ``index-2.html`` -> ``/``."""
    path = INDEX_DOCS.sub("/", NUMBERED_DOC.sub("", _doc(url, rules).path))
    return INDEX_DOCS.sub("/", urlsplit(canonical_url(urlunsplit(("http", "h", path, "", "")),
                                                      rules)).path)


def _query_dict(url: str, rules: UrlRules) -> dict[str, str]:
    return dict(_query_pairs(url, rules))


@lru_cache(maxsize=URL_CACHE_SIZE)
def _query_pairs(url: str, rules: UrlRules) -> frozenset[tuple[str, str]]:
    """Every (name, value) of a URL's canonical query."""
    return frozenset(parse_qsl(_doc(url, rules).query,
                               keep_blank_values=True))


@lru_cache(maxsize=URL_CACHE_SIZE)
def _fixed_query(url: str, rules: UrlRules) -> frozenset[tuple[str, str]]:
    """Query parameters other than paging ones: what makes a list page *this* list."""
    query = parse_qsl(_doc(url, rules).query, keep_blank_values=True)
    return frozenset((k, v) for k, v in query if not LIST_PAGING_PARAMS.match(k))
