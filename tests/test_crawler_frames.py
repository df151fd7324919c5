"""A site built with frames, crawled over real HTTP: the start URL is a frameset whose list
of cases sits in a frame's document, reached through the navigation frame; case pages print
no page number and link each other by image buttons ("Next Page" as alt text)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli
from tests.snapshots import cases_by_path

FRAMESET = ('<HTML><HEAD><TITLE>Northfield Society</TITLE></HEAD><FRAMESET COLS="160,*">'
            '<FRAME SRC="nav.html" NAME="nav"><FRAME SRC="welcome.html" NAME="main">'
            "<NOFRAMES>This site uses frames.</NOFRAMES></FRAMESET></HTML>")
NAV = ('<HTML><BODY><A HREF="welcome.html" TARGET="main">Welcome</A><BR>'
       '<A HREF="cases.html" TARGET="main">Case Studies</A><BR>'
       '<A HREF="about.html" TARGET="main">About Us</A></BODY></HTML>')
LIST = ('<HTML><BODY><H2>Case Studies</H2><UL>'
        '<LI><A HREF="cases/case1_1.html">Case 1: Knee Pain in a Young Runner</A>'
        '<LI><A HREF="cases/case2_1.html">Case 2: Wrist Pain After a Fall on Ice</A>'
        "</UL></BODY></HTML>")
SECTIONS = [("HISTORY", "A 17-year-old runner with knee pain."),
            ("PHYSICAL EXAM", "Tender at the inferior pole of the patella."),
            ("TREATMENT", "Relative rest and strengthening.")]


def _case_page(case: int, page: int, pages: int) -> str:
    title = ["Knee Pain in a Young Runner", "Wrist Pain After a Fall on Ice"][case - 1]
    heading, text = SECTIONS[page - 1]
    buttons = []
    if page > 1:
        buttons.append(f'<A HREF="case{case}_{page - 1}.html"><IMG SRC="../prev.gif" '
                       'ALT="Previous Page" BORDER=0></A>')
    buttons.append('<A HREF="../cases.html"><IMG SRC="../list.gif" ALT="Back to Case List"></A>')
    if page < pages:
        buttons.append(f'<A HREF="case{case}_{page + 1}.html"><IMG SRC="../next.gif" '
                       'ALT="Next Page" BORDER=0></A>')
    return (f"<HTML><HEAD><TITLE>Case {case} - {title}</TITLE></HEAD><BODY>"
            f"<CENTER><B>{title}</B></CENTER><HR><P><B>{heading}</B><BR>{text}<HR>"
            f"<CENTER>{'&nbsp;'.join(buttons)}</CENTER>"
            "<P>NOTE: For more information, please contact the NSMS, 1200 Lake Shore Drive, "
            "Chicago, IL 60610 (312) 555-0142.<BR>&copy; 1999 Northfield Society</BODY></HTML>")


def _site(root: Path) -> None:
    files = {"/index.html": FRAMESET, "/nav.html": NAV, "/cases.html": LIST,
             "/welcome.html": "<HTML><BODY>Welcome to the society.</BODY></HTML>",
             "/about.html": "<HTML><BODY>About the society. History: founded 1970.</BODY></HTML>"}
    for case in (1, 2):
        for page in (1, 2, 3):
            files[f"/cases/case{case}_{page}.html"] = _case_page(case, page, 3)
    routes = {}
    for i, (path, html) in enumerate(sorted(files.items())):
        (root / f"p{i}.html").write_text(html, encoding="utf-8")
        routes[path] = {"file": f"p{i}.html", "content_type": "text/html", "status": 200}
    (root / "routes.json").write_text(json.dumps(routes))


def test_a_frameset_start_reaches_its_cases_and_numbers_pages_by_next(tmp_path, serve_site):
    site = tmp_path / "site"
    site.mkdir()
    _site(site)
    _server, base = serve_site(site)
    out = tmp_path / "out"
    result = run_cli("crawl", f"{base}/index.html", "--out", str(out), "--no-polite", "--json")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    cases = cases_by_path((out / "latest").resolve())
    assert sorted(cases) == ["/cases/case1_1.html", "/cases/case2_1.html"]
    knee = cases["/cases/case1_1.html"]
    assert knee["title"] == "Knee Pain in a Young Runner"
    assert [p["page_number"] for p in knee["pages"]] == [1, 2, 3]
    assert knee["history"] and knee["physical_exam"] and knee["treatment"]
    assert knee["warnings"] == []
