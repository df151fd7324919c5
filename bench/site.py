"""The bench site: a large legacy case-study site like the fixture site, as static files.

``generate(spec)`` writes, deterministically (seeded per case), under ``bench/sites/<name>/``:

- ``/index.html`` (home), ``/meetings/annual.html``, ``/topics/topicNN.html`` (the nav pages),
  ``/members/login.html`` (robots.txt disallows ``/members/``), ``/docs/brochure.pdf``;
- ``/cases/index.htm``, ``/cases/index-N.htm``: the case list, ``list_page_size`` cases a page,
  with Prev/Next and numbered links;
- ``/cases/<slug>/index.htm``, ``/cases/<slug>/pageN.htm``: the pages of each case, ~20 KB,
  each linking every page of its case (the era's pager) and back to the list.

Cases cycle through five markup styles: the fixture site's three eras (its own renderers, in
``tests/fixtures/site_src``) and the FrontPage and Word styles of ``bench.parse_bench``. Every
page carries the same navigation (~40 links, each to a file of the site or off-site). Section
text is drawn from the fixture cases' blocks until a page reaches ~20 KB.

A ``.stamp`` file holds a hash of the spec and of the generator sources: an unchanged site is
not written again.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import shutil
import sys
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from bench import parse_bench

ROOT = Path(__file__).resolve().parent.parent
SITE_SRC = ROOT / "tests" / "fixtures" / "site_src"
SITES = ROOT / "bench" / "sites"  # not bench/site/: mypy would take it for bench.site
STYLES = ("era1", "era2", "era3", "frontpage", "word")
TARGET_BYTES = 20_000
LIST_PATH = "/cases/index.htm"
ROBOTS = "User-agent: *\nDisallow: /members/\n"
TOPICS = 36
#: Which sections go on which page of a four-page case (the last page has the references).
PAGE_SECTIONS = (
    ("history", "physical_exam", "differential_diagnosis"),
    ("tests_and_results", "working_diagnosis"),
    ("treatment", "outcome"),
    ("authors_comments", "editors_comments"),
)


@dataclass(frozen=True, slots=True)
class SiteSpec:
    """What to generate; the same spec always gives the same bytes."""

    cases: int
    pages_per_case: int = 4
    list_page_size: int = 50
    seed: int = 20250101

    @property
    def name(self) -> str:
        return f"c{self.cases}x{self.pages_per_case}"


@dataclass(frozen=True, slots=True)
class Site:
    """A generated site on disk and the counts a crawl of it must reproduce."""

    root: Path
    start_path: str
    cases: int
    case_pages: int
    list_pages: int
    html_pages: int
    """Every HTML page reachable from the start page, robots.txt allowing (the set a crawler
    following every link fetches): case pages, list pages, home and the nav pages."""
    mean_page_bytes: int
    sample_page: str
    """Path of the first case page (what the server ceiling is measured on)."""


def nav() -> tuple[tuple[str, str], ...]:
    """The navigation of every page: absolute paths, a PDF, a disallowed page, off-site."""
    topics = tuple((f"/topics/topic{n:02d}.html", f"Topic {n}: sports medicine")
                   for n in range(1, TOPICS + 1))
    return (
        ("/index.html", "Home"),
        (LIST_PATH, "Case Studies"),
        ("/members/login.html", "Member Login"),
        ("/meetings/annual.html", "Annual Meeting"),
        ("/docs/brochure.pdf", "Membership Brochure (PDF)"),
        *topics,
        ("mailto:webmaster@example.org", "E-mail the Webmaster"),
        ("http://www.example.org/sportsmed/links.html", "Sports Medicine Links"),
    )


def _site_src():
    """The fixture site's generator modules (imported, never modified)."""
    if str(SITE_SRC) not in sys.path:
        sys.path.insert(0, str(SITE_SRC))
    import chrome
    import markup
    import model
    import output
    import pages
    from cases import CASES

    return chrome, markup, model, output, pages, CASES


