"""What the crawl's two processes tell each other (``casearchive.crawler.worker``), one class a
message.

Down the pipe, the Scrapy process sends ``ToWorker`` messages: ``PageMessage`` (answered
with a ``Verdict``), ``SkipPage``, ``AddAlias``, ``AddRequisite``, ``Close`` (answered with
``Closed``) or ``Abort``. Up the pipe, the worker sends ``FromWorker`` messages: ``Ready``
once, then the answers, or ``Failed``. Each travels as ``(token, message)``; the token pairs
an answer with its question (0: no answer awaited). The worker applies each message to the
page pipeline through one table, ``casearchive.crawler.worker.HANDLERS``.

Kept apart from ``casearchive.crawler.pipeline`` so that Scrapy's process never imports the
parser's or the exports' libraries (pyarrow alone is ~60 MiB of resident memory): only the
worker does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .skipped import Skipped


@dataclass(slots=True)
class PageMessage:
    """A response handed over for parsing.

    ``role`` is the evidence the link that led here carries: "list" (a page of the case list),
    "case link" (linked as a case), "pager" (another page of a case) or "nav" (site
    navigation only); see ``discovery.LinkRoles``."""

    role: str
    url: str
    request_url: str
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: str
    warc_record_id: str | None
    link_role: str | None = None
    """How the page was linked (``Skipped.role``); says what losing it means."""
    referer: str | None = None
    redirects: list[str] = field(default_factory=list)
    """URLs that redirected to ``url``, first requested first."""


@dataclass(slots=True)
class Verdict:
    """What the spider should do next with a parsed page."""

    lists: list[str] = field(default_factory=list)
    """List pages to follow (parsed as lists)."""
    candidates: list[str] = field(default_factory=list)
    """Pages linked as cases (role "case link")."""
    pager: list[str] = field(default_factory=list)
    """Other pages of a case this page belongs to (role "pager")."""
    nav: list[str] = field(default_factory=list)
    """Site navigation (role "nav"): fetched, but a case only on other evidence."""
    aliases: list[str] = field(default_factory=list)
    """Other URLs of this page (its ``rel=canonical``): never to be requested."""
    refetch: list[tuple[str, str]] = field(default_factory=list)
    """(URL, role) of pages skipped under a weaker role that this page links with a stronger
    one (``PagePipeline._upgrades``): requested again, though requested before."""
    skipped: str | None = None
    """Why the page is neither a list nor a case page (not followed further)."""
    fold_case: bool = False
    """The server is case-insensitive: from now on URLs differing in case are one."""
    requisites: list[str] = field(default_factory=list)
    """Same-site images, stylesheets and scripts the page needs to be replayed (fetched
    once per crawl into the WARC, never parsed; empty with ``--no-requisites``)."""
    page_bases: frozenset[tuple[str, int]] | None = None
    """The site's pager bases (``UrlRules.page_bases``) when this page taught a new one."""
    cases_done: int = 0
    """Cases the archive has written so far (for the progress display)."""


@dataclass(frozen=True, slots=True)
class Requisite:
    """What fetching one page requisite gave (``casearchive.crawler.requisites``): None members
    when it
    failed, ``error`` saying why."""

    url: str
    media_type: str | None = None
    sha256: str | None = None
    warc_record_id: str | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class SkipPage:
    """A linked URL that yields no page (a failed fetch, a redirect loop), for the report."""

    item: Skipped


@dataclass(frozen=True, slots=True)
class AddAlias:
    """``url`` redirected to ``final_url``, a page requested elsewhere: one page, two URLs."""

    url: str
    final_url: str


@dataclass(frozen=True, slots=True)
class AddRequisite:
    """What fetching one page requisite gave, for the figures."""

    requisite: Requisite


@dataclass(frozen=True, slots=True)
class Close:
    """The crawl is done: finish the snapshot. ``seconds``: work done for it in the Scrapy
    process (the WARC), for the stats."""

    scrapy_stats: dict[str, Any]
    seconds: dict[str, float]


@dataclass(frozen=True, slots=True)
class Abort:
    """Drop the snapshot being written; the worker ends."""

    keep: bool = False
    """Keep the temporary snapshot for ``crawl --resume`` (an interrupted crawl)."""


@dataclass(slots=True)
class Closed:
    """``Close``'s answer: the snapshot directory (None when none was written) and the stats."""

    snapshot: Path | None
    stats: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Ready:
    """The worker has opened its snapshot: where it writes it, and its id (for the WARC)."""

    tmp_path: Path
    snapshot_id: str


@dataclass(frozen=True, slots=True)
class Failed:
    """The worker could not start, or could not close the snapshot: the crawl stops."""

    reason: str


#: What the Scrapy process sends to the worker.
ToWorker = PageMessage | SkipPage | AddAlias | AddRequisite | Close | Abort
#: What the worker sends back.
FromWorker = Ready | Failed | Verdict | Closed
#: One message on a pipe: the token pairs an answer with its question (0: none awaited).
Envelope = tuple[int, ToWorker] | tuple[int, FromWorker]

#: Scrapy stats key the extension sets when a budget (``--max-pages``, ``--max-cases``) stops
#: the crawl; the archive then keeps what it has as a partial snapshot (``latest`` untouched).
BUDGET_STAT = "casearchive/budget_exceeded"
#: Scrapy stats: ids of the snapshots whose records this crawl's revisits refer to (the
#: manifest's ``payload_snapshots``), and the number of revisit records written.
PAYLOAD_SNAPSHOTS_STAT = "casearchive/payload_snapshots"
REVISITS_STAT = "casearchive/revisits"
