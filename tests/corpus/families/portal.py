"""A 2000s ASP/PHP society portal (develop): the kinds of furniture a real portal of that
era puts around a case, in its own markup.

* a generic ``<title>`` (the society's name on every page);
* a three-column layout table: a left menu cell and a right column of widget boxes
  ("Meetings", "Case of the Month" naming a case title, "Newsletter" signup) in narrow
  ``<td width=...>`` cells, shown on some pages only; or (half the sites) the same in
  positioned divs, the content in ``<div id="maincontent">`` (under half the body's text
  on a short page) beside an unnamed side column;
* the case title as a visible block over the text of every page, sometimes followed by a
  "Page N of M" line;
* a numbered pager row ``[1] [2] [3]`` (the current number unlinked) under the text;
* headings in varied tags (``<h3>``, ``<p><b><u>``, ``<div><strong>``), unknown one-paragraph
  sections sometimes as run-in CAPS labels inside their paragraph (``<p><b>LABEL:</b>
  text``); on some sites every label runs into its first paragraph as written
  (``<p><b>Return to Play:</b> text</p>``), a page holding one unknown section included;
  sections continue over page breaks with no heading repeated (draw_cases).
"""

from __future__ import annotations

import random

from ..model import Part
from .common import (
    E,
    Site,
    about_body,
    calendar_body,
    contact_body,
    draw_cases,
    draw_site,
    html_blocks,
    members_body,
    note_line,
    record_case,
    refs_html,
)

_MEETINGS = ["Spring Symposium, April 12, Denver", "Team Physician Update, May 3-4, Boise",
             "Fall Review Course, September 9, Omaha"]


def _heading_tag(rng: random.Random):
    style = rng.choice(["h3", "bu", "strong"])

    def render(text: str) -> str:
        if style == "h3":
            return f"<h3>{E(text)}</h3>"
        if style == "bu":
            return f"<p><b><u>{E(text)}</u></b></p>"
        return f"<div><strong>{E(text)}</strong></div>"
    return render


def _part_html(part: Part, heading, rng: random.Random, run_in: bool,
               inline: bool = False) -> str:
    if part.kind == "references":
        head = heading(part.heading) if part.heading else ""
        return head + refs_html(part, rng.choice(["ol", "numbered"]), rng)
    if run_in:  # one paragraph: "<p><b>LABEL:</b> text</p>"
        return f"<p><b>{E(part.heading or '')}:</b> {E(part.blocks[0].items[0])}</p>"
    if inline and part.heading and part.blocks[0].kind == "p":  # every label run in
        return (f"<p><b>{E(part.heading)}:</b> {E(part.blocks[0].items[0])}</p>\n"
                + html_blocks(part.blocks[1:]))
    head = heading(part.heading) if part.heading else ""
    return head + html_blocks(part.blocks)


