"""Template families of the CMS era: a Drupal-like site (develop) and a WordPress-like site
(evaluate-only). Both have alias URLs that redirect, ``rel=canonical``, teaser listings,
furniture before and after the content, heading wording that varies between cases, and a
soft 404 (status 200, "not found" content) linked from the sidebar."""

from __future__ import annotations

import random

from ..model import CaseContent, Part
from .common import (
    E,
    Site,
    about_body,
    draw_cases,
    draw_site,
    guidelines_body,
    html_blocks,
    note_line,
    record_case,
    refs_html,
)

TAGS = ["knee", "shoulder", "running", "youth", "imaging", "concussion"]


def _teaser(case: CaseContent) -> str:
    """The first sentence of a case's first section, as teaser listings print it."""
    first = next(b for p in case.pages[0] for b in p.blocks if b.kind == "p")
    return first.items[0].split(". ")[0] + "..."


def _footer_block(info, cls: str) -> str:
    note = note_line(info)
    parts = [f"<p>{E(note)}</p>"] if note else []
    if info.copyright:
        parts.append(f"<p>{E(info.copyright)}</p>")
    return f'<div class="{cls}">' + "\n".join(parts) + "</div>"


# --- 9. Drupal-like (develop) ----------------------------------------------------------------

def _drupal_body(parts: list[Part], layout: str, rng: random.Random) -> str:
    """The case body in one of the layouts: "fields", "dl", "table2", "h3"."""
    out: list[str] = []

    def body(part: Part) -> str:
        return (refs_html(part, "ol", rng) if part.kind == "references"
                else html_blocks(part.blocks, table_attrs=""))

    for part in parts:
        h = E(part.heading) if part.heading else ""
        if layout == "fields":
            label = f'<div class="field-label">{h}:&nbsp;</div>' if h else ""
            out.append(f'<div class="field field-type-text-long">{label}<div class="field-items">'
                       f'<div class="field-item even">{body(part)}</div></div></div>')
        elif layout == "dl":
            out.append(f"<dl><dt>{h}</dt><dd>{body(part)}</dd></dl>" if h else
                       f"<div>{body(part)}</div>")
        elif layout == "table2":
            out.append(f'<table class="case-table"><tr><th>{h}</th><td>{body(part)}</td></tr>'
                       "</table>" if h else f"<div>{body(part)}</div>")
        else:
            out.append((f"<h3>{h}</h3>\n" if h else "") + body(part))
    return "\n".join(out)


