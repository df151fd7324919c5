"""A medical society's case studies in a Lotus Notes/Domino database, R5-R6 (1999-2006)
(evaluate-only), written without looking at the parser.

What a hospital's or society's Domino server printed for a ``cases.nsf`` put on the web:

* URLs in Domino's command syntax: the database ``/web/cases.nsf`` (or another path), views
  ``CasesByTitle?OpenView`` with ``&Start=1&Count=30`` paging or a categorized view with
  twisties (``&Expand=3#3``, ``&ExpandView``, ``&CollapseView``), documents by universal id
  (``/web/cases.nsf/0/8F3A...?OpenDocument``, 32 hex digits; ``!OpenDocument`` on some
  sites), by view UNID and document UNID as views and doclinks print them (lower-case hex),
  or by page-document key (``/web/cases.nsf/vwCases/KneePain2?OpenDocument``);
* each page of a case is a Notes document of its own; its pages link each other by text
  links ("<< Previous Page", "Next Page >>"), by a numbered row, by a rich-text doclink icon
  (``/icons/doclink.gif``) after a typed "Continue on page 2", or by an R5 action bar of
  ``_doClick`` buttons beside a plain "Go to page" row;
* Domino's generated HTML: R5 upper-case unquoted tags (``<FONT SIZE=2 FACE="Arial">``), R6
  lower-case quoted ones with ``face="sans-serif"``; ``<FORM METHOD=post ACTION="...&Seq=1">``
  around the whole body with ``<INPUT TYPE=hidden>`` fields (``__Click``, the page number, the
  case title), the ``_doClick`` script, layout tables, rich text as ``<BR>``-ended paragraphs
  with a blank ``<BR>`` between them, ``<UL><LI>`` lists without closing tags, Notes tables
  with ``/icons/ecblank.gif`` spacers;
* a left outline (table of links with ``ecblank.gif`` indents) or an image-map navigator;
* the window title as the form's formula computed it (``X - Page #N``, ``X - Page N``, or the
  database title), a computed-text heading over the body, "Last modified: 03/14/2002
  10:22:15 AM" under it;
* headings as each author typed them in rich text: bold with a colon, capitals in a larger
  font, ``<FONT SIZE=+1>`` colour, bold underlined, or a run-in bold label;
* the "Return To The Case Studies List" link, the contact NOTE and the © block (with the
  society's address lines and a site credit on some sites) on every case page;
* Domino's own non-case pages: the home page (``?OpenDatabase`` and the ``Home?OpenPage``
  page), view pages, a full-text search result view (``?SearchView&Query=knee``) whose
  document links carry ``&Highlight=0,knee`` (aliases of the case pages), the
  ``$$ViewTemplateDefault`` form opened by a stale outline entry on some sites, the login
  form (``?Login``), "About This Database" (``$about?OpenAbout``) with "History:" lines,
  "Using This Database" (``$help?OpenHelp``), submission guidelines and contact documents
  (Notes documents like the cases), a meetings view, and a soft 404 ("Error 404 - Entry not
  found in index", status 200 from a ``$$ReturnGeneralError`` form, or Domino's stock 404)
  for a dead "Case of the Month" link;
* ISO-8859-1 declared with windows-1252 bytes, windows-1252, or R6's US-ASCII with numeric
  character references.
"""

from __future__ import annotations

import html
import random
import re

from ..model import Block, CaseContent, Part, SiteInfo
from .common import (
    GIF,
    E,
    Site,
    about_body,
    calendar_body,
    contact_body,
    draw_cases,
    draw_site,
    guidelines_body,
    note_line,
    record_case,
    restyle_headings,
)

ICONS = ["ecblank", "expand", "collapse", "doclink", "vwicn005", "vwicn043", "actn010"]
STOP = {"a", "an", "the", "in", "of", "that", "would", "not", "after", "to", "and"}
HEAD_STYLES = ["bold_colon", "caps", "plus1", "underline", "runin"]
DOCLICK_JS = """<SCRIPT LANGUAGE="JavaScript">
<!--
document._domino_target = "_self";
function _doClick(v, o, t, h) {
  var form = document.{form};
  if (form.onsubmit) {
     var retVal = form.onsubmit();
     if (typeof retVal == "boolean" && retVal == false)
       return false;
  }
  var target = document._domino_target;
  if (o.href != null) {
    if (o.target != null)
       target = o.target;
  } else {
    if (t != null)
      target = t;
  }
  form.target = target;
  form.__Click.value = v;
  if (h != null)
    form.action += h;
  form.submit();
  return false;
}
// -->
</SCRIPT>"""


def _r6(markup: str) -> str:
    """Domino 6 output: lower-case tag and attribute names, quoted attribute values."""
    def attr(m: re.Match) -> str:
        value = m.group(2)
        if value[0] not in "\"'":
            value = f'"{value}"'
        return f"{m.group(1).lower()}={value}"

    def tag(m: re.Match) -> str:
        token = m.group(0)
        if token.startswith("<!"):
            return token
        head = re.match(r"</?[A-Za-z0-9]+", token).group(0)
        rest = re.sub(r"([A-Za-z_-]+)=(\"[^\"]*\"|'[^']*'|[^\s>\"']+)", attr, token[len(head):])
        rest = re.sub(r"(?<=\s)(NORESIZE|NOWRAP|NOSHADE|SELECTED|CHECKED)\b",
                      lambda x: x.group(0).lower(), rest)
        return head.lower() + rest
    return re.sub(r"<!--.*?-->|<[^<>]+>", tag, markup, flags=re.S)


