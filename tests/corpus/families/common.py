"""What every template family shares: the site builder (files, routes, truth), block and
reference rendering, and the text of the site's non-case pages."""

from __future__ import annotations

import html
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..bank import make_case
from ..model import Block, CaseContent, Part, SiteInfo, case_truth

E = lambda text: html.escape(text, quote=False)  # noqa: E731


#: A transparent 1x1 GIF: the spacer and icon images the old templates link.
GIF = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00"
       b"\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")


@dataclass(slots=True)
class Site:
    """A generated site: served files, the route table and the truth."""

    family: str
    split: str
    start_path: str
    server: str = "Apache/2.2.3 (Unix)"
    """The Server header (an IIS server tells the crawler that URL case does not matter, so
    IIS families use lower-case URLs only)."""
    pages: dict[str, tuple[bytes, str, int]] = field(default_factory=dict)
    """path with query -> (body, content type, status)."""
    redirects: dict[str, str] = field(default_factory=dict)
    cases: list[dict] = field(default_factory=list)
    """Truth per case (``model.case_truth``)."""
    non_case_paths: list[str] = field(default_factory=list)
    """Paths of the site's pages that are not case pages (About, listings, soft 404...)."""

    def add(self, path: str, text: str, *, encoding: str = "utf-8", declare: bool = True,
            status: int = 200) -> None:
        """Serve ``text`` at ``path`` encoded in ``encoding``; the Content-Type names the
        charset only when ``declare``."""
        body = text.encode(encoding, errors="xmlcharrefreplace")
        ctype = f"text/html; charset={encoding}" if declare else "text/html"
        self.pages[path] = (body, ctype, status)

    def redirect(self, path: str, target: str) -> None:
        self.redirects[path] = target

    def non_case(self, path: str, text: str, **kw) -> None:
        self.add(path, text, **kw)
        self.non_case_paths.append(path)

    def write(self, root: Path) -> None:
        """Write the files, ``routes.json`` for ``tests/fixtures/legacy_server.py`` and
        ``truth.json``."""
        root.mkdir(parents=True, exist_ok=True)
        routes: dict[str, dict] = {}
        for i, (path, (body, ctype, status)) in enumerate(sorted(self.pages.items())):
            name = f"p{i:04d}.html"
            (root / name).write_bytes(body)
            routes[path] = {"file": name, "content_type": ctype, "status": status}
        for path, target in self.redirects.items():
            routes[path] = {"redirect": target, "status": 301}
        (root / "routes.json").write_text(json.dumps(routes, indent=1, sort_keys=True))
        (root / "truth.json").write_text(json.dumps(self.truth(), indent=1, ensure_ascii=False))

    def truth(self) -> dict:
        return {"family": self.family, "split": self.split, "start_path": self.start_path,
                "server": self.server,
                "cases": self.cases, "non_case_paths": sorted(self.non_case_paths)}


# --- Content drawing -------------------------------------------------------------------------

SOCIETIES = [
    ("Northfield Sports Medicine Society", "NSMS", "1200 Lake Shore Drive, Suite 300",
     "Chicago", "IL", "60610", "(312) 555-0142"),
    ("Prairie Society for Sports Medicine", "PSSM", "4410 W. 95th Street, Suite 210",
     "Overland Park", "KS", "66207", "(913) 555-0199"),
    ("Atlantic Academy of Athletic Medicine", "AAAM", "77 Harbor Road",
     "Portland", "ME", "04101", "(207) 555-0117"),
]


def draw_site(rng: random.Random, with_contact: bool = True) -> SiteInfo:
    """The publishing society: name, NOTE contact (or none) and © line."""
    from ..model import ContactInfo

    name, short, street, city, state, zipc, phone = rng.choice(SOCIETIES)
    email = rng.choice([None, f"info@{short.lower()}.org"])
    contact = ContactInfo(short, street, city, state, zipc, phone, email) if with_contact else None
    year = rng.choice(["1999", "2002", "2004"])
    copyright = rng.choice([f"© {year} {name}", f"Copyright © {year}-2006 {name}. "
                            "All rights reserved.", f"© {name}"])
    return SiteInfo(name, short, contact, copyright)


def draw_cases(rng: random.Random, n: int, *, unknown_rate: float = 0.3,
               numbered_refs: bool = True) -> list[CaseContent]:
    start = rng.randrange(8)
    return [make_case(rng, start + i, unknown_rate, numbered_refs) for i in range(n)]


def restyle_headings(cases: list[CaseContent], fn: Callable[[str], str]) -> None:
    """Apply a printed form (e.g. upper case) to every heading, so the truth holds the
    heading as printed."""
    for case in cases:
        for parts in case.pages:
            for part in parts:
                if part.heading:
                    part.heading = fn(part.heading)


def flatten_pages(case: CaseContent) -> None:
    """One long page: continued sections rejoin the part they continue."""
    merged: list[Part] = []
    for part in (p for parts in case.pages for p in parts):
        if part.continued and merged:
            merged[-1].blocks = [*merged[-1].blocks, *part.blocks]
        else:
            merged.append(part)
    case.pages = [merged]


def note_line(site: SiteInfo) -> str | None:
    """The contact NOTE as printed."""
    c = site.contact
    if c is None:
        return None
    tail = f" or e-mail {c.email}" if c.email else ""
    return (f"NOTE: For more information, please contact the {c.organization}, {c.street}, "
            f"{c.city}, {c.state} {c.postal_code} {c.phone}{tail}.")


def record_case(site: Site, info: SiteInfo, case: CaseContent, urls: list[dict]) -> None:
    site.cases.append(case_truth(case, info, urls))


