"""A 1997-2001 framed site (evaluate-only), written without looking at the parser.

What Netscape Composer 4.x, Claris Home Page 3 or a text editor produced for a society that
put its case studies on the web in the late nineties:

* the start page is a ``<FRAMESET>`` (``index.html``, also served as ``/``) with a navigation
  frame (``nav.html``) and a main frame showing the case list or a welcome page, and a
  ``<NOFRAMES>`` text with a link to the list; the start URL given to the crawler is the
  frameset on some sites and the list document of the main frame on others;
* case pages are standalone documents in ``cases/``: ``case07a.htm``, ``case07b.htm`` (page
  letters) or ``case7.html``/``case7_2.html`` (or ``case7_1.html`` for page 1), some with
  ``<BASE TARGET="main">``;
* uppercase tags, unquoted attributes, ``<FONT FACE=Arial SIZE=2>``, ``<CENTER>``,
  paragraphs ended by ``<BR><BR>`` or opened by ``<P>`` and never closed, lists ``<UL><LI>``
  without closing tags, tables with or without closing cells, lab values in ``<PRE>`` on
  some sites, ``<HR>`` between sections on some;
* headings as ``<B>HISTORY</B>`` (capitals), ``<FONT SIZE=+1><B>History</B></FONT>``,
  ``<H3>`` or ``<B>History:</B>``;
* navigation as image buttons with ALT text ("Previous Page", "Next Page", "Back to Case
  List") or text links, "Page 2 of 3" on some sites, titles ``Case 7 - X (2)`` or ``X``;
* ISO-8859-1 declared (meta or header) while the bytes are windows-1252 (curly quotes as
  byte 0x92), or nothing declared; on some sites ``&eacute;``-style entities and the old
  ``&#146;`` references for typographic quotes and dashes;
* hit counter, "Best viewed with Netscape Navigator 4.0" badge, "Last updated: 03/12/99",
  webmaster mailto line, the contact NOTE and the copyright at the bottom of every page;
* non-case pages: the frameset, the navigation frame, welcome, about, meetings, links,
  guidelines (listing the section names), a guestbook and its sign-in form page.
"""

from __future__ import annotations

import html
import random

from ..model import Block, CaseContent, Part, SiteInfo
from .common import (
    GIF,
    Site,
    about_body,
    calendar_body,
    draw_cases,
    draw_site,
    guidelines_body,
    note_line,
    record_case,
    restyle_headings,
)

#: Named entities of HTML 3.2/4 and the "numeric cp1252" references of the era.
ENTITIES = {"é": "&eacute;", "ö": "&ouml;", "ä": "&auml;", "ü": "&uuml;", "°": "&deg;",
            "±": "&plusmn;", "½": "&frac12;", "©": "&copy;", "’": "&#146;", "‘": "&#145;",
            "“": "&#147;", "”": "&#148;", "–": "&#150;", "—": "&#151;"}


class _Style:
    def __init__(self, rng: random.Random) -> None:
        self.tool = rng.choice(["composer", "claris", "hand"])
        self.head = rng.choice(["caps", "font", "h3", "colon"])
        self.para = rng.choice(["brbr", "p"])
        self.pre = rng.random() < 0.6
        self.hr = rng.random() < 0.5
        self.buttons = rng.random() < 0.5
        self.page_of = rng.random() < 0.5
        self.naming = rng.choice(["letter", "underscore", "underscore1"])
        self.numbered_title = rng.random() < 0.5
        self.base_target = rng.random() < 0.5
        self.charset = rng.choice(["meta-iso", "header-iso", "none", "meta-1252"])
        self.entities = rng.random() < 0.5
        self.start = rng.choice(["frameset", "list"])
        self.main_src = rng.choice(["cases.html", "welcome.html"])
        self.font = ('<FONT FACE="Arial, Helvetica" SIZE=2>' if self.tool == "composer"
                     else "<FONT FACE=Arial SIZE=2>")
        self.closed_cells = self.tool != "hand"

    def text(self, s: str) -> str:
        out = html.escape(s, quote=False)
        if self.entities:
            for ch, ent in ENTITIES.items():
                out = out.replace(ch, ent)
        return out