def _unid(rng: random.Random) -> str:
    """A Notes universal id: 32 hex digits (originator file and note ids)."""
    return (f"{rng.choice(['85256', '85257', '86256', '05256'])}{rng.getrandbits(44):011X}"
            f"{rng.getrandbits(64):016X}")


def _case_key(title: str, used: set[str]) -> str:
    words = [w for w in re.findall(r"[A-Za-z]+", title) if w.lower() not in STOP]
    roman = [w for w in words if re.fullmatch(r"[IVX]+", w)]
    base = "".join([w.capitalize() for w in words if w not in roman][:3]) + "".join(roman)
    key, k = base, 2
    while key in used:
        key, k = f"{base}{k}", k + 1
    used.add(key)
    return key


class _Style:
    """One Domino site: its release, database path, URL habits, navigation and furniture."""

    def __init__(self, rng: random.Random) -> None:
        self.release = rng.choice(["R5", "R5", "R6"])
        self.db = rng.choice(["/web/cases.nsf", "/web/cases.nsf", "/cases.nsf",
                              "/educ/casestud.nsf", "/smed/casestudies.nsf"])
        self.face = "sans-serif" if self.release == "R6" else rng.choice(
            ["Arial", "Arial", "Verdana", "Times New Roman"])
        self.font = f'<FONT SIZE=2 FACE="{self.face}">'
        self.link_form = rng.choice(["unid0", "unid0_bang", "viewunid", "key", "key_bang"])
        self.key_pattern = rng.choice(["{key}{p}", "{key}-{p}", "{key}Page{p}",
                                       "case{num:02d}p{p}"])
        self.key_p1_bare = rng.random() < 0.5
        self.key_view = rng.choice(["vwCases", "vwCases", "Pages", "PagesByKey"])
        self.view = rng.choice(["CasesByTitle", "CasesByTitle", "Cases", "vwCaseList"])
        self.view_kind = rng.choice(["flat", "categorized"])
        self.count = rng.choice([5, 10, 30])
        self.nav = rng.choice(["arrows", "numbers", "doclink", "actionbar"])
        self.title = rng.choice(["pound", "pound", "dash", "generic"])
        self.outline = rng.choice(["outline", "outline", "imagemap"])
        self.charset = ("ascii" if self.release == "R6" and rng.random() < 0.5
                        else rng.choice(["iso", "1252"]))
        self.head_default = rng.choice(HEAD_STYLES)
        self.ref_style = rng.choice(["numbered", "ol"])
        self.address_block = rng.random() < 0.6
        self.credit = rng.choice([None, "Website created by the computer geek",
                                  "Site designed by MedWeb Solutions, Inc."])
        self.stale_template = rng.random() < 0.5
        self.soft404_status = 200 if rng.random() < 0.7 else 404
        self.highlight = rng.random() < 0.6
        self.query = rng.choice(["knee", "pain", "shoulder", "ankle"])
        self.return_text = rng.choice(["Return To The Case Studies List",
                                       "Return to the Case Studies list", "Back to Case Index"])
        self.start = rng.choice(["view", "view", "database", "home"])

    def t(self, s: str) -> str:
        return E(s)

    def a(self, s: str) -> str:
        return html.escape(s, quote=True)


