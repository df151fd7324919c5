"""Group fetched pages into cases and release each case as soon as all its pages are in.

Pages arrive in any order. A case is known by its case key (``urls.case_key``); every pager
link of a page it already holds names a page it still expects. A case is released when each
expected page has arrived or failed; what is still open when the crawl ends is released as
it stands, with the missing pages counted as failed. A page whose number nothing said (it
prints none and arrived before any pager link labelled it) claims no number, and takes the
one a pager link found later gives it, so that its number does not depend on the order.

A case needs one page with case-like content (the parser's verdict); the others belong to it
on navigation evidence whatever their content. A page family in which no page reads as a
case is released as ``rejected``, not as a case. A case made only of pages taken
provisionally (on their own title's page marker) waits for the end of the crawl, where a
page of it that says what a page taken on evidence says becomes that page's alias.

One page is recorded once whatever its URLs: the URLs it was requested and redirected
under, its ``rel=canonical``, any other URL whose body has the same SHA-256 and any other
URL whose page says the same (``page_content_hash``: a printable view, a permanent link to
the current revision) are its aliases (kept with the page, never a second page and never a
missing one).

The pages of open cases wait on disk (``PageShelf``): a breadth-first crawl fetches the
first page of every case before any second page, so every case of the site is open at once
and pages held in memory would grow with the site. Memory holds only URLs and offsets.
"""

from __future__ import annotations

import hashlib
import pickle
import re
import tempfile
from collections.abc import Collection, Container
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from casearchive.parsers.case import assemble_case, page_content_hash
from casearchive.parsers.records import CaseRecord, PageRecord, PageRef

from .ondisk import DiskMap, DiskSet
from .urls import PAGE_PARAMS, PATH_PAGE, UrlRules, canonical_url, case_id, case_key


@dataclass(slots=True)
class FetchedPage:
    """A parsed case page with what the crawl knows about its fetch."""

    record: PageRecord
    ref: PageRef
    request_url: str
    pager_urls: list[str]
    """In-scope links to other pages of the same case (the crawl schedules each of them)."""
    status: int = 200
    fetched_at: str = ""
    """UTC ISO-8601 time the response arrived."""
    warc_record_id: str | None = None
    aliases: list[str] = field(default_factory=list)
    """Other canonical URLs of this page (request, redirects, identical body), sorted."""
    validators: tuple[str | None, str | None] = (None, None)
    """The response's ``ETag`` and ``Last-Modified`` (the next crawl revalidates with them)."""
    content_digest: str | None = None
    """``page_content_hash`` of the page as parsed: what it says, whatever its bytes."""
    provisional: bool = False
    """Taken on its own title's page marker alone ("Page 2 of 3"), with no navigation
    evidence: it may be another view of a page the crawl has yet to reach (see
    ``CaseAssembler``)."""
    number_stated: bool = True
    """Something said its page number: the page prints it, its URL names it, a pager link's
    label that led here gave it, or a case list links it as a case (its case's first page).
    False for the parser's default 1 on a page reached before any of that: such a page
    claims no number (``CaseAssembler._number_taken``), and takes the one a pager link of a
    page found later gives it (``CaseAssembler._release``)."""
    pager_labels: dict[str, int] = field(default_factory=dict)
    """Canonical URL -> the page number this page's pager link to it is labelled with
    ("Page 3", "Next": this page's number + 1)."""
    confirmed: bool = True
    """Named by a list's content or a confirmed case page (its pager, its content); False
    for a page that only the site's navigation links into a case family (see
    ``CaseAssembler.finish``)."""
    sequels: list[str] = field(default_factory=list)
    """The pages its post navigation leads to ("Newer Post", "Older Post"): a blog's next
    post may be the next part of this case or any other post; its case waits for them and
    takes the one that reads its title (``CaseAssembler._await_posts``)."""

    @classmethod
    def build(
        cls,
        record: PageRecord,
        body: bytes,
        *,
        url: str,
        request_url: str,
        pager_urls: list[str],
        status: int,
        fetched_at: str,
        warc_record_id: str | None,
        aliases: list[str] | None = None,
        page_number: int | None = None,
        headers: dict[str, str] | None = None,
        provisional: bool = False,
        number_stated: bool = True,
        pager_labels: dict[str, int] | None = None,
        confirmed: bool = True,
        content_digest: str | None = None,
        body_sha256: str | None = None,
        sequels: list[str] | None = None,
    ) -> FetchedPage:
        """The page as the crawl and ``reparse`` both describe it: ``url`` is the page's
        canonical URL (exported), ``record.url`` the final URL it was fetched from;
        ``page_number`` overrides the parser's (the crawl knows the site's pager base);
        ``content_digest`` (``page_content_hash``) is of the record before that, so that it
        says what the page says; it and ``body_sha256`` are hashed here unless the caller
        has them."""
        if content_digest is None:
            content_digest = page_content_hash(record)
        if page_number is not None:
            record.page_number = page_number
        return cls(
            record=record,
            aliases=list(aliases or []),
            ref=PageRef(
                page_number=record.page_number or 1,
                url=url,
                content_sha256=body_sha256 or hashlib.sha256(body).hexdigest(),
            ),
            request_url=request_url,
            pager_urls=pager_urls,
            status=status,
            fetched_at=fetched_at,
            warc_record_id=warc_record_id,
            validators=validators_of(headers or {}),
            content_digest=content_digest,
            provisional=provisional,
            number_stated=number_stated,
            pager_labels=dict(pager_labels or {}),
            confirmed=confirmed,
            sequels=list(sequels or []),
        )


