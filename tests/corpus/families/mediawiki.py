"""A society's MediaWiki (1.16-1.31 era) holding the case studies (evaluate-only), written
without looking at the parser.

What MediaWiki prints for an anonymous reader:

* MonoBook (``<div id="globalWrapper">``, ``column-content``/``column-one`` portlets) or
  Vector (``<div id="content" class="mw-body">``, ``mw-head``/``mw-panel``), per version: the
  tab labels, the heading markup (1.16 ``<span class="editsection">`` before a headline padded
  with spaces, 1.19 after it, 1.22+ ``mw-editsection`` with bracket spans, 1.31 html5 ids
  with a legacy ``.27`` fallback anchor), the table of contents (a ``<table id="toc">``
  before 1.22, a ``<div id="toc">`` after) on pages with four or more headings, the Cite
  markup (``cite_note-0`` in 1.16, ``mw-cite-backlink`` later), the footer wording;
* ``<h1 id="firstHeading">`` with the wiki title (``Case Studies/X/Page 2`` or ``Case:X/2``),
  "From NSMS Wiki", the subpage breadcrumb, ``mw-content-text``;
* the case as wiki text renders it: ``== History ==`` headings (or ``===``), or bold
  ``'''History'''`` lines, or run-in ``'''History:''' text``; paragraphs ``<p>`` (or ``:``
  indents as ``<dl><dd>``), ``*`` lists, lab lines in ``<pre>`` or with ``<br />``,
  ``wikitable`` tables, references as ``<ref>`` (superscript ``[1]`` markers in the text and
  ``<ol class="references">`` under its heading or alone) or a ``#`` list, bare URLs made
  external links;
* a navigation line ("← Page 1 | Page 3 →") or a navbox template table per page, the
  contact NOTE (and on some sites the © line) from a template at the end of the content,
  the categories box, the "Retrieved from" print footer, sidebar and toolbox portlets,
  personal tools, page tabs, and the footer (last modified, © on some sites, privacy policy,
  about, disclaimers, the "Powered by MediaWiki" badge);
* every link an anonymous reader sees leads somewhere real: the edit form (or "View source"
  on wikis closed to anonymous edits) with the wiki text in a textarea, section edit links,
  history, printable version and permanent link (both the same case page: aliases in the
  truth), what links here, related changes, page information, red "Discussion" links,
  login (and sign-up) forms per ``returnto``, one existing talk page about a case, the user
  page of the importer, recent changes, special pages, all pages, categories;
* the case list as a wiki page with a bulleted list or as ``Category:Case studies`` with the
  ``mw-category`` columns (the start URL is that list).

Simplifications: every page has one revision (the import), so diff links are plain text;
recent-changes option links ("Show last 50 | 100 ...") are plain text.

Truth: a ``<ref>`` marker is printed in the text as "[1]"; as the parser keeps footnote
marks as written (docs/eval.md), the section texts hold the marks ("mileage.[1]").
"""

from __future__ import annotations

import html
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from ..model import Block, CaseContent, Part, SiteInfo
from .common import (
    Site,
    about_body,
    draw_cases,
    draw_site,
    guidelines_body,
    note_line,
    record_case,
)


def E(text: str) -> str:
    return html.escape(text, quote=False)


def A(text: str) -> str:
    return html.escape(text, quote=True)


DATES = ["3 March 2010, at 14:02", "17 June 2011, at 09:41", "2 November 2012, at 21:15",
         "28 January 2014, at 16:37", "9 August 2016, at 11:03", "14 April 2018, at 08:55"]


@dataclass(slots=True)
class Article:
    """A wiki page that exists."""

    title: str  # db key: underscores, with namespace
    content: str  # parser output
    wikitext: str
    is_case: bool = False
    categories: list[str] = field(default_factory=list)
    contentsub: str = ""
    sections: list[str] = field(default_factory=list)  # wikitext per editable section
    rev: int = 0
    date: str = ""


def _display(title: str) -> str:
    return title.replace("_", " ")


def _anchor_legacy(text: str) -> str:
    return "".join(ch if re.match(r"[A-Za-z0-9_.\-:]", ch) else
                   "".join(f".{b:02X}" for b in ch.encode())
                   for ch in text.strip().replace(" ", "_"))


