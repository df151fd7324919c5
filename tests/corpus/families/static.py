"""A 2015-2020 static-site-generator site built from Markdown (evaluate-only), written without
looking at the parser.

* HTML5: ``<header>``, ``<nav>``, ``<main>``, ``<article>``, ``<aside>``, ``<footer>``; the
  output of Hugo (goldmark) or Jekyll (kramdown), per site;
* the case's headings as Markdown ``##``/``###`` with generated ids and, per site, a
  permalink anchor after the text (``#``), a "¶" header link, an icon anchor before the text,
  or none; apostrophes made typographic (``Author’s Comments``) as both processors do;
* a table of contents at the top of the page on some sites (Hugo ``<nav
  id="TableOfContents">``, Jekyll ``<ul class="section-nav">``);
* references as Markdown footnotes on some sites (superscript markers at the end of the
  page's paragraphs and the footnote list at the end of the content, with "↩" back links),
  an ordinary ordered list (with its heading, or none) elsewhere and on a page where no text
  cites them;
* cases paginated as ``/cases/<slug>/`` and ``/cases/<slug>/page/2/`` or ``/cases/<slug>/2/``,
  slash-less URLs redirecting (the host's "pretty URLs"), ``<nav class="pagination">`` with
  "← Previous", "Page 2 of 3" and "Next →", titles ``X · Page 2 | Site`` or ``X – Part 2 –
  Site``; an ``<aside>`` with tags and related cases (one of them a dead link answered by the
  404.html page with status 404);
* list pages ``/cases/`` and ``/cases/page/2/``, tag pages ``/tags/knee/``, the RSS or Atom
  feed and ``sitemap.xml``, About, submission guidelines, events and contact pages.

Truth: a footnote marker is not part of the sentence it follows (a reader quoting the text
leaves the superscript out), so section texts are the bank's texts without the markers.
"""

from __future__ import annotations

import random
import re

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
    note_line,
    record_case,
)

TAGS = ["knee", "shoulder", "running", "youth", "imaging", "concussion", "fracture"]
DEAD = "/cases/hamstring-strain-in-a-sprinter/"


def _anchor_id(text: str) -> str:
    text = text.lower().replace("’", "").replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def _smart(text: str) -> str:
    return text.replace("'", "’")


class _Style:
    """One site's generator, theme and Markdown habits."""

    def __init__(self, rng: random.Random) -> None:
        self.gen = rng.choice(["hugo", "jekyll"])
        self.level = rng.choice(["h2", "h2", "h3"])
        self.anchor = rng.choice(["hash", "pilcrow", "icon", "none"])
        self.toc = rng.random() < 0.5
        self.footnotes = rng.random() < 0.5
        self.paged = rng.choice(["page", "plain"])
        self.note_in_article = rng.random() < 0.5
        self.title = rng.choice(["dot", "dash"])
        self.top_pager = rng.random() < 0.3
        self.canonical = rng.random() < 0.5
        self.slashless_related = rng.random() < 0.5
        self.br = "<br>" if self.gen == "hugo" else "<br />"

    def heading(self, text: str) -> str:
        shown = E(_smart(text))
        hid = _anchor_id(text)
        tag = self.level
        if self.anchor == "hash":
            return (f'<{tag} id="{hid}">{shown} <a class="anchor" href="#{hid}" '
                    f'aria-hidden="true">#</a></{tag}>')
        if self.anchor == "pilcrow":
            return (f'<{tag} id="{hid}">{shown}<a class="headerlink" href="#{hid}" '
                    f'title="Permanent link">¶</a></{tag}>')
        if self.anchor == "icon":
            return (f'<{tag} id="{hid}"><a href="#{hid}" class="anchor-heading" '
                    f'aria-labelledby="{hid}"><svg viewBox="0 0 16 16" aria-hidden="true">'
                    f'<use xlink:href="#svg-link"></use></svg></a> {shown}</{tag}>')
        return f'<{tag} id="{hid}">{shown}</{tag}>'

    def toc_html(self, headings: list[str]) -> str:
        if not self.toc or not headings:
            return ""
        links = [(f"#{_anchor_id(h)}", E(_smart(h))) for h in headings]
        if self.gen == "hugo":
            items = "\n".join(f'<li><a href="{a}">{t}</a></li>' for a, t in links)
            return ('<aside class="toc"><details open><summary>Table of Contents</summary>'
                    f'<nav id="TableOfContents">\n<ul>\n{items}\n</ul>\n</nav></details></aside>')
        items = "\n".join(f'<li class="toc-entry toc-{self.level}"><a href="{a}">{t}</a></li>'
                          for a, t in links)
        return f'<ul class="section-nav">\n{items}\n</ul>'

    def footnote_marker(self, n: int) -> str:
        if self.gen == "hugo":
            return (f'<sup id="fnref:{n}"><a href="#fn:{n}" class="footnote-ref" '
                    f'role="doc-noteref">{n}</a></sup>')
        return (f'<sup id="fnref:{n}" role="doc-noteref"><a href="#fn:{n}" class="footnote" '
                f'rel="footnote">{n}</a></sup>')


