"""``reparse``: rebuild every export of a snapshot from its WARC alone, with no network.

The crawl is replayed: starting from the snapshot's start URL, each URL is looked up in
the WARC (its last response counts, so a 503 followed by a successful retry yields the
retry; redirects are followed and become aliases), handed to the same ``PagePipeline`` a live
crawl uses, and the links it says to follow are looked up in turn. URLs the crawl could not
fetch, or skipped, are replayed from the old manifest. With an unchanged parser the new
snapshot's content is identical to the old one's.
"""

from __future__ import annotations

import shutil
import time
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urldefrag, urljoin

from casearchive.exports.load import load_snapshot

from .messages import PageMessage, Requisite
from .options import CrawlOptions
from .parse_pool import PrefetchedParser
from .pipeline import HTML_TYPES, PagePipeline
from .requisites import archived_requisites
from .settings import DOWNLOAD_MAXSIZE
from .skipped import Skipped
from .urls import canonical_url
from .warc import (
    PAYLOADS_NAME,
    WARC_ERRORS,
    WARC_NAME,
    ArchivedResponse,
    carry_payloads,
    iter_responses,
    read_body,
    warc_error_text,
)


class ReplayError(RuntimeError):
    """The snapshot cannot be re-parsed (no WARC, or no case page in it)."""




def _index(warc: Path) -> dict[str, ArchivedResponse]:
    """The last response per canonical URL (headers and offsets; bodies stay on disk)."""
    return {canonical_url(r.url): r for r in iter_responses(warc)}


def _size_limit(stats: dict[str, Any]) -> int:
    """The crawl's size limit in bytes (recorded under ``limits``; the default before)."""
    return int(stats.get("limits", {}).get("max_size_mib", DOWNLOAD_MAXSIZE >> 20)) << 20


def reparse_snapshot(snapshot: Path, out_dir: Path, workers: int = 1,
                     progress: Callable[[int, int, float], None] | None = None) -> Path:
    """Re-extract ``snapshot`` into a new snapshot under ``out_dir``; return its path.

    With ``workers`` > 1 the pages are parsed ahead on that many processes
    (``parse_pool``); the snapshot is the same byte for byte. ``progress`` is told the pages
    parsed, how many of them the pool parsed ahead, and the seconds taken, once at the end."""
    old = load_snapshot(snapshot)
    warc = old.path / WARC_NAME
    if not warc.is_file():
        raise ReplayError(f"{old.path}: no {WARC_NAME} to re-parse")
    old_stats = old.manifest.get("crawl_stats", {})
    unfetched = {
        canonical_url(entry["url"]): Skipped(entry["url"], entry["reason"])
        for entry in old_stats.get("skipped", [])
    }
    for key, default_role in (("failures", None), ("navigation_warnings", "link")):
        unfetched.update(
            (canonical_url(entry["url"]), Skipped(entry["url"], entry["reason"],
                                                  entry["status"], failed=True,
                                                  referer=entry["referer"],
                                                  role=entry.get("role", default_role)))
            for entry in old_stats.get(key, [])
        )
    failed = {url for url, skipped in unfetched.items() if skipped.failed}
    try:
        responses = _index(warc)
    except WARC_ERRORS as exc:
        raise ReplayError(f"{warc}: not a readable WARC ({warc_error_text(exc)})") from None
    options = CrawlOptions(start_url=old.manifest["start_url"], out_dir=Path(out_dir))
    limit = _size_limit(old_stats)
    parser = _parser(warc, responses, failed, limit, workers)
    pipeline = PagePipeline(options, parser)
    started = time.perf_counter()
    try:
        shutil.copyfile(warc, pipeline.writer.tmp_path / WARC_NAME)
        # the payloads its revisits refer to travel with it: --out may be anywhere
        carry_payloads(warc, pipeline.writer.tmp_path / PAYLOADS_NAME)
        with open(warc, "rb") as warc_file:
            _replay(pipeline, responses, unfetched, failed, warc_file, limit)
        closed = pipeline.close({}, extra={"reparsed_from": old.id,
                                          "limits": old_stats.get("limits", {})})
    except WARC_ERRORS as exc:
        pipeline.abort()
        raise ReplayError(f"{warc}: not a readable WARC ({warc_error_text(exc)})") from None
    except BaseException:
        pipeline.abort()
        raise
    finally:
        parser.close()
    if progress is not None:
        progress(parser.pages, parser.ahead, time.perf_counter() - started)
    if closed.snapshot is None:
        raise ReplayError(f"{warc}: holds no case page to re-parse")
    return closed.snapshot


