"""A medical society's case studies on classic Google Sites (2008-2016), evaluate-only,
written without looking at the parser.

What such a site prints:

* every page inside the classic themes' layout table: ``#sites-chrome-everything``, the
  header table (``#sites-chrome-header`` with ``#sites-header-title`` and the "Search this
  site" box, horizontal tabs on some themes), ``<table id="sites-chrome-main">`` with the
  left sidebar cell ``td#sites-chrome-sidebar-left`` and ``td#sites-canvas-wrapper``,
  ``div#sites-canvas`` with the breadcrumbs ``#title-crumbs`` on subpages, the page title
  ``<h2 id="sites-page-title-header"><span id="sites-page-title">X</span></h2>`` (``<h3>``
  on some themes), ``div#sites-canvas-main-content`` holding the layout table
  ``sites-layout-name-one-column sites-layout-hbox`` (or ``two-column-hf``) and its
  ``td.sites-layout-tile sites-tile-name-content-1``, then the bottom panel (subpages list
  ``div.sites-subpages`` "Subpages (3): Page 2 Page 3 Page 4", attachments "Attachments (1)"
  with "v.1" and size, comments or "Comments are disabled", "Updated"/"Last edited" stamp),
  and the footer "Sign in | Recent Site Activity | Report Abuse | Print Page | Powered By
  Google Sites" (and "Remove Access" on some);
* the sidebar's navigation gadget (``div.sites-embed`` with ``h4``/``h3``
  ``sites-embed-title`` "Navigation", ``ul`` with ``sites-navigation-link`` links, the
  current page as an unlinked ``div.current-bg``, expander arrows on tree items), listing the
  top level only or the whole tree down to every case's subpages, "Sitemap" at its foot; a
  text gadget (society address, or the NOTE and © lines on some sites);
* a case as a page ``/site/<site>/case-studies/<slug>`` with its later pages as subpages
  ``.../<slug>/page-2`` (named "Page 2" or "X - Page 2") or ``.../<slug>/part-2`` ("Part 2"),
  or as sibling pages ``/case-studies/<slug>-2`` ("X - Page 2"); hand-written "Next Page" /
  "Continue to Page 3" / "Page: 1 2 3" links on some sites, none on others (the subpage list
  and the navigation tree are the only way on);
* the body as the rich-text editor of that era wrote it: ``<div>`` lines with ``<div><br></div>``
  blank lines, or text with ``<br><br>`` runs, headings ``<h2>``/``<h3>`` with ``style``,
  ``<b>``, ``<span style="font-weight:bold">``, ``<font size="4">``, colons or none, CAPS on
  some sites, ``&nbsp;`` spacers; references as ``<ol>``, "1. text" lines or "[1] text" lines,
  unnumbered on some sites; a "X - Page #2" line at the top of each page on some sites (as the
  old site printed); "Return To The Case Studies List." and the NOTE and © lines at the end
  of every page (or in the sidebar text gadget);
* the "Case Studies" page (the start URL) as a hand-made list of links, an announcements
  page of post teasers paged by ``?offset=`` (the cases are its posts, "posted ... by ..."),
  or a page whose content is the "list of subpages" tree;
* Home, About the Society, Meetings, Contact, a "Case of the Month" announcements page and
  its post linking one case, a members-only page (Google's "You need permission", status
  200 or 403), ``/system/app/pages/sitemap/hierarchy`` and ``.../sitemap/list``,
  ``/system/app/pages/recentChanges``, ``/system/app/pages/reportAbuse``; attachments served
  at ``...?attredirects=0`` (and ``&d=1``, ``?attachauth=...``).

Truth: a case's pages are its page and its continuation pages; the print view
(``?tmpl=%2Fsystem%2Fapp%2Ftemplates%2Fprint%2F&showPrintDialog=1``, named only in the page's
script) is an alias of its page. Links are root-relative (the site is served on loopback under
``/site/<site>/``), where Google Sites printed them root-relative too.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

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
    note_line,
    record_case,
    ref_link,
    refs_html,
    restyle_headings,
)

AUTHORS = ["Jane Miller", "Tom Okafor", "Linda Chen", "Mark Reyes", "NSMS Webmaster"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
PRINT_QUERY = "tmpl=%2Fsystem%2Fapp%2Ftemplates%2Fprint%2F&showPrintDialog=1"
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0"
       b"/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


@dataclass(slots=True)
class Style:
    """One site's theme and one editor's habits, drawn per seed."""

    sitename: str
    site_title: str
    theme: str  # "classic" (h2 title, left sidebar) or "tabs" (h3 title, header tabs too)
    embed_title: str  # "h4" or "h3"
    tree: str  # "top": top-level pages only; "cases": cases under Case Studies; "all"
    scheme: str  # "page", "part" (subpages) or "sibling" (pages beside the case)
    sub_named: str  # subpage title: "short" ("Page 2"), "long" ("X - Page 2")
    pager: str  # "next", "continue", "numbers", "none"
    subpage_list: bool
    list_kind: str  # "links", "announcements", "hierarchy"
    heading: str  # "h2", "h3", "b", "span", "font"
    colon: bool
    caps: bool
    para: str  # "div" or "br"
    refs: str  # "ol", "num", "bracket"
    numbered: bool
    top_line: bool
    note_where: str  # "content" or "sidebar"
    credit: bool
    comments: str  # "none", "disabled", "box"
    remove_access: bool
    denied_status: int
    spacer: bool


#: (page scheme, case list kind, navigation tree depth, subpage names): drawn early, as one
#: draw, so that seeds 1-5 cover each value of each (chosen before any scoring).
LAYOUTS = [(scheme, kind, tree, named) for scheme in ("page", "part", "sibling")
           for kind in ("links", "announcements", "hierarchy") for tree in ("top", "cases", "all")
           for named in ("short", "long")]


def draw_style(rng: random.Random) -> Style:
    theme = "classic" if rng.random() < 0.5 else "tabs"
    embed_title = "h4" if rng.random() < 0.6 else "h3"
    scheme, list_kind, tree, sub_named = rng.choice(LAYOUTS)
    pager = rng.choice(["next", "continue", "numbers", "none"])
    if scheme == "sibling" and pager == "none":
        pager = "next"
    return Style(
        sitename=rng.choice(["casestudies", "sportsmedcases", "education-committee",
                             "caseofthemonth"]),
        site_title="",
        theme=theme,
        embed_title=embed_title,
        tree=tree,
        scheme=scheme,
        sub_named=sub_named,
        pager=pager,
        subpage_list=pager == "none" or rng.random() < 0.5,
        list_kind=list_kind,
        heading=rng.choice(["h2", "h3", "b", "span", "font"]),
        colon=rng.random() < 0.6,
        caps=rng.random() < 0.2,
        para=rng.choice(["div", "div", "br"]),
        refs=rng.choice(["ol", "num", "bracket"]),
        numbered=rng.random() < 0.8,
        top_line=rng.random() < 0.4,
        note_where=rng.choice(["content", "content", "content", "sidebar"]),
        credit=rng.random() < 0.4,
        comments=rng.choice(["none", "disabled", "box"]),
        remove_access=rng.random() < 0.3,
        denied_status=rng.choice([200, 403]),
        spacer=rng.random() < 0.5,
    )


# --- The editor's body markup ----------------------------------------------------------------

#: The heading forms the editor offered, by ``Style.heading`` ({} is the escaped label).
HEADING_FORMS = {
    "h2": '<h2 style="font-size:14pt">{}</h2>',
    "h3": "<h3>{}</h3>",
    "span": '<div><span style="font-weight:bold">{}</span></div>',
    "font": '<div><font size="4"><b>{}</b></font></div>',
    "b": "<div><b>{}</b></div>",
}


def _heading(text: str, st: Style) -> str:
    return HEADING_FORMS[st.heading].format(E(text + (":" if st.colon else "")))


def _list(items) -> str:
    return "<ul>" + "".join(f"<li>{x}</li>" for x in items) + "</ul>"


def _table(block: Block) -> str:
    rows = "".join("<tr>" + "".join(f'<td style="border:1px solid #888">{E(c)}</td>'
                                    for c in row) + "</tr>" for row in block.items)
    return ('<table border="1" bordercolor="#888" cellspacing="0" '
            f'style="border-collapse:collapse"><tbody>{rows}</tbody></table>')


def _blocks_div(blocks: list[Block], rng: random.Random) -> str:
    """``<div>`` lines, paragraphs parted by ``<div><br></div>``."""
    out = []
    for i, b in enumerate(blocks):
        if i and not (b.kind in ("ul", "table") and rng.random() < 0.5):
            out.append("<div><br></div>")
        if b.kind == "p":
            out.append(f"<div>{E(b.items[0])}</div>")
        elif b.kind == "lines":
            out.append("".join(f"<div>{E(x)}</div>" for x in b.items))
        elif b.kind == "ul":
            out.append(_list(E(x) for x in b.items))
        else:
            out.append(_table(b))
    return "\n".join(out)


def _blocks_br(blocks: list[Block]) -> str:
    """Text with ``<br>`` runs inside one ``<div>``; lists and tables between."""
    out = ""
    prev = None
    for b in blocks:
        if b.kind in ("ul", "table"):
            out += _list(E(x) for x in b.items) if b.kind == "ul" else _table(b)
            prev = "block"
            continue
        text = E(b.items[0]) if b.kind == "p" else "<br>".join(E(x) for x in b.items)
        out += ("<br><br>" if prev == "text" else "") + text
        prev = "text"
    return f"<div>{out}</div>"


def _refs(part: Part, st: Style, rng: random.Random) -> str:
    """An ``<ol>``, or one ``<div>`` line per reference: "1. text", "[1] text" or unnumbered."""
    n0 = part.first_ref_number
    if n0 and st.refs == "ol":
        return refs_html(part, "ol", rng)
    marks = [("" if n0 == 0 else f"[{n0 + i}] " if st.refs == "bracket" else f"{n0 + i}. ")
             for i in range(len(part.refs))]
    return "".join(f"<div>{m}{ref_link(r.text, r.url, rng)}</div>"
                   for m, r in zip(marks, part.refs, strict=True))


def _part(part: Part, st: Style, rng: random.Random) -> str:
    head = _heading(part.heading, st) if part.heading else ""
    if part.kind == "references":
        return head + _refs(part, st, rng)
    body = _blocks_div(part.blocks, rng) if st.para == "div" else _blocks_br(part.blocks)
    return head + body


def _gap(st: Style) -> str:
    return "<div>&nbsp;</div>" if st.spacer else "<div><br></div>"


# --- Site structure ---------------------------------------------------------------------------

@dataclass(slots=True)
class Node:
    """A page of the site's tree: title, path, children."""

    title: str
    path: str
    children: list[Node]


