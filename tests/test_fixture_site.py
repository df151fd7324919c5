"""The fixture legacy site and its loopback server: headers and bytes per markup era, route
matching, failure behaviours, the request log, and a deterministic generator."""

from __future__ import annotations

import http.client
import importlib.util
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
from typing import ClassVar
from urllib.parse import urlsplit

import pytest

from tests.conftest import SHARED

FIXTURES = Path(__file__).parent / "fixtures"
SITE = FIXTURES / "site"
BUILD = FIXTURES / "site_src" / "build.py"
SEED_PAGE = SHARED / "seed" / "case-page-sciatica-page4.txt"


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


legacy_server = _load("legacy_server", FIXTURES / "legacy_server.py")


def fetch(base_url: str, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """One request on a fresh connection, redirects not followed."""
    parts = urlsplit(base_url)
    assert parts.hostname, base_url
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request(method, path)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def site() -> Iterator[tuple[object, str]]:
    server, base_url = legacy_server.serve(SITE)
    yield server, base_url
    server.shutdown()


@pytest.fixture
def flaky_site(tmp_path: Path) -> Iterator[tuple[object, str]]:
    """A tiny root whose routes carry every failure behaviour."""
    (tmp_path / "page.html").write_bytes(b"<html><body>" + b"x" * 1000 + b"</body></html>")
    page = {"file": "page.html", "content_type": "text/html; charset=utf-8", "status": 200}
    routes = {
        "/ok.asp?a=1&b=2": page,
        "/flaky.asp": {**page, "flaky_once": True},
        "/slow.asp": {**page, "slow_first": 0.5},
        "/reset.asp": {**page, "reset": True},
        "/reset-once.asp": {**page, "reset_once": True},
        "/truncate.asp": {**page, "truncate": True},
    }
    (tmp_path / "routes.json").write_text(json.dumps(routes), encoding="utf-8")
    server, base_url = legacy_server.serve(tmp_path)
    yield server, base_url
    server.shutdown()


ROUTES = json.loads((SITE / "routes.json").read_text(encoding="utf-8"))
FILE_ROUTES = sorted(path for path, route in ROUTES.items() if "file" in route)


@pytest.mark.parametrize("path", FILE_ROUTES)
def test_every_route_serves_its_file_and_content_type(site, path: str) -> None:
    _, base_url = site
    status, headers, body = fetch(base_url, path)
    assert status == 200
    assert headers["Content-Type"] == ROUTES[path]["content_type"]
    assert body == (SITE / ROUTES[path]["file"]).read_bytes()


def test_era1_charset_only_in_meta_and_bytes_are_windows_1252(site) -> None:
    _, base_url = site
    _, headers, body = fetch(base_url, "/casestudies/case.asp?cid=2")
    assert headers["Content-Type"] == "text/html"
    assert b'CONTENT="text/html; charset=windows-1252"' in body
    assert b"\x93heaviness\x94" in body  # curly quotes as cp1252 bytes
    assert b"\xa9 The American Medical Society" in body
    assert "“heaviness”" in body.decode("cp1252")


def test_era2_utf8_in_meta_and_header(site) -> None:
    _, base_url = site
    _, headers, body = fetch(base_url, "/casestudies/case.asp?cid=1")
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert b'content="text/html; charset=utf-8"' in body
    assert "“give way”".encode() in body


@pytest.mark.parametrize(
    ("path", "charset", "raw"),
    [
        ("/casestudies/case.asp?cid=3&page=2", "utf-8", "Author’s Comments".encode()),
        (
            "/casestudies/case.asp?cid=12",
            "iso-8859-1",
            b"90&#8211;100",
        ),  # en dash: latin-1 lacks it
        ("/casestudies/case.asp?cid=6", "iso-8859-1", "0.62".encode("latin-1")),
    ],
)
def test_era3_charset_only_in_header(site, path: str, charset: str, raw: bytes) -> None:
    _, base_url = site
    _, headers, body = fetch(base_url, path)
    assert headers["Content-Type"] == f"text/html; charset={charset}"
    assert b"charset" not in body.lower()
    assert b"<strong>" in body and b"&nbsp;&nbsp;" in body
    body.decode(charset)  # strict


def test_latin1_page_carries_raw_latin1_bytes(site) -> None:
    _, base_url = site
    _, _, body = fetch(base_url, "/casestudies/case.asp?cid=12")
    assert b"15\xb0 of extension" in body  # degree sign, one latin-1 byte
    assert b"\xa9 The American" in body


def test_query_order_does_not_matter(site) -> None:
    _, base_url = site
    _, _, forward = fetch(base_url, "/casestudies/case.asp?cid=6&page=2")
    status, _, backward = fetch(base_url, "/casestudies/case.asp?page=2&cid=6")
    assert status == 200 and forward == backward


@pytest.mark.parametrize(
    "path", ["/nope.asp", "/casestudies/case.asp?cid=99", "/casestudies/case.asp?cid=1&page=1"]
)
def test_unknown_paths_are_404_html(site, path: str) -> None:
    _, base_url = site
    status, headers, body = fetch(base_url, path)
    assert status == 404
    assert headers["Content-Type"].startswith("text/html")
    assert b"404" in body


def test_root_redirects_and_head_has_no_body(site) -> None:
    _, base_url = site
    status, headers, _ = fetch(base_url, "/")
    assert status == 301 and headers["Location"] == "/index.asp"
    status, headers, body = fetch(base_url, "/robots.txt", method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 0


def test_request_log_records_method_and_path(site) -> None:
    server, base_url = site
    server.clear()
    fetch(base_url, "/casestudies/index.asp?pg=2")
    fetch(base_url, "/casestudies/case.asp?page=3&cid=1", method="HEAD")
    fetch(base_url, "/missing.asp")
    assert server.request_log == [
        ("GET", "/casestudies/index.asp?pg=2"),
        ("HEAD", "/casestudies/case.asp?page=3&cid=1"),
        ("GET", "/missing.asp"),
    ]
    assert server.hits("/casestudies/case.asp?cid=1&page=3") == 1


def test_flaky_once(flaky_site) -> None:
    _, base_url = flaky_site
    assert fetch(base_url, "/flaky.asp")[0] == 503
    assert fetch(base_url, "/flaky.asp")[0] == 200


def test_slow_first(flaky_site) -> None:
    _, base_url = flaky_site
    started = time.monotonic()
    assert fetch(base_url, "/slow.asp")[0] == 200
    first = time.monotonic() - started
    started = time.monotonic()
    assert fetch(base_url, "/slow.asp")[0] == 200
    assert first >= 0.5 > time.monotonic() - started


def test_reset_every_time_and_once(flaky_site) -> None:
    _, base_url = flaky_site
    for _ in range(2):
        with pytest.raises(ConnectionError):
            fetch(base_url, "/reset.asp")
    with pytest.raises(ConnectionError):
        fetch(base_url, "/reset-once.asp")
    assert fetch(base_url, "/reset-once.asp")[0] == 200


def test_truncate_declares_more_than_it_sends(flaky_site) -> None:
    _, base_url = flaky_site
    with pytest.raises(http.client.IncompleteRead):
        fetch(base_url, "/truncate.asp")


def test_behaviours_are_counted_per_route_and_clear_rearms(flaky_site) -> None:
    server, base_url = flaky_site
    assert fetch(base_url, "/ok.asp?b=2&a=1")[0] == 200
    assert fetch(base_url, "/flaky.asp")[0] == 503
    server.clear()
    assert fetch(base_url, "/flaky.asp")[0] == 503
    assert server.request_log == [("GET", "/flaky.asp")]


def test_keep_alive_serves_several_requests_on_one_connection(site) -> None:
    _, base_url = site
    parts = urlsplit(base_url)
    assert parts.hostname, base_url
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        for path in ("/index.asp", "/casestudies/index.asp", "/nope.asp"):
            conn.request("GET", path)
            conn.getresponse().read()
    finally:
        conn.close()


def test_shutdown_does_not_wait_for_idle_keep_alive_connections() -> None:
    server, base_url = legacy_server.serve(SITE)
    parts = urlsplit(base_url)
    assert parts.hostname, base_url
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.request("GET", "/robots.txt")
    conn.getresponse().read()
    started = time.monotonic()
    server.shutdown()
    assert time.monotonic() - started < 2
    conn.close()


def test_cli_prints_base_url_and_stops_on_sigterm(tmp_path: Path) -> None:
    port_file = tmp_path / "port"
    proc = subprocess.Popen(
        [sys.executable, str(FIXTURES / "legacy_server.py"), "--root", str(SITE),
         "--port-file", str(port_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base_url = proc.stdout.readline().strip()
        assert base_url == f"http://127.0.0.1:{port_file.read_text().strip()}"
        assert fetch(base_url, "/robots.txt")[2].startswith(b"User-agent: *")
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=10)
    assert proc.returncode == 0 and stderr == ""


def test_generator_is_deterministic(tmp_path: Path) -> None:
    out = tmp_path / "site"
    subprocess.run([sys.executable, str(BUILD), "--out", str(out)], check=True, capture_output=True)
    built = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    committed = {
        p.relative_to(SITE).as_posix(): p.read_bytes() for p in SITE.rglob("*") if p.is_file()
    }
    assert sorted(built) == sorted(committed)
    assert [name for name in built if built[name] != committed[name]] == []


class _Text(HTMLParser):
    """Visible text lines, roughly as a browser shows them."""

    BREAKS: ClassVar[set[str]] = {"br", "p", "h1", "h2", "h3", "li", "div", "ul", "ol", "tr",
                                  "table"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.skip += tag in ("script", "style")
        if tag in self.BREAKS:
            self.chunks.append("\n")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("script", "style")
        if tag in self.BREAKS:
            self.chunks.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.chunks.append(data)

    def lines(self) -> list[str]:
        text = "".join(self.chunks)
        return [" ".join(line.split()) for line in text.splitlines() if line.split()]


@pytest.mark.skipif(not SEED_PAGE.exists(), reason="seed page not available")
def test_sciatica_page_4_reproduces_the_seed_text() -> None:
    parser = _Text()
    parser.feed((SITE / "casestudies/case-01-page-4.html").read_text(encoding="utf-8"))
    page = parser.lines()
    seed = [" ".join(line.split()) for line in SEED_PAGE.read_text().splitlines() if line.split()]
    start = max(i for i, line in enumerate(page) if line == seed[0])  # the heading, not <title>
    content = seed[: seed.index("Return To The Case Studies List.")]
    assert page[start : start + len(content)] == content
    rest = iter(page[start + len(content) :])
    assert all(line in rest for line in seed[len(content) :])  # the footer, in order


def test_expected_cases_match_the_routes() -> None:
    cases = json.loads((SITE / "expected_cases.json").read_text(encoding="utf-8"))
    assert len(cases) >= 13
    assert [c["url"] for c in cases] == sorted(c["url"] for c in cases)
    for case in cases:
        assert [p["page_number"] for p in case["pages"]] == list(range(1, case["page_count"] + 1))
        for page in case["pages"]:
            route = ROUTES[page["url"]]
            title = case["title"] if case["page_count"] == 1 else f"{case['title']} - Page #"
            charset = route["content_type"].partition("charset=")[2] or "cp1252"
            html = (SITE / route["file"]).read_bytes().decode(charset)
            assert f"<title>{title}".replace("&", "&amp;").lower() in html.lower()
