"""A SharePoint 2007 / ASP.NET WebForms society site (evaluate-only), written without looking
at the parser.

* one ``<form name="aspnetForm" method="post">`` around the whole body, with ``__VIEWSTATE``,
  ``__EVENTVALIDATION`` and the ``__doPostBack`` script; ``ctl00_PlaceHolder...`` ids;
* the master page's furniture: a "Welcome / Sign In" bar and Site Actions, a search box, a top
  link bar (``ms-topnav``), a quick launch (``ms-quicklaunch``, ``ms-navheader``,
  ``ms-navitem`` tables), the breadcrumb "Home > Education > Case Studies > title", a
  ``ms-pagetitle`` title area;
* the case in the publishing page's rich-text field (``<div class="ms-rtestate-field">``) or
  in a Content Editor web part (``<td id="MSOZoneCell_WebPartWPQ2">``), per site;
* headings as the rich-text editor writes them, per site: ``<h3 class="ms-rteElement-H3">``,
  ``<span style="font-weight:bold;">``, ``<strong><span style="font-size:10pt">``, with or
  without a typed colon, sometimes typed in CAPS; text as ``<p>``, as ``<div>`` lines with
  ``<div>&#160;</div>`` spacers, or as runs separated by ``<br><br>``;
* ``/education/Pages/CaseStudy.aspx?ID=12&Page=2`` (page 1 without ``Page``; on some sites the
  pager's "1" links ``&Page=1``), a pager of ``__doPostBack`` Previous/Next links beside plain
  numbered links, or of plain links only; "Page 2 of 3" on some sites;
* the list page ``/education/Pages/CaseStudies.aspx`` as an AllItems-like list view (Title,
  Author, Modified), paged with ``Paged=TRUE&p_ID=..`` on some sites;
* the site's other pages (About, submission guidelines, calendar list, contact, site map,
  "View All Site Content", sign-in, Access Denied).

IIS: the pages link mixed-case URLs (``/education/Pages/...``); like a real IIS server the site
answers the same page under the lower-cased URL too (the route table is case-sensitive, so
the lower-cased forms are served explicitly and are aliases in the truth).
"""

from __future__ import annotations

import base64
import random
from urllib.parse import quote, urlsplit

from ..model import Block, CaseContent, Part, SiteInfo
from .common import (
    E,
    Site,
    about_body,
    calendar_body,
    contact_body,
    draw_cases,
    draw_site,
    guidelines_body,
    members_body,
    note_line,
    record_case,
    restyle_headings,
    sitemap_body,
)

CASE_PAGE = "/education/Pages/CaseStudy.aspx"
LIST_PAGE = "/education/Pages/CaseStudies.aspx"
CORE_CSS = "/_layouts/1033/styles/core.css?rev=5msmprmeONfN6lJ3wtbAlA%3D%3D"
INIT_JS = "/_layouts/1033/init.js?rev=ck%2BHdHQ8ABQHif7kr%2Bj7iQ%3D%3D"
AUTHORS = ["Miller, Jane", "Okafor, Daniel", "Lindqvist, Eva", "Tran, Minh", "Baker, Robert",
           "Alvarez, Maria"]
TOP_NAV = [("/Pages/default.aspx", "Home"), ("/about/Pages/default.aspx", "About Us"),
           ("/education/Pages/default.aspx", "Education"), ("/meetings/Pages/default.aspx",
                                                           "Meetings"),
           ("/members/Pages/default.aspx", "Members"), ("/Pages/ContactUs.aspx", "Contact Us")]
QUICK_LAUNCH = [("Education", "/education/Pages/default.aspx",
                 [("Case Studies", LIST_PAGE),
                  ("Submission Guidelines", "/education/Pages/SubmissionGuidelines.aspx")]),
                ("Meetings", "/meetings/Pages/default.aspx",
                 [("Calendar", "/Lists/Calendar/calendar.aspx")]),
                ("Lists", "/_layouts/viewlsts.aspx?BaseType=0",
                 [("Calendar", "/Lists/Calendar/calendar.aspx")])]


def _iis_forms(url: str) -> list[str]:
    """The URL as linked, then the other spellings an IIS server answers with the same page
    (all lower case; path lower case with the query as written)."""
    parts = urlsplit(url)
    forms = [url, url.lower()]
    if parts.query:
        forms.append(parts.path.lower() + "?" + parts.query)
    return list(dict.fromkeys(forms))


