"""Template families of the hand-made era: 1990s tables and fonts, FrontPage, Dreamweaver,
XHTML, HTML 4 inline labels, Word "Save as Web Page", a generic CMS, print-friendly pages.

Each ``build_*`` takes a seeded ``random.Random`` and a case count and returns a ``Site``
whose truth is known by construction (see ``common.record_case``).
"""

from __future__ import annotations

import random
from typing import Any

from ..model import Part, SiteInfo
from .common import (
    E,
    Site,
    about_body,
    calendar_body,
    contact_body,
    draw_cases,
    draw_site,
    flatten_pages,
    font_blocks,
    guidelines_body,
    html_blocks,
    members_body,
    note_line,
    record_case,
    refs_html,
    restyle_headings,
    sitemap_body,
)

NAV = [("about", "About Us"), ("guidelines", "Submission Guidelines"),
       ("calendar", "Calendar"), ("members", "Members Only"), ("sitemap", "Site Map"),
       ("contact", "Contact Us")]


def _footer(info: SiteInfo, wrap: str = "<p>{}</p>") -> str:
    note = note_line(info)
    lines = [wrap.format(E(note))] if note else []
    if info.copyright:
        lines.append(wrap.format(E(info.copyright)))
    return "\n".join(lines)


def _add_site_pages(site: Site, info: SiteInfo, paths: dict[str, str], page,
                    label=lambda t: f"<b>{E(t)}</b>", **kw) -> None:
    """The non-case pages every legacy site has, wrapped by the family's ``page``."""
    bodies = {"about": about_body(info, label), "guidelines": guidelines_body(label),
              "calendar": calendar_body(), "members": members_body(),
              "contact": contact_body(info),
              "sitemap": sitemap_body([(paths[k], t) for k, t in NAV]
                                      + [(site.start_path, "Case Studies")])}
    for key, title in NAV:
        site.non_case(paths[key], page(title, f"<h2>{E(title)}</h2>\n" + bodies[key]), **kw)


def _heading_or_none(part: Part, render) -> str:
    return render(part.heading) if part.heading else ""


# --- 1. 1990s table/font layout (develop) ----------------------------------------------------

