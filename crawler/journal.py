"""The journals of ``crawl --resume``: the WARCs an interrupted crawl wrote, kept in its
temporary snapshot as ``resume-N.warc.gz`` and indexed by URL (``casearchive.crawler.resume``
replays
them). Files and records only: no Scrapy, so both of the crawl's processes can use it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from .warc import WARC_ERRORS, WARC_NAME, ArchivedResponse, iter_responses

log = logging.getLogger(__name__)

JOURNAL_GLOB = "resume-*.warc.gz"
#: Statuses a crawl retries: not final answers, so never replayed.
RETRIED = frozenset({429}) | frozenset(range(500, 600))
#: Headers that describe the wire encoding of the journal's record, not the decoded body
#: the replay hands on.
WIRE_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})


def retire_warc(tmp_path: Path) -> None:
    """Rename an adopted snapshot's ``pages.warc.gz`` to the next ``resume-N.warc.gz``."""
    warc = tmp_path / WARC_NAME
    if warc.exists():
        n = len(list(tmp_path.glob(JOURNAL_GLOB))) + 1
        warc.rename(tmp_path / f"resume-{n}.warc.gz")


def drop_journals(tmp_path: Path) -> None:
    """Remove the journals (before the worker checksums the snapshot's files)."""
    for journal in tmp_path.glob(JOURNAL_GLOB):
        journal.unlink(missing_ok=True)


@dataclass(frozen=True, slots=True)
class Entry:
    journal: Path
    response: ArchivedResponse


def index_journals(tmp_path: Path) -> dict[str, Entry]:
    """URL -> its last final response in the journals (later journals win). A journal that
    breaks off (the kill cut its last record) is read up to the break."""
    index: dict[str, Entry] = {}
    for journal in sorted(tmp_path.glob(JOURNAL_GLOB), key=lambda p: int(p.name[7:-8])):
        try:
            for response in iter_responses(journal):
                if response.status not in RETRIED:
                    index[response.url] = Entry(journal, response)
        except WARC_ERRORS as exc:
            log.info("journal %s ends in a damaged record (%s); read up to it", journal.name,
                     type(exc).__name__)
    return index