def _viewstate(rng: random.Random, size: int) -> str:
    return base64.b64encode(bytes(rng.getrandbits(8) for _ in range(size))).decode()


# --- The rich-text field ---------------------------------------------------------------------

def _heading_renderer(rng: random.Random, para: str):
    style = rng.choice(["h3", "span", "strong"])
    colon = ":" if rng.random() < 0.4 else ""

    def render(text: str) -> str:
        t = E(text) + colon
        if style == "h3":
            return f'<h3 class="ms-rteElement-H3">{t}</h3>'
        inner = (f'<span style="font-weight:bold;">{t}</span>' if style == "span"
                 else f'<strong><span style="font-size:10pt">{t}</span></strong>')
        if para == "br":
            return f"{inner}<br>"
        return f"<{para}>{inner}</{para}>"
    return render


def _table(block: Block) -> str:
    rows = "".join("<tr>" + "".join(f'<td class="ms-rteTableEvenCol-0">{E(c)}</td>' for c in row)
                   + "</tr>" for row in block.items)
    return (f'<table class="ms-rteTable-1" border="1" cellspacing="0" cellpadding="2" '
            f'style="width:100%;"><tbody>{rows}</tbody></table>')


def _rte_blocks(blocks: list[Block], para: str, spacer: bool) -> str:
    """Blocks as the rich-text editor saved them: ``<p>``, ``<div>`` or ``<br><br>`` runs."""
    out = []
    for b in blocks:
        if b.kind in ("p", "lines"):
            text = "<br>".join(E(x) for x in b.items)
            out.append(f"{text}<br><br>" if para == "br" else f"<{para}>{text}</{para}>")
        elif b.kind == "ul":
            out.append("<ul>" + "".join(f"<li>{E(x)}</li>" for x in b.items) + "</ul>")
        else:
            out.append(_table(b))
        if spacer and para == "div":
            out.append("<div>&#160;</div>")
    return "\n".join(out)


def _rte_refs(part: Part, para: str, style: str) -> str:
    n0 = part.first_ref_number
    texts = [E(r.text) for r in part.refs]
    if style == "ol":
        return "<ol>" + "".join(f"<li>{t}</li>" for t in texts) + "</ol>"
    if para == "br":
        return "<br>".join(f"{n0 + i}. {t}" for i, t in enumerate(texts)) + "<br><br>"
    return "\n".join(f"<{para}>{n0 + i}. {t}</{para}>" for i, t in enumerate(texts))


# --- The master page -------------------------------------------------------------------------

def _top_nav() -> str:
    cells = "".join(f'<td class="ms-topnav" id="zz1_TopNavigationMenun{i}"><table cellpadding="0" '
                    f'cellspacing="0" border="0" width="100%"><tr><td style="white-space:nowrap;">'
                    f'<a class="ms-topnav zz1_TopNavigationMenu_1" href="{h}">{E(t)}</a></td>'
                    "</tr></table></td>"
                    for i, (h, t) in enumerate(TOP_NAV))
    return (f'<table id="zz1_TopNavigationMenu" class="ms-topNavContainer" cellpadding="0" '
            f'cellspacing="0" border="0"><tr>{cells}</tr></table>')


def _quick_launch() -> str:
    groups = []
    for head, href, items in QUICK_LAUNCH:
        subs = "".join('<tr><td><table class="ms-navitem" cellpadding="0" cellspacing="0" '
                       'border="0" width="100%"><tr><td style="width:100%;"><a class="'
                       f'zz2_QuickLaunchMenu_1 ms-navitem" href="{h}" style="border-style:none;'
                       f'font-size:1em;">{E(t)}</a></td></tr></table></td></tr>'
                       for t, h in items)
        groups.append('<tr><td><table class="ms-navheader" cellpadding="0" cellspacing="0" '
                      'border="0" width="100%"><tr><td style="width:100%;"><a class="'
                      f'zz2_QuickLaunchMenu_1 ms-navheader" href="{href}">{E(head)}</a></td>'
                      '</tr></table></td></tr><tr><td><table class="ms-navSubMenu2" border="0" '
                      f'cellpadding="0" cellspacing="0" width="100%">{subs}</table></td></tr>')
    return ('<div class="ms-quicklaunchouter"><div class="ms-quickLaunch" style="width:100%">\n'
            '<h3 class="ms-standardheader"><label class="ms-hidden">Quick Launch</label></h3>\n'
            '<div class="ms-quicklaunchheader"><a id="ctl00_PlaceHolderLeftNavBar_idNavLinkView'
            'All" accesskey="3" href="/_layouts/viewlsts.aspx">View All Site Content</a></div>\n'
            '<table id="ctl00_PlaceHolderLeftNavBar_QuickLaunchNavigationManager" width="100%" '
            'class="ms-navSubMenu1" cellpadding="0" cellspacing="0" border="0">'
            + "".join(groups) + "</table>\n</div></div>")


