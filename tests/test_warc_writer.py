"""``WarcWriter`` builds and compresses records on its own thread: what the crawl queues is what
the WARC holds, in order, as warcio serialises it, one gzip member a record."""

from __future__ import annotations

import gzip
import zlib
from io import BytesIO
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from casearchive.crawler.warc import Exchange, WarcWriter


def _exchanges(n: int) -> list[Exchange]:
    return [Exchange(url=f"http://h/p{i}.htm", method="GET",
                     request_headers=[("User-Agent", "t"), ("Accept", "text/html")],
                     status=200, response_headers=[("Content-Type", "text/html")],
                     body=f"<p>page {i}</p>".encode() * (1 + i % 50)) for i in range(n)]


def _members(path: Path) -> list[bytes]:
    """The file's gzip members, each decompressed on its own."""
    data, out = path.read_bytes(), []
    while data:
        member = zlib.decompressobj(zlib.MAX_WBITS | 16)
        out.append(member.decompress(data))
        data = member.unused_data
    return out


@pytest.mark.slow
def test_every_queued_exchange_is_written_in_order_as_warcio_serialises_it(tmp_path) -> None:
    exchanges = _exchanges(3 * WarcWriter.QUEUED)  # more than the queue holds: back-pressure
    log = WarcWriter(tmp_path / "pages.warc.gz", "test")
    for exchange in exchanges:
        log.write_exchange(exchange)
    log.close()
    assert log.records == 2 * len(exchanges)
    members = _members(tmp_path / "pages.warc.gz")
    assert len(members) == 1 + 2 * len(exchanges)  # warcinfo, then response + request each
    with open(tmp_path / "pages.warc.gz", "rb") as fh:
        records = list(ArchiveIterator(fh, check_digests="raise"))
    responses = [r for r in records if r.rec_type == "response"]
    assert [r.rec_headers.get_header("WARC-Record-ID") for r in responses] == [
        e.record_id for e in exchanges]
    # Each response member is byte for byte what warcio writes for that record.
    for exchange, member in zip(exchanges, members[1::2], strict=True):
        plain = BytesIO()
        WARCWriter(plain, gzip=False, warc_version="1.1").write_record(
            WARCWriter(BytesIO(), warc_version="1.1").create_warc_record(
                exchange.url, "response", payload=BytesIO(exchange.body),
                http_headers=StatusAndHeaders("200 OK", exchange.response_headers,
                                              protocol="HTTP/1.1"),
                warc_headers_dict={"WARC-Record-ID": exchange.record_id,
                                   "WARC-Date": exchange.date}))
        assert member == plain.getvalue()
    assert gzip.decompress((tmp_path / "pages.warc.gz").read_bytes()) == b"".join(members)