class GoogleSite:
    def __init__(self, rng: random.Random, st: Style, info: SiteInfo,
                 cases: list[CaseContent]) -> None:
        self.rng, self.st, self.info, self.cases = rng, st, info, cases
        self.base = f"/site/{st.sitename}"
        self.site = Site("googlesites", "evaluate", f"{self.base}/case-studies",
                         server="GSE")
        self.list_path = f"{self.base}/case-studies"
        self.case_urls = {c.slug: self._urls(c) for c in cases}
        self.tree = self._tree()

    # URLs and names

    def _urls(self, case: CaseContent) -> list[str]:
        first = f"{self.base}/case-studies/{case.slug}"
        rest = range(2, len(case.pages) + 1)
        if self.st.scheme == "sibling":
            return [first] + [f"{first}-{p}" for p in rest]
        return [first] + [f"{first}/{self.st.scheme}-{p}" for p in rest]

    def page_name(self, case: CaseContent, p: int) -> str:
        """The page's title as the site shows it (the page's name)."""
        if p == 1:
            return case.title
        word = "Part" if self.st.scheme == "part" else "Page"
        if self.st.scheme != "sibling" and self.st.sub_named == "short":
            return f"{word} {p}"
        return f"{case.title} - {word} {p}"

    def _tree(self) -> list[Node]:
        b = self.base
        case_nodes = []
        for case in self.cases:
            urls = self.case_urls[case.slug]
            subs = [Node(self.page_name(case, p), urls[p - 1], [])
                    for p in range(2, len(urls) + 1)]
            if self.st.scheme == "sibling":
                case_nodes.append(Node(case.title, urls[0], []))
                case_nodes.extend(subs)
            else:
                case_nodes.append(Node(case.title, urls[0], subs))
        return [Node("Home", f"{b}/home", []),
                Node("About the Society", f"{b}/about-the-society", []),
                Node("Case Studies", self.list_path, case_nodes),
                Node("Case of the Month", f"{b}/case-of-the-month", []),
                Node("Meetings", f"{b}/meetings", []),
                Node("Contact", f"{b}/contact", []),
                Node("Members Only", f"{b}/members-only", [])]

    # Chrome

    def _nav(self, current: str) -> str:
        depth = {"top": 1, "cases": 2, "all": 3}[self.st.tree]

        def items(nodes: list[Node], level: int) -> str:
            out = []
            for i, n in enumerate(nodes):
                kids = n.children if level < depth else []
                cls = ("nav-first " if i == 0 else "") + ("parent " if kids else "")
                pad = 5 + 15 * (level - 1)
                arrow = ('<div class="expander"><img class="sites-navigation-expander" '
                         'src="/site/_/rsrc/expander.gif" alt=""></div>' if n.children else "")
                if n.path == current:
                    label = f'<div class="current-bg" dir="ltr" style="padding-left: {pad}px;">' \
                            f"{arrow}{E(n.title)}</div>"
                else:
                    top = " topLevel" if level == 1 else ""
                    label = (f'<div dir="ltr" style="padding-left: {pad}px;">{arrow}<a href="'
                             f'{n.path}" class="sites-navigation-link{top}">{E(n.title)}</a>'
                             "</div>")
                sub = (f'<ul class="has-expander">{items(kids, level + 1)}</ul>' if kids else "")
                out.append(f'<li class="{cls}">{label}{sub}</li>')
            return "".join(out)

        t = self.st.embed_title
        return (f'<div class="sites-embed" role="navigation"><{t} class="sites-embed-title">'
                f'Navigation</{t}><div class="sites-embed-content sites-sidebar-nav '
                'sites-embed-content-sidebar-nav"><ul role="navigation" jotId="navList" '
                f'class="has-expander">{items(self.tree, 1)}</ul><div class="sites-navigation-'
                f'sitemap"><a href="{self.base}/system/app/pages/sitemap/hierarchy">Sitemap</a>'
                "</div></div></div>")

    def _textbox(self) -> str:
        info, t = self.info, self.st.embed_title
        if self.st.note_where == "sidebar":
            lines = [x for x in (note_line(info), info.copyright) if x]
            body = "<div><br></div>".join(f"<div>{E(x)}</div>" for x in lines)
            title = "About"
        else:
            c = info.contact
            body = (f"<div>{E(info.name)}</div>"
                    + (f"<div>{E(c.street)}</div><div>{E(c.city)}, {E(c.state)} "
                       f"{E(c.postal_code)}</div>" if c else ""))
            title = "Society Office"
        return (f'<div class="sites-embed"><{t} class="sites-embed-title">{title}</{t}><div '
                'class="sites-embed-content sites-embed-content-sidebar-textbox"><div dir="ltr">'
                f"{body}</div></div></div>")

    def _tabs(self, current: str) -> str:
        if self.st.theme != "tabs":
            return ""
        lis = "".join(
            f'<li class="{"current" if n.path == current else "unselected"}"><a class="sites-'
            f'navigation-link {"current" if n.path == current else "unselected"}" href="'
            f'{n.path}">{E(n.title)}</a></li>' for n in self.tree[:6])
        return ('<tr class="sites-header-secondary-row" id="sites-chrome-horizontal-nav"><td '
                'colspan="2" id="sites-chrome-header-horizontal-nav-container" role="navigation">'
                f'<div class="sites-header-nav"><ul class="sites-header-nav-container-tabs">{lis}'
                "</ul></div></td></tr>")

    def page(self, path: str, name: str, content: str, *,
             crumbs: tuple[Node, ...] | list[Node] = (),
             bottom: str = "", updated: str = "") -> str:
        """A page in the site's chrome: ``name`` in the title and the page title header."""
        st, b = self.st, self.base
        title_tag = "h2" if st.theme == "classic" else "h3"
        crumb_html = "".join(f'<a href="{n.path}" dir="ltr">{E(n.title)}</a>&nbsp;&gt;&nbsp;'
                             for n in crumbs)
        remove = (f' | <a href="{b}/system/app/pages/removeAccess">Remove Access</a>'
                  if st.remove_access else "")
        cont = f"https%3A%2F%2Fsites.google.com{path.replace('/', '%2F')}"
        script = ('<script type="text/javascript">var webspace = {"siteName":"'
                  f'{st.sitename}","pageName":"{path.rsplit("/", 1)[-1]}","printUrl":"{path}?'
                  f'{PRINT_QUERY}","signInUrl":"https://www.google.com/a/UniversalLogin?'
                  f'service=jotspot&continue={cont}"}};</script>')
        stamp = (f'<div id="sites-canvas-bottom-panel-stamp"><span class="sites-system-link">'
                 f"{updated}</span></div>" if updated else "")
        return (
            '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
            '<html xmlns="http://www.w3.org/1999/xhtml" itemscope="" itemtype="http://schema.org/'
            'WebPage">\n<head>\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
            f"\n<title>{E(name)} - {E(st.site_title)}</title>\n"
            '<link rel="stylesheet" type="text/css" href="/site/_/rsrc/standard-css-ln-ltr.css">\n'
            f"{script}\n</head>\n"
            '<body xmlns="http://www.google.com/ns/jotspot" id="body" class=" en">\n'
            '<div id="sites-page-toolbar" class="sites-header-toolbar"></div>\n'
            '<div id="sites-chrome-everything-scrollbar"><div id="sites-chrome-everything">\n'
            '<div id="sites-chrome-page-wrapper" style="direction: ltr"><div id="sites-chrome-'
            'page-wrapper-inside">\n<div xmlns="http://www.w3.org/1999/xhtml" id="sites-chrome-'
            'header-wrapper"><table id="sites-chrome-header" class="sites-layout-hbox" '
            'cellspacing="0"><tr class="sites-header-primary-row" id="sites-chrome-userheader">'
            '<td id="sites-header-title" class=""><div class="sites-header-cell-buffer-wrapper">'
            f'<h2><a href="{b}/" dir="ltr" id="sites-chrome-userheader-title">'
            f"{E(st.site_title)}</a></h2></div></td>"
            '<td class="sites-layout-searchbox"><div class="sites-header-cell-buffer-wrapper">'
            f'<form id="sites-searchbox-form" action="{b}/system/app/pages/search"><input '
            'type="hidden" id="sites-searchbox-scope" name="scope" value="search-site"><input '
            'type="text" id="jot-ui-searchInput" name="q" size="20" value="" aria-label="Search '
            'this site"><div id="sites-searchbox-button-set" class="goog-inline-block"><div '
            'role="button" id="sites-searchbox-search-button" class="goog-inline-block jfk-'
            'button jfk-button-standard" tabindex="0">Search this site</div></div></form></div>'
            f"</td></tr>{self._tabs(path)}</table></div>\n"
            '<div id="sites-chrome-main-wrapper"><div id="sites-chrome-main-wrapper-inside">\n'
            '<table id="sites-chrome-main" class="sites-layout-hbox" cellspacing="0" '
            'cellpadding="0" border="0"><tr>\n'
            '<td id="sites-chrome-sidebar-left" class="sites-layout-sidebar-left" '
            f'style="width:190px">{self._nav(path)}{self._textbox()}</td>\n'
            '<td id="sites-canvas-wrapper"><div id="sites-canvas" role="main">\n'
            '<div id="goog-ws-editor-toolbar-container"> </div>\n'
            f'<div xmlns="http://www.w3.org/1999/xhtml" id="title-crumbs" style="">{crumb_html}'
            "</div>\n"
            f'<{title_tag} xmlns="http://www.w3.org/1999/xhtml" id="sites-page-title-header" '
            f'style="" align="left"><span id="sites-page-title" dir="ltr" tabindex="-1" '
            f'style="outline: none">{E(name)}</span></{title_tag}>\n'
            '<div id="sites-canvas-main" class="sites-canvas-main"><div id="sites-canvas-main-'
            f'content">\n{content}\n</div></div>\n'
            f'<div id="sites-canvas-bottom-panel">{bottom}{stamp}</div>\n'
            "</div></td>\n</tr></table></div></div>\n"
            '<div id="sites-chrome-footer-wrapper"><div id="sites-chrome-footer-wrapper-inside">'
            '<div id="sites-chrome-footer"></div></div></div>\n'
            "</div></div>\n"
            '<div id="sites-chrome-adminfooter-container"><div class="sites-adminfooter" '
            'role="navigation"><p><a class="sites-system-link" href="https://www.google.com/a/'
            f'UniversalLogin?service=jotspot&amp;continue={cont}">Sign in</a>'
            f'<span aria-hidden="true">|</span><a class="sites-system-link" href="{b}/system/app/'
            'pages/recentChanges">Recent Site Activity</a><span aria-hidden="true">|</span><a '
            f'class="sites-system-link" href="{b}/system/app/pages/reportAbuse" target="_blank">'
            'Report Abuse</a><span aria-hidden="true">|</span><a class="sites-system-link" '
            'href="javascript:;" onclick="window.open(webspace.printUrl)">Print Page</a>'
            f'{remove}<span aria-hidden="true">|</span><b class="powered-by">Powered By <b '
            'class="powered-by-product">Google Sites</b></b></p></div></div>\n'
            "</div></div>\n</body>\n</html>\n")

    def content(self, inner: str, two_column: bool = False) -> str:
        """The layout table around the rich-text tile."""
        if two_column:
            return ('<table xmlns="http://www.w3.org/1999/xhtml" cellspacing="0" class="sites-'
                    'layout-name-two-column-hf sites-layout-vbox"><tbody><tr><td class="sites-'
                    'layout-tile sites-tile-name-header"><div dir="ltr"></div></td></tr><tr><td>'
                    '<table cellspacing="0" class="sites-layout-hbox"><tbody><tr><td class="sites'
                    '-layout-tile sites-tile-name-content-1"><div dir="ltr">' + inner
                    + '</div></td><td class="sites-layout-tile sites-tile-name-content-2"><div '
                    'dir="ltr"></div></td></tr></tbody></table></td></tr></tbody></table>')
        return ('<table xmlns="http://www.w3.org/1999/xhtml" cellspacing="0" class="sites-layout-'
                'name-one-column sites-layout-hbox"><tbody><tr><td class="sites-layout-tile '
                'sites-tile-name-content-1"><div dir="ltr">' + inner
                + "</div></td></tr></tbody></table>")

    @staticmethod
    def when(i: int) -> str:
        return (f"{MONTHS[i % 12]} {i % 27 + 1}, {2009 + i % 6}, {i % 12 + 1}:{(i * 7) % 60:02d}"
                f" {'AM' if i % 2 else 'PM'}")

    def stamp(self, i: int) -> str:
        when = self.when(i)
        who = AUTHORS[i % len(AUTHORS)]
        return (f"Updated {when} by {who}" if i % 3 else f"Last edited {when} by {who} "
                f"(v.{i % 5 + 2})")