def _crumbs(trail: list[tuple[str | None, str]]) -> str:
    spans = []
    for href, text in trail:
        spans.append(f'<span><a class="ms-sitemapdirectional" href="{href}">{E(text)}</a></span>'
                     if href else f'<span class="ms-sitemapdirectional">{E(text)}</span>')
    return ('<span id="ctl00_PlaceHolderTitleBreadcrumb_ContentMap">'
            + '<span> &gt; </span>'.join(spans) + "</span>")


class _Master:
    """The site's master page: wraps a content placeholder in the SharePoint chrome."""

    def __init__(self, rng: random.Random, info: SiteInfo, site: Site) -> None:
        self.rng, self.info, self.site = rng, info, site
        self.note_in_footer = rng.random() < 0.5
        self.footer_cls = rng.choice(["ms-footer", "footer"])

    def page(self, url: str, title: str, heading: str, crumbs: list[tuple[str | None, str]],
             content: str) -> str:
        rng, info = self.rng, self.info
        action = E(url.rsplit("/", 1)[-1]).replace('"', "&quot;")
        source = quote(url, safe="")
        note = note_line(info)
        foot = []
        if note and self.note_in_footer:
            foot.append(f"<div>{E(note)}</div>")
        if info.copyright:
            foot.append(f"<div>{E(info.copyright)}</div>")
        return (
            '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">\n'
            '<html dir="ltr" __expr-val-dir="ltr">\n<head><meta name="GENERATOR" content='
            '"Microsoft SharePoint" /><meta name="progid" content="SharePoint.WebPartPage.'
            'Document" /><meta http-equiv="Content-Type" content="text/html; charset=utf-8" />'
            '<meta http-equiv="Expires" content="0" />\n'
            f"<title>\n\t{E(title)}\n</title>"
            f'<link rel="stylesheet" type="text/css" href="{CORE_CSS}"/>\n<script type="text/'
            f'javascript" language="javascript" src="{INIT_JS}"></script>\n</head>\n'
            '<body scroll="yes" onload="javascript:if (typeof(_spBodyOnLoadWrapper) != '
            "'undefined') _spBodyOnLoadWrapper();\">\n"
            f'<form name="aspnetForm" method="post" action="{action}" onsubmit="javascript:'
            'return WebForm_OnSubmit();" id="aspnetForm">\n<div>\n'
            '<input type="hidden" name="__EVENTTARGET" id="__EVENTTARGET" value="" />\n'
            '<input type="hidden" name="__EVENTARGUMENT" id="__EVENTARGUMENT" value="" />\n'
            '<input type="hidden" name="__REQUESTDIGEST" id="__REQUESTDIGEST" value="0x'
            f'{rng.getrandbits(128):032X},06 Mar 2009 16:12:44 -0000" />\n'
            '<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="'
            f'{_viewstate(rng, rng.randint(600, 1400))}" />\n</div>\n'
            '<script type="text/javascript">\n//<![CDATA[\nvar theForm = document.forms['
            "'aspnetForm'];\nif (!theForm) {\n    theForm = document.aspnetForm;\n}\n"
            "function __doPostBack(eventTarget, eventArgument) {\n    if (!theForm.onsubmit || "
            "(theForm.onsubmit() != false)) {\n        theForm.__EVENTTARGET.value = eventTarget;"
            "\n        theForm.__EVENTARGUMENT.value = eventArgument;\n        theForm.submit();"
            "\n    }\n}\n//]]>\n</script>\n"
            '<table class="ms-main" cellpadding="0" cellspacing="0" border="0" width="100%" '
            'height="100%">\n<tr><td colspan="2" width="100%">\n'
            '<table class="ms-globalbreadcrumb" cellpadding="0" cellspacing="0" border="0" '
            'width="100%"><tr><td nowrap="nowrap" id="GlobalTitleAreaImage"><a href="/Pages/'
            f'default.aspx" id="ctl00_PlaceHolderGlobalNavigationSiteMap">{E(info.name)}</a>'
            '</td><td class="ms-globallinks" style="text-align:right;"><span style="display:none">'
            '</span><span class="ms-SPLink">Welcome</span> <a id="ctl00_PlaceHolderGlobal'
            f'Navigation_IdWelcome_ExplicitLogin" href="/_layouts/Authenticate.aspx?Source='
            f'{source}" style="display:inline;">Sign In</a></td></tr></table>\n'
            '<table class="ms-bannerContainer" width="100%" cellpadding="0" cellspacing="0" '
            'border="0"><tr><td class="ms-banner" width="99%" nowrap="nowrap" id="HBN100">'
            f"{_top_nav()}</td>"
            '<td class="ms-banner"><table class="ms-sbtable ms-sbtable-ex" border="0"><tr>'
            '<td class="ms-sbcell"><input name="ctl00$PlaceHolderSearchArea$ctl01$S622C1022_'
            'InputKeywords" type="text" maxlength="200" id="ctl00_PlaceHolderSearchArea_ctl01_'
            'S622C1022_InputKeywords" accesskey="S" title="Enter search words" class="ms-sbplain"'
            ' alt="Enter search words" /></td><td class="ms-sbgo ms-sbcell"><a id="ctl00_Place'
            'HolderSearchArea_ctl01_S622C1022_go" title="Go Search" href="javascript:S622C1022_'
            'Submit()">Go</a></td></tr></table></td></tr></table>\n</td></tr>\n'
            '<tr><td class="ms-titleareaframe" colspan="2"><table class="ms-titleareaframe" '
            'cellpadding="0" cellspacing="0" border="0" width="100%"><tr><td class="ms-'
            f'pagebreadcrumb">{_crumbs(crumbs)}</td></tr><tr><td class="ms-pagetitleareaframe"'
            '><h2 class="ms-pagetitle"><span id="ctl00_PlaceHolderPageTitleInTitleArea_'
            f'lblTitle">{E(heading)}</span></h2></td></tr></table></td></tr>\n'
            '<tr><td class="ms-leftareacell" valign="top" id="LeftNavigationAreaCell" '
            'width="150"><table class="ms-nav" width="100%" height="100%" cellpadding="0" '
            'cellspacing="0"><tr><td><div id="ctl00_PlaceHolderLeftNavBar_QuickLaunch">'
            f"{_quick_launch()}</div></td></tr></table></td>\n"
            '<td class="ms-bodyareacell" valign="top"><div id="ctl00_MSO_ContentDiv">\n'
            '<a name="mainContent"></a>\n'
            f"{content}\n"
            "</div></td></tr>\n"
            f'<tr><td colspan="2" class="{self.footer_cls}">' + "\n".join(foot) + "</td></tr>\n"
            "</table>\n"
            '<div>\n<input type="hidden" name="__EVENTVALIDATION" id="__EVENTVALIDATION" '
            f'value="{_viewstate(rng, rng.randint(60, 160))}" />\n</div>\n'
            '<script type="text/javascript">\n//<![CDATA[\nvar _spFormDigestRefreshInterval '
            "= 1440000;function WebForm_OnSubmit() {\nUpdateFormDigest('\\u002f', 1440000);"
            "return true;\n}\n//]]>\n</script>\n</form>\n</body>\n</html>")

    def serve(self, url: str, html: str, *, non_case: bool, status: int = 200) -> list[str]:
        """Serve ``html`` under every IIS spelling of ``url``; return the spellings."""
        forms = _iis_forms(url)
        for form in forms:
            if non_case:
                self.site.non_case(form, html, status=status)
            else:
                self.site.add(form, html, status=status)
        return forms