def build_table90(rng: random.Random, n: int) -> Site:
    info = draw_site(rng)
    cases = draw_cases(rng, n)
    caps = rng.random() < 0.5
    colon = ":" if rng.random() < 0.7 else ""
    if caps:
        restyle_headings(cases, str.upper)
    meta = rng.random() < 0.6
    numbered_title_p1 = rng.random() < 0.5
    font = '<font face="Arial, Helvetica" size="2">'
    site = Site("table90", "develop", "/cases/index.asp", server="Microsoft-IIS/5.0")
    paths = {k: f"/{k}.asp" for k, _ in NAV}
    enc: dict[str, Any] = {"encoding": "windows-1252", "declare": False}

    def page(title: str, content: str) -> str:
        nav = "<br>\n".join(f'<a href="{paths[k]}"><font size="1">{E(t)}</font></a>'
                            for k, t in NAV)
        charset = ('<meta http-equiv="Content-Type" content="text/html; '
                   'charset=windows-1252">') if meta else ""
        return (f"<html><head>{charset}<title>{E(title)}</title></head>\n"
                '<body bgcolor="#FFFFFF" link="#000080">\n<table width="100%" border="0">'
                '<tr><td colspan="2" bgcolor="#000080"><font color="#FFFFFF" size="5">'
                f'<b>{E(info.name)}</b></font></td></tr>\n<tr><td width="150" valign="top" '
                f'bgcolor="#CCCCFF"><a href="/index.asp">Home</a><br>\n<a href="{site.start_path}"'
                f'>Case Studies</a><br>\n{nav}</td>\n<td valign="top">\n{content}\n</td></tr>\n'
                f'<tr><td colspan="2"><font size="1">{_footer(info, "{}<br>")}</font></td></tr>'
                "</table>\n</body></html>")

    def heading(text: str) -> str:
        return f'<font face="Arial" size="2" color="#800000"><b>{E(text)}{colon}</b></font><br>'

    for ci, case in enumerate(cases):
        cid = 101 + ci * 7
        urls = [f"/cases/case.asp?id={cid}" + (f"&page={p}" if p > 1 else "")
                for p in range(1, len(case.pages) + 1)]
        total = len(case.pages)
        for p, parts in enumerate(case.pages, start=1):
            body = []
            for part in parts:
                body.append(_heading_or_none(part, heading))
                if part.kind == "references":
                    body.append(refs_html(part, "numbered", rng, p=f"<p>{font}"))
                else:
                    body.append(font_blocks(part.blocks, font))
            prev = f'<a href="{urls[p - 2]}">&lt;&lt; Previous Page</a>' if p > 1 else ""
            nxt = f'<a href="{urls[p]}">Next Page &gt;&gt;</a>' if p < total else ""
            nums = " | ".join(f"<b>Page #{k}</b>" if k == p else f'<a href="{u}">Page #{k}</a>'
                              for k, u in enumerate(urls, start=1))
            shown = case.title if p == 1 and not numbered_title_p1 else \
                f"{case.title} - Page #{p}"
            content = (f'<font size="4" face="Arial"><b>{E(shown)}</b></font><br><br>\n'
                       + "\n".join(body)
                       + f'\n<p align="center">{prev} {"|" if prev and nxt else ""} {nxt}'
                       f"<br>{nums}</p>\n"
                       f'<p><a href="{site.start_path}">Return to the Case Studies List</a></p>')
            site.add(urls[p - 1], page(shown, content), **enc)
        record_case(site, info, case, [{"url": u, "aliases": []} for u in urls])
    links = "\n".join(f'<tr><td>{font}<a href="/cases/case.asp?id={101 + i * 7}">'
                      f"{E(c.title)}</a></font></td></tr>" for i, c in enumerate(cases))
    site.add(site.start_path, page("Case Studies", f"<h2>Case Studies</h2>\n<table>{links}"
                                   "</table>"), **enc)
    site.non_case("/index.asp", page(info.name, "<p>Welcome to our society.</p>"), **enc)
    _add_site_pages(site, info, paths, page, **enc)
    return site


# --- 2. FrontPage (develop) -------------------------------------------------------------------

def build_frontpage(rng: random.Random, n: int) -> Site:
    info = draw_site(rng)
    cases = draw_cases(rng, n)
    colon = rng.choice(["", ":"])
    big = rng.random() < 0.5
    site = Site("frontpage", "develop", "/casestudies/default.htm", server="Microsoft-IIS/5.0")
    paths = {k: f"/{k}.htm" for k, _ in NAV}
    enc: dict[str, Any] = {"encoding": "windows-1252", "declare": True}
    pstyle = '<p style="font-family: Verdana; font-size: 10pt">'

    def page(title: str, content: str) -> str:
        nav = " | ".join(f'<a href="{paths[k]}">{E(t)}</a>' for k, t in NAV)
        return ('<html>\n<head>\n<meta http-equiv="Content-Language" content="en-us">\n'
                '<meta name="GENERATOR" content="Microsoft FrontPage 4.0">\n'
                '<meta name="ProgId" content="FrontPage.Editor.Document">\n'
                '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">\n'
                f"<title>{E(title)}</title>\n</head>\n<body>\n"
                '<!--webbot bot="Navigation" S-Type="sequence" S-Orientation="horizontal" -->'
                f'\n<p align="center"><font face="Verdana" size="1">{nav}</font></p>\n'
                '<!--webbot bot="Navigation" endspan i-checksum="20136" -->\n'
                f"{content}\n<hr>\n{_footer(info, pstyle + '{}</p>')}\n</body>\n</html>")

    def heading(text: str) -> str:
        if big:
            return (f'<p><font face="Verdana" size="3" color="#003399"><b>{E(text)}{colon}'
                    "</b></font></p>")
        return f'<p><b><font face="Verdana" size="2">{E(text)}{colon}</font></b></p>'

    for ci, case in enumerate(cases):
        base = f"/casestudies/case{ci + 3}/"
        urls = [base + ("index.htm" if p == 1 else f"page{p}.htm")
                for p in range(1, len(case.pages) + 1)]
        total = len(case.pages)
        for p, parts in enumerate(case.pages, start=1):
            body = []
            for part in parts:
                body.append(_heading_or_none(part, heading))
                body.append(refs_html(part, "ol", rng) if part.kind == "references"
                            else html_blocks(part.blocks, p=pstyle))
            back = f'<a href="{urls[p - 2]}">Back</a>' if p > 1 else ""
            nxt = f'<a href="{urls[p]}">Next</a>' if p < total else ""
            shown = f"{case.title} (page {p} of {total})"
            content = (f'<p align="center"><font face="Verdana" size="4"><b>{E(case.title)}'
                       f'</b></font></p>\n<p align="center"><font size="2">Page {p} of {total}'
                       "</font></p>\n" + "\n".join(body)
                       + f'\n<p align="center">{back} &nbsp; {nxt}</p>\n'
                       f'<p align="center"><a href="{site.start_path}">Case Studies Index</a></p>')
            site.add(urls[p - 1], page(shown, content), **enc)
        record_case(site, info, case, [{"url": u, "aliases": []} for u in urls])
    links = "\n".join(f'<li><a href="/casestudies/case{i + 3}/index.htm">{E(c.title)}</a></li>'
                      for i, c in enumerate(cases))
    site.add(site.start_path, page("Case Studies", f"<h2>Case Studies</h2>\n<ul>{links}</ul>"),
             **enc)
    _add_site_pages(site, info, paths, page, **enc)
    return site