def validators_of(headers: dict[str, str]) -> tuple[str | None, str | None]:
    """(ETag, Last-Modified) of response headers, whatever their letter case."""
    lower = {k.lower(): v for k, v in headers.items()}
    return lower.get("etag"), lower.get("last-modified")


@dataclass(slots=True)
class FailedPage:
    """An expected page of a case that never became a case page: a ``pages.parquet`` row."""

    url: str
    """Canonical URL of the page."""
    reason: str
    """"HTTP 500", "never fetched", a download error, "no case sections", ..."""
    status: int | None
    """HTTP status of the last response; None when none arrived."""
    failed_at: str
    """UTC ISO-8601 time the failure was recorded."""
    page_number: int = 0
    """Set at release (see ``number_failed_pages``)."""


#: Where a shelved page's pickle is in the shelf file: (offset, length).
Shelved = tuple[int, int]


class PageShelf:
    """Pages pickled to an anonymous temporary file, read back when their case is released.

    The file lives in ``directory`` (the snapshot's spool, on the output's disk; the system
    temp directory when None) and has no name, so even a killed crawl leaves nothing behind.
    It only grows while cases are open: ``clear`` (called once none is) deletes it, and the
    next ``put`` starts a new one.
    """

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory
        self._file: IO[bytes] | None = None
        self._end = 0
        self._at_end = True
        """The file's position is its end (a seek flushes the write buffer: only after a
        ``get``)."""

    def put(self, page: FetchedPage) -> Shelved:
        if self._file is None:
            self._file = tempfile.TemporaryFile(dir=self.directory)  # noqa: SIM115 - see clear
        data = pickle.dumps(page, protocol=pickle.HIGHEST_PROTOCOL)
        if not self._at_end:
            self._file.seek(self._end)
            self._at_end = True
        self._file.write(data)
        where = (self._end, len(data))
        self._end += len(data)
        return where

    def get(self, where: Shelved) -> FetchedPage:
        assert self._file is not None, "nothing shelved"
        offset, length = where
        self._file.seek(offset)
        self._at_end = False
        page: FetchedPage = pickle.loads(self._file.read(length))
        return page

    def clear(self) -> None:
        if self._file is not None:
            self._file.close()
        self._file = None
        self._end = 0
        self._at_end = True


@dataclass(slots=True)
class _OpenCase:
    key: str
    pages: dict[str, Shelved] = field(default_factory=dict)
    """Canonical URL -> the shelved page fetched from it (a redirected page has two)."""
    expected: set[str] = field(default_factory=set)
    failed: dict[str, str] = field(default_factory=dict)
    aliases: dict[Shelved, set[str]] = field(default_factory=dict)
    """Shelved page -> URLs found to be the same page after it was shelved (same body)."""
    failures: dict[str, FailedPage] = field(default_factory=dict)
    """Canonical URL -> what is known of its failure (status, time)."""
    provisional: bool = True
    """Every page it holds was taken provisionally (``FetchedPage.provisional``): it waits
    for the end of the crawl, or for a page with navigation evidence."""
    some_provisional: bool = False
    """A page it holds was taken provisionally: it may show another of its pages
    (``CaseAssembler._merge_own_views``)."""
    confirmed: bool = False
    """A page it holds is confirmed (``FetchedPage.confirmed``); until one is, it waits for
    the end of the crawl."""
    title: str | None = None
    """The case title its first page read (``_same_case_title`` compares it)."""
    numbers: set[int] = field(default_factory=set)
    """The page numbers its pages read (``CaseAssembler._number_taken``)."""
    unnumbered: set[str] = field(default_factory=set)
    """Canonical URLs of its pages whose number nothing said (``FetchedPage.number_stated``):
    their numbers are the labels other pages' pager links give them, once one does."""
    post_nav: set[str] = field(default_factory=set)
    """Canonical URLs its pages' post navigation leads to (``FetchedPage.sequels``)."""
    sequels: set[str] = field(default_factory=set)
    """The posts it waits for (``CaseAssembler._await_posts``): each until it arrives
    (taken when it reads this case's title) or yields no case page
    (``CaseAssembler.settle``); never a failed page of it."""
    total: int | None = None
    """The page count its pages print ("Part 2 of 3"): a page of its title arriving with
    a number it lacks is one of its pages, while it holds fewer."""
    marked: bool = False
    """A page of it prints its number as a page marker of its title or heading ("X - Page
    #2", "X (Part 2)")."""
    numbered: bool = False
    """A page of it has a pager whose links say which page they lead to ("1 2 3", "Page
    3", "Next": ``FetchedPage.pager_labels``)."""

    def parts_unknown(self) -> bool:
        """Its pages print page markers, but neither a numbered pager nor a page count says
        how many pages it has (a blog's posts "X - Page #2" that link nothing but the side
        column, where one post links another of its month by its slug): only the titles of
        the pages the crawl finds tell, at its end (``CaseAssembler.finish``)."""
        return self.marked and not self.numbered and self.total is None

    def waiting(self) -> set[str]:
        return (self.expected | self.sequels) - self.pages.keys() - self.failed.keys()

    def missing(self) -> set[str]:
        """Expected pages that never came (its pager's; not its post navigation's)."""
        return self.expected - self.pages.keys() - self.failed.keys()

    def lacks_pages(self) -> bool:
        """It prints a page count and holds fewer pages."""
        return self.total is not None and len(set(self.pages.values())) < self.total

    def lacks_its_start(self) -> bool:
        """It holds only pages that say they are page 2 or later: its first page has not
        come yet (a list linked every page, and pages 2-4 arrived first, their pagers
        naming only their next pages); it waits for it, until the end of the crawl."""
        return bool(self.numbers) and min(self.numbers) > 1 and not self.unnumbered

    def may_join(self, other: _OpenCase) -> bool:
        """Can two open cases of one title be parts of one case: neither waits for a page
        of its pager nor was taken provisionally, and they hold other page numbers?"""
        return not (self.missing() or other.missing() or self.provisional
                    or other.provisional or self.numbers & other.numbers)