# --- Case pages -------------------------------------------------------------------------------

def _pager(gs: GoogleSite, urls: list[str], p: int) -> str:
    st, total = gs.st, len(urls)
    if total == 1 or st.pager == "none":
        return ""
    if st.pager == "numbers":
        cells = [str(k) if k == p else f'<a href="{urls[k - 1]}">{k}</a>'
                 for k in range(1, total + 1)]
        return "<div>Page: " + " ".join(cells) + "</div>"
    if st.pager == "continue":
        return (f'<div><a href="{urls[p]}">Continue to Page {p + 1}</a></div>' if p < total
                else f'<div><a href="{urls[p - 2]}">Back to Page {p - 1}</a></div>')
    links = []
    if p > 1:
        links.append(f'<a href="{urls[p - 2]}">&lt;&lt; Previous Page</a>')
    if p < total:
        links.append(f'<a href="{urls[p]}">Next Page &gt;&gt;</a>')
    return "<div>" + " | ".join(links) + "</div>"


def _attachments(gs: GoogleSite, url: str, ci: int) -> tuple[str, list[str]]:
    """The attachments box of a page and the file URLs it serves."""
    name, kind = (("xray.jpg", "image/gif") if ci % 2 else ("handout.pdf", "application/pdf"))
    size = "12k" if ci % 2 else "48k"
    auth = "attachauth=ANoY7cr3q0VfWz1xJkLqP2&attredirects=0"
    view = f"{url}/{name}?" + (auth if ci % 3 == 0 else "attredirects=0")
    down = f"{url}/{name}?attredirects=0&d=1"
    body = GIF if kind == "image/gif" else PDF
    for path in (view, down):
        gs.site.pages[path] = (body, kind, 200)
        gs.site.non_case_paths.append(path)
    html = ('<div id="sites-attachments-container"><div class="sites-attachments-header">'
            '<h4 class="sites-attachments-name">Attachments (1)</h4></div><table class="sites-'
            'table sites-attachments-table"><tbody><tr><td class="sites-attachments-row"><a '
            f'href="{view}" dir="ltr">{name}</a> <span class="sites-attachments-size">{size}'
            f'</span></td><td><a href="{view}">View</a> <a href="{down}">Download</a></td><td>'
            f'<a href="{view}">v.1</a></td><td>{AUTHORS[ci % len(AUTHORS)]}</td></tr></tbody>'
            "</table></div>")
    return html, [view, down]