# --- 3. Dreamweaver with pagers and sidebars (evaluate-only) ------------------------------------

def build_dreamweaver(rng: random.Random, n: int) -> Site:
    info = draw_site(rng)
    cases = draw_cases(rng, n)
    h4 = rng.random() < 0.4
    site = Site("dreamweaver", "evaluate", "/case-studies/index.php")
    paths = {k: f"/{k}.php" for k, _ in NAV}
    featured = rng.randrange(len(cases))
    generic_title = rng.choice([info.name, "Untitled Document"])

    def page(title: str, content: str) -> str:
        nav = "\n".join(f'<li><a href="{paths[k]}">{E(t)}</a></li>' for k, t in NAV)
        return ('<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">\n<html>\n<head>'
                '\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n'
                f"<title>{E(generic_title)}</title>\n"
                '<style type="text/css">\n.style3 {font-weight: bold; color: #003366}\n'
                ".pager {font-size: 11px}\n</style>\n"
                '<script type="text/javascript">function MM_jumpMenu(targ,selObj,restore){'
                'eval(targ+".location=\'"+selObj.options[selObj.selectedIndex].value+"\'");}'
                "</script>\n</head>\n<body>\n"
                f'<div id="header"><img src="/images/banner.gif" alt="{E(info.name)}"></div>\n'
                f'<div id="sidebar"><ul>\n<li><a href="/index.php">Home</a></li>\n<li><a href="'
                f'{site.start_path}">Case Studies</a></li>\n{nav}\n</ul></div>\n'
                '<div id="rightcol"><h4>Upcoming Events</h4><p>Annual Meeting, October 20-22, '
                'San Diego</p><h4>Featured Case</h4><p><a href="/case-studies/show.php?case='
                f'{40 + featured}&amp;p=1">{E(cases[featured].title)}</a></p></div>\n'
                f'<div id="main">\n{content}\n</div>\n'
                f'<div id="footer">{_footer(info)}</div>\n</body>\n</html>')

    def heading(text: str) -> str:
        if h4:
            return f"<h4>{E(text)}</h4>"
        return f'<p class="style3"><strong>{E(text)}</strong></p>'

    for ci, case in enumerate(cases):
        cid = 40 + ci
        urls = [f"/case-studies/show.php?case={cid}&p={p}" for p in range(1, len(case.pages) + 1)]
        total = len(case.pages)
        for p, parts in enumerate(case.pages, start=1):
            body = []
            for part in parts:
                body.append(_heading_or_none(part, heading))
                body.append(refs_html(part, "numbered", rng) if part.kind == "references"
                            else html_blocks(part.blocks))
            nums = " ".join(str(k) if k == p else f'<a href="{u}">{k}</a>'
                            for k, u in enumerate(urls, start=1))
            prev = f'<a href="{urls[p - 2]}">&laquo; Prev</a> ' if p > 1 else ""
            nxt = f' <a href="{urls[p]}">Next &raquo;</a>' if p < total else ""
            options = "".join(f'<option value="{u}">Page {k}</option>'
                              for k, u in enumerate(urls, start=1))
            content = (f'<h1 class="casetitle">{E(case.title)}</h1>\n'
                       f'<div class="pager">Page {p} of {total}</div>\n' + "\n".join(body)
                       + f'\n<div class="pager">{prev}{nums}{nxt}<form name="jump"><select '
                       f'onchange="MM_jumpMenu(\'parent\',this,0)">{options}</select></form>'
                       "</div>")
            site.add(urls[p - 1], page(case.title, content))
        site.add(f"/case-studies/show.php?case={cid}", site.pages[urls[0]][0].decode(),)
        record_case(site, info, case, [{"url": urls[0],
                                        "aliases": [f"/case-studies/show.php?case={cid}"]}]
                    + [{"url": u, "aliases": []} for u in urls[1:]])
    links = "\n".join(f'<p><a href="/case-studies/show.php?case={40 + i}&amp;p=1">'
                      f"{E(c.title)}</a></p>" for i, c in enumerate(cases))
    site.add(site.start_path, page("Case Studies", f"<h1>Case Studies</h1>\n{links}"))
    site.non_case("/index.php", page(info.name, "<h1>Welcome</h1><p>News and events.</p>"))
    _add_site_pages(site, info, paths, page, label=lambda t: f"<strong>{E(t)}</strong>")
    return site


