"""Incremental crawling: conditional requests from the previous snapshot, WARC revisit
records that point at the payload's capture, readers and packages that follow them."""

from __future__ import annotations

import gzip
import json
import mimetypes
import os
import shutil
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from warcio.archiveiterator import ArchiveIterator

from bench.site import SiteSpec, generate
from casearchive.crawler.middlewares import PREVIOUS, _revisited
from casearchive.crawler.warc import (
    IDENTICAL,
    NOT_MODIFIED,
    PAYLOADS_NAME,
    REFERS_TO_SNAPSHOT,
    WARC_NAME,
    Exchange,
    WarcWriter,
    carry_payloads,
    check_revisits,
    checked_records,
    iter_responses,
    previous_captures,
    read_body,
)
from tests.conftest import run_cli

HTML = [("Content-Type", "text/html; charset=utf-8"), ("ETag", '"v1"'),
        ("Last-Modified", "Mon, 01 Jan 2024 00:00:00 GMT")]
BODY = b"<html><body><h1>Case</h1><p>History: a cough.</p></body></html>"
#: A WARC revisit record costs about 0.5 KB however small the page: two record ids and
#: two digests that do not compress. On the bench site's ~20 KB pages (~5.4 KB per page in
#: the first crawl's WARC) the second crawl's WARC is ~10.3 % of the first: the issue's
#: 10 % target is missed by that floor (see README); this bound catches any regression from
#: it (a request record per revisit, or full records, take it past 20 %).
WARC_RATIO_BOUND = 0.12


def _write(snapshot: Path, *exchanges: Exchange) -> Path:
    snapshot.mkdir(parents=True)
    log = WarcWriter(snapshot / WARC_NAME, "test")
    for exchange in exchanges:
        log.write_exchange(exchange)
    log.close()
    return snapshot / WARC_NAME


def _records(warc: Path) -> list:
    with open(warc, "rb") as fh:
        return [(r.rec_type, dict(r.rec_headers.headers), r.content_stream().read())
                for r in ArchiveIterator(fh)]


def test_a_revisit_points_at_its_capture_and_readers_follow_it(tmp_path):
    url = "http://site.test/case.asp?id=1"
    first = _write(tmp_path / "A", Exchange(url, "GET", [], 200, HTML, BODY))
    capture = previous_captures(tmp_path / "A")[url]
    assert (capture.etag, capture.last_modified, capture.snapshot_id) == (
        '"v1"', "Mon, 01 Jan 2024 00:00:00 GMT", "A")
    second = _write(tmp_path / "B",
                    Exchange(url, "GET", [], 304, HTML[1:], b"", revisit_of=capture),
                    Exchange(url + "&p=2", "GET", [], 200, HTML, BODY, revisit_of=capture))
    (kind, headers, _), (kind2, headers2, _) = _records(second)[1:]  # no request records
    assert (kind, kind2) == ("revisit", "revisit")
    assert headers["WARC-Profile"] == NOT_MODIFIED and headers2["WARC-Profile"] == IDENTICAL
    assert headers["WARC-Refers-To"] == capture.record_id
    assert headers["WARC-Refers-To-Target-URI"] == url
    assert headers["WARC-Refers-To-Date"] == capture.date
    assert headers[REFERS_TO_SNAPSHOT] == "A"
    followed = list(iter_responses(second))
    assert [(r.status, r.source) for r in followed] == [(200, first.resolve())] * 2
    with open(second, "rb") as fh:
        assert read_body(fh, followed[0], 1 << 20) == BODY
    # a chain of unchanged crawls points at the one full record
    assert previous_captures(tmp_path / "B")[url].record_id == capture.record_id
    assert check_revisits(second) == []
    assert carry_payloads(second, tmp_path / "B" / PAYLOADS_NAME) == 1
    os.rename(tmp_path / "A", tmp_path / "gone")
    assert followed[0].record_id != capture.record_id
    assert check_revisits(second) == []  # the carried copy stands in for the snapshot
    (tmp_path / "B" / PAYLOADS_NAME).unlink()
    assert any("not in" in p for p in check_revisits(second))
    os.rename(tmp_path / "gone", tmp_path / "A")
    damaged = gzip.decompress(first.read_bytes()).replace(b"a cough", b"a fever")
    first.write_bytes(gzip.compress(damaged))
    assert any("damaged" in p for p in check_revisits(second))



def test_an_unchanged_missing_page_is_a_revisit_and_a_moved_one_is_not(tmp_path):
    """A 404 or 410 answered again with the same body is a revisit of the earlier capture
    (a broken image answers 404 every night); a redirect never is (its body says nothing of
    where it points), and a capture is only repeated by an answer with its own status."""
    gone, moved = "http://site.test/img/banner.jpg", "http://site.test/old.asp"
    plain = [("Content-Type", "text/html")]
    _write(tmp_path / "A", Exchange(gone, "GET", [], 404, plain, b"Not Found"),
           Exchange(moved, "GET", [], 301, [*plain, ("Location", "/new.asp")], b""))
    captures = previous_captures(tmp_path / "A")
    assert set(captures) == {gone} and captures[gone].status == 404
    again = Request(gone, meta={PREVIOUS: captures[gone]})
    assert _revisited(again, HtmlResponse(gone, status=404, body=b"Not Found")) is not None
    assert _revisited(again, HtmlResponse(gone, status=200, body=b"Not Found")) is None
    assert _revisited(again, HtmlResponse(gone, status=404, body=b"Gone away")) is None
    second = _write(tmp_path / "B", Exchange(gone, "GET", [], 404, plain, b"Not Found",
                                             revisit_of=captures[gone]))
    assert [kind for kind, _, _ in _records(second)[1:]] == ["revisit"]
    assert [r.status for r in iter_responses(second)] == [404]
    assert previous_captures(tmp_path / "B")[gone].status == 404

