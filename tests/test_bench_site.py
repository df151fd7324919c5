"""The bench site generator: deterministic, every link resolves, and the crawl finds it all."""

from __future__ import annotations

import functools
import hashlib
import json
import re
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from bench.site import Site, SiteSpec, generate
from tests.conftest import run_cli

SPEC = SiteSpec(cases=5, list_page_size=2)  # one case in each markup style, three list pages
LINK = re.compile(rb"""(?:href|src)\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)


def _digests(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and p.name != ".stamp"}


def test_generation_is_deterministic(tmp_path):
    first = generate(SPEC, tmp_path / "a")
    second = generate(SPEC, tmp_path / "b")
    assert _digests(first.root) == _digests(second.root)
    assert (first.cases, first.case_pages, first.list_pages) == (5, 20, 3)
    assert 18_000 < first.mean_page_bytes < 26_000


def test_every_link_resolves_to_a_file(tmp_path):
    site = generate(SPEC, tmp_path / "site")
    for path in site.root.rglob("*.htm*"):
        page_url = "http://bench/" + path.relative_to(site.root).as_posix()
        for raw in LINK.findall(path.read_bytes()):
            url = urljoin(page_url, raw.decode("ascii", "replace"))
            parts = urlsplit(url)
            if parts.scheme != "http" or parts.netloc != "bench":
                continue  # mailto: and off-site links
            assert (site.root / parts.path.lstrip("/")).is_file() or parts.path.endswith(
                (".jpg", ".gif")), f"{path.name}: {raw!r} resolves to nothing"


def _serve(root: Path) -> tuple[ThreadingHTTPServer, str]:
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.mark.slow
def test_crawl_finds_every_case_and_page(tmp_path):
    site: Site = generate(SPEC, tmp_path / "site")
    server, base = _serve(site.root)
    try:
        result = run_cli("crawl", base + site.start_path, "--out", str(tmp_path / "out"),
                         "--no-polite", "--json", timeout=60)
    finally:
        server.shutdown()
    summary = json.loads(result.stdout)
    stats = summary["stats"]
    assert summary["exit_code"] == 0, result.stderr
    assert stats["cases_complete"] == site.cases
    assert stats["case_pages"] == site.case_pages
    assert stats["cases_incomplete"] == 0 and not stats["late_pages"]