# --- The case pages --------------------------------------------------------------------------

class _Style:
    """One site's editor habits and page furniture."""

    def __init__(self, rng: random.Random) -> None:
        self.para = rng.choice(["p", "div", "br"])
        self.spacer = rng.random() < 0.5
        self.heading = _heading_renderer(rng, self.para)
        self.refs = rng.choice(["ol", "numbered"])
        self.zone = rng.choice(["field", "webpart"])
        self.pager = rng.choice(["postback", "plain"])
        self.page1_param = rng.random() < 0.4
        self.count = rng.random() < 0.5
        self.title = rng.choice(["case", "prefixed", "generic", "paged"])
        self.byline = rng.random() < 0.5
        self.back_link = rng.random() < 0.6
        self.id_param, self.page_param = rng.choice([("ID", "Page"), ("ID", "Page"),
                                                      ("CaseID", "pg")])


def _pager(urls: list[str], p: int, style: _Style, page1: str) -> str:
    total = len(urls)
    if total == 1:
        return ""
    nums = " ".join(f'<span class="ms-pagingcurrent"><b>{k}</b></span>' if k == p else
                    f'<a href="{E(page1 if k == 1 else u)}">{k}</a>'
                    for k, u in enumerate(urls, start=1))
    if style.pager == "postback":
        target = "ctl00$PlaceHolderMain$CaseStudyPager$"
        prev = (f"<a href=\"javascript:__doPostBack('{target}lnkPrevious','')\">&lt; Previous</a>"
                if p > 1 else "&lt; Previous")
        nxt = (f"<a href=\"javascript:__doPostBack('{target}lnkNext','')\">Next &gt;</a>"
               if p < total else "Next &gt;")
    else:
        prev = (f'<a href="{E(page1 if p == 2 else urls[p - 2])}">&lt; Previous</a>'
                if p > 1 else "")
        nxt = f'<a href="{E(urls[p])}">Next &gt;</a>' if p < total else ""
    arrows = " | ".join(x for x in (prev, nxt) if x)
    count = f'<span class="ms-pagingtext">Page {p} of {total}</span>&nbsp;&nbsp;' \
        if style.count else ""
    return (f'<table class="ms-paging" id="ctl00_PlaceHolderMain_CaseStudyPager" width="100%">'
            f'<tr><td align="center">{count}{arrows}&nbsp;&nbsp;&nbsp;{nums}</td></tr></table>')


