"""Static loopback servers for the bench site: nginx if it runs, else Twisted's static server.

``serve(root, work)`` is a context manager yielding a ``Server``; the server runs in a
subprocess and is stopped on exit. ``ceiling(url)`` measures the server's own requests/s on
one page with ``wrk`` (installed with apt-get when missing and running as root).

``python -m bench.servers ROOT PORT`` runs the Twisted fallback (used as that subprocess).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

NGINX = "/usr/sbin/nginx"
MIME_TYPES = Path("/etc/nginx/mime.types")
NGINX_CONF = """\
user root;
daemon off;
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    {types}
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path {work}/client_body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        index index.html index.htm;
    }}
}}
"""


@dataclass(frozen=True, slots=True)
class Server:
    name: str
    """``nginx x.y.z`` or ``twisted x.y.z``."""
    base_url: str
    """``http://127.0.0.1:PORT``, no trailing slash."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_listening(process: subprocess.Popen, port: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _nginx_version() -> str:
    out = subprocess.run([NGINX, "-v"], capture_output=True, text=True).stderr
    match = re.search(r"nginx/(\S+)", out)
    return f"nginx {match.group(1) if match else '?'}"


def _start_nginx(root: Path, work: Path) -> tuple[subprocess.Popen, Server] | None:
    if not os.access(NGINX, os.X_OK):
        return None
    root, work = root.resolve(), work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    port = free_port()
    types = f"include {MIME_TYPES};" if MIME_TYPES.is_file() else "types { text/html html htm; }"
    conf = work / "nginx.conf"
    conf.write_text(NGINX_CONF.format(work=work, port=port, root=root, types=types))
    process = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(work)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not _wait_listening(process, port):
        _stop(process)
        return None
    return process, Server(_nginx_version(), f"http://127.0.0.1:{port}")


def _start_twisted(root: Path) -> tuple[subprocess.Popen, Server]:
    import twisted

    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "bench.servers", str(root), str(port)],
                               cwd=Path(__file__).resolve().parent.parent)
    if not _wait_listening(process, port):
        _stop(process)
        raise RuntimeError("neither nginx nor the Twisted static server would start")
    return process, Server(f"twisted {twisted.__version__}", f"http://127.0.0.1:{port}")


@contextmanager
def serve(root: Path, work: Path) -> Iterator[Server]:
    """Serve ``root`` on a free loopback port for the ``with`` block."""
    started = _start_nginx(root, work) or _start_twisted(root)
    process, server = started
    try:
        yield server
    finally:
        _stop(process)


def ceiling(url: str, seconds: int = 3) -> dict:
    """Requests/s ``wrk`` gets from the server on ``url`` (2 threads, 16 connections)."""
    wrk = shutil.which("wrk")
    if wrk is None and os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "wrk"], capture_output=True)
        wrk = shutil.which("wrk")
    if wrk is None:
        return {"requests_per_s": None, "note": "wrk not available; ceiling not measured"}
    out = subprocess.run([wrk, "-t2", "-c16", f"-d{seconds}s", url],
                         capture_output=True, text=True).stdout
    match = re.search(r"Requests/sec:\s*([\d.]+)", out)
    transfer = re.search(r"Transfer/sec:\s*(\S+)", out)
    return {
        "requests_per_s": round(float(match.group(1))) if match else None,
        "transfer_per_s": transfer.group(1) if transfer else None,
        "tool": "wrk -t2 -c16",
        "url_path": url.split("/", 3)[-1],
    }


def _twisted_main(root: str, port: int) -> None:
    from twisted.internet import reactor
    from twisted.web import server, static

    resource = static.File(root)
    resource.contentTypes[".htm"] = "text/html"
    reactor.listenTCP(port, server.Site(resource), interface="127.0.0.1")
    reactor.run()


if __name__ == "__main__":
    _twisted_main(sys.argv[1], int(sys.argv[2]))