def build_drupal(rng: random.Random, n: int) -> Site:
    info = draw_site(rng, with_contact=rng.random() < 0.5)
    cases = draw_cases(rng, n, unknown_rate=0.5)
    first_link_zero = rng.random() < 0.5
    show_count = rng.random() < 0.5
    site = Site("drupal", "develop", "/cases")
    soft404 = "/cases/archived-case-2009"
    tagged = {c.slug: rng.sample(TAGS, 2) for c in cases}

    def page(title: str, content: str, canonical: str | None = None,
             shortlink: str | None = None, crumbs: str = "") -> str:
        links = (f'<link rel="canonical" href="{E(canonical)}" />\n' if canonical else "")
        links += f'<link rel="shortlink" href="{shortlink}" />\n' if shortlink else ""
        popular = "".join(f'<li><a href="/cases/{c.slug}">{E(c.title)}</a></li>'
                          for c in cases[:2])
        return ('<!DOCTYPE html>\n<html lang="en" dir="ltr">\n<head>\n<meta charset="utf-8" />\n'
                f"{links}<title>{E(title)} | {E(info.name)}</title>\n"
                '<meta name="Generator" content="Drupal 7 (http://drupal.org)" />\n</head>\n'
                '<body class="html not-front">\n<div id="page">\n<header id="header">'
                f'<a href="/" rel="home" id="logo">{E(info.name)}</a>\n<nav id="main-menu"><ul '
                'class="menu"><li><a href="/">Home</a></li><li><a href="/cases">Cases</a></li>'
                '<li><a href="/about">About</a></li><li><a href="/submit">Submit a case</a>'
                '</li></ul></nav></header>\n'
                f'<div class="breadcrumb"><a href="/">Home</a> » <a href="/cases">Cases</a>'
                f"{crumbs}</div>\n"
                '<div id="main">\n<div id="content" class="column" role="main">\n'
                f"{content}\n</div>\n"
                '<aside class="sidebars"><section class="region region-sidebar-first">\n'
                '<div id="block-user-login" class="block block-user"><h2>User login</h2>'
                '<form action="/user" method="post"><div><label>Username</label><input '
                'name="name"><label>Password</label><input name="pass" type="password">'
                '<input type="submit" value="Log in"></div></form><ul><li><a href="/user/'
                'register">Create new account</a></li><li><a href="/user/password">Request new '
                'password</a></li></ul></div>\n<div class="block"><h2>Popular cases</h2><ul>'
                f'{popular}<li><a href="{soft404}">An archived case (2009)</a></li></ul></div>\n'
                '<div class="block"><h2>Tags</h2><ul>'
                + "".join(f'<li><a href="/tags/{t}">{t}</a></li>' for t in TAGS)
                + '</ul></div>\n</section></aside>\n</div>\n<footer id="footer">'
                + _footer_block(info, "block block-block")
                + '<p>Powered by <a href="http://drupal.org">Drupal</a></p></footer>\n</div>\n'
                "</body>\n</html>")

    for ci, case in enumerate(cases):
        nid = 120 + ci * 3
        canon = f"/cases/{case.slug}"
        total = len(case.pages)
        urls = [canon if p == 1 else f"{canon}?page={p - 1}" for p in range(1, total + 1)]
        layout = rng.choice(["fields", "dl", "table2", "h3"])
        related = rng.choice([c for c in cases if c is not case] or [case])
        for p, parts in enumerate(case.pages, start=1):
            items = []
            for k, u in enumerate(urls, start=1):
                href = f"{canon}?page=0" if k == 1 and first_link_zero else u
                items.append(f'<li class="pager-current">{k}</li>' if k == p else
                             f'<li class="pager-item"><a href="{href}">{k}</a></li>')
            nxt = (f'<li class="pager-next"><a href="{urls[p]}">next ›</a></li>'
                   if p < total else "")
            count = f'<p class="page-count">Page {p} of {total}</p>' if show_count else ""
            tags = "".join(f'<div class="field-item"><a href="/tags/{t}">{t}</a></div>'
                           for t in tagged[case.slug])
            content = (f'<h1 class="title" id="page-title">{E(case.title)}</h1>\n'
                       f'<article class="node node-case" about="{canon}">\n'
                       '<p class="submitted">Submitted by editor on Tue, 03/06/2012</p>\n'
                       f"{count}\n"
                       f'<div class="content">\n{_drupal_body(parts, layout, rng)}\n</div>\n'
                       f'<h2 class="element-invisible">Pages</h2><ul class="pager">'
                       f'{"".join(items)}{nxt}</ul>\n'
                       '<div class="field field-name-field-tags"><div class="field-label">'
                       f'Tags:&nbsp;</div><div class="field-items">{tags}</div></div>\n'
                       '<ul class="links inline"><li class="print_html"><a href="'
                       'javascript:window.print()">Printer-friendly version</a></li>'
                       '<li class="share"><a href="http://'
                       'www.example.org/share">Share this</a></li></ul>\n</article>\n'
                       '<div class="block block-related"><h2>Related content</h2><ul><li>'
                       f'<a href="/cases/{related.slug}">{E(related.title)}</a></li></ul></div>')
            html_page = page(case.title, content, canonical=urls[p - 1],
                             shortlink=f"/node/{nid}" if p == 1 else None,
                             crumbs=f" » {E(case.title)}")
            site.add(urls[p - 1], html_page)
        site.add(f"{canon}?page=0", site.pages[canon][0].decode())
        site.redirect(f"/node/{nid}", canon)
        site.redirect(f"{canon}/", canon)
        record_case(site, info, case, [{"url": canon, "aliases": [
            f"/node/{nid}", f"{canon}/", f"{canon}?page=0"]}]
            + [{"url": u, "aliases": []} for u in urls[1:]])

    def case_link(ci: int, case: CaseContent) -> str:
        return f"/node/{120 + ci * 3}" if ci % 2 else f"/cases/{case.slug}/"

    def teasers(chosen: list[tuple[int, CaseContent]]) -> str:
        return "\n".join(f'<div class="node-teaser"><h2><a href="{case_link(i, c)}">'
                         f'{E(c.title)}</a></h2><p>{E(_teaser(c))}</p><a href="'
                         f'{case_link(i, c)}">Read more</a></div>' for i, c in chosen)

    numbered = list(enumerate(cases))
    chunks = [numbered[i:i + 4] for i in range(0, len(numbered), 4)]
    list_urls = ["/cases"] + [f"/cases?page={k}" for k in range(1, len(chunks))]
    for k, chunk in enumerate(chunks):
        pager = " ".join(f'<a href="{u}">{j + 1}</a>' for j, u in enumerate(list_urls))
        site.non_case(list_urls[k], page("Cases", f'<h1 class="title">Cases</h1>\n'
                                         f'{teasers(chunk)}\n<ul class="pager">{pager}</ul>'))
    site.non_case("/cases?page=0", site.pages["/cases"][0].decode())
    for tag in TAGS:
        chosen = [(i, c) for i, c in numbered if tag in tagged[c.slug]]
        site.non_case(f"/tags/{tag}", page(tag, f'<h1 class="title">{tag}</h1>\n'
                                           + teasers(chosen)))
    site.non_case("/", page("Home", '<h1 class="title">Welcome</h1>\n' + teasers(numbered[:3])))
    label = lambda t: f"<strong>{E(t)}</strong>"  # noqa: E731
    site.non_case("/about", page("About", '<h1 class="title">About</h1>\n'
                                 + about_body(info, label)))
    site.non_case("/submit", page("Submit a case", '<h1 class="title">Submit a case</h1>\n'
                                  + guidelines_body(label)))
    for path, title in (("/user/register", "Create new account"),
                        ("/user/password", "Request new password")):
        site.non_case(path, page(title, f'<h1 class="title">{title}</h1><form><input '
                                 'name="name"></form>'))
    site.non_case(soft404, page("Page not found", '<h1 class="title">Page not found</h1>\n'
                                "<p>The requested page could not be found.</p>"))
    return site