# --- 4. XHTML 1.0 strict with h2/h3 (develop) --------------------------------------------------

def build_xhtml(rng: random.Random, n: int) -> Site:
    info = draw_site(rng)
    cases = draw_cases(rng, n)
    colon = rng.choice(["", ":"])
    site = Site("xhtml", "develop", "/cases/")
    paths = {k: f"/{k}/" for k, _ in NAV}

    def page(title: str, content: str) -> str:
        nav = "\n".join(f'<li><a href="{paths[k]}">{E(t)}</a></li>' for k, t in NAV)
        return ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD '
                'XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
                '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en">\n<head>\n'
                '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n'
                f"<title>{E(title)}</title>\n</head>\n<body>\n<div id=\"header\"><p>"
                f"{E(info.name)}</p></div>\n<div id=\"navigation\"><ul>\n<li><a href=\"/\">Home"
                f'</a></li>\n<li><a href="/cases/">Case Studies</a></li>\n{nav}\n</ul></div>\n'
                f'<div id="content">\n{content}\n</div>\n<div id="footer">\n{_footer(info)}\n'
                "</div>\n</body>\n</html>")

    for case in cases:
        urls = [f"/cases/{case.slug}/" + (f"{p}/" if p > 1 else "")
                for p in range(1, len(case.pages) + 1)]
        total = len(case.pages)
        for p, parts in enumerate(case.pages, start=1):
            body = []
            for part in parts:
                if part.heading:
                    body.append(f"<h3>{E(part.heading)}{colon}</h3>")
                body.append(refs_html(part, "ol", rng) if part.kind == "references"
                            else html_blocks(part.blocks, table_attrs=""))
            pager = " ".join(f"<strong>{k}</strong>" if k == p else f'<a href="{u}">{k}</a>'
                             for k, u in enumerate(urls, start=1))
            title = (f"{case.title} | {info.name}" if p == 1 else
                     f"{case.title} \u2013 Page {p} of {total} | {info.name}")
            content = (f"<h2>{E(case.title)}</h2>\n<p class=\"pagenum\">Page {p} of {total}</p>\n"
                       + "\n".join(body) + f'\n<p class="pager">Pages: {pager}</p>')
            site.add(urls[p - 1], page(title, content))
        record_case(site, info, case, [{"url": u, "aliases": []} for u in urls])
    half = (len(cases) + 1) // 2
    lists = [cases[:half], cases[half:]] if len(cases) > 3 else [cases]
    list_urls = ["/cases/", "/cases/index-2.html"][: len(lists)]
    for li, chunk in enumerate(lists):
        items = "\n".join(f'<li><a href="/cases/{c.slug}/">{E(c.title)}</a></li>' for c in chunk)
        pager = " ".join(f'<a href="{u}">{k}</a>' for k, u in enumerate(list_urls, start=1))
        site.add(list_urls[li], page(f"Case Studies | {info.name}",
                                     f"<h2>Case Studies</h2>\n<ul>\n{items}\n</ul>\n"
                                     f"<p>Pages: {pager}</p>"))
    site.non_case("/", page(info.name, "<h2>Welcome</h2><p>Latest news.</p>"))
    _add_site_pages(site, info, paths, page, label=lambda t: f"<strong>{E(t)}</strong>")
    return site


