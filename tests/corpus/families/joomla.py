"""A medical society's Joomla 1.5 site (2008-2012) with the old case studies pasted into
Joomla articles (evaluate-only), written without looking at the parser.

What such a site prints:

* one of three templates per site: ``rhuk_milkyway`` (the 1.5 default: nested ``wrapper``/
  ``whitebox`` divs, ``pillmenu``, ``module``/``module_menu`` boxes with three inner divs in
  ``leftcolumn``/``rightcolumn``, ``breadcrumbs pathway`` with arrow images), ``beez`` (the
  accessible div template: ``<h2 class="contentheading">``, ``iteminfo`` with ``createdby``/
  ``createdate``, "You are here:" breadcrumbs, ``moduletable`` divs) or a home-made
  table layout (``moduletable`` tables with ``<th>`` titles in side cells);
* the 1.5 article layout: ``componentheading`` (the menu item's page title "Case Studies"
  over the article on some sites), ``contentpaneopen`` tables with ``contentheading`` and the
  PDF/Print/E-mail ``buttonheading`` icons (``rel="nofollow"`` popups), "Written by ...",
  ``createdate``, "Last Updated ( ... )" ``modifydate``, "Hits: N" on the home-made template,
  the ``article_separator``, and the pagenav plugin's "< Prev / Next >" between articles;
* a case as one article split with the page break: the "Article Index" (``<table
  class="contenttoc">``, first entry the article title, then the page-break titles or
  "Page 2", then "All Pages") and the plugin's "<< Prev - Next >>" line, or no index and the
  ``JPagination`` links "<< Start < Prev 1 2 3 Next > End >>" (milkyway's override or the
  default ``<del class="container"><div class="pagination">``); ``<div
  class="pagenavcounter">Page 2 of 4</div>`` above the text; ``limitstart=N`` 0-based (SEF:
  ``?start=N``), page 1 without it, but linked as ``limitstart=0`` (Start and "1"),
  ``limitstart=`` (Prev) or ``showall=&limitstart=`` (the index) too;
* the whole case on one page: the index's "All Pages" (``showall=1``) and the Print icon
  (``tmpl=component&print=1``, one per page: ``page=``, ``page=1``...), both the page break
  replaced by ``<br/>``; they are aliases of the case's first page in the truth (the
  crawl should not export them as cases of their own); the PDF icon serves a PDF;
* ``<title>`` the article title, with the page-break title on later pages ("X - Page #2" when
  the editor typed the old site's page names, "X - Physical Exam" when they named the page
  by its first section), or the article title on every page; a site-name prefix or suffix on
  some sites;
* SEF off (``index.php?option=com_content&view=article&id=12:knee-pain&catid=5:cases&
  Itemid=34``), SEF with mod_rewrite (``/case-studies/12-knee-pain.html``, with or without
  the ``.html`` suffix) or SEF without it (``/index.php/case-studies/12-knee-pain``); a
  "Case of the Month" module that links an old non-SEF URL ``index.php?option=com_content&
  view=article&id=12&Itemid=34`` (an alias of page 1: Joomla serves the article there too);
* the case body as the editors pasted it, per case: ``<p><strong>History:</strong></p>``,
  ``<h3>``, ``<p><span style="font-weight: bold;">``, Word's ``MsoNormal`` with ``<b><span
  style="font-size: 10.0pt">``, ``<p><b>History:</b><br />text</p>``, underlined CAPS; with
  or without the colon, ``&nbsp;`` after it on some, ``<p>&nbsp;</p>`` spacers; non-ASCII
  typed raw, as TinyMCE's named entities (``&rsquo;``) or as numeric ones; the old page's
  "X - Page #2" line pasted at the top of each page on some sites;
* the old footer pasted at the end of every page ("Return To The Case Studies List.", the
  NOTE, the ©) or a footer module with the NOTE and the © in the template footer;
* the category as a blog (leading/intro teasers with "Read more..." whose intro is the
  first section with its label, "More Articles...") or as a list table (``sectiontableheader``
  #, Item Title, Author, Hits; "Display #" select), paged with ``limitstart``/``start``; a
  section view, the front page blog, About (with "History:"), submission guidelines, events,
  the contact component, the weblinks component, a poll's results, search results, the
  login/reset/remind/register views of ``com_user``, the e-mail-a-friend form per case, the
  RSS feed.

Encoding: Joomla 1.5 writes UTF-8 (meta always, the HTTP header on some sites); one site in
six is a migrated 1.0 site whose bytes are windows-1252 under ``charset=iso-8859-1`` in the
meta tag and no charset in the header.
"""

from __future__ import annotations

import base64
import datetime
import html
import random
from html.entities import codepoint2name
from typing import Any

from ..model import Block, Part, SiteInfo
from .common import (
    Site,
    about_body,
    calendar_body,
    draw_cases,
    draw_site,
    guidelines_body,
    note_line,
    record_case,
)