class _Wiki:
    def __init__(self, rng: random.Random, info: SiteInfo, site: Site) -> None:
        self.rng, self.info, self.site = rng, info, site
        self.version = rng.choice(["1.16.5", "1.19.24", "1.23.17", "1.27.4", "1.31.1"])
        self.major = int(self.version.split(".")[1])
        self.skin = "monobook" if self.major < 17 else rng.choice(["monobook", "vector",
                                                                    "vector"])
        self.short = rng.random() < 0.65
        self.open = rng.random() < 0.7
        self.head = rng.choice(["h2", "h2", "h3", "bold", "runin"])
        self.pre = rng.random() < 0.5
        self.indent = rng.random() < 0.25
        self.cite = rng.random() < 0.6
        self.pager = rng.choice(["line", "navbox"])
        self.navbox_top = rng.random() < 0.3
        self.list_kind = rng.choice(["page", "category"])
        self.naming = rng.choice(["subpage", "namespace"])
        self.part = rng.choice(["Page_{n}", "{n}", "Part_{n}"])
        self.copy_in_footer = rng.random() < 0.5
        self.cat_all_pages = rng.random() < 0.5
        self.robots = self.short and rng.random() < 0.5
        self.name = f"{info.short} Wiki"
        self.project = self.name.replace(" ", "_")
        self.host = f"http://wiki.{info.short.lower()}.org"
        self.articles: dict[str, Article] = {}
        self.served: set[str] = set()
        self.queue: list[tuple[str, Callable[[], str]]] = []
        self.next_rev = rng.randint(120, 900)
        self.case_aliases: dict[str, list[str]] = {}

    # --- URLs --------------------------------------------------------------------------

    def view(self, title: str) -> str:
        return f"/wiki/{title}" if self.short else f"/index.php?title={title}"

    def act(self, title: str, *pairs: tuple[str, str]) -> str:
        if not pairs and not self.short:
            return f"/index.php?title={title}"
        return f"/index.php?title={title}" + "".join(f"&{k}={v}" for k, v in pairs)

    def special(self, name: str) -> str:
        return self.view(f"Special:{name}")

    def login(self, returnto: str) -> str:
        url = self.act("Special:UserLogin", ("returnto", returnto))
        self.need(url, lambda: self.login_page(returnto, signup=False))
        return url

    def need(self, url: str, maker: Callable[[], str]) -> None:
        if url not in self.served:
            self.served.add(url)
            self.queue.append((url, maker))

    @staticmethod
    def talk_of(title: str) -> str | None:
        ns, _, rest = title.partition(":")
        if not rest:
            return f"Talk:{title}"
        if ns.endswith("talk") or ns == "Talk" or ns == "Special":
            return None
        return f"{ns}_talk:{rest}"

    @staticmethod
    def subject_of(title: str) -> str:
        ns, _, rest = title.partition(":")
        if ns == "Talk":
            return rest
        return f"{ns[:-5]}:{rest}"

    # --- Headings and content ----------------------------------------------------------

    def edit_link(self, title: str, section: int, text: str) -> str:
        if not self.open:
            return ""
        url = self.act(title, ("action", "edit"), ("section", str(section)))
        self.need(url, lambda: self.edit_page(title, section))
        href = A(url)
        tip = A(f"Edit section: {text}")
        if self.major < 22:
            return f'<span class="editsection">[<a href="{href}" title="{tip}">edit</a>]</span>'
        return ('<span class="mw-editsection"><span class="mw-editsection-bracket">[</span>'
                f'<a href="{href}" title="{tip}">edit</a><span class="mw-editsection-bracket">]'
                "</span></span>")

    def heading_html(self, title: str, level: int, text: str, section: int) -> str:
        legacy = _anchor_legacy(text)
        edit = self.edit_link(title, section, text)
        t = E(text)
        if self.major < 19:
            return (f'<h{level}>{edit} <span class="mw-headline" id="{legacy}"> {t} </span>'
                    f"</h{level}>")
        if self.major < 31:
            return f'<h{level}><span class="mw-headline" id="{legacy}">{t}</span>{edit}</h{level}>'
        html5 = text.strip().replace(" ", "_")
        fallback = f'<span id="{legacy}"></span>' if legacy != html5 else ""
        return (f'<h{level}>{fallback}<span class="mw-headline" id="{A(html5)}">{t}</span>'
                f"{edit}</h{level}>")

    def toc(self, entries: list[str]) -> str:
        items = "\n".join(
            f'<li class="toclevel-1 tocsection-{i}"><a href="#{_anchor_legacy(h)}">'
            f'<span class="tocnumber">{i}</span> <span class="toctext">{E(h)}</span></a></li>'
            for i, h in enumerate(entries, start=1))
        if self.major < 22:
            return ('<table id="toc" class="toc"><tr><td><div id="toctitle"><h2>Contents</h2>'
                    f"</div>\n<ul>\n{items}\n</ul>\n</td></tr></table>")
        return (f'<div id="toc" class="toc"><div id="toctitle"><h2>Contents</h2></div>\n<ul>\n'
                f"{items}\n</ul>\n</div>")

    def linkify(self, text: str, url: str | None) -> str:
        out = E(text)
        if url and url in text:
            out = out.replace(E(url), f'<a rel="nofollow" class="external free" href="{A(url)}">'
                              f"{E(url)}</a>")
        return out

    def marker(self, k: int) -> str:
        if self.major < 19:
            return (f'<sup id="cite_ref-{k - 1}" class="reference"><a href="#cite_note-{k - 1}">'
                    f"<span>[</span>{k}<span>]</span></a></sup>")
        return (f'<sup id="cite_ref-{k}" class="reference"><a href="#cite_note-{k}">&#91;{k}'
                "&#93;</a></sup>")

    def cite_list(self, part: Part) -> str:
        items = []
        for i, ref in enumerate(part.refs, start=part.first_ref_number):
            text = self.linkify(ref.text, ref.url)
            if self.major < 19:
                items.append(f'<li id="cite_note-{i - 1}"><a href="#cite_ref-{i - 1}">↑</a> '
                             f"{text}</li>")
            else:
                arrow = "↑" if self.major < 27 else "<b>^</b>"
                items.append(f'<li id="cite_note-{i}"><span class="mw-cite-backlink">'
                             f'<a href="#cite_ref-{i}">{arrow}</a></span> <span class='
                             f'"reference-text">{text}</span>\n</li>')
        ol = '<ol class="references">\n' + "\n".join(items) + "\n</ol>"
        if self.major >= 31:
            return '<div class="mw-references-wrap"><ol class="references">\n' \
                   + "\n".join(items) + "\n</ol></div>"
        return ol

    def blocks(self, blocks: list[Block], markers: dict[int, list[int]]) -> tuple[str, str]:
        """(html, wikitext) of a run of blocks; ``markers``: block index -> ref numbers."""
        out, wiki = [], []
        for i, b in enumerate(blocks):
            marks = markers.get(i, [])
            if b.kind == "p":
                text = E(b.items[0]) + "".join(self.marker(k) for k in marks)
                wtext = b.items[0] + "".join(f"<ref>{{{{ref {k}}}}}</ref>" for k in marks)
                if self.indent:
                    out.append(f"<dl><dd>{text}</dd></dl>")
                    wiki.append(":" + wtext)
                else:
                    out.append(f"<p>{text}\n</p>")
                    wiki.append(wtext)
            elif b.kind == "lines":
                if self.pre:
                    out.append("<pre>" + "\n".join(E(x) for x in b.items) + "\n</pre>")
                    wiki.append("\n".join(" " + x for x in b.items))
                else:
                    out.append("<p>" + "<br />\n".join(E(x) for x in b.items) + "\n</p>")
                    wiki.append("<br />\n".join(b.items))
            elif b.kind == "ul":
                out.append("<ul><li>" + "</li>\n<li>".join(E(x) for x in b.items)
                           + "</li></ul>")
                wiki.append("\n".join(f"* {x}" for x in b.items))
            else:
                head, *rows = b.items
                th = "".join(f"\n<th>{E(c)}\n</th>" for c in head)
                trs = "".join("\n<tr>" + "".join(f"\n<td>{E(c)}\n</td>" for c in row)
                              + "</tr>" for row in rows)
                out.append(f'<table class="wikitable">\n<tr>{th}</tr>{trs}</table>')
                wiki.append('{| class="wikitable"\n! ' + " !! ".join(head) + "\n"
                            + "".join("|-\n| " + " || ".join(r) + "\n" for r in rows) + "|}")
        return "\n".join(out), "\n\n".join(wiki)

    def case_body(self, title: str, parts: list[Part],
                  markers: dict[int, dict[int, list[int]]]) -> tuple[str, str, list[str]]:
        """(html, wikitext, section wikitexts) of one case page's parts."""
        headed = self.head in ("h2", "h3")
        level = 2 if self.head == "h2" else 3
        eq = "=" * level
        heads = [p.heading for p in parts if p.heading] if headed else []
        out: list[str] = []
        wiki: list[str] = []
        sections: list[str] = []
        toc_done = len(heads) < 4
        section = 0
        for pi, part in enumerate(parts):
            marks = markers.get(pi, {})
            if part.kind == "references":
                body = self.cite_list(part) if markers else (
                    "<ol>" + "".join(f"<li>{self.linkify(r.text, r.url)}</li>\n"
                                     for r in part.refs).rstrip("\n") + "</ol>")
                wbody = "<references />" if markers else "\n".join(f"# {r.text}"
                                                                   for r in part.refs)
                bwiki = wbody
            else:
                body, bwiki = self.blocks(part.blocks, marks)
                wbody = bwiki
            if part.heading and headed:
                if not toc_done:
                    out.append(self.toc(heads))
                    toc_done = True
                section += 1
                out.append(self.heading_html(title, level, part.heading, section))
                out.append(body)
                text = f"{eq} {part.heading} {eq}\n{wbody}"
                sections.append(text)
                wiki.append(text)
            elif part.heading and self.head == "bold":
                out.append(f"<p><b>{E(part.heading)}</b>\n</p>\n{body}")
                wiki.append(f"'''{part.heading}'''\n\n{wbody}")
            elif part.heading:  # run-in label
                first = part.blocks[0] if part.kind == "section" else None
                if first is not None and first.kind == "p" and not self.indent:
                    rest_html, rest_wiki = self.blocks(
                        part.blocks[1:], {i - 1: v for i, v in marks.items() if i})
                    mk = "".join(self.marker(k) for k in marks.get(0, []))
                    out.append(f"<p><b>{E(part.heading)}:</b> {E(first.items[0])}{mk}\n</p>"
                               + (f"\n{rest_html}" if rest_html else ""))
                    wiki.append(f"'''{part.heading}:''' {first.items[0]}"
                                + (f"\n\n{rest_wiki}" if rest_wiki else ""))
                else:
                    out.append(f"<p><b>{E(part.heading)}:</b>\n</p>\n{body}")
                    wiki.append(f"'''{part.heading}:'''\n{wbody}")
            else:
                out.append(body)
                wiki.append(wbody)
        return "\n".join(out), "\n\n".join(wiki), sections

    # --- Page chrome -------------------------------------------------------------------

    def tabs(self, title: str, selected: str) -> list[tuple[str, str, str | None, bool, bool]]:
        """(id, label, href, selected, red) for the page tabs of an article view/action."""
        low = self.skin == "monobook" and self.major < 17
        ns = title.partition(":")[0] if ":" in title else ""
        talk = self.talk_of(title)
        is_talk = talk is None and not title.startswith("Special:")
        subject = self.subject_of(title) if is_talk else title
        talk_title = title if is_talk else talk
        label = {"": "Page", "User": "User page", "Help": "Help page", "Category": "Category",
                 "Case": "Page", self.project: "Project page"}.get(
                     subject.partition(":")[0] if ":" in subject else "", "Page")
        del ns
        tabs: list[tuple[str, str, str | None, bool, bool]] = [
            ("ca-nstab", label, self.view(subject), not is_talk, False)]
        assert talk_title is not None
        exists = talk_title in self.articles
        if exists:
            thref = self.view(talk_title)
        else:
            thref = self.act(talk_title, ("action", "edit"), ("redlink", "1"))
            self.need(thref, lambda: self.redlink_page(talk_title))
        tabs.append(("ca-talk", "Discussion", thref, is_talk, not exists))
        if self.skin == "vector":
            tabs.append(("ca-view", "Read", self.view(title), selected == "view", False))
        edit = self.act(title, ("action", "edit"))
        tabs.append(("ca-edit" if self.open else "ca-viewsource",
                     "Edit" if self.open else "View source", edit, selected == "edit", False))
        tabs.append(("ca-history", "View history" if self.skin == "vector" else "History",
                     self.act(title, ("action", "history")), selected == "history", False))
        if low:
            tabs = [(i, t.lower(), h, s, r) for i, t, h, s, r in tabs]
        return tabs

    def page(self, title: str, h1: str, content: str, *, tabs, toolbox: list[tuple[str, str, str]],
             returnto: str, catlinks: str = "", contentsub: str = "",
             printfooter: str | None = None, lastmod: str | None = None,
             robots: str | None = None, body_class: str = "") -> str:
        info = self.info
        login_label = ("Log in / create account" if self.open else "Log in")
        login = self.login(returnto)
        personal = (f'<li id="pt-login"><a href="{A(login)}" title="You are encouraged to log '
                    'in; however, it is not mandatory [o]" accesskey="o">'
                    f"{login_label}</a></li>")
        listing = (self.view("Case_Studies") if self.list_kind == "page"
                   else self.view("Category:Case_studies"))
        sidebar = [("n-mainpage-description", "Main Page", self.view("Main_Page")),
                   ("n-Case-studies", "Case studies", listing),
                   ("n-Submission-guidelines", "Submit a case",
                    self.view(f"{self.project}:Submission_guidelines")),
                   ("n-recentchanges", "Recent changes", self.special("RecentChanges")),
                   ("n-randompage", "Random page", self.special("Random")),
                   ("n-help", "Help", self.view("Help:Contents"))]
        side = "\n".join(f'<li id="{i}"><a href="{A(h)}">{E(t)}</a></li>' for i, t, h in sidebar)
        tools = "\n".join(f'<li id="{i}"><a href="{A(h)}">{E(t)}</a></li>' for i, t, h in toolbox)
        foot_info = []
        if lastmod:
            verb = "edited" if self.major >= 28 else "modified"
            lid = "lastmod" if self.skin == "monobook" else "footer-info-lastmod"
            foot_info.append(f'<li id="{lid}"> This page was last {verb} on {lastmod}.</li>')
            if self.major < 25:
                foot_info.append('<li id="viewcount">This page has been accessed '
                                 f"{(len(title) * 97) % 9000 + 312:,} times.</li>")
        if self.copy_in_footer and info.copyright:
            cid = "copyright" if self.skin == "monobook" else "footer-info-copyright"
            foot_info.append(f'<li id="{cid}">{E(info.copyright)}</li>')
        places = [("privacy", "Privacy policy", f"{self.project}:Privacy_policy"),
                  ("about", f"About {self.name}", f"{self.project}:About"),
                  ("disclaimer", "Disclaimers", f"{self.project}:General_disclaimer")]
        pre = "" if self.skin == "monobook" else "footer-places-"
        place_li = "\n".join(f'<li id="{pre}{i}">'
                             f'<a href="{A(self.view(t))}" title="{A(_display(t))}">{E(lbl)}</a>'
                             "</li>" for i, lbl, t in places)
        powered = ("/skins/common/images/poweredby_mediawiki_88x31.png" if self.major < 24
                   else "/resources/assets/poweredby_mediawiki_88x31.png")
        badge = (f'<a href="//www.mediawiki.org/"><img src="{powered}" alt="Powered by '
                 'MediaWiki" width="88" height="31" /></a>')
        pf = ""
        if printfooter:
            pf = (f'<div class="printfooter">\nRetrieved from "<a href="{A(printfooter)}">'
                  f'{E(printfooter)}</a>"</div>\n')
        sub = f'<div id="contentSub">{contentsub}</div>\n'
        robots_meta = f'<meta name="robots" content="{robots}" />\n' if robots else ""
        feed = self.act("Special:RecentChanges", ("feed", "atom"))
        head_links = (f'<link rel="shortcut icon" href="/favicon.ico" />\n<link rel="search" '
                      'type="application/opensearchdescription+xml" href="/opensearch_desc.php" '
                      f'title="{A(self.name)} (en)" />\n<link rel="alternate" type="application/'
                      f'atom+xml" title="{A(self.name)} Atom feed" href="{A(feed)}" />\n')
        if self.major >= 19:
            head_links += ('<link rel="EditURI" type="application/rsd+xml" href="'
                           f'{self.host}/api.php?action=rsd" />\n')
        cls = (f"mediawiki ltr {'sitedir-ltr ' if self.major >= 19 else ''}{body_class} "
               f"page-{A(re.sub(r'[^A-Za-z0-9_-]', '_', title))} skin-{self.skin}")
        ptitle = f"{E(h1)} - {E(self.name)}"
        if self.skin == "monobook":
            return self._monobook(title, ptitle, h1, content, tabs, personal, side, tools,
                                  foot_info, place_li, badge, pf, sub, catlinks, robots_meta,
                                  head_links, cls)
        return self._vector(title, ptitle, h1, content, tabs, personal, side, tools, foot_info,
                            place_li, badge, pf, sub, catlinks, robots_meta, head_links, cls)

    def _tab_li(self, tab, vector: bool) -> str:
        i, label, href, sel, red = tab
        classes = " ".join(c for c in ("selected" if sel else "", "new" if red else "") if c)
        cls = f' class="{classes}"' if classes else ""
        if i == "ca-nstab":
            i = "ca-nstab-main"
        inner = f'<a href="{A(href)}">{E(label)}</a>' if href else E(label)
        return f'<li id="{i}"{cls}>' + (f"<span>{inner}</span>" if vector else inner) + "</li>"

    def _monobook(self, title, ptitle, h1, content, tabs, personal, side, tools, foot_info,
                  place_li, badge, pf, sub, catlinks, robots_meta, head_links, cls) -> str:
        css = ("/skins/monobook/main.css?270" if self.major < 19
               else "/load.php?debug=false&amp;lang=en&amp;modules=skins.monobook&amp;"
               "only=styles&amp;skin=monobook")
        tab_lis = "\n".join(self._tab_li(t, False) for t in tabs)
        inner = (f'<div id="mw-content-text" lang="en" dir="ltr" class="mw-content-ltr">{content}'
                 "</div>" if self.major >= 19 else content)
        return (
            '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/'
            'TR/xhtml1/DTD/xhtml1-transitional.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml"'
            ' xml:lang="en" lang="en" dir="ltr">\n<head>\n<meta http-equiv="Content-Type" '
            f'content="text/html; charset=UTF-8" />\n<meta name="generator" content="MediaWiki '
            f'{self.version}" />\n{robots_meta}{head_links}<title>{ptitle}</title>\n'
            f'<link rel="stylesheet" href="{css}" type="text/css" media="screen" />\n'
            f'<script type="text/javascript">var wgPageName = "{A(title)}";</script>\n</head>\n'
            f'<body class="{cls}">\n<div id="globalWrapper">\n<div id="column-content"><div '
            'id="content" >\n\t<a id="top"></a>\n\t<h1 id="firstHeading" class="firstHeading">'
            f'{E(h1)}</h1>\n\t<div id="bodyContent">\n\t\t<h3 id="siteSub">From {E(self.name)}'
            f"</h3>\n\t\t{sub}\t\t<div id=\"jump-to-nav\">Jump to: <a href=\"#column-one\">"
            'navigation</a>, <a href="#searchInput">search</a></div>\n\t\t<!-- start content -->'
            f"\n{inner}\n{pf}{catlinks}\t\t<!-- end content -->\n\t\t<div class=\"visualClear"
            '"></div>\n\t</div>\n</div></div>\n<div id="column-one">\n\t<div id="p-cactions" '
            f'class="portlet">\n\t\t<h5>Views</h5>\n\t\t<div class="pBody">\n\t\t\t<ul>\n'
            f'{tab_lis}\n\t\t\t</ul>\n\t\t</div>\n\t</div>\n\t<div class="portlet" id="p-personal">'
            f'\n\t\t<h5>Personal tools</h5>\n\t\t<div class="pBody">\n\t\t\t<ul>\n{personal}\n'
            '\t\t\t</ul>\n\t\t</div>\n\t</div>\n\t<div class="portlet" id="p-logo">\n\t\t<a '
            'style="background-image: url(/skins/common/images/wiki.png);" href="'
            f'{A(self.view("Main_Page"))}" title="Visit the main page"></a>\n\t</div>\n'
            "\t<div class='generated-sidebar portlet' id='p-navigation'>\n\t\t<h5>Navigation"
            f"</h5>\n\t\t<div class='pBody'>\n\t\t\t<ul>\n{side}\n\t\t\t</ul>\n\t\t</div>\n\t"
            '</div>\n\t<div id="p-search" class="portlet">\n\t\t<h5><label for="searchInput">'
            'Search</label></h5>\n\t\t<div id="searchBody" class="pBody">\n\t\t\t<form action='
            '"/index.php" id="searchform"><input type="hidden" name="title" value="Special:'
            'Search"/><input id="searchInput" name="search" type="text" accesskey="f" value="" '
            '/> <input type="submit" name="go" class="searchButton" id="searchGoButton" value='
            '"Go" />&nbsp;<input type="submit" name="fulltext" class="searchButton" id="mw-'
            'searchButton" value="Search" /></form>\n\t\t</div>\n\t</div>\n\t<div class="portlet"'
            f' id="p-tb">\n\t\t<h5>Toolbox</h5>\n\t\t<div class="pBody">\n\t\t\t<ul>\n{tools}\n'
            '\t\t\t</ul>\n\t\t</div>\n\t</div>\n</div><!-- end of the left (by default at least) '
            'column -->\n<div class="visualClear"></div>\n<div id="footer">\n\t<div id="f-'
            f'poweredbyico">{badge}</div>\n\t<ul id="f-list">\n' + "\n".join(foot_info)
            + f"\n{place_li}\n\t</ul>\n</div>\n</div>\n</body></html>\n")

    def _vector(self, title, ptitle, h1, content, tabs, personal, side, tools, foot_info,
                place_li, badge, pf, sub, catlinks, robots_meta, head_links, cls) -> str:
        ns_tabs = "\n".join(self._tab_li(t, True) for t in tabs[:2])
        view_tabs = "\n".join(self._tab_li(t, True) for t in tabs[2:])
        inner = (f'<div class="mw-parser-output">{content}</div>' if self.major >= 28
                 else content)
        return (
            '<!DOCTYPE html>\n<html class="client-nojs" lang="en" dir="ltr">\n<head>\n'
            f'<meta charset="UTF-8"/>\n<title>{ptitle}</title>\n<script>document.'
            'documentElement.className = document.documentElement.className.replace( /(^|\\s)'
            'client-nojs(\\s|$)/, "$1client-js$2" );</script>\n<link rel="stylesheet" href="/'
            'load.php?debug=false&amp;lang=en&amp;modules=mediawiki.legacy.commonPrint%2Cshared'
            '%7Cskins.vector.styles&amp;only=styles&amp;skin=vector"/>\n<meta name="generator" '
            f'content="MediaWiki {self.version}"/>\n{robots_meta}{head_links}</head>\n'
            f'<body class="{cls}">\n\t\t<div id="mw-page-base" class="noprint"></div>\n\t\t<div '
            'id="mw-head-base" class="noprint"></div>\n\t\t<div id="content" class="mw-body" '
            'role="main">\n\t\t\t<a id="top"></a>\n\t\t\t<h1 id="firstHeading" class='
            f'"firstHeading" lang="en">{E(h1)}</h1>\n\t\t\t<div id="bodyContent" class="mw-body-'
            f'content">\n\t\t\t\t<div id="siteSub">From {E(self.name)}</div>\n\t\t\t\t{sub}'
            '\t\t\t\t<div id="jump-to-nav" class="mw-jump">Jump to: <a href="#mw-head">'
            'navigation</a>, <a href="#p-search">search</a></div>\n\t\t\t\t<div id="mw-content-'
            f'text" lang="en" dir="ltr" class="mw-content-ltr">{inner}</div>\t\t\t\t{pf}'
            f'{catlinks}\t\t\t\t<div class="visualClear"></div>\n\t\t\t</div>\n\t\t</div>\n'
            '\t\t<div id="mw-navigation">\n\t\t\t<h2>Navigation menu</h2>\n\t\t\t<div id="mw-'
            'head">\n\t\t\t\t\t\t\t\t\t<div id="p-personal" role="navigation" class="">\n\t\t\t\t'
            f'\t\t<h3 id="p-personal-label">Personal tools</h3>\n\t\t\t\t\t\t<ul>\n{personal}\n'
            '\t\t\t\t\t\t</ul>\n\t\t\t\t\t</div>\n\t\t\t\t\t\t\t\t\t<div id="left-navigation">\n'
            '\t\t\t\t\t\t\t\t\t\t<div id="p-namespaces" role="navigation" class="vectorTabs">\n'
            f'\t\t\t\t\t\t<h3 id="p-namespaces-label">Namespaces</h3>\n\t\t\t\t\t\t<ul>\n{ns_tabs}'
            '\n\t\t\t\t\t\t</ul>\n\t\t\t\t\t</div>\n\t\t\t\t\t\t\t\t\t</div>\n\t\t\t\t<div id="'
            'right-navigation">\n\t\t\t\t\t\t\t\t\t\t<div id="p-views" role="navigation" class='
            '"vectorTabs">\n\t\t\t\t\t\t<h3 id="p-views-label">Views</h3>\n\t\t\t\t\t\t<ul>\n'
            f'{view_tabs}\n\t\t\t\t\t\t</ul>\n\t\t\t\t\t</div>\n\t\t\t\t\t\t\t\t\t\t<div id="p-'
            'search" role="search">\n\t\t\t\t\t\t<h3><label for="searchInput">Search</label>'
            '</h3>\n\t\t\t\t\t\t<form action="/index.php" id="searchform">\n\t\t\t\t\t\t\t<div '
            f'id="simpleSearch">\n\t\t\t\t\t\t\t<input type="search" name="search" placeholder='
            f'"Search {A(self.name)}" id="searchInput"/><input type="hidden" value="Special:'
            'Search" name="title"/><input type="submit" name="go" value="Go" id="searchButton" '
            'class="searchButton"/>\t\t\t\t\t\t\t</div>\n\t\t\t\t\t\t</form>\n\t\t\t\t\t</div>\n'
            '\t\t\t\t\t\t\t\t\t</div>\n\t\t\t</div>\n\t\t\t<div id="mw-panel">\n\t\t\t\t<div '
            'id="p-logo" role="banner"><a class="mw-wiki-logo" href="'
            f'{A(self.view("Main_Page"))}" title="Visit the main page"></a></div>\n\t\t\t\t\t\t'
            '<div class="portal" role="navigation" id="p-navigation">\n\t\t\t<h3 id="p-'
            'navigation-label">Navigation</h3>\n\t\t\t<div class="body">\n\t\t\t\t\t\t\t\t<ul>\n'
            f'{side}\n\t\t\t\t</ul>\n\t\t\t\t\t\t\t</div>\n\t\t</div>\n\t\t\t<div class="portal" '
            'role="navigation" id="p-tb">\n\t\t\t<h3 id="p-tb-label">Tools</h3>\n\t\t\t<div '
            f'class="body">\n\t\t\t\t\t\t\t\t<ul>\n{tools}\n\t\t\t\t</ul>\n\t\t\t\t\t\t\t</div>\n'
            '\t\t</div>\n\t\t\t\t\t</div>\n\t\t</div>\n\t\t<div id="footer" role="contentinfo">\n'
            '\t\t\t\t\t\t<ul id="footer-info">\n' + "\n".join(foot_info) + '\n\t\t\t\t\t\t</ul>\n'
            f'\t\t\t\t\t\t<ul id="footer-places">\n{place_li}\n\t\t\t\t\t\t</ul>\n\t\t\t\t\t\t'
            '<ul id="footer-icons" class="noprint">\n\t\t\t\t\t\t\t\t\t<li id="footer-poweredby'
            f'ico">{badge}</li>\n\t\t\t\t\t\t</ul>\n\t\t\t\t\t\t<div style="clear:both"></div>\n'
            "\t\t</div>\n</body>\n</html>\n")

    # --- Article views and their satellites -------------------------------------------

    def catlinks(self, cats: list[str]) -> str:
        if not cats:
            return ""
        cat_all = self.view("Special:Categories")
        if self.major < 19:
            links = " | ".join(f"<span dir='ltr'><a href=\"{A(self.view('Category:' + c))}\" "
                               f'title="Category:{A(_display(c))}">{E(_display(c))}</a></span>'
                               for c in cats)
            return (f"<div id='catlinks' class='catlinks'><div id=\"mw-normal-catlinks\"><a "
                    f'href="{A(cat_all)}" title="Special:Categories">Category</a>:  {links}'
                    "</div></div>\n")
        lis = "".join(f'<li><a href="{A(self.view("Category:" + c))}" title="Category:'
                      f'{A(_display(c))}">{E(_display(c))}</a></li>' for c in cats)
        label = "Category" if len(cats) == 1 else "Categories"
        return ('<div id="catlinks" class="catlinks"><div id="mw-normal-catlinks" class="mw-'
                f'normal-catlinks"><a href="{A(cat_all)}" title="Special:Categories">{label}</a>'
                f": <ul>{lis}</ul></div></div>\n")

    def article_toolbox(self, title: str, rev: int, *, view: bool) -> list[tuple[str, str, str]]:
        wlh = self.special(f"WhatLinksHere/{title}")
        rcl = self.special(f"RecentChangesLinked/{title}")
        self.need(wlh, lambda: self.whatlinkshere(title))
        self.need(rcl, lambda: self.related(title))
        tools = [("t-whatlinkshere", "What links here", wlh),
                 ("t-recentchangeslinked", "Related changes", rcl),
                 ("t-specialpages", "Special pages", self.special("SpecialPages"))]
        if view:
            tools.append(("t-print", "Printable version",
                          self.act(title, ("printable", "yes"))))
            tools.append(("t-permalink", "Permanent link", self.act(title, ("oldid", str(rev)))))
            if self.major >= 23:
                info = self.act(title, ("action", "info"))
                self.need(info, lambda: self.info_page(title))
                tools.append(("t-info", "Page information", info))
        self.need(self.special("SpecialPages"), self.special_pages)
        return tools

    def contentsub(self, title: str) -> str:
        if "/" not in title:
            return ""
        parts = title.split("/")
        crumbs = []
        for i in range(1, len(parts)):
            parent = "/".join(parts[:i])
            if parent in self.articles:
                shown = parts[i - 1] if i > 1 else _display(parent)
                crumbs.append(f'<a href="{A(self.view(parent))}" title="{A(_display(parent))}">'
                              f"{E(_display(shown))}</a>")
        return ('<span class="subpages">&lt; ' + "&lrm; | ".join(crumbs) + "</span>"
                if crumbs else "")

    def render_view(self, title: str, variant: str = "view") -> str:
        art = self.articles[title]
        sub = self.contentsub(title)
        robots = None
        if variant == "oldid":
            sub += ('<div id="mw-revision-info">Revision as of '
                    f'{art.date.replace(", at", ",")} by {self.user_links()}</div>'
                    '<div id="mw-revision-nav">(diff) ← Older revision | Latest revision (diff)'
                    " | Newer revision → (diff)</div>")
        if variant == "printable":
            robots = "noindex,follow"
        retrieved = (f"{self.host}{self.view(title)}" if self.major < 19
                     else f"{self.host}/index.php?title={title}&oldid={art.rev}")
        return self.page(title, _display(title), art.content,
                         tabs=self.tabs(title, "view"),
                         toolbox=self.article_toolbox(title, art.rev, view=True),
                         returnto=title, catlinks=self.catlinks(art.categories),
                         contentsub=sub, printfooter=retrieved, lastmod=art.date, robots=robots,
                         body_class="ns-0 ns-subject" if ":" not in title else "ns-subject")

    def add_article(self, art: Article) -> None:
        art.rev = self.next_rev
        self.next_rev += self.rng.randint(1, 40)
        art.date = DATES[len(self.articles) % len(DATES)]
        self.articles[art.title] = art

    def serve_articles(self) -> None:
        """Queue every article's view, printable version, permanent link and history."""
        for title, art in self.articles.items():
            views = [(self.view(title), "view"), (self.act(title, ("printable", "yes")),
                                                  "printable"),
                     (self.act(title, ("oldid", str(art.rev))), "oldid")]
            if art.is_case:
                self.case_aliases[title] = [u for u, _ in views[1:]]
            for url, variant in views:
                self.served.add(url)
                self.queue.append((url, partial(self.render_view, title, variant)))
            hist = self.act(title, ("action", "history"))
            self.need(hist, partial(self.history, title))
            edit = self.act(title, ("action", "edit"))
            self.need(edit, partial(self.edit_page, title, None))

    def drain(self) -> None:
        case_urls = {self.view(t) for t, a in self.articles.items() if a.is_case}
        case_urls |= {u for v in self.case_aliases.values() for u in v}
        while self.queue:
            url, maker = self.queue.pop(0)
            text = maker()
            if url in case_urls:
                self.site.add(url, text)
            else:
                self.site.non_case(url, text)

    # --- Satellite pages ---------------------------------------------------------------

    def user_links(self) -> str:
        return (f'<a href="{A(self.view("User:Admin"))}" title="User:Admin" class="mw-userlink">'
                f'Admin</a> <span class="mw-usertoollinks">(<a href="'
                f'{A(self.view("User_talk:Admin"))}" title="User talk:Admin">Talk</a> | <a href="'
                f'{A(self.special("Contributions/Admin"))}" title="Special:Contributions/Admin">'
                "contribs</a>)</span>")

    def special_page(self, name: str, h1: str, content: str) -> str:
        title = f"Special:{name}"
        tabs = [("ca-nstab-special", "Special page", None, True, False)]
        tools = [("t-specialpages", "Special pages", self.special("SpecialPages"))]
        self.need(self.special("SpecialPages"), self.special_pages)
        return self.page(title, h1, content, tabs=tabs, toolbox=tools, returnto=title,
                         robots="noindex,nofollow", body_class="ns--1 ns-special")

    def action_page(self, title: str, h1: str, content: str, selected: str,
                    sub: str = "") -> str:
        art = self.articles.get(title)
        return self.page(title, h1, content, tabs=self.tabs(title, selected),
                         toolbox=self.article_toolbox(title, art.rev if art else 0, view=False),
                         returnto=title, contentsub=sub, robots="noindex,nofollow",
                         body_class=f"action-{selected}")

    def page_link(self, title: str, text: str | None = None) -> str:
        shown = _display(title) if text is None else text
        return f'<a href="{A(self.view(title))}" title="{A(_display(title))}">{E(shown)}</a>'

    def hist_link(self, title: str) -> str:
        url = self.act(title, ("action", "history"))
        return f'<a href="{A(url)}" title="{A(_display(title))}">hist</a>'

    def change_line(self, title: str) -> str:
        art = self.articles[title]
        size = len(art.wikitext.encode())
        return (f"<li>(diff | {self.hist_link(title)}) . . <span class=\"newpage\">N</span> "
                f"{self.page_link(title)}; {art.date.split(', at ')[1]} . . (+{size:,}) . . "
                f"{self.user_links()} <span class=\"comment\">(Imported from the old case "
                "archive)</span></li>")

    def history(self, title: str) -> str:
        art = self.articles[title]
        size = len(art.wikitext.encode())
        content = ('<p>Diff selection: Mark the radio boxes of the revisions to compare and hit '
                   "enter or the button at the bottom.<br />\nLegend: <b>(cur)</b> = difference "
                   "with latest revision, <b>(prev)</b> = difference with preceding revision, "
                   '<b>m</b> = minor edit.</p>\n<ul id="pagehistory">\n<li class="selected">'
                   '(cur | prev) <input type="radio" value="1" name="oldid" /> <a href="'
                   f'{A(self.act(title, ("oldid", str(art.rev))))}" title="{A(_display(title))}">'
                   f"{art.date.replace(', at', ',')}</a> <span class='history-user'>"
                   f"{self.user_links()}</span> <span class=\"history-size\">({size:,} bytes)"
                   '</span> <span class="comment">(Imported from the old case archive)</span>'
                   "</li>\n</ul>")
        return self.action_page(title, f"{_display(title)}: Revision history", content,
                                "history", sub="View logs for this page")

    def edit_page(self, title: str, section: int | None) -> str:
        art = self.articles[title]
        text = art.wikitext if section is None else art.sections[section - 1]
        shown = _display(title)
        if self.open:
            h1 = f"Editing {shown}" + (" (section)" if section else "")
            help_url = self.view("Help:Editing")
            submit = A(self.act(title, ("action", "submit")))
            content = ('<div id="mw-anon-edit-warning">You are not logged in. Your IP address '
                       "will be recorded in this page's edit history.</div>\n<form id=\"editform\""
                       f' name="editform" method="post" action="{submit}"'
                       ' enctype="multipart/form-data">\n<textarea tabindex="1" accesskey="," '
                       'name="wpTextbox1" id="wpTextbox1" cols="80" rows="25" lang="en" dir="ltr">'
                       f"{E(text)}\n</textarea>\n<div id=\"editpage-copywarn\"><p>Please note "
                       f"that all contributions to {E(self.name)} may be edited, altered, or "
                       "removed by other contributors.\n</p></div>\n<div class='editOptions'>"
                       "Summary: <input id=\"wpSummary\" name=\"wpSummary\" size=\"60\" />\n"
                       '<input id="wpSave" name="wpSave" type="submit" value="Save page" /> '
                       '<input id="wpPreview" name="wpPreview" type="submit" value="Show preview"'
                       ' /> <span class="cancelLink"><a href="'
                       f'{A(self.view(title))}" title="{A(shown)}">Cancel</a></span> | <span '
                       f'class="editHelp"><a href="{A(help_url)}" title="Help:Editing" '
                       'target="helpwindow">Editing help</a> (opens in new window)</span>'
                       "</div>\n</form>")
            return self.action_page(title, h1, content, "edit")
        users = self.view(f"{self.project}:Users")
        content = ("<p>You do not have permission to edit this page, for the following reason:"
                   '\n</p>\n<div class="permissions-errors">\n<p>The action you have requested '
                   f'is limited to users in the group: <a href="{A(users)}" title="'
                   f'{A(self.name)}:Users">Users</a>.\n</p>\n</div>\n<p>You can view and copy '
                   "the source of this page:\n</p><textarea readonly=\"\" id=\"wpTextbox1\" "
                   f'cols="80" rows="25">{E(text)}\n</textarea>\n<p>Return to '
                   f"{self.page_link(title)}.\n</p>")
        return self.action_page(title, f"View source for {shown}", content, "edit")

    def redlink_page(self, title: str) -> str:
        shown = _display(title)
        if self.open:
            content = ('<div class="mw-newarticletext"><p>You have followed a link to a page '
                       "that does not exist yet. To create the page, start typing in the box "
                       f'below (see the <a href="{A(self.view("Help:Contents"))}" title="Help:'
                       'Contents">help page</a> for more info).\n</p></div>\n<form id="editform"'
                       ' method="post"><textarea id="wpTextbox1" name="wpTextbox1" cols="80" '
                       'rows="25"></textarea>\n<input id="wpSave" type="submit" value="Save page"'
                       " /></form>")
            h1 = f"Creating {shown}" if self.major >= 19 else f"Editing {shown}"
        else:
            content = ("<p>You do not have permission to create this page, for the following "
                       "reason:\n</p>\n<div class=\"permissions-errors\">\n<p>The action you "
                       "have requested is limited to users in the group: <a href=\""
                       f'{A(self.view(self.project + ":Users"))}">Users</a>.\n</p>\n</div>')
            h1 = f"View source for {shown}"
        subject = self.subject_of(title)
        return self.page(title, h1, content, tabs=self.tabs(subject, "none")[:2],
                         toolbox=[("t-specialpages", "Special pages",
                                   self.special("SpecialPages"))],
                         returnto=title, robots="noindex,nofollow", body_class="action-edit")

    def links_to(self, title: str) -> list[str]:
        target = f'href="{A(self.view(title))}"'
        return [t for t, a in self.articles.items() if t != title and target in a.content]

    def whatlinkshere(self, title: str) -> str:
        refs = self.links_to(title)
        if refs:
            lis = "\n".join(f"<li>{self.page_link(t)}  ‎</li>" for t in refs)
            body = (f"<p>The following pages link to {self.page_link(title)}:\n</p>"
                    f'<ul id="mw-whatlinkshere-list">{lis}</ul>')
        else:
            body = f"<p>No pages link to {self.page_link(title)}.</p>"
        form = ('<form action="/index.php"><fieldset><legend>What links here</legend><label '
                f'for="mw-whatlinkshere-target">Page:</label> <input name="target" value="'
                f'{A(_display(title))}" /> <input type="submit" value="Go" /></fieldset></form>\n')
        return self.special_page(f"WhatLinksHere/{title}", "Pages that link to "
                                 f'"{_display(title)}"', form + body)

    def related(self, title: str) -> str:
        art = self.articles[title]
        linked = [t for t in self.articles if t != title and
                  f'href="{A(self.view(t))}"' in art.content]
        lis = "\n".join(self.change_line(t) for t in linked)
        body = ("<p>Enter a page name to see changes on pages linked to or from that page. "
                "(To see members of a category, enter Category:Name of category). Changes to "
                "pages on your Watchlist are in <b>bold</b>.\n</p>\n<p>Show last 50 changes "
                "in last 30 days | Hide minor edits | Show bots | Hide anonymous users\n</p>\n"
                + (f'<ul class="special">\n{lis}\n</ul>' if lis else
                   "<p>No changes on linked pages during the given period.</p>"))
        return self.special_page(f"RecentChangesLinked/{title}", "Related changes", body)

    def info_page(self, title: str) -> str:
        art = self.articles[title]
        first = A(self.act(title, ("oldid", str(art.rev))))
        rows = [("Display title", E(_display(title))), ("Default sort key", E(_display(title))),
                ("Page length (in bytes)", f"{len(art.wikitext.encode()):,}"),
                ("Page ID", str(art.rev - 100)), ("Page content language", "en - English"),
                ("Number of page watchers", "Fewer than 30 watchers"),
                ("Page creator", self.user_links()),
                ("Date of page creation", f'<a href="{first}">'
                 f"{art.date.replace(', at', ',')}</a>"),
                ("Total number of edits", "1")]
        trs = "\n".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in rows)
        body = (f'<h2><span class="mw-headline" id="Basic_information">Basic information</span>'
                f'</h2>\n<table class="wikitable mw-page-info">\n{trs}\n</table>')
        return self.action_page(title, f'Information for "{_display(title)}"', body, "info")

    def login_page(self, returnto: str, signup: bool) -> str:
        name = "UserLogin"
        if signup:
            other = self.act("Special:UserLogin", ("returnto", returnto))
            body = ('<form name="userlogin2" method="post" action="/index.php?title=Special:'
                    'UserLogin&amp;action=submitlogin&amp;type=signup"><h2>Create account</h2>\n'
                    '<p id="userloginlink">Already have an account? <a href="'
                    f'{A(other)}">Log in</a>.</p>\n<table><tr><td>Username:</td><td><input '
                    'name="wpName" /></td></tr><tr><td>Password:</td><td><input type="password"'
                    ' name="wpPassword" /></td></tr></table>\n<input type="submit" value="Create '
                    'account" /></form>')
            h1 = "Create account"
        else:
            link = ""
            if self.open:
                sign = self.act("Special:UserLogin", ("type", "signup"), ("returnto", returnto))
                self.need(sign, lambda: self.login_page(returnto, signup=True))
                link = (f'<p id="userloginlink">Don\'t have an account? <a href="{A(sign)}">'
                        "Create an account</a>.</p>\n")
            body = ('<div id="userloginForm"><form name="userlogin" method="post" action="/'
                    'index.php?title=Special:UserLogin&amp;action=submitlogin&amp;type=login">'
                    f"\n<h2>Log in</h2>\n{link}<table><tr><td>Username:</td><td><input name="
                    '"wpName" /></td></tr><tr><td>Password:</td><td><input type="password" '
                    'name="wpPassword" /></td></tr></table>\n<input type="checkbox" name='
                    '"wpRemember" /> Remember my login on this computer<br />\n<input type="'
                    'submit" value="Log in" /></form></div>')
            h1 = "Log in / create account" if self.major < 19 and self.open else "Log in"
        title = f"Special:{name}"
        tabs = [("ca-nstab-special", "Special page", None, True, False)]
        return self.page(title, h1, body, tabs=tabs, toolbox=[
            ("t-specialpages", "Special pages", self.special("SpecialPages"))],
            returnto=returnto, robots="noindex,nofollow", body_class="ns--1 ns-special")

    def special_pages(self) -> str:
        items = [("RecentChanges", "Recent changes"), ("AllPages", "All pages"),
                 ("Categories", "Categories"), ("UserLogin", "Log in")]
        self.need(self.special("RecentChanges"), self.recent)
        self.need(self.special("AllPages"), self.all_pages)
        self.need(self.special("Categories"), self.categories_page)
        self.need(self.special("UserLogin"), lambda: self.login_page("Main_Page", False))
        lis = "\n".join(f'<li><a href="{A(self.special(n))}" title="Special:{n}">{t}</a></li>'
                        for n, t in items)
        return self.special_page("SpecialPages", "Special pages",
                                 f'<h4 class="mw-specialpagesgroup">Lists of pages</h4>\n<ul>\n'
                                 f"{lis}\n</ul>")

    def recent(self) -> str:
        lis = "\n".join(self.change_line(t) for t in self.articles)
        body = ("<p>Track the most recent changes to the wiki on this page.\n</p>\n<fieldset "
                "class=\"rcoptions\"><legend>Recent changes options</legend>Show last 50 | 100 "
                "| 250 | 500 changes in last 1 | 3 | 7 | 14 | 30 days<br />Hide minor edits | "
                "Show bots | Hide anonymous users | Hide logged-in users | Hide my edits"
                f'</fieldset>\n<h4>{DATES[0].split(", at")[0]}</h4>\n<ul class="special">\n'
                f"{lis}\n</ul>")
        return self.special_page("RecentChanges", "Recent changes", body)

    def all_pages(self) -> str:
        titles = sorted(t for t in self.articles if ":" not in t)
        lis = "".join(f"<li>{self.page_link(t)}</li>" for t in titles)
        return self.special_page("AllPages", "All pages",
                                 f'<ul class="mw-allpages-chunk">{lis}</ul>')

    def categories_page(self) -> str:
        cats = sorted({c for a in self.articles.values() for c in a.categories})
        lis = "".join(f'<li><a href="{A(self.view("Category:" + c))}">{E(_display(c))}</a> '
                      f"({sum(c in a.categories for a in self.articles.values())} members)</li>"
                      for c in cats)
        return self.special_page("Categories", "Categories",
                                 f"<p>The following categories exist on the wiki.\n</p><ul>"
                                 f"{lis}</ul>")