# --- 5. HTML 4 inline labels (evaluate-only) ----------------------------------------------------

def build_inline(rng: random.Random, n: int) -> Site:
    info = draw_site(rng)
    cases = draw_cases(rng, n)
    tag = rng.choice(["b", "strong"])
    refs_inline = rng.random() < 0.5
    site = Site("inline", "evaluate", "/cgi-bin/cases.pl")
    paths = {k: f"/{k}.html" for k, _ in NAV}
    enc: dict[str, Any] = {"encoding": "windows-1252", "declare": False}

    def page(title: str, content: str) -> str:
        nav = " | ".join(f'<a href="{paths[k]}">{E(t)}</a>' for k, t in NAV)
        return ('<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.0 Transitional//EN">\n<HTML>\n'
                f"<HEAD>\n<TITLE>{E(title)}</TITLE>\n</HEAD>\n<BODY>\n"
                f'<P><A HREF="/">Home</A> | <A HREF="{site.start_path}">Cases</A> | {nav}</P>'
                f"\n<HR>\n{content}\n<HR>\n{_footer(info, '<P><SMALL>{}</SMALL></P>')}\n"
                "</BODY>\n</HTML>")

    def section(part: Part) -> str:
        if part.kind == "references":
            label = f"<{tag}>{E(part.heading)}:</{tag}>" if part.heading else ""
            if refs_inline and part.heading:
                lines = "<BR>\n".join(f"{part.first_ref_number + i}. {E(r.text)}"
                                      for i, r in enumerate(part.refs))
                return f"<P>{label} {lines}</P>"
            return (f"<P>{label}</P>\n" if label else "") + refs_html(part, "numbered", rng,
                                                                       p="<P>")
        if not part.heading:
            return html_blocks(part.blocks, p="<P>")
        label = f"<{tag}>{E(part.heading)}:</{tag}>"
        first, rest = part.blocks[0], part.blocks[1:]
        if first.kind == "p":
            head = f"<P>{label} {E(first.items[0])}</P>"
        else:
            head = f"<P>{label}</P>\n" + html_blocks([first], p="<P>")
        return head + ("\n" + html_blocks(rest, p="<P>") if rest else "")

    for ci, case in enumerate(cases):
        cid = 3 + ci * 2
        urls = [f"/cgi-bin/case.pl?case_id={cid}" + (f"&pg={p}" if p > 1 else "")
                for p in range(1, len(case.pages) + 1)]
        total = len(case.pages)
        for p, parts in enumerate(case.pages, start=1):
            nums = " ".join(f"[{k}]" if k == p else f'[<A HREF="{u}">{k}</A>]'
                            for k, u in enumerate(urls, start=1))
            nxt = f' <A HREF="{urls[p]}">Next page &gt;</A>' if p < total else ""
            title = case.title if p == 1 else f"{case.title} - Page {p}"
            content = (f"<H2>{E(title)}</H2>\n" + "\n".join(section(x) for x in parts)
                       + f"\n<P>{nums}{nxt}</P>")
            site.add(urls[p - 1], page(title, content), **enc)
        record_case(site, info, case, [{"url": u, "aliases": []} for u in urls])
    links = "\n".join(f'<LI><A HREF="/cgi-bin/case.pl?case_id={3 + i * 2}">{E(c.title)}</A>'
                      for i, c in enumerate(cases))
    site.add(site.start_path, page("Case Studies", f"<H2>Case Studies</H2>\n<UL>{links}</UL>"),
             **enc)
    site.non_case("/", page(info.name, "<H2>Welcome</H2><P>Society news.</P>"), **enc)
    _add_site_pages(site, info, paths, page, label=lambda t: f"<{tag}>{E(t)}</{tag}>", **enc)
    return site