def _case_body(parts: list[Part], style: _Style) -> str:
    out = []
    for part in parts:
        if part.heading:
            out.append(style.heading(part.heading))
        if part.kind == "references":
            out.append(_rte_refs(part, style.para, style.refs))
        else:
            out.append(_rte_blocks(part.blocks, style.para, style.spacer))
    return "\n".join(out)


def _zone(content: str, style: _Style) -> str:
    if style.zone == "field":
        return ('<div id="ctl00_PlaceHolderMain_PageContent__ControlWrapper_RichHtmlField" '
                f'class="ms-rtestate-field" style="display:inline">{content}</div>')
    return ('<table width="100%" cellpadding="0" cellspacing="0" border="0"><tr>'
            '<td id="MSOZoneCell_WebPartWPQ2" valign="top"><table TOPLEVEL border="0" '
            'cellpadding="0" cellspacing="0" width="100%"><tr><td valign="top"><div '
            'WebPartID="4f8c1b2e-2d0a-4a5e-9a57-3c1f2b7a9d10" HasPers="false" id="WebPartWPQ2" '
            f'width="100%" class="ms-WPBody" allowDelete="false" style="">{content}</div>'
            "</td></tr></table></td></tr></table>")


def _case_pages(master: _Master, style: _Style, case: CaseContent, cid: int,
                author: str, rng: random.Random) -> None:
    info, site = master.info, master.site
    total = len(case.pages)
    base = f"{CASE_PAGE}?{style.id_param}={cid}"
    urls = [base + (f"&{style.page_param}={p}" if p > 1 else "") for p in range(1, total + 1)]
    page1 = f"{base}&{style.page_param}=1" if style.page1_param else base
    note = note_line(info)
    pages = []
    for p, parts in enumerate(case.pages, start=1):
        body = _case_body(parts, style)
        byline = (f'<div class="ms-byline" id="ctl00_PlaceHolderMain_lblByline">By {E(author)}'
                  "</div>\n" if style.byline and p == 1 else "")
        tail = ""
        if note and not master.note_in_footer:
            tag = "div" if style.para == "br" else style.para
            tail = f"<{tag}>{E(note)}</{tag}>"
        back = (f'<div><a href="{LIST_PAGE}">Return to the Case Studies list</a></div>'
                if style.back_link else "")
        content = (f"{byline}{_zone(body + tail, style)}\n{_pager(urls, p, style, page1)}\n"
                   f"{back}")
        titles = {"case": case.title, "prefixed": f"Case Studies - {case.title}",
                  "generic": f"{info.short} - Case Study",
                  "paged": case.title if p == 1 else f"{case.title} - Page {p}"}
        crumbs = [("/Pages/default.aspx", "Home"), ("/education/Pages/default.aspx",
                                                    "Education"),
                  (LIST_PAGE, "Case Studies"), (None, case.title)]
        html = master.page(urls[p - 1], titles[style.title], case.title, crumbs, content)
        forms = master.serve(urls[p - 1], html, non_case=False)
        aliases = forms[1:]
        if p == 1 and style.page1_param:
            aliases += master.serve(page1, html, non_case=False)
        pages.append({"url": urls[p - 1], "aliases": aliases})
        _sign_in(master, urls[p - 1])
    record_case(site, info, case, pages)