def _heading(style: _Style, text: str) -> str:
    t = style.text(text)
    if style.head == "caps":
        return f"<B>{t}</B><BR>" if style.para == "brbr" else f"<P><B>{t}</B><BR>"
    if style.head == "font":
        return f"<P><FONT SIZE=+1><B>{t}</B></FONT><BR>"
    if style.head == "h3":
        return f"<H3>{t}</H3>"
    return f"<P><B>{t}:</B><BR>" if style.para == "p" else f"<B>{t}:</B><BR>"


def _blocks(style: _Style, blocks: list[Block]) -> str:
    out = []
    f = style.font
    for b in blocks:
        if b.kind == "p":
            if style.para == "brbr":
                out.append(f"{f}{style.text(b.items[0])}</FONT><BR><BR>")
            else:
                out.append(f"<P>{f}{style.text(b.items[0])}</FONT>")
        elif b.kind == "lines":
            if style.pre:
                out.append("<PRE>" + "\n".join(style.text(x) for x in b.items) + "</PRE>")
            elif style.para == "brbr":
                out.append(f + "<BR>\n".join(style.text(x) for x in b.items) + "</FONT><BR><BR>")
            else:
                out.append(f"<P>{f}" + "<BR>\n".join(style.text(x) for x in b.items) + "</FONT>")
        elif b.kind == "ul":
            out.append("<UL>\n" + "\n".join(f"<LI>{f}{style.text(x)}</FONT>" for x in b.items)
                       + "\n</UL>")
        else:
            if style.closed_cells:
                rows = "\n".join("<TR>" + "".join(f"<TD>{f}{style.text(c)}</FONT></TD>"
                                                  for c in row) + "</TR>" for row in b.items)
            else:
                rows = "\n".join("<TR>" + "".join(f"<TD>{style.text(c)}" for c in row)
                                 for row in b.items)
            out.append(f"<TABLE BORDER=1 CELLPADDING=3 CELLSPACING=0>\n{rows}\n</TABLE>"
                       + ("<BR>" if style.para == "brbr" else ""))
    return "\n".join(out)


def _ref_text(style: _Style, text: str, url: str | None, rng: random.Random) -> str:
    out = style.text(text)
    if url and url in text and rng.random() < 0.5:
        out = out.replace(style.text(url), f'<A HREF="{url}">{style.text(url)}</A>')
    return out


def _refs(style: _Style, part: Part, rng: random.Random) -> str:
    n0 = part.first_ref_number
    texts = [_ref_text(style, r.text, r.url, rng) for r in part.refs]
    f = style.font
    if style.tool == "composer":
        return "<OL>\n" + "\n".join(f"<LI>{f}{t}</FONT></LI>" for t in texts) + "\n</OL>"
    if style.para == "brbr":
        return f + "<BR>\n".join(f"{n0 + i}. {t}" for i, t in enumerate(texts)) + "</FONT><BR><BR>"
    return "\n".join(f"<P>{f}{n0 + i}. {t}</FONT>" for i, t in enumerate(texts))


def _head(style: _Style, title: str, base: bool = False) -> str:
    meta = ""
    if style.charset == "meta-iso":
        meta = '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=iso-8859-1">\n'
    elif style.charset == "meta-1252":
        meta = '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=windows-1252">\n'
    if style.tool == "composer":
        meta += ('<META NAME="GENERATOR" CONTENT="Mozilla/4.7 [en] (Win98; I) [Netscape]">\n'
                 '<META NAME="Author" CONTENT="Webmaster">\n')
    extra = ""
    if style.tool == "claris":
        extra = ("<X-CLARIS-WINDOW TOP=42 BOTTOM=620 LEFT=8 RIGHT=538>\n"
                 "<X-CLARIS-TAGVIEW MODE=minimal>\n")
    target = '<BASE TARGET="main">\n' if base else ""
    doctype = ('<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n'
               if style.tool == "hand" else
               '<!doctype html public "-//w3c//dtd html 4.0 transitional//en">\n'
               if style.tool == "composer" else "")
    return (f"{doctype}<HTML>\n<HEAD>\n{meta}<TITLE>{style.text(title)}</TITLE>\n{target}{extra}"
            "</HEAD>\n")