class _Content:
    """Pools of the fixture cases' blocks per section, drawn from by a seeded generator."""

    def __init__(self, model, cases) -> None:
        self.model = model
        self.pools: dict[str, list] = {key: [] for key in model.SECTION_KEYS}
        self.extra: list = []
        self.refs: list = []
        for case in cases:
            for page in case.pages:
                for part in page:
                    if isinstance(part, model.Refs):
                        self.refs.extend(part.refs)
                    elif part.key is None:
                        self.extra.extend(part.blocks)
                    else:
                        self.pools[part.key].extend(part.blocks)

    @staticmethod
    def chars(block) -> int:
        return sum(map(len, getattr(block, "lines", None) or getattr(block, "items", ())))

    def page(self, rng: random.Random, keys: tuple[str, ...], last: bool, budget: int) -> tuple:
        """The parts of one page: ``keys`` filled round-robin until ``budget`` text chars."""
        model = self.model
        blocks: dict[str, list] = {key: [] for key in keys}
        extra = [rng.choice(self.extra)] if self.extra and not last else []
        refs = rng.sample(self.refs, min(len(self.refs), 8)) if last else []
        used = sum(map(self.chars, extra)) + sum(len(r.text) for r in refs)
        while used < budget or not all(blocks.values()):
            for key in keys:
                block = rng.choice(self.pools[key] or self.pools["history"])
                blocks[key].append(block)
                used += self.chars(block)
        parts = [model.S(key, *blocks[key]) for key in keys]
        if extra:
            parts.append(model.X("Return to Play", *extra))
        if refs:
            parts.append(model.R("References", *refs))
        return tuple(parts)


def _slug(title: str) -> str:
    text = title.lower().replace("’", "").replace("'", "").replace("&", "and")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def _page_file(n: int) -> str:
    return "index.htm" if n == 1 else f"page{n}.htm"


def _list_file(pg: int) -> str:
    return "index.htm" if pg == 1 else f"index-{pg}.htm"


class _Renderer:
    """Renders the pages of one case in one of ``STYLES``."""

    def __init__(self, spec: SiteSpec) -> None:
        self.chrome, self.markup, self.model, self.output, self.pages, cases = _site_src()
        self.cases = cases
        self.by_era = {era: [c for c in cases if c.era == era] for era in (1, 2, 3)}
        self.content = _Content(self.model, cases)
        self.hrefs = tuple(_page_file(n) for n in range(1, spec.pages_per_case + 1))
        self.case_chrome = replace(self.chrome.DEFAULT_CHROME, nav=nav(), return_href=LIST_PATH,
                                   return_href_era1="../index.htm", page_hrefs=self.hrefs)
        self.budget = {style: self._budget(style) for style in STYLES}

    def _budget(self, style: str) -> int:
        """Text chars that bring a page of ``style`` to ~``TARGET_BYTES``: the target minus
        the markup of a page with one block per section, shrunk by the markup per char."""
        rng = random.Random(0)
        parts = self.content.page(rng, PAGE_SECTIONS[0], False, 0)
        text = sum(self.content.chars(b) for p in parts for b in p.blocks)
        size = len(self._html(style, self._case(style, 0, "Case", (parts,), rng), 1))
        return max(0, int((TARGET_BYTES - (size - text)) / 1.08))

    def _case(self, style: str, i: int, title: str, pages: tuple, rng: random.Random):
        era = int(style[-1]) if style.startswith("era") else 1
        template = rng.choice(self.by_era[era])
        noise = {p: frozenset(k for k in sorted(self.model.NOISE) if rng.random() < 0.5)
                 for p in range(1, len(pages) + 1)}
        return replace(template, cid=i + 1, title=title, pages=pages, noise=noise)

    def _html(self, style: str, case, page: int) -> bytes:
        if style.startswith("era"):
            text = self.output.case_page(case, page, self.case_chrome)
            return self.markup.encode(text, case.charset)
        one = replace(case, pages=(case.pages[page - 1],))
        if style == "frontpage":
            text = parse_bench._frontpage(self.model, self.chrome, one, self.case_chrome)
            text = _patch(text, "Page 1 of 12", f"Page {page} of {len(case.pages)}")
            return _patch(text, "Page # 1<", f"Page # {page}<").encode(
                "latin-1", errors="xmlcharrefreplace")
        text = parse_bench._word(self.model, self.chrome, one, self.case_chrome)
        return _patch(text, "Page # 1<", f"Page # {page}<").encode(
            "cp1252", errors="xmlcharrefreplace")

    def case(self, spec: SiteSpec, i: int) -> tuple[str, str, list[bytes]]:
        """(slug, title, page bodies) of case ``i``."""
        rng = random.Random(f"{spec.seed}:{i}")
        style = STYLES[i % len(STYLES)]
        base = self.cases[rng.randrange(len(self.cases))].title
        title = f"{base} ({i + 1})"
        n = spec.pages_per_case
        page_parts = tuple(
            self.content.page(rng, PAGE_SECTIONS[p % len(PAGE_SECTIONS)], p == n - 1,
                              self.budget[style])
            for p in range(n)
        )
        case = self._case(style, i, title, page_parts, rng)
        return (f"{i + 1:05d}-{_slug(base)}", title,
                [self._html(style, case, p) for p in range(1, n + 1)])