class _Domino:
    """The site: serves documents in the site's encoding and wraps them in the form chrome."""

    def __init__(self, rng: random.Random, info: SiteInfo, site: Site, style: _Style) -> None:
        self.rng, self.info, self.site, self.s = rng, info, site, style
        self.view_unid = _unid(rng).lower()
        self.pages_view_unid = (self.view_unid if style.view_kind == "categorized"
                                and rng.random() < 0.5 else _unid(rng).lower())
        db = style.db
        self.view_url = f"{db}/{style.view}?OpenView"
        self.home_url = f"{db}/Home?OpenPage"
        self.about_url = f"{db}/$about?OpenAbout"
        self.help_url = f"{db}/$help?OpenHelp"
        self.login_url = f"{db}?Login"
        self.search_url = f"{db}/{style.view}?SearchView&Query={style.query}"
        self.template_url = f"{db}/$$ViewTemplateDefault?OpenForm"
        self.meetings_url = f"{db}/Meetings?OpenView"
        self.dead_url = f"{db}/vwCases/CaseOfTheMonth?OpenDocument"
        self.guide_unid = _unid(rng)
        self.contact_unid = _unid(rng)
        self.guide_url = f"{db}/0/{self.guide_unid}?OpenDocument"
        self.contact_url = f"{db}/0/{self.contact_unid}?OpenDocument"

    # --- serving --------------------------------------------------------------------------

    def serve(self, path: str, markup: str, *, non_case: bool, status: int = 200) -> None:
        s = self.s
        if s.release == "R6":
            markup = _r6(markup)
        if s.charset == "ascii":
            body, ctype = markup.encode("ascii", "xmlcharrefreplace"), "text/html; charset=US-ASCII"
        elif s.charset == "iso":
            body = markup.encode("windows-1252", "xmlcharrefreplace")
            ctype = "text/html; charset=ISO-8859-1"
        else:
            body = markup.encode("windows-1252", "xmlcharrefreplace")
            ctype = "text/html; charset=windows-1252"
        self.site.pages[path] = (body, ctype, status)
        if non_case:
            self.site.non_case_paths.append(path)

    # --- chrome ---------------------------------------------------------------------------

    def outline(self) -> str:
        s = self.s
        entries = [(0, self.home_url, "Home"), (0, self.view_url, "Case Studies"),
                   (1, f"{self.view_url}&Start=1&Count={s.count}" if s.view_kind == "flat"
                    else f"{self.view_url}&ExpandView", "All Cases"),
                   (1, self.search_url, f"Cases about {s.query}"),
                   (0, self.guide_url, "Submit a Case"), (0, self.meetings_url, "Meetings"),
                   (0, self.about_url, "About This Database"), (0, self.help_url, "Help"),
                   (0, self.contact_url, "Contact Us"), (0, self.login_url, "Members Login")]
        if s.stale_template:
            entries.insert(3, (1, self.template_url, "Browse"))
        if s.outline == "imagemap":
            areas = "\n".join(f'<AREA SHAPE=rect COORDS="4,{8 + 22 * i},146,{26 + 22 * i}" '
                              f'HREF="{h}" ALT="{s.a(t)}">' for i, (_, h, t) in enumerate(entries))
            return (f'<MAP NAME="_Main_Map">\n{areas}\n</MAP>\n<IMG SRC="{s.db}/Main/$Navigator/'
                    '0.1A2?OpenElement&FieldElemFormat=gif" USEMAP="#_Main_Map" BORDER=0 '
                    'WIDTH=150 HEIGHT=240 ALT="">\n')
        rows = []
        for level, href, text in entries:
            indent = ('<IMG SRC="/icons/ecblank.gif" BORDER=0 HEIGHT=1 WIDTH=16 ALT="">'
                      * (level + 1))
            rows.append(f'<TR VALIGN=top><TD NOWRAP>{indent}<A HREF="{h(href)}" '
                        f'TARGET="_self"><FONT SIZE=1 FACE="{s.face}">{s.t(text)}</FONT></A>'
                        "</TD></TR>")
        return ('<TABLE BORDER=0 CELLSPACING=0 CELLPADDING=2 WIDTH="100%">\n'
                + "\n".join(rows) + "\n</TABLE>\n")

    def copyright_block(self) -> str:
        s, info = self.s, self.info
        lines = []
        if info.copyright:
            lines.append(s.t(info.copyright))
            c = info.contact
            if c is not None and s.address_block:
                lines += [s.t(c.street), s.t(f"{c.city}, {c.state} {c.postal_code}"),
                          s.t(f"Phone: {c.phone}")]
        out = f"<FONT SIZE=1 FACE=\"{s.face}\">" + "<BR>\n".join(lines) + "</FONT><BR>\n" \
            if lines else ""
        if s.credit:
            out += f"<BR>\n<FONT SIZE=1 FACE=\"{s.face}\"><I>{s.t(s.credit)}</I></FONT><BR>\n"
        return out

    def page(self, title: str, form: str, action: str, content: str,
             hidden: list[tuple[str, str]]) -> str:
        s = self.s
        inputs = "".join(f'<INPUT TYPE=hidden NAME="{n}" VALUE="{s.a(v)}">' for n, v in hidden)
        doctype = ('<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">\n'
                   if s.release == "R6" else "")
        return (f"{doctype}<HTML>\n<HEAD>\n<TITLE>{s.t(title)}</TITLE>"
                + DOCLICK_JS.replace("{form}", f"_{form}") + "\n</HEAD>\n"
                '<BODY TEXT="000000" BGCOLOR="FFFFFF" LINK="0000FF" VLINK="800080">\n\n'
                f'<FORM METHOD=post ACTION="{h(action)}" NAME="_{form}">\n'
                '<INPUT TYPE=hidden NAME="__Click" VALUE="0">'
                f"{inputs}\n"
                '<TABLE BORDER=0 CELLSPACING=0 CELLPADDING=0>\n<TR VALIGN=top>'
                '<TD WIDTH="160" BGCOLOR="E0E8F0">'
                f'<IMG SRC="/icons/ecblank.gif" BORDER=0 HEIGHT=1 WIDTH=160 ALT=""><BR>\n'
                f'<FONT SIZE=2 FACE="{s.face}" COLOR="003366"><B>{s.t(self.info.short)}'
                f"</B></FONT><BR>\n{self.outline()}</TD>"
                '<TD WIDTH="12"><IMG SRC="/icons/ecblank.gif" BORDER=0 HEIGHT=1 WIDTH=12 ALT="">'
                '</TD><TD WIDTH="600">\n'
                f"{content}\n</TD></TR>\n</TABLE>\n</FORM>\n</BODY>\n</HTML>\n")

    def stamp(self) -> str:
        r = self.rng
        when = (f"{r.randint(1, 12):02d}/{r.randint(1, 28):02d}/{r.choice(range(1999, 2007))} "
                f"{r.randint(1, 12):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d} "
                f"{r.choice(['AM', 'PM'])}")
        return (f'<FONT SIZE=1 FACE="{self.s.face}" COLOR="808080">Last modified: {when}'
                "</FONT><BR>\n")

    def simple(self, path: str, title: str, content: str, form: str = "Document",
               status: int = 200) -> None:
        s = self.s
        body = (f'<FONT SIZE=4 FACE="{s.face}" COLOR="003366"><B>{s.t(title)}</B></FONT><BR>\n'
                f"<BR>\n{content}\n<BR>\n<HR SIZE=1>\n{self.copyright_block()}")
        self.serve(path, self.page(title, form, path.split("?", 1)[0] + "?OpenForm&Seq=1", body,
                                   []), non_case=True, status=status)