def _ref_text(text: str, url: str | None, style: _Style) -> str:
    """Goldmark's linkify makes a bare URL a link; kramdown leaves it as text."""
    if url and url in text and style.gen == "hugo":
        return E(text).replace(E(url), f'<a href="{E(url)}">{E(url)}</a>')
    return E(text)


def _blocks(blocks: list[Block], style: _Style, markers: dict[int, str]) -> str:
    out = []
    for i, b in enumerate(blocks):
        if b.kind == "p":
            out.append(f"<p>{E(b.items[0])}{markers.get(i, '')}</p>")
        elif b.kind == "lines":
            out.append("<p>" + f"{style.br}\n".join(E(x) for x in b.items) + "</p>")
        elif b.kind == "ul":
            out.append("<ul>\n" + "\n".join(f"<li>{E(x)}</li>" for x in b.items) + "\n</ul>")
        else:
            head, *rows = b.items
            th = "\n".join(f"<th>{E(c)}</th>" for c in head)
            trs = "\n".join("<tr>\n" + "\n".join(f"<td>{E(c)}</td>" for c in row) + "\n</tr>"
                            for row in rows)
            out.append(f"<table>\n<thead>\n<tr>\n{th}\n</tr>\n</thead>\n<tbody>\n{trs}\n"
                       "</tbody>\n</table>")
    return "\n".join(out)


def _footnotes(part: Part, style: _Style) -> str:
    items = []
    for i, ref in enumerate(part.refs, start=part.first_ref_number):
        text = _ref_text(ref.text, ref.url, style)
        if style.gen == "hugo":
            items.append(f'<li id="fn:{i}" role="doc-endnote">\n<p>{text}&#160;<a href="#fnref:'
                         f'{i}" class="footnote-backref" role="doc-backlink">&#x21a9;&#xfe0e;'
                         "</a></p>\n</li>")
        else:
            items.append(f'<li id="fn:{i}" role="doc-endnote">\n<p>{text}&nbsp;<a href="#fnref:'
                         f'{i}" class="reversefootnote" role="doc-backlink">&#8617;</a></p>\n'
                         "</li>")
    body = "\n".join(items)
    if style.gen == "hugo":
        return (f'<section class="footnotes" role="doc-endnotes">\n<hr>\n<ol>\n{body}\n</ol>\n'
                "</section>")
    return f'<div class="footnotes" role="doc-endnotes">\n<ol>\n{body}\n</ol>\n</div>'


