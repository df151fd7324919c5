"""The fixture site variants (``site_traps``, ``site_static``, ``site_v2``) and the loopback
server's pattern routes: generator determinism, every route and link resolves, the traps
behave as declared in ``expected_report.json``, and ``site_v2`` differs from ``site`` exactly as
``expected_diff.json`` declares."""

from __future__ import annotations

import http.client
import importlib.util
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
BUILD = FIXTURES / "site_src" / "build.py"
SITE = FIXTURES / "site"
TRAPS = FIXTURES / "site_traps"
STATIC = FIXTURES / "site_static"
V2 = FIXTURES / "site_v2"
VARIANTS = {"site_traps": TRAPS, "site_static": STATIC, "site_v2": V2}
BASE = "http://fixture.test"


def _load_server() -> ModuleType:
    spec = importlib.util.spec_from_file_location("legacy_server", FIXTURES / "legacy_server.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


legacy_server = _load_server()


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def fetch(base_url: str, path: str) -> tuple[int, dict[str, str], bytes]:
    """One GET on a fresh connection, redirects not followed."""
    parts = urlsplit(base_url)
    assert parts.hostname, base_url
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href")
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.hrefs.append((self._href, " ".join("".join(self._text).split())))
            self._href = None


def links(html: str) -> list[tuple[str, str]]:
    """(href, text) of every ``<a href>``."""
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


class _Text(HTMLParser):
    """Visible text lines (scripts, styles and comments dropped, whitespace collapsed)."""

    BREAKS: ClassVar[set[str]] = {"br", "p", "h1", "h2", "h3", "li", "div", "ul", "ol", "tr",
                                  "table", "td"}

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


def text_lines(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    text = "".join(parser.chunks)
    return [" ".join(line.split()) for line in text.splitlines() if line.split()]


def decode(root: Path, route: dict) -> str:
    data = (root / route["file"]).read_bytes()
    charset = route["content_type"].partition("charset=")[2] or "cp1252"
    return data.decode(charset)


def routes_of(root: Path) -> dict[str, dict]:
    return _json(root / "routes.json")


def resolve(routes: dict[str, dict], path: str) -> dict | None:
    """The route a request for ``path`` gets, as the server matches it."""
    table = {legacy_server.route_key(k): v for k, v in routes.items()}
    route = table.get(legacy_server.route_key(path))
    if route is None:
        bare = table.get(urlsplit(path).path)
        route = bare if bare and bare.get("any_query") else None
    return route


def route_of(routes: dict[str, dict], path: str) -> dict:
    """The route of ``path``, which must exist."""
    route = resolve(routes, path)
    assert route is not None, f"no route for {path}"
    return route


@pytest.fixture(scope="module")
def traps() -> Iterator[tuple[object, str]]:
    server, base_url = legacy_server.serve(TRAPS)
    yield server, base_url
    server.shutdown()


@pytest.fixture(scope="module")
def v2() -> Iterator[tuple[object, str]]:
    server, base_url = legacy_server.serve(V2)
    yield server, base_url
    server.shutdown()


# --- generator ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_generator_is_deterministic(tmp_path: Path, name: str) -> None:
    committed_root = VARIANTS[name]
    for run in ("a", "b"):
        out = tmp_path / run
        subprocess.run(
            [sys.executable, str(BUILD), "--site", name, "--out", str(out)],
            check=True,
            capture_output=True,
        )
        built = {
            p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()
        }
        committed = {
            p.relative_to(committed_root).as_posix(): p.read_bytes()
            for p in committed_root.rglob("*")
            if p.is_file()
        }
        assert sorted(built) == sorted(committed)
        assert [n for n in built if built[n] != committed[n]] == []


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_gitattributes_keep_the_bytes(name: str) -> None:
    attributes = (FIXTURES.parent.parent / ".gitattributes").read_text(encoding="utf-8")
    assert f"tests/fixtures/{name}/** -text" in attributes


# --- every route and every link ------------------------------------------------------------


def _plain_routes(root: Path) -> list[str]:
    return sorted(
        path
        for path, route in routes_of(root).items()
        if "file" in route and not ({"reset", "truncate", "slow_first"} & set(route))
    )


@pytest.mark.parametrize(
    ("name", "path"),
    [(name, path) for name, root in sorted(VARIANTS.items()) for path in _plain_routes(root)],
)
@pytest.mark.slow
def test_every_route_serves_its_file(name: str, path: str) -> None:
    root = VARIANTS[name]
    route = routes_of(root)[path]
    server, base_url = legacy_server.serve(root)
    try:
        status, headers, body = fetch(base_url, path)
        if route.get("flaky_once"):
            assert status == 503
            status, headers, body = fetch(base_url, path)
    finally:
        server.shutdown()
    assert status == 200
    assert headers["Content-Type"] == route["content_type"]
    if "template" not in route:
        assert body == (root / route["file"]).read_bytes()


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_redirects_land_on_routes(name: str) -> None:
    routes = routes_of(VARIANTS[name])
    for path, route in routes.items():
        if "redirect" in route:
            assert route["status"] == 301
            assert resolve(routes, route["redirect"]) is not None, path


def _site_links(root: Path) -> dict[str, set[str]]:
    """Every in-site link target (path and query) -> the routes of the pages linking it."""
    out: dict[str, set[str]] = {}
    for path, route in routes_of(root).items():
        if "file" not in route or not route["content_type"].startswith("text/html"):
            continue
        html = decode(root, route)
        if "template" in route:
            html = html.replace("{{n-1}}", "0").replace("{{n+1}}", "2").replace("{{n}}", "1")
        for href, _ in links(html):
            url = urljoin(BASE + path, href)
            if url.startswith(BASE):
                out.setdefault(path_of(url.split("#")[0]), set()).add(path)
    return out


@pytest.mark.parametrize("name", ["site_static", "site_v2"])
def test_every_link_resolves(name: str) -> None:
    root = VARIANTS[name]
    routes = routes_of(root)
    broken = {u: sorted(p) for u, p in _site_links(root).items() if resolve(routes, u) is None}
    assert broken == {}


def test_traps_links_resolve_except_the_declared_failures() -> None:
    report = _json(TRAPS / "expected_report.json")
    routes = routes_of(TRAPS)
    declared_404 = set(report["not_cases"]["missing"]) | {
        u for record in report["incomplete_cases"].values() for u in record["failed_urls"]
        if "HTTP 404" in record["why"]
    }
    broken = {u for u in _site_links(TRAPS) if resolve(routes, u) is None}
    assert broken == declared_404


# --- site_traps -----------------------------------------------------------------------------

REPORT = _json(TRAPS / "expected_report.json")


def test_traps_good_and_bad_cases_partition_the_main_site() -> None:
    good = _json(TRAPS / "expected_cases.json")
    main = {c["url"]: c for c in _json(SITE / "expected_cases.json")}
    assert [c["url"] for c in good] == REPORT["good_cases"] == sorted(REPORT["good_cases"])
    assert set(REPORT["good_cases"]).isdisjoint(REPORT["incomplete_cases"])
    assert set(REPORT["good_cases"]) | set(REPORT["incomplete_cases"]) == set(main)
    for case in good:  # same content as the main site: the traps are around it
        assert case == main[case["url"]]
    for url, record in REPORT["incomplete_cases"].items():
        pages = [p["url"] for p in main[url]["pages"]]
        assert set(record["pages_ok"]) | set(record["failed_urls"]) >= set(pages)
        assert record["announced_pages"] >= len(pages)


def test_traps_case_page_spellings_serve_the_same_bytes() -> None:
    routes = routes_of(TRAPS)
    spelled = 0
    for canonical, forms in REPORT["case_pages"].items():
        assert forms[0] == canonical
        files = {route_of(routes, form)["file"] for form in forms}
        assert len(files) == 1, canonical
        spelled += len(forms) > 1
    assert spelled >= 3


def test_traps_list_links_every_trap(traps) -> None:
    list_links: dict[str, str] = {}
    for path, route in routes_of(TRAPS).items():
        if path.startswith("/casestudies/index.asp"):
            list_links.update(links(decode(TRAPS, route)))
    assert "/casestudies/oldcase.asp?id=7" in list_links
    assert not any("cid=7" in href for href in list_links)  # only through the old URL
    assert any("cid=10&" in href and "ASPSESSIONID=" in href for href in list_links)
    for url in REPORT["not_cases"]["soft_404"] + REPORT["not_cases"]["missing"]:
        assert url in list_links
    page_2 = routes_of(TRAPS)["/casestudies/case.asp?cid=3&page=2"]
    pager = {href for href, _ in links(decode(TRAPS, page_2))}
    assert "/casestudies/case.asp?cid=3&page=1" in pager
    assert "/casestudies/case.asp?cid=3" in list_links


def test_traps_self_link_with_session_id() -> None:
    page = "/casestudies/case.asp?cid=4&page=2"
    hrefs = [href for href, _ in links(decode(TRAPS, routes_of(TRAPS)[page]))]
    selfs = [h for h in hrefs if h.startswith(page + "&") and "ASPSESSIONID" in h]
    assert selfs and selfs[0] in REPORT["case_pages"][page]


def test_traps_redirect(traps) -> None:
    _, base_url = traps
    (old, target), = REPORT["redirects"].items()
    status, headers, _ = fetch(base_url, old)
    assert status == 301 and headers["Location"] == target
    status, _, body = fetch(base_url, target)
    assert status == 200 and b"Chest Pain During a Marathon" in body


def test_traps_soft_404_is_200(traps) -> None:
    _, base_url = traps
    for url in REPORT["not_cases"]["soft_404"]:
        status, headers, body = fetch(base_url, url)
        assert status == 200 and headers["Content-Type"].startswith("text/html")
        text = body.decode("utf-8")
        assert "<title>Page Not Found</title>" in text
        assert "The page you requested cannot be found" in text
    for url in REPORT["not_cases"]["missing"]:
        assert fetch(base_url, url)[0] == 404


def test_traps_calendar_never_ends(traps) -> None:
    server, base_url = traps
    (path, trap), = REPORT["endless"].items()
    home_nav = [href for href, _ in links(decode(TRAPS, routes_of(TRAPS)["/index.asp"]))]
    assert path in home_nav
    url, seen = path, set()
    for _ in range(40):
        status, _, body = fetch(base_url, url)
        assert status == 200
        seen.add(url)
        nexts = [h for h, text in links(body.decode("utf-8")) if text == "Next Month »"]
        url = nexts[0]
    assert len(seen) == 40 and url == f"{path}?{trap['param']}=41"
    for n in (-7, 0, 123456789):
        status, _, body = fetch(base_url, f"{path}?{trap['param']}={n}")
        assert status == 200
        assert f"{path}?page={n + 1}".encode() in body and f"{path}?page={n - 1}".encode() in body
        assert f"<h2>Month {n}</h2>".encode() in body
    assert fetch(base_url, f"{path}?page=next")[0] == 404
    assert server.hits(f"{path}?page=5") == 1


def test_traps_robots_txt_disallows_the_member_case(traps) -> None:
    _, base_url = traps
    status, _, body = fetch(base_url, "/robots.txt")
    assert status == 200 and body.decode("ascii") == REPORT["robots"]["robots_txt"]
    robots = RobotFileParser()
    robots.parse(body.decode("ascii").splitlines())
    for url in REPORT["robots"]["never_fetch"]:
        assert not robots.can_fetch("casearchive", BASE + url)
        assert any(url.startswith(p) for p in REPORT["robots"]["disallowed_prefixes"])
    for url in REPORT["good_cases"]:
        assert robots.can_fetch("casearchive", BASE + url)
    case_1 = routes_of(TRAPS)["/casestudies/case.asp?cid=1"]
    nav = [href for href, _ in links(decode(TRAPS, case_1))]
    assert "/members/case.asp?cid=101" in nav


def test_traps_member_pages_look_like_cases(traps) -> None:
    _, base_url = traps
    for n, url in enumerate(sorted(u for u in REPORT["robots"]["never_fetch"] if "case" in u), 1):
        status, _, body = fetch(base_url, url)
        text = body.decode("utf-8")
        assert status == 200 and f" - Page #{n}</title>" in text
        assert re.search(r"<h3>(History|Working Diagnosis):</h3>", text)


def test_traps_failing_pages(traps) -> None:
    _, base_url = traps
    routes = routes_of(TRAPS)
    limits = REPORT["fetch_limits"]
    for url in limits["retry_then_success"]:
        route = route_of(routes, url)
        assert route.get("flaky_once") or route.get("slow_first", 0) >= 3
    slow = [route_of(routes, u)["slow_first"] for u in limits["retry_then_success"]
            if route_of(routes, u).get("slow_first")]
    timeout = float(REPORT["crawl_args"][REPORT["crawl_args"].index("--timeout") + 1])
    assert slow and min(slow) >= 2 * timeout
    reset = [u for u in limits["retry_then_failure"] if route_of(routes, u).get("reset")]
    truncated = [u for u in limits["retry_then_failure"] if route_of(routes, u).get("truncate")]
    assert len(reset) == len(truncated) == 1
    for _ in range(2):
        with pytest.raises(ConnectionError):
            fetch(base_url, reset[0])
        with pytest.raises(http.client.IncompleteRead):
            fetch(base_url, truncated[0])
    failed = {u for record in REPORT["incomplete_cases"].values() for u in record["failed_urls"]}
    assert set(limits["retry_then_failure"]) < failed
    for url in failed - set(limits["retry_then_failure"]):
        assert resolve(routes, url) is None and fetch(base_url, url)[0] == 404


# --- site_static ------------------------------------------------------------------------------


def test_static_scheme_relative_links_and_charsets() -> None:
    routes = routes_of(STATIC)
    cases = _json(STATIC / "expected_cases.json")
    assert 6 <= len(cases) <= 8
    assert [c["url"] for c in cases] == sorted(c["url"] for c in cases)
    for case in cases:
        assert re.fullmatch(r"/cases/[a-z0-9-]+/index\.htm", case["url"])
        for page in case["pages"]:
            n = page["page_number"]
            name = "index.htm" if n == 1 else f"page{n}.htm"
            assert page["url"] == case["url"].replace("index.htm", name)
            route = routes[page["url"]]
            assert re.fullmatch(r"text/html; charset=[\w-]+", route["content_type"])
            hrefs = [h for h, _ in links(decode(STATIC, route))]
            assert "../index.html" in hrefs
            assert not [h for h in hrefs if h.startswith("/")]  # all relative
            if n > 1:  # Previous, written relative
                assert ("index.htm" if n == 2 else f"page{n - 1}.htm") in hrefs
            if n < case["page_count"]:
                assert f"page{n + 1}.htm" in hrefs
    for path, route in routes.items():
        if "file" in route and route["content_type"].startswith("text/html"):
            assert "charset=" in route["content_type"], path
    list_hrefs = [h for h, _ in links(decode(STATIC, routes["/cases/index.html"]))]
    assert "index-2.html" in list_hrefs
    assert [h for h in list_hrefs if h.endswith("/index.htm")]


# --- site_v2 -------------------------------------------------------------------------------------

DIFF = _json(V2 / "expected_diff.json")


def _records(root: Path) -> dict[str, dict]:
    return {c["url"]: c for c in _json(root / "expected_cases.json")}


def _page_bytes(root: Path, record: dict) -> list[bytes]:
    routes = routes_of(root)
    return [(root / routes[p["url"]]["file"]).read_bytes() for p in record["pages"]]


def test_v2_diff_declares_exactly_the_content_changes() -> None:
    before, after = _records(SITE), _records(V2)
    assert DIFF["added"] == sorted(set(after) - set(before)) and len(DIFF["added"]) == 2
    assert DIFF["removed"] == sorted(set(before) - set(after)) and len(DIFF["removed"]) == 1
    changed = {
        url: sorted(k for k in before[url] if before[url][k] != after[url][k])
        for url in set(before) & set(after)
    }
    assert {u: f for u, f in changed.items() if f} == {
        u: sorted(f) for u, f in DIFF["changed"].items()
    }
    assert sorted(DIFF["changed"].values()) == [["other_sections"], ["references"], ["treatment"]]
    kept = set(before) & set(after)
    assert set(DIFF["noise_only"]) | set(DIFF["unchanged"]) | set(DIFF["changed"]) == kept
    assert len(DIFF["noise_only"]) == 4
    assert set(DIFF["noise_only"]).isdisjoint(DIFF["unchanged"])


def test_v2_edits_are_small() -> None:
    before, after = _records(SITE), _records(V2)
    for url, fields in DIFF["changed"].items():
        old, new = before[url], after[url]
        if fields == ["treatment"]:
            old_s = re.split(r"(?<=\.) ", old["treatment"])
            new_s = re.split(r"(?<=\.) ", new["treatment"])
            pairs = list(zip(old_s, new_s, strict=True))
            assert sum(a != b for a, b in pairs) == 1
        if fields == ["references"]:
            ref_pairs = list(zip(old["references"], new["references"], strict=True))
            diffs = [(a, b) for a, b in ref_pairs if a != b]
            assert len(diffs) == 1 and diffs[0][0]["url"] != diffs[0][1]["url"]
        if fields == ["other_sections"]:
            added = [s for s in new["other_sections"] if s not in old["other_sections"]]
            assert [s["heading"] for s in added] == ["Follow-Up"]


def test_v2_page_bytes_change_only_where_declared() -> None:
    before, after = _records(SITE), _records(V2)
    for url in DIFF["unchanged"]:
        assert _page_bytes(SITE, before[url]) == _page_bytes(V2, after[url]), url
    for url in DIFF["noise_only"] + list(DIFF["changed"]):
        assert before[url] == after[url] or url in DIFF["changed"]
        assert _page_bytes(SITE, before[url]) != _page_bytes(V2, after[url]), url


NOISE_LINE = re.compile(r"^(You are visitor #\d+|Last updated: .*)$")
NAV_TEXTS = {
    "Home", "Case Studies", "Member Login", "Annual Meeting", "Membership Brochure (PDF)",
    "E-mail the Webmaster", "Sports Medicine Links", "News",
}


def _visible(root: Path, record: dict, drop_nav: bool) -> list[list[str]]:
    routes = routes_of(root)
    out = []
    for page in record["pages"]:
        html = decode(root, routes[page["url"]])
        nav = NAV_TEXTS if drop_nav else set()
        lines = [line for line in text_lines(html) if not NOISE_LINE.match(line)]
        out.append([line.rstrip(" |") for line in lines if line.rstrip(" |") not in nav])
    return out


def test_v2_noise_only_pages_read_the_same() -> None:
    before, after = _records(SITE), _records(V2)
    kinds = set()
    for url in DIFF["noise_only"]:
        what = DIFF["noise"][url]
        kinds.add(what)
        old_html = [decode(SITE, routes_of(SITE)[p["url"]]) for p in before[url]["pages"]]
        new_html = [decode(V2, routes_of(V2)[p["url"]]) for p in after[url]["pages"]]
        if "session" in what:
            session = re.compile(r"(?:&amp;|\?)ASPSESSIONID\w*=\w+")
            assert [session.sub("", h) for h in new_html] == old_html
        elif "whitespace" in what:
            assert [text_lines(h) for h in new_html] == [text_lines(h) for h in old_html]
        else:
            drop_nav = "nav" in what
            assert _visible(V2, after[url], drop_nav) == _visible(SITE, before[url], drop_nav)
    assert len(kinds) == 4


def test_v2_server_removed_case_404_and_session_links_route(v2) -> None:
    _, base_url = v2
    for url in DIFF["removed"]:
        assert fetch(base_url, url)[0] == 404
    for url in DIFF["added"]:
        assert fetch(base_url, url)[0] == 200
    session_case = next(u for u, what in DIFF["noise"].items() if "session" in what)
    html = fetch(base_url, session_case)[2].decode("utf-8")
    session_links = [h for h, _ in links(html) if "ASPSESSIONID" in h]
    assert len(session_links) >= 5
    for href in session_links:
        assert fetch(base_url, href)[0] == 200, href


# --- server: pattern routes -----------------------------------------------------------------------


@pytest.fixture
def pattern_site(tmp_path: Path) -> Iterator[tuple[object, str]]:
    (tmp_path / "cal.html").write_bytes(b"<p>{{n}} <a href='?page={{n+1}}'>next</a> {{n-1}}</p>")
    (tmp_path / "exact.html").write_bytes(b"exact")
    page = {"content_type": "text/html; charset=utf-8", "status": 200}
    routes = {
        "/cal.asp": {**page, "file": "cal.html", "any_query": True, "template": "page"},
        "/cal.asp?page=7": {**page, "file": "exact.html"},
        "/plain.asp": {**page, "file": "exact.html"},
    }
    (tmp_path / "routes.json").write_text(json.dumps(routes), encoding="utf-8")
    server, base_url = legacy_server.serve(tmp_path)
    yield server, base_url
    server.shutdown()


def test_any_query_template_route(pattern_site) -> None:
    server, base_url = pattern_site
    assert fetch(base_url, "/cal.asp")[2] == b"<p>1 <a href='?page=2'>next</a> 0</p>"
    status, headers, body = fetch(base_url, "/cal.asp?x=1&page=-3")
    assert status == 200 and body == b"<p>-3 <a href='?page=-2'>next</a> -4</p>"
    assert headers["Content-Length"] == str(len(body))
    assert fetch(base_url, "/cal.asp?page=7")[2] == b"exact"  # the exact route wins
    assert fetch(base_url, "/cal.asp?page=2.5")[0] == 404
    assert fetch(base_url, "/plain.asp?page=1")[0] == 404  # no any_query: exact match only
    assert server.hits("/cal.asp?page=-3&x=1") == 1 and server.hits("/cal.asp") == 1


@pytest.mark.parametrize(
    ("route", "message"),
    [
        ({"/c.asp?page=1": {"file": "f.html", "content_type": "text/html", "any_query": True}},
         "bare path"),
        ({"/c.asp": {"redirect": "/", "template": "page"}}, "needs a file"),
        ({"/c.asp": {"file": "f.html", "content_type": "text/html", "calendar": True}},
         "unknown keys"),
    ],
)
def test_pattern_routes_are_checked(tmp_path: Path, route: dict, message: str) -> None:
    (tmp_path / "f.html").write_bytes(b"x")
    (tmp_path / "routes.json").write_text(json.dumps(route), encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        legacy_server.load_routes(tmp_path)