def h(url: str) -> str:
    """An href as Domino wrote it: ampersands raw."""
    return url


# --- Rich text ------------------------------------------------------------------------------

def _rt_blocks(s: _Style, blocks: list[Block], lead: str = "") -> str:
    """Rich text: ``<BR>``-ended paragraphs with a blank ``<BR>`` between them. ``lead`` is a
    run-in label put before the first paragraph."""
    f = s.font
    out = []
    for i, b in enumerate(blocks):
        pre = lead if i == 0 else ""
        if b.kind == "p":
            out.append(f"{pre}{f}{s.t(b.items[0])}</FONT><BR>\n<BR>")
        elif b.kind == "lines":
            out.append(pre + f + "<BR>\n".join(s.t(x) for x in b.items) + "</FONT><BR>\n<BR>")
        elif b.kind == "ul":
            out.append(pre + "<UL>\n" + "\n".join(f"<LI>{f}{s.t(x)}</FONT>" for x in b.items)
                       + "</UL>")
        else:
            width = 600 // max(len(b.items[0]), 1)
            rows = "\n".join('<TR VALIGN=top>' + "".join(
                f'<TD WIDTH="{width}">{f}{s.t(c)}</FONT></TD>' for c in row) + "</TR>"
                for row in b.items)
            out.append(f"{pre}<TABLE BORDER=1 CELLSPACING=0 CELLPADDING=0>\n{rows}\n</TABLE>\n<BR>")
    return "\n".join(out)


def _rt_heading(s: _Style, style: str, text: str) -> str:
    t = s.t(text)
    if style == "bold_colon" or style == "runin":
        return f"<B>{s.font}{t}:</FONT></B><BR>"
    if style == "caps":
        return f'<FONT SIZE=3 FACE="{s.face}"><B>{t}</B></FONT><BR>'
    if style == "plus1":
        return f'<FONT SIZE=+1 FACE="{s.face}" COLOR="#000080"><B>{t}</B></FONT><BR>'
    return f"<B><U>{s.font}{t}</FONT></U></B><BR>"


def _rt_refs(s: _Style, part: Part, rng: random.Random) -> str:
    f = s.font
    n0 = part.first_ref_number
    texts = []
    for r in part.refs:
        t = s.t(r.text)
        if r.url and r.url in r.text and rng.random() < 0.5:
            t = t.replace(s.t(r.url), f'<A HREF="{s.a(r.url)}" TARGET="_blank">{s.t(r.url)}</A>')
        texts.append(t)
    if n0 == 0:
        return "<UL>\n" + "\n".join(f"<LI>{f}{t}</FONT>" for t in texts) + "</UL>"
    if s.ref_style == "ol":
        return "<OL>\n" + "\n".join(f"<LI>{f}{t}</FONT>" for t in texts) + "</OL>"
    return "\n".join(f"{f}{n0 + i}. {t}</FONT><BR>" for i, t in enumerate(texts)) + "\n<BR>"


def _rt_body(s: _Style, parts: list[Part], head: str, rng: random.Random) -> str:
    out = []
    for part in parts:
        if part.kind == "references":
            if part.heading:
                out.append(_rt_heading(s, "runin" if head == "runin" else head, part.heading))
            out.append(_rt_refs(s, part, rng))
            continue
        if head == "runin" and part.heading and part.blocks[0].kind == "p":
            lead = f"<B>{s.font}{s.t(part.heading)}:</FONT></B>{s.font} </FONT>"
            out.append(_rt_blocks(s, part.blocks, lead))
            continue
        if part.heading:
            out.append(_rt_heading(s, head, part.heading))
        out.append(_rt_blocks(s, part.blocks))
    return "\n".join(out)


# --- Case documents -------------------------------------------------------------------------

