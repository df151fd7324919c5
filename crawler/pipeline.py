"""Everything done with a response after it is downloaded: parse, assemble, export.

``PagePipeline`` is plain Python (no Scrapy, no reactor). A live crawl runs it in a worker
process (``casearchive.crawler.worker``) so parsing and exports use the second core while Scrapy
downloads (and writes the WARC) on the first; ``reparse`` runs it in-process over a WARC.
Both feed it the same calls, so both build the same snapshot from the same bytes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag

from casearchive.exports.files import LATEST
from casearchive.exports.health import HealthThresholds, check_health
from casearchive.exports.snapshot import SnapshotWriter, utc_now
from casearchive.parsers.encoding import NOT_TEXT
from casearchive.parsers.page import parse_title
from casearchive.parsers.records import Link, PageRecord
from casearchive.parsers.version import PARSER_VERSION

from .assembly import CaseAssembler, FetchedPage, Released, fold_title
from .discovery import (
    CASE_INSENSITIVE_SERVERS,
    NEXT_PAGER_TEXT,
    NUMBERED_PAGER_TEXT,
    POST_NAV_TEXT,
    PREV_PAGER_TEXT,
    TITLE_WORDS,
    LinkRoles,
    Scope,
    case_series,
)
from .finish import FinishJob
from .messages import BUDGET_STAT, PAYLOAD_SNAPSHOTS_STAT, Closed, PageMessage, Requisite, Verdict
from .ondisk import DiskMap, DiskSet
from .options import CrawlOptions
from .parsed import PageParser, ParsedPage, parse_digested
from .release import write_released
from .report import CrawlReport
from .requisites import FigureResolver
from .skipped import Skipped
from .urls import UrlRules, canonical_url, case_key, page_number_in_url, page_param, same_site
from .version import TOOL_VERSION
from .warc import HTML_TYPES

log = logging.getLogger(__name__)

#: Case evidence a link carries (``PageMessage.role``); see ``casearchive.crawler.discovery``.
CASE_LINK = "case link"
PAGER = "pager"
#: Case evidence of a page reached through site navigation alone whose own title says it
#: is a page of a case ("Page 2 of 3"): a case page the navigation has yet to reach, or
#: another view of one (a wiki's printable version); taken provisionally.
TITLE_MARKER = "case title page marker"
#: Case evidence of a page that only the navigation of case pages (a side column's
#: "Previous Posts", "Recent cases") links into a case family, or that was reached through
#: site navigation alone and has a case family's URL: weak, since a site's own pages (a
#: blog's About post, its calls for cases) may share the cases' URL family. Such a page is
#: a case only when a list's content or a case's pager names it by the end of the crawl.
NAV_LINK = "case family link in site navigation"
FAMILY_ONLY = "case URL family"
#: How strong each evidence is: stronger evidence of a URL replaces weaker.
EVIDENCE_RANK = {NAV_LINK: 1, CASE_LINK: 2, PAGER: 3}
#: How much a link's role says of the page it leads to: a page skipped under one role is
#: fetched again when a later link gives it a stronger one (``PagePipeline._upgrades``).
ROLE_STRENGTH = {"nav": 0, CASE_LINK: 1, PAGER: 2, "list": 3}
#: Parser verdicts that mean a page of a case is not there (a soft 404 answers 200).
MISSING_VERDICTS = ("soft 404", "empty document", "parse error")


def _is_missing(record: PageRecord) -> bool:
    """The page of a case is not there: a soft 404, nothing parseable, or (from a parser that
    does not segment pages it judges not case-like) no text kept at all."""
    if (record.skip_reason or "").startswith(MISSING_VERDICTS):
        return True
    return not record.is_case_page and not record.sections


def _not_a_case(evidence: str | None, record: PageRecord) -> str:
    """A skipped page's reason: the evidence it lacked."""
    content = record.skip_reason or "not case-like content"
    if evidence is None:
        why = "not a case: no case evidence (reached only through site navigation; not " \
              "linked as a case by a list, not in a case's pager, no case-title page marker)"
        return why if record.is_case_page else f"{content}; {why}"
    return f"{content} (linked as a case by {evidence}, but its content is not a case)"