def _comments(gs: GoogleSite) -> str:
    if gs.st.comments == "none":
        return ""
    if gs.st.comments == "disabled":
        return '<div id="sites-comments-container"><div>Comments are disabled.</div></div>'
    return ('<div id="sites-comments-container"><h4 class="sites-comments-header">Comments '
            '(0)</h4><div class="sites-comments-empty">You do not have permission to add '
            "comments.</div></div>")


def _case_pages(gs: GoogleSite, case: CaseContent, ci: int) -> None:
    st, info, rng = gs.st, gs.info, gs.rng
    urls = gs.case_urls[case.slug]
    list_node = gs.tree[2]
    truth_urls = []
    for p, parts in enumerate(case.pages, start=1):
        chunks = []
        if st.top_line:
            top = f"{case.title} - Page #{p}"
            chunks.append(f'<div><b><font size="4">{E(top)}</font></b></div>')
        chunks.extend(_part(part, st, rng) for part in parts)
        pager = _pager(gs, urls, p)
        if pager:
            chunks.append(pager)
        tail = [f'<div><a href="{gs.list_path}">Return To The Case Studies List.</a></div>']
        if st.note_where == "content":
            note = note_line(info)
            if note:
                tail.append(f"<div>{E(note)}</div>")
            if info.copyright:
                tail.append(f"<div>{E(info.copyright)}</div>")
            if st.credit:
                tail.append(f"<div><i>Website maintained by the {E(info.short)} Education "
                            "Committee</i></div>")
        chunks.append(_gap(st).join(tail))
        inner = _gap(st).join(chunks)
        name = gs.page_name(case, p)
        bottom = []
        if p == 1 and len(urls) > 1 and st.subpage_list and st.scheme != "sibling":
            links = " ".join(f'<a href="{u}" dir="ltr">{E(gs.page_name(case, k))}</a>'
                             for k, u in enumerate(urls[1:], start=2))
            bottom.append(f'<div class="sites-subpages"><span class="sites-subpages-label">'
                          f"Subpages ({len(urls) - 1}):</span> {links}</div>")
        if (ci + p) % 4 == 1:
            html, _ = _attachments(gs, urls[p - 1], ci)
            bottom.append(html)
        bottom.append(_comments(gs))
        if st.scheme == "sibling" or p == 1:
            crumbs = [list_node]
        else:
            crumbs = [list_node, Node(case.title, urls[0], [])]
        byline = ""
        if st.list_kind == "announcements" and p == 1:
            # an announcement post: its byline above the post's layout table
            byline = (f'<div class="sites-announcement-byline">posted {MONTHS[ci % 12]} '
                      f"{ci + 3}, {2010 + ci % 4}, 9:{ci * 7 % 60:02d} AM by "
                      f"{AUTHORS[ci % len(AUTHORS)]}</div>\n")
        page_html = gs.page(urls[p - 1], name,
                            byline + gs.content(inner, two_column=ci % 5 == 4),
                            crumbs=crumbs, bottom="".join(bottom), updated=gs.stamp(ci * 3 + p))
        gs.site.add(urls[p - 1], page_html)
        print_path = f"{urls[p - 1]}?{PRINT_QUERY}"
        gs.site.add(print_path, _print_view(gs, name, inner))
        truth_urls.append({"url": urls[p - 1], "aliases": [print_path]})
    record_case(gs.site, info, case, truth_urls)