# --- 6. Word "Save as Web Page" (evaluate-only) -------------------------------------------------

WORD_HEAD = """<html xmlns:v="urn:schemas-microsoft-com:vml"
xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word"
xmlns="http://www.w3.org/TR/REC-html40">
<head>
<meta http-equiv=Content-Type content="text/html; charset=windows-1252">
<meta name=ProgId content=Word.Document>
<meta name=Generator content="Microsoft Word 10">
<title>{title}</title>
<!--[if gte mso 9]><xml>
 <o:DocumentProperties>
  <o:Author>jsmith</o:Author>
  <o:Pages>1</o:Pages>
 </o:DocumentProperties>
</xml><![endif]-->
<style>
<!--
p.MsoNormal, li.MsoNormal {{margin:0in; font-size:12.0pt; font-family:"Times New Roman";}}
@list l0:level1 {{mso-level-number-format:bullet;}}
-->
</style>
</head>
<body lang=EN-US style='tab-interval:.5in'>
<div class=Section1>
"""


def _word_blocks(part: Part) -> str:
    out = []
    for b in part.blocks:
        if b.kind == "p":
            out.append(f"<p class=MsoNormal>{E(b.items[0])}<o:p></o:p></p>")
        elif b.kind == "lines":
            out.append("<p class=MsoNormal>" + "<br>\n".join(E(x) for x in b.items)
                       + "<o:p></o:p></p>")
        elif b.kind == "ul":
            out.extend("<p class=MsoNormal style='margin-left:.5in;text-indent:-.25in;"
                       "mso-list:l0 level1 lfo1'><![if !supportLists]><span style='font-"
                       "family:Symbol'><span style='mso-list:Ignore'>·<span style='font:7.0pt"
                       " \"Times New Roman\"'>&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; </span></span>"
                       f"</span><![endif]>{E(x)}<o:p></o:p></p>" for x in b.items)
        else:
            rows = "\n".join("<tr>" + "".join(f"<td valign=top><p class=MsoNormal>{E(c)}"
                                              "<o:p></o:p></p></td>" for c in row) + "</tr>"
                             for row in b.items)
            out.append(f"<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0>\n{rows}"
                       "\n</table>")
        out.append("<p class=MsoNormal><o:p>&nbsp;</o:p></p>")
    return "\n".join(out)


