"""Shared fixtures: the fixture legacy site served over real HTTP on 127.0.0.1."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = ROOT.parent / "shared"


def _load_server_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("legacy_server", FIXTURES / "legacy_server.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def legacy_server_module() -> ModuleType:
    return _load_server_module()


def _serving(legacy_server_module):
    """A function starting a loopback server for a site directory, each stopped when the
    generator ends."""
    servers = []

    def start(root: Path):
        server, base_url = legacy_server_module.serve(root)
        servers.append(server)
        return server, base_url

    try:
        yield start
    finally:
        for server in servers:
            server.shutdown()


@pytest.fixture
def serve_site(legacy_server_module):
    """Start a loopback server for a site directory; stopped after the test."""
    yield from _serving(legacy_server_module)


@pytest.fixture(scope="module")
def serve_site_module(legacy_server_module):
    """``serve_site`` for a crawl shared by a module's tests; stopped after the module."""
    yield from _serving(legacy_server_module)


def run_cli(
    *args: str, cwd: Path | None = None, timeout: float = 240, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run ``casearchive`` in a fresh interpreter (a crawl owns its process: Twisted's reactor
    cannot restart); ``env`` replaces the environment."""
    return subprocess.run(
        [sys.executable, "-m", "casearchive.crawler.cli", *args],
        cwd=cwd or ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def crawl_built_site(tmp: Path, serve, build: Callable[[Path], dict], start: str
                     ) -> tuple[dict, subprocess.CompletedProcess, Path]:
    """Write a fixture site with ``build`` (which returns its truth) into ``tmp/site``, serve
    it with ``serve`` and crawl it from ``start`` (a path) into ``tmp/out``: (truth, the
    crawl's process, the snapshots directory)."""
    site = tmp / "site"
    site.mkdir()
    truth = build(site)
    _server, base = serve(site)
    out = tmp / "out"
    result = run_cli("crawl", base + start, "--out", str(out), "--no-polite", "--json")
    return truth, result, out


#: The ``--operator`` of the shared fixture crawl (it must reach the WARC's warcinfo).
OPERATOR = "Fixture Archive Team <archive@example.org>"


@pytest.fixture(scope="session")
def fixture_site(legacy_server_module) -> Iterator[tuple[object, str]]:
    """The fixture site served for the whole session: (server, base URL). Tests that count
    requests start their own server with ``serve_site``."""
    server, base_url = legacy_server_module.serve(FIXTURES / "site")
    yield server, base_url
    server.shutdown()


@pytest.fixture(scope="session")
def fixture_crawl(tmp_path_factory, fixture_site) -> tuple[Path, str, object]:
    """One crawl of the fixture site shared by the tests that only read its snapshot (or
    need one good snapshot to start from: copy it)."""
    out = tmp_path_factory.mktemp("snapshots")
    _server, base_url = fixture_site
    result = run_cli("crawl", f"{base_url}/casestudies/index.asp", "--out", str(out),
                     "--no-polite", "--json", "--operator", OPERATOR)
    return out, base_url, result


def serve_handler(handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    """A threaded loopback server of ``handler`` on a free port, serving in the background
    (stop it with ``shutdown()`` and ``server_close()``)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                     daemon=True).start()
    return server