@dataclass(slots=True)
class Released:
    """A case ready for export, with the pages it was built from."""

    case: CaseRecord
    pages: list[FetchedPage]
    failed_pages: list[FailedPage] = field(default_factory=list)
    """The case's pages that failed, numbered, in page order."""


class CaseAssembler:
    """Collects pages per case; see the module docstring."""

    def __init__(self, rules: UrlRules | None = None, shelf_dir: Path | None = None) -> None:
        self.rules = rules or UrlRules()
        self._open: dict[str, _OpenCase] = {}
        self._owner: DiskMap[str] = DiskMap()
        """Canonical page URL -> key of the case that expects or holds it (every page URL
        of the crawl: on disk)."""
        self._joined: dict[str, str] = {}
        """Key of a case that joined another -> that case's key (``_join``)."""
        self._released: set[str] = set()
        self.late_pages: list[str] = []
        """Pages that arrived after their case was released (a discovery gap; reported)."""
        self.duplicates: list[tuple[str, str]] = []
        """(URL, URL of the page it names) for an alias (same body, same content, or a
        redirect) found after that page's case was written, or a provisional page found at
        the end to show a page taken on evidence: it could not join the page's row
        (reported)."""
        self.merged_pages = 0
        """Pages handed in that turned out to be another URL of a page taken: the same body
        or canonical URL (``_add_duplicate``), or provisional pages that show a page taken
        on evidence (``_merge_own_views``, ``finish``). The crawl's count of case pages
        leaves them out."""
        self.unconfirmed: list[str] = []
        """Page URLs of the cases no list or confirmed page named by the end of the crawl
        (``finish``): not cases (reported as skipped)."""
        self.rejected: list[tuple[str, str]] = []
        """(URL, parser verdict) of the pages of a page family taken on navigation evidence
        in which no page has case-like content: not a case after all (the archive reports
        them as skipped)."""
        self._early_aliases: dict[str, set[str]] = {}
        """Canonical URL -> URLs that redirected to it before it was fetched (its request,
        from another link, was in flight): they join its aliases when it arrives."""
        # What is known of every page for the whole crawl (a page found later may be another
        # URL of any page taken) grows with the site: on disk (``ondisk``).
        self._digests: DiskMap[tuple[str, str, Shelved | None]] = DiskMap()
        """Body SHA-256 -> (case key, canonical URL, shelved page while its case is open)."""
        self._provisional: DiskMap[str] = DiskMap()
        """Content digest -> canonical URL of a page taken provisionally that said it
        (``same_content_as``, once its case is written)."""
        self._contents: DiskMap[str] = DiskMap()
        """Content digest (``page_content_hash``) -> canonical URL of the page that said it
        first."""
        self._labels: DiskMap[int] = DiskMap()
        """Canonical URL -> the page number the first pager link labelled with one gave it
        (``FetchedPage.pager_labels``)."""
        self._held = DiskSet()
        """Canonical URLs of the pages taken (open or written), each of its URLs."""
        self._titled: dict[str, set[str]] = {}
        """Folded case title -> keys of the open cases of that title (``_part_of``); a case
        leaves it when it is written or dropped (``_close``)."""
        self._posts: DiskMap[tuple[str | None, tuple[str, ...]]] = DiskMap()
        """Canonical URL of each page that arrived (or yielded no case page) -> its folded
        title and where its post navigation leads (``_note_posts``)."""
        self._awaited: dict[str, set[str]] = {}
        """Canonical URL -> keys of the open cases that wait for it (``_await_posts``)."""
        self._shelf = PageShelf(shelf_dir)

    def _canon(self, url: str) -> str:
        return canonical_url(url, self.rules)

    def set_rules(self, rules: UrlRules) -> None:
        """New identity rules (a learned pager base, case folding): re-key what is known."""
        if rules == self.rules:
            return
        self.rules = rules
        self._owner = DiskMap((self._canon(url), key) for url, key in self._owner.rows())
        self._early_aliases = {self._canon(url): {self._canon(a) for a in aliases}
                               for url, aliases in self._early_aliases.items()}
        labels: DiskMap[int] = DiskMap()
        for url, number in self._labels.rows():
            labels.setdefault(self._canon(url), number)
        self._labels = labels
        for case in self._open.values():
            case.pages = {self._canon(url): where for url, where in case.pages.items()}
            case.expected = {self._canon(url) for url in case.expected}
            case.failed = {self._canon(url): why for url, why in case.failed.items()}
            case.failures = {self._canon(url): f for url, f in case.failures.items()}
            case.unnumbered = {self._canon(url) for url in case.unnumbered}

    def add_page(self, page: FetchedPage) -> list[Released]:
        """Take one parsed case page; return the cases it completes."""
        urls = {self._canon(page.ref.url), self._canon(page.request_url),
                *map(self._canon, page.aliases)}
        early = set().union(*[self._early_aliases.pop(url, set()) for url in list(urls)])
        if early:
            page.aliases = sorted(set(page.aliases) | early)
            urls |= early
        for url, number in page.pager_labels.items():
            self._labels.setdefault(self._canon(url), number)
        numbered = bool(page.pager_labels)
        page.pager_labels = {}
        digest = page.ref.content_sha256
        self._note_posts(urls, page.record.title, page.sequels)
        if digest and digest in self._digests:
            mine = next((k for k in map(self._owner_or_none, urls) if k is not None), None)
            return self._add_duplicate(page, urls, *self._digests[digest],
                                       mine=mine) + self._arrived(urls)
        held = self._canon(page.ref.url)
        if held in self._held:
            # Another URL of a page taken already names it its canonical URL (a phone's
            # view ``?m=1``, a print view): that page, in other bytes; never a second page.
            owner = self._owner_of(held)
            case = self._open.get(owner)
            return self._add_duplicate(page, urls, owner, held, case.pages.get(held) if case
                                       else None) + self._arrived(urls)
        key = next((k for k in map(self._owner_or_none, urls) if k is not None), None)
        if key is None:
            key = self._part_of(page, urls)
        # The case the page's own key names now: a case that joined another goes by that
        # one's key. Opened again under its old key, it would join the other back (its pager
        # names the other's pages) and ``_current`` would follow the two keys forever.
        own = self._current(case_key(page.ref.url, self.rules))
        if key is not None and key != own and self._number_taken(key, page):
            # A page linked as a case's next page that claims a number the case holds, from
            # another document family: the next case (a CMS's article navigation), not a
            # page of this one. It is a case of its own; the other stops waiting for it.
            self._open[key].expected -= urls
            key = None
        key = key or own
        if key in self._released:
            self.late_pages.append(page.ref.url)
            return self._arrived(urls)
        case = self._open.setdefault(key, _OpenCase(key, title=page.record.title))
        if case.title:
            self._titled.setdefault(fold_title(case.title), set()).add(key)
        self._join_parts(case, urls)
        if page.record.page_total is not None:
            case.total = max(case.total or 0, page.record.page_total)
        if not page.number_stated:
            case.unnumbered.update(urls)
        elif page.record.page_number is not None:
            case.numbers.add(page.record.page_number)
        case.provisional = case.provisional and page.provisional
        case.some_provisional = case.some_provisional or page.provisional
        case.confirmed = case.confirmed or page.confirmed
        case.marked = case.marked or (page.number_stated and page.record.page_number_source
                                      in ("title", "heading"))
        case.numbered = case.numbered or numbered
        self._expect(case, page.pager_urls)
        page.pager_urls = []
        case.post_nav.update(self._canon(link) for link in page.sequels)
        page.sequels = []
        page.record.links = []  # discovery is done with them; assembly never reads them
        shelved = self._shelf.put(page)
        if digest and not page.provisional:
            self._digests[digest] = (key, self._canon(page.ref.url), shelved)
        self._note_content(page)
        for url in urls:
            case.pages[url] = shelved
            case.expected.add(url)
            self._owner[url] = key
        self._held.update(urls)
        self._join_counted(case)
        settled = self._arrived(urls, key)
        self._await_posts(case)
        return settled + self._release_if_done(case)

    def _join_counted(self, case: _OpenCase) -> None:
        """Open cases of one title whose pages no pager links (none waits for a page its
        pager named) and which hold other page numbers, one of them printing a page count
        it lacks pages for ("Part 2 of 3"): the parts of one case, reached from places
        its post navigation does not join ("Older Post" from part 3 led to a news post,
        part 2 came from elsewhere)."""
        if not case.title:
            return
        for key in sorted(self._titled.get(fold_title(case.title), set()) - {case.key}):
            other = self._open.get(key)
            if other is not None and case.may_join(other) and (
                    case.lacks_pages() or other.lacks_pages()):
                self._join(case, self._open.pop(key))

    def _part_of(self, page: FetchedPage, urls: set[str]) -> str | None:
        """The open case a page no case expects is a part of: one whose post navigation
        leads to it (``sequels``), or one that prints a page count it lacks pages for
        (``lacks_pages``), when the page reads the same case title and a number that case
        lacks (a blog's case posted as parts, "X (Part 2 of 3)", whose parts link each
        other only through "Newer Post", which any post may stand between). Only a number
        something said counts (``FetchedPage.number_stated``)."""
        title = page.record.title
        number = page.record.page_number
        if not title or not page.number_stated or number is None or page.provisional:
            return None  # (a page taken on its title alone may be a listing that shows it)
        waiting = sorted(self._awaiting(urls))
        titled = self._titled.get(fold_title(title), set())
        titled &= self._open.keys()  # forget the cases released since
        counted = sorted(k for k in titled if self._open[k].lacks_pages())
        for key in [*waiting, *counted]:
            case = self._open.get(key)
            if case is not None and not case.provisional and case.title and fold_title(
                    case.title) == fold_title(title) and not self._number_taken(key, page):
                return key
        return None

    def _join_parts(self, case: _OpenCase, urls: set[str]) -> None:
        """``case`` takes the page at ``urls``: another open case whose post navigation led
        there too, of the same title and holding other page numbers, is the same case
        reached from its other end ("Older Post" from part 5, "Newer Post" from part 1)."""
        for key in sorted(self._awaiting(urls)):
            other = self._open.get(key)
            if other is None or key == case.key or not other.title or not case.title or (
                    other.provisional or case.provisional):
                continue
            if fold_title(other.title) == fold_title(case.title) and not (
                    other.numbers & case.numbers):
                self._join(case, self._open.pop(key))

    def _awaiting(self, urls: set[str]) -> set[str]:
        """Keys of the open cases whose post navigation waits for one of ``urls``."""
        return set().union(*(self._awaited.get(u, set()) for u in urls))

    def _note_posts(self, urls: set[str], title: str | None, post_nav: list[str]) -> None:
        """Remember what arrived at ``urls``: its title and where its post navigation leads
        (``_await_posts`` passes over it when it is no part of the case that waits)."""
        entry = (fold_title(title) if title else None,
                 tuple(sorted({self._canon(link) for link in post_nav} - urls)))
        for url in urls:
            self._posts.setdefault(url, entry)

    def _await_posts(self, case: _OpenCase) -> None:
        """The posts ``case`` waits for (``_OpenCase.sequels``): those its post navigation
        leads to that have not arrived, passing over up to ``POST_HOPS`` posts that arrived
        with another title (a news post, another case's post between two parts)."""
        for url in case.sequels:
            self._awaited.get(url, set()).discard(case.key)
        title = fold_title(case.title) if case.title else None
        seen = set(case.pages)
        frontier = [(url, 0) for url in sorted(case.post_nav)]
        pending: set[str] = set()
        while frontier:
            url, hops = frontier.pop()
            if url in seen:
                continue
            seen.add(url)
            post = self._posts.get(url)
            if post is None:
                pending.add(url)
            elif post[0] != title and hops < POST_HOPS:
                frontier.extend((onward, hops + 1) for onward in post[1])
        case.sequels = pending
        for url in pending:
            self._awaited.setdefault(url, set()).add(case.key)

    def _arrived(self, urls: set[str], taken_by: str | None = None) -> list[Released]:
        """Posts that open cases waited for have arrived (as a page, or as no case page):
        each such case (but ``taken_by``, which took the page) waits for what is left, and
        is released when nothing is."""
        out: list[Released] = []
        for key in sorted(set().union(*(self._awaited.pop(url, set()) for url in urls))):
            case = self._open.get(key)
            if case is None or key == taken_by:
                continue
            self._await_posts(case)
            out.extend(self._release_if_done(case))
        return out

    def settle(self, url: str, title: str | None = None,
               post_nav: list[str] | None = None) -> list[Released]:
        """``url`` yields no case page (a news post, a listing, a gone page): cases whose
        post navigation leads there wait for it no more, but for the posts its own post
        navigation (``post_nav``) leads to (the post after a news post that stood between
        two parts of a case)."""
        urls = {self._canon(url)}
        self._note_posts(urls, title, post_nav or [])
        return self._arrived(urls)

    def _expect(self, case: _OpenCase, urls: list[str]) -> None:
        """``case`` expects the pages at ``urls`` (its pager's), unless another case holds
        or expects one: an open case of the same title joins it (``_join``)."""
        for link in urls:
            canon = self._canon(link)
            owner = self._owner_or_none(canon)
            if owner is None:
                self._owner[canon] = case.key
            elif owner != case.key and owner in self._open and _same_case_title(
                    case.title, self._open[owner].title):
                self._join(case, self._open.pop(owner))
            elif owner != case.key:
                continue
            case.expected.add(canon)

    def expect_together(self, urls: list[str]) -> None:
        """``urls`` are the pages of one case (a list names them so: "X (Part 2 of 3)"),
        learned after one of them was taken: the open case holding or expecting one expects
        the others too, and one that holds another of them joins it (same title). A case
        written already is left as it is."""
        canon = [self._canon(u) for u in urls]
        key = next((k for k in map(self._owner_or_none, canon) if k in self._open), None)
        if key is not None:
            self._expect(self._open[key], canon)

    def _number_taken(self, key: str, page: FetchedPage) -> bool:
        """Does the open case ``key`` hold a page with this page's number already? Only a
        number something said counts, on either side (``FetchedPage.number_stated``): the
        parser's default 1 on a page reached before its first page is no claim to be page
        1."""
        case = self._open.get(key)
        if case is None or not page.number_stated or page.record.page_number is None:
            return False
        labelled = {self._labels[url] for url in case.unnumbered if url in self._labels}
        return page.record.page_number in case.numbers | labelled

    def _label_of(self, page: FetchedPage) -> int | None:
        """The number a pager link's label gave one of the page's URLs, if one did."""
        urls = sorted({self._canon(page.ref.url), self._canon(page.request_url),
                       *map(self._canon, page.aliases)})
        return next((self._labels[url] for url in urls if url in self._labels), None)

    @property
    def joined_cases(self) -> int:
        """Cases found to be pages of another case by its pager (``_join``)."""
        return len(self._joined)

    def _current(self, key: str) -> str:
        """The key a case goes by now: the case it joined, if it joined one. ``add_page``
        opens cases under current keys only, so no chain leads back to its start."""
        while key in self._joined:
            key = self._joined[key]
        return key

    def _owner_of(self, url: str) -> str:
        """The key of the case that expects or holds ``url`` (through the cases it joined)."""
        return self._current(self._owner[url])

    def _owner_or_none(self, url: str) -> str | None:
        """``_owner_of``, or None when no case expects or holds ``url`` (one look-up)."""
        key = self._owner.get(url)
        return None if key is None else self._current(key)

    def _join(self, case: _OpenCase, other: _OpenCase) -> None:
        """``other`` is ``case``: a page of one names a page the other expects in its
        pager (a site whose list links each page of a case by a URL of its own, and whose
        pager names them by others). Its pages and what it waits for join ``case``."""
        assert case.key not in self._joined and other.key != case.key, (
            f"cases {other.key} and {case.key} would join in a cycle")
        case.pages.update(other.pages)
        case.expected |= other.expected
        case.failed.update(other.failed)
        case.failures.update(other.failures)
        for where, names in other.aliases.items():
            case.aliases.setdefault(where, set()).update(names)
        case.provisional = case.provisional and other.provisional
        case.some_provisional = case.some_provisional or other.some_provisional
        case.confirmed = case.confirmed or other.confirmed
        case.numbers |= other.numbers
        case.unnumbered |= other.unnumbered
        case.post_nav |= other.post_nav
        case.marked = case.marked or other.marked
        case.numbered = case.numbered or other.numbered
        if other.total is not None:
            case.total = max(case.total or 0, other.total)
        self._joined[other.key] = case.key
        self._forget_title(other)
        for url in other.sequels:
            self._awaited.get(url, set()).discard(other.key)
        self._await_posts(case)

    def _add_duplicate(self, page: FetchedPage, urls: set[str], key: str, original: str,
                       shelved: Shelved | None, mine: str | None = None) -> list[Released]:
        """A page whose body is that of a page already taken: its URLs become aliases. When
        another open case expected it (``mine``: its pager named this page by another URL),
        that case is this one and joins it (``_join``)."""
        self.merged_pages += 1  # handed in as a page, it is another URL of one
        key = self._current(key)
        case = self._open.get(key)
        if case is None or shelved is None:
            self.duplicates.extend((url, original) for url in sorted(urls - {original}))
            return []
        other = self._open.get(mine) if mine is not None and mine != key else None
        if other is not None and _same_case_title(case.title, other.title):
            self._join(case, self._open.pop(other.key))
        for url in urls:
            case.pages[url] = shelved
            case.expected.add(url)
            self._owner.setdefault(url, key)
        case.aliases.setdefault(shelved, set()).update(urls - {original})
        return self._release_if_done(case)

    def add_failure(self, url: str, reason: str, status: int | None = None) -> list[Released]:
        """A page that could not be fetched or is not a case page after all."""
        canon = self._canon(url)
        key = self._owner_or_none(canon)
        case = self._open.get(key) if key else None
        if case is None:
            return []
        case.failed[canon] = reason
        case.failures[canon] = FailedPage(canon, reason, status, _now())
        return self._release_if_done(case)

    def add_alias(self, url: str, final_url: str) -> None:
        """``url`` redirected to ``final_url``: both name one page. When that page is held
        already (the redirect's target was fetched through another link), ``url`` joins its
        aliases; when its case is written already, it is a late alias (reported); when it is
        not fetched yet (its request from another link is in flight), ``url`` waits for it."""
        canon, final = self._canon(url), self._canon(final_url)
        key = self._owner_or_none(canon)
        if key and final not in self._owner:
            self._owner[final] = key
        holder = self._owner_or_none(final)
        case = self._open.get(holder) if holder else None
        if case is not None and final in case.pages and canon != final:
            shelved = case.pages[final]
            case.pages[canon] = shelved
            self._owner.setdefault(canon, case.key)
            case.aliases.setdefault(shelved, set()).add(canon)
        elif holder in self._released and canon != final:
            self.duplicates.append((canon, final))
        elif canon != final:
            self._early_aliases.setdefault(final, set()).add(canon)

    def same_content_as(self, content_digest: str | None, body_sha256: str) -> str | None:
        """The canonical URL of a page taken before that says what a page with
        ``content_digest`` says, when its bytes differ (a page with the same body is
        recognised by ``add_page`` itself); None when no page does. A page taken
        provisionally counts once its case is written: a page that says the same, taken on
        evidence later, is that page under another URL (while its case is open, a page of
        the case that says the same replaces it: ``_merge_own_views``)."""
        if not content_digest or body_sha256 in self._digests:
            return None
        found = self._contents.get(content_digest)
        if found is None:  # a page taken provisionally whose case is written already
            twin = self._provisional.get(content_digest)
            if twin is not None and self._owner_or_none(twin) in self._released:
                return twin
        return found

    def holds(self, url: str) -> bool:
        """A page taken (its case open or written) answers to ``url``."""
        return self._canon(url) in self._held

    def is_expected(self, url: str) -> bool:
        """True when an open case waits for ``url``."""
        canon = self._canon(url)
        return self._owner_or_none(canon) in self._open

    def finish(self, confirmed: Container[str] | None = None,
               confirmed_digests: Collection[str] | None = None,
               confirmed_titles: set[str] | None = None) -> list[Released]:
        """Release every case still open; pages never seen count as failed. A case no page
        of which was confirmed when taken is a case only if one of its URLs is among
        ``confirmed`` now (a list's content, or a confirmed page's pager, named it after it
        was taken), or one of its pages says what a page fetched under such a URL says
        (``confirmed_digests``: the list names its mobile view), or its title is one a list
        names an entry by (``confirmed_titles``, ``fold_title``); else its pages are
        ``unconfirmed``, not a case: only the site's navigation linked them into the case
        family (a blog's About post beside its case posts)."""
        out: list[Released] = []
        self._join_marked_parts()
        for case in list(self._open.values()):
            if not case.confirmed and confirmed is not None and not (
                    any(url in confirmed for url in case.pages)
                    or fold_title(case.title or "") in (confirmed_titles or ())
                    or self._says(case, confirmed_digests or set())):
                self._drop_unconfirmed(case)
                continue
            if case.provisional and not self._merge_views(case):
                continue
            self._merge_own_views(case)
            for url in case.missing():
                case.failed[url] = "never fetched"
                case.failures[url] = FailedPage(url, "never fetched", None, _now())
            out.extend(self._release(case))
        return out

    def _join_marked_parts(self) -> None:
        """At the end of the crawl, open cases of one title that wait for no page of their
        pager and hold other page numbers, one of them with parts nothing located
        (``_OpenCase.parts_unknown``), are one case: a blog's posts "X - Page #1", "X - Page
        #2" that only the side column and the archives link."""
        for keys in list(self._titled.values()):
            cases = [self._open[k] for k in sorted(keys) if k in self._open]
            for i, case in enumerate(cases):
                for other in cases[i + 1:]:
                    if case.key in self._open and other.key in self._open and case.may_join(
                            other) and (case.parts_unknown() or other.parts_unknown()):
                        self._join(case, self._open.pop(other.key))

    def _says(self, case: _OpenCase, digests: Collection[str]) -> bool:
        """Does a page of ``case`` say what one of ``digests`` says?"""
        return bool(digests) and any(self._shelf.get(where).content_digest in digests
                                     for where in set(case.pages.values()))

    def _drop_unconfirmed(self, case: _OpenCase) -> None:
        """Forget a case no list or confirmed page named; its pages go to ``unconfirmed``."""
        self.unconfirmed.extend(sorted({self._shelf.get(where).ref.url
                                        for where in set(case.pages.values())}))
        self._close(case)
        self._released.add(case.key)

    @property
    def open_cases(self) -> int:
        return len(self._open)

    def _merge_views(self, case: _OpenCase) -> bool:
        """At the end of the crawl, the pages of a case taken provisionally that say what a
        page taken on evidence says (the same content digest: another view of it, reached
        before it) become that page's aliases; False when no page of the case is left."""
        for where in set(case.pages.values()):
            page = self._shelf.get(where)
            original = self._contents.get(page.content_digest or "")
            if original is None or self._owner_or_none(original) == case.key:
                continue
            names = {url for url, held in case.pages.items() if held == where}
            names |= case.aliases.pop(where, set())
            self.duplicates.extend((url, original) for url in sorted(names))
            self.merged_pages += 1
            for url in names:
                case.pages.pop(url, None)
                case.expected.discard(url)
        if case.pages:
            return True
        self._close(case)
        return False

    def _close(self, case: _OpenCase) -> None:
        """``case`` is open no more (written, or dropped): forget it and its title; the
        shelf goes when no case is open."""
        del self._open[case.key]
        self._forget_title(case)
        if not self._open:
            self._shelf.clear()

    def _forget_title(self, case: _OpenCase) -> None:
        """``case`` is open no more (closed, or joined another): its title's keys lose it."""
        title = fold_title(case.title or "")
        keys = self._titled.get(title)
        if keys is not None:
            keys.discard(case.key)
            if not keys:
                del self._titled[title]

    def _release_if_done(self, case: _OpenCase) -> list[Released]:
        self._merge_own_views(case)  # before its pages are counted (``lacks_pages``)
        if case.waiting() or case.lacks_pages() or case.parts_unknown() or (
                case.provisional or not case.confirmed or case.lacks_its_start()):
            return []
        return self._release(case)

    def _note_content(self, page: FetchedPage) -> None:
        """Remember what a page says (its content digest) for a page that says the same
        under another URL (``same_content_as``): a page taken on evidence, or one taken
        provisionally, apart."""
        if page.content_digest:
            known = self._provisional if page.provisional else self._contents
            known.setdefault(page.content_digest, self._canon(page.ref.url))

    def _merge_own_views(self, case: _OpenCase) -> None:
        """A page of ``case`` taken provisionally (on its page marker alone) that says what
        another of its pages, taken on evidence, says (the same content digest) is that
        page under another URL: an article's old URL, reached first through a menu, beside
        the new URL a list links later. Its URLs become that page's aliases: the case holds
        the page once, under the URL the evidence gave, and counts it once (``merged_pages``:
        the crawl's count of case pages). (A provisional page's content is never matched
        when it arrives: it may be a view of a page still to come.) Only a case holding a
        provisional page reads its pages back for this."""
        if not case.some_provisional:
            return
        shelved = {where: self._shelf.get(where) for where in set(case.pages.values())}
        said = {page.content_digest: where for where, page in shelved.items()
                if page.content_digest and not page.provisional}
        for where, page in shelved.items():
            target = said.get(page.content_digest or "") if page.provisional else None
            if target is None:
                continue
            names = {url for url, held in case.pages.items() if held == where}
            names |= case.aliases.pop(where, set())
            for url in names:
                case.pages[url] = target
            case.aliases.setdefault(target, set()).update(names)
            self.merged_pages += 1

    def _release(self, case: _OpenCase) -> list[Released]:
        # Read the pages back before forgetting the case: a failed read leaves it open.
        pages = []
        for where in set(case.pages.values()):
            page = self._shelf.get(where)
            extra = case.aliases.get(where, set())
            page.aliases = sorted((set(page.aliases) | extra) - {self._canon(page.ref.url)})
            label = None if page.number_stated else self._label_of(page)
            if label is not None:  # its number, given by a pager link found after it
                page.record.page_number = page.ref.page_number = label
            pages.append(page)
        pages.sort(key=lambda p: (p.record.page_number or 0, p.ref.url))
        if _number_apart(pages):
            pages.sort(key=lambda p: (p.record.page_number or 0, p.ref.url))
        for page in pages:
            digest = page.ref.content_sha256 or ""
            known = self._digests.get(digest)
            if known is not None and known[1]:
                self._digests[digest] = (known[0], known[1], None)
        self._close(case)
        self._released.add(case.key)
        if not pages:
            return []
        if not any(page.record.is_case_page for page in pages):
            self.rejected.extend((page.ref.url, page.record.skip_reason or "") for page in pages)
            return []
        failed = sorted(u for u in case.failed if u not in case.pages)
        key = case_key(pages[0].ref.url, self.rules)
        record = assemble_case(
            case_id(key),
            [(p.record, p.ref) for p in pages],
            failed_urls=failed,
            case_key=key,
        )
        failures = [case.failures.get(u) or FailedPage(u, case.failed[u], None, _now())
                    for u in failed]
        number_failed_pages(failures, {p.ref.page_number for p in pages})
        return [Released(record, pages, failures)]


