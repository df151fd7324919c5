"""The raw archive of a crawl: every HTTP request and response as WARC/1.1 records.

Responses are recorded exactly as the downloader delivered them (before redirects, retries
and decompression are handled), so the archive holds 3xx and 5xx answers too. Reading back
(``iter_responses``) yields what ``casearchive reparse`` needs to rebuild a snapshot offline.
"""

from __future__ import annotations

import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

WARC_NAME = "pages.warc.gz"

#: zlib level of each record's gzip member. warcio compresses at 9; on these HTML pages 1 costs
#: about half the CPU (~0.25 vs ~0.46 ms a 20 KB page, the crawl's largest cost after parsing)
#: for members ~10 % larger.
GZIP_LEVEL = 1


class _GzipMemberWriter(WARCWriter):
    """warcio's writer with one gzip member per record (as warcio writes them) at our level."""

    def _write_warc_record(self, out: BinaryIO, record: ArcWarcRecord) -> None:
        plain = BytesIO()
        super()._write_warc_record(plain, record)
        member = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        out.write(member.compress(plain.getbuffer()))
        out.write(member.flush())


@dataclass(slots=True)
class Exchange:
    """One HTTP request/response pair as the downloader saw it."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    status: int
    response_headers: list[tuple[str, str]]
    body: bytes
    record_id: str = field(default_factory=lambda: f"<urn:uuid:{uuid.uuid4()}>")
    """WARC-Record-ID of the response record (made when the response arrives)."""
    date: str = field(
        default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    )
    """WARC-Date: when the response arrived, UTC with microseconds."""


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


class WarcLog:
    """Appends request/response pairs to one gzip WARC file."""

    def __init__(self, path: Path, software: str) -> None:
        self.path = path
        self._fh: BinaryIO = open(path, "wb")  # noqa: SIM115 - closed by close()
        self._writer = _GzipMemberWriter(self._fh, gzip=False, warc_version="1.1")
        info = self._writer.create_warcinfo_record(
            path.name, {"software": software, "format": "WARC File Format 1.1"}
        )
        self._writer.write_record(info)
        self.records = 0

    def write_exchange(self, exchange: Exchange) -> None:
        """Write the response record, then its request record (concurrent to it)."""
        response = self._writer.create_warc_record(
            exchange.url,
            "response",
            payload=BytesIO(exchange.body),
            http_headers=StatusAndHeaders(
                _status_line(exchange.status), exchange.response_headers, protocol="HTTP/1.1"
            ),
            warc_headers_dict={"WARC-Record-ID": exchange.record_id, "WARC-Date": exchange.date},
        )
        parts = urlsplit(exchange.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request = self._writer.create_warc_record(
            exchange.url,
            "request",
            payload=BytesIO(b""),
            http_headers=StatusAndHeaders(
                f"{exchange.method} {target} HTTP/1.1",
                exchange.request_headers,
                is_http_request=True,
            ),
            warc_headers_dict={"WARC-Concurrent-To": exchange.record_id,
                               "WARC-Date": exchange.date},
        )
        self._writer.write_record(response)
        self._writer.write_record(request)
        self.records += 2

    def close(self) -> None:
        if not self._fh.closed:
            self._fh.flush()
            self._fh.close()


@dataclass(slots=True)
class ArchivedResponse:
    """One response record read back from a WARC."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    record_id: str
    date: str


def iter_responses(path: Path) -> Iterator[ArchivedResponse]:
    """Every response record of a WARC, body decoded of any transfer/content encoding."""
    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            http = record.http_headers
            yield ArchivedResponse(
                url=record.rec_headers.get_header("WARC-Target-URI"),
                status=int(http.get_statuscode() or 0),
                headers={k.lower(): v for k, v in http.headers},
                body=record.content_stream().read(),
                record_id=record.rec_headers.get_header("WARC-Record-ID"),
                date=record.rec_headers.get_header("WARC-Date"),
            )
