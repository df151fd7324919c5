"""Bad lines in a CDX server's answer (a timestamp that is no time, no URL): each is passed
over and the lot reported in one line (how many, the first), as other input problems are;
the good lines are indexed. A loopback server answers as the Internet Archive does (a JSON
table with a header row)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from casearchive.crawler.cdx import CdxSource, PoliteClient
from casearchive.crawler.cli import main
from tests.conftest import serve_handler

FIELDS = ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]
SITE = "http://cases.example.test/casestudies/index.asp"
GOOD = ["x", "20240110120000", SITE, "text/html", "200", "D", "10"]
BAD_TIME = ["x", "notatime", SITE, "text/html", "200", "D", "10"]
NO_URL = ["x", "20240110120000", "", "text/html", "200", "D", "10"]


@pytest.fixture
def cdx_server() -> Iterator[tuple[str, list[list[list[str]]]]]:
    """(CDX URL, the rows it answers: set them in the list)."""
    answer: list[list[list[str]]] = [[]]

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps([FIELDS, *answer[0]]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = serve_handler(Handler)
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/cdx", answer
    finally:
        server.shutdown()
        server.server_close()


def test_bad_lines_are_passed_over_and_reported(cdx_server, tmp_path: Path) -> None:
    url, answer = cdx_server
    answer[0] = [GOOD, BAD_TIME, NO_URL]
    source = CdxSource(url, "http://127.0.0.1:1/web", SITE, tmp_path, PoliteClient(0))
    index = source.index(None, None)
    assert [c.date for c in index.all()] == ["2024-01-10T12:00:00Z"]
    (problem,) = index.problems
    assert "2 CDX line(s)" in problem and "notatime" in problem


def test_an_answer_of_bad_lines_only_is_one_line_and_exit_1(cdx_server, tmp_path: Path,
                                                            capsys) -> None:
    url, answer = cdx_server
    answer[0] = [BAD_TIME]
    code = main(["import", "--cdx", url, "--replay", "http://127.0.0.1:1/web", "--site", SITE,
                 "--out", str(tmp_path / "snapshots"), "--delay", "0"])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    lines = err.strip().splitlines()
    assert "1 CDX line(s) with no URL or no valid timestamp passed over" in lines[0]
    assert "no capture in the given archives" in lines[-1]