# --- Block rendering ------------------------------------------------------------------------

def html_blocks(blocks: list[Block], p: str = "<p>", table_attrs: str = ' border="1"') -> str:
    """Blocks as plain HTML 4/XHTML: ``<p>``, ``<br>`` lines, ``<ul>``, ``<table>``."""
    close = "</p>"
    out = []
    for b in blocks:
        if b.kind == "p":
            out.append(f"{p}{E(b.items[0])}{close}")
        elif b.kind == "lines":
            out.append(p + "<br />\n".join(E(x) for x in b.items) + close)
        elif b.kind == "ul":
            out.append("<ul>\n" + "\n".join(f"<li>{E(x)}</li>" for x in b.items) + "\n</ul>")
        else:
            rows = "\n".join("<tr>" + "".join(f"<td>{E(c)}</td>" for c in row) + "</tr>"
                             for row in b.items)
            out.append(f"<table{table_attrs}>\n{rows}\n</table>")
    return "\n".join(out)


def font_blocks(blocks: list[Block], font: str) -> str:
    """1990s style: text in ``<font>`` with paragraphs ended by ``<br><br>``."""
    out = []
    for b in blocks:
        if b.kind == "p":
            out.append(f"{font}{E(b.items[0])}</font><br><br>")
        elif b.kind == "lines":
            out.append(font + "<br>\n".join(E(x) for x in b.items) + "</font><br><br>")
        elif b.kind == "ul":
            out.append("<ul>" + "".join(f"<li>{font}{E(x)}</font>" for x in b.items) + "</ul>")
        else:
            rows = "".join("<tr>" + "".join(f"<td>{font}{E(c)}</font></td>" for c in row)
                           + "</tr>" for row in b.items)
            out.append(f'<table border="1" cellpadding="2">{rows}</table><br>')
    return "\n".join(out)


def ref_link(text: str, url: str | None, rng: random.Random) -> str:
    """The reference text escaped, its URL made a link half of the time."""
    if url and url in text and rng.random() < 0.5:
        return E(text).replace(E(url), f'<a href="{E(url)}">{E(url)}</a>')
    return E(text)


def refs_html(part: Part, style: str, rng: random.Random, p: str = "<p>") -> str:
    """A run of references: "ol", "numbered" (``<p>1. text</p>``), "bracket" (``[1] text``
    lines), "ul" (unnumbered)."""
    n0 = part.first_ref_number
    texts = [ref_link(r.text, r.url, rng) for r in part.refs]
    if style == "ol":
        start = f' start="{n0}"' if n0 != 1 else ""
        return f"<ol{start}>\n" + "\n".join(f"<li>{t}</li>" for t in texts) + "\n</ol>"
    if style == "ul":
        return "<ul>\n" + "\n".join(f"<li>{t}</li>" for t in texts) + "\n</ul>"
    if style == "bracket":
        return p + "<br>\n".join(f"[{n0 + i}] {t}" for i, t in enumerate(texts)) + "</p>"
    return "\n".join(f"{p}{n0 + i}. {t}</p>" for i, t in enumerate(texts))


# --- Non-case pages ---------------------------------------------------------------------------

def about_body(info: SiteInfo, label: Callable[[str], str]) -> str:
    """An About page with "History:" and "Mission:" lines (a trap for label counting)."""
    return (f"<p>{label('History:')} The {E(info.name)} was founded in 1987 by a group of "
            "team physicians who met at a regional meeting.</p>\n"
            f"<p>{label('Mission:')} To advance the education of physicians who care for "
            "athletes and active people.</p>\n"
            f"<p>{label('Membership:')} Open to physicians, residents and fellows.</p>")


def guidelines_body(label: Callable[[str], str]) -> str:
    """Submission guidelines that list the sections an author must write."""
    items = [("History", "the presenting complaint and relevant background"),
             ("Physical Exam", "pertinent positive and negative findings"),
             ("Differential Diagnosis", "a short list of what was considered"),
             ("Tests and Results", "imaging and laboratory studies"),
             ("Working Diagnosis", "the diagnosis that guided treatment"),
             ("Treatment", "what was done and why"),
             ("Outcome", "the result at follow-up"),
             ("References", "no more than five, in AMA style")]
    rows = "\n".join(f"<p>{label(h + ':')} Describe {E(d)}.</p>" for h, d in items)
    return ("<p>Cases are reviewed by the editorial board. Please submit your case as a "
            "Word document with the following sections, in this order:</p>\n" + rows)


def calendar_body() -> str:
    rows = [("March 12-14", "Winter Sports Symposium", "Denver, CO"),
            ("June 3", "Team Physician Course", "Chicago, IL"),
            ("October 20-22", "Annual Meeting", "San Diego, CA")]
    trs = "\n".join("<tr>" + "".join(f"<td>{E(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f"<p>Upcoming meetings and courses.</p>\n<table border=\"1\">\n{trs}\n</table>"


def contact_body(info: SiteInfo) -> str:
    c = info.contact
    addr = f"{c.street}<br>{c.city}, {c.state} {c.postal_code}<br>Phone: {c.phone}" if c else ""
    return f"<p>Write to us at:</p>\n<p>{E(info.name)}<br>{addr}</p>"


def members_body() -> str:
    return ('<p>This area is for members only. Please log in.</p>\n<form action="#" '
            'method="post"><p>Username: <input name="u"> Password: <input type="password" '
            'name="p"> <input type="submit" value="Log in"></p></form>')


def sitemap_body(links: list[tuple[str, str]]) -> str:
    return "<ul>\n" + "\n".join(f'<li><a href="{h}">{E(t)}</a></li>' for h, t in links) + "\n</ul>"