#: How many posts of other titles may stand between two parts of a case in a blog's post
#: navigation (a news post, the first part of the next case).
POST_HOPS = 2


def fold_title(text: str) -> str:
    """A case title as titles are compared: lower case, single spaces."""
    return " ".join(text.lower().split())


def _same_case_title(a: str | None, b: str | None) -> bool:
    """Two cases may be one only when their pages read the same case title (or one reads
    none): a pager link is evidence, but not against the titles."""
    return a is None or b is None or fold_title(a) == fold_title(b)


def _now() -> str:
    return datetime.now(UTC).isoformat()


def page_number_in_url(url: str) -> int:
    """The page number a URL names: its page parameter or ``…page3.htm`` ending; 1 when it
    names none (a canonical URL drops ``page=1``, so page 1 is the bare case URL)."""
    parts = re.split(r"[?&]", url)
    for part in parts[1:]:
        name, _, value = part.partition("=")
        if PAGE_PARAMS.match(name) and value.isdigit():
            return int(value)
    match = PATH_PAGE.search(parts[0])
    return int(match.group(1)) if match else 1


def number_failed_pages(failures: list[FailedPage], taken: set[int]) -> None:
    """Give each failed page the number its URL names, or else the lowest number no other
    page of the case has; sorts ``failures`` into page order."""
    used = set(taken)
    for failure in sorted(failures, key=lambda f: (page_number_in_url(f.url), f.url)):
        number = page_number_in_url(failure.url)
        if number in used:
            number = next(n for n in range(1, len(used) + 2) if n not in used)
        failure.page_number = number
        used.add(number)
    failures.sort(key=lambda f: f.page_number)


def _number_apart(pages: list[FetchedPage]) -> bool:
    """Give pages that claim a page number already taken the numbers after the last, in
    their order, with a warning: two pages of a case are never exported as one page. True
    when a page was renumbered."""
    renumbered = False
    taken: set[int] = set()
    last = max((p.ref.page_number for p in pages), default=0)
    for page in pages:
        number = page.ref.page_number
        if number not in taken:
            taken.add(number)
            continue
        last += 1
        page.record.warnings.append(f"page number: {number} is also claimed by another page "
                                    f"of the case; numbered {last}")
        page.record.page_number = page.ref.page_number = last
        taken.add(last)
        renumbered = True
    return renumbered
