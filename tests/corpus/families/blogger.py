"""A society's case studies kept on Blogger/Blogspot (2006-2013), evaluate-only, written
without looking at the parser.

What such a blog prints:

* one of four templates per site: the Classic Minima template (2006-2007: ``#outer-wrapper``,
  ``#main2``/``#sidebar2``, ``<p class="post-footer"><em>posted by X at 10:42 AM</em>``,
  ``dl#comments-block`` with "said...", "Links to this post", "<< Home", a hand-written
  sidebar with About Me, Previous Posts, Archives and Links, the "Powered by Blogger" button,
  label pages published as files ``/labels/case%20studies.html``, feeds ``/atom.xml``), the
  Layouts-era Minima or Rounders (2008-2010: ``div.widget`` sections, the navbar iframe,
  ``h2.date-header``, ``div.post hentry``, ``h3.post-title``, ``div.post-body``,
  ``div.post-footer`` lines "Posted by X at 10:42 AM", "N comments", "Labels: ...", the
  Followers, Blog Archive (hierarchy with ▼/► toggles, flat list or drop-down), Labels (list or
  cloud), About Me, Subscribe To, Links and Pages widgets, "Newer Post / Older Post / Home",
  "Subscribe to: Post Comments (Atom)", ``?showComment=...#c...`` comment permalinks) or the
  Simple template (2011-2013: ``content-outer``/``main-inner`` wrappers, ``date-outer``,
  schema.org ``itemprop`` attributes, share buttons "Email This / BlogThis! / Share to
  Twitter / Share to Facebook / Share to Pinterest", threaded comments with "Reply", the
  "Post a Comment" iframe form, Popular Posts with snippets, a search box, the mobile
  ``?m=1`` template with "View web version" ``?m=0``);
* a case posted as one post per old page titled "X - Page #2", as parts "X (Part 2 of 3)" /
  "X (Part 2)" / "X, Part 2" (Blogger's permalink drops "a"/"an"/"the", cuts the slug near
  40 characters at a word and adds ``_DD`` on a clash, so ``...-part.html``,
  ``...-part_17.html``), as parts joined by "Continued in Part 2 »" links, or as one post;
* the body as Blogger's compose editor wrote it: ``<span style="font-weight: bold;">``,
  ``<b>History</b><br />``, ``<div><b>...</b></div>`` lines with ``<div><br /></div>``
  blank lines, ``<h4>``, run-in ``<b>Physical Exam:</b> text``, pasted ``<p>`` paragraphs;
  ``<br /><br />`` paragraphs, ``&nbsp;`` spacers, the "convert line breaks" ``<br />``
  inside pasted tables; references as ``<ol>``, "1. text<br />" lines or "[1] text" lines;
  the old site's NOTE and © pasted at the end of each post, or kept in a footer HTML widget;
  a jump break (``<a name="more"></a>``, "Read more »") on some blogs;
* listings that show the FULL posts (or up to the jump break): the home page and label pages
  paged by "Older Posts" ``?updated-max=...&max-results=N`` (label pages add ``&start=N&by-
  date=false``; "Newer Posts" ``?updated-min=...&reverse-paginate=true``), month archives
  ``/2009_03_01_archive.html`` and year archives ``/2009/``; news posts (welcome, call for
  cases, meeting) between the case posts; static Pages (``/p/about.html``...); Atom/RSS feeds;
  the soft 404 "Sorry, the page you were looking for in this blog does not exist." (status
  200 or 404) linked from a Links widget.

The start URL is the case label's page (the blog's case list), or a "Case Studies Index"
(a static Page, or a post on blogs without Pages) that lists the cases, some links copied
from a phone with ``?m=1``.

Truth: a case's pages are its posts; ``?showComment=`` permalinks, ``?m=1`` and ``?m=0``
serve the same post (aliases); every listing, archive, news post, static Page, feed,
mobile listing and the soft 404 is a non-case page. Links are root-relative (the site is
served on a loopback port), where Blogger printed absolute ``blogspot.com`` URLs.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from urllib.parse import quote

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
    flatten_pages,
    guidelines_body,
    note_line,
    record_case,
    ref_link,
)

TOPIC_LABELS = ["knee", "shoulder", "running", "youth sports", "imaging", "concussion",
                "ankle", "hip", "wrist", "cardiology"]
AUTHORS = ["Dr. Jane Miller", "Tom Okafor, MD", "Dr. Linda Chen", "Mark Reyes, MD",
           "Education Committee"]
COMMENTERS = ["Anonymous", "Dr. Mike Reynolds", "Sarah K., ATC", "runnerdoc", "J. Alvarez",
              "Kathy B.", "Sports Med Resident"]
COMMENTS = [
    "Great case. We see this a lot in our high school runners.",
    "Thanks for posting this. Very useful for our residents' journal club.",
    "Nice teaching case! Would you have ordered the MRI earlier in hindsight?",
    "We had a very similar athlete last season; the history was the key.",
    "Excellent write-up. Looking forward to the next one.",
    "Did you consider a bone scan before the MRI?",
    "Shared this with our athletic trainers. Thank you!",
]
SKIN = {
    "minima": "Name:     Minima\nDesigner: Douglas Bowman\nURL:      www.stopdesign.com\n"
              "Date:     26 Feb 2004\nUpdated by: Blogger Team",
    "rounders": "Name:     Rounders\nDesigner: Douglas Bowman\nURL:      www.stopdesign.com\n"
                "Date:     27 Feb 2004\nUpdated by: Blogger Team",
    "simple": "Blogger Template Style\nName:     Simple\nDesigner: Josh Peterson\n"
              "URL:      www.noaesthetic.com",
}
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
STOP = {"a", "an", "the"}


def blogger_slug(title: str) -> str:
    """Blogger's permalink slug: lower case, words of letters and digits, "a"/"an"/"the"
    dropped, cut at a word near 40 characters."""
    words = [w for w in "".join(c if c.isalnum() else " " for c in title.lower()).split()
             if w not in STOP and w.isascii()]
    slug = ""
    for w in words:
        nxt = f"{slug}-{w}" if slug else w
        if len(nxt) > 40 and slug:
            break
        slug = nxt
    return slug or "blog-post"


def long_date(t: dt.datetime) -> str:
    return f"{WEEKDAYS[t.weekday()]}, {MONTHS[t.month - 1]} {t.day}, {t.year}"


def clock(t: dt.datetime) -> str:
    h = t.hour % 12 or 12
    return f"{h}:{t.minute:02d} {'AM' if t.hour < 12 else 'PM'}"


def offset(t: dt.datetime, base: int) -> str:
    """The blog's UTC offset at ``t`` (US daylight time from April to October)."""
    h = base - (1 if 4 <= t.month <= 10 else 0)
    return f"-{abs(h):02d}:00"


def iso(t: dt.datetime, base: int) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S") + offset(t, base)


@dataclass(slots=True)
class Comment:
    cid: str
    author: str
    text: str
    when: dt.datetime


@dataclass(slots=True)
class Post:
    """A blog post or a static Page."""

    title: str
    when: dt.datetime
    author: str
    labels: list[str]
    pid: str
    path: str = ""
    body: str = ""
    teaser: str | None = None
    """The body up to the jump break (None: no jump break)."""
    comments: list[Comment] = field(default_factory=list)
    case: int | None = None
    page: int | None = None
    static: bool = False
    key: str | None = None
    """Which non-case post or Page this is ("welcome", "about", ...)."""


# --- The post body as the compose editor wrote it ---------------------------------------------

@dataclass(slots=True)
class Style:
    """How one author's compose editor wrote a case: heading form, paragraph form,
    reference form."""

    heading: str  # "span", "b", "div", "h4", "runin", "p"
    para: str  # "br", "div", "p"
    colon: bool
    refs: str  # "ol", "brnum", "bracket" (numbered); "ul", "brplain" (unnumbered)
    table_bug: bool
    spacer: bool


def _ul(items) -> str:
    """A compose-editor list: ``<ul><li>...</li></ul>`` on one line."""
    return "<ul>" + "".join(f"<li>{x}</li>" for x in items) + "</ul>"


def _table(block: Block, bug: bool) -> str:
    br = "<br />" if bug else ""
    rows = "".join("<tr>" + "".join(f"<td>{E(c)}</td>" for c in row) + f"</tr>{br}"
                   for row in block.items)
    return f'<table border="1" cellpadding="3" cellspacing="0">{br}<tbody>{rows}</tbody></table>'


def _blocks_br(blocks: list[Block], st: Style, rng: random.Random) -> str:
    out = ""
    prev_block_el = None
    for b in blocks:
        if b.kind in ("ul", "table"):
            piece = (_ul(E(x) for x in b.items)
                     if b.kind == "ul" else _table(b, st.table_bug))
            if prev_block_el is False:
                out += rng.choice(["", "<br />"])
            out += piece
            prev_block_el = True
        else:
            piece = E(b.items[0]) if b.kind == "p" else "<br />".join(E(x) for x in b.items)
            if prev_block_el is False:
                out += "<br /><br />"
            elif prev_block_el:
                out += rng.choice(["", "<br />"])
            out += piece
            prev_block_el = False
    return out


def _blocks_div(blocks: list[Block], st: Style, rng: random.Random) -> str:
    out = []
    for i, b in enumerate(blocks):
        if i:
            out.append("<div><br /></div>")
        if b.kind == "p":
            out.append(f"<div>{E(b.items[0])}</div>")
        elif b.kind == "lines":
            out.append("".join(f"<div>{E(x)}</div>" for x in b.items) if rng.random() < 0.5
                       else "<div>" + "<br />".join(E(x) for x in b.items) + "</div>")
        elif b.kind == "ul":
            out.append(_ul(E(x) for x in b.items))
        else:
            out.append(_table(b, False))
    return "".join(out)


def _blocks_p(blocks: list[Block], st: Style) -> str:
    out = []
    for b in blocks:
        if b.kind == "p":
            out.append(f"<p>{E(b.items[0])}</p>")
        elif b.kind == "lines":
            out.append("<p>" + "<br />".join(E(x) for x in b.items) + "</p>")
        elif b.kind == "ul":
            out.append(_ul(E(x) for x in b.items))
        else:
            out.append(_table(b, False))
    return "\n".join(out)


def _blocks(blocks: list[Block], st: Style, rng: random.Random) -> str:
    if st.para == "div":
        return _blocks_div(blocks, st, rng)
    if st.para == "p":
        return _blocks_p(blocks, st)
    return _blocks_br(blocks, st, rng)