AUTHORS = ["Administrator", "Dr. Jane Miller", "Daniel Okafor, MD", "Eva Lindqvist", "webmaster",
           "Robert Baker, MD", "Maria Alvarez, DO"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
ARROW = '<img src="/templates/rhuk_milkyway/images/arrow.png" alt=""  />'
POPUP = ("window.open(this.href,'win2','status=no,toolbar=no,scrollbars=yes,titlebar=no,"
         "menubar=no,resizable=yes,width=640,height=480,directories=no,location=no'); "
         "return false;")
PDF_BODY = (b"%PDF-1.3\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type "
            b"/Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")


def A(url: str) -> str:
    """A URL in an attribute (``&`` as ``&amp;``)."""
    return html.escape(url, quote=True)


class Style:
    """Per-site choices drawn once."""

    def __init__(self, rng: random.Random, info: SiteInfo) -> None:
        self.template = rng.choice(["milkyway", "beez", "tables"])
        self.sef = rng.choice(["off", "rewrite", "indexphp"])
        self.suffix = ".html" if self.sef != "off" and rng.random() < 0.6 else ""
        self.cp1252 = rng.random() < 1 / 6
        self.header_charset = not self.cp1252 and rng.random() < 0.6
        self.entities = rng.choice(["raw", "named", "numeric"])
        self.toc = rng.random() < 0.6
        self.showall = self.toc and rng.random() < 0.75
        self.nav = "plugin" if self.toc and rng.random() < 0.8 else "pagination"
        self.pb_titles = rng.choice(["pagehash", "pagehash", "descriptive", "none"])
        self.title_fmt = rng.choice(["{t}", "{t}", "{t} - {s}", "{s} - {t}"])
        self.title_line = rng.random() < 0.35
        self.footer = rng.choice(["pasted", "pasted", "module"]) if info.contact else "module"
        self.comp_heading = rng.random() < 0.5
        self.article_nav = rng.random() < 0.5
        self.icons = rng.random() < 0.8
        self.blog = rng.random() < 0.5
        self.per_page = rng.choice([5, 10]) if not self.blog else rng.choice([4, 5])
        self.readmore = rng.choice(["Read more...", "Read more: {t}"])
        self.right = rng.sample(["latest", "popular", "month", "poll", "online"],
                                rng.randint(2, 4))
        self.itemid = rng.randint(27, 60)
        self.catid = rng.randint(3, 12)
        self.sectionid = rng.randint(1, 4)
        self.menu = rng.choice(["case-studies", "cases", "education-cases"])


class Urls:
    """Joomla 1.5 URLs for one site, SEF or not."""

    def __init__(self, st: Style) -> None:
        self.st = st
        self.pre = "/index.php" if st.sef == "indexphp" else ""
        self.cat = f"{st.catid}:{st.menu}"

    def nonsef(self, query: str) -> str:
        return f"/index.php?{query}"

    def menu(self, alias: str, query: str) -> str:
        if self.st.sef == "off":
            return self.nonsef(query)
        return f"{self.pre}/{alias}{self.st.suffix}"

    def component(self, comp: str, view: str, query: str) -> str:
        if self.st.sef == "off":
            return self.nonsef(query)
        return f"{self.pre}/component/{comp}/{view}" if view else f"{self.pre}/component/{comp}/"

    def article_base(self, aid: int, slug: str) -> str:
        st = self.st
        if st.sef == "off":
            return self.nonsef(f"option=com_content&view=article&id={aid}:{slug}&catid="
                               f"{self.cat}&Itemid={st.itemid}")
        return f"{self.pre}/{st.menu}/{aid}-{slug}{st.suffix}"

    def with_q(self, base: str, query: str) -> str:
        if not query:
            return base
        return base + ("&" if "?" in base else "?") + query

    def page(self, aid: int, slug: str, p: int) -> str:
        """The canonical URL of page ``p`` (1-based)."""
        base = self.article_base(aid, slug)
        if p == 1:
            return base
        key = "limitstart" if self.st.sef == "off" else "start"
        return self.with_q(base, f"{key}={p - 1}")

    def toc(self, aid: int, slug: str, p: int) -> str:
        if self.st.sef != "off":
            return self.page(aid, slug, p)
        return self.with_q(self.article_base(aid, slug),
                           f"showall=&limitstart={'' if p == 1 else p - 1}")

    def first_empty(self, aid: int, slug: str) -> str:
        return self.with_q(self.article_base(aid, slug), "limitstart=")

    def first_zero(self, aid: int, slug: str) -> str:
        return self.with_q(self.article_base(aid, slug), "limitstart=0")

    def showall(self, aid: int, slug: str) -> str:
        return self.with_q(self.article_base(aid, slug), "showall=1&limitstart=")

    def print_(self, aid: int, slug: str, p: int) -> str:
        page = "" if p == 1 else str(p - 1)
        if self.st.sef == "off":
            return self.nonsef(f"view=article&catid={self.cat}&id={aid}:{slug}&tmpl=component"
                               f"&print=1&layout=default&page={page}&option=com_content"
                               f"&Itemid={self.st.itemid}")
        return self.with_q(self.article_base(aid, slug), f"tmpl=component&print=1&page={page}")

    def pdf(self, aid: int, slug: str) -> str:
        if self.st.sef == "off":
            return self.nonsef(f"view=article&catid={self.cat}&id={aid}:{slug}&format=pdf"
                               f"&option=com_content&Itemid={self.st.itemid}")
        if self.st.suffix:
            return f"{self.pre}/{self.st.menu}/{aid}-{slug}.pdf"
        return self.with_q(self.article_base(aid, slug), "format=pdf")

    def old(self, aid: int) -> str:
        """The old non-SEF link without slug and category (still answered by Joomla)."""
        return self.nonsef(f"option=com_content&view=article&id={aid}&Itemid={self.st.itemid}")

    def mailto(self, link: str) -> str:
        b64 = base64.b64encode(link.encode()).decode()
        if self.st.sef == "off":
            return self.nonsef(f"option=com_mailto&tmpl=component&link={b64}")
        return f"{self.pre}/component/mailto/?tmpl=component&link={b64}"

    def category(self, k: int = 0, zero: bool = False) -> str:
        st = self.st
        layout = "&layout=blog" if st.blog else ""
        if st.sef == "off":
            base = self.nonsef(f"option=com_content&view=category{layout}&id={st.catid}"
                               f"&Itemid={st.itemid}")
            return base + (f"&limitstart={k}" if k or zero else "")
        base = f"{self.pre}/{st.menu}{st.suffix}"
        if zero and not k:
            return base + "?limitstart=0"
        return base + (f"?start={k}" if k else "")


def make_enc(mode: str):
    def enc(text: str) -> str:
        out = html.escape(text, quote=False)
        if mode == "raw":
            return out
        chars = []
        for ch in out:
            if ord(ch) < 128:
                chars.append(ch)
            elif mode == "named" and ord(ch) in codepoint2name:
                chars.append(f"&{codepoint2name[ord(ch)]};")
            else:
                chars.append(f"&#{ord(ch)};")
        return "".join(chars)
    return enc


# --- The case body as the editors pasted it ---------------------------------------------------

class Paste:
    """One case's pasting habits: heading markup, colon, spacers, Word spans."""

    def __init__(self, rng: random.Random, enc) -> None:
        self.rng = rng
        self.enc = enc
        self.style = rng.choice(["strong", "h3", "span", "mso", "runin", "ucaps", "b"])
        self.colon = rng.random() < (0.3 if self.style == "h3" else 0.7)
        self.nbsp = self.colon and rng.random() < 0.3
        self.spacer = rng.random() < 0.5
        self.caps = self.style == "ucaps" or (self.style in ("strong", "b") and rng.random() < 0.25)
        self.ref_style = rng.choice(["ol", "numbered", "bracket"])

    def span(self, text: str) -> str:
        if self.style == "mso":
            return f'<span style="font-size: 10pt; font-family: Arial;">{text}</span>'
        return text

    def p(self, inner: str) -> str:
        if self.style == "mso":
            return f'<p class="MsoNormal" style="margin: 0in 0in 0pt;">{self.span(inner)}</p>'
        return f"<p>{inner}</p>"

    def blocks(self, blocks: list[Block]) -> str:
        enc, out = self.enc, []
        for b in blocks:
            if b.kind == "p":
                out.append(self.p(enc(b.items[0])))
            elif b.kind == "lines":
                out.append(self.p("<br />\n".join(enc(x) for x in b.items)))
            elif b.kind == "ul":
                out.append("<ul>\n" + "\n".join(f"<li>{self.span(enc(x))}</li>" for x in b.items)
                           + "\n</ul>")
            else:
                if self.style == "mso":
                    cell = lambda c: f'<td valign="top" width="200">{self.p(enc(c))}</td>'  # noqa: E731
                    head = ('<table class="MsoTableGrid" border="1" cellspacing="0" '
                            'cellpadding="0">')
                else:
                    cell = lambda c: f"<td>{enc(c)}</td>"  # noqa: E731
                    head = '<table border="1" cellspacing="0" cellpadding="3">'
                rows = "\n".join("<tr>" + "".join(cell(c) for c in row) + "</tr>"
                                 for row in b.items)
                out.append(f"{head}\n<tbody>\n{rows}\n</tbody>\n</table>")
        return "\n".join(out)

    def heading(self, text: str) -> str:
        t = self.enc(text) + (":" if self.colon else "") + ("&nbsp;" if self.nbsp else "")
        s = self.style
        if s == "h3":
            return f"<h3>{t}</h3>"
        if s == "span":
            return f'<p><span style="font-weight: bold;">{t}</span></p>'
        if s == "mso":
            return (f'<p class="MsoNormal" style="margin: 0in 0in 0pt;"><b><span style="font-size:'
                    f' 10.0pt; font-family: Arial;">{t}</span></b></p>')
        if s == "ucaps":
            return f"<p><u><strong>{t}</strong></u></p>"
        if s == "b":
            return f"<p><b>{t}</b></p>"
        return f"<p><strong>{t}</strong></p>"

    def refs(self, part: Part) -> str:
        enc, n0 = self.enc, part.first_ref_number
        texts = []
        for r in part.refs:
            t = enc(r.text)
            if r.url and r.url in r.text and self.rng.random() < 0.5:
                t = t.replace(enc(r.url), f'<a href="{A(r.url)}" target="_blank">{enc(r.url)}</a>')
            texts.append(t)
        if self.ref_style == "ol":
            start = f' start="{n0}"' if n0 != 1 else ""
            return f"<ol{start}>\n" + "\n".join(f"<li>{t}</li>" for t in texts) + "\n</ol>"
        if self.ref_style == "bracket":
            return self.p("<br />\n".join(f"[{n0 + i}] {t}" for i, t in enumerate(texts)))
        return "\n".join(self.p(f"{n0 + i}. {t}") for i, t in enumerate(texts))

    def part(self, part: Part) -> str:
        if part.kind == "references":
            body = self.refs(part)
        elif (self.style == "runin" and part.heading and part.blocks
              and part.blocks[0].kind == "p"):
            t = self.enc(part.heading) + ":"
            first = f"<p><strong>{t}</strong><br />\n{self.enc(part.blocks[0].items[0])}</p>"
            rest = self.blocks(part.blocks[1:])
            return first + ("\n" + rest if rest else "")
        else:
            body = self.blocks(part.blocks)
        if not part.heading:
            return body
        if self.style == "runin":
            return f"<p><strong>{self.enc(part.heading)}:</strong></p>\n{body}"
        return f"{self.heading(part.heading)}\n{body}"


# --- The site ---------------------------------------------------------------------------------

class _Joomla:
    """The site under construction: its per-site state and the renderers of its pages."""

    def __getattr__(self, name: str) -> Any:
        """The per-site state is set from the builders' locals (``__dict__.update``); this
        tells the type checker so, and raises as usual for a name that was never set."""
        raise AttributeError(name)

    def __init__(self, rng: random.Random, n: int) -> None:
        info = draw_site(rng, with_contact=rng.random() < 0.8)
        cases = draw_cases(rng, n, unknown_rate=0.4)
        st = Style(rng, info)
        urls = Urls(st)
        enc = make_enc(st.entities)
        encoding = "windows-1252" if st.cp1252 else "utf-8"
        site = Site("joomla", "evaluate", urls.category(), server=rng.choice(
            ["Apache/2.2.3 (CentOS)", "Apache/2.2.14 (Ubuntu)", "Apache"]))
        host = f"http://www.{info.short.lower()}.org"
        pastes = [Paste(rng, enc) for _ in cases]
        for case, paste in zip(cases, pastes, strict=True):
            if paste.caps:
                for parts in case.pages:
                    for part in parts:
                        if part.heading:
                            part.heading = part.heading.upper()
        aids = rng.sample(range(12, 95), n)
        authors = [rng.choice(AUTHORS) for _ in cases]
        hits = [rng.randint(40, 4000) for _ in cases]
        dates = []
        for i in range(n):
            y, m, d = 2008 + i * 3 // max(n, 1), rng.randint(1, 12), rng.randint(1, 28)
            dates.append((y, m, d, rng.randint(8, 22), rng.randint(0, 59)))
        order = sorted(range(n), key=lambda i: dates[i], reverse=True)  # newest first
        month_case = rng.randrange(n)
        popular = sorted(range(n), key=lambda i: -hits[i])[:5]
        self.__dict__.update({k: v for k, v in locals().items() if k != "self"})

    def date_text(self, i: int, modified: bool = False) -> str:
        dates, = self.dates,
        y, m, d, hh, mm = dates[i]
        if modified:
            y, d = y + 1, min(d + 2, 28)
        wd = DAYS[datetime.date(y, m, d).weekday()]
        return f"{wd}, {d:02d} {MONTHS[m - 1]} {y} {hh:02d}:{mm:02d}"

    def case_url(self, i: int) -> str:
        aids, cases, urls = self.aids, self.cases, self.urls
        return urls.page(aids[i], cases[i].slug, 1)

    def _part2(self) -> None:
        rng, st, urls = self.rng, self.st, self.urls
        about = urls.menu("about-us", "option=com_content&view=article&id=1:about-us&catid=1:about"
                          "&Itemid=2")
        guide = urls.menu("submit-a-case", "option=com_content&view=article&id=3:submit-a-case"
                          "&catid=1:about&Itemid=35")
        events = urls.menu("events", "option=com_content&view=article&id=4:events&catid=1:about"
                           "&Itemid=36")
        section = urls.menu("education", f"option=com_content&view=section&id={st.sectionid}"
                            "&Itemid=33")
        contact = urls.menu("contact-us", "option=com_contact&view=contact&id=1&Itemid=3")
        links = urls.menu("links", "option=com_weblinks&view=category&id=2&Itemid=4")
        login = urls.menu("login", "option=com_user&view=login&Itemid=6")
        reset = urls.component("user", "reset", "option=com_user&view=reset")
        remind = urls.component("user", "remind", "option=com_user&view=remind")
        register = urls.component("user", "register", "option=com_user&view=register")
        poll = urls.component("poll", "14-journal" + st.suffix,
                              "option=com_poll&id=14:journal")
        term = rng.choice(["knee", "concussion", "fracture", "pain"])
        search = (urls.nonsef(f"option=com_search&searchword={term}&searchphrase=all&Itemid=5")
                  if st.sef == "off" else f"{urls.pre}/search?searchword={term}&searchphrase=all")
        feed = urls.with_q(urls.category(), "format=feed&type=rss")
        cases_url = urls.category()
        menu = [("/", "Home", "home"), (about, "About Us", "about"), (section, "Education",
                                                                        "section"),
                (cases_url, "Case Studies", "cases"), (guide, "Submit a Case", "guide"),
                (events, "Events", "events"), (links, "Links", "links"),
                (contact, "Contact Us", "contact"), (login, "Login", "login")]

        # --- chrome ---------------------------------------------------------------------------
        self.__dict__.update({k: v for k, v in locals().items() if k != "self"})

    def mod_login(self) -> str:
        register, remind, reset = self.register, self.remind, self.reset
        reg = f'<li><a href="{A(register)}">Create an account</a></li>'
        return ('<form action="/index.php" method="post" name="login" id="form-login" >\n'
                '<fieldset class="input">\n<p id="form-login-username"><label for="modlgn_'
                'username">Username</label><br />\n<input id="modlgn_username" type="text" '
                'name="username" class="inputbox" alt="username" size="18" /></p>\n<p id="form-'
                'login-password"><label for="modlgn_passwd">Password</label><br />\n<input id='
                '"modlgn_passwd" type="password" name="passwd" class="inputbox" size="18" '
                'alt="password" /></p>\n<p id="form-login-remember"><label for="modlgn_remember">'
                'Remember Me</label>\n<input id="modlgn_remember" type="checkbox" name="remember"'
                ' class="inputbox" value="yes" alt="Remember Me" /></p>\n<input type="submit" '
                'name="Submit" class="button" value="Login" />\n</fieldset>\n<ul>\n<li><a href="'
                f'{A(reset)}">Forgot your password?</a></li>\n<li><a href="{A(remind)}">Forgot '
                f'your username?</a></li>\n{reg}\n</ul>\n<input type="hidden" name="option" '
                'value="com_user" />\n<input type="hidden" name="task" value="login" />\n'
                '<input type="hidden" name="return" value="L2luZGV4LnBocA==" />\n</form>')

    def mod_menu(self, active: str) -> str:
        menu, = self.menu,
        items = []
        for k, (href, label, key) in enumerate(menu, start=1):
            cls = f"item{k}" + (" active" if key == active else "")
            ident = ' id="current"' if key == active else ""
            items.append(f'<li{ident} class="{cls}"><a href="{A(href)}"><span>{label}</span>'
                         "</a></li>")
        return '<ul class="menu">' + "".join(items) + "</ul>"

    def right_modules(self) -> list[tuple[str, str]]:
        (
            aids, case_url, cases, enc, month_case, order, poll, popular, rng, st, urls,
        ) = (
            self.aids, self.case_url, self.cases, self.enc, self.month_case, self.order, self.poll,
            self.popular, self.rng, self.st, self.urls,
        )
        mods = []
        for key in st.right:
            if key == "latest":
                lis = "".join(f'<li class="latestnews"><a href="{A(case_url(i))}" class="'
                              f'latestnews">\n\t{enc(cases[i].title)}</a>\n</li>'
                              for i in order[:5])
                mods.append(("Latest Cases", f'<ul class="latestnews">{lis}</ul>'))
            elif key == "popular":
                lis = "".join(f'<li class="mostread"><a href="{A(case_url(i))}" class="'
                              f'mostread">\n\t{enc(cases[i].title)}</a>\n</li>' for i in popular)
                mods.append(("Popular", f'<ul class="mostread">{lis}</ul>'))
            elif key == "month":
                i = month_case
                mods.append(("Case of the Month", f'<p><a href="{A(urls.old(aids[i]))}">'
                             f'{enc(cases[i].title)}</a></p>\n<p>Can you make the diagnosis? '
                             "Test yourself with this month&#39;s case.</p>"))
            elif key == "poll":
                mods.append(("Polls", '<form action="/index.php" method="post" name="form2">'
                             '<table width="95%" border="0" cellspacing="0" cellpadding="1" '
                             'align="center" class="poll"><thead><tr><td style="font-weight: '
                             'bold;">Which journal do you read most?</td></tr></thead><tbody>'
                             '<tr><td><input type="radio" name="voteid" value="1" /> BJSM</td>'
                             '</tr><tr><td><input type="radio" name="voteid" value="2" /> AJSM'
                             '</td></tr><tr><td><div align="center"><input type="submit" '
                             'name="task_button" class="button" value="Vote" />&nbsp;<input '
                             'type="button" name="option" class="button" value="Results" '
                             f'onclick="document.location.href=\'{A(poll)}\'" /></div></td></tr>'
                             f'</tbody></table></form><p><a href="{A(poll)}">See results</a></p>'))
            else:
                mods.append(("Who's Online", f"We have {rng.randint(2, 30)}&nbsp;guests "
                             "online"))
        return mods

    def footer_html(self) -> str:
        enc, info, st = self.enc, self.info, self.st
        out = []
        if st.footer == "module":
            note = note_line(info)
            if note:
                out.append(f'<div class="moduletable"><p>{enc(note)}</p></div>')
        if info.copyright and st.footer == "module":
            out.append(f'<p class="copyright">{enc(info.copyright)}</p>')
        return "\n".join(out)

    def crumbs_html(self, trail: list[tuple[str | None, str]]) -> str:
        enc, st = self.enc, self.st
        if st.template == "beez":
            parts = ['<a href="/" class="pathway">Home</a>']
            for href, label in trail:
                parts.append(f'<a href="{A(href)}" class="pathway">{enc(label)}</a>' if href
                             else f"<span>{enc(label)}</span>")
            return ('<div id="breadcrumbs"><p>\nYou are here: &nbsp;\n<span class="breadcrumbs '
                    'pathway">' + ' <img src="/templates/beez/images/arrow.png" alt="" /> '
                    .join(parts) + "</span>\n</p></div>")
        parts = ['<a href="/" class="pathway">Home</a>'] + [
            f'<a href="{A(h)}" class="pathway">{enc(t)}</a>' if h else enc(t) for h, t in trail]
        return '<span class="breadcrumbs pathway">\n' + f" {ARROW} ".join(parts) + "</span>"

    def head(self, title: str, extra: str = "") -> str:
        enc, info, st = self.enc, self.info, self.st
        charset = "iso-8859-1" if st.cp1252 else "utf-8"
        full = st.title_fmt.format(t=title, s=info.name) if title != info.name else title
        tpl = {"milkyway": "rhuk_milkyway", "beez": "beez", "tables": "nsms_2008"}[st.template]
        prolog = st.template != "tables" and not st.cp1252
        return ('<?xml version="1.0" encoding="utf-8"?>\n' if prolog else "") + (
            '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/'
            'TR/xhtml1/DTD/xhtml1-transitional.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml"'
            ' xml:lang="en-gb" lang="en-gb" >\n<head>\n'
            f'  <meta http-equiv="content-type" content="text/html; charset={charset}" />\n'
            '  <meta name="robots" content="index, follow" />\n'
            f'  <meta name="keywords" content="sports medicine, case studies, {info.short}" />\n'
            f'  <meta name="description" content="{A(info.name)}" />\n'
            '  <meta name="generator" content="Joomla! 1.5 - Open Source Content Management" />\n'
            f"  <title>{enc(full)}</title>\n{extra}"
            f'  <link href="/templates/{tpl}/favicon.ico" rel="shortcut icon" type="image/x-icon"'
            ' />\n  <script type="text/javascript" src="/media/system/js/mootools.js"></script>\n'
            '  <script type="text/javascript" src="/media/system/js/caption.js"></script>\n'
            f'<link rel="stylesheet" href="/templates/{tpl}/css/template.css" type="text/css" />'
            "\n</head>\n")

    def _part3(self) -> None:
        feed, = self.feed,
        search_form = ('<form action="/index.php" method="post">\n<div class="search">\n'
                       '<input name='
                       '"searchword" id="mod_search_searchword" maxlength="20" alt="Search" class='
                   '"inputbox" type="text" size="20" value="search..."  '
                   'onblur="if(this.value==\'\')'
                   ' this.value=\'search...\';" onfocus="if(this.value==\'search...\') this.value='
                   '\'\';" />\t</div>\n<input type="hidden" name="task"   value="search" />\n'
                   '<input '
                       'type="hidden" name="option" value="com_search" />\n</form>')
        powered = ('<p id="power_by">Powered by <a href="http://www.joomla.org">Joomla!</a>. valid '
                   '<a href="http://validator.w3.org/check/referer">XHTML</a> and <a href="http://'
                   'jigsaw.w3.org/css-validator/check/referer">CSS</a>.</p>')
        syndicate = (f'<p id="syndicate"><a href="{A(feed)}"><img src="/images/M_images/livemarks.'
                     'png" alt="feed-image"  /> <span>Feed Entries</span></a></p>')
        self.__dict__.update({k: v for k, v in locals().items() if k != "self"})

    def page(self, title: str, content: str, active: str, trail: list, extra: str = "") -> str:
        (
            crumbs_html, enc, footer_html, head, info, menu, mod_login, mod_menu, powered,
            right_modules, search_form, st, syndicate,
        ) = (
            self.crumbs_html, self.enc, self.footer_html, self.head, self.info, self.menu,
            self.mod_login, self.mod_menu, self.powered, self.right_modules, self.search_form,
            self.st, self.syndicate,
        )
        right = right_modules()
        left = [("Main Menu", mod_menu(active), "_menu"), ("Login Form", mod_login(), "")]
        if st.template == "milkyway":
            def box(t: str, body: str, sfx: str = "") -> str:
                return (f'<div class="module{sfx}">\n<div>\n<div>\n<div>\n<h3>{enc(t)}</h3>\n'
                        f"{body}</div>\n</div>\n</div>\n</div>")
            tabs = "".join(f'<li><a href="{A(h)}" class="mainlevel-nav" >{t}</a></li>'
                           for h, t, _ in menu[:5])
            return head(title, extra) + (
                '<body id="page_bg" class="color_blue bg_blue width_medium">\n<a name="up" id='
                '"up"></a>\n<div class="center" align="center">\n<div id="wrapper">\n<div id="'
                'wrapper_r">\n<div id="header">\n<div id="header_l">\n<div id="header_r">\n<div '
                'id="logo"></div>\n</div>\n</div>\n</div>\n<div id="tabarea">\n<div id="tabarea_'
                'l">\n<div id="tabarea_r">\n<div id="tabmenu">\n<table cellpadding="0" '
                'cellspacing="0" class="pill">\n<tr>\n<td class="pill_l">&nbsp;</td>\n<td class='
                f'"pill_m">\n<div id="pillmenu">\n<ul id="mainlevel-nav">{tabs}</ul>\n</div>\n'
                '</td>\n<td class="pill_r">&nbsp;</td>\n</tr>\n</table>\n</div>\n</div>\n</div>\n'
                f'</div>\n<div id="search">\n{search_form}\n</div>\n<div id="pathway">\n'
                f'{crumbs_html(trail)}\n</div>\n<div class="clr"></div>\n<div id="whitebox">\n'
                '<div id="whitebox_t">\n<div id="whitebox_tl">\n<div id="whitebox_tr"></div>\n'
                '</div>\n</div>\n<div id="whitebox_m">\n<div id="area">\n<div id="leftcolumn">\n'
                + "\n".join(box(t, b, s) for t, b, s in left)
                + '\n</div>\n<div id="maincolumn">\n<table class="nopad">\n<tr valign="top">\n'
                f"<td>\n{content}\n</td>\n"
                '<td class="greyline">&nbsp;</td>\n<td width="170">\n<div id="rightcolumn">\n'
                + "\n".join(box(t, b) for t, b in right)
                + '\n</div>\n</td>\n</tr>\n</table>\n</div>\n<div class="clr"></div>\n</div>\n'
                '<div class="clr"></div>\n</div>\n<div id="whitebox_b">\n<div id="whitebox_bl">\n'
                '<div id="whitebox_br"></div>\n</div>\n</div>\n</div>\n<div id="footerspacer">'
                '</div>\n</div>\n<div id="footer">\n<div id="footer_l">\n<div id="footer_r">\n'
                f"{footer_html()}\n{syndicate}\n{powered}\n</div>\n</div>\n</div>\n</div>\n"
                "</div>\n</body>\n</html>")
        if st.template == "beez":
            def box(t: str, body: str, sfx: str = "") -> str:
                return f'<div class="moduletable{sfx}">\n<h3>{enc(t)}</h3>\n{body}</div>'
            return head(title, extra) + (
                '<body>\n<div id="all">\n<div id="header">\n<h1 id="logo"><img src="/templates/'
                f'beez/images/logo.gif" border="0" alt="Logo" width="300" height="97" />\n<span '
                f'class="header1">{enc(info.name)}</span></h1>\n<ul>\n<li><a href="#content" '
                'class="u2">Skip to content</a></li>\n<li><a href="#mainmenu" class="u2">Jump to '
                'Main Navigation and Login</a></li>\n</ul>\n<h2 class="unseen">Search</h2>\n'
                f'{search_form}\n<div id="breadcrumbs">\n{crumbs_html(trail)}\n</div>\n</div>\n'
                '<div id="contentarea">\n<a name="mainmenu"></a>\n<div id="left">\n'
                + "\n".join(box(t, b, s) for t, b, s in left)
                + '\n</div>\n<a name="content"></a>\n<div id="main">\n'
                f"{content}\n</div>\n"
                '<div id="right">\n<h2 class="unseen">Additional Resources</h2>\n'
                + "\n".join(box(t, b) for t, b in right)
                + '\n</div>\n<div class="wrap"></div>\n</div>\n</div>\n<div id="footer">\n'
                f'{footer_html()}\n{syndicate}\n<p class="syndicate">Powered by <a href="'
                'http://www.joomla.org/">Joomla!</a></p>\n<div class="wrap"></div>\n</div>\n'
                "</body>\n</html>")

        def tbox(t: str, body: str, sfx: str = "") -> str:
            return (f'<table cellpadding="0" cellspacing="0" class="moduletable{sfx}">\n<tr>\n'
                    f'<th valign="top">{enc(t)}</th>\n</tr>\n<tr>\n<td>\n{body}</td>\n</tr>\n'
                    "</table>")
        return head(title, extra) + (
            '<body bgcolor="#FFFFFF">\n<table width="900" border="0" cellpadding="0" cellspacing'
            '="0" align="center" id="maintable">\n<tr>\n<td colspan="3" id="header"><img src="'
            f'/templates/nsms_2008/images/banner.jpg" alt="{A(info.name)}" width="900" height='
            f'"120" /></td>\n</tr>\n<tr>\n<td colspan="3" class="pathwaybar">{crumbs_html(trail)}'
            '</td>\n</tr>\n<tr>\n<td valign="top" width="180" id="leftcol">\n'
            + "\n".join(tbox(t, b, s) for t, b, s in left)
            + f'\n{tbox("Search", search_form)}\n</td>\n<td valign="top" id="content">\n'
            f"{content}\n</td>\n"
            '<td valign="top" width="170" id="rightcol">\n'
            + "\n".join(tbox(t, b) for t, b in right)
            + '\n</td>\n</tr>\n<tr>\n<td colspan="3" id="footer" align="center">\n'
            f"{footer_html()}\n<p>Joomla! is Free Software released under the GNU/GPL License."
            "</p>\n</td>\n</tr>\n</table>\n</body>\n</html>")

    def serve(self, path: str, text: str, non_case: bool = False) -> None:
        encoding, site, st = self.encoding, self.site, self.st
        kw = {"encoding": encoding, "declare": st.header_charset}
        if non_case:
            site.non_case(path, text, **kw)
        else:
            site.add(path, text, **kw)

    def _part4(self) -> None:
        # --- the article view ------------------------------------------------------------------
        self.__dict__.update({k: v for k, v in locals().items() if k != "self"})

    def icons_html(self, i: int, p: int, printing: bool) -> str:
        aids, cases, host, st, urls = self.aids, self.cases, self.host, self.st, self.urls
        if printing:
            return ('<td align="right" width="100%" class="buttonheading">\n<a href="#" onclick='
                    '"window.print();return false;"><img src="/images/M_images/printButton.png" '
                    'alt="Print"  /></a>\n</td>')
        if not st.icons:
            return ""
        aid, slug = aids[i], cases[i].slug
        mail = urls.mailto(host + urls.article_base(aid, slug))
        out = []
        for href, label, img in ((urls.pdf(aid, slug), "PDF", "pdf_button.png"),
                                 (urls.print_(aid, slug, p), "Print", "printButton.png"),
                                 (mail, "E-mail", "emailButton.png")):
            out.append(f'<td align="right" width="100%" class="buttonheading">\n<a href="'
                       f'{A(href)}" title="{label}" onclick="{POPUP}" rel="nofollow"><img src="'
                       f'/images/M_images/{img}" alt="{label}"  /></a>\n</td>')
        return "\n".join(out)

    def pb_title(self, i: int, p: int) -> str | None:
        """The page break's title attribute before page ``p`` (None: untitled)."""
        cases, st = self.cases, self.st
        if st.pb_titles == "none" or p == 1:
            return None
        if st.pb_titles == "pagehash":
            return f"Page #{p}"
        first = cases[i].pages[p - 1][0]
        if first.heading:
            return first.heading.title() if first.heading.isupper() else first.heading
        return "Continued" if first.kind == "section" else "References"

    def page_text(self, i: int, p: int) -> str:
        (
            cases, cases_url, enc, info, pastes, st,
        ) = (
            self.cases, self.cases_url, self.enc, self.info, self.pastes, self.st,
        )
        case, paste = cases[i], pastes[i]
        out = []
        if st.title_line:
            out.append(f'<p style="text-align: center;"><strong><span style="font-size: 12pt;">'
                       f"{enc(case.title)} - Page #{p}</span></strong></p>")
        for k, part in enumerate(case.pages[p - 1]):
            if k and paste.spacer:
                out.append("<p>&nbsp;</p>")
            out.append(paste.part(part))
        if st.footer == "pasted":
            out.append(f'<p>&nbsp;</p>\n<p><a href="{A(cases_url)}">Return To The Case Studies '
                       "List</a>.</p>\n<p>&nbsp;</p>")
            note = note_line(info)
            if note:
                out.append(f"<p>{enc(note)}</p>")
            if info.copyright:
                out.append(f"<p>&nbsp;</p>\n<p>{enc(info.copyright)}</p>")
        return "\n".join(out)

    def toc_html(self, i: int) -> str:
        (
            aids, cases, enc, pb_title, st, urls,
        ) = (
            self.aids, self.cases, self.enc, self.pb_title, self.st, self.urls,
        )
        case, aid, slug = cases[i], aids[i], cases[i].slug
        rows = [f'<tr>\n<td>\n<a href="{A(urls.toc(aid, slug, 1))}" class="toclink">'
                f"{enc(case.title)}</a>\n</td>\n</tr>"]
        for p in range(2, len(case.pages) + 1):
            t = pb_title(i, p) or f"Page {p}"
            rows.append(f'<tr>\n<td>\n<a href="{A(urls.toc(aid, slug, p))}" class="toclink">'
                        f"{enc(t)}</a>\n</td>\n</tr>")
        if st.showall:
            rows.append(f'<tr>\n<td>\n<a href="{A(urls.showall(aid, slug))}" class="toclink">'
                        "All Pages</a>\n</td>\n</tr>")
        return ('<table cellpadding="0" cellspacing="0" class="contenttoc" align="right">\n'
                "<tr>\n<th>Article Index</th>\n</tr>\n" + "\n".join(rows) + "</table>")

    def pager_html(self, i: int, p: int) -> str:
        aids, cases, st, urls = self.aids, self.cases, self.st, self.urls
        aid, slug, total = aids[i], cases[i].slug, len(cases[i].pages)
        if st.nav == "plugin":
            if p > 1:
                prev_url = urls.first_empty(aid, slug) if p == 2 else urls.page(aid, slug, p - 1)
                prev = f'<a href="{A(prev_url)}">&lt;&lt; Prev</a>'
            else:
                prev = "&lt;&lt; Prev"
            nxt = (f'<a href="{A(urls.page(aid, slug, p + 1))}">Next &gt;&gt;</a>'
                   if p < total else "Next &gt;&gt;")
            return f"<div>{prev} - {nxt}</div>"

        def link(k: int) -> str:
            return urls.first_zero(aid, slug) if k == 1 else urls.page(aid, slug, k)
        items = [("Start", 1 if p > 1 else None), ("Prev", p - 1 if p > 1 else None)]
        nums = [(str(k), k if k != p else None) for k in range(1, total + 1)]
        tail = [("Next", p + 1 if p < total else None), ("End", total if p < total else None)]
        if st.template == "milkyway":
            def item(t: str, k: int | None, strong: bool = False) -> str:
                s = (f'<a href="{A(link(k))}" title="{t}">{t}</a>' if k else f"<span>{t}</span>")
                return f"<strong>{s}</strong>" if strong else s
            return ('<span class="pagination"><span>&laquo;</span>'
                    + "".join(item(t, k) for t, k in items)
                    + "".join(item(t, k, k is None) for t, k in nums)
                    + "".join(item(t, k) for t, k in tail) + "<span>&raquo;</span></span>")

        def item2(t: str, k: int | None) -> str:
            return (f'<a title="{t}" href="{A(link(k))}" class="pagenav">{t}</a>' if k
                    else f'<span class="pagenav">{t}</span>')
        return ('<del class="container"><div class="pagination">\n&lt;&lt; '
                f"{item2(*items[0])} &lt; {item2(*items[1])} "
                + " ".join(item2(t, k) for t, k in nums)
                + f" {item2(*tail[0])} &gt; {item2(*tail[1])} &gt;&gt;\n</div></del>")

    def article_nav_html(self, i: int) -> str:
        case_url, order = self.case_url, self.order
        pos = order.index(i)
        prev = order[pos - 1] if pos > 0 else None
        nxt = order[pos + 1] if pos + 1 < len(order) else None
        cells = []
        if prev is not None:
            cells.append(f'<th class="pagenav_prev">\n<a href="{A(case_url(prev))}">&lt; Prev</a>'
                         "\n</th>")
        if prev is not None and nxt is not None:
            cells.append('<td width="50">&nbsp;</td>')
        if nxt is not None:
            cells.append(f'<th class="pagenav_next">\n<a href="{A(case_url(nxt))}">Next &gt;</a>'
                         "\n</th>")
        return ('<table align="center" class="pagenav">\n<tr>\n' + "\n".join(cells)
                + "\n</tr>\n</table>")

    def article_html(self, i: int, p: int | None, printing: bool = False) -> str:
        """The component output for page ``p``, or the whole case (``p`` None: showall or
        print)."""
        (
            article_nav_html, authors, case_url, cases, date_text, enc, hits, icons_html, page_text,
            pager_html, st, toc_html,
        ) = (
            self.article_nav_html, self.authors, self.case_url, self.cases, self.date_text,
            self.enc, self.hits, self.icons_html, self.page_text, self.pager_html, self.st,
            self.toc_html,
        )
        case = cases[i]
        total = len(case.pages)
        if p is None:
            text = "<br/>".join(page_text(i, k) for k in range(1, total + 1))
        elif total == 1:
            text = page_text(i, 1)
        else:
            toc = toc_html(i) if st.toc else ""
            nav = pager_html(i, p)
            text = (f'{toc}<div class="pagenavcounter">Page {p} of {total}</div>{page_text(i, p)}'
                    f'<br /><div class="pagenavbar">{nav}</div><br />')
        title_link = enc(case.title)
        if not printing and st.template != "beez":
            title_link = (f'<a href="{A(case_url(i))}" class="contentpagetitle">'
                          f"{enc(case.title)}</a>")
        comp = ('<div class="componentheading">Case Studies</div>\n'
                if st.comp_heading and not printing else "")
        nav = article_nav_html(i) if st.article_nav and not printing else ""
        if st.template == "beez":
            icons = ""
            if st.icons and not printing:
                icons = ('<p class="buttonheading">\n' + icons_html(i, p or 1, False)
                         .replace('<td align="right" width="100%" class="buttonheading">', "")
                         .replace("</td>", "") + "\n</p>")
            return (f'<div id="page">\n{comp}<h2 class="contentheading">{title_link}</h2>\n'
                    f'{icons}\n<p class="iteminfo"><span class="createdby">Written by '
                    f'{enc(authors[i])}</span>\n<span class="createdate">{date_text(i)}</span>'
                    f"\n</p>\n{text}\n<p class=\"modifydate\">Last Updated on "
                    f"{date_text(i, True)} </p>\n{nav}\n</div>")
        hits_row = (f'<tr>\n<td valign="top"><span class="small">Hits: {hits[i]}</span></td>'
                    '\n</tr>\n' if st.template == "tables" else "")
        return (f'{comp}<table class="contentpaneopen">\n<tr>\n<td class="contentheading" width='
                f'"100%">\n{title_link}\n</td>\n{icons_html(i, p or 1, printing)}\n</tr>\n'
                '</table>\n\n<table class="contentpaneopen">\n<tr>\n<td valign="top">\n<span '
                f'class="small">Written by {enc(authors[i])}</span>\n&nbsp;&nbsp;\n</td>\n</tr>'
                f'\n<tr>\n<td valign="top" class="createdate">\n{date_text(i)}\n</td>\n</tr>\n'
                f'{hits_row}<tr>\n<td valign="top">\n{text}</td>\n</tr>\n<tr>\n<td colspan="2" '
                f'class="modifydate">\nLast Updated ( {date_text(i, True)} )\n</td>\n</tr>\n'
                f'</table>\n<span class="article_separator">&nbsp;</span>\n{nav}')

    def print_page(self, i: int) -> str:
        article_html, cases, enc, st = self.article_html, self.cases, self.enc, self.st
        charset = "iso-8859-1" if st.cp1252 else "utf-8"
        tpl = {"milkyway": "rhuk_milkyway", "beez": "beez", "tables": "nsms_2008"}[st.template]
        return ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.'
                'org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n<html xmlns="http://www.w3.org/'
                '1999/xhtml" xml:lang="en-gb" lang="en-gb" >\n<head>\n<meta http-equiv="content-'
                f'type" content="text/html; charset={charset}" />\n<meta name="robots" content="'
                'noindex, nofollow" />\n<meta name="generator" content="Joomla! 1.5 - Open Source'
                f' Content Management" />\n<title>{enc(cases[i].title)}</title>\n<link rel="'
                f'stylesheet" href="/templates/{tpl}/css/template.css" type="text/css" />\n'
                '</head>\n<body class="contentpane">\n'
                f"{article_html(i, None, printing=True)}\n</body>\n</html>")

    def _part5(self) -> None:
        (
            aids, article_html, cases, cases_url, host, info, month_case, page, pb_title,
            print_page, section, serve, site, st, urls,
        ) = (
            self.aids, self.article_html, self.cases, self.cases_url, self.host, self.info,
            self.month_case, self.page, self.pb_title, self.print_page, self.section, self.serve,
            self.site, self.st, self.urls,
        )
        # --- cases ----------------------------------------------------------------------------
        for i, case in enumerate(cases):
            aid, slug, total = aids[i], case.slug, len(case.pages)
            trail = [(section, "Education"), (cases_url, "Case Studies"), (None, case.title)]
            canon = [urls.page(aid, slug, p) for p in range(1, total + 1)]
            aliases: list[list[str]] = [[] for _ in range(total)]
            for p in range(1, total + 1):
                t = case.title
                pt = pb_title(i, p)
                if pt:
                    t = f"{case.title} - {pt}"
                body = page(t, article_html(i, p), "cases", trail)
                serve(canon[p - 1], body)
                linked = set()
                if total > 1:
                    if st.toc and st.sef == "off":
                        linked.add(urls.toc(aid, slug, p))
                    if p == 1 and st.nav == "plugin":
                        linked.add(urls.first_empty(aid, slug))
                    if p == 1 and st.nav == "pagination":
                        linked.add(urls.first_zero(aid, slug))
                if p == 1 and i == month_case and "month" in st.right:
                    linked.add(urls.old(aid))
                for u in sorted(linked - {canon[p - 1]}):
                    serve(u, body)
                    aliases[p - 1].append(u)
            whole = []
            if total > 1 and st.toc and st.showall:
                u = urls.showall(aid, slug)
                serve(u, page(case.title, article_html(i, None), "cases", trail))
                whole.append(u)
            if st.icons:
                pr = print_page(i)
                for p in range(1, total + 1):
                    u = urls.print_(aid, slug, p)
                    if u not in whole:
                        serve(u, pr)
                        whole.append(u)
                pdf = urls.pdf(aid, slug)
                site.pages[pdf] = (PDF_BODY, "application/pdf", 200)
                site.non_case_paths.append(pdf)
                mail = urls.mailto(host + urls.article_base(aid, slug))
                serve(mail, '<html><head><title>E-mail this link to a friend</title></head><body '
                  'class="contentpane">\n<form action="/index.php" name="mailtoForm" method="post'
                      '">\n<div style="padding: 10px;">\n<div style="text-align:right">\n<a href="'
                  'javascript: void window.close()">Close Window <img src="/components/com_mailto'
                      '/assets/close-x.png" border="0" alt="" title="" /></a>\n</div>\n<div class="'
                      'componentheading">E-mail this link to a friend.</div>\n<p>E-mail to:<br />\n'
                      '<input type="text" name="mailto" class="inputbox" size="25" value=""/></p>\n'
                  '<p>Sender:<br />\n<input type="text" name="sender" class="inputbox" value="" '
                  'size="25" /></p>\n<p>Your E-mail:<br />\n<input type="text" name="from" class='
                      '"inputbox" value="" size="25" /></p>\n<p>Subject:<br />\n<input type="text" '
                  'name="subject" class="inputbox" value="" size="25" /></p>\n<p><button class="'
                  'button" onclick="return submitbutton(\'send\');">Send</button> <button class="'
                      'button" onclick="window.close();return false;">Cancel</button></p>\n</div>\n'
                      "</form>\n</body></html>", non_case=True)
            aliases[0].extend(whole)
            record_case(site, info, case, [{"url": u, "aliases": a}
                                           for u, a in zip(canon, aliases, strict=True)])

        # --- listings ---------------------------------------------------------------------------
        self.__dict__.update({k: v for k, v in locals().items() if k != "self"})

    def intro_html(self, i: int) -> str:
        """The intro text before the editor's read-more break: the first section's label and
        first paragraph."""
        cases, pastes = self.cases, self.pastes
        first = cases[i].pages[0][0]
        block = first.blocks[:1] if first.blocks else []
        return pastes[i].part(Part(first.kind, first.key, first.heading, list(block)))

    def teaser(self, i: int) -> str:
        (
            authors, case_url, cases, date_text, enc, intro_html, st,
        ) = (
            self.authors, self.case_url, self.cases, self.date_text, self.enc, self.intro_html,
            self.st,
        )
        more = st.readmore.format(t=enc(cases[i].title))
        return ('<table class="contentpaneopen">\n<tr>\n<td class="contentheading" width="100%">'
                f'\n<a href="{A(case_url(i))}" class="contentpagetitle">{enc(cases[i].title)}</a>'
                '\n</td>\n</tr>\n</table>\n<table class="contentpaneopen">\n<tr>\n<td valign="top"'
                f' colspan="2">\n<span class="small">Written by {enc(authors[i])}</span>\n</td>\n'
                f'</tr>\n<tr>\n<td valign="top" colspan="2" class="createdate">\n{date_text(i)}\n'
                f'</td>\n</tr>\n<tr>\n<td valign="top" colspan="2">\n{intro_html(i)}\n</td>\n</tr>'
                f'\n<tr>\n<td colspan="2">\n<a href="{A(case_url(i))}" class="readon">\n{more}</a>'
                '\n</td>\n</tr>\n</table>\n<span class="article_separator">&nbsp;</span>')

    def _part6(self) -> None:
        (
            authors, case_url, cases, enc, encoding, feed, hits, order, page, section, serve, site,
            st, teaser, urls,
        ) = (
            self.authors, self.case_url, self.cases, self.enc, self.encoding, self.feed, self.hits,
            self.order, self.page, self.section, self.serve, self.site, self.st, self.teaser,
            self.urls,
        )
        per = st.per_page
        chunks = [order[k:k + per] for k in range(0, len(order), per)]
        list_pages = [urls.category(k * per) for k in range(len(chunks))]
        rss = (f'  <link href="{A(feed)}" rel="alternate" type="application/rss+xml" '
               'title="RSS 2.0"'
               " />\n")
        for k, chunk in enumerate(chunks):
            def plink(j: int) -> str:
                return urls.category(0, zero=True) if j == 0 else list_pages[j]
            nums = " ".join(f'<a title="{j + 1}" href="{A(plink(j))}" class="pagenav">{j + 1}</a>'
                            if j != k else f'<span class="pagenav">{j + 1}</span>'
                            for j in range(len(chunks)))
            pag = (f'<del class="container"><div class="pagination">&lt;&lt; <span class="pagenav">'
                   f'Start</span> &lt; <span class="pagenav">Prev</span> {nums} '
               f'<span class="pagenav">Next</span> &gt; <span class="pagenav">End</span> &gt;&gt;'
                   f'</div></del>') if len(chunks) > 1 else ""
            counter = f"Page {k + 1} of {len(chunks)}"
            if st.blog:
                more_ids = [j for c in chunks[k + 1:k + 2] for j in c]
                more = ('<div class="blog_more">\n<div>\n<strong>More Articles...</strong>\n'
                        '</div>\n'
                    "<ul>\n" + "\n".join(f'<li>\n<a class="blogsection" href="{A(case_url(j))}">'
                                             f"{enc(cases[j].title)}</a>\n</li>" for j in more_ids)
                        + "\n</ul>\n</div>") if more_ids else ""
                rows = "\n".join(f'<tr>\n<td valign="top" class="article_column">\n{teaser(j)}\n'
                                 "</td>\n</tr>" for j in chunk)
                content = ('<div class="componentheading">Case Studies</div>\n<table class="blog" '
                           'cellpadding="0" cellspacing="0">\n<tr>\n<td valign="top">\n<div>'
                           "Cases presented by our members. New cases are added every month.</div>"
                       f'\n</td>\n</tr>\n<tr>\n<td valign="top">\n<table width="100%" cellpadding='
                       f'"0" cellspacing="0">\n{rows}\n</table>\n</td>\n</tr>\n<tr>\n<td valign='
                           f'"top">\n{more}\n</td>\n</tr>\n<tr>\n<td valign="top" align="center">\n'
                       f'{pag}<br /><br />\n</td>\n</tr>\n<tr>\n<td valign="top" align="center">'
                           f"\n{counter}\n</td>\n</tr>\n</table>")
            else:
                rows = "\n".join(
                f'<tr class="sectiontableentry{1 + (r % 2)}" >\n<td align="right">{k * per + r + 1}'
                    f'</td>\n<td>\n<a href="{A(case_url(j))}">\n{enc(cases[j].title)}</a>\n</td>\n'
                    f"<td >\n{enc(authors[j])}</td>\n<td align=\"center\">\n{hits[j]}</td>\n</tr>"
                    for r, j in enumerate(chunk))
                content = ('<div class="componentheading">Case Studies</div>\n<table width="100%" '
                           'cellpadding="0" cellspacing="0" border="0" align="center" class='
                           '"contentpane">\n<tr>\n<td valign="top" class="contentdescription" '
                           'colspan="2">\nCases presented by our members.</td>\n</tr>\n<tr>\n<td>\n'
                           f'<form action="{A(list_pages[k])}" method="post" name="adminForm">\n'
                           '<table width="100%" border="0" cellspacing="0" cellpadding="0">\n<tr>\n'
                       '<td align="right" colspan="4">\nDisplay # <select name="limit" id="limit"'
                           ' class="inputbox" size="1" onchange="this.form.submit()"><option value='
                       '"5">5</option><option value="10" selected="selected">10</option><option '
                           'value="15">15</option><option value="20">20</option></select>\n</td>\n'
                       '</tr>\n<tr>\n<td class="sectiontableheader" align="right" width="5%">#</td>'
                       '\n<td class="sectiontableheader" width="45%">Item Title</td>\n<td class='
                           '"sectiontableheader" width="25%">Author</td>\n<td align="center" class='
                       f'"sectiontableheader" width="5%" nowrap="nowrap">Hits</td>\n</tr>\n{rows}'
                           '\n<tr>\n<td align="center" colspan="4" class="sectiontablefooter">'
                       f'{pag}</td>\n</tr>\n<tr>\n<td colspan="4" align="right">{counter}</td>\n'
                           "</tr>\n</table>\n</form>\n</td>\n</tr>\n</table>")
            serve(list_pages[k], page("Case Studies", content, "cases",
                                      [(section, "Education"), (None, "Case Studies")], rss),
                  non_case=True)
        if len(chunks) > 1:
            serve(urls.category(0, zero=True), site.pages[list_pages[0]][0].decode(encoding),
                  non_case=True)

        # --- the other pages ----------------------------------------------------------------------
        self.__dict__.update({k: v for k, v in locals().items() if k != "self"})

    def article_page(self, title: str, body: str, active: str, trail_label: str) -> str:
        enc, page, st = self.enc, self.page, self.st
        if st.template == "beez":
            content = (f'<div id="page">\n<h2 class="contentheading">{enc(title)}</h2>\n{body}\n'
                       "</div>")
        else:
            content = ('<table class="contentpaneopen">\n<tr>\n<td class="contentheading" width='
                       f'"100%">\n{enc(title)}\n</td>\n</tr>\n</table>\n<table class="'
                       f'contentpaneopen">\n<tr>\n<td valign="top">\n{body}</td>\n</tr>\n'
                       '</table>\n<span class="article_separator">&nbsp;</span>')
        return page(title, content, active, [(None, trail_label)])

    def _part7(self) -> None:
        (
            about, article_page, cases, cases_url, contact, enc, events, guide, info, links, order,
            page, rng, rss, search, section, serve, teaser, term,
        ) = (
            self.about, self.article_page, self.cases, self.cases_url, self.contact, self.enc,
            self.events, self.guide, self.info, self.links, self.order, self.page, self.rng,
            self.rss, self.search, self.section, self.serve, self.teaser, self.term,
        )
        label = lambda t: f"<strong>{enc(t)}</strong>"  # noqa: E731
        front = "\n".join(teaser(j) for j in order[:3])
        serve("/", page(info.name, '<div class="componentheading">Welcome</div>\n<table class='
                        '"contentpaneopen">\n<tr>\n<td valign="top">\n<p>Welcome to the '
                        f"{enc(info.name)} web site. Our case studies are written by members and "
                        "reviewed by the editorial board.</p>\n</td>\n</tr>\n</table>\n"
                    f'<span class="article_separator">&nbsp;</span>\n{front}\n<p class="popular">'
                        f'Popular searches: <a href="{A(search)}">{term}</a></p>', "home", [], rss),
              non_case=True)
        serve(about, article_page("About Us", about_body(info, label), "about", "About Us"),
              non_case=True)
        serve(guide, article_page("Submit a Case", guidelines_body(label), "guide",
                                  "Submit a Case"),
              non_case=True)
        serve(events, article_page("Events", calendar_body(), "events", "Events"), non_case=True)
        serve(section, page("Education", '<div class="componentheading">Education</div>\n<table '
                        'width="100%" cellpadding="0" cellspacing="0" border="0" align="center" '
                        'class="contentpane">\n<tr>\n<td valign="top" class="contentdescription" '
                        'colspan="2">\nEducational material for members.</td>\n</tr>\n<tr>\n<td '
                        f'colspan="2">\n<ul>\n<li>\n<a href="{A(cases_url)}" class="category">\n'
                            'Case Studies</a>\n&nbsp;\n<span class="small">\n( '
                            f'{len(cases)} items )\n</span>\n</li>\n</ul>\n</td>\n</tr>\n</table>',
                            "section", [(None, "Education")]), non_case=True)
        c = info.contact
        addr = (f"{enc(c.street)}<br />\n{enc(c.city)}, {enc(c.state)} {c.postal_code}<br />\n"
                f"Telephone: {c.phone}") if c else ""
        serve(contact, page("Contact Us", '<div class="componentheading">Contact Us</div>\n<div '
                            f'id="component-contact">\n<table width="100%" cellpadding="0" '
                        f'cellspacing="0" border="0" class="contentpane">\n<tr>\n<td width="100%"'
                            f' class="contentheading">\nThe Editor\n</td>\n</tr>\n<tr>\n<td>\n'
                            f'<table border="0" width="100%">\n<tr>\n<td valign="top">{addr}</td>\n'
                            '</tr>\n</table>\n</td>\n</tr>\n<tr>\n<td>\n<form action="/index.php" '
                            'method="post" name="emailForm" id="emailForm" class="form-validate">\n'
                        '<div class="contact_email">\n<label for="contact_name">Enter your name:'
                        '</label>\n<br />\n<input type="text" name="name" id="contact_name" size='
                        '"30" class="inputbox" value="" />\n<br />\n<label id="contact_emailmsg" '
                        'for="contact_email">E-mail address:</label>\n<br />\n<input type="text" '
                            'id="contact_email" name="email" size="30" value="" class="inputbox '
                        'required validate-email" maxlength="100" />\n<br />\n<label for="contact'
                            '_subject">Message subject:</label>\n<br />\n<input type="text" name="'
                            'subject" id="contact_subject" size="30" class="inputbox" value="" />\n'
                        '<br /><br />\n<label id="contact_textmsg" for="contact_text">Enter your '
                        'message:</label>\n<br />\n<textarea cols="50" rows="10" name="text" id='
                            '"contact_text" class="inputbox required"></textarea>\n<br />\n<button '
                            'class="button validate" type="submit">Send</button>\n</div>\n</form>\n'
                            "</td>\n</tr>\n</table>\n</div>", "contact", [(None, "Contact Us")]),
              non_case=True)
        weblinks = [("British Journal of Sports Medicine", "http://bjsm.example.org/"),
                    ("American College of Sports Medicine", "http://www.acsm.example.org/"),
                    ("PubMed", "http://www.ncbi.example.org/pubmed/")]
        wrows = "\n".join(f'<tr class="sectiontableentry{1 + r % 2}">\n<td align="right">{r + 1}'
                      f'</td>\n<td height="20">\n<a href="{A(u)}" target="_blank" class="category'
                          f'">{enc(t)}</a>\n</td>\n<td align="center">{rng.randint(5, 400)}</td>\n'
                          "</tr>" for r, (t, u) in enumerate(weblinks))
        serve(links, page("Links", '<div class="componentheading">Links</div>\n<table width="100%" '
                          'border="0" cellspacing="0" cellpadding="0">\n<tr>\n<td width="10" '
                      'class="sectiontableheader" align="right">Num</td>\n<td width="90%" class='
                          '"sectiontableheader">Web Link</td>\n<td width="30" class="sectiontable'
                          f'header" nowrap="nowrap">Hits</td>\n</tr>\n{wrows}\n</table>', "links",
                          [(None, "Links")]), non_case=True)
        self.__dict__.update({k: v for k, v in locals().items() if k != "self"})

    def user_view(self, title: str, fields: str) -> str:
        return (f'<div class="componentheading">{title}</div>\n<form action="/index.php" method='
                f'"post" class="josForm form-validate">\n<table cellpadding="0" cellspacing="0" '
                f'border="0" width="100%" class="contentpane">\n{fields}\n<tr><td><button type='
                '"submit" class="validate">Submit</button></td></tr>\n</table>\n</form>')

    def _part8(self) -> None:
        (
            case_url, cases, cases_url, date_text, enc, feed, host, info, intro_html, login, order,
            page, poll, register, remind, reset, search, serve, site, term, user_view,
        ) = (
            self.case_url, self.cases, self.cases_url, self.date_text, self.enc, self.feed,
            self.host, self.info, self.intro_html, self.login, self.order, self.page, self.poll,
            self.register, self.remind, self.reset, self.search, self.serve, self.site, self.term,
            self.user_view,
        )
        userfield = lambda lab, name: (f'<tr>\n<td height="40">\n<label for="{name}">{lab}:</label>'  # noqa: E731
                                   f'\n</td>\n<td>\n<input id="{name}" name="{name}" type="text" '
                                       'class="required" size="36" />\n</td>\n</tr>')
        for path, title, fields, active in (
                (login, "Login", userfield("Username", "username")
                 + userfield("Password", "passwd"), "login"),
                (reset, "Forgot your Password?", userfield("E-mail Address", "email"), ""),
                (remind, "Forgot your Username?", userfield("E-mail Address", "email"), ""),
                (register, "Registration", userfield("Name", "name") + userfield("Username",
                                                                                  "username")
                 + userfield("E-mail", "email") + userfield("Password", "password"), "")):
            serve(path, page(title, user_view(title, fields), active, [(None, title)]),
                  non_case=True)
        serve(poll, page("Polls", '<div class="componentheading">Polls</div>\n<form action="'
                         f'{A(poll)}" method="post" name="poll" id="poll">\n<label for="id">Select '
                         'Poll:&nbsp;<select name="id" class="inputbox" size="1"><option value="14:'
                         'journal" selected="selected">Which journal do you read most?</option>'
                         '</select></label>\n</form>\n<br /><table cellpadding="0" cellspacing="0" '
                         'border="0" width="100%">\n<thead><tr><th colspan="3" class="sectiontable'
                         'header"><img src="/components/com_poll/assets/poll.png" align="middle" '
                     'border="0" width="12" height="14" alt="" />Which journal do you read most?'
                     '</th></tr></thead>\n<tbody><tr class="sectiontableentry2"><td width="100%" '
                     'colspan="3">BJSM</td></tr><tr class="sectiontableentry2"><td align="right" '
                     'width="25"><strong>31</strong>&nbsp;</td><td width="30">56%</td><td width='
                     '"300"><div class="polls_color_1" style="height:5px;width:56%;"></div></td>'
                     '</tr>\n<tr class="sectiontableentry1"><td width="100%" colspan="3">AJSM</td>'
                     '</tr><tr class="sectiontableentry1"><td align="right" width="25"><strong>24'
                     '</strong>&nbsp;</td><td width="30">44%</td><td width="300"><div class="polls'
                     '_color_2" style="height:5px;width:44%;"></div></td></tr></tbody></table>\n'
                         '<table cellspacing="0" cellpadding="0" border="0"><tbody><tr><td class='
                     '"smalldark">Number of Voters</td><td class="smalldark">&nbsp;:&nbsp;55</td>'
                         "</tr></tbody></table>", "", [(None, "Polls")]), non_case=True)
        found = [j for j in order if term in (cases[j].title + " " + " ".join(
            b.items[0] for b in cases[j].pages[0][0].blocks if b.kind == "p")).lower()]
        results = []
        for r, j in enumerate(found, start=1):
            first = next((b.items[0] for b in cases[j].pages[0][0].blocks if b.kind == "p"), "")
            snippet = enc(first[:160]).replace(term, f'<span class="highlight">{term}</span>')
            results.append(f'<fieldset>\n<div>\n<span class="small">\n{r}. </span>\n<a href="'
                           f'{A(case_url(j))}">\n{enc(cases[j].title)}</a>\n<br />\n<span class='
                           f'"small">\n(Education/Case Studies)\n</span>\n</div>\n<div>\n{snippet}'
                       f'...\n</div>\n<div class="small">\nCreated on {date_text(j)[:-6]}\n</div>'
                           "\n</fieldset>")
        serve(search, page("Search", '<div class="componentheading">Search</div>\n<form id="'
                       'searchForm" action="/index.php" method="post" name="searchForm">\n<table '
                       'class="contentpaneopen">\n<tr>\n<td nowrap="nowrap">\n<label for="search_'
                       f'searchword">Search Keyword:</label>\n</td>\n<td nowrap="nowrap">\n<input '
                       f'type="text" name="searchword" id="search_searchword" size="30" maxlength'
                           f'="20" value="{term}" class="inputbox" />\n</td>\n</tr>\n</table>\n'
                           '</form>\n<table class="searchintro">\n<tr>\n<td colspan="3" >\n<br />\n'
                           f"Search Keyword <b>{term}</b>\n</td>\n</tr>\n<tr>\n<td>\n<br />\nTotal "
                           f"{len(found)} results found.\n</td>\n</tr>\n</table>\n<table class="
                           f'"contentpaneopen">\n<tr>\n<td>\n' + "\n".join(results)
                           + "\n</td>\n</tr>\n</table>", "", [(None, "Search")]), non_case=True)
        items = "\n".join(f"<item>\n<title>{enc(cases[j].title)}</title>\n<link>{host}"
                          f"{A(case_url(j))}</link>\n<description>{html.escape(intro_html(j))}"
                          f"</description>\n<category>Case Studies</category>\n<pubDate>"
                          f"{date_text(j)}</pubDate>\n</item>" for j in order)
        rss_xml = (f'<?xml version="1.0" encoding="utf-8"?>\n<!-- generator="Joomla! 1.5 - Open '
               f'Source Content Management" -->\n<rss version="2.0" xmlns:atom="http://www.w3.org'
                   f'/2005/Atom">\n<channel>\n<title>Case Studies</title>\n<description>'
                   f"{enc(info.name)}</description>\n<link>{host}{A(cases_url)}</link>\n"
                   f'<generator>Joomla! 1.5 - Open Source Content Management</generator>\n{items}\n'
                   "</channel>\n</rss>\n")
        site.pages[feed] = (rss_xml.encode("utf-8", errors="xmlcharrefreplace"),
                            "application/rss+xml; charset=utf-8", 200)
        site.non_case_paths.append(feed)
        self.__dict__.update({k: v for k, v in locals().items() if k != "self"})


def build_joomla(rng: random.Random, n: int) -> Site:
    builder = _Joomla(rng, n)
    builder._part2()
    builder._part3()
    builder._part4()
    builder._part5()
    builder._part6()
    builder._part7()
    builder._part8()
    return builder.site