def _sign_in(master: _Master, url: str) -> None:
    """The "Sign In" link of a page: Authenticate.aspx redirects to the login form."""
    auth = f"/_layouts/Authenticate.aspx?Source={quote(url, safe='')}"
    for form in _iis_forms(auth):
        master.site.redirect(form, "/_layouts/login.aspx")


# --- The list view and the other pages -------------------------------------------------------

def _list_view(cases: list[tuple[int, CaseContent, str]], style: _Style,
               rng: random.Random) -> str:
    head = "".join(f'<th class="ms-vh2" nowrap="nowrap" scope="col"><div style="width:100%;'
                   f'position:relative;left:0;top:0;"><table style="width:100%;" Sortable="1" '
                   f'FieldType="Text" class="ms-unselectedtitle"><tr><td width="100%" class='
                   f'"ms-vb">{name}</td></tr></table></div></th>'
                   for name in ("Title", "Author", "Modified"))
    rows = []
    for k, (cid, case, author) in enumerate(cases):
        cls = ' class="ms-alternating"' if k % 2 else ""
        href = f"{CASE_PAGE}?{style.id_param}={cid}"
        rows.append(f'<tr{cls}><td height="100%" class="ms-vb-title"><table height="100%" '
                    f'cellspacing="0" class="ms-unselectedtitle" ItemId="{cid}"><tr><td width='
                    f'"100%" class="ms-vb"><a onfocus="OnLink(this)" href="{href}" onclick="'
                    f'GoToLink(this);return false;" target="_self">{E(case.title)}</a></td>'
                    f'</tr></table></td><td class="ms-vb2"><nobr>{E(author)}</nobr></td>'
                    f'<td class="ms-vb2"><nobr>{rng.randint(1, 12)}/{rng.randint(1, 28)}/'
                    f"{rng.choice([2007, 2008, 2009])} {rng.randint(1, 12)}:{rng.randint(10, 59)}"
                    f" {rng.choice(['AM', 'PM'])}</nobr></td></tr>")
    return (f'<table summary="Case Studies" class="ms-listviewtable" cellpadding="1" '
            f'cellspacing="0" border="0" width="100%" dir="None"><tr class="ms-viewheadertr" '
            f'valign="top">{head}</tr>\n' + "\n".join(rows) + "\n</table>")


def _list_pages(master: _Master, style: _Style, cases: list[CaseContent], ids: list[int],
                authors: list[str], rng: random.Random) -> None:
    rows = list(zip(ids, cases, authors, strict=True))
    per = rng.choice([len(rows), 5]) or 1
    chunks = [rows[i:i + per] for i in range(0, len(rows), per)]
    view = "%7B5F6E8A2C-1D3B-4E7F-9A0C-2B4D6F8E1A3C%7D"
    urls = [LIST_PAGE] + [f"{LIST_PAGE}?Paged=TRUE&p_ID={chunks[k - 1][-1][0]}&PageFirstRow="
                          f"{k * per + 1}&View={view}" for k in range(1, len(chunks))]
    crumbs = [("/Pages/default.aspx", "Home"), ("/education/Pages/default.aspx", "Education"),
              (None, "Case Studies")]
    for k, chunk in enumerate(chunks):
        lo, hi = k * per + 1, k * per + len(chunk)
        nav = (f'<a href="{E(urls[k - 1])}"><img src="/_layouts/images/prev.gif" border="0" '
               'alt="Previous" /></a>' if k else "")
        nav += f" {lo} - {hi} "
        nav += (f'<a href="{E(urls[k + 1])}"><img src="/_layouts/images/next.gif" border="0" '
                'alt="Next" /></a>' if k + 1 < len(urls) else "")
        content = (_zone("<div>Case studies submitted by members and reviewed by the "
                         "editorial board.</div>", style)
                   + f"\n{_list_view(chunk, style, rng)}\n"
                   f'<table class="ms-bottompaging"><tr><td class="ms-paging">{nav}</td></tr>'
                   "</table>")
        master.serve(urls[k], master.page(urls[k], "Pages - Case Studies", "Case Studies",
                                          crumbs, content), non_case=True)