def _heading(h: str, st: Style) -> str:
    t = E(h + (":" if st.colon else ""))
    if st.heading == "span":
        return f'<span style="font-weight: bold;">{t}</span><br />'
    if st.heading == "div":
        return f"<div><b>{t}</b></div>"
    if st.heading == "h4":
        return f"<h4>{E(h)}</h4>"
    if st.heading == "p":
        return f"<p><b>{t}</b></p>"
    if st.heading == "runin":
        return f"<b>{E(h)}:</b><br />"
    return f"<b>{t}</b><br />"


def _refs(part: Part, st: Style, rng: random.Random) -> str:
    texts = [ref_link(r.text, r.url, rng) for r in part.refs]
    n0 = part.first_ref_number
    if n0 == 0:
        if st.refs == "ul":
            return _ul(texts)
        return "<br />".join(texts)
    if st.refs == "ol":
        start = f' start="{n0}"' if n0 != 1 else ""
        return f"<ol{start}>" + "".join(f"<li>{t}</li>" for t in texts) + "</ol>"
    if st.refs == "bracket":
        return "<br />".join(f"[{n0 + i}] {t}" for i, t in enumerate(texts))
    return "<br />".join(f"{n0 + i}. {t}" for i, t in enumerate(texts))


def _part(part: Part, st: Style, rng: random.Random) -> str:
    if part.kind == "references":
        body = _refs(part, st, rng)
        if st.para != "br" and not body.startswith(("<ol", "<ul")):
            body = _line(body, st)
        return (_heading(part.heading, st) if part.heading else "") + body
    if part.heading and st.heading == "runin" and part.blocks and part.blocks[0].kind == "p":
        rest = _blocks(part.blocks[1:], st, rng)
        sep = "<br /><br />" if rest and not rest.startswith(("<ul", "<table")) else ""
        return f"<b>{E(part.heading)}:</b> {E(part.blocks[0].items[0])}{sep}{rest}"
    return (_heading(part.heading, st) if part.heading else "") + _blocks(part.blocks, st, rng)


def _joiner(st: Style, prev: str) -> str:
    """What the editor put between two sections."""
    if st.para == "div":
        return "<div>&nbsp;</div>" if st.spacer else "<div><br /></div>"
    if st.para == "p":
        return "\n<p>&nbsp;</p>\n" if st.spacer else "\n"
    if st.heading == "h4":
        return "" if prev.endswith(("</ul>", "</table>", "</ol>")) else "<br />"
    tail = "<br />" if prev.endswith(("</ul>", "</table>", "</ol>")) else "<br /><br />"
    return tail + ("&nbsp;<br />" if st.spacer else "")


def _line(html: str, st: Style) -> str:
    """A line of the editor's own (navigation, NOTE) in the body's paragraph form."""
    if st.para == "div":
        return f"<div>{html}</div>"
    if st.para == "p":
        return f"<p>{html}</p>"
    return html


def render_body(parts: list[Part], st: Style, rng: random.Random, top: str, bottom: list[str],
                jump: bool) -> tuple[str, str | None]:
    """The post body and the teaser up to the jump break (None without a break)."""
    chunks = [_part(p, st, rng) for p in parts]
    body = f"{_line(top, st)}{_joiner(st, top)}" if top else ""
    teaser = None
    for i, chunk in enumerate(chunks):
        if i:
            body += _joiner(st, chunks[i - 1])
        body += chunk
        if jump and i == 0 and len(chunks) > 1:
            teaser = body
            body += "<a name='more'></a>"
    for line in bottom:
        body += _joiner(st, body) + _line(line, st)
    return body, teaser


# --- The site ----------------------------------------------------------------------------------