# --- Building the wiki ---------------------------------------------------------------------

def _case_titles(wiki: _Wiki, case: CaseContent) -> list[str]:
    base = case.title.replace(" ", "_")
    root = f"Case_Studies/{base}" if wiki.naming == "subpage" else f"Case:{base}"
    return [root if p == 1 else f"{root}/{wiki.part.format(n=p)}"
            for p in range(1, len(case.pages) + 1)]


def _markers(parts: list[Part], wiki: _Wiki) -> dict[int, dict[int, list[int]]]:
    """Cite markers per (part index, block index): each reference of the page cited once, in
    order, after the page's paragraphs; empty when the page has no paragraph to cite from."""
    refs = next((p for p in parts if p.kind == "references"), None)
    if refs is None or not wiki.cite:
        return {}
    slots = [(pi, bi) for pi, part in enumerate(parts) if part.kind == "section"
             for bi, b in enumerate(part.blocks) if b.kind == "p"]
    if not slots:
        return {}
    out: dict[int, dict[int, list[int]]] = {}
    n = len(refs.refs)
    for k in range(n):
        pi, bi = slots[k * len(slots) // n]
        out.setdefault(pi, {}).setdefault(bi, []).append(refs.first_ref_number + k)
    return out


def _mark_truth(parts: list[Part], markers: dict[int, dict[int, list[int]]]) -> None:
    """The truth text holds the markers as printed ("[1]") after their paragraph."""
    for pi, cells in markers.items():
        part = parts[pi]
        blocks = list(part.blocks)
        for bi, ks in cells.items():
            text = blocks[bi].items[0] + "".join(f"[{k}]" for k in ks)
            blocks[bi] = Block("p", (text,))
        part.blocks = blocks


def _pager(wiki: _Wiki, case: CaseContent, titles: list[str], p: int, list_title: str) -> str:
    total = len(titles)
    if total == 1:
        return ""
    label = lambda k: f"Page {k}"  # noqa: E731
    if wiki.pager == "line":
        items = []
        if p > 1:
            items.append(f'<a href="{A(wiki.view(titles[p - 2]))}" title="'
                         f'{A(_display(titles[p - 2]))}">← {label(p - 1)}</a>')
        items.append(f'<a href="{A(wiki.view(list_title))}" title="{A(_display(list_title))}">'
                     "Case Studies</a>")
        if p < total:
            items.append(f'<a href="{A(wiki.view(titles[p]))}" title="'
                         f'{A(_display(titles[p]))}">{label(p + 1)} →</a>')
        return "<p>" + " | ".join(items) + "\n</p>"
    cells = []
    for k, t in enumerate(titles, start=1):
        if k == p:
            cells.append(f'<strong class="selflink">{label(k)}</strong>' if wiki.major < 28
                         else f'<a class="mw-selflink selflink">{label(k)}</a>')
        else:
            cells.append(f'<a href="{A(wiki.view(t))}" title="{A(_display(t))}">{label(k)}</a>')
    return ('<table class="navbox" style="width:100%; border:1px solid #aaa; text-align:center;'
            ' margin-top:1em;">\n<tr>\n<th style="background:#ccccff;">Case Studies: <a href="'
            f'{A(wiki.view(titles[0]))}" title="{A(_display(titles[0]))}">{E(case.title)}</a>\n'
            "</th></tr>\n<tr>\n<td>" + " · ".join(cells) + "\n</td></tr></table>")


def _note_box(wiki: _Wiki, info: SiteInfo) -> str:
    note = note_line(info)
    lines = [E(note)] if note else []
    if info.copyright and not wiki.copy_in_footer:
        lines.append(E(info.copyright))
    if not lines:
        return ""
    return ('<div class="case-note" style="border:1px solid #aaaaaa; background:#f9f9f9; '
            'padding:0.5em; font-size:90%; margin-top:1em;">\n<p>' + "<br />\n".join(lines)
            + "\n</p></div>")


def build_mediawiki(rng: random.Random, n: int) -> Site:
    info = draw_site(rng, with_contact=rng.random() < 0.8)
    cases = draw_cases(rng, n, unknown_rate=0.4)
    site = Site("mediawiki", "evaluate", "/", server=rng.choice([
        "Apache/2.2.22 (Ubuntu)", "Apache/2.2.15 (CentOS)", "Apache/2.4.7 (Ubuntu)"]))
    wiki = _Wiki(rng, info, site)
    list_title = "Case_Studies" if wiki.list_kind == "page" else "Category:Case_studies"
    site.start_path = wiki.view(list_title)
    project = wiki.project
    all_titles: list[list[str]] = []

    for case in cases:
        titles = _case_titles(wiki, case)
        all_titles.append(titles)
        for p, parts in enumerate(case.pages, start=1):
            title = titles[p - 1]
            markers = _markers(parts, wiki)
            body, wikitext, sections = wiki.case_body(title, parts, markers)
            _mark_truth(parts, markers)
            pager = _pager(wiki, case, titles, p, list_title)
            note = _note_box(wiki, info)
            content = ((pager + "\n" if wiki.navbox_top and wiki.pager == "navbox" else "")
                       + body + ("\n" + pager if pager and not (
                           wiki.navbox_top and wiki.pager == "navbox") else "")
                       + (f"\n{note}" if note else ""))
            cats = ["Case_studies"] if (p == 1 or wiki.cat_all_pages) else []
            nav_call = "{{Case nav}}" if pager else ""
            wikitext = (f"{nav_call}\n{wikitext}" if wiki.navbox_top else
                        f"{wikitext}\n\n{nav_call}") + "\n{{Contact note}}" + (
                "\n[[Category:Case studies]]" if cats else "")
            wiki.add_article(_Article(title, content, wikitext, True, cats, sections))

    # The list, the category and the other wiki pages.
    items = "\n".join(f"<li>{wiki.page_link(t[0], c.title)}"
                      + (f" ({len(t)} pages)" if len(t) > 1 else "") + "</li>"
                      for c, t in zip(cases, all_titles, strict=True))
    if wiki.naming == "subpage" or wiki.list_kind == "page":
        wiki.add_article(_Article(
            "Case_Studies",
            f"<p>The case studies below were presented at meetings of the {E(info.name)}. "
            "Each case is split into several pages.\n</p>\n<ul>" + items + "</ul>\n<p>To add "
            f'a case, read the {wiki.page_link(project + ":Submission_guidelines")}.\n</p>',
            "Case studies presented at our meetings.\n\n" + "\n".join(
                f"* [[{_display(t[0])}|{c.title}]]" for c, t in zip(cases, all_titles,
                                                                     strict=True)),
            categories=["Education"]))
    members = [t for ts in all_titles for t in (ts if wiki.cat_all_pages else ts[:1])]
    wiki.add_article(_Article("Category:Case_studies", "", "Case studies of the society."))
    wiki.add_article(_Article("Category:Education", "", "Education pages."))
    main = (f"<p>Welcome to the <b>{E(wiki.name)}</b>, the wiki of the {E(info.name)}.\n</p>\n"
            f"<p>Our {wiki.page_link(list_title, 'case studies')}"
            " are written by members and reviewed by the education committee.\n</p>\n"
            f"<p><b>Featured case:</b> {wiki.page_link(all_titles[-1][0])}\n</p>\n"
            "<h2><span class=\"mw-headline\" id=\"Getting_started\">Getting started</span></h2>"
            f"\n<ul><li>{wiki.page_link(project + ':About')}</li>\n<li>"
            f"{wiki.page_link(project + ':Submission_guidelines')}</li>\n<li>"
            f"{wiki.page_link('Help:Contents')}</li></ul>")
    wiki.add_article(_Article("Main_Page", main, "Welcome to the wiki."))
    label = lambda t: f"<b>{E(t)}</b>"  # noqa: E731
    for title, content in [
            (f"{project}:About", about_body(info, label)),
            (f"{project}:Submission_guidelines", guidelines_body(label)),
            (f"{project}:Privacy_policy", "<p>We do not share any information about our "
             "readers. Server logs are kept for 30 days.\n</p>"),
            (f"{project}:General_disclaimer", "<p>The case studies are for education only "
             "and are not medical advice.\n</p>"),
            ("Help:Contents", "<p>This wiki uses MediaWiki. Members can log in to edit pages."
             "\n</p>"),
            ("User:Admin", "<p>I maintain this wiki for the society and imported the case "
             "archive.\n</p>"),
            ("User_talk:Admin", "<p>Thanks for importing the cases! --Member 10:12, 4 March "
             "2010 (UTC)\n</p>")]:
        wiki.add_article(_Article(title, content, "(page text)"))
    if wiki.open:
        wiki.add_article(_Article("Help:Editing", "<p>Click <i>Edit</i> at the top of a page. "
                                  "Use <code>== Heading ==</code> for headings.\n</p>",
                                  "(help text)"))
    else:
        wiki.add_article(_Article(f"{project}:Users", "<p>Society members can request an "
                                  "account from the webmaster.\n</p>", "(page text)"))
    talk_of = wiki.talk_of(all_titles[0][0])
    assert talk_of is not None
    first_case = cases[0]
    wiki.add_article(_Article(talk_of, (
        f'{wiki.heading_html(talk_of, 2, "Differential", 1)}\n<p>Should we add a stress '
        "fracture to the differential for '" + E(first_case.title) + "'? --"
        f'<a href="{A(wiki.view("User:Admin"))}" title="User:Admin">Admin</a> 14:20, 3 March '
        "2010 (UTC)\n</p>\n<dl><dd>Agreed, added. --Member 09:02, 5 March 2010 (UTC)</dd></dl>"),
        "== Differential ==\nShould we add a stress fracture? --~~~~", sections=[
            "== Differential ==\nShould we add a stress fracture? --~~~~"]))

    # Category pages list their members.
    for cat, desc in [("Case_studies", "This category holds the society's case studies."),
                      ("Education", "Pages about the society's education program.")]:
        mem = members if cat == "Case_studies" else [
            t for t, a in wiki.articles.items() if "Education" in a.categories]
        wiki.articles[f"Category:{cat}"].content = _category_html(wiki, cat, desc, mem)

    wiki.serve_articles()
    for url, maker in [(wiki.special("RecentChanges"), wiki.recent)]:
        wiki.need(url, maker)
    wiki.drain()
    feed = wiki.act("Special:RecentChanges", ("feed", "atom"))
    site.pages[feed] = (('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/'
                         f'2005/Atom"><title>{E(wiki.name)} - Recent changes [en]</title></feed>'
                         ).encode(), "application/atom+xml; charset=utf-8", 200)
    site.non_case_paths.append(feed)
    site.redirect(wiki.special("Random"), wiki.view(all_titles[rng.randrange(len(cases))][0]))
    site.pages["/opensearch_desc.php"] = (
        b'<?xml version="1.0"?><OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/'
        b'1.1/"><ShortName>Wiki</ShortName></OpenSearchDescription>',
        "application/opensearchdescription+xml", 200)
    for path, ctype in [("/favicon.ico", "image/x-icon"),
                        ("/skins/common/images/wiki.png", "image/png"),
                        ("/skins/common/images/poweredby_mediawiki_88x31.png", "image/png"),
                        ("/resources/assets/poweredby_mediawiki_88x31.png", "image/png"),
                        ("/skins/monobook/main.css?270", "text/css")]:
        site.pages[path] = (b"\x89PNG\r\n" if "png" in path else b"", ctype, 200)
    if wiki.robots:
        site.pages["/robots.txt"] = (b"User-agent: *\nDisallow: /index.php\n"
                                     b"Disallow: /wiki/Special:\n", "text/plain", 200)

    for case, titles in zip(cases, all_titles, strict=True):
        record_case(site, info, case, [{"url": wiki.view(t), "aliases": wiki.case_aliases[t]}
                                       for t in titles])
    return site


def _Article(title: str, content: str, wikitext: str, is_case: bool = False,
             categories: list[str] | None = None, sections: list[str] | None = None) -> Article:
    return Article(title, content, wikitext, is_case, list(categories or []),
                   sections=list(sections or []))


def _category_html(wiki: _Wiki, cat: str, desc: str, members: list[str]) -> str:
    def key(t: str) -> str:
        return t.partition(":")[2] if t.startswith("Case:") else _display(t)

    groups: dict[str, list[str]] = {}
    for t in sorted(members, key=key):
        groups.setdefault(key(t)[0].upper(), []).append(t)
    blocks = []
    for letter, ts in groups.items():
        lis = "\n".join(f"<li>{wiki.page_link(t)}</li>" for t in ts)
        blocks.append((letter, f"<h3>{letter}</h3>\n<ul>{lis}</ul>"))
    head = (f'<p>{E(desc)}\n</p>\n<div id="mw-pages">\n<h2>Pages in category "'
            f'{E(_display(cat))}"</h2>\n<p>The following {len(members)} pages are in this '
            f"category, out of {len(members)} total.\n</p>")
    if wiki.major < 19:
        third = max(1, (len(blocks) + 2) // 3)
        cols = ["".join(b for _, b in blocks[i:i + third]) for i in range(0, len(blocks), third)]
        tds = "".join(f'<td style="width: 33.3%;">{c}</td>' for c in cols)
        return head + f'<table width="100%"><tr valign="top">{tds}</tr></table>\n</div>'
    groups_html = "".join(f'<div class="mw-category-group">{b}</div>' for _, b in blocks)
    return (head + '<div lang="en" dir="ltr" class="mw-content-ltr"><div class="mw-category">'
            f"{groups_html}</div></div>\n</div>")