def _markers(parts: list[Part], refs: Part | None, style: _Style) -> dict[int, dict[int, str]]:
    """Footnote markers per (part index, block index): each reference cited once, in order,
    at the end of the page's paragraphs; empty when the page has no paragraph to cite from."""
    if refs is None or not style.footnotes:
        return {}
    slots = [(pi, bi) for pi, part in enumerate(parts) if part.kind == "section"
             for bi, b in enumerate(part.blocks) if b.kind == "p"]
    if not slots:
        return {}
    out: dict[int, dict[int, str]] = {}
    n = len(refs.refs)
    for k in range(n):
        pi, bi = slots[k * len(slots) // n]
        cell = out.setdefault(pi, {})
        cell[bi] = cell.get(bi, "") + style.footnote_marker(refs.first_ref_number + k)
    return out


def _case_content(parts: list[Part], style: _Style) -> tuple[str, list[str]]:
    """The Markdown-rendered page content and the headings it shows (for the TOC)."""
    refs = next((p for p in parts if p.kind == "references"), None)
    markers = _markers(parts, refs, style)
    out, headings = [], []
    for pi, part in enumerate(parts):
        if part.heading:
            out.append(style.heading(part.heading))
            headings.append(part.heading)
        if part.kind == "references":
            if markers:
                out.append(_footnotes(part, style))
            else:
                out.append("<ol>\n" + "\n".join(f"<li>{_ref_text(r.text, r.url, style)}</li>"
                                                for r in part.refs) + "\n</ol>")
        else:
            out.append(_blocks(part.blocks, style, markers.get(pi, {})))
    return "\n".join(out), headings


# --- The layout ------------------------------------------------------------------------------

class _Layout:
    def __init__(self, rng: random.Random, info: SiteInfo, style: _Style) -> None:
        self.info, self.style = info, style
        self.feed = "/index.xml" if style.gen == "hugo" else "/feed.xml"
        self.theme = rng.choice(["ananke", "minima", "clean-blog", "pure"])

    def page(self, title: str, main: str, canonical: str | None = None,
             body_class: str = "page") -> str:
        info, style = self.info, self.style
        gen = ('<meta name="generator" content="Hugo 0.55.6" />' if style.gen == "hugo"
               else '<!-- Begin Jekyll SEO tag v2.6.1 -->\n<meta name="generator" '
               'content="Jekyll v3.8.5" />')
        canon = (f'<link rel="canonical" href="{canonical}" />\n'
                 if canonical and style.canonical else "")
        ftype = "application/rss+xml" if style.gen == "hugo" else "application/atom+xml"
        note = note_line(info)
        foot = []
        if note and not style.note_in_article:
            foot.append(f'<p class="contact-note">{E(note)}</p>')
        if info.copyright:
            foot.append(f'<p class="copyright">{E(info.copyright)}</p>')
        built = ('Built with <a href="https://gohugo.io/">Hugo</a>' if style.gen == "hugo"
                 else 'Powered by <a href="https://jekyllrb.com/">Jekyll</a>')
        foot.append(f'<p class="colophon">{built} &middot; <a href="{self.feed}">RSS</a></p>')
        return (
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"{gen}\n<title>{E(title)}</title>\n{canon}"
            f'<link rel="alternate" type="{ftype}" href="{self.feed}" title="{E(info.name)}" />\n'
            f'<link rel="stylesheet" href="/css/{self.theme}.min.css">\n</head>\n'
            f'<body class="{body_class}">\n<header class="site-header">\n<div class="wrapper">'
            f'<a class="site-title" rel="author" href="/">{E(info.name)}</a>\n'
            '<nav class="site-nav"><ul>\n<li><a href="/">Home</a></li>\n<li><a href="/cases/">'
            'Case Studies</a></li>\n<li><a href="/tags/">Tags</a></li>\n<li><a href="/events/">'
            'Events</a></li>\n<li><a href="/submit/">Submit a Case</a></li>\n<li><a href="/about/'
            '">About</a></li>\n<li><a href="/contact/">Contact</a></li>\n</ul></nav>\n</div>\n'
            f'</header>\n<main class="page-content" aria-label="Content">\n<div class="wrapper">'
            f"\n{main}\n</div>\n</main>\n"
            '<footer class="site-footer">\n<div class="wrapper">\n' + "\n".join(foot)
            + "\n</div>\n</footer>\n</body>\n</html>\n")


def _pager(urls: list[str], p: int) -> str:
    total = len(urls)
    if total == 1:
        return ""
    prev = (f'<a class="pagination-prev" href="{urls[p - 2]}" rel="prev">&larr; Previous</a>'
            if p > 1 else '<span class="pagination-prev disabled">&larr; Previous</span>')
    nxt = (f'<a class="pagination-next" href="{urls[p]}" rel="next">Next &rarr;</a>'
           if p < total else '<span class="pagination-next disabled">Next &rarr;</span>')
    return (f'<nav class="pagination" role="navigation">\n{prev}\n<span class="pagination-'
            f'info">Page {p} of {total}</span>\n{nxt}\n</nav>')


def _aside(case: CaseContent, tags: list[str], related: list[CaseContent], style: _Style,
           dead: bool) -> str:
    tag_links = "".join(f'<li><a href="/tags/{t}/">#{t}</a></li>' for t in tags)
    items = []
    for other in related:
        href = f"/cases/{other.slug}" + ("" if style.slashless_related else "/")
        items.append(f'<li><a href="{href}">{E(other.title)}</a></li>')
    if dead:
        items.append(f'<li><a href="{DEAD}">Hamstring Strain in a Sprinter</a></li>')
    return ('<aside class="case-sidebar">\n<section class="tags"><h4>Tags</h4>\n'
            f'<ul class="tag-list">{tag_links}</ul></section>\n<section class="related"><h4>'
            f'Related cases</h4>\n<ul>{"".join(items)}</ul></section>\n</aside>')


def _case_urls(case: CaseContent, style: _Style) -> list[str]:
    base = f"/cases/{case.slug}/"
    step = "page/" if style.paged == "page" else ""
    return [base if p == 1 else f"{base}{step}{p}/" for p in range(1, len(case.pages) + 1)]


def _case_pages(site: Site, layout: _Layout, case: CaseContent, ci: int,
                cases: list[CaseContent], tags: list[str], rng: random.Random) -> None:
    style, info = layout.style, layout.info
    urls = _case_urls(case, style)
    related = rng.sample([c for c in cases if c is not case], min(2, len(cases) - 1))
    note = note_line(info)
    truth_urls = []
    for p, parts in enumerate(case.pages, start=1):
        content, headings = _case_content(parts, style)
        if style.title == "dot":
            title = (f"{case.title} | {info.name}" if p == 1
                     else f"{case.title} · Page {p} | {info.name}")
        else:
            title = case.title if p == 1 else f"{case.title} – Part {p}"
            title = f"{title} – {info.name}"
        pager = _pager(urls, p)
        note_html = (f'<p class="case-note"><em>{E(note)}</em></p>\n'
                     if note and style.note_in_article else "")
        tag_line = ", ".join(f'<a href="/tags/{t}/">{t}</a>' for t in tags)
        main = ('<article class="post h-entry" itemscope itemtype="http://schema.org/'
                'BlogPosting">\n<header class="post-header">\n<h1 class="post-title p-name" '
                f'itemprop="name headline">{E(case.title)}</h1>\n<p class="post-meta"><time '
                f'class="dt-published" datetime="201{ci % 6 + 4}-0{ci % 9 + 1}-12T09:00:00+00:00"'
                f' itemprop="datePublished">{["Mar", "Jun", "Oct"][ci % 3]} 12, 201{ci % 6 + 4}'
                f'</time> &middot; Tags: {tag_line}</p>\n</header>\n'
                + (f"{pager}\n" if style.top_pager else "")
                + f"{style.toc_html(headings)}\n"
                f'<div class="post-content e-content" itemprop="articleBody">\n{content}\n</div>\n'
                f"{note_html}{pager}\n"
                '<p class="back"><a href="/cases/">&larr; All case studies</a></p>\n</article>\n'
                + _aside(case, tags, related, style, dead=ci == 0))
        site.add(urls[p - 1], layout.page(title, main, canonical=urls[p - 1],
                                          body_class="post"))
        slashless = urls[p - 1].rstrip("/")
        site.redirect(slashless, urls[p - 1])
        truth_urls.append({"url": urls[p - 1], "aliases": [slashless]})
    record_case(site, info, case, truth_urls)


# --- Listings and the other pages ------------------------------------------------------------

def _summary(case: CaseContent) -> str:
    first = next(b for p in case.pages[0] for b in p.blocks if b.kind == "p")
    return first.items[0]


def _listing(chosen: list[CaseContent]) -> str:
    return "<ul class=\"post-list\">\n" + "\n".join(
        f'<li>\n<h3><a class="post-link" href="/cases/{c.slug}/">{E(c.title)}</a></h3>\n'
        f'<p class="post-excerpt">{E(_summary(c))}</p>\n</li>' for c in chosen) + "\n</ul>"


def _list_pages(site: Site, layout: _Layout, cases: list[CaseContent],
                tagged: dict[str, list[str]]) -> None:
    info = layout.info
    per = 5
    chunks = [cases[i:i + per] for i in range(0, len(cases), per)]
    urls = ["/cases/"] + [f"/cases/page/{k + 1}/" for k in range(1, len(chunks))]
    for k, chunk in enumerate(chunks):
        nav = []
        if k:
            nav.append(f'<a class="prev" href="{urls[k - 1]}">&larr; Newer</a>')
        nav.append(f'<span class="page-number">Page {k + 1} of {len(chunks)}</span>')
        if k + 1 < len(urls):
            nav.append(f'<a class="next" href="{urls[k + 1]}">Older &rarr;</a>')
        main = ('<h1 class="page-heading">Case Studies</h1>\n' + _listing(chunk)
                + '\n<nav class="pagination">' + " ".join(nav) + "</nav>")
        site.non_case(urls[k], layout.page(f"Case Studies | {info.name}", main,
                                           canonical=urls[k]))
    used = sorted({t for ts in tagged.values() for t in ts})
    for tag in used:
        chosen = [c for c in cases if tag in tagged[c.slug]]
        site.non_case(f"/tags/{tag}/", layout.page(
            f"{tag} | {info.name}", f'<h1 class="page-heading">Tag: {tag}</h1>\n'
            + _listing(chosen), canonical=f"/tags/{tag}/"))
    cloud = "\n".join(f'<li><a href="/tags/{t}/">{t}</a> ({sum(t in ts for ts in tagged.values())})'
                      "</li>" for t in used)
    site.non_case("/tags/", layout.page(f"Tags | {info.name}",
                                        f'<h1 class="page-heading">Tags</h1>\n<ul>{cloud}</ul>'))


def _feeds(site: Site, layout: _Layout, cases: list[CaseContent]) -> None:
    info = layout.info
    if layout.style.gen == "hugo":
        items = "\n".join(f"<item>\n<title>{E(c.title)}</title>\n<link>/cases/{c.slug}/</link>\n"
                          f"<description>{E(_summary(c))}</description>\n</item>" for c in cases)
        feed = ('<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n<rss version="2.0">\n'
                f"<channel>\n<title>{E(info.name)}</title>\n<link>/</link>\n{items}\n</channel>\n"
                "</rss>\n")
        ctype = "application/rss+xml"
    else:
        items = "\n".join(f'<entry><title type="html">{E(c.title)}</title><link href="/cases/'
                          f'{c.slug}/" rel="alternate" type="text/html" /></entry>' for c in cases)
        feed = ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
                f'<title type="html">{E(info.name)}</title>{items}</feed>\n')
        ctype = "application/atom+xml"
    site.pages[layout.feed] = (feed.encode(), ctype, 200)
    site.non_case_paths.append(layout.feed)