def _print_view(gs: GoogleSite, name: str, inner: str) -> str:
    return ('<!DOCTYPE html>\n<html><head><meta http-equiv="Content-Type" content="text/html; '
            f'charset=utf-8"><title>{E(name)} - {E(gs.st.site_title)}</title></head>\n<body '
            'class="sites-print" onload="window.print()"><div id="sites-print-header"><h3>'
            f'{E(gs.st.site_title)}</h3></div>\n<h2 id="sites-page-title-header"><span id="sites-'
            f'page-title">{E(name)}</span></h2>\n<div id="sites-canvas-main-content">{inner}'
            "</div>\n</body></html>\n")


# --- The list and the other pages ------------------------------------------------------------

def _teaser(case: CaseContent) -> str:
    first = next(b for p in case.pages[0] for b in p.blocks if b.kind == "p")
    text = first.items[0]
    return text if len(text) < 160 else text[:150].rsplit(" ", 1)[0] + "..."


def _tree_ul(nodes: list[Node], cls: str = "") -> str:
    items = "".join(f'<li><a href="{n.path}" dir="ltr">{E(n.title)}</a>'
                    + (_tree_ul(n.children) if n.children else "") + "</li>" for n in nodes)
    return f'<ul{cls}>{items}</ul>'


def _list_pages(gs: GoogleSite) -> None:
    st, site, node = gs.st, gs.site, gs.tree[2]
    intro = ("<div>The cases below were presented at the society's meetings and are kept here "
             "for members and students. Each case runs over several pages.</div>")
    if st.list_kind == "links":
        lines = "".join(f'<div><a href="{gs.case_urls[c.slug][0]}">{E(c.title)}</a></div>'
                        for c in gs.cases)
        site.non_case(gs.list_path, gs.page(gs.list_path, "Case Studies", gs.content(
            intro + "<div><br></div>" + lines)))
        return
    if st.list_kind == "hierarchy":
        listing = ('<div class="sites-subpages sites-list-subpages"><div class="sites-subpages-'
                   f'label">Subpages ({len(node.children)}):</div>'
                   + _tree_ul(node.children, ' class="sites-subpages-tree"') + "</div>")
        site.non_case(gs.list_path, gs.page(gs.list_path, "Case Studies", gs.content(
            intro + "<div><br></div>" + listing)))
        return
    per = 5
    newest = list(reversed(gs.cases))
    chunks = [newest[i:i + per] for i in range(0, len(newest), per)]
    for k, chunk in enumerate(chunks):
        path = gs.list_path + (f"?offset={k * per}" if k else "")
        posts = []
        for c in chunk:
            ci = gs.cases.index(c)
            posts.append(
                '<div class="announcement"><h4 class="sites-announcement-title"><a href="'
                f'{gs.case_urls[c.slug][0]}">{E(c.title)}</a></h4><div class="sites-'
                f'announcement-byline">posted {MONTHS[ci % 12]} {ci + 3}, {2010 + ci % 4}, '
                f"9:{ci * 7 % 60:02d} AM by {AUTHORS[ci % len(AUTHORS)]}</div><div "
                f'class="sites-announcement-body">{E(_teaser(c))}</div></div>')
        shown = f"Showing posts {k * per + 1} - {k * per + len(chunk)} of {len(newest)}."
        nav = []
        if k:
            prev = gs.list_path + (f"?offset={(k - 1) * per}" if k > 1 else "")
            nav.append(f'<a href="{prev}">« Newer posts</a>')
        if k + 1 < len(chunks):
            nav.append(f'<a href="{gs.list_path}?offset={(k + 1) * per}">View more »</a>')
        body = (intro + '<div class="sites-announcements-list">' + "".join(posts)
                + f'</div><div class="sites-announcements-pager">{shown} {" ".join(nav)}</div>')
        site.non_case(path, gs.page(gs.list_path, "Case Studies", gs.content(body)))