def _page_nav(dom: _Domino, urls: list[str], p: int) -> tuple[str, str]:
    """(top, bottom) navigation of page ``p`` of a case whose pages are at ``urls``."""
    s = dom.s
    total = len(urls)
    f = f'<FONT SIZE=2 FACE="{s.face}">'
    if total == 1:
        return "", ""
    if s.nav == "arrows":
        items = []
        if p > 1:
            items.append(f'<A HREF="{h(urls[p - 2])}">&lt;&lt; Previous Page</A>')
        if p < total:
            items.append(f'<A HREF="{h(urls[p])}">Next Page &gt;&gt;</A>')
        return "", f"<DIV ALIGN=center>{f}" + " &nbsp;|&nbsp; ".join(items) + "</FONT></DIV>\n"
    if s.nav == "numbers":
        nums = " ".join(f"<B>{k}</B>" if k == p else f'<A HREF="{h(u)}">{k}</A>'
                        for k, u in enumerate(urls, start=1))
        nxt = f' &nbsp; <A HREF="{h(urls[p])}">Next Page &gt;&gt;</A>' if p < total else ""
        return "", f"<DIV ALIGN=center>{f}Page: {nums}{nxt}</FONT></DIV>\n"
    if s.nav == "doclink":
        def icon(u: str) -> str:
            return (f'<A HREF="{h(u)}"><IMG SRC="/icons/doclink.gif" BORDER=0 HEIGHT=11 '
                    "WIDTH=16></A>")
        lines = []
        if p < total:
            lines.append(f"{s.font}Continue on page {p + 1} </FONT>{icon(urls[p])}<BR>")
        if p > 1:
            lines.append(f"{s.font}Back to page {p - 1} </FONT>{icon(urls[p - 2])}<BR>")
        return "", "\n".join(lines) + "\n<BR>\n"
    # R5 action bar with _doClick buttons, and a plain "Go to page" row
    rng = dom.rng
    base = f"{rng.getrandbits(64):016X}.{rng.getrandbits(32):08x}"
    acts = []
    if p > 1:
        acts.append(("Previous Page", "0.1A2"))
    if p < total:
        acts.append(("Next Page", "0.2B6"))
    acts.append(("Case List", "0.3C4"))
    cells = "".join(f'<TD NOWRAP><A HREF="" onClick="return _doClick(\'{base}/$Body/{code}\', '
                    f"this, null)\"><IMG SRC=\"/icons/actn010.gif\" BORDER=0 HEIGHT=16 WIDTH=16 "
                    f'ALT=""> {f}{name}</FONT></A></TD>' for name, code in acts)
    bar = (f'<TABLE BORDER=1 CELLSPACING=2 CELLPADDING=2><TR VALIGN=middle>{cells}</TR>'
           "</TABLE>\n<HR>\n")
    nums = " ".join(f"<B>[{k}]</B>" if k == p else f'<A HREF="{h(u)}">[{k}]</A>'
                    for k, u in enumerate(urls, start=1))
    return bar, f"{f}Go to page: {nums}</FONT><BR>\n"


def _case_docs(dom: _Domino, case: CaseContent, num: int, key: str, rng: random.Random,
               head: str, search_hits: list[tuple[str, int, str]]) -> list[dict]:
    s, info, db = dom.s, dom.info, dom.s.db
    total = len(case.pages)
    unids = [_unid(rng) for _ in range(total)]
    keys = [key if (p == 1 and s.key_p1_bare) else
            s.key_pattern.format(key=key, p=p, num=num) for p in range(1, total + 1)]
    forms = {"unid0": [f"{db}/0/{u}?OpenDocument" for u in unids],
             "unid0_bang": [f"{db}/0/{u}!OpenDocument" for u in unids],
             "viewunid": [f"{db}/{dom.pages_view_unid}/{u.lower()}?OpenDocument" for u in unids],
             "key": [f"{db}/{s.key_view}/{k}?OpenDocument" for k in keys],
             "key_bang": [f"{db}/{s.key_view}/{k}!OpenDocument" for k in keys]}
    urls = forms[s.link_form]
    listed = [f"{db}/{dom.view_unid}/{u.lower()}?OpenDocument" for u in unids]
    note = note_line(info)
    pages = []
    for p, parts in enumerate(case.pages, start=1):
        top, bottom = _page_nav(dom, urls, p)
        if s.title == "pound":
            title = f"{case.title} - Page #{p}"
        elif s.title == "dash":
            title = f"{case.title} - Page {p}"
        else:
            title = f"{info.short} Case Studies"
        computed = (f'<FONT SIZE=4 FACE="{s.face}" COLOR="003366"><B>{s.t(case.title)} - Page #{p}'
                    "</B></FONT><BR>\n" if s.title != "dash" else
                    f'<FONT SIZE=4 FACE="{s.face}" COLOR="003366"><B>{s.t(case.title)}</B>'
                    f'</FONT><BR>\n<FONT SIZE=1 FACE="{s.face}">Page {p} of {total}</FONT><BR>\n')
        body = _rt_body(s, parts, head, rng)
        nav_in_text = s.nav == "doclink"
        foot = [f'<A HREF="{h(dom.view_url)}">{s.t(s.return_text)}</A>.<BR>\n<BR>\n']
        if note:
            foot.append(f"<BR>\n{s.font}{s.t(note)}</FONT><BR>\n")
        content = (top + computed + dom.stamp() + "<HR SIZE=1>\n" + body + "\n"
                   + (bottom if nav_in_text else "<BR>\n" + bottom) + "<BR>\n"
                   + "".join(foot) + "<BR>\n" + dom.copyright_block())
        action = urls[p - 1].replace("!OpenDocument", "?OpenDocument").replace(
            "?OpenDocument", "?EditDocument&Seq=1")
        hidden = [("CaseTitle", case.title), ("PageNo", str(p)), ("PageCount", str(total)),
                  ("CaseKey", key)]
        markup = dom.page(title, "CasePage", action, content, hidden)
        served = [urls[p - 1]]
        if s.view_kind == "categorized" or p == 1:
            served.append(listed[p - 1])
        text = (" ".join(x.heading or "" for x in parts) + " " + " ".join(
            " ".join(map(str, b.items)) for x in parts for b in x.blocks) + " " + " ".join(
            r.text for x in parts for r in x.refs)).lower()
        if s.query in text:
            hit = f"{db}/{dom.view_unid}/{unids[p - 1].lower()}?OpenDocument"
            if s.highlight:
                hit += f"&Highlight=0,{s.query}"
            served.append(hit)
            search_hits.append((hit, p, case.title))
        served = list(dict.fromkeys(served))
        for u in served:
            dom.serve(u, markup, non_case=False)
        pages.append({"url": served[0], "aliases": served[1:]})
    return pages