def _routes(root: Path) -> None:
    """A ``routes.json`` serving every file of a generated bench site as it is."""
    routes = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            rel = path.relative_to(root).as_posix()
            ctype = mimetypes.guess_type(rel)[0] or "application/octet-stream"
            routes["/" + rel] = {"file": rel, "content_type": ctype}
    (root / "routes.json").write_text(json.dumps(routes))


def _crawl(base: str, start: str, out: Path, *extra: str) -> tuple[dict, Path]:
    result = run_cli("crawl", base + start, "--out", str(out), "--no-polite", "--json", *extra,
                     timeout=120)
    summary = json.loads(result.stdout)
    assert summary["exit_code"] == 0, result.stderr
    return summary["stats"], Path(summary["snapshot"])


def _types(warc: Path) -> dict[str, str]:
    """WARC-Target-URI -> record type of its response or revisit record."""
    return {h["WARC-Target-URI"]: kind for kind, h, _ in _records(warc)
            if kind in ("response", "revisit")}


def _stored(warc: Path, urls: set[str]) -> int:
    """Bytes of ``warc`` (gzip members as stored) holding the records of ``urls``."""
    with open(warc, "rb") as fh:
        records = [(offset, r.rec_headers.get_header("WARC-Target-URI"))
                   for r, offset in checked_records(fh)]
    ends = [offset for offset, _ in records[1:]] + [warc.stat().st_size]
    return sum(end - offset for (offset, url), end in zip(records, ends, strict=True)
               if url in urls)


def _checksums(snapshot: Path) -> list[str]:
    return sorted(pq.read_table(snapshot / "cases.parquet").column("content_sha256").to_pylist())


@pytest.mark.slow
def test_second_crawl_of_an_unchanged_site_revalidates_and_stores_revisits(
        tmp_path, serve_site):
    site = generate(SiteSpec(cases=6, list_page_size=3), tmp_path / "site")
    _routes(site.root)
    server, base = serve_site(site.root)
    out = tmp_path / "snapshots"
    first_stats, first = _crawl(base, site.start_path, out)
    server.clear()
    stats, second = _crawl(base, site.start_path, out)

    case_pages = set(pq.read_table(first / "pages.parquet").column("url").to_pylist())
    conditional = {base + path for path, _ in server.conditional_log}
    assert case_pages <= conditional, "every case page is revalidated"
    statuses = stats["responses_by_status"]
    assert statuses.get("304", 0) >= 0.95 * sum(statuses.values())
    assert _checksums(second) == _checksums(first)
    assert stats["bytes_received"] <= 0.10 * first_stats["bytes_received"]
    # the case pages' share of each WARC (this small site has as many small navigation pages)
    ratio = _stored(second / WARC_NAME, case_pages) / _stored(first / WARC_NAME, case_pages)
    assert ratio <= WARC_RATIO_BOUND, ratio
    assert (second / WARC_NAME).stat().st_size < 0.25 * (first / WARC_NAME).stat().st_size
    pages = pq.read_table(second / "pages.parquet").to_pylist()
    assert all(p["last_modified"] for p in pages) and all(p["etag"] for p in pages)
    manifest = json.loads((second / "manifest.json").read_text())
    assert manifest["payload_snapshots"] == [first.name]

    assert run_cli("verify", str(second)).returncode == 0
    reparsed = run_cli("reparse", str(second), "--out", str(tmp_path / "reparsed"))
    assert reparsed.returncode == 0, reparsed.stderr
    assert _checksums(Path(reparsed.stdout.strip())) == _checksums(first)

    # a bag and a WACZ of the second snapshot stand alone: warcio reads every payload
    assert run_cli("bag", str(second), "--out", str(tmp_path / "bags")).returncode == 0
    bag_data = tmp_path / "bags" / second.name / "data"
    carried = {h["WARC-Record-ID"] for k, h, body in _records(bag_data / PAYLOADS_NAME)
               if k == "response" and body}
    refers = {h["WARC-Refers-To"] for k, h, _ in _records(bag_data / WARC_NAME)
              if k == "revisit" and REFERS_TO_SNAPSHOT in h}
    assert refers and refers <= carried
    assert run_cli("wacz", str(second), "--out", str(tmp_path / "wacz")).returncode == 0
    with zipfile.ZipFile(tmp_path / "wacz" / f"{second.name}.wacz") as package:
        assert f"archive/{PAYLOADS_NAME}" in package.namelist()
        index = gzip.decompress(package.read("indexes/index.cdx.gz")).decode()
    assert PAYLOADS_NAME in index

    # prune keeps the snapshot the kept one refers to
    pruned = run_cli("prune", "--keep", "1", "--snapshots", str(out))
    assert pruned.returncode == 0, pruned.stderr
    assert first.is_dir()

    # a changed page gets a full record; --full writes full records only
    changed = next(site.root.glob("cases/*/index.htm"))
    changed.write_bytes(changed.read_bytes().replace(b"</body>", b"<p>Updated.</p></body>"))
    _, third = _crawl(base, site.start_path, out)
    url = base + "/" + changed.relative_to(site.root).as_posix()
    kinds = _types(third / WARC_NAME)
    assert kinds[url] == "response"
    assert sum(k == "revisit" for k in kinds.values()) >= 0.9 * len(kinds) - 1
    server.clear()
    _, full = _crawl(base, site.start_path, out, "--full")
    assert not server.conditional_log
    assert set(_types(full / WARC_NAME).values()) == {"response"}
    shutil.rmtree(out)