def _other_pages(gs: GoogleSite) -> None:
    st, info, site, b = gs.st, gs.info, gs.site, gs.base
    label = lambda t: f"<b>{E(t)}</b>"  # noqa: E731
    featured = gs.cases[len(gs.cases) // 2]
    feat_url = gs.case_urls[featured.slug][0]
    home = (f"<div>Welcome to the case study site of the {E(info.name)}.</div><div><br></div>"
            f'<div>Browse the <a href="{gs.list_path}">Case Studies</a> or read this month\'s '
            f'<a href="{b}/case-of-the-month">Case of the Month</a>.</div>')
    pages = [(f"{b}/home", "Home", home),
             (f"{b}/about-the-society", "About the Society", about_body(info, label)),
             (f"{b}/meetings", "Meetings", calendar_body()),
             (f"{b}/contact", "Contact", contact_body(info))]
    for path, name, body in pages:
        site.non_case(path, gs.page(path, name, gs.content(body), updated=gs.stamp(len(name))))
    site.non_case(f"{b}/", gs.page(f"{b}/home", "Home", gs.content(home)))
    site.redirect(b, f"{b}/")
    post = f"{b}/case-of-the-month/case-of-the-month-{MONTHS[3].lower()}"
    byline = f"posted {MONTHS[3]} 1, 2011, 8:02 AM by {AUTHORS[0]}"
    teaser = (f"<div>This month's case is <a href=\"{feat_url}\">{E(featured.title)}</a>. "
              "Test yourself before you turn to the diagnosis.</div>")
    site.non_case(f"{b}/case-of-the-month", gs.page(
        f"{b}/case-of-the-month", "Case of the Month", gs.content(
            '<div class="sites-announcements-list"><div class="announcement"><h4 class="sites-'
            f'announcement-title"><a href="{post}">Case of the Month: {MONTHS[3]}</a></h4><div '
            f'class="sites-announcement-byline">{byline}</div><div class="sites-announcement-'
            f'body">{teaser}</div></div></div>')))
    site.non_case(post, gs.page(post, f"Case of the Month: {MONTHS[3]}", gs.content(
        f'<div class="sites-announcement-byline">{byline}</div>{teaser}'),
        crumbs=[Node("Case of the Month", f"{b}/case-of-the-month", [])]))
    denied = ('<!DOCTYPE html><html><head><title>Google Sites</title></head><body><div '
              'id="sites-access-denied"><h1>You need permission</h1><p>You need permission to '
              'access this page. Ask the site owner for access, or switch to an account with '
              'permission.</p><p><a href="https://www.google.com/a/UniversalLogin?service=jotspot'
              '">Sign in</a></p><p><b>Access denied.</b></p></div></body></html>')
    site.non_case(f"{b}/members-only", denied, status=st.denied_status)
    sm = f"{b}/system/app/pages/sitemap/hierarchy"
    tree = _tree_ul(gs.tree, ' class="sites-sitemap-tree"')
    site.non_case(sm, gs.page(sm, "Sitemap", (
        f'<div class="sites-sitemap-view"><a href="{b}/system/app/pages/sitemap/list">List view'
        '</a> | <span>Collapse all</span> | <span>Expand all</span></div><div id="sites-'
        f'sitemap">{tree}</div>')))
    flat = [n for top in gs.tree for n in [top, *top.children, *(g for c in top.children
                                                                  for g in c.children)]]
    rows = "".join(f'<tr><td><a href="{n.path}">{E(n.title)}</a></td><td>{gs.when(i)}'
                   "</td></tr>" for i, n in enumerate(flat))
    sl = f"{b}/system/app/pages/sitemap/list"
    site.non_case(sl, gs.page(sl, "Sitemap", (
        f'<div class="sites-sitemap-view"><a href="{sm}">Hierarchy view</a></div><table '
        f'class="sites-table goog-ws-list-table"><thead><tr><th>Title</th><th>Last updated'
        f"</th></tr></thead><tbody>{rows}</tbody></table>")))
    recent = []
    for i, n in enumerate(reversed(flat[-10:])):
        verb = "created" if i % 3 == 2 else "edited"
        recent.append(f'<tr><td>{gs.when(i + 40)}</td><td>{AUTHORS[i % 5]} {verb} <a '
                      f'href="{n.path}">{E(n.title)}</a></td></tr>')
    rc = f"{b}/system/app/pages/recentChanges"
    site.non_case(rc, gs.page(rc, "Recent site activity", (
        '<table class="sites-table" id="sites-recent-activity"><tbody>' + "".join(recent)
        + "</tbody></table>")))
    ra = f"{b}/system/app/pages/reportAbuse"
    site.non_case(ra, (
        '<!DOCTYPE html><html><head><title>Report Abuse - Google Sites</title></head><body>'
        '<h2>Report Abuse</h2><form method="post" action="/sites/reportabuse"><p>Why are you '
        'reporting this site?</p><p><input type="radio" name="r" value="spam"> Spam<br><input '
        'type="radio" name="r" value="other"> Other</p><p><input type="submit" value="Submit">'
        "</p></form></body></html>"))


def build_googlesites(rng: random.Random, n: int) -> Site:
    st = draw_style(rng)
    info = draw_site(rng, with_contact=rng.random() < 0.8)
    st.site_title = rng.choice([info.name, f"{info.short} Case Studies",
                                f"{info.short} Sports Medicine Education"])
    cases = draw_cases(rng, n, unknown_rate=0.35, numbered_refs=st.numbered)
    if st.caps:
        restyle_headings(cases, str.upper)
    gs = GoogleSite(rng, st, info, cases)
    for ci, case in enumerate(cases):
        _case_pages(gs, case, ci)
    _list_pages(gs)
    _other_pages(gs)
    gs.site.pages["/site/_/rsrc/standard-css-ln-ltr.css"] = (b"body{margin:0}\n", "text/css",
                                                               200)
    gs.site.pages["/site/_/rsrc/expander.gif"] = (GIF, "image/gif", 200)
    return gs.site