def _body_open(up: str) -> str:
    return (f'<BODY BGCOLOR="#FFFFFF" TEXT="#000000" LINK="#0000EE" VLINK="#551A8B" '
            f'ALINK="#FF0000" BACKGROUND="{up}images/paper.gif">\n')


def _footer(style: _Style, info: SiteInfo, updated: str, email: str) -> str:
    note = note_line(info)
    lines = []
    if note:
        lines.append(f"<FONT FACE=Arial SIZE=1>{style.text(note)}</FONT>")
    if info.copyright:
        lines.append(f"<FONT FACE=Arial SIZE=1>{style.text(info.copyright)}</FONT>")
    upd = (f"<FONT SIZE=1>Last updated: {updated}<BR>\nQuestions or comments about this site? "
           f'Contact the <A HREF="mailto:{email}">webmaster</A>.</FONT>')
    return "<P>" + "<BR>\n".join(lines) + f"\n<P>{upd}\n"


def _case_urls(style: _Style, number: int, total: int) -> list[str]:
    if style.naming == "letter":
        return [f"/cases/case{number:02d}{'abcdefgh'[p]}.htm" for p in range(total)]
    if style.naming == "underscore":
        return [f"/cases/case{number}.html" if p == 0 else f"/cases/case{number}_{p + 1}.html"
                for p in range(total)]
    return [f"/cases/case{number}_{p + 1}.html" for p in range(total)]


def _nav_row(style: _Style, urls: list[str], p: int) -> str:
    rel = lambda u: u.rsplit("/", 1)[1]  # noqa: E731  (case pages link each other relatively)
    total = len(urls)
    items = []
    if style.buttons:
        if p > 1:
            items.append(f'<A HREF="{rel(urls[p - 2])}"><IMG SRC="../images/prev.gif" '
                         'ALT="Previous Page" BORDER=0 HEIGHT=31 WIDTH=88></A>')
        items.append('<A HREF="../cases.html"><IMG SRC="../images/list.gif" ALT="Back to '
                     'Case List" BORDER=0 HEIGHT=31 WIDTH=88></A>')
        if p < total:
            items.append(f'<A HREF="{rel(urls[p])}"><IMG SRC="../images/next.gif" '
                         'ALT="Next Page" BORDER=0 HEIGHT=31 WIDTH=88></A>')
        return "<CENTER>" + "&nbsp;&nbsp;".join(items) + "</CENTER>"
    if p > 1:
        items.append(f'<A HREF="{rel(urls[p - 2])}">Previous Page</A>')
    if p < total:
        items.append(f'<A HREF="{rel(urls[p])}">Next Page</A>')
    items.append('<A HREF="../cases.html">Back to Case List</A>')
    return "<CENTER><FONT FACE=Arial SIZE=2>[ " + " | ".join(items) + " ]</FONT></CENTER>"


def _serve(site: Site, style: _Style, path: str, text: str, *, case: bool = False) -> None:
    declare = style.charset == "header-iso"
    body = text.encode("windows-1252", errors="xmlcharrefreplace")
    ctype = "text/html; charset=ISO-8859-1" if declare else "text/html"
    site.pages[path] = (body, ctype, 200)
    if not case:
        site.non_case_paths.append(path)


def _case_pages(site: Site, style: _Style, info: SiteInfo, case: CaseContent, number: int,
                updated: str, email: str, rng: random.Random) -> list[str]:
    total = len(case.pages)
    urls = _case_urls(style, number, total)
    for p, parts in enumerate(case.pages, start=1):
        body = []
        for k, part in enumerate(parts):
            if style.hr and k:
                body.append("<HR WIDTH=\"50%\">" if style.tool == "claris" else "<HR>")
            if part.heading:
                body.append(_heading(style, part.heading))
            if part.kind == "references":
                body.append(_refs(style, part, rng))
            else:
                body.append(_blocks(style, part.blocks))
        if style.numbered_title:
            title = f"Case {number} - {case.title}" + (f" ({p})" if total > 1 else "")
        else:
            title = case.title
        page_of = (f"<CENTER><FONT FACE=Arial SIZE=2><I>Page {p} of {total}</I></FONT></CENTER>\n"
                   if style.page_of and total > 1 else "")
        text = (_head(style, title, base=style.base_target) + _body_open("../")
                + f"<CENTER><FONT FACE=Arial SIZE=+2 COLOR=\"#000080\"><B>"
                f"{style.text(case.title)}</B></FONT></CENTER>\n" + page_of
                + "<HR>\n" + "\n".join(body) + "\n<HR>\n" + _nav_row(style, urls, p) + "\n"
                + _footer(style, info, updated, email) + "</BODY>\n</HTML>\n")
        _serve(site, style, urls[p - 1], text, case=True)
    return urls


