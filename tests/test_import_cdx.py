"""``casearchive import --cdx --replay`` against a real pywb ``wayback`` server on
127.0.0.1, whose collection holds the wget WARCs of the fixture site (v1 and v2): the same
snapshots as importing the WARCs themselves; an interrupted or repeated import reads its
cache instead of the server; a CDX server answering 429 is waited for (Retry-After); a CDX
server that is down is one line and exit 1."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from casearchive.crawler.cli import main
from tests.conftest import serve_handler
from tests.test_import import (  # noqa: F401 - mirrors is a fixture
    LIST,
    checksums,
    mirrors,
    response_record,
    snapshots_of,
)

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def wayback(tmp_path_factory, mirrors) -> Iterator[str]:  # noqa: F811 - the fixture above
    """pywb's ``wayback`` on 127.0.0.1 over a collection ``site`` of the two wget WARCs;
    yields its base URL."""
    bindir = Path(sys.executable).parent
    manager, server = (shutil.which(n, path=str(bindir)) for n in ("wb-manager", "wayback"))
    if manager is None or server is None:
        pytest.skip("pywb is not installed (it is in the test extras)")
    work = tmp_path_factory.mktemp("pywb")
    site, v1, v2 = mirrors
    redirect = work / "redirect.warc.gz"  # the old list URL, a 302 to the list page
    redirect.write_bytes(response_record(
        site.replace(LIST, "/casestudies/"), "302 Found", [("Location", site)], b"",
        "2024-01-10T11:59:00Z"))
    subprocess.run([manager, "init", "site"], cwd=work, check=True, capture_output=True)
    subprocess.run([manager, "add", "site", str(v1), str(v2), str(redirect)], cwd=work,
                   check=True, capture_output=True)
    port = free_port()
    process = subprocess.Popen([server, "-p", str(port), "-b", "127.0.0.1"], cwd=work,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/site/cdx?url=example.org", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_cdx_import_equals_warc_import(tmp_path: Path, mirrors, wayback: str,  # noqa: F811
                                       capsys) -> None:
    site, v1, v2 = mirrors
    by_warc, by_cdx = tmp_path / "warc", tmp_path / "cdx"
    assert main(["import", "--warc", str(v1), "--warc", str(v2), "--site", site,
                 "--out", str(by_warc)]) == 0
    assert main(["import", "--cdx", f"{wayback}/site/cdx", "--replay", f"{wayback}/site",
                 "--delay", "0", "--site", site, "--out", str(by_cdx)]) == 0
    warc_snapshots, cdx_snapshots = snapshots_of(by_warc), snapshots_of(by_cdx)
    assert [p.name for p in warc_snapshots] == [p.name for p in cdx_snapshots]
    for ours, theirs in zip(warc_snapshots, cdx_snapshots, strict=True):
        assert checksums(ours) == checksums(theirs)
        assert main(["verify", str(theirs)]) == 0
    manifest = json.loads((cdx_snapshots[0] / "manifest.json").read_text())
    assert manifest["source"] == "import"
    capsys.readouterr()
    assert main(["diff", "previous", "latest", "--snapshots", str(by_cdx),
                 "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert len(report["added"]) == 2 and len(report["removed"]) == 1


def test_cdx_import_resumes_from_its_cache(tmp_path: Path, mirrors,  # noqa: F811
                                           wayback: str) -> None:
    """What one run fetched, the next reads from ``OUT/.import-cache``: a proxy in front of
    pywb counts the requests that reach it."""
    site, _v1, _v2 = mirrors
    proxy, seen = _serve_proxy(wayback, fail_first=0)
    try:
        base = f"http://127.0.0.1:{proxy.server_address[1]}"
        args = ["import", "--cdx", f"{base}/site/cdx", "--replay", f"{base}/site", "--delay",
                "0", "--site", site, "--out", str(tmp_path)]
        assert main([*args, "--at", "20240131"]) == 0
        first = len(seen)
        assert first > 10
        assert main([*args, "--at", "20240201"]) == 0  # same captures, another moment
        assert len(seen) == first
        assert all("casearchive/" in agent for _path, agent, _when in seen)
    finally:
        proxy.shutdown()


def test_cdx_429_then_200_honours_retry_after(tmp_path: Path, mirrors,  # noqa: F811
                                              wayback: str) -> None:
    site, _v1, _v2 = mirrors
    proxy, seen = _serve_proxy(wayback, fail_first=1)
    try:
        base = f"http://127.0.0.1:{proxy.server_address[1]}"
        assert main(["import", "--cdx", f"{base}/site/cdx", "--replay", f"{base}/site",
                     "--delay", "0", "--site", site, "--out", str(tmp_path),
                     "--at", "20240131"]) == 0
    finally:
        proxy.shutdown()
    cdx = [when for path, _agent, when in seen if "/cdx" in path]
    assert len(cdx) == 2 and cdx[1] - cdx[0] >= 1.0  # Retry-After: 1
    assert len(snapshots_of(tmp_path)) == 1


def test_internet_archive_style_cdx_pages_with_a_resumption_key(
        tmp_path: Path, mirrors, wayback: str) -> None:  # noqa: F811 - the fixture above
    """The Internet Archive's JSON arrays, 25 lines a page with ``resumeKey``: every page is
    read, and the snapshots equal those of the WARCs themselves."""
    site, v1, v2 = mirrors
    assert main(["import", "--warc", str(v1), "--warc", str(v2), "--site", site,
                 "--out", str(tmp_path / "warc")]) == 0
    proxy, seen = _serve_proxy(wayback, fail_first=0, ia_page=25)
    try:
        base = f"http://127.0.0.1:{proxy.server_address[1]}"
        assert main(["import", "--cdx", f"{base}/site/cdx", "--replay", f"{base}/site",
                     "--delay", "0", "--site", site, "--out", str(tmp_path / "cdx")]) == 0
    finally:
        proxy.shutdown()
    pages = [path for path, _agent, _when in seen if "/cdx" in path]
    assert len(pages) >= 3 and all("resumeKey" in path for path in pages[1:])
    ours, theirs = snapshots_of(tmp_path / "warc"), snapshots_of(tmp_path / "cdx")
    assert [p.name for p in ours] == [p.name for p in theirs]
    for one, other in zip(ours, theirs, strict=True):
        assert checksums(one) == checksums(other)


def test_cdx_redirect_capture_is_followed(tmp_path: Path, mirrors,  # noqa: F811
                                          wayback: str) -> None:
    """The replay serves a 302 capture with its Location rewritten into the replay; it is
    read back as the archived URL and followed within the archive."""
    site, v1, _v2 = mirrors
    old_list = site.replace(LIST, "/casestudies/")
    assert main(["import", "--warc", str(v1), "--site", site, "--out",
                 str(tmp_path / "warc"), "--at", "202401"]) == 0
    assert main(["import", "--cdx", f"{wayback}/site/cdx", "--replay", f"{wayback}/site",
                 "--delay", "0", "--site", old_list, "--out", str(tmp_path / "cdx"),
                 "--at", "202401"]) == 0
    (ours,), (theirs,) = snapshots_of(tmp_path / "warc"), snapshots_of(tmp_path / "cdx")
    assert checksums(ours) == checksums(theirs)


def test_cdx_server_down_is_one_line_and_exit_1(tmp_path: Path, capsys) -> None:
    port = free_port()
    assert main(["import", "--cdx", f"http://127.0.0.1:{port}/site/cdx", "--replay",
                 f"http://127.0.0.1:{port}/site", "--site", "http://example.org/cases/",
                 "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cannot reach" in err[0] and "Traceback" not in err[0]


#: The Internet Archive's CDX fields, in its order.
IA_FIELDS = ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]


def _ia_page(upstream: str, path: str, size: int) -> bytes:
    """pywb's CDX answer for ``path`` as the Internet Archive pages it: a JSON array with a
    header row, ``size`` rows a page, then ``[]`` and the resumption key if more follow."""
    parts = urlsplit(path)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    start = int(query.pop("resumeKey", "0"))
    for key in ("limit", "showResumeKey"):
        query.pop(key, None)
    answer = urllib.request.urlopen(f"{upstream}{parts.path}?{urlencode(query)}", timeout=30)
    rows = [json.loads(line) for line in answer.read().splitlines() if line.strip()]
    table = [[r["urlkey"], r["timestamp"], r["url"], r["mime"], r["status"], r["digest"],
              r["length"]] for r in rows]
    page: list[list[str]] = [IA_FIELDS, *table[start:start + size]]
    if start + size < len(table):
        page += [[], [str(start + size)]]
    return json.dumps(page).encode()


def _serve_proxy(upstream: str, fail_first: int, ia_page: int = 0
                 ) -> tuple[ThreadingHTTPServer, list[tuple[str, str, float]]]:
    """A loopback proxy to pywb that answers its first ``fail_first`` CDX requests 429
    (``Retry-After: 1``), with ``ia_page`` answers CDX requests as the Internet Archive
    does (``_ia_page``), and logs (path, User-Agent, time) of every request."""
    seen: list[tuple[str, str, float]] = []
    failures = [fail_first]

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append((self.path, self.headers.get("User-Agent", ""), time.monotonic()))
            if "/cdx" in self.path and failures[0] > 0:
                failures[0] -= 1
                self.send_response(429)
                self.send_header("Retry-After", "1")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            try:
                if "/cdx" in self.path and ia_page:
                    status, headers = 200, [("Content-Type", "application/json")]
                    body = _ia_page(upstream, self.path, ia_page)
                else:
                    answer = urllib.request.urlopen(upstream + self.path, timeout=30)
                    status, headers, body = answer.status, answer.headers.items(), answer.read()
            except urllib.error.HTTPError as exc:
                status, headers, body = exc.code, exc.headers.items(), exc.read()
            self.send_response(status)
            for name, value in headers:
                if name.lower() not in ("transfer-encoding", "content-length", "connection"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return serve_handler(Handler), seen