# --- Views ----------------------------------------------------------------------------------

def _listed(dom: _Domino, page: dict) -> str:
    """The URL a view prints for a page document: view UNID and document UNID."""
    return next(u for u in [page["url"], *page["aliases"]]
                if f"/{dom.view_unid}/" in u and "Highlight" not in u)


def _view_table(s: _Style, head: list[str], rows: list[str]) -> str:
    ths = "".join(f'<TH NOWRAP ALIGN=LEFT><FONT SIZE=2 FACE="{s.face}"><B>{s.t(x)}</B></FONT>'
                  "</TH>" for x in head)
    return ("<TABLE BORDER=0 CELLPADDING=2 CELLSPACING=0>\n"
            f'<TR><TH><IMG SRC="/icons/ecblank.gif" BORDER=0 HEIGHT=1 WIDTH=16 ALT=""></TH>{ths}'
            "</TR>\n" + "\n".join(rows) + "\n</TABLE>\n")


def _views(dom: _Domino, entries: list[tuple[CaseContent, list[dict], str]]) -> None:
    s, db = dom.s, dom.s.db
    f = f'<FONT SIZE=2 FACE="{s.face}">'
    blank = '<IMG SRC="/icons/ecblank.gif" BORDER=0 HEIGHT=16 WIDTH=16 ALT="">'
    view = dom.view_url
    intro = (f"{f}Case studies presented by members of the {s.t(dom.info.name)}. Click a "
             "title to read the case.</FONT><BR>\n<BR>\n")
    if s.view_kind == "flat":
        per = s.count
        chunks = [entries[i:i + per] for i in range(0, len(entries), per)]
        for k, chunk in enumerate(chunks):
            rows = []
            for case, pages, date in chunk:
                link = _listed(dom, pages[0])
                rows.append(f"<TR VALIGN=top><TD>{blank}</TD><TD NOWRAP>{f}{date}</FONT></TD>"
                            f'<TD><A HREF="{h(link)}">{f}{s.t(case.title)}</FONT></A></TD>'
                            f'<TD ALIGN=right>{f}{len(pages)}</FONT></TD></TR>')
            start = k * per + 1
            nav = []
            if k:
                nav.append(f'<A HREF="{h(view)}&Start={start - per}&Count={per}">'
                           '<IMG SRC="/icons/vwicn043.gif" BORDER=0 ALT="">Previous</A>')
            if k + 1 < len(chunks):
                nav.append(f'<A HREF="{h(view)}&Start={start + per}&Count={per}">Next'
                           '<IMG SRC="/icons/vwicn005.gif" BORDER=0 ALT=""></A>')
            content = (f'<FONT SIZE=4 FACE="{s.face}" COLOR="003366"><B>Case Studies</B></FONT>'
                       f"<BR>\n<BR>\n{intro}" + (f"{f}" + " | ".join(nav) + "</FONT><BR>\n"
                                                 if nav else "")
                       + _view_table(s, ["Date", "Case Title", "Pages"], rows)
                       + (f"{f}" + " | ".join(nav) + "</FONT><BR>\n" if nav else "")
                       + "<HR SIZE=1>\n" + dom.copyright_block())
            markup = dom.page("Case Studies", "$$ViewTemplateDefault",
                              f"{db}/{s.view}?OpenView&Seq=1", content, [])
            paths = [f"{view}&Start={start}&Count={per}"]
            if k == 0:
                paths.append(view)
            for path in paths:
                dom.serve(path, markup, non_case=True)
        return
    # categorized: one category per case (the case title), the page documents under it
    n = len(entries)

    def render(expanded: set[int], mode: str) -> str:
        rows = []
        for i, (case, pages, date) in enumerate(entries, start=1):
            if i in expanded:
                tw = (f'<A HREF="{h(view)}&Start=1&Count=30&Collapse={i}#{i}" TARGET="_self">'
                      f'<IMG SRC="/icons/collapse.gif" BORDER=0 HEIGHT=16 WIDTH=16 '
                      f'ALT="Hide details for {s.a(case.title)}"></A>')
            else:
                tw = (f'<A HREF="{h(view)}&Start=1&Count=30&Expand={i}#{i}" TARGET="_self">'
                      f'<IMG SRC="/icons/expand.gif" BORDER=0 HEIGHT=16 WIDTH=16 '
                      f'ALT="Show details for {s.a(case.title)}"></A>')
            rows.append(f'<TR VALIGN=top><TD COLSPAN=3 NOWRAP><A NAME="{i}"></A>{tw}'
                        f"{f}<B>{s.t(case.title)}</B></FONT></TD></TR>")
            if i in expanded:
                for p, page in enumerate(pages, start=1):
                    link = _listed(dom, page)
                    rows.append(f"<TR VALIGN=top><TD>{blank}</TD><TD>{blank}<A HREF="
                                f'"{h(link)}">{f}Page #{p}</FONT></A></TD><TD>{f}{date}</FONT>'
                                "</TD></TR>")
        toggle = (f'<A HREF="{h(view)}&CollapseView">Collapse All</A>' if mode == "all"
                  else f'<A HREF="{h(view)}&ExpandView">Expand All</A>')
        return (f'<FONT SIZE=4 FACE="{s.face}" COLOR="003366"><B>Case Studies by Title</B>'
                f"</FONT><BR>\n<BR>\n{intro}{f}{toggle}</FONT><BR>\n"
                + _view_table(s, ["Case Title", "Submitted"], rows)
                + "<HR SIZE=1>\n" + dom.copyright_block())

    def put(path: str, expanded: set[int], mode: str) -> None:
        dom.serve(path, dom.page("Case Studies", "$$ViewTemplateDefault",
                                 f"{db}/{s.view}?OpenView&Seq=1", render(expanded, mode), []),
                  non_case=True)

    put(view, set(), "none")
    put(f"{view}&CollapseView", set(), "none")
    put(f"{view}&ExpandView", set(range(1, n + 1)), "all")
    for i in range(1, n + 1):
        put(f"{view}&Start=1&Count=30&Expand={i}", {i}, "one")
        put(f"{view}&Start=1&Count=30&Collapse={i}", set(), "none")