def _page_number(record: PageRecord, msg: PageMessage, rules: UrlRules,
                 labelled: int | None) -> tuple[int | None, bool]:
    """The page's number: what it prints ("Page 2 of 3"), else what its URL's page parameter
    says under the site's learned pager base (a parser reading ``?page=1`` of a 0-based pager
    as page 1, or finding no number at all, is corrected), else the label of the pager link
    that led here ("3"), else the parser's; and whether anything said it (False for the
    parser's default 1: ``FetchedPage.number_stated``)."""
    if record.page_total is not None:
        return record.page_number, True
    in_url = page_number_in_url(msg.url, rules) or page_number_in_url(msg.request_url, rules)
    raw = page_param(msg.url) or page_param(msg.request_url)
    default = record.page_number in (None, 1)
    if in_url is not None and (default or (raw is not None and record.page_number == raw[1])):
        return in_url, True
    if in_url is None and labelled is not None and default:
        return labelled, True
    return record.page_number, record.page_number_source != "default"


def _printed_number(record: PageRecord) -> int | None:
    """The page number the page itself prints (its title, heading or pager); None when the
    parser only assumed one."""
    return record.page_number if record.page_number_source != "default" else None


def _verdict(roles: LinkRoles, **kwargs: Any) -> Verdict:
    return Verdict(lists=roles.lists, candidates=roles.case_links, pager=roles.pager,
                   nav=roles.nav, **kwargs)