def build_word(rng: random.Random, n: int) -> Site:
    info = draw_site(rng)
    cases = draw_cases(rng, n)
    caps = rng.random() < 0.4
    if caps:
        restyle_headings(cases, str.upper)
    site = Site("word", "evaluate", "/cases/cases.htm", server="Microsoft-IIS/5.0")
    paths = {k: f"/{k}.htm" for k, _ in NAV}
    enc: dict[str, Any] = {"encoding": "windows-1252", "declare": rng.random() < 0.5}

    def page(title: str, content: str) -> str:
        nav = " | ".join(f'<a href="{paths[k]}">{E(t)}</a>' for k, t in NAV)
        return (WORD_HEAD.format(title=E(title)) + f"<p class=MsoNormal>{nav}<o:p></o:p></p>\n"
                f"{content}\n<p class=MsoNormal><o:p>&nbsp;</o:p></p>\n"
                + _footer(info, "<p class=MsoNormal><span style='font-size:8.0pt'>{}</span>"
                                "<o:p></o:p></p>") + "\n</div>\n</body>\n</html>")

    def heading(text: str) -> str:
        return (f"<p class=MsoNormal><b><span style='font-size:12.0pt;font-family:Arial'>"
                f"{E(text)}<o:p></o:p></span></b></p>")

    for ci, case in enumerate(cases):
        stem = f"/cases/case{ci + 1:02d}"
        urls = [stem + (f"-{p}" if p > 1 else "") + ".htm" for p in range(1, len(case.pages) + 1)]
        total = len(case.pages)
        for p, parts in enumerate(case.pages, start=1):
            body = []
            for part in parts:
                body.append(_heading_or_none(part, heading))
                if part.kind == "references":
                    body.append(refs_html(part, "numbered", rng, p="<p class=MsoNormal>"))
                else:
                    body.append(_word_blocks(part))
            prev = f'<a href="{urls[p - 2]}">Previous</a> ' if p > 1 else ""
            nxt = f' <a href="{urls[p]}">Next</a>' if p < total else ""
            content = (f"<p class=MsoTitle>{E(case.title)}<o:p></o:p></p>\n"
                       f"<p class=MsoNormal align=center style='text-align:center'>Page {p} of "
                       f"{total}<o:p></o:p></p>\n" + "\n".join(body)
                       + f"\n<p class=MsoNormal align=center>{prev}|{nxt}<o:p></o:p></p>")
            site.add(urls[p - 1], page(f"Microsoft Word - case{ci + 1:02d}.doc", content), **enc)
        record_case(site, info, case, [{"url": u, "aliases": []} for u in urls])
    links = "\n".join(f'<p class=MsoNormal><a href="case{i + 1:02d}.htm">{E(c.title)}</a>'
                      "<o:p></o:p></p>" for i, c in enumerate(cases))
    site.add(site.start_path, page("Microsoft Word - cases.doc",
                                   f"<p class=MsoTitle>Case Studies<o:p></o:p></p>\n{links}"),
             **enc)
    _add_site_pages(site, info, paths, page, **enc)
    return site


# --- 7. A generic CMS with div/class markup (develop) -----------------------------------------

def build_cmsdiv(rng: random.Random, n: int) -> Site:
    info = draw_site(rng)
    cases = draw_cases(rng, n)
    site = Site("cmsdiv", "develop", "/index.php?option=com_content&task=category&id=4")
    paths = {k: f"/index.php?option=com_content&task=view&id={900 + i}"
             for i, (k, _) in enumerate(NAV)}

    def page(title: str, content: str) -> str:
        nav = "\n".join(f'<li><a href="{E(paths[k])}" class="mainlevel">{E(t)}</a></li>'
                        for k, t in NAV)
        return ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3'
                '.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n<html><head>\n<meta http-equiv='
                '"Content-Type" content="text/html; charset=utf-8" />\n'
                f"<title>{E(title)} - {E(info.short)}</title>\n"
                '<meta name="Generator" content="Joomla! - Copyright (C) 2005 Open Source '
                'Matters. All rights reserved." />\n</head><body>\n<div id="wrapper">\n'
                f'<div id="header"><h1>{E(info.name)}</h1></div>\n<div id="leftcolumn"><div '
                f'class="moduletable"><h3>Main Menu</h3><ul class="menu">\n<li><a href="/">Home'
                f'</a></li>\n<li><a href="{E(site.start_path)}">Case Studies</a></li>\n{nav}\n'
                f'</ul></div></div>\n<div id="maincolumn">\n{content}\n</div>\n'
                f'<div id="footer">{_footer(info, "<div>{}</div>")}</div>\n</div>\n</body></html>')

    def section(part: Part) -> str:
        head = (f'<div class="section-head">{E(part.heading)}</div>\n' if part.heading else "")
        body = (refs_html(part, "ol", rng) if part.kind == "references"
                else html_blocks(part.blocks, table_attrs=' class="data"'))
        return f'{head}<div class="section-body">\n{body}\n</div>'

    for ci, case in enumerate(cases):
        cid = 45 + ci
        base = f"/index.php?option=com_content&task=view&id={cid}&Itemid=2"
        urls = [base + (f"&limitstart={p - 1}" if p > 1 else "")
                for p in range(1, len(case.pages) + 1)]
        total = len(case.pages)
        for p, parts in enumerate(case.pages, start=1):
            links = " ".join(f"<span>{k}</span>" if k == p else
                             f'<a href="{E(u)}" class="pagenav">{k}</a>'
                             for k, u in enumerate(urls, start=1))
            start = f'<a href="{E(urls[0])}" class="pagenav">&lt;&lt; Start</a>'
            prev = f'<a href="{E(urls[p - 2])}" class="pagenav">&lt; Prev</a>' if p > 1 else ""
            nxt = f'<a href="{E(urls[p])}" class="pagenav">Next &gt;</a>' if p < total else ""
            content = (f'<div class="contentpaneopen"><div class="contentheading">'
                       f"{E(case.title)}</div>\n"
                       f'<div class="pagenavcounter">Page {p} of {total}</div>\n'
                       '<div class="article-content">\n'
                       + "\n".join(section(x) for x in parts)
                       + f'\n</div>\n<div class="pagenavbar">{start} {prev} {links} {nxt}</div>'
                       "</div>")
            site.add(urls[p - 1], page(case.title, content))
        record_case(site, info, case, [{"url": u, "aliases": []} for u in urls])
    rows = "\n".join(f'<tr class="sectiontableentry"><td><a href="/index.php?option=com_content'
                     f'&amp;task=view&amp;id={45 + i}&amp;Itemid=2">{E(c.title)}</a></td></tr>'
                     for i, c in enumerate(cases))
    site.add(site.start_path, page("Case Studies", '<div class="componentheading">Case Studies'
                                   f'</div>\n<table class="contentpane">{rows}</table>'))
    site.non_case("/", page("Home", "<div class=\"contentheading\">Welcome</div><p>News.</p>"))
    _add_site_pages(site, info, paths, page, label=lambda t: f"<strong>{E(t)}</strong>")
    return site