def _search(dom: _Domino, hits: list[tuple[str, int, str]]) -> None:
    s = dom.s
    f = f'<FONT SIZE=2 FACE="{s.face}">'
    rows = "\n".join(f'<TR VALIGN=top><TD>{f}{k}.</FONT></TD><TD><IMG SRC="/icons/vwicn005.gif"'
                     f' BORDER=0 ALT=""></TD><TD><A HREF="{h(u)}">{f}{s.t(t)} - Page #{p}'
                     "</FONT></A></TD></TR>" for k, (u, p, t) in enumerate(hits, start=1))
    content = (f'<FONT SIZE=4 FACE="{s.face}" COLOR="003366"><B>Search Results</B></FONT><BR>\n'
               f"<BR>\n{f}Your search for <B>{s.t(s.query)}</B> found {len(hits)} documents."
               f"</FONT><BR>\n<BR>\n<TABLE BORDER=0 CELLPADDING=2>\n{rows}\n</TABLE>\n<BR>\n"
               f'{f}<A HREF="{h(dom.view_url)}">New Search</A></FONT><BR>\n<HR SIZE=1>\n'
               + dom.copyright_block())
    dom.serve(dom.search_url, dom.page("Search Results", "$$SearchTemplateDefault",
                                       f"{s.db}/{s.view}?SearchView&Seq=1", content, []),
              non_case=True)


