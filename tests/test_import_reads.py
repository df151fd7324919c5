"""``import`` reads each requisite's record once: the pages of a site ask for the same style
sheets and images, and what a capture gave is remembered (``REQUISITES_KEPT``) and
answered under the URL each page asked for (here also under a second spelling of each)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from casearchive.crawler import importer
from casearchive.crawler.captures import ArchiveCapture
from casearchive.crawler.cli import main
from casearchive.crawler.messages import Requisite


def test_each_requisite_is_read_once_and_answered_under_the_url_asked(
        tmp_path: Path, fixture_crawl, monkeypatch) -> None:
    crawled, base, _result = fixture_crawl
    reads: Counter[str] = Counter()
    asked: list[tuple[str, str]] = []
    read = importer.MomentCaptures._read_requisite
    requisite = importer.MomentCaptures.requisite

    def counted_read(self: importer.MomentCaptures, capture: ArchiveCapture) -> Requisite:
        reads[capture.origin] += 1
        return read(self, capture)

    def recorded(self: importer.MomentCaptures, url: str) -> Requisite:
        got = requisite(self, url)
        spelled = url.replace("http://", "HTTP://", 1)  # the same capture, another spelling
        asked.extend([(url, got.url), (spelled, requisite(self, spelled).url)])
        return got

    monkeypatch.setattr(importer.MomentCaptures, "_read_requisite", counted_read)
    monkeypatch.setattr(importer.MomentCaptures, "requisite", recorded)
    assert main(["import", "--warc", str(crawled / "latest" / "pages.warc.gz"),
                 "--site", f"{base}/casestudies/index.asp", "--out", str(tmp_path / "s"),
                 "--workers", "1"]) == 0
    assert reads and max(reads.values()) == 1
    assert len(asked) > sum(reads.values())  # pages share requisites
    assert all(url == answered for url, answered in asked)