# --- 8. Print-friendly: one long page per case, no chrome (evaluate-only) --------------------

def build_printfriendly(rng: random.Random, n: int) -> Site:
    info = draw_site(rng)
    cases = draw_cases(rng, n)
    for case in cases:
        flatten_pages(case)
    caps = rng.random() < 0.5
    if caps:
        restyle_headings(cases, str.upper)
    style = rng.choice(["h4", "strong"])
    site = Site("printfriendly", "evaluate", "/print/index.cfm", server="Microsoft-IIS/5.0")
    paths = {k: f"/{k}.cfm" for k, _ in NAV}

    def page(title: str, content: str) -> str:
        return ('<html><head><meta charset="utf-8"><title>Printer Friendly Version</title>'
                '<style>body{font-family:Georgia,serif}</style></head>\n<body onload="window.'
                f'print()">\n{content}\n<div class="print-footer">{_footer(info)}</div>\n'
                '<p class="noprint"><a href="javascript:window.close()">Close this window</a>'
                "</p>\n</body></html>")

    def heading(text: str) -> str:
        return f"<h4>{E(text)}</h4>" if style == "h4" else f"<p><strong>{E(text)}</strong></p>"

    for ci, case in enumerate(cases):
        url = f"/print/case.cfm?id={ci + 11}"
        body = []
        for part in case.pages[0]:
            body.append(_heading_or_none(part, heading))
            body.append(refs_html(part, "ol", rng) if part.kind == "references"
                        else html_blocks(part.blocks))
        site.add(url, page(case.title, f"<h1>{E(case.title)}</h1>\n" + "\n".join(body)))
        record_case(site, info, case, [{"url": url, "aliases": []}])
    links = "\n".join(f'<li><a href="case.cfm?id={i + 11}">{E(c.title)}</a></li>'
                      for i, c in enumerate(cases))
    nav = " | ".join(f'<a href="{paths[k]}">{E(t)}</a>' for k, t in NAV)
    site.add(site.start_path, page("Case Studies", f"<p>{nav}</p><h1>Case Studies (print)"
                                   f"</h1>\n<ul>{links}</ul>"))
    _add_site_pages(site, info, paths, page)
    return site