def _other_pages(dom: _Domino, rng: random.Random) -> None:
    s, info, db = dom.s, dom.info, dom.s.db
    f = f'<FONT SIZE=2 FACE="{s.face}">'
    label = lambda t: f"<B>{s.t(t)}</B>"  # noqa: E731
    home = (f"{f}Welcome to the case study database of the {s.t(info.name)}.</FONT><BR>\n<BR>\n"
            f'{f}<A HREF="{h(dom.view_url)}">Browse the case studies</A> or read the '
            f'<A HREF="{h(dom.guide_url)}">guidelines for authors</A>.</FONT><BR>\n<BR>\n'
            f'{f}<B>Case of the Month:</B> <A HREF="{h(dom.dead_url)}">a runner with hip '
            "pain</A></FONT><BR>\n")
    dom.simple(dom.home_url, f"{info.short} Case Studies", home, form="Home")
    dom.simple(f"{db}?OpenDatabase", f"{info.short} Case Studies", home, form="Home")
    dom.simple(dom.about_url, "About This Database",
               about_body(info, label).replace("<p>", f"{f}").replace("</p>", "</FONT><BR>\n<BR>"))
    helptext = (f"{f}Open a view from the outline on the left. Click the twistie beside a "
                "category to show its documents; use Next and Previous to page through a "
                "view. Full-text search is available for the whole database.</FONT><BR>\n")
    dom.simple(dom.help_url, "Using This Database", helptext)
    dom.simple(dom.guide_url, "Case Submission Guidelines", guidelines_body(label)
               .replace("<p>", f).replace("</p>", "</FONT><BR>\n<BR>"))
    dom.simple(dom.contact_url, "Contact Us", contact_body(info).replace("<p>", f)
               .replace("</p>", "</FONT><BR>\n<BR>"))
    dom.simple(dom.meetings_url, "Meetings", calendar_body())
    login = ('<FONT SIZE=4><B>Server Login</B></FONT><BR>\n<BR>\n'
             f"{f}Please identify yourself:</FONT><BR>\n"
             '<TABLE BORDER=0><TR><TD>User name:</TD><TD><INPUT NAME="Username" VALUE="" '
             'SIZE=20 MAXLENGTH=256></TD></TR>\n<TR><TD>Password:</TD><TD><INPUT NAME="Password"'
             ' TYPE=password VALUE="" SIZE=20 MAXLENGTH=256></TD></TR></TABLE>\n'
             f'<INPUT TYPE=hidden NAME="RedirectTo" VALUE="{db}/{s.view}?OpenView">\n'
             '<INPUT TYPE=submit VALUE="Login">\n')
    # the login form is its own HTML form posting to names.nsf
    markup = ("<HTML>\n<HEAD>\n<TITLE>Server Login</TITLE>\n</HEAD>\n<BODY TEXT=\"000000\" "
              'BGCOLOR="FFFFFF">\n<FORM METHOD=post ACTION="/names.nsf?Login" NAME="_DominoForm">'
              f"\n{login}</FORM>\n</BODY>\n</HTML>\n")
    dom.serve(dom.login_url, markup, non_case=True)
    if s.stale_template:
        empty = (f'<FONT SIZE=4 FACE="{s.face}" COLOR="003366"><B>Case Studies</B></FONT><BR>\n'
                 f"<BR>\n<H2>No documents found</H2>\n<HR SIZE=1>\n" + dom.copyright_block())
        dom.serve(dom.template_url, dom.page("$$ViewTemplateDefault", "$$ViewTemplateDefault",
                                             f"{db}/$$ViewTemplateDefault?OpenForm&Seq=1",
                                             empty, []), non_case=True)
    if s.soft404_status == 200:
        err = (f"<H2>Error 404 - Entry not found in index</H2>\n{f}The document you requested "
               "could not be found. It may have been moved or deleted.</FONT><BR>\n<BR>\n"
               f'{f}<A HREF="{h(dom.view_url)}">Return to the case studies</A></FONT><BR>\n')
        dom.simple(dom.dead_url, "Error", err, form="$$ReturnGeneralError")
    else:
        dom.serve(dom.dead_url, "<HTML>\n<HEAD>\n<TITLE>Error</TITLE>\n</HEAD>\n<BODY TEXT="
                  '"000000">\n<H1>Error 404</H1>HTTP Web Server: Lotus Notes Exception - Entry '
                  "not found in index\n</BODY>\n</HTML>\n", non_case=True, status=404)
    if s.start == "database":
        dom.simple(db, f"{info.short} Case Studies", home, form="Home")
    for icon in ICONS:
        dom.site.pages[f"/icons/{icon}.gif"] = (GIF, "image/gif", 200)
    dom.site.pages[f"{db}/Main/$Navigator/0.1A2?OpenElement&FieldElemFormat=gif"] = (
        GIF, "image/gif", 200)


def build_domino(rng: random.Random, n: int) -> Site:
    info = draw_site(rng, with_contact=rng.random() < 0.85)
    cases = draw_cases(rng, n, unknown_rate=0.4, numbered_refs=rng.random() < 0.85)
    style = _Style(rng)
    server = ("Lotus-Domino" if style.release == "R6"
              else rng.choice(["Lotus-Domino/5.0.8", "Lotus-Domino/5.0.11",
                               "Lotus-Domino/Release-5.0.5"]))
    start = {"view": None, "database": style.db, "home": f"{style.db}?OpenDatabase"}[style.start]
    site = Site("domino", "evaluate", start or f"{style.db}/{style.view}?OpenView", server=server)
    dom = _Domino(rng, info, site, style)
    heads = []
    for case in cases:
        head = style.head_default if rng.random() < 0.6 else rng.choice(HEAD_STYLES)
        if head == "caps":
            restyle_headings([case], str.upper)
        heads.append(head)
    used: set[str] = set()
    hits: list[tuple[str, int, str]] = []
    entries = []
    first = rng.randint(1, 20)
    for ci, (case, head) in enumerate(zip(cases, heads, strict=True)):
        key = _case_key(case.title, used)
        pages = _case_docs(dom, case, first + ci, key, rng, head, hits)
        record_case(site, info, case, pages)
        date = f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/{rng.choice(range(1999, 2007))}"
        entries.append((case, pages, date))
    entries.sort(key=lambda e: e[0].title)
    _views(dom, entries)
    _search(dom, hits)
    _other_pages(dom, rng)
    return site