def _other_pages(master: _Master, style: _Style) -> None:
    info = master.info
    label = lambda t: f'<span style="font-weight:bold;">{E(t)}</span>'  # noqa: E731
    home = [("/Pages/default.aspx", "Home")]
    pages = [
        ("/Pages/default.aspx", "Home", f"<div>Welcome to the {E(info.name)}.</div>"
         f'<div>&#160;</div><div>Read our latest <a href="{LIST_PAGE}">case studies</a>.</div>',
         []),
        ("/about/Pages/default.aspx", "About Us", about_body(info, label), home),
        ("/education/Pages/default.aspx", "Education",
         f'<div>The education committee publishes <a href="{LIST_PAGE}">case studies</a> and '
         '<a href="/education/Pages/SubmissionGuidelines.aspx">guidelines for authors</a>.'
         "</div>", home),
        ("/education/Pages/SubmissionGuidelines.aspx", "Submission Guidelines",
         guidelines_body(label), [*home, ("/education/Pages/default.aspx", "Education")]),
        ("/meetings/Pages/default.aspx", "Meetings", calendar_body(), home),
        ("/Lists/Calendar/calendar.aspx", "Calendar", calendar_body(), home),
        ("/Pages/ContactUs.aspx", "Contact Us", contact_body(info), home),
        ("/Pages/SiteMap.aspx", "Site Map",
         sitemap_body([(h, t) for h, t in TOP_NAV] + [(LIST_PAGE, "Case Studies")]), home),
        ("/_layouts/viewlsts.aspx", "All Site Content",
         f'<table class="ms-summarystandardbody"><tr><td><a href="{LIST_PAGE}">Pages</a></td>'
         '<td>Case studies and site pages</td></tr><tr><td><a href="/Lists/Calendar/'
         'calendar.aspx">Calendar</a></td><td>Meetings and courses</td></tr></table>', home),
        ("/_layouts/viewlsts.aspx?BaseType=0", "All Site Content",
         '<table class="ms-summarystandardbody"><tr><td><a href="/Lists/Calendar/calendar.aspx">'
         "Calendar</a></td><td>Meetings and courses</td></tr></table>", home),
        ("/_layouts/login.aspx", "Sign In", members_body(), []),
        ("/_layouts/AccessDenied.aspx", "Error: Access Denied",
         '<div class="ms-vb">You are currently signed in as: Anonymous</div><div>You do not '
         'have permission to view this page. <a href="/_layouts/login.aspx">Sign in as a '
         "different user</a>.</div>", []),
    ]
    for url, title, body, trail in pages:
        crumbs = [*trail, (None, title)]
        master.serve(url, master.page(url, title, title, crumbs, _zone(body, style)),
                     non_case=True)
    master.site.redirect("/", "/Pages/default.aspx")
    for form in _iis_forms("/members/Pages/default.aspx"):
        master.site.redirect(form, "/_layouts/AccessDenied.aspx")


def build_aspnet(rng: random.Random, n: int) -> Site:
    info = draw_site(rng, with_contact=rng.random() < 0.8)
    cases = draw_cases(rng, n, unknown_rate=0.4)
    if rng.random() < 0.3:
        restyle_headings(cases, str.upper)
    site = Site("aspnet", "evaluate", LIST_PAGE, server="Microsoft-IIS/6.0")
    master = _Master(rng, info, site)
    style = _Style(rng)
    ids = [4 * i + rng.randint(1, 4) for i in range(len(cases))]  # distinct: one case an id
    authors = [rng.choice(AUTHORS) for _ in cases]
    for case, cid, author in zip(cases, ids, authors, strict=True):
        _case_pages(master, style, case, cid, author, rng)
    _list_pages(master, style, cases, ids, authors, rng)
    _other_pages(master, style)
    site.pages[CORE_CSS] = (b".ms-main{}\n", "text/css", 200)
    site.pages[INIT_JS] = (b"function _spBodyOnLoadWrapper(){}\n",
                                            "application/x-javascript", 200)
    gif = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
    for name in ("prev", "next"):
        site.pages[f"/_layouts/images/{name}.gif"] = (gif, "image/gif", 200)
    return site