class Blog:
    """Draws one blog and writes its pages into a Site."""

    def __init__(self, rng: random.Random, n: int) -> None:
        self.rng = rng
        self.template = rng.choice(["minima", "rounders", "classic", "simple"])
        self.info: SiteInfo = draw_site(rng, with_contact=rng.random() < 0.7)
        self.numbered_refs = rng.random() < 0.8
        self.cases = draw_cases(rng, n, unknown_rate=0.5, numbered_refs=self.numbered_refs)
        self.classic = self.template == "classic"
        self.simple = self.template == "simple"
        self.mode = rng.choice(["pages", "parts", "parts", "continued", "single"])
        self.part_style = rng.choice(["of", "paren", "comma"])
        self.part_one_marked = rng.random() < 0.6
        self.body_nav = rng.random() < 0.5
        self.per_page = rng.choice([3, 5, 7, 10])
        self.jump = not self.classic and rng.random() < 0.35
        self.foot_place = rng.choice(["post", "post", "footer", "split"])
        self.case_label = rng.choice(["Case Studies", "case studies", "Case Study", "cases"])
        self.pages_widget = self.simple or (not self.classic and rng.random() < 0.5)
        self.start_kind = rng.choice(["label", "label", "index"])
        self.archive_style = rng.choice(["hierarchy", "hierarchy", "flat", "dropdown"])
        self.label_style = rng.choice(["list", "cloud"])
        self.footer_p = not self.simple and rng.random() < 0.5
        self.share = self.simple or (not self.classic and rng.random() < 0.3)
        self.mobile = self.simple
        self.status404 = rng.choice([200, 404])
        self.tz = rng.choice([5, 6, 7, 8])
        self.blog_id = str(rng.randrange(10**18, 10**19))
        self.profile = str(rng.randrange(10**19, 10**20))
        short = self.info.short
        self.name = rng.choice([f"{short} Case Studies", f"The {short} Case Files",
                                f"{short} Sports Medicine Cases"])
        self.host = f"{short.lower()}-cases.blogspot.com"
        self.authors = rng.sample(AUTHORS, rng.randint(1, 3))
        self.posts: list[Post] = []
        self.statics: list[Post] = []
        self.site = Site("blogger", "evaluate", "/", server="GSE")
        self.topics = {c.slug: rng.sample(TOPIC_LABELS, rng.randint(1, 2)) for c in self.cases}

    # --- drawing posts ---------------------------------------------------------------------

    def pid(self) -> str:
        return str(self.rng.randrange(10**18, 10**19))

    def part_title(self, case: CaseContent, p: int, total: int) -> str:
        if self.mode == "single" or total == 1:
            return case.title
        if self.mode == "pages":
            return f"{case.title} - Page #{p}"
        if self.mode == "continued":
            return case.title if p == 1 else f"{case.title} (Part {p})"
        if p == 1 and not self.part_one_marked:
            return case.title
        if self.part_style == "of":
            return f"{case.title} (Part {p} of {total})"
        if self.part_style == "paren":
            return f"{case.title} (Part {p})"
        return f"{case.title}, Part {p}"

    def draw_posts(self) -> None:
        rng = self.rng
        year0 = {"classic": 2006, "minima": 2008, "rounders": 2008, "simple": 2011}[self.template]
        t = dt.datetime(year0, rng.randint(1, 6), rng.randint(1, 28), rng.randint(7, 21),
                        rng.randrange(60))
        schedule: list[tuple] = [("news", "welcome")]
        for ci, case in enumerate(self.cases):
            if self.mode == "single":
                flatten_pages(case)
            schedule += [("case", ci, p) for p in range(1, len(case.pages) + 1)]
        for news in ("call", "meeting") + (("about",) if not self.pages_widget else ()):
            schedule.insert(rng.randint(2, len(schedule)), ("news", news))
        if self.start_kind == "index" and not self.pages_widget:
            schedule.append(("news", "index"))
        for item in schedule:
            gap = rng.randint(1, 5) if item[0] == "case" and item[2] > 1 else rng.randint(4, 25)
            t += dt.timedelta(days=gap, minutes=rng.randint(-200, 200))
            t = t.replace(hour=rng.randint(7, 22), minute=rng.randrange(60))
            author = rng.choice(self.authors)
            if item[0] == "news":
                title, labels = {
                    "welcome": (f"Welcome to {self.name}", ["announcements"]),
                    "call": ("Call for Cases", ["announcements"]),
                    "meeting": ("Annual Meeting Reminder", ["meetings"]),
                    "about": ("About This Blog", ["about"]),
                    "index": ("Case Studies Index", ["about"]),
                }[item[1]]
                post = Post(title, t, author, labels, self.pid(), key=item[1])
            else:
                _, ci, p = item
                case = self.cases[ci]
                title = self.part_title(case, p, len(case.pages))
                post = Post(title, t, author, [self.case_label, *self.topics[case.slug]],
                            self.pid(), case=ci, page=p)
            self.posts.append(post)
        used: set[str] = set()
        for post in self.posts:
            base = f"/{post.when.year}/{post.when.month:02d}/{blogger_slug(post.title)}"
            path = f"{base}.html"
            if path in used:
                path = f"{base}_{post.when.day:02d}.html"
            while path in used:
                path = f"{base}_{rng.randrange(1000, 10000)}.html"
            used.add(path)
            post.path = path
        for post in self.posts:
            for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
                when = post.when + dt.timedelta(hours=rng.randint(2, 200),
                                                minutes=rng.randrange(60))
                post.comments.append(Comment(str(rng.randrange(10**18, 10**19)),
                                             rng.choice(COMMENTERS), rng.choice(COMMENTS), when))
            post.comments.sort(key=lambda c: c.when)
        if self.pages_widget:
            t0 = self.posts[0].when
            for slug, title in (("about", "About"), ("submit-a-case", "Submit a Case"),
                                ("contact", "Contact Us")) + (
                    (("case-studies-index", "Case Studies Index"),)
                    if self.start_kind == "index" else ()):
                page = Post(title, t0, self.authors[0], [], self.pid(), static=True, key=slug)
                page.path = f"/p/{slug}.html"
                self.statics.append(page)

    # --- bodies ------------------------------------------------------------------------------

    def style(self) -> Style:
        rng = self.rng
        heads = {"classic": ["span", "b", "runin", "p"],
                 "minima": ["span", "b", "runin", "h4", "p"],
                 "rounders": ["span", "b", "runin", "h4", "p"],
                 "simple": ["div", "b", "h4", "runin", "div"]}[self.template]
        heading = rng.choice(heads)
        para = {"span": "br", "b": "br", "runin": "br", "div": "div", "p": "p",
                "h4": rng.choice(["br", "div"])}[heading]
        refs = rng.choice(["ol", "brnum", "bracket"] if self.numbered_refs else ["ul", "brplain"])
        return Style(heading, para, rng.random() < 0.4, refs, rng.random() < 0.5,
                     rng.random() < 0.3)

    def foot_lines(self, st: Style) -> list[str]:
        note = note_line(self.info)
        out = []
        small = ('<span style="font-size: 85%;">' if st.para != "div"
                 else '<span style="font-size: x-small;">')
        if note and self.foot_place in ("post", "split"):
            out.append(f"{small}{E(note)}</span>")
        if self.info.copyright and self.foot_place == "post":
            out.append(f"{small}{E(self.info.copyright)}</span>")
        return out

    def case_posts(self, ci: int) -> list[Post]:
        return sorted((p for p in self.posts if p.case == ci), key=lambda p: p.page or 0)

    def write_bodies(self) -> None:
        rng = self.rng
        for ci, case in enumerate(self.cases):
            st = self.style()
            posts = self.case_posts(ci)
            for post in posts:
                p = post.page or 1
                top, bottom = self.body_nav_lines(posts, p)
                bottom += self.foot_lines(st)
                post.body, post.teaser = render_body(case.pages[p - 1], st, rng, top, bottom,
                                                     self.jump)
        for post in [*self.posts, *self.statics]:
            self.write_other_body(post)

    def body_nav_lines(self, posts: list[Post], p: int) -> tuple[str, list[str]]:
        """The editor's own links between the parts of a case: a line over the text and
        lines under it."""
        total = len(posts)
        top = ""
        bottom: list[str] = []
        if total > 1 and self.mode == "continued":
            if p > 1:
                top = (f'<i>Continued from <a href="{posts[p - 2].path}">Part {p - 1}'
                       "</a></i>")
            if p < total:
                bottom.append(f'<b><a href="{posts[p].path}">Continued in Part {p + 1} '
                              "»</a></b>")
        elif total > 1 and self.body_nav and self.mode == "pages":
            cells = [str(k) if k == p else f'<a href="{posts[k - 1].path}">{k}</a>'
                     for k in range(1, total + 1)]
            bottom.append(f'<div style="text-align: center;">Page: {" ".join(cells)}'
                          "</div>")
        elif total > 1 and self.body_nav and self.mode == "parts":
            nav = []
            if p > 1:
                nav.append(f'<a href="{posts[p - 2].path}">« Part {p - 1}</a>')
            if p < total:
                nav.append(f'<a href="{posts[p].path}">Part {p + 1} »</a>')
            bottom.append(" | ".join(nav))
        return top, bottom

    def write_other_body(self, post: Post) -> None:
        """The body of a news post or a static Page."""
        label = lambda t: f"<b>{E(t)}</b>"  # noqa: E731
        lab = self.label_href(self.case_label)
        key = post.key
        if key == "welcome":
            post.body = (f"This blog replaces the case studies section of the old "
                         f"{E(self.info.short)} web site. Cases are posted the way they "
                         "appeared there; use the <a href=\"" + lab + "\">"
                         f"{E(self.case_label)}</a> label to see them all.<br /><br />"
                         "Comments are welcome but are moderated.")
        elif key in ("call", "submit-a-case"):
            post.body = guidelines_body(label)
        elif key == "meeting":
            post.body = calendar_body()
        elif key in ("about",):
            post.body = about_body(self.info, label)
        elif key == "contact":
            post.body = contact_body(self.info)
        elif key in ("index", "case-studies-index"):
            post.body = self.index_body()

    def index_body(self) -> str:
        rng = self.rng
        mobile_links = self.mobile and rng.random() < 0.6
        items = []
        for ci, case in enumerate(self.cases):
            posts = self.case_posts(ci)
            m = "?m=1" if mobile_links and rng.random() < 0.5 else ""
            item = f'<a href="{posts[0].path}{m}">{E(case.title)}</a>'
            if len(posts) > 1 and rng.random() < 0.5:
                item += " (" + ", ".join(f'<a href="{q.path}{m}">Part {q.page}</a>'
                                         for q in posts) + ")"
            items.append(f"<li>{item}</li>")
        return ("The case studies from the old web site, oldest first.<br /><br /><ol>"
                f"{''.join(items)}</ol>")

    # --- chrome ------------------------------------------------------------------------------

    def label_href(self, label: str) -> str:
        if self.classic:
            return f"/labels/{quote(label)}.html"
        return f"/search/label/{quote(label)}"

    def head(self, title: str, post: Post | None, canonical: str | None) -> str:
        name = E(self.name)
        if self.classic:
            return ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
                    '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
                    '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">\n<head>\n'
                    f"  <title>{E(title)}</title>\n"
                    '  <meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />\n'
                    '  <meta name="MSSmartTagsPreventParsing" content="true" />\n'
                    '  <meta name="generator" content="Blogger" />\n'
                    f'  <link rel="alternate" type="application/atom+xml" title="{name} - Atom" '
                    'href="/atom.xml" />\n'
                    f'  <link rel="alternate" type="application/rss+xml" title="{name} - RSS" '
                    'href="/rss.xml" />\n'
                    f'  <link rel="service.post" type="application/atom+xml" title="{name} - '
                    f'Atom" href="https://www.blogger.com/feeds/{self.blog_id}/posts/default" />\n'
                    '  <style type="text/css">\n/*\n-----------------------------------------------'
                    "\nBlogger Template Style\nName:     Minima\nDesigner: Douglas Bowman\n"
                    "URL:      www.stopdesign.com\nDate:     26 Feb 2004\n"
                    "----------------------------------------------- */\nbody {\n  background:"
                    "#fff;\n  margin:0;\n  padding:40px 20px;\n  font:x-small Georgia,Serif;\n"
                    "  text-align:center;\n  color:#333;\n  font-size/* */:/**/small;\n"
                    "  font-size: /**/small;\n  }\n  </style>\n</head>\n")
        extra = f"<link href='{canonical}' rel='canonical'/>\n" if canonical else ""
        if post is not None and not post.static:
            extra += (f'<link rel="alternate" type="application/atom+xml" title="{name} - Atom" '
                      f'href="/feeds/{post.pid}/comments/default" />\n')
        doctype = ("<!DOCTYPE html>\n<html class='v2' dir='ltr' "
                   "xmlns='http://www.w3.org/1999/xhtml' "
                   "xmlns:b='http://www.google.com/2005/gml/b' "
                   "xmlns:data='http://www.google.com/2005/gml/data' "
                   "xmlns:expr='http://www.google.com/2005/gml/expr'>\n"
                   if self.simple else
                   '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
                   '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
                   "<html expr:dir='data:blog.languageDirection' "
                   "xmlns='http://www.w3.org/1999/xhtml' "
                   "xmlns:b='http://www.google.com/2005/gml/b' "
                   "xmlns:data='http://www.google.com/2005/gml/data' "
                   "xmlns:expr='http://www.google.com/2005/gml/expr'>\n")
        return (doctype + "<head>\n"
                + ("<meta content='IE=EmulateIE7' http-equiv='X-UA-Compatible'/>\n"
                   "<meta content='width=1100' name='viewport'/>\n" if self.simple else "")
                + "<meta content='text/html; charset=UTF-8' http-equiv='Content-Type'/>\n"
                "<meta content='blogger' name='generator'/>\n"
                "<link href='/favicon.ico' rel='icon' type='image/x-icon'/>\n" + extra
                + f'<link rel="alternate" type="application/atom+xml" title="{name} - Atom" '
                'href="/feeds/posts/default" />\n'
                f'<link rel="alternate" type="application/rss+xml" title="{name} - RSS" '
                'href="/feeds/posts/default?alt=rss" />\n'
                f'<link rel="service.post" type="application/atom+xml" title="{name} - Atom" '
                f'href="https://www.blogger.com/feeds/{self.blog_id}/posts/default" />\n'
                f'<link rel="me" href="https://www.blogger.com/profile/{self.profile}" />\n'
                '<link rel="openid.server" href="https://www.blogger.com/openid-server.g" />\n'
                f"<title>{E(title)}</title>\n"
                "<style id='page-skin-1' type='text/css'><!--\n/*\n"
                "-----------------------------------------------\n"
                f"{SKIN[self.template]}\n"
                "----------------------------------------------- */\n"
                "body {\n  background:#fff;\n  margin:0;\n  color:#333;\n  font:x-small Georgia "
                "Serif;\n  }\n--></style>\n</head>\n")

    def navbar(self) -> str:
        q = (f"targetBlogID={self.blog_id}&amp;blogName={quote(self.name, safe='')}&amp;"
             f"publishMode=PUBLISH_MODE_BLOGSPOT&amp;navbarType=BLUE&amp;layoutType="
             f"{'CLASSIC' if self.classic else 'LAYOUTS'}&amp;searchRoot=http%3A%2F%2F"
             f"{self.host}%2Fsearch&amp;blogLocale=en_US&amp;homepageUrl=http%3A%2F%2F"
             f"{self.host}%2F")
        frame = (f'<iframe src="https://www.blogger.com/navbar.g?{q}" height="30px" '
                 'width="100%" marginwidth="0" marginheight="0" scrolling="no" '
                 'id="navbar-iframe" frameborder="0"></iframe>')
        if self.classic:
            return f'<!-- Begin #navbar -->\n{frame} <div id="space-for-ie"></div>\n'
        return ("<div class='navbar section' id='navbar'><div class='widget Navbar' "
                "id='Navbar1'><script type=\"text/javascript\">\n    function "
                "setAttributeOnload(object, attribute, val) {\n      if(window.addEventListener)"
                " {\n        window.addEventListener('load',\n          function(){ object["
                "attribute] = val; }, false);\n      } else {\n        window.attachEvent("
                "'onload', function(){ object[attribute] = val; });\n      }\n    }\n  </script>"
                f'\n<div id="navbar-iframe-container"></div>\n{frame}\n</div></div>\n')

    def header(self) -> str:
        desc = E(f"Case studies in sports medicine from the {self.info.name}")
        if self.classic:
            return (f'<div id="header">\n  <h1 id="blog-title">\n    <a href="/">{E(self.name)}'
                    f'</a>\n  </h1>\n  <p id="description">{desc}</p>\n</div>\n')
        return ("<div class='header section' id='header'><div class='widget Header' "
                "id='Header1'>\n<div id='header-inner'>\n<div class='titlewrapper'>\n"
                f"<h1 class='title'>\n<a href='/'>{E(self.name)}</a>\n</h1>\n</div>\n"
                f"<div class='descriptionwrapper'>\n<p class='description'><span>{desc}</span>"
                "</p>\n</div>\n</div>\n</div></div>\n")

    # --- posts --------------------------------------------------------------------------------

    def labels_line(self, post: Post) -> str:
        if not post.labels:
            return ""
        links = ",\n".join(f"<a href='{self.label_href(lab)}' rel='tag'>{E(lab)}</a>"
                           for lab in post.labels)
        return f"<span class='post-labels'>\nLabels:\n{links}\n</span>"

    def comment_link(self, post: Post) -> str:
        n = len(post.comments)
        if self.simple:
            text = "No comments:" if n == 0 else f"{n} comment{'s' if n != 1 else ''}:"
            return (f"<a class='comment-link' href='{post.path}#comment-form' onclick=''>"
                    f"{text}</a>")
        return (f"<a class='comment-link' href='{post.path}#comments' onclick=''>{n} "
                f"comment{'s' if n != 1 else ''}</a>")

    def share_buttons(self, post: Post) -> str:
        if not self.share:
            return ""
        base = f"https://www.blogger.com/share-post.g?blogID={self.blog_id}&amp;postID={post.pid}"
        out = []
        for target, cls, title in (("email", "sb-email", "Email This"),
                                   ("blog", "sb-blog", "BlogThis!"),
                                   ("twitter", "sb-twitter", "Share to Twitter"),
                                   ("facebook", "sb-facebook", "Share to Facebook"),
                                   ("pinterest", "sb-pinterest", "Share to Pinterest")):
            if target == "pinterest" and not self.simple:
                continue
            out.append(f'<a class="goog-inline-block share-button {cls}" href="{base}&amp;'
                       f'target={target}" target="_blank" title="{title}"><span '
                       f'class="share-button-link-text">{title}</span></a>')
        return f"<div class='post-share-buttons goog-inline-block'>\n{''.join(out)}\n</div>\n"

    def post_footer(self, post: Post, item: bool) -> str:
        if post.static:
            return ("<div class='post-footer'>\n<div class='post-footer-line post-footer-line-1'>"
                    "</div>\n</div>\n")
        stamp = (f"<a class='timestamp-link' href='{post.path}' rel='bookmark' title='permanent "
                 f"link'><abbr class='published' title='{iso(post.when, self.tz)}'>"
                 f"{clock(post.when)}</abbr></a>")
        icons = (f"<span class='post-icons'>\n<span class='item-action'>\n<a href='https://www."
                 f"blogger.com/email-post.g?blogID={self.blog_id}&amp;postID={post.pid}' title="
                 "'Email Post'>\n<img alt='' class='icon-action' height='13' src='https://"
                 "resources.blogblog.com/img/icon18_email.gif' width='18'/>\n</a>\n</span>\n"
                 f"<span class='item-control blog-admin pid-{self.profile[:9]}'>\n<a href='https:"
                 f"//www.blogger.com/post-edit.g?blogID={self.blog_id}&amp;postID={post.pid}"
                 "&amp;from=pencil' title='Edit Post'>\n<img alt='' class='icon-action' height="
                 "'18' src='https://resources.blogblog.com/img/icon18_edit_allbkg.gif' width="
                 "'18'/>\n</a>\n</span>\n</span>")
        comments = "" if item else self.comment_link(post)
        line1 = (f"<span class='post-author vcard'>\nPosted by\n<span class='fn'>"
                 f"{E(post.author)}</span>\n</span>\n<span class='post-timestamp'>\nat\n{stamp}\n"
                 f"</span>\n<span class='post-comment-link'>\n{comments}\n</span>\n{icons}\n"
                 + (self.share_buttons(post) if self.simple else ""))
        line2 = self.labels_line(post)
        tag = "p" if self.footer_p else "div"
        return (f"<div class='post-footer'>\n<{tag} class='post-footer-line post-footer-line-1'>"
                f"{line1}</{tag}>\n<{tag} class='post-footer-line post-footer-line-2'>{line2}"
                f"</{tag}>\n<{tag} class='post-footer-line post-footer-line-3'>"
                + ("" if self.simple else self.share_buttons(post))
                + f"</{tag}>\n</div>\n")

    def comments_html(self, post: Post, mobile: bool = False) -> str:
        n = len(post.comments)
        suffix = "?m=1&amp;" if mobile else "?"
        if self.classic:
            items = "".join(
                f'<dt class="comment-poster" id="c{c.cid}"><a name="c{c.cid}"></a>\n'
                f'<a href="https://www.blogger.com/profile/{c.cid[:8]}" rel="nofollow">'
                f"{E(c.author)}</a> said...\n</dt>\n<dd class=\"comment-body\">\n<p>{E(c.text)}"
                f'</p>\n</dd>\n<dd class="comment-timestamp"><a href="#c{c.cid}" title="comment '
                f'permalink">{c.when.month}/{c.when.day}/{c.when.year} {clock(c.when)}</a>\n</dd>\n'
                for c in post.comments)
            return (f'<div id="comments">\n<a name="comments"></a>\n<h4>{n} Comments:</h4>\n'
                    f'<dl id="comments-block">\n{items}</dl>\n<p class="comment-timestamp">\n'
                    f'<a class="comment-link" href="https://www.blogger.com/comment.g?blogID='
                    f'{self.blog_id}&amp;postID={post.pid}">Post a Comment</a>\n</p>\n'
                    '<a name="links"></a><h4>Links to this post:</h4>\n<dl id="comments-block">'
                    '</dl>\n<p class="comment-timestamp">\n<a class="comment-link" id="b-link-'
                    f'{post.pid}" href="javascript:BlogThis();">Create a Link</a>\n</p>\n'
                    '<p class="comment-timestamp">\n<a href="/">&lt;&lt; Home</a>\n</p>\n</div>\n')
        head = "No comments:" if n == 0 and self.simple else f"{n} comment{'s' if n != 1 else ''}:"
        if self.simple:
            items = "".join(
                f'<li class="comment" id="c{c.cid}"><div class="avatar-image-container"><img src='
                '"//resources.blogblog.com/img/blank.gif"/></div><div class="comment-block"><div '
                f'class="comment-header"><cite class="user"><a href="https://www.blogger.com/'
                f'profile/{c.cid[:8]}" rel="nofollow">{E(c.author)}</a></cite><span class="icon '
                'user "></span><span class="datetime secondary-text"><a rel="nofollow" href="'
                f'{post.path}{suffix}showComment={self.ms(c.when)}#c{c.cid}">'
                f"{MONTHS[c.when.month - 1]} {c.when.day}, {c.when.year} at {clock(c.when)}"
                "</a></span></div><p class="
                f'"comment-content">{E(c.text)}</p><span class="comment-actions secondary-text">'
                f'<a class="comment-reply" target="_self" data-comment-id="{c.cid}">Reply</a>'
                '</span></div><div class="comment-replies"></div><div class="comment-replybox-'
                f'single" id="c{c.cid}-ce"></div></li>' for c in post.comments)
            thread = (f'<div class="comment-thread"><ol id="top-ra">{items}</ol><div id="top-'
                      'continue" class="continue"><a class="comment-reply" target="_self">Add '
                      'comment</a></div><div class="comment-replybox-thread" id="top-ce"></div>'
                      f'<div class="loadmore hidden" data-post-id="{post.pid}"><a target="_self">'
                      "Load more...</a></div></div>" if n else "")
            return ("<div class='comments' id='comments'>\n<a name='comments'></a>\n"
                    f"<h4>{head}</h4>\n<div class='comments-content'>\n{thread}\n</div>\n"
                    "<p class='comment-footer'>\n<div class='comment-form'>\n"
                    "<a name='comment-form'></a>\n<h4 id='comment-post-message'>Post a Comment"
                    "</h4>\n<p></p>\n<a href='"
                    f"https://www.blogger.com/comment-iframe.g?blogID={self.blog_id}&amp;postID="
                    f"{post.pid}' id='comment-editor-src'></a>\n<iframe allowtransparency='true' "
                    "class='blogger-iframe-colorize blogger-comment-from-post' frameborder='0' "
                    "height='410' id='comment-editor' name='comment-editor' src='' width='100%'>"
                    "</iframe>\n</div>\n</p>\n<div id='backlinks-container'>\n<div id='Blog1_"
                    "backlinks-container'>\n</div>\n</div>\n</div>\n")
        items = "".join(
            f"<dt class='comment-author ' id='c{c.cid}'>\n<a name='c{c.cid}'></a>\n<a href='https:"
            f"//www.blogger.com/profile/{c.cid[:8]}' rel='nofollow'>{E(c.author)}</a>\nsaid...\n"
            f"</dt>\n<dd class='comment-body' id='Blog1_cmt-{c.cid}'>\n<p>{E(c.text)}</p>\n</dd>\n"
            f"<dd class='comment-footer'>\n<span class='comment-timestamp'>\n<a href='{post.path}"
            f"?showComment={self.ms(c.when)}#c{c.cid}' title='comment permalink'>\n"
            f"{MONTHS[c.when.month - 1]} {c.when.day}, {c.when.year} {clock(c.when)}\n</a>\n"
            "</span>\n</dd>\n" for c in post.comments)
        return ("<div class='comments' id='comments'>\n<a name='comments'></a>\n"
                f"<h4>{head}</h4>\n<div id='Blog1_comments-block-wrapper'>\n<dl class='avatar-"
                f"comment-indent' id='comments-block'>\n{items}</dl>\n</div>\n<p class='comment-"
                f"footer'>\n<a href='https://www.blogger.com/comment.g?blogID={self.blog_id}&amp;"
                f"postID={post.pid}' onclick=''>Post a Comment</a>\n</p>\n<div id='backlinks-"
                "container'>\n<div id='Blog1_backlinks-container'>\n</div>\n</div>\n</div>\n")

    @staticmethod
    def ms(t: dt.datetime) -> int:
        return int(t.replace(tzinfo=dt.UTC).timestamp()) * 1000

    def date_header(self, post: Post) -> str:
        date = long_date(post.when)
        if self.classic:
            return f'<h2 class="date-header">{date}</h2>\n'
        return f"<h2 class='date-header'><span>{date}</span></h2>\n"

    def post_html(self, post: Post, item: bool) -> str:
        """One post in the Blog widget (or the classic main column), without its date
        header."""
        body = post.body
        jump = ""
        if not item and post.teaser is not None:
            body = post.teaser
            jump = (f"<div class='jump-link'>\n<a href='{post.path}#more' title='"
                    f"{E(post.title)}'>Read more »</a>\n</div>\n")
        if self.classic:
            title = (f'<h3 class="post-title">\n{E(post.title)}\n</h3>' if item else
                     f'<h3 class="post-title">\n<a href="{post.path}">{E(post.title)}</a>\n</h3>')
            footer = (f'<p class="post-footer">\n<em>posted by {E(post.author)} at <a href="'
                      f'{post.path}" title="permanent link">{clock(post.when)}</a></em>\n'
                      + ("" if item else f'<a class="comment-link" href="{post.path}#comments">'
                         f"{len(post.comments)} comments</a>\n")
                      + f'<span class="item-action"><a href="https://www.blogger.com/email-post.g'
                      f'?blogID={self.blog_id}&amp;postID={post.pid}" title="Email Post"><img '
                      'class="icon-action" alt="" src="https://resources.blogblog.com/img/icon18'
                      '_email.gif" height="13" width="18"/></a></span>\n</p>\n')
            labels = ""
            if post.labels:
                labels = ('<p class="post-labels">Labels: ' + ", ".join(
                    f'<a href="{self.label_href(lab)}" rel="tag">{E(lab)}</a>'
                    for lab in post.labels) + "</p>\n")
            return (f'<!-- Begin .post -->\n<div class="post"><a name="{post.pid}"></a>\n'
                    f"{title}\n<div class=\"post-body\">\n<div style=\"clear:both;\"></div>{body}"
                    '<div style="clear:both; padding-bottom:0.25em"></div>\n</div>\n'
                    f"{footer}{labels}</div>\n<!-- End .post -->\n")
        linked = not (item and self.simple)
        title_inner = (f"<a href='{post.path}'>{E(post.title)}</a>" if linked else E(post.title))
        schema = (" itemprop='blogPost' itemscope='itemscope' itemtype='http://schema.org/"
                  "BlogPosting'" if self.simple else "")
        body_id = f" id='post-body-{post.pid}'" + (" itemprop='description articleBody'"
                                                    if self.simple else "")
        inner = (f"<div class='post hentry'{schema}>\n<a name='{post.pid}'></a>\n"
                 f"<h3 class='post-title entry-title'>\n{title_inner}\n</h3>\n"
                 "<div class='post-header'>\n<div class='post-header-line-1'></div>\n</div>\n"
                 f"<div class='post-body entry-content'{body_id}>\n{body}\n"
                 f"<div style='clear: both;'></div>\n</div>\n{jump}"
                 f"{self.post_footer(post, item)}</div>\n")
        if item and not post.static:
            inner += self.comments_html(post)
        return f"<div class='post-outer'>\n{inner}</div>\n"

    def posts_html(self, posts: list[Post], item: bool) -> str:
        """Posts with a date header over the first post of each day (Simple: each day's
        posts in a ``date-outer``)."""
        days: list[tuple[str, list[str]]] = []
        last_date = None
        for post in posts:
            fresh = post.when.date() != last_date or post.static
            last_date = post.when.date()
            if fresh:
                days.append(("" if post.static else self.date_header(post), []))
            days[-1][1].append(self.post_html(post, item))
        if self.simple:
            return "".join(self._date_outer(dh, pieces) for dh, pieces in days)
        return "".join(dh + "".join(pieces) for dh, pieces in days)

    @staticmethod
    def _date_outer(dh: str, pieces: list[str]) -> str:
        return (f"<div class=\"date-outer\">\n{dh}<div class=\"date-posts\">\n"
                + "".join(pieces) + "</div></div>\n")

    # --- sidebar widgets --------------------------------------------------------------------

    def archive_widget(self, focus: dt.datetime) -> str:
        by_year: dict[int, dict[int, list[Post]]] = {}
        for post in sorted(self.posts, key=lambda p: p.when, reverse=True):
            by_year.setdefault(post.when.year, {}).setdefault(post.when.month, []).append(post)
        if self.archive_style == "dropdown":
            opts = "".join(f"<option value='{self.month_path(y, m)}'>{MONTHS[m - 1]} {y} "
                           f"({len(ps)})</option>\n" for y, ms in by_year.items()
                           for m, ps in ms.items())
            content = (f"<div id='ArchiveList'>\n<div id='BlogArchive1_ArchiveList'>\n<select "
                       f"id='BlogArchive1_ArchiveMenu'>\n<option value=''>Blog Archive</option>\n"
                       f"{opts}</select>\n</div>\n</div>")
        elif self.archive_style == "flat":
            items = "".join(f"<li class='archivedate'>\n<a href='{self.month_path(y, m)}'>"
                            f"{MONTHS[m - 1]} {y}</a> ({len(ps)})\n</li>\n"
                            for y, ms in by_year.items() for m, ps in ms.items())
            content = (f"<div id='ArchiveList'>\n<div id='BlogArchive1_ArchiveList'>\n<ul "
                       f"class='flat'>\n{items}</ul>\n</div>\n</div>")
        else:
            years = []
            for y, ms in by_year.items():
                open_y = y == focus.year
                months = []
                for m, ps in ms.items():
                    open_m = open_y and m == focus.month
                    posts = ("<ul class='posts'>\n" + "".join(
                        f"<li><a href='{p.path}'>{E(p.title)}</a></li>\n" for p in ps) + "</ul>\n"
                             if open_m else "")
                    months.append(self._zippy(open_m, self.month_path(y, m), MONTHS[m - 1],
                                              len(ps), posts))
                inner = "<ul class='hierarchy'>\n" + "".join(months) + "</ul>\n"
                years.append(self._zippy(open_y, f"/{y}/", str(y),
                                         sum(len(p) for p in ms.values()), inner))
            content = ("<div id='ArchiveList'>\n<div id='BlogArchive1_ArchiveList'>\n<ul class="
                       f"'hierarchy'>\n{''.join(years)}</ul>\n</div>\n</div>")
        return self.widget("BlogArchive", "BlogArchive1", "Blog Archive", content)

    @staticmethod
    def _zippy(expanded: bool, href: str, text: str, count: int, inner: str) -> str:
        state, arrow = ("expanded", "toggle-open'>▼&nbsp;") if expanded else (
            "collapsed", "'>►&nbsp;")
        return (f"<li class='archivedate {state}'>\n<a class='toggle' href='javascript:void(0)'>"
                f"\n<span class='zippy {arrow}</span>\n</a>\n<a class='post-count-link' href="
                f"'{href}'>{text}</a>\n<span class='post-count' dir='ltr'>({count})</span>\n"
                + (inner if expanded else "") + "</li>\n")

    def month_path(self, y: int, m: int) -> str:
        return f"/{y}_{m:02d}_01_archive.html"

    @staticmethod
    def widget(kind: str, wid: str, title: str | None, content: str) -> str:
        h = f"<h2>{E(title)}</h2>\n" if title else ""
        return (f"<div class='widget {kind}' id='{wid}'>\n{h}<div class='widget-content'>\n"
                f"{content}\n</div>\n<div class='clear'></div>\n</div>")

    def label_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for post in self.posts:
            for lab in post.labels:
                counts[lab] = counts.get(lab, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: kv[0].lower()))

    def labels_widget(self) -> str:
        counts = self.label_counts()
        if self.label_style == "cloud":
            items = "\n".join(f"<span class='label-size label-size-{min(5, 1 + n // 3)}'>\n<a "
                              f"dir='ltr' href='{self.label_href(lab)}'>{E(lab)}</a>\n</span>"
                              for lab, n in counts.items())
            content = f"<div class='widget-content cloud-label-widget-content'>\n{items}\n</div>"
            return (f"<div class='widget Label' id='Label1'>\n<h2>Labels</h2>\n{content}\n"
                    "<div class='clear'></div>\n</div>")
        items = "".join(f"<li>\n<a dir='ltr' href='{self.label_href(lab)}'>{E(lab)}</a>\n<span "
                        f"dir='ltr'>({n})</span>\n</li>\n" for lab, n in counts.items())
        return self.widget("Label", "Label1", "Labels", f"<ul>\n{items}</ul>")

    def profile_widget(self) -> str:
        who = E(f"{self.info.short} Education Committee")
        return self.widget(
            "Profile", "Profile1", "About Me",
            f"<a href='https://www.blogger.com/profile/{self.profile}'><img alt='My Photo' class="
            f"'profile-img' height='80' src='//blogger.googleusercontent.com/img/b/R29vZ2xl/"
            f"photo.jpg' width='80'/></a>\n<dl class='profile-datablock'>\n<dt class='profile-"
            f"data'>\n<a class='profile-name-link g-profile' href='https://www.blogger.com/"
            f"profile/{self.profile}' rel='author'>{who}</a>\n</dt>\n<dd class='profile-"
            f"textblock'>The education committee of the {E(self.info.name)} posts a teaching "
            "case every few weeks.</dd>\n</dl>\n<a class='profile-link' href='https://www."
            f"blogger.com/profile/{self.profile}' rel='author'>View my complete profile</a>")

    def sidebar(self, focus: dt.datetime) -> str:
        rng_free = []  # widget order is fixed per blog (drawn once in build)
        for kind in self.widget_order:
            if kind == "followers":
                rng_free.append(self.widget(
                    "Followers", "Followers1", "Followers",
                    "<div id='Followers1-wrapper'>\n<div style='margin-right:2px;'>\n<div id='"
                    f"div-{self.blog_id[:6]}'><script type=\"text/javascript\" src=\"https://www."
                    "google.com/friendconnect/script/friendconnect.js\"></script>\n</div>\n"
                    "</div>\n</div>"))
            elif kind == "archive":
                rng_free.append(self.archive_widget(focus))
            elif kind == "labels":
                rng_free.append(self.labels_widget())
            elif kind == "profile":
                rng_free.append(self.profile_widget())
            elif kind == "subscribe":
                rng_free.append(
                    "<div class='widget Subscribe' id='Subscribe1'>\n<div style='white-space:"
                    "nowrap'>\n<h2 class='title'>Subscribe To</h2>\n<div class='widget-content'>"
                    "\n<div class='subscribe-wrapper subscribe-type-POST'>\n<div class='subscribe"
                    " expanded subscribe-type-POST' id='SW_READER_LIST_Subscribe1POST' style='"
                    "display:none;'>\n<div class='top'>\n<span class='inner' onclick='return(_SW_"
                    "toggleReaderList(event, \"Subscribe1POST\"));'>\n<img class='subscribe-"
                    "dropdown-arrow' src='https://resources.blogblog.com/img/widgets/arrow_"
                    "dropdown.gif'/>\n<img align='absmiddle' alt='' border='0' class='feed-icon' "
                    "src='https://resources.blogblog.com/img/icon_feed12.png'/>\nPosts\n</span>\n"
                    "<div class='feed-reader-links'>\n<a class='feed-reader-link' href='https://"
                    f"www.netvibes.com/subscribe.php?url=http%3A%2F%2F{self.host}%2Ffeeds%2Fposts"
                    "%2Fdefault' target='_blank'>\n<img src='https://resources.blogblog.com/img/"
                    "widgets/subscribe-netvibes.png'/>\n</a>\n<a class='feed-reader-link' href='"
                    "/feeds/posts/default' target='_blank'>\n<img align='absmiddle' class='feed-"
                    "icon' src='https://resources.blogblog.com/img/icon_feed12.png'/>\nAtom\n"
                    "</a>\n</div>\n</div>\n</div>\n</div>\n</div>\n</div>\n</div>")
            elif kind == "links":
                rng_free.append(self.widget(
                    "LinkList", "LinkList1", "Links",
                    f"<ul>\n<li><a href='http://www.{self.info.short.lower()}.org/'>"
                    f"{E(self.info.name)}</a></li>\n<li><a href='{self.soft404}'>Osteitis Pubis "
                    "in a Soccer Player (2008)</a></li>\n<li><a href='http://www.example.org/"
                    "journal/'>Clinical Journal of Sport Medicine</a></li>\n</ul>"))
            elif kind == "popular":
                items = []
                for post in [p for p in self.posts if p.case is not None][:4]:
                    case = self.cases[post.case]  # type: ignore[index]
                    first = next((b.items[0] for part in case.pages[0] for b in part.blocks
                                  if b.kind == "p"), "")
                    items.append(f"<li>\n<div class='item-title'><a href='{post.path}'>"
                                 f"{E(post.title)}</a></div>\n<div class='item-snippet'>"
                                 f"{E(first[:96])} ...</div>\n</li>\n")
                rng_free.append(self.widget("PopularPosts", "PopularPosts1", "Popular Posts",
                                            f"<div class='widget-content popular-posts'>\n<ul>\n"
                                            f"{''.join(items)}</ul>\n</div>"))
            elif kind == "search":
                rng_free.append(self.widget(
                    "BlogSearch", "BlogSearch1", "Search This Blog",
                    "<div id='BlogSearch1_form'>\n<form action='/search' class='gsc-search-box' "
                    "target='_top'>\n<table cellpadding='0' cellspacing='0' class='gsc-search-"
                    "box'><tbody><tr>\n<td class='gsc-input'><input autocomplete='off' class="
                    "'gsc-input' name='q' size='10' title='search' type='text' value=''/></td>\n"
                    "<td class='gsc-search-button'><input class='gsc-search-button' title="
                    "'search' type='submit' value='Search'/></td>\n</tr></tbody></table>\n"
                    "</form>\n</div>"))
            elif kind == "contact":
                rng_free.append(self.footer_widget("HTML2"))
        return "\n".join(rng_free)

    def footer_lines(self) -> list[str]:
        """The NOTE and the © as the footer prints them (those not pasted into posts)."""
        lines = []
        note = note_line(self.info)
        if note and self.foot_place == "footer":
            lines.append(E(note))
        if self.info.copyright and self.foot_place in ("footer", "split"):
            lines.append(E(self.info.copyright))
        return lines

    def footer_widget(self, wid: str) -> str:
        lines = self.footer_lines()
        if not lines:
            return ""
        return self.widget("HTML", wid, None, '<span style="font-size: 85%;">'
                           + "<br />\n".join(lines) + "</span>")

    def pagelist(self, current: str) -> str:
        if not self.pages_widget:
            return ""
        items = [("/", "Home")] + [(p.path, p.title) for p in self.statics]
        sel = " class='selected'"
        lis = "".join(f"<li{sel if h == current else ''}><a href='{h}'>{E(t)}</a></li>\n"
                      for h, t in items)
        return ("<div class='widget PageList' id='PageList1'>\n<h2>Pages</h2>\n<div class="
                f"'widget-content'>\n<ul>\n{lis}</ul>\n<div class='clear'></div>\n</div>\n</div>")

    # --- whole documents ----------------------------------------------------------------------

    def document(self, title: str, posts: str, after: str, focus: dt.datetime, current: str,
                 post: Post | None = None, canonical: str | None = None) -> str:
        """A whole page: ``posts`` in the Blog widget's ``blog-posts`` (the classic main
        column), ``after`` (pager, feed links) below them."""
        main = posts + after
        head = self.head(title, post, canonical)
        side = self.sidebar(focus)
        attribution = ("<div class='widget Attribution' id='Attribution1'>\n<div class='widget-"
                       "content' style='text-align: center;'>\n"
                       + ("Simple template. " if self.simple else "")
                       + "Powered by <a href='https://www.blogger.com' target='_blank'>Blogger"
                       "</a>.\n</div>\n<div class='clear'></div>\n</div>")
        foot = self.footer_widget("HTML1") if "contact" not in self.widget_order else ""
        if self.classic:
            before = [p for p in sorted(self.posts, key=lambda p: p.when, reverse=True)
                      if p.when <= focus and p.path != current]
            recent = "".join(f'<li><a href="{p.path}">{E(p.title)}</a></li>\n'
                             for p in before[:10])
            months = sorted({(p.when.year, p.when.month) for p in self.posts}, reverse=True)
            arch = "".join(f'<li><a href="{self.month_path(y, m)}">{MONTHS[m - 1]} {y}</a></li>\n'
                           for y, m in months)
            topics = "".join(f'<li><a href="{self.label_href(lab)}">{E(lab)}</a></li>\n'
                             for lab in self.label_counts())
            who = E(f"{self.info.short} Education Committee")
            note = self.footer_lines()
            footer = "<br />\n".join(note) if note else (
                "<!--This is an optional footer. If you want text here, place it inside these "
                "tags, and remove this comment. -->&nbsp;")
            return (head + "<body>\n" + self.navbar() + '<div id="outer-wrapper">\n\n'
                    + self.header() + '\n<!-- Begin #content -->\n<div id="content">\n\n'
                    '<!-- Begin #main -->\n<div id="main"><div id="main2">\n\n' + main
                    + '\n</div></div>\n\n<!-- Begin #sidebar -->\n<div id="sidebar"><div id='
                    '"sidebar2">\n\n<h2 class="sidebar-title">About Me</h2>\n<dl class="profile-'
                    'datablock">\n<dt class="profile-img"><a href="https://www.blogger.com/profile/'
                    f'{self.profile}"><img src="//blogger.googleusercontent.com/img/b/R29vZ2xl/'
                    'photo.jpg" width="80" height="80" alt="My Photo" /></a></dt>\n<dd class='
                    f'"profile-data"><strong>Name:</strong> {who} </dd>\n</dl>\n<p class="profile-'
                    'textblock">Teaching cases from our members.</p>\n<p class="profile-link"><a '
                    f'href="https://www.blogger.com/profile/{self.profile}">View my complete '
                    'profile</a></p>\n\n<h2 class="sidebar-title">Previous Posts</h2>\n<ul id='
                    f'"recently">\n{recent}</ul>\n\n<h2 class="sidebar-title">Archives</h2>\n<ul '
                    f'class="archive-list">\n{arch}</ul>\n\n<h2 class="sidebar-title">Topics</h2>'
                    f'\n<ul>\n{topics}</ul>\n\n<h2 class="sidebar-title">Links</h2>\n<ul>\n<li><a '
                    f'href="http://www.{self.info.short.lower()}.org/">{E(self.info.name)}</a>'
                    f'</li>\n<li><a href="{self.soft404}">Osteitis Pubis in a Soccer Player</a>'
                    '</li>\n<li><a href="http://www.blogger.com/">Blogger</a></li>\n</ul>\n\n'
                    '<p id="powered-by"><a href="http://www.blogger.com"><img src="http://buttons'
                    '.blogger.com/bloggerbutton1.gif" alt="Powered by Blogger" /></a></p>\n\n'
                    '</div></div>\n<!-- End #sidebar -->\n\n</div>\n<!-- End #content -->\n\n'
                    '<!-- Begin #footer -->\n<div id="footer"><hr />\n  <p>' + footer
                    + "</p>\n</div>\n<!-- End #footer -->\n\n</div>\n</body>\n</html>\n")
        blog = (f"<div class='widget Blog' id='Blog1'>\n<div class='blog-posts hfeed'>\n"
                f"<!--Can't find substitution for tag [defaultAdStart]-->\n{posts}"
                f"<!--Can't find substitution for tag [adEnd]-->\n</div>\n{after}</div>\n")
        if self.simple:
            return (head + "<body class='loading'>\n" + self.navbar()
                    + "<div class='body-fauxcolumns'>\n<div class='fauxcolumn-outer body-"
                    "fauxcolumn-outer'>\n<div class='cap-top'>\n<div class='cap-left'></div>\n"
                    "<div class='cap-right'></div>\n</div>\n</div>\n</div>\n<div class='content'>"
                    "\n<div class='content-outer'>\n<div class='content-cap-top cap-top'>\n</div>"
                    "\n<div class='fauxborder-left content-fauxborder-left'>\n<div class='content-"
                    "inner'>\n<header>\n<div class='header-outer'>\n<div class='region-inner "
                    "header-inner'>\n" + self.header() + "</div>\n</div>\n</header>\n<div class="
                    "'tabs-outer'>\n<div class='region-inner tabs-inner'>\n<div class='tabs "
                    "section' id='crosscol'>" + self.pagelist(current) + "</div>\n</div>\n</div>\n"
                    "<div class='main-outer'>\n<div class='region-inner main-inner'>\n<div class="
                    "'columns fauxcolumns'>\n<div class='columns-inner'>\n<div class='column-"
                    "center-outer'>\n<div class='column-center-inner'>\n<div class='main section' "
                    "id='main'>" + blog + "</div>\n</div>\n</div>\n<div class='column-"
                    "right-outer'>\n<div class='column-right-inner'>\n<aside>\n<div class='sidebar"
                    " section' id='sidebar-right-1'>" + side + "</div>\n</aside>\n</div>\n</div>\n"
                    "</div>\n<div style='clear: both'></div>\n</div>\n</div>\n</div>\n<footer>\n"
                    "<div class='footer-outer'>\n<div class='region-inner footer-inner'>\n<div "
                    "class='foot section' id='footer-1'>" + foot + "</div>\n<div class='foot "
                    "section' id='footer-3'>" + attribution + "</div>\n</div>\n</div>\n</footer>\n"
                    "</div>\n</div>\n</div>\n</div>\n</body>\n</html>\n")
        if self.template == "rounders":
            return (head + "<body>\n" + self.navbar() + "<div id='outer-wrapper'>\n<div id="
                    "'header-wrapper'>\n" + self.header() + "</div>\n<div id='crosscol-wrapper' "
                    "style='text-align:center'>\n<div class='crosscol section' id='crosscol'>"
                    + self.pagelist(current) + "</div>\n</div>\n<div id='main-wrap1'><div id="
                    "'main-wrap2'>\n<div class='main section' id='main'>" + blog + "</div>\n"
                    "</div></div>\n<div id='sidebar-wrap'>\n<div id='sidebartop-wrap'><div id="
                    "'sidebartop-wrap2'>\n<div class='sidebar section' id='sidebartop'>"
                    + side + "</div>\n</div></div>\n<div id='sidebarbottom-wrap1'><div id="
                    "'sidebarbottom-wrap2'>\n<div class='sidebar section' id='sidebar'>"
                    + attribution + "</div>\n</div></div>\n</div>\n<div id='footer-wrap1'><div "
                    "id='footer-wrap2'>\n<div class='footer section' id='footer'>" + foot
                    + "</div>\n</div></div>\n</div>\n</body>\n</html>\n")
        return (head + "<body>\n" + self.navbar() + "<div id='outer-wrapper'><div id='wrap2'>\n"
                "<!-- skip links for text browsers -->\n<span id='skiplinks' style='display:none;'"
                ">\n<a href='#main'>skip to main </a> |\n<a href='#sidebar'>skip to sidebar</a>\n"
                "</span>\n<div id='header-wrapper'>\n" + self.header() + "</div>\n<div id='"
                "content-wrapper'>\n<div id='crosscol-wrapper' style='text-align:center'>\n<div "
                "class='crosscol section' id='crosscol'>" + self.pagelist(current) + "</div>\n"
                "</div>\n<div id='main-wrapper'>\n<div class='main section' id='main'>" + blog
                + "</div>\n</div>\n<div id='sidebar-wrapper'>\n<div class='sidebar section' id="
                "'sidebar'>" + side + "</div>\n</div>\n<!-- spacer for skins that want sidebar "
                "and main to be the same height-->\n<div class='clear'>&#160;</div>\n</div>\n"
                "<!-- end content-wrapper -->\n<div id='footer-wrapper'>\n<div class='footer "
                "section' id='footer'>" + foot + attribution + "</div>\n</div>\n</div></div>\n"
                "<!-- end outer-wrapper -->\n</body>\n</html>\n")

    def pager(self, newer: tuple[str, str] | None, older: tuple[str, str] | None,
              home: bool = True) -> str:
        if self.classic:
            return ""
        out = ["<div class='blog-pager' id='blog-pager'>\n"]
        if newer:
            out.append(f"<span id='blog-pager-newer-link'>\n<a class='blog-pager-newer-link' "
                       f"href='{E(newer[0])}' id='Blog1_blog-pager-newer-link' title='{newer[1]}'>"
                       f"{newer[1]}</a>\n</span>\n")
        if older:
            out.append(f"<span id='blog-pager-older-link'>\n<a class='blog-pager-older-link' "
                       f"href='{E(older[0])}' id='Blog1_blog-pager-older-link' title='{older[1]}'>"
                       f"{older[1]}</a>\n</span>\n")
        if home:
            out.append("<a class='home-link' href='/'>Home</a>\n")
        out.append("</div>\n<div class='clear'></div>\n")
        return "".join(out)

    def feeds_line(self, post: Post | None) -> str:
        if self.classic:
            return ""
        if post is not None:
            return ("<div class='post-feeds'>\n<div class='feed-links'>\nSubscribe to:\n<a class="
                    f"'feed-link' href='/feeds/{post.pid}/comments/default' target='_blank' type="
                    "'application/atom+xml'>Post Comments (Atom)</a>\n</div>\n</div>\n")
        return ("<div class='blog-feeds'>\n<div class='feed-links'>\nSubscribe to:\n<a class="
                "'feed-link' href='/feeds/posts/default' target='_blank' type='application/atom"
                "+xml'>Posts (Atom)</a>\n</div>\n</div>\n")

    # --- pages ----------------------------------------------------------------------------------

    def title_of(self, what: str) -> str:
        return f"{self.name}: {what}" if what else self.name

    def item_page(self, post: Post) -> str:
        ordered = sorted(self.posts, key=lambda p: p.when)
        if post.static:
            nav = self.pager(None, None)
        else:
            i = ordered.index(post)
            newer = (ordered[i + 1].path, "Newer Post") if i + 1 < len(ordered) else None
            older = (ordered[i - 1].path, "Older Post") if i else None
            nav = self.pager(newer, older)
        main = self.posts_html([post], item=True)
        if self.classic and not post.static:
            main += self.comments_html(post)
        after = nav + (self.feeds_line(post) if not post.static else "")
        canonical = post.path if self.simple else None
        return self.document(self.title_of(post.title), main, after, post.when, post.path, post,
                             canonical)

    def mobile_page(self, post: Post) -> str:
        ordered = sorted(self.posts, key=lambda p: p.when)
        links = ""
        if not post.static:
            i = ordered.index(post)
            if i + 1 < len(ordered):
                links += ("<div class='mobile-link-button' id='blog-pager-newer-link'>\n<a class="
                          f"'blog-pager-newer-link' href='{ordered[i + 1].path}?m=1' id='Blog1_"
                          "blog-pager-newer-link' title='Newer Post'>&lsaquo;</a>\n</div>\n")
            if i:
                links += ("<div class='mobile-link-button' id='blog-pager-older-link'>\n<a class="
                          f"'blog-pager-older-link' href='{ordered[i - 1].path}?m=1' id='Blog1_"
                          "blog-pager-older-link' title='Older Post'>&rsaquo;</a>\n</div>\n")
        comments = "" if post.static else self.comments_html(post, mobile=True)
        dh = "" if post.static else (f"<div class='date-header'><span>{long_date(post.when)}"
                                     "</span></div>\n")
        author = "" if post.static else (
            f"<div class='post-footer'>\n<div class='post-footer-line post-footer-line-1'><span "
            f"class='post-author vcard'>Posted by <span class='fn'>{E(post.author)}</span></span>"
            f" <span class='post-timestamp'>at <a class='timestamp-link' href='{post.path}?m=1' "
            f"rel='bookmark' title='permanent link'><abbr class='published' title='"
            f"{iso(post.when, self.tz)}'>{clock(post.when)}</abbr></a></span></div>\n"
            + self.share_buttons(post) + "</div>\n")
        return ("<!DOCTYPE html>\n<html class='v2' dir='ltr'>\n<head>\n<meta content='width="
                "device-width,initial-scale=1.0,minimum-scale=1.0,maximum-scale=1.0' name="
                "'viewport'/>\n<meta content='text/html; charset=UTF-8' http-equiv='Content-Type'"
                f"/>\n<meta content='blogger' name='generator'/>\n<link href='{post.path}' rel="
                f"'canonical'/>\n<title>{E(self.title_of(post.title))}</title>\n</head>\n<body "
                "class='mobile variant-simple'>\n<div class='content'>\n<div class='content-"
                "outer'>\n<header>\n<div class='header-outer'>\n<div class='header section' id="
                f"'header'><div class='widget Header' id='Header1'>\n<div id='header-inner'>\n"
                f"<div class='titlewrapper'>\n<h1 class='title'>\n<a href='/?m=1'>{E(self.name)}"
                "</a>\n</h1>\n</div>\n</div>\n</div></div>\n</div>\n</header>\n<div class='main-"
                "outer'>\n<div class='main section' id='main'><div class='widget Blog' id='Blog1'>"
                f"\n<div class='blog-posts hfeed'>\n<div class='date-outer'>\n{dh}<div class='date-"
                "posts'>\n<div class='post-outer'>\n<div class='post hentry'>\n"
                f"<a name='{post.pid}'></a>\n<h3 class='post-title entry-title'>\n"
                f"{E(post.title)}\n</h3>\n<div class="
                f"'post-body entry-content' id='post-body-{post.pid}'>\n{post.body}\n<div style="
                f"'clear: both;'></div>\n</div>\n{author}</div>\n{comments}</div>\n</div>\n</div>\n"
                f"</div>\n<div class='blog-pager' id='blog-pager'>\n{links}<div class='mobile-link-"
                "button' id='blog-pager-home-link'>\n<a class='home-link' href='/?m=1'>Home</a>\n"
                f"</div>\n<div class='mobile-desktop-link'>\n<a class='home-link' href='{post.path}"
                "?m=0'>View web version</a>\n</div>\n</div>\n<div class='clear'></div>\n"
                "</div></div>\n</div>\n<div class='footer-outer'>\n<div class='widget "
                "Attribution' id="
                "'Attribution1'>\n<div class='widget-content' style='text-align: center;'>\nPowered"
                " by <a href='https://www.blogger.com' target='_blank'>Blogger</a>.\n</div>\n</div>"
                "\n</div>\n</div>\n</div>\n</body>\n</html>\n")

    def listing(self, title: str, posts: list[Post], newer: str | None, older: str | None,
                current: str, status: str = "", older_label: str = "Older Posts") -> str:
        main = status + self.posts_html(posts, item=False)
        after = self.pager((newer, "Newer Posts") if newer else None,
                           (older, older_label) if older else None) + self.feeds_line(None)
        focus = posts[0].when if posts else max(p.when for p in self.posts)
        return self.document(title, main, after, focus, current)

    def status_msg(self, text: str) -> str:
        return ("<div class='status-msg-wrap'>\n<div class='status-msg-body'>\n" + text
                + "\n</div>\n<div class='status-msg-border'>\n<div class='status-msg-bg'>\n<div "
                "class='status-msg-hidden'>" + text + "</div>\n</div>\n</div>\n</div>\n"
                "<div style='clear: both;'></div>\n")

    def chain(self, base: str, posts: list[Post], title: str, status: str,
              label_paging: bool) -> None:
        """A listing paged by "Older Posts": base, then base?updated-max=... pages, with
        "Newer Posts" reverse-paginate links back."""
        n = self.per_page
        chunks = [posts[i:i + n] for i in range(0, len(posts), n)] or [[]]
        urls = [base]
        for k in range(1, len(chunks)):
            ts = iso(chunks[k - 1][-1].when, self.tz)
            extra = f"&start={n * k}&by-date=false" if label_paging else ""
            stem = base if label_paging else "/search"
            urls.append(f"{stem}?updated-max={ts}&max-results={n}{extra}")
        newer_urls: list[str | None] = [None]
        for k in range(1, len(chunks)):
            ts = iso(chunks[k][0].when, self.tz)
            stem = base if label_paging else "/search"
            newer_urls.append(f"{stem}?updated-min={ts}&max-results={n}&reverse-paginate=true")
        pages = []
        for k, chunk in enumerate(chunks):
            older = urls[k + 1] if k + 1 < len(urls) else None
            pages.append(self.listing(title, chunk, newer_urls[k], older, base, status))
            self.site.non_case(urls[k], pages[-1])
        for k in range(1, len(chunks)):
            self.site.non_case(newer_urls[k], pages[k - 1])  # type: ignore[arg-type]

    def build(self) -> Site:
        site = self.site
        self.draw_posts()
        self.soft404 = f"/{self.posts[0].when.year - 1}/11/osteitis-pubis-in-soccer-player.html"
        self.draw_widgets()
        self.write_bodies()
        newest = sorted(self.posts, key=lambda p: p.when, reverse=True)
        self.serve_posts()
        self.serve_listings(newest)
        if self.mobile:
            self.serve_mobile_home(newest)

        # the soft 404
        main = self.status_msg("Sorry, the page you were looking for in this blog does not "
                               "exist.")
        site.non_case(self.soft404, self.document(self.name, main, self.pager(None, None),
                                                   max(p.when for p in self.posts), "x"),
                      status=self.status404)

        # feeds and the favicon
        self.feeds(newest)
        site.pages["/favicon.ico"] = (GIF, "image/x-icon", 200)
        index = next((p for p in [*self.statics, *self.posts]
                      if p.key in ("index", "case-studies-index")), None)
        if self.start_kind == "index" and index is not None:
            site.start_path = index.path
        else:
            site.start_path = self.label_href(self.case_label)
        return site

    def draw_widgets(self) -> None:
        """The sidebar's widgets in their order."""
        rng = self.rng
        self.widget_order = (["profile", "archive", "labels", "links"] if self.classic else
                             rng.sample(["archive", "labels", "profile", "subscribe", "links"], 5))
        if not self.classic:
            if rng.random() < 0.6:
                self.widget_order.insert(0, "followers")
            if self.simple:
                self.widget_order.insert(0, "search")
                self.widget_order.insert(rng.randint(1, 3), "popular")
            if self.foot_place != "post" and rng.random() < 0.4:
                self.widget_order.append("contact")

    def serve_posts(self) -> None:
        """Every post and Page with its comment permalinks and mobile views; the truth of
        the cases."""
        site = self.site
        case_urls: dict[int, list[dict]] = {}
        for post in [*self.posts, *self.statics]:
            put = site.add if post.case is not None else site.non_case
            html = self.item_page(post)
            views = [f"{post.path}?showComment={self.ms(c.when)}" for c in post.comments
                     if not self.classic]
            if self.mobile:
                views += [f"{post.path}?m=0"]
            for v in [post.path, *views]:
                put(v, html)
            aliases = list(views)
            if self.mobile:
                mob = self.mobile_page(post)
                for v in [f"{post.path}?m=1", *self.mobile_views(post)]:
                    put(v, mob)
                    aliases.append(v)
            if post.case is not None:
                case_urls.setdefault(post.case, []).append({"url": post.path,
                                                            "aliases": aliases})
        for ci, case in enumerate(self.cases):
            record_case(site, self.info, case, case_urls[ci])

    def serve_listings(self, newest: list[Post]) -> None:
        """Home, label and archive pages."""
        site = self.site
        if self.classic:
            site.non_case("/", self.listing(self.name, newest[:self.per_page], None, None, "/"))
            for lab in self.label_counts():
                posts = [p for p in newest if lab in p.labels]
                site.non_case(self.label_href(lab), self.listing(self.title_of(lab), posts, None,
                                                                 None, self.label_href(lab)))
        else:
            self.chain("/", newest, self.name, "", label_paging=False)
            site.non_case("/?m=0", site.pages["/"][0].decode())
            for lab in self.label_counts():
                posts = [p for p in newest if lab in p.labels]
                status = self.status_msg(f"Showing posts with label <b>{E(lab)}</b>. <a href='/'>"
                                         "Show all posts</a>")
                self.chain(self.label_href(lab), posts, self.title_of(lab), status,
                           label_paging=True)
            for y in sorted({p.when.year for p in self.posts}):
                posts = [p for p in newest if p.when.year == y]
                site.non_case(f"/{y}/", self.listing(self.title_of(str(y)), posts, None, None,
                                                     f"/{y}/"))
        for y, m in sorted({(p.when.year, p.when.month) for p in self.posts}):
            posts = [p for p in newest if (p.when.year, p.when.month) == (y, m)]
            site.non_case(self.month_path(y, m), self.listing(
                self.title_of(f"{MONTHS[m - 1]} {y}"), posts, None, None, self.month_path(y, m)))

    def serve_mobile_home(self, newest: list[Post]) -> None:
        items = "".join(
            f"<div class='mobile-date-outer date-outer'>\n<div class='date-header'><span>"
            f"{long_date(p.when)}</span></div>\n<div class='mobile-post-outer'>\n<a href='"
            f"{p.path}?m=1'>\n<h3 class='mobile-index-title entry-title'>{E(p.title)}</h3>\n"
            "<div class='mobile-index-arrow'>&rsaquo;</div>\n<div class='mobile-index-"
            f"contents'>\n<div class='post-body'>{E(self.snippet(p))}</div>\n</div>\n<div "
            "style='clear: both;'></div>\n</a>\n</div>\n</div>\n"
            for p in newest[:self.per_page])
        self.site.non_case("/?m=1", "<!DOCTYPE html>\n<html class='v2' dir='ltr'>\n<head>\n"
                           "<meta content='width=device-width,initial-scale=1.0' name='viewport'"
                           f"/>\n<title>{E(self.name)}</title>\n</head>\n<body class='mobile "
                           "variant-simple'>\n<header><h1 class='title'><a href='/?m=1'>"
                           f"{E(self.name)}</a></h1></header>\n<div class='blog-posts hfeed'>\n"
                           f"{items}</div>\n<div class='blog-pager' id='blog-pager'>\n<div class="
                           "'mobile-desktop-link'>\n<a class='home-link' href='/?m=0'>View web "
                           "version</a>\n</div>\n</div>\n</body>\n</html>\n")

    def mobile_views(self, post: Post) -> list[str]:
        """The mobile page's comment permalinks."""
        return [f"{post.path}?m=1&showComment={self.ms(c.when)}" for c in post.comments]

    def snippet(self, post: Post) -> str:
        text = post.body
        out, depth = [], 0
        for ch in text:
            if ch == "<":
                depth += 1
                out.append(" ")
            elif ch == ">":
                depth = max(0, depth - 1)
            elif not depth:
                out.append(ch)
        words = " ".join("".join(out).replace("&nbsp;", " ").split())
        return words[:140] + (" ..." if len(words) > 140 else "")

    def feeds(self, newest: list[Post]) -> None:
        def entry(p: Post) -> str:
            cats = "".join(f"<category scheme='http://www.blogger.com/atom/ns#' term='{E(lab)}'/>"
                           for lab in p.labels)
            return (f"<entry><id>tag:blogger.com,1999:blog-{self.blog_id}.post-{p.pid}</id>"
                    f"<published>{iso(p.when, self.tz)}</published><updated>"
                    f"{iso(p.when, self.tz)}</updated>{cats}<title type='text'>{E(p.title)}"
                    f"</title><content type='html'>{E(p.body)}</content><link rel='alternate' "
                    f"type='text/html' href='{p.path}' title='{E(p.title)}'/><author><name>"
                    f"{E(p.author)}</name></author><thr:total>{len(p.comments)}</thr:total>"
                    "</entry>")
        updated = iso(newest[0].when, self.tz)
        atom = ("<?xml version='1.0' encoding='UTF-8'?><feed xmlns='http://www.w3.org/2005/Atom' "
                "xmlns:openSearch='http://a9.com/-/spec/opensearchrss/1.0/' xmlns:thr='http://"
                f"purl.org/syndication/thread/1.0'><id>tag:blogger.com,1999:blog-{self.blog_id}"
                f"</id><updated>{updated}</updated><title type='text'>{E(self.name)}</title>"
                "<link rel='alternate' type='text/html' href='/'/><generator version='7.00' uri="
                "'http://www.blogger.com'>Blogger</generator>"
                + "".join(entry(p) for p in newest[:25]) + "</feed>")
        paths = ["/atom.xml", "/rss.xml"] if self.classic else [
            "/feeds/posts/default", "/feeds/posts/default?alt=rss"]
        for path in paths:
            self.site.pages[path] = (atom.encode("utf-8"), "application/atom+xml; charset=UTF-8",
                                     200)
            self.site.non_case_paths.append(path)
        if self.classic:
            return
        for p in self.posts:
            items = "".join(f"<entry><id>tag:blogger.com,1999:blog-{self.blog_id}.post-{c.cid}"
                            f"</id><published>{iso(c.when, self.tz)}</published><title type="
                            f"'text'>{E(c.text[:40])}</title><content type='html'>{E(c.text)}"
                            f"</content><author><name>{E(c.author)}</name></author></entry>"
                            for c in p.comments)
            path = f"/feeds/{p.pid}/comments/default"
            self.site.pages[path] = (
                ("<?xml version='1.0' encoding='UTF-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
                 f"<title type='text'>Comments on {E(self.name)}: {E(p.title)}</title>{items}"
                 "</feed>").encode(), "application/atom+xml; charset=UTF-8", 200)
            self.site.non_case_paths.append(path)


def build_blogger(rng: random.Random, n: int) -> Site:
    return Blog(rng, n).build()
