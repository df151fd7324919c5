"""A loopback HTTP server that injects faults, for the crawler's failure tests (stdlib only).

A site is a dict from a request target (path plus query, exactly as requested) to a
``Route``; anything else gets a 404 page. Route kinds:

- ``page``       ``status`` with ``body`` and ``content_type`` (an empty body is allowed)
- ``redirect``   ``status`` (3xx) with ``Location: location``
- ``reset``      close the connection without answering (TCP RST), every time
- ``truncate``   declare the full Content-Length, send half the body, close
- ``slowloris``  send the headers, then one body byte every ``DRIP_SECONDS`` (at most
  ``DRIP_BYTES`` of them), then close: a client must time out
- ``gzip_bomb``  ``Content-Encoding: gzip`` of ``size`` zero bytes (compressed ~1000:1)
- ``coded_cut``  ``body`` compressed in the content coding ``coding`` (gzip or deflate),
  cut halfway, with a Content-Length that matches what is sent: the transfer is whole,
  the compressed stream is not (a server's compression buffer never flushed)
- ``coded_cut_once`` the same cut at the first request of its target, the whole stream at
  every later one (a buffer that flushed the next time)
- ``big``        a ``size``-byte HTML body, declared in Content-Length and streamed
- ``negotiated`` ``body`` in brotli (``Content-Encoding: br``) when the request's
  ``Accept-Encoding`` offers ``br``, else as it is: what a CDN does

Every request is logged in ``server.log`` as a ``Hit`` (method, target, Host header, time):
the tests read it to assert what was requested, how often, how fast, and that nothing went
to another origin. Requests that are not HTTP at all (a TLS handshake) are logged with the
method ``"BAD"``. Every loop is bounded: the log keeps at most ``MAX_LOG`` hits, a drip
sends at most ``DRIP_BYTES`` bytes, a streamed body at most ``size`` bytes, and the server
stops with ``shutdown()``.
"""

from __future__ import annotations

import gzip
import socket
import struct
import threading
import time
import zlib
from dataclasses import dataclass
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_LOG = 100_000
DRIP_SECONDS = 0.3
DRIP_BYTES = 20
CHUNK = 1 << 20

NOT_FOUND = b"<html><head><title>404 Not Found</title></head><body>Not found</body></html>"


@dataclass(frozen=True, slots=True)
class Route:
    kind: str = "page"
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    location: str = ""
    size: int = 0
    coding: str = "gzip"


@dataclass(frozen=True, slots=True)
class Hit:
    method: str
    target: str
    host: str
    at: float
    """``time.monotonic()`` when the request arrived."""


@lru_cache(maxsize=4)
def compressed(body: bytes, coding: str) -> bytes:
    """``body`` in the content coding ``coding``: gzip (RFC 1952) or deflate (a zlib
    stream, RFC 1950, as HTTP names it)."""
    return gzip.compress(body, mtime=0) if coding == "gzip" else zlib.compress(body)