def _simple(style: _Style, title: str, content: str, info: SiteInfo, updated: str,
            email: str, counter: str = "") -> str:
    return (_head(style, title, base=style.base_target) + _body_open("")
            + f"<CENTER><FONT FACE=Arial SIZE=+2 COLOR=\"#000080\"><B>{style.text(title)}"
            f"</B></FONT></CENTER>\n<HR>\n{content}\n<HR>\n{counter}"
            + _footer(style, info, updated, email) + "</BODY>\n</HTML>\n")


def build_frames(rng: random.Random, n: int) -> Site:
    info = draw_site(rng)
    cases = draw_cases(rng, n, unknown_rate=0.4)
    style = _Style(rng)
    if style.head == "caps":
        restyle_headings(cases, str.upper)
    server = rng.choice(["Apache/1.3.12 (Unix)", "Netscape-Enterprise/3.6 SP3",
                         "Apache/1.3.6 (Unix) FrontPage/4.0.4.3"])
    start = "/index.html" if style.start == "frameset" else "/cases.html"
    site = Site("frames", "evaluate", start, server=server)
    updated = rng.choice(["03/12/99", "11/02/98", "06/30/2000", "01/15/01"])
    email = f"webmaster@{info.short.lower()}.org"
    first = rng.randint(1, 9)
    counter = ('<CENTER><FONT SIZE=1>You are visitor number</FONT><BR><IMG SRC="/cgi-bin/'
               'Count.cgi?df=cases.dat&amp;dd=C&amp;ft=0" ALT="hit counter" BORDER=0></CENTER>\n')
    badge = ('<CENTER><A HREF="http://home.netscape.com/comprod/mirror/index.html" '
             'TARGET="_top"><IMG SRC="images/netnow3.gif" ALT="Best viewed with Netscape '
             'Navigator 4.0" BORDER=0 HEIGHT=31 WIDTH=88></A><BR><FONT SIZE=1>Best viewed with '
             'Netscape Navigator 4.0 at 800x600</FONT></CENTER>\n')

    listing = []
    for ci, case in enumerate(cases):
        number = first + ci
        urls = _case_pages(site, style, info, case, number, updated, email, rng)
        record_case(site, info, case, [{"url": u, "aliases": []} for u in urls])
        pages = f" ({len(urls)} pages)" if len(urls) > 1 else ""
        listing.append(f'<LI><A HREF="{urls[0].lstrip("/")}">Case {number}: '
                       f"{style.text(case.title)}</A>{pages}")
    intro = (f"<P>{style.font}The following case studies were presented at meetings of the "
             f"{style.text(info.name)}. Click on a case to read it; each case is several pages "
             "long.</FONT>\n")
    new = '<IMG SRC="images/new.gif" ALT="New!" BORDER=0>' if rng.random() < 0.5 else ""
    _serve(site, style, "/cases.html", _simple(
        style, "Case Studies", intro + "<UL>\n" + "\n".join(listing) + f"\n</UL>\n{new}",
        info, updated, email, counter))

    nav_items = [("welcome.html", "Welcome"), ("cases.html", "Case Studies"),
                 ("meetings.html", "Meetings"), ("about.html", "About Us"),
                 ("guidelines.html", "Submit a Case"), ("links.html", "Links"),
                 ("guestbook.html", "Guestbook")]
    nav = "<BR>\n".join(f'<A HREF="{h}" TARGET="main"><FONT FACE=Arial SIZE=2>{t}</FONT></A>'
                        for h, t in nav_items)
    _serve(site, style, "/nav.html", _head(style, "Navigation")
           + '<BODY BGCOLOR="#000080" TEXT="#FFFFFF" LINK="#FFFF00" VLINK="#FFFF99">\n'
           f'<CENTER><IMG SRC="images/logo.gif" ALT="{style.text(info.short)}" WIDTH=120 '
           f"HEIGHT=80></CENTER><P>\n{nav}\n<P><A HREF=\"index.html\" TARGET=\"_top\">"
           "<FONT FACE=Arial SIZE=1>Home</FONT></A>\n</BODY>\n</HTML>\n")
    frameset = (_head(style, info.name)
                + '<FRAMESET COLS="160,*" BORDER=0 FRAMEBORDER=NO FRAMESPACING=0>\n'
                '<FRAME SRC="nav.html" NAME="nav" SCROLLING=AUTO NORESIZE MARGINWIDTH=4>\n'
                f'<FRAME SRC="{style.main_src}" NAME="main" SCROLLING=AUTO>\n<NOFRAMES>\n<BODY>\n'
                f"<P>This site uses frames, but your browser does not support them. "
                f'<A HREF="cases.html">Go to the list of case studies</A> or '
                f'<A HREF="welcome.html">the welcome page</A>.\n</BODY>\n</NOFRAMES>\n'
                "</FRAMESET>\n</HTML>\n")
    _serve(site, style, "/index.html", frameset)
    _serve(site, style, "/", frameset)

    label = lambda t: f"<B>{style.text(t)}</B>"  # noqa: E731
    welcome = (f"<P>{style.font}Welcome to the web site of the {style.text(info.name)}! "
               'Here you will find our <A HREF="cases.html">case studies</A>, upcoming '
               "meetings and links to other sports medicine resources.</FONT>\n" + badge)
    links = ("<UL>\n<LI><A HREF=\"http://www.example.org/acsm/\">American College of Sports "
             "Medicine</A>\n<LI><A HREF=\"http://www.example.org/physsportsmed/\">The Physician "
             "and Sportsmedicine</A>\n<LI><A HREF=\"http://www.example.org/medline/\">Medline"
             "</A>\n</UL>")
    guestbook = ("<P><A HREF=\"sign.html\">Sign our guestbook!</A>\n<HR>\n"
                 "<P><B>Name:</B> Dr. R. Alvarez<BR><B>From:</B> Tucson, AZ<BR>"
                 "<B>Comments:</B> Great cases, very useful for our residents.<BR>"
                 "<I>Date: 04/02/99</I>\n<HR>\n<P><B>Name:</B> Kim T.<BR><B>From:</B> Ohio<BR>"
                 "<B>Comments:</B> When will the next case be posted?<BR><I>Date: 02/11/99</I>")
    sign = ('<FORM METHOD=POST ACTION="/cgi-bin/guestbook.pl">\n<P>Name: <INPUT NAME=name '
            "SIZE=30><BR>\nE-mail: <INPUT NAME=email SIZE=30><BR>\nComments:<BR><TEXTAREA "
            'NAME=comments ROWS=5 COLS=40></TEXTAREA><BR>\n<INPUT TYPE=submit VALUE="Sign">'
            '</FORM>\n<P><A HREF="guestbook.html">Back to the guestbook</A>')
    for path, title, content in [
            ("/welcome.html", "Welcome", welcome),
            ("/about.html", "About Us", about_body(info, label)),
            ("/meetings.html", "Meetings", calendar_body()),
            ("/guidelines.html", "Case Submission Guidelines", guidelines_body(label)),
            ("/links.html", "Links", links),
            ("/guestbook.html", "Guestbook", guestbook),
            ("/sign.html", "Sign the Guestbook", sign)]:
        _serve(site, style, path, _simple(style, title, content, info, updated, email,
                                          counter if path == "/welcome.html" else ""))
    for img in ["paper", "prev", "next", "list", "logo", "netnow3", "new"]:
        site.pages[f"/images/{img}.gif"] = (GIF, "image/gif", 200)
    site.pages["/cgi-bin/Count.cgi?df=cases.dat&dd=C&ft=0"] = (GIF, "image/gif", 200)
    return site