def _other_pages(site: Site, layout: _Layout, cases: list[CaseContent]) -> None:
    info = layout.info
    label = lambda t: f"<strong>{E(t)}</strong>"  # noqa: E731
    pages = [("/about/", "About", about_body(info, label)),
             ("/submit/", "Submit a Case", guidelines_body(label)),
             ("/events/", "Events", calendar_body()),
             ("/contact/", "Contact", contact_body(info))]
    for path, title, body in pages:
        site.non_case(path, layout.page(f"{title} | {info.name}",
                                        f'<article class="post"><h1 class="post-title">{title}'
                                        f'</h1>\n<div class="post-content">\n{body}\n</div>'
                                        "</article>", canonical=path))
        site.redirect(path.rstrip("/"), path)
    home = ('<div class="home">\n<h2 class="post-list-heading">Recent case studies</h2>\n'
            + _listing(cases[-4:]) + f'\n<p class="rss-subscribe">subscribe <a href="'
            f'{layout.feed}">via RSS</a></p>\n</div>')
    site.non_case("/", layout.page(info.name, home, canonical="/"))
    missing = layout.page(f"Page not found | {info.name}", '<div class="container" '
                          'style="text-align:center"><h1>404</h1>\n<p><strong>Page not found '
                          ':(</strong></p>\n<p>The requested page could not be found.</p>\n'
                          '<p><a href="/">Back to the home page</a></p></div>')
    site.non_case("/404.html", missing)
    site.non_case(DEAD, missing, status=404)
    urls = [u for c in cases for u in _case_urls(c, layout.style)]
    locs = "\n".join(f"<url><loc>{u}</loc></url>" for u in ["/", "/cases/", *urls])
    sitemap = ('<?xml version="1.0" encoding="utf-8" standalone="yes" ?>\n<urlset xmlns="http://'
               f'www.sitemaps.org/schemas/sitemap/0.9">\n{locs}\n</urlset>\n')
    site.pages["/sitemap.xml"] = (sitemap.encode(), "application/xml", 200)
    site.pages["/css/" + layout.theme + ".min.css"] = (b"body{margin:0}\n", "text/css", 200)


def build_static(rng: random.Random, n: int) -> Site:
    info = draw_site(rng, with_contact=rng.random() < 0.7)
    cases = draw_cases(rng, n, unknown_rate=0.4)
    style = _Style(rng)
    layout = _Layout(rng, info, style)
    site = Site("static", "evaluate", "/cases/", server="nginx/1.14.0")
    tagged = {c.slug: rng.sample(TAGS, 2) for c in cases}
    for ci, case in enumerate(cases):
        _case_pages(site, layout, case, ci, cases, tagged[case.slug], rng)
    _list_pages(site, layout, cases, tagged)
    _feeds(site, layout, cases)
    _other_pages(site, layout, cases)
    return site