def _parser(warc: Path, responses: dict[str, ArchivedResponse], failed: set[str],
            limit: int, workers: int) -> PrefetchedParser:
    """A pool parsing the WARC's HTML pages ahead, in WARC order (in place for one worker)."""
    pages = sorted((r for key, r in responses.items()
                    if r.status == 200 and key not in failed and _is_html(r.headers)),
                   key=lambda r: r.offset)
    return PrefetchedParser(warc, pages, limit, workers)


def _is_html(headers: dict[str, str]) -> bool:
    ctype = headers.get("content-type", headers.get("Content-Type", "")).lower()
    return not ctype or ctype.startswith(HTML_TYPES)


def _replay(
    pipeline: PagePipeline,
    responses: dict[str, ArchivedResponse],
    unfetched: dict[str, Skipped],
    failed: set[str],
    warc_file: BinaryIO,
    limit: int,
) -> None:
    """Replay the crawl. Responses the crawl rejected (listed as failed in its manifest) are
    not read again; no body is decoded beyond the crawl's size limit."""
    start = pipeline.scope.start_url
    requisites = archived_requisites(Path(warc_file.name), canonical_url)
    queue: deque[tuple[str, str]] = deque([(start, "list")])
    seen = {canonical_url(start)}

    def canon(url: str) -> str:
        return canonical_url(url, pipeline.scope.rules)

    def follow(urls: list[str], role: str) -> None:
        for url in urls:
            url = urldefrag(url)[0]
            if canon(url) not in seen:
                seen.add(canon(url))
                queue.append((url, role))

    while queue:
        url, role = queue.popleft()
        request_url = url
        response = responses.get(canon(url))
        for _ in range(10):  # follow recorded redirects
            if response is None or not 300 <= response.status < 400:
                break
            target = urljoin(response.url, response.headers.get("location", ""))
            pipeline.add_alias(request_url, target)
            seen.add(canon(target))
            response = responses.get(canon(target))
        if response is None or canon(url) in failed:
            skipped = unfetched.get(canon(url))
            if skipped is not None:
                pipeline.handle_skipped(skipped)
            continue
        if response.status != 200:
            pipeline.handle_skipped(Skipped(url, f"HTTP {response.status}", response.status,
                                           failed=True))
            continue
        body = read_body(warc_file, response, limit)
        if body is None:
            pipeline.handle_skipped(Skipped(url, f"larger than the size limit ({limit >> 20} MiB)"
                                           " once decompressed", response.status, failed=True))
            continue
        verdict = pipeline.handle_page(
            PageMessage(role=role, link_role=role, url=response.url, request_url=request_url,
                        status=response.status, headers=response.headers, body=body,
                        fetched_at=response.date, warc_record_id=response.record_id,
                        redirects=[request_url] if request_url != response.url else [])
        )
        if verdict.fold_case or verdict.page_bases:  # new identity rules: re-key what is known
            responses = {canon(r.url): r for r in responses.values()}
            unfetched = {canon(s.url): s for s in unfetched.values()}
            seen = {canon(u) for u in seen}
        seen.update(canon(u) for u in verdict.aliases)
        for urls, link_role in ((verdict.lists, "list"), (verdict.pager, "pager"),
                                (verdict.candidates, "case link"), (verdict.nav, "nav")):
            follow(urls, link_role)
        for wanted in verdict.requisites:  # what the spider would have fetched, from the WARC
            got = requisites.get(canonical_url(urldefrag(wanted)[0]))
            pipeline.add_requisite(replace(got, url=wanted) if got else
                                  Requisite(wanted, error="not in the WARC"))