class PagePipeline:
    """Owns the snapshot being written (but its WARC): case assembler, exports and report."""

    def __init__(self, options: CrawlOptions, parse: PageParser = parse_digested,
                 clock: Callable[[], datetime] = utc_now, lean: bool = False) -> None:
        """``clock`` gives the snapshot its id and start time (an import: the moment it
        represents); ``lean``: spool without pyarrow (the crawl's worker,
        ``SnapshotWriter``)."""
        self.options = options
        self.parse = parse
        """``parse_digested`` or a drop-in for it (``reparse`` passes one that parsed ahead)."""
        self.scope = Scope(options.start_url, options.url_rules(), options.list_regex)
        self.report = CrawlReport()
        self.writer = SnapshotWriter(
            options.out_dir,
            start_url=options.start_url,
            tool_version=TOOL_VERSION,
            parser_version=PARSER_VERSION,
            resume=options.resume,
            clock=clock,
            lean=lean,
        )
        self.assembler = CaseAssembler(self.scope.rules, shelf_dir=self.writer.spool_dir)
        self._evidence: DiskMap[str] = DiskMap()
        """Canonical URL -> the strongest case evidence a parsed page gave it (a link
        requested as navigation may turn out to be a case link of a later list page). One a
        case link of the site, for the whole crawl: on disk (``ondisk``)."""
        self._skipped_as: dict[str, tuple[str, str, frozenset[str]]] = {}
        """Canonical URL -> (URL, role, canonical URLs) of a page skipped under a role weaker
        than "list": fetched again if a later link gives it a stronger one (``_upgrades``)."""
        self._refetching: dict[str, str] = {}
        """Canonical URL -> the skipped URL of a page asked for again (``_upgrades``), until
        it arrives (``_arrives_again``)."""
        self._views: dict[str, str] = {}
        """Canonical URL -> the page it is another view of, as a case page linked it
        (``LinkRoles.views``): no case by its URL family alone, whoever links it (the
        article's old URL links the "All Pages" view of its new one), while the identity
        parameters learned since do not make it another case (``Scope.view_of``)."""
        self._list_links: set[str] = set()
        """Canonical URLs linked as lists: a page requested under another role first (the
        request was queued before the list link came) is handled as a list. Links as a case
        or a page of one are case evidence (``_evidence``)."""
        self._confirmed = DiskSet()
        """Canonical URLs a list's content, or a confirmed case page's pager or content,
        names as a case or a page of one: what confirms a case taken on weak evidence
        (``NAV_LINK``, ``FAMILY_ONLY``) at the end of the crawl. About one a case page,
        for the whole crawl: on disk."""
        self._confirmed_digests = DiskSet()
        """Content digests (``page_content_hash``) of the pages fetched under a confirmed URL:
        a page taken on weak evidence that says the same is confirmed too (a list names a
        post by its mobile view ``?m=1``, the side column by its own URL). About one a case
        page: on disk."""
        self._confirmed_titles: set[str] = set()
        """The titles a list names its entries by (its named links' texts, normalised): a
        page taken on weak evidence that reads one of them is confirmed (a list links the
        post's mobile view ``?m=1``, which the parser may not read)."""
        self._series: dict[str, frozenset[str]] = {}
        """Canonical URL -> the canonical URLs of every page of its case, where a list names
        a case page by page (``case_series``: "X (Part 2 of 3)", "X (Part 1, Part 2)"):
        pages that link each other only through the blog's "Newer Post" are one case."""
        self._pager_labels: DiskMap[int] = DiskMap()
        """Canonical URL -> the page number a case pager's link label gave it (one a page of
        a paged case: on disk)."""
        self.figures = FigureResolver()
        self.sources: Mapping[str, str] = {}
        """WARC record id -> where an imported capture came from (``pages.capture_source``)."""
        self.health_checks = True
        """Run the health checks before ``latest`` moves (an import does not: the archive,
        not a live site, decides what existed)."""

    def add_alias(self, url: str, final_url: str) -> None:
        self.assembler.add_alias(url, final_url)

    def handle_page(self, msg: PageMessage) -> Verdict:
        """Parse one response, decide on evidence whether it is a case page, and say what to
        follow, and what to fetch again under a stronger role (``_upgrades``); case pages go
        to assembly."""
        names = self._names(msg)
        if msg.role != "list" and not names.isdisjoint(self._list_links):
            msg = replace(msg, role="list")  # requested under a weaker role before a list link
        self._arrives_again(names)
        verdict = self._handle_page(msg)
        verdict.refetch = self._upgrades(verdict)
        self._list_links.update(canonical_url(url, self.scope.rules) for url in verdict.lists)
        return verdict

    def _upgrades(self, verdict: Verdict) -> list[tuple[str, str]]:
        """(URL, role) of the pages skipped under a weaker role (``ROLE_STRENGTH``) that
        ``verdict`` links with a stronger one: a frame's welcome text links the case list as
        navigation before the menu frame links it as a list; a side column links a post
        before a list links its phone view, which names the post canonical. Each is fetched
        again under the stronger role, its skip forgotten: what a page is never depends on
        which link to it came first. Once per role: a page skipped again waits for a
        stronger one."""
        found: list[tuple[str, str]] = []
        if not self._skipped_as:
            return found
        rules = self.scope.rules
        for urls, role in ((verdict.lists, "list"), (verdict.pager, PAGER),
                           (verdict.candidates, CASE_LINK)):
            for url in urls:
                skipped = self._skipped_as.get(canonical_url(url, rules))
                if skipped is None or ROLE_STRENGTH[skipped[1]] >= ROLE_STRENGTH[role]:
                    continue
                for name in skipped[2]:
                    self._skipped_as.pop(name, None)
                    self._refetching[name] = skipped[0]
                found.append((urldefrag(url)[0], role))
        return found

    def _arrives_again(self, names: set[str]) -> None:
        """A page fetched again (``_upgrades``) has arrived, as a page or as a failure: its
        first skip is forgotten now, not when it was asked for (a crawl stopped before it
        came keeps that skip)."""
        if not self._refetching or names.isdisjoint(self._refetching):
            return
        for url in {self._refetching.pop(n) for n in names if n in self._refetching}:
            self.report.unskip(url)

    def _handle_page(self, msg: PageMessage) -> Verdict:
        ctype = msg.headers.get("content-type", msg.headers.get("Content-Type", "")).lower()
        if not msg.body.strip():
            return self._lost(msg, f"empty response (HTTP {msg.status} with no body)")
        if ctype and not ctype.startswith(HTML_TYPES):
            # The list's query with more parameters answered in another format (its feed,
            # an export): another rendering of the list, not a lost page of it.
            other_format = msg.link_role == "list" and self.scope.extends_list(msg.request_url)
            return self._lost(msg, f"not HTML ({ctype.split(';')[0].strip()})",
                              "nav" if other_format else msg.link_role)
        with self.report.timed("parse"):
            parsed = self.parse(msg.body, msg.url, msg.headers)
        record, digest = parsed.record, parsed.content_digest
        if (record.skip_reason or "").startswith(NOT_TEXT):
            # Bytes that are no text (a gzip stream sent without saying so) are no page of
            # any kind: lost under the link's role, never skipped as "not a case".
            return self._lost(msg, record.skip_reason or NOT_TEXT)
        fold = msg.role == "list" and self._detect_case_folding(msg)
        bases = self._learn_page_bases(parsed.page_bases)  # before URLs are made canonical
        names = self._names(msg)
        self._note_confirmed_content(names, digest)
        if msg.role == "list" or self.scope.adopts_list(  # (a home page: the list behind it)
                [msg.url, msg.request_url, *msg.redirects], record.links):
            return _verdict(self._read_list(msg, record, names), fold_case=fold,
                            page_bases=bases, requisites=self._requisites(record.requisites))
        # A listing before another view of a page: a month's archive showing one post
        # whole says what the post says, but links the title it shows to it.
        titled = self._titles_another_page(msg, record, names)
        if titled is not None:
            verdict = _verdict(self.scope.teaser_roles(record.links), page_bases=bases)
            verdict.skipped = self._skip(
                msg, f"a listing, not a case: its content links the title it shows "
                     f"({record.title}) to another page ({titled})", (names, record)).skipped
            return verdict
        if self._shows_a_taken_page(names, digest, parsed.body_sha256):
            for name in sorted(names):
                self._write(self.assembler.settle(name))
            return _verdict(self.scope.teaser_roles(record.links), page_bases=bases)
        declared = self._declared_canonical(record, canonical_url(msg.url, self.scope.rules))
        if declared is not None and declared not in names and (
                not record.is_case_page or self.assembler.holds(declared)):
            return self._another_url_of(msg, names, declared, record, bases)
        evidence = self._case_evidence(msg, record, names)
        if evidence == PAGER and _is_missing(record):
            reason = record.skip_reason or "no content"
            self.handle_skipped(Skipped(msg.url, f"{reason} (a page of a case)", msg.status,
                                        failed=True, referer=msg.referer, role=msg.link_role))
            return Verdict(skipped=record.skip_reason, page_bases=bases)
        if evidence is None or (evidence != PAGER and not record.is_case_page
                                and not self._opens_a_pager_family(msg, record)):
            verdict = _verdict(self.scope.teaser_roles(record.links), page_bases=bases)
            reason = _not_a_case(evidence, record)
            verdict.skipped = self._skip(msg, reason, (names, record)).skipped
            return verdict
        return self._keep(msg, parsed, names, bases,
                          provisional=evidence == TITLE_MARKER)

    def _keep(self, msg: PageMessage, parsed: ParsedPage, names: set[str],
              bases: frozenset[tuple[str, int]] | None, provisional: bool = False) -> Verdict:
        """Hand a case page to assembly; follow its pager and what else it links. A page
        taken ``provisional``-ly (``TITLE_MARKER``) teaches no case family: it may be a view
        of a case page, and the views of a site's every page share its URL family. A page is
        ``confirmed`` when a list's content or a confirmed page names it (``_confirmed``); one
        taken on weak evidence alone (``NAV_LINK``, ``FAMILY_ONLY``) is not, and what it links
        confirms nothing: its case waits for the end of the crawl (``CaseAssembler.finish``)."""
        self.report.case_pages += 1
        self.report.note_case_page(msg.url, msg.request_url)
        record = parsed.record
        rules = self.scope.rules
        fetched = canonical_url(msg.url, rules)
        url = self._declared_canonical(record, fetched) or fetched
        roles = self.scope.case_roles(msg.url, record.links, url if url != fetched else None,
                                      _printed_number(record))
        if not provisional:  # (a page taken on its title alone may be a listing showing it)
            self.scope.learn_case_family(url)
            series = self._series.get(url) or next(
                (self._series[n] for n in sorted(names) if n in self._series), frozenset())
            roles.pager += sorted(series - names - {url} - set(roles.pager))
            titled = [u for u in self._titled_pages(record, names | {url})
                      if u not in roles.pager]
            roles.pager += titled
            roles.case_links = [u for u in roles.case_links if u not in titled]
            roles.nav = [u for u in roles.nav if u not in titled]
        confirmed = provisional or self._confirm_all or any(
            n in self._confirmed for n in names | {url}) or self.scope.in_list_dir(url)
        self._note_evidence(roles.pager, PAGER)
        self._views.update((canonical_url(v, rules), page) for v, page in roles.views)
        named = set(roles.named) if confirmed else set()
        self._note_evidence([u for u in roles.case_links if u in named], CASE_LINK)
        self._note_evidence([u for u in roles.case_links if u not in named], NAV_LINK)
        if confirmed and not provisional:  # a page taken on its title alone confirms nothing
            self._confirm(roles.named)
        number, stated = _page_number(record, msg, rules, self._labelled_number(names))
        # A page a case list links as a case is its case's first page: its number is said.
        stated = stated or not names.isdisjoint(self.scope.listed)
        labels = self._note_pager_labels(record, set(roles.pager), number)
        page = FetchedPage.build(
            record,
            msg.body,
            url=url,
            request_url=msg.request_url,
            pager_urls=list(roles.pager),
            status=msg.status,
            fetched_at=msg.fetched_at,
            warc_record_id=msg.warc_record_id,
            aliases=sorted(names - {url}),
            page_number=number,
            headers=msg.headers,
            provisional=provisional,
            number_stated=stated,
            pager_labels=labels,
            confirmed=confirmed,
            content_digest=parsed.content_digest,
            body_sha256=parsed.body_sha256,
            sequels=[] if provisional else self._sequels(record, names | {url}),
        )
        verdict = _verdict(roles, page_bases=bases,
                           requisites=self._requisites(record.requisites))
        verdict.aliases = [url] if url != fetched else []
        self._write(self.assembler.add_page(page))
        return verdict

    def _read_list(self, msg: PageMessage, record: PageRecord, names: set[str]) -> LinkRoles:
        """A list page's links by role; what they say of cases is noted (case evidence,
        confirmation, the series a list names page by page)."""
        roles = self.scope.list_roles(msg.url, record.links)
        self._note_evidence(roles.case_links, CASE_LINK)
        self._confirm(roles.named, record.links)
        self._learn_series(record.links, roles)
        self._no_case_page(names, record)
        return roles

    def _shows_a_taken_page(self, names: set[str], digest: str | None, body_sha256: str
                            ) -> bool:
        """The page says what a case page already taken says (the same content digest,
        ``page_content_hash``) in other bytes: a wiki's printable view or permanent link, a
        print template. It is that page under another URL, whatever evidence led here: its
        URLs become the page's aliases, and it is no page or case of its own, nor a URL
        whose family is a case family. Only links into known case families are followed,
        as from any page that is not a case."""
        original = self.assembler.same_content_as(digest, body_sha256)
        if original is None:
            return False
        if original in names:
            return False
        for name in sorted(names):
            self.assembler.add_alias(name, original)
        return True

    def _another_url_of(self, msg: PageMessage, names: set[str], declared: str,
                        record: PageRecord, bases: frozenset[tuple[str, int]] | None
                        ) -> Verdict:
        """The page names another URL its canonical one (``rel=canonical``) that is taken
        already, or it reads as no case (a phone's template of a post, ``?m=1``): it is that
        page under another URL, never a page of its own nor a failed one. Its URLs become
        that page's aliases (when it arrives, if it has not: the crawl follows it), and its
        case evidence (a list's case link to the phone view) becomes that page's."""
        for name in sorted(names):
            self.assembler.add_alias(name, declared)
            self._write(self.assembler.settle(name))
        evidence = self._case_evidence(msg, record, names)
        verdict = _verdict(self.scope.teaser_roles(record.links), page_bases=bases)
        if evidence in (CASE_LINK, PAGER):
            # the page it names has the evidence this URL of it has (a list linking a post's
            # phone view links the post), and is followed as a page of a case
            self._note_evidence([declared], evidence)
            verdict.pager = [declared]
        else:  # a phone view a side column links makes its post no case page
            verdict.nav.append(declared)
        return verdict

    def _opens_a_pager_family(self, msg: PageMessage, record: PageRecord) -> bool:
        """A page linked as a case whose content the parser does not recognise, but which has
        a pager: taken on evidence, since its case is a case when any of its pages reads as
        one (the assembler rejects the family otherwise)."""
        return not _is_missing(record) and bool(self.scope.pager_links(
            msg.url, record.links, _printed_number(record)))

    def _learn_page_bases(self, shown: dict[str, int]) -> frozenset[tuple[str, int]] | None:
        """New pager bases of those a page ``shown`` (``ParsedPage.page_bases``); the
        identity rules everywhere follow them."""
        rules = self.scope.rules
        new = {(name, base) for name, base in shown.items() if rules.page_base(name) is None}
        if not new:
            return None
        rules = replace(rules, page_bases=rules.page_bases | frozenset(new))
        self.scope.rules = rules
        self.assembler.set_rules(rules)
        return rules.page_bases

    def _note_pager_labels(self, record: PageRecord, pager: set[str], number: int | None
                           ) -> dict[str, int]:
        """Remember the page number a pager link's label gives its target ("3", "Page #3"),
        or its place after or before this page ("Next Page", an image button's alt text,
        ``rel="next"``: ``number`` + 1; "Previous": - 1); returns this page's labels
        (canonical URL -> number), which the assembler keeps for the pages it holds."""
        labels: dict[str, int] = {}
        for link in record.links:
            if link.url not in pager:
                continue
            text = link.text.strip()
            label = NUMBERED_PAGER_TEXT.match(text)
            shown = parse_title(text)[1] if label is None else None
            if label:
                target = int(label.group(1))
            elif shown is not None:
                # "X - Page #3" (``_titled_pages``): the page prints its number; a side
                # column naming some posts is no pager that tells the case's pages
                # (``_OpenCase.numbered``), so the assembler is not told
                self._pager_labels.setdefault(canonical_url(link.url, self.scope.rules), shown)
                continue
            elif number is None:
                continue
            elif NEXT_PAGER_TEXT.match(text) or link.rel == "next":
                target = number + 1
            elif (PREV_PAGER_TEXT.match(text) or link.rel == "prev") and number > 1:
                target = number - 1
            else:
                continue
            canon = canonical_url(link.url, self.scope.rules)
            labels.setdefault(canon, target)
            self._pager_labels.setdefault(canon, target)
        return labels

    def _labelled_number(self, names: set[str]) -> int | None:
        return next((self._pager_labels[u] for u in sorted(names) if u in self._pager_labels),
                    None)

    def _note_evidence(self, urls: list[str], evidence: str) -> None:
        for url in urls:
            canon = canonical_url(url, self.scope.rules)
            known = self._evidence.get(canon)
            if known is None or EVIDENCE_RANK[known] < EVIDENCE_RANK[evidence]:
                self._evidence[canon] = evidence

    @property
    def _confirm_all(self) -> bool:
        """``--case-pattern`` says what a case is: every page it matches is one."""
        return self.scope.rules.case_pattern is not None

    def _names(self, msg: PageMessage) -> set[str]:
        """The canonical URLs a response answers to: requested, final, and the redirects."""
        return {canonical_url(u, self.scope.rules) for u in (msg.request_url, msg.url,
                                                              *msg.redirects)}

    def _note_confirmed_content(self, names: set[str], digest: str | None) -> None:
        if digest and any(n in self._confirmed for n in names):
            self._confirmed_digests.add(digest)

    def _confirm(self, urls: list[str], entries: list[Link] | None = None) -> None:
        """``urls`` are named: confirmed; ``entries``, a list's links, name its entries by
        their titles too (those of the named links)."""
        self._confirmed.update(canonical_url(u, self.scope.rules) for u in urls)
        named = set(urls)
        for link in entries or ():
            title = parse_title(link.text)[0] if link.url in named else None
            if title and len(title.split()) >= TITLE_WORDS:
                self._confirmed_titles.add(fold_title(title))

    def _titled_pages(self, record: PageRecord, names: set[str]) -> list[str]:
        """Links that name another page of this page's case by the case's title and that
        page's marker ("X (Part 2 of 3)", "X - Page #3" on a page of X that is not that
        page), wherever they stand (a blog's "Previous Posts" names its posts by their
        titles): pages of its case, as a pager's links are."""
        if not record.title:
            return []
        own, number = fold_title(record.title), record.page_number or 1
        rules = self.scope.rules
        out = []
        for link in record.links:
            if not fold_title(link.text).startswith(own) or not self.scope.allows(link.url) \
                    or self.scope.is_list_url(link.url):
                continue  # (the title first: a cheap test on every link of the page)
            title, shown, _total = parse_title(link.text)
            if (title and shown is not None and shown != number and fold_title(title) == own
                    and canonical_url(link.url, rules) not in names and link.url not in out):
                out.append(link.url)
        return out

    def _sequels(self, record: PageRecord, names: set[str]) -> list[str]:
        """The pages its post navigation ("Newer Post", "Older Post") leads to
        (``FetchedPage.sequels``)."""
        rules = self.scope.rules
        return [link.url for link in record.links
                if POST_NAV_TEXT.match(link.text.strip()) and self.scope.allows(link.url)
                and canonical_url(link.url, rules) not in names]

    def _no_case_page(self, names: set[str], record: PageRecord) -> None:
        """The page at ``names`` is no case page: a case whose post navigation led here
        waits instead for the posts this page's post navigation leads to
        (``CaseAssembler.settle``)."""
        post_nav = self._sequels(record, names)
        for name in sorted(names):
            self._write(self.assembler.settle(name, record.title, post_nav))

    def _learn_series(self, links: list[Link], roles: LinkRoles) -> None:
        """Remember the cases a list names page by page (``case_series``), with each page's
        number; a case already open expects its pages the list names now."""
        rules = self.scope.rules
        for pages in case_series(links, set(roles.named) | set(roles.case_links)):
            numbered = {canonical_url(u, rules): n for n, u in pages.items()}
            members = frozenset(numbered).union(*(self._series.get(u, ()) for u in numbered))
            for member in members:
                self._series[member] = members
            for member, number in numbered.items():
                self._pager_labels.setdefault(member, number)
            self.assembler.expect_together(sorted(members))

    def _titles_another_page(self, msg: PageMessage, record: PageRecord, own: set[str]
                             ) -> str | None:
        """A page whose content links the title it shows to another document (not a page
        of its own case, nor another view of it) shows that document's content: a listing
        of whole posts, or of one (a month's page, a topic's, a blog's home page), however
        case-like its text. The title it shows: the page's own title, or any title with the
        page number the page prints ("X - Page #4" on a page that prints page 4), the
        number too when it prints one (a case's pager names its other pages: "X - Page #2"
        on page 1 is another page, not this one). Only a link into a case family counts: a
        side column's "Case of the Month" may name the case by its title and link the list.
        The URL of that link, or None."""
        number = _printed_number(record)
        own_title = fold_title(record.title) if record.title else None
        rules = self.scope.rules
        key = case_key(msg.url, rules)
        for link in record.links:
            if link.nav or not self.scope.allows(link.url):
                continue
            title, shown, _total = parse_title(link.text)
            if title is None or shown != number or (
                    shown is None and fold_title(title) != own_title):
                continue
            if canonical_url(link.url, rules) not in own and case_key(link.url, rules) != key \
                    and self.scope.is_case_family(link.url) \
                    and not self.scope.view_of(msg.url, link.url):
                return link.url
        return None

    def _case_evidence(self, msg: PageMessage, record: PageRecord, names: set[str]
                       ) -> str | None:
        """Why this page may be a page of a case (see ``discovery``); None for none."""
        if msg.role == PAGER or any(self.assembler.is_expected(u) for u in names):
            return PAGER
        known = [self._evidence[u] for u in names if u in self._evidence]
        if PAGER in known:
            return PAGER
        if CASE_LINK in known or (msg.role == CASE_LINK and not known):
            return CASE_LINK
        if known:
            return NAV_LINK
        if any(self.scope.is_case_family(u) for u in (msg.url, msg.request_url)) and not (
                self._is_a_view(msg, names)):
            return FAMILY_ONLY
        if record.page_total is not None or (record.page_number or 1) > 1:
            return TITLE_MARKER
        return None

    def _is_a_view(self, msg: PageMessage, names: set[str]) -> bool:
        """Is the page a print or "All Pages" view that its own page links, or one a case
        page linked beside that page (``LinkRoles.views``), whichever page linked it
        first? Then its URL family is no evidence of a case of its own."""
        return bool(msg.referer and self.scope.view_of(msg.referer, msg.request_url)) or any(
            self.scope.view_of(self._views[n], msg.request_url) for n in names if n in self._views)

    def _declared_canonical(self, record: PageRecord, fetched: str) -> str | None:
        """The page's ``rel=canonical`` URL when it names this page: on the site, not a list
        page, and not another page of the same case (a pager whose every page declares page 1
        as canonical is a common template error, not evidence)."""
        link = record.canonical_link
        if not link or not self.scope.allows(link) or self.scope.is_list_url(link):
            return None
        declared = canonical_url(link, self.scope.rules)
        if declared == fetched:
            return None
        if case_key(declared, self.scope.rules) == case_key(fetched, self.scope.rules):
            record.warnings.append(f"rel=canonical names another page of the case: {link}")
            return None
        return declared

    def _requisites(self, urls: list[str]) -> list[str]:
        """The same-site requisites to fetch (none with ``--no-requisites``)."""
        if not self.options.requisites:
            return []
        wanted = [u for u in urls if same_site(u, self.scope.host)]
        self.figures.want(wanted)
        return wanted

    def add_requisite(self, requisite: Requisite) -> None:
        """A requisite was fetched (or failed): write the cases that waited on it."""
        self._write(self.figures.add(requisite), resolved=True)

    def _detect_case_folding(self, msg: PageMessage) -> bool:
        """On the start page, with ``ignore_url_case`` left to auto, ask the Server header."""
        if self.options.ignore_url_case is not None or self.scope.rules.ignore_case:
            return False
        server = msg.headers.get("server", msg.headers.get("Server", ""))
        if not CASE_INSENSITIVE_SERVERS.search(server):
            return False
        self.scope = Scope(self.options.start_url, self.options.url_rules(True),
                           self.options.list_regex)
        self.assembler.set_rules(self.scope.rules)
        return True

    def _skip(self, msg: PageMessage, reason: str, parsed: tuple[set[str], PageRecord]
              ) -> Verdict:
        """A page that is no case page. A case whose post navigation led here (a news post
        between two parts of a case) waits instead for the post after this one: the pages
        this one's post navigation leads to (``FetchedPage.sequels``); ``parsed``: the
        page's canonical URLs and record. A page skipped under a role weaker than a list's
        is remembered, to be fetched again if a stronger link comes (``_upgrades``)."""
        self._no_case_page(*parsed)
        self.handle_skipped(Skipped(msg.url, reason, msg.status))
        if ROLE_STRENGTH.get(msg.role, ROLE_STRENGTH["list"]) < ROLE_STRENGTH["list"]:
            names = frozenset(parsed[0])
            self._skipped_as.update(dict.fromkeys(names, (msg.url, msg.role, names)))
        return Verdict(skipped=reason)

    def _lost(self, msg: PageMessage, reason: str, role: str | None = None) -> Verdict:
        """A response that could not be read as a page at all: lost, as a failed fetch is
        (``role``: what its loss means, the link's role unless said)."""
        self.handle_skipped(Skipped(msg.request_url, reason, msg.status, failed=True,
                                    referer=msg.referer, role=role or msg.link_role))
        return Verdict(skipped=reason)

    def handle_skipped(self, item: Skipped) -> None:
        """A URL that yields no case page; an expected page of a case counts as failed."""
        self._arrives_again({canonical_url(item.url, self.scope.rules)})
        expected = self.assembler.is_expected(item.url)
        self.report.add_skipped(item, case_page=expected)
        if expected:
            self._write(self.assembler.add_failure(item.url, item.reason, item.status))
        self._write(self.assembler.settle(item.url))

    def _write(self, released: list[Released], resolved: bool = False) -> None:
        """Export released cases; ``resolved``: their figures are filled already. Page
        families the assembler rejected (no page reads as a case) are reported as skipped."""
        for url, verdict in self.assembler.rejected:
            self.report.case_pages -= 1
            self.report.add_skipped(Skipped(url, f"{verdict or 'not case-like content'} (no "
                                            "page of its pager family reads as a case)"))
        self.assembler.rejected.clear()
        ready = released if resolved else self.figures.release(released)
        with self.report.timed("export"):
            for entry in ready:
                write_released(self.writer, entry, self.report, self.sources)
                self.report.add_case_warnings(entry.case)

    def close(
        self,
        scrapy_stats: dict[str, Any],
        seconds: dict[str, float] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> Closed:
        """Release every open case and finish the snapshot (none when no case was found).

        ``seconds``: work done for the snapshot elsewhere (the crawl's WARC), for the stats.
        """
        closing = self.prepare_close(scrapy_stats, seconds, extra)
        return closing if isinstance(closing, Closed) else closing.run()

    def prepare_close(
        self,
        scrapy_stats: dict[str, Any],
        seconds: dict[str, float] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> Closed | FinishJob:
        """``close`` up to the writing of the snapshot's files: every open case released
        and the stats made. What is left to do is the returned ``FinishJob`` (which the
        crawl's worker runs in a fresh interpreter), or nothing (a ``Closed`` without a
        snapshot: no case was found)."""
        try:
            self._write(self.assembler.finish(
                self._confirmed.mapped(partial(canonical_url, rules=self.scope.rules)),
                self._confirmed_digests, self._confirmed_titles))
            for url in self.assembler.unconfirmed:
                self.report.case_pages -= 1
                self.report.add_skipped(Skipped(url, "not a case: linked only from site "
                                                "navigation (a side column, a menu), never by "
                                                "a list's content or a case's pager"))
            self._write(self.figures.flush(), resolved=True)
            self.report.late_pages = list(self.assembler.late_pages)
            for url, original in self.assembler.duplicates:
                self.report.add_skipped(Skipped(url, f"another URL of {original} (same body, "
                                                "same content or a redirect), found after its "
                                                "case was written or taken provisionally; kept "
                                                "as its alias"))
            self.report.case_pages -= self.assembler.merged_pages
            self.writer.add_late_aliases(self.assembler.duplicates,
                                         partial(canonical_url, rules=self.scope.rules))
            self.report.seconds.update(seconds or {})
            stats = self.report.to_stats(scrapy_stats)
            stats["limits"] = self.options.limits()
            stats.update(extra or {})
            if self.report.cases_complete + self.report.cases_incomplete == 0:
                log.error("no case pages found; no snapshot written")
                self.writer.abort()
                return Closed(None, stats)
            partial_reason = scrapy_stats.get(BUDGET_STAT)
            return FinishJob(
                self.writer, stats,
                complete=not self.report.failures and self.report.cases_incomplete == 0,
                partial=str(partial_reason) if partial_reason else None,
                payload_snapshots=tuple(scrapy_stats.get(PAYLOAD_SNAPSHOTS_STAT, ())),
                health=self._health_check(stats) if self.health_checks else None)
        except BaseException:
            self.abort()
            raise

    def _health_check(self, stats: dict[str, Any]) -> Callable[[Path], dict[str, Any]]:
        """The health checks of the snapshot being finished, against ``OUT/latest`` (a
        ``partial``: it crosses to the interpreter that writes the snapshot)."""
        thresholds = HealthThresholds(**self.options.health_thresholds())
        latest = self.options.out_dir / LATEST
        previous = latest.resolve() if latest.is_dir() else None
        return partial(check_health, previous=previous, crawl_stats=stats,
                       thresholds=thresholds)

    def suspend(self) -> None:
        """Stop, keeping the temporary snapshot for ``crawl --resume``."""
        self.writer.suspend()

    def abort(self) -> None:
        """Drop the snapshot being written."""
        self.writer.abort()