def build_portal(rng: random.Random, n: int) -> Site:
    info = draw_site(rng)
    cases = draw_cases(rng, n)
    heading = _heading_tag(rng)
    run_in_rate = rng.choice([0.0, 0.6, 1.0])
    inline = rng.random() < 0.4  # the editors' habit: every label run into its paragraph
    marker_rate = rng.choice([0.0, 0.5, 1.0])
    site = Site("portal", "develop", "/casestudies/default.asp", server="Microsoft-IIS/6.0")
    nav = [("/about.asp", "About the Society"), ("/meetings.asp", "Meetings"),
           ("/members.asp", "Members"), ("/contact.asp", "Contact")]
    meeting = rng.choice(_MEETINGS)

    def widgets(featured: str) -> str:
        boxes = (f'<p><b>Meetings</b></p><p>{E(meeting)}</p>'
                 f'<p><b>Case of the Month</b></p><p><a href="{site.start_path}">{E(featured)}'
                 '</a></p><p><b>Newsletter</b></p><p>Sign up for our quarterly bulletin.</p>'
                 '<form action="/signup.asp" method="post"><input name="email" size="12">'
                 '<input type="submit" value="Join"></form>')
        if divs:
            return f'<div id="col3">{boxes}</div>'
        return f'<td width="190" valign="top" bgcolor="#F0F0E0">{boxes}</td>'

    divs = rng.random() < 0.5  # the 2000s redesign: the same portal in positioned divs

    def page(content: str, side: str = "") -> str:
        menu = "<br>".join(f'<a href="{h}">{E(t)}</a>' for h, t in nav)
        note = note_line(info)
        foot = "<br>".join(E(x) for x in (note, info.copyright) if x)
        if divs:
            return (f"<html><head><title>{E(info.name)}</title></head><body>\n"
                    f'<div id="masthead"><b>{E(info.name)}</b></div>\n'
                    f'<div id="col1"><a href="/default.asp">Home</a><br><a href="'
                    f'{site.start_path}">Case Studies</a><br>{menu}</div>\n'
                    f'<div id="maincontent">\n{content}\n</div>\n{side}\n'
                    f'<div id="footer"><font size="1">{foot}</font></div>\n</body></html>')
        return (f"<html><head><title>{E(info.name)}</title></head><body>\n"
                f'<table width="760" cellpadding="4"><tr><td colspan="3"><b>{E(info.name)}'
                '</b></td></tr>\n<tr><td width="150" valign="top"><a href="/default.asp">'
                f'Home</a><br><a href="{site.start_path}">Case Studies</a><br>{menu}</td>\n'
                f'<td valign="top">\n{content}\n</td>\n{side}</tr>\n'
                f'<tr><td colspan="3"><font size="1">{foot}</font></td></tr></table>\n'
                "</body></html>")

    for ci, case in enumerate(cases):
        cid = 300 + ci * 3
        urls = [f"/casestudies/view.asp?id={cid}" + (f"&pg={p}" if p > 1 else "")
                for p in range(1, len(case.pages) + 1)]
        total = len(case.pages)
        run_in: set[int] = set()
        for parts in case.pages:
            for part in parts:
                if (part.kind == "section" and part.key is None and part.heading
                        and len(part.blocks) == 1 and part.blocks[0].kind == "p"
                        and rng.random() < run_in_rate):
                    part.heading = part.heading.upper()
                    run_in.add(id(part))
        for p, parts in enumerate(case.pages, start=1):
            body = "\n".join(_part_html(part, heading, rng, id(part) in run_in, inline)
                             for part in parts)
            marker = (f"<p>Page {p} of {total}</p>"
                      if total > 1 and rng.random() < marker_rate else "")
            pager = ("<p>" + " ".join(f"[{k}]" if k == p else f'[<a href="{u}">{k}</a>]'
                                      for k, u in enumerate(urls, start=1)) + "</p>"
                     if total > 1 else "")
            featured = rng.choice([case.title, cases[(ci + 1) % len(cases)].title])
            side = widgets(featured) if rng.random() < 0.6 else ""
            content = (f'<p><font size="4"><b>{E(case.title)}</b></font></p>\n{marker}\n'
                       f"{body}\n{pager}")
            site.add(urls[p - 1], page(content, side))
        record_case(site, info, case, [{"url": u, "aliases": []} for u in urls])
    links = "\n".join(f'<li><a href="/casestudies/view.asp?id={300 + i * 3}">{E(c.title)}'
                      "</a></li>" for i, c in enumerate(cases))
    site.add(site.start_path, page(f"<h2>Case Studies</h2>\n<ul>{links}</ul>"))
    site.non_case("/default.asp", page("<p>Welcome to the society's portal.</p>"))
    label = lambda t: f"<b>{E(t)}</b>"  # noqa: E731
    for path, body in (("/about.asp", about_body(info, label)),
                       ("/meetings.asp", calendar_body()), ("/members.asp", members_body()),
                       ("/contact.asp", contact_body(info))):
        site.non_case(path, page(body))
    return site