def _patch(text: str, old: str, new: str) -> str:
    """Replace the one occurrence of ``old`` (a page-1 marker of a parse_bench renderer)."""
    if text.count(old) != 1:
        raise RuntimeError(f"bench.parse_bench renderer changed: {old!r} found "
                           f"{text.count(old)} times; update bench/site.py")
    return text.replace(old, new)


def _fingerprint(spec: SiteSpec) -> str:
    sources = [Path(__file__), Path(parse_bench.__file__), *sorted(SITE_SRC.glob("*.py"))]
    digest = hashlib.sha256(json.dumps(asdict(spec), sort_keys=True).encode())
    for path in sources:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def generate(spec: SiteSpec, root: Path | None = None) -> Site:
    """Write the site for ``spec`` (unless its stamp is current) and return its counts."""
    root = root or SITES / spec.name
    stamp = root / ".stamp"
    fingerprint = _fingerprint(spec)
    cached = json.loads(stamp.read_text()) if stamp.is_file() else {}
    if cached.get("fingerprint") == fingerprint:
        return Site(root=root, **cached["site"])
    if root.exists():
        shutil.rmtree(root)
    renderer = _Renderer(spec)
    pages_mod = renderer.pages
    rows, total_bytes = [], 0
    for i in range(spec.cases):
        slug, title, bodies = renderer.case(spec, i)
        for n, body in enumerate(bodies, 1):
            _write(root / "cases" / slug / _page_file(n), body)
            total_bytes += len(body)
        rows.append(pages_mod.Row(i + 1, f"{slug}/index.htm", title))
    lists = pages_mod.list_pages([], rows=rows, page_href=_list_file, nav=nav(),
                                 page_size=spec.list_page_size)
    for pg, text in enumerate(lists, 1):
        _write(root / "cases" / _list_file(pg), text.encode("utf-8"))
    _write(root / "index.html", pages_mod.home(list_href=LIST_PATH, nav=nav()).encode())
    _write(root / "meetings" / "annual.html", pages_mod.annual(nav()).encode())
    _write(root / "members" / "login.html", pages_mod.login(nav(), action="login.html").encode())
    _write(root / "docs" / "brochure.pdf", pages_mod.brochure_pdf())
    for n in range(1, TOPICS + 1):
        body = (f"<p>Topic {n}: what the society publishes on this subject, with links to "
                "the meetings and the case studies.</p>\n")
        _write(root / "topics" / f"topic{n:02d}.html",
               pages_mod.shell(f"Topic {n}", body, nav()).encode())
    _write(root / "robots.txt", ROBOTS.encode("ascii"))
    import media  # the fixture's images and stylesheet, which its case pages reference

    for route, (data, _ctype) in media.files().items():
        _write(root / route.lstrip("/"), data)
    case_pages = spec.cases * spec.pages_per_case
    site = Site(root=root, start_path=LIST_PATH, cases=spec.cases, case_pages=case_pages,
                list_pages=len(lists), html_pages=case_pages + len(lists) + 2 + TOPICS,
                mean_page_bytes=total_bytes // max(case_pages, 1),
                sample_page=f"/cases/{rows[0].href}" if rows else LIST_PATH)
    info = {k: v for k, v in asdict(site).items() if k != "root"}
    stamp.write_text(json.dumps({"fingerprint": fingerprint, "site": info}, indent=2))
    return site


if __name__ == "__main__":
    cases = int(sys.argv[1]) if len(sys.argv) > 1 else 2500
    print(generate(SiteSpec(cases)))