# --- 10. WordPress-like (evaluate-only) ---------------------------------------------------------

def _wp_section(part: Part, style: str, rng: random.Random) -> str:
    h = E(part.heading) if part.heading else ""
    body = (refs_html(part, rng.choice(["ol", "numbered"]), rng) if part.kind == "references"
            else html_blocks(part.blocks, table_attrs=""))
    if not h:
        return body
    if style == "h4":
        return f"<h4>{h}</h4>\n{body}"
    if style == "strong":
        return f"<p><strong>{h}</strong></p>\n{body}"
    if style == "caps":
        return f"<p><b>{h.upper()}</b></p>\n{body}"
    first = part.blocks[0] if part.blocks else None
    if first is not None and first.kind == "p":  # inline: "<strong>History:</strong> text"
        rest = html_blocks(part.blocks[1:], table_attrs="")
        return f"<p><strong>{h}:</strong> {E(first.items[0])}</p>\n{rest}"
    return f"<p><strong>{h}:</strong></p>\n{body}"


def build_wordpress(rng: random.Random, n: int) -> Site:
    info = draw_site(rng, with_contact=rng.random() < 0.5)
    cases = draw_cases(rng, n, unknown_rate=0.5)
    generic_title = rng.random() < 0.5
    site = Site("wordpress", "evaluate", "/category/case-studies/")
    soft404 = "/2010/05/an-older-case/"
    years = {c.slug: (2011 + i % 3, 1 + (i * 5) % 12) for i, c in enumerate(cases)}
    tagged = {c.slug: rng.sample(TAGS, 2) for c in cases}
    styles = {c.slug: rng.choice(["h4", "strong", "caps", "inline"]) for c in cases}
    for case in cases:
        if styles[case.slug] == "caps":
            for parts in case.pages:
                for part in parts:
                    part.heading = part.heading.upper() if part.heading else None

    def canon(case: CaseContent) -> str:
        y, m = years[case.slug]
        return f"/{y}/{m:02d}/{case.slug}/"

    def page(title: str, content: str, canonical: str | None = None,
             shortlink: str | None = None) -> str:
        links = f"<link rel='canonical' href='{canonical}' />\n" if canonical else ""
        links += f"<link rel='shortlink' href='{shortlink}' />\n" if shortlink else ""
        recent = "".join(f'<li><a href="{canon(c)}">{E(c.title)}</a></li>' for c in cases[-3:])
        return ('<!DOCTYPE html>\n<html lang="en-US">\n<head>\n<meta charset="UTF-8">\n'
                f"<title>{E(title)}</title>\n{links}"
                '<meta name="generator" content="WordPress 4.9.8" />\n</head>\n'
                '<body class="post-template-default single">\n<div id="page" class="site">\n'
                '<a class="skip-link screen-reader-text" href="#content">Skip to content</a>\n'
                f'<header id="masthead" class="site-header"><p class="site-title"><a href="/" '
                f'rel="home">{E(info.name)}</a></p><p class="site-description">Cases from the '
                'field</p>\n<nav id="site-navigation" class="main-navigation"><ul id="primary-'
                'menu"><li><a href="/">Home</a></li><li><a href="/category/case-studies/">Case '
                'Studies</a></li><li><a href="/about/">About</a></li><li><a href="/submit-a-case'
                '/">Submit a Case</a></li><li><a href="/events/">Events</a></li></ul></nav>'
                '</header>\n<div id="content" class="site-content">\n<div id="primary" class='
                f'"content-area"><main id="main" class="site-main">\n{content}\n</main></div>\n'
                '<aside id="secondary" class="widget-area">\n<section class="widget widget_'
                'search"><form role="search" action="/"><label>Search for:<input name="s">'
                '</label><input type="submit" value="Search"></form></section>\n<section class='
                f'"widget widget_recent_entries"><h2 class="widget-title">Recent Cases</h2><ul>'
                f'{recent}<li><a href="{soft404}">An older case</a></li></ul></section>\n'
                '<section class="widget widget_tag_cloud"><h2 class="widget-title">Tags</h2>'
                + " ".join(f'<a href="/tag/{t}/">{t}</a>' for t in TAGS)
                + '</section>\n<section class="widget widget_meta"><h2 class="widget-title">Meta'
                '</h2><ul><li><a href="/wp-login.php">Log in</a></li><li><a href="/feed/">'
                'Entries RSS</a></li></ul></section>\n</aside>\n</div>\n<footer id="colophon" '
                'class="site-footer">' + _footer_block(info, "site-info-note")
                + '<div class="site-info"><a href="https://wordpress.org/">Proudly powered by '
                "WordPress</a></div></footer>\n</div>\n</body>\n</html>")

    for ci, case in enumerate(cases):
        pid = 300 + ci * 11
        base = canon(case)
        total = len(case.pages)
        urls = [base if p == 1 else f"{base}{p}/" for p in range(1, total + 1)]
        others = [c for c in cases if c is not case] or [case]
        for p, parts in enumerate(case.pages, start=1):
            links = " ".join(f'<span class="post-page-numbers current">{k}</span>' if k == p
                             else f'<a href="{u}" class="post-page-numbers">{k}</a>'
                             for k, u in enumerate(urls, start=1))
            tags = ", ".join(f'<a href="/tag/{t}/" rel="tag">{t}</a>' for t in tagged[case.slug])
            prev_post, next_post = others[0], others[-1]
            content = (f'<article id="post-{pid}" class="post type-post hentry">\n'
                       f'<header class="entry-header"><h1 class="entry-title">{E(case.title)}'
                       '</h1><div class="entry-meta"><span class="posted-on">Posted on <time>'
                       'March 6, 2012</time></span> <span class="byline">by editor</span></div>'
                       '</header>\n<div class="entry-content">\n'
                       + "\n".join(_wp_section(x, styles[case.slug], rng) for x in parts)
                       + f'\n<div class="page-links">Pages: {links}</div>\n'
                       '<div class="sharedaddy"><h3 class="sd-title">Share this:</h3><ul><li>'
                       '<a href="#" class="share-twitter">Twitter</a></li><li><a href="#" '
                       'class="share-facebook">Facebook</a></li><li><a href="#" class="share-'
                       'print">Print</a></li></ul></div>\n<div id="jp-relatedposts"><h3>Related'
                       f'</h3><a href="{canon(prev_post)}">{E(prev_post.title)}</a></div>\n'
                       '</div>\n<footer class="entry-footer"><span class="cat-links">Posted in '
                       '<a href="/category/case-studies/" rel="category tag">Case Studies</a>'
                       f'</span> <span class="tags-links">Tagged {tags}</span></footer>\n'
                       '</article>\n<nav class="navigation post-navigation"><div class="nav-'
                       f'previous"><a href="{canon(prev_post)}">&larr; {E(prev_post.title)}</a>'
                       f'</div><div class="nav-next"><a href="{canon(next_post)}">'
                       f"{E(next_post.title)} &rarr;</a></div></nav>\n"
                       '<div id="comments" class="comments-area"><div id="respond"><h3>Leave a '
                       'Reply</h3><form action="/wp-comments-post.php" method="post"><p>Your '
                       'email address will not be published.</p><textarea name="comment">'
                       '</textarea><input type="submit" value="Post Comment"></form></div></div>')
            if generic_title:
                title = info.name
            else:
                title = (f"{case.title} – {info.name}" if p == 1 else
                         f"{case.title} – Page {p} – {info.name}")
            site.add(urls[p - 1], page(title, content, canonical=urls[p - 1],
                                       shortlink=f"/?p={pid}" if p == 1 else None))
        site.redirect(f"/?p={pid}", base)
        site.redirect(base.rstrip("/"), base)
        for p in range(2, total + 1):
            site.redirect(f"/?p={pid}&page={p}", urls[p - 1])
        record_case(site, info, case, [{"url": base, "aliases": [f"/?p={pid}",
                                                                  base.rstrip("/")]}]
                    + [{"url": u, "aliases": [f"/?p={pid}&page={k}"]}
                       for k, u in enumerate(urls[1:], start=2)])

    def link(ci: int, case: CaseContent) -> str:
        return f"/?p={300 + ci * 11}" if ci % 3 == 2 else canon(case).rstrip("/")

    def teasers(chosen: list[tuple[int, CaseContent]]) -> str:
        return "\n".join(f'<article class="post"><h2 class="entry-title"><a href="'
                         f'{link(i, c)}">{E(c.title)}</a></h2><div class="entry-summary"><p>'
                         f'{E(_teaser(c))} <a class="more-link" href="{link(i, c)}">Continue '
                         'reading</a></p></div></article>' for i, c in chosen)

    numbered = list(enumerate(cases))
    chunks = [numbered[i:i + 3] for i in range(0, len(numbered), 3)]
    list_urls = ["/category/case-studies/"] + [f"/category/case-studies/page/{k + 1}/"
                                               for k in range(1, len(chunks))]
    for k, chunk in enumerate(chunks):
        older = (f'<div class="nav-previous"><a href="{list_urls[k + 1]}">Older posts</a></div>'
                 if k + 1 < len(list_urls) else "")
        newer = (f'<div class="nav-next"><a href="{list_urls[k - 1]}">Newer posts</a></div>'
                 if k else "")
        site.non_case(list_urls[k], page(f"Case Studies – {info.name}",
                                         '<header class="page-header"><h1 class="page-title">'
                                         "Category: Case Studies</h1></header>\n"
                                         f"{teasers(chunk)}\n<nav>{older}{newer}</nav>"))
    for tag in TAGS:
        chosen = [(i, c) for i, c in numbered if tag in tagged[c.slug]]
        site.non_case(f"/tag/{tag}/", page(f"{tag} – {info.name}", '<h1 class="page-title">'
                                           f"Tag: {tag}</h1>\n" + teasers(chosen)))
    site.non_case("/", page(info.name, teasers(numbered[:4])))
    label = lambda t: f"<strong>{E(t)}</strong>"  # noqa: E731
    site.non_case("/about/", page(f"About – {info.name}", '<h1 class="entry-title">About</h1>'
                                  + about_body(info, label)))
    site.non_case("/submit-a-case/", page(f"Submit a Case – {info.name}",
                                          '<h1 class="entry-title">Submit a Case</h1>'
                                          + guidelines_body(label)))
    site.non_case("/events/", page(f"Events – {info.name}", '<h1 class="entry-title">Events'
                                   "</h1><p>Annual Meeting, October 20-22, San Diego.</p>"))
    site.non_case("/wp-login.php", page(f"Log In ‹ {info.name}", '<form name="loginform">'
                                        '<p><label>Username <input name="log"></label></p>'
                                        '<p><input type="submit" value="Log In"></p></form>'))
    site.non_case("/feed/", page(f"{info.name} Feed", "<p>This feed lists recent cases.</p>"))
    site.non_case(soft404, page(f"Page not found – {info.name}", '<section class="error-404 '
                                'not-found"><h1 class="page-title">Oops! That page can’t be '
                                "found.</h1><p>It looks like nothing was found at this location."
                                " Maybe try a search?</p></section>"))
    return site