def gzip_bomb(size: int) -> bytes:
    """A valid gzip member of ``size`` zero bytes (a multiple of 1 MiB, at least 2 MiB),
    ~1 KB per MiB. After a full flush the compressor starts afresh, so every further MiB
    compresses to the same bytes: the block is computed once and repeated, and only the
    trailer's CRC-32 is computed over the whole size."""
    zeros = bytes(CHUNK)
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    head = packer.compress(zeros) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(zeros) + packer.flush(zlib.Z_FULL_FLUSH)
    end = packer.flush()[:-8]  # the final block, without the trailer for two MiB
    crc = 0
    for _ in range(size // CHUNK):
        crc = zlib.crc32(zeros, crc)
    return head + block * (size // CHUNK - 1) + end + struct.pack("<II", crc, size & 0xFFFFFFFF)


class _Handler(BaseHTTPRequestHandler):
    server: FaultServer
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: object) -> None:
        return

    def send_error(self, code: int, message: str | None = None, explain: str | None = None):
        self.server.record("BAD", repr(getattr(self, "raw_requestline", b"")[:200]), "")
        super().send_error(code, message, explain)

    def do_GET(self) -> None:
        self.server.record("GET", self.path, self.headers.get("Host", ""))
        route = self.server.routes.get(self.path)
        if route is None:
            self._answer(404, NOT_FOUND, "text/html")
            return
        try:
            getattr(self, f"_{route.kind}")(route)
        except (BrokenPipeError, ConnectionResetError):
            return  # the client gave up (a size limit, a timeout): nothing more to send

    def _answer(self, status: int, body: bytes, ctype: str, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def _page(self, route: Route) -> None:
        self._answer(route.status, route.body, route.content_type)

    def _redirect(self, route: Route) -> None:
        self._answer(route.status, b"", "text/html", Location=route.location)

    def _reset(self, route: Route) -> None:
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def _truncate(self, route: Route) -> None:
        self.send_response(200)
        self.send_header("Content-Type", route.content_type)
        self.send_header("Content-Length", str(len(route.body)))
        self.end_headers()
        self.wfile.write(route.body[: len(route.body) // 2])
        self.wfile.flush()
        self.close_connection = True

    def _slowloris(self, route: Route) -> None:
        self.send_response(200)
        self.send_header("Content-Type", route.content_type)
        self.send_header("Content-Length", str(DRIP_BYTES * 10))
        self.end_headers()
        self.wfile.flush()
        for _ in range(DRIP_BYTES):
            if self.server.stopping.wait(DRIP_SECONDS):
                return
            self.wfile.write(b" ")
            self.wfile.flush()

    def _gzip_bomb(self, route: Route) -> None:
        self._answer(200, gzip_bomb(route.size), route.content_type, Content_Encoding="gzip")

    def _coded_cut(self, route: Route) -> None:
        stream = compressed(route.body, route.coding)
        self._answer(route.status, stream[: len(stream) // 2], route.content_type,
                     Content_Encoding=route.coding)

    def _coded_cut_once(self, route: Route) -> None:
        if len(self.server.hits(self.path)) > 1:
            self._answer(route.status, compressed(route.body, route.coding), route.content_type,
                         Content_Encoding=route.coding)
        else:
            self._coded_cut(route)

    def _negotiated(self, route: Route) -> None:
        offered = {c.strip() for c in self.headers.get("Accept-Encoding", "").split(",")}
        if "br" not in offered:
            self._page(route)
            return
        import brotli  # type: ignore[import-untyped]  # Brotli or brotlipy: both compress

        self._answer(route.status, brotli.compress(route.body), route.content_type,
                     Content_Encoding="br")

    def _big(self, route: Route) -> None:
        self.send_response(200)
        self.send_header("Content-Type", route.content_type)
        self.send_header("Content-Length", str(route.size))
        self.end_headers()
        block = b"<p>" + b"x" * (CHUNK - 7) + b"</p>"
        for _ in range(route.size // CHUNK):
            if self.server.stopping.is_set():
                return
            self.wfile.write(block)


class FaultServer(ThreadingHTTPServer):
    daemon_threads = True
    #: Listen backlog: the stdlib's 5 would drop connections of a 16-wide crawl (and make
    #: them time out unlogged) while slow routes hold their threads.
    request_queue_size = 128

    def __init__(self, routes: dict[str, Route]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes = routes
        self.log: list[Hit] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def record(self, method: str, target: str, host: str) -> None:
        with self._lock:
            if len(self.log) < MAX_LOG:
                self.log.append(Hit(method, target, host, time.monotonic()))

    def start(self) -> FaultServer:
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.1},
                         daemon=True).start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.shutdown()
        self.server_close()

    def hits(self, target: str) -> list[Hit]:
        return [hit for hit in self.log if hit.target == target]
