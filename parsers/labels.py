"""Every heading alias, tag table and pattern the parsers rely on, in one place.

Markup drift on the legacy site should only ever touch this module. Patterns are compiled
once at import; they are matched against *collapsed* line text (single spaces, stripped).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .records import REFERENCES_KEY

# --- Heading aliases -------------------------------------------------------------------

#: Normalised heading text (see ``normalize_label``) -> canonical section key.
ALIASES: dict[str, str] = {}
_ALIAS_TABLE: dict[str, tuple[str, ...]] = {
    "history": (
        "history", "history of present illness", "history of the present illness",
        "case history", "clinical history", "patient history",
    ),
    "physical_exam": (
        "physical exam", "physical examination", "physical exam findings",
        "physical examination findings", "exam", "examination",
    ),
    "differential_diagnosis": (
        "differential diagnosis", "differential diagnoses", "differential",
        "differential dx",
    ),
    "tests_and_results": (
        "test and results", "tests and results", "test and result", "tests and result",
        "tests & results", "test & results", "test results", "tests/results",
        "diagnostic tests", "diagnostic testing", "tests",
    ),
    "working_diagnosis": ("working diagnosis", "working diagnoses"),
    "treatment": ("treatment", "treatment plan", "management"),
    "outcome": ("outcome", "outcomes"),
    "authors_comments": (
        "author's comments", "authors' comments", "author comments", "authors comments",
        "author's comment", "authors' comment", "author comment",
    ),
    "editors_comments": (
        "editor's comments", "editors' comments", "editor comments", "editors comments",
        "editor's comment", "editors' comment", "editor comment",
    ),
    REFERENCES_KEY: (
        "references", "bibliography", "works cited", "literature cited",
        "cited references",
    ),
}

#: The synonym bank: per key, *core* words (any one names the key) and *modifier* words
#: (allowed beside a core word, never enough alone). A heading maps to a key by synonym when
#: its content words (``heading_tokens``) include a core word of exactly one key and every
#: word is in that key's bank. A heading with core words of two keys ("Treatment and
#: Outcome") is ambiguous: kept as an other section with a warning, never guessed.
SYNONYMS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "history": (
        frozenset({"history", "presentation", "presenting", "complaint", "hpi", "anamnesis"}),
        frozenset({"case", "clinical", "patient", "medical", "present", "illness", "chief",
                   "initial", "brief", "background"}),
    ),
    "physical_exam": (
        frozenset({"exam", "examination", "physical"}),
        frozenset({"findings", "finding", "clinical", "initial", "general"}),
    ),
    "differential_diagnosis": (
        frozenset({"differential", "differentials", "ddx"}),
        frozenset({"diagnosis", "diagnoses", "dx", "considerations", "considered"}),
    ),
    "tests_and_results": (
        frozenset({"tests", "test", "investigations", "investigation", "workup",
                   "diagnostics", "testing"}),
        frozenset({"results", "result", "diagnostic", "findings", "studies", "initial",
                   "laboratory", "further", "additional", "imaging"}),
    ),
    "working_diagnosis": (
        frozenset({"working"}),
        frozenset({"diagnosis", "diagnoses", "dx", "impression"}),
    ),
    "treatment": (
        frozenset({"treatment", "treatments", "management", "therapy", "plan"}),
        frozenset({"initial", "plan", "medical", "surgical", "conservative", "course"}),
    ),
    "outcome": (
        frozenset({"outcome", "outcomes", "followup", "course", "progress", "prognosis",
                   "disposition"}),
        frozenset({"clinical", "hospital", "patient", "final", "long", "term", "results"}),
    ),
    "authors_comments": (
        frozenset({"author", "authors"}),
        frozenset({"comments", "comment", "commentary", "notes", "note", "remarks",
                   "discussion"}),
    ),
    "editors_comments": (
        frozenset({"editor", "editors", "editorial"}),
        frozenset({"comments", "comment", "commentary", "notes", "note", "remarks",
                   "discussion"}),
    ),
    REFERENCES_KEY: (
        frozenset({"references", "reference", "bibliography", "reading", "readings",
                   "sources", "literature", "citations", "cited"}),
        frozenset({"selected", "suggested", "further", "additional", "key", "recommended",
                   "works", "general", "source"}),
    ),
}

#: Words that carry no meaning in a heading ("Findings *on* Examination").
HEADING_STOPWORDS: frozenset[str] = frozenset({
    "and", "of", "the", "on", "a", "an", "for", "to", "with", "in", "at", "&", "his", "her",
    "from", "by",
})
#: Two-word spellings folded to one token before the lookup.
_JOINED = (("follow up", "followup"), ("work up", "workup"), ("follow-up", "followup"),
           ("work-up", "workup"))
_TOKEN_RE = re.compile(r"[a-z0-9]+")
#: Heading texts remembered (``alias_key``, ``synonym_keys``, ``heading_rule``). A page's
#: label candidates repeat from page to page (the known headings, the template's own) and
#: most others are seen once, so a cache sized to the repeats keeps their hits (on the
#: 10,000-page bench site ``alias_key`` missed 11.1k of 838k calls at 2048 entries, 10.6k
#: at 8192) while a parse's memory stays the same from the first pages on.
LABEL_CACHE_SIZE = 2048


def heading_tokens(text: str) -> frozenset[str]:
    """The content words of a heading: normalised, two-word spellings joined, stopwords
    dropped. "Findings on Examination:" -> {"findings", "examination"}."""
    norm = normalize_label(text)
    for two, one in _JOINED:
        norm = norm.replace(two, one)
    return frozenset(t for t in _TOKEN_RE.findall(norm) if t not in HEADING_STOPWORDS)


@lru_cache(maxsize=LABEL_CACHE_SIZE)
def synonym_keys(text: str) -> tuple[str, ...]:
    """Keys whose synonym bank a heading matches: one key is a match, two or more an
    ambiguous heading, none an unknown one. A heading with core words of two keys is
    ambiguous even when no single bank holds all its words."""
    tokens = heading_tokens(text)
    if not tokens or len(tokens) > 5:
        return ()
    cored = [k for k, (core, _) in SYNONYMS.items() if tokens & core]
    if len(cored) > 1:
        return tuple(cored)
    return tuple(k for k in cored if tokens <= SYNONYMS[k][0] | SYNONYMS[k][1])


#: Aliases that mean the working diagnosis only on a page without "Working Diagnosis";
#: elsewhere they are kept as an unknown heading.
CONDITIONAL_ALIASES: dict[str, str] = {
    "diagnosis": "working_diagnosis",
    "final diagnosis": "working_diagnosis",
    "diagnoses": "working_diagnosis",
}

#: Words that, leading a paragraph or a list, are sub-labels of a section ("MRI: ...",
#: "Laboratory studies:") and never start a new section even when bold like headings.
SUBLABEL_WORDS: frozenset[str] = frozenset({
    "mri", "ct", "x-ray", "x-rays", "xray", "xrays", "radiographs", "radiograph", "labs",
    "lab", "laboratory", "laboratory studies", "laboratory tests", "lab tests", "emg",
    "ncs", "emg/ncs", "ultrasound", "bone scan", "dexa", "ekg", "ecg", "echo",
    "echocardiogram", "vitals", "vital signs", "inspection", "palpation", "rom",
    "range of motion", "strength", "sensation", "reflexes", "special tests", "neuro",
    "neurologic", "neurological", "gait", "cbc", "csf", "blood work", "bloodwork",
    "urinalysis", "plain films", "films", "pet", "pet scan", "mra", "emg/ncv", "ncv",
    "left", "right", "bilateral", "general", "heent", "cardiac", "lungs", "abdomen",
    "skin", "extremities", "back", "hip", "knee", "shoulder", "spine", "note",
})

for _key, _names in _ALIAS_TABLE.items():
    for _name in _names:
        ALIASES[_name.replace("'", "")] = _key
CONDITIONAL = {k.replace("'", ""): v for k, v in CONDITIONAL_ALIASES.items()}

#: Characters that show nothing: the soft hyphen, the zero-width space, the word joiner and a
#: byte-order mark inside the text (joiners and direction marks change how scripts render:
#: they are not among them). ``text.drop_invisible`` removes them from fields.
INVISIBLE_CHARS = "\u00ad\u200b\u2060\ufeff"
#: Dropped when a heading is folded: apostrophes, and the characters that show nothing.
_FOLDED_AWAY = str.maketrans(dict.fromkeys("\u2019\u2018'`\u00b4" + INVISIBLE_CHARS, ""))
_LABEL_TRIM = " :.-\u2013\u2014"


def normalize_label(text: str) -> str:
    """Fold a heading for alias lookup: lower case, no apostrophes or invisible characters,
    single spaces, no trailing colon. "AUTHOR’S Comments:" -> "authors comments".

    An ASCII text is translated only when it holds one of the two ASCII characters folded
    away: with a dict table ``translate`` costs several times the rest of the fold (each
    character it keeps is a failed lookup)."""
    if not text.isascii() or "'" in text or "`" in text:
        text = text.translate(_FOLDED_AWAY)
    return " ".join(text.lower().split()).strip(_LABEL_TRIM)


#: An outline number before a heading, as Word documents and write-ups number their
#: sections: "2. Physical Examination", "1.2 History", "III. Outcome", "C) Treatment". The
#: number is followed by a space and a word; it is no part of the heading's meaning.
OUTLINE_NUMBER_RE = re.compile(
    r"^(?:\d{1,2}(?:\.\d{1,2})+\.?|\d{1,2}[.)]|[ivx]{1,4}[.)]|[a-h][.)])\s+(?=[^\W\d_])",
    re.I)


def without_outline_number(text: str) -> str:
    """A heading without its outline number ("2. Physical Examination" -> "Physical
    Examination"); any other text unchanged."""
    head = text[:7]
    if not (head[:1].isalnum() and ("." in head or ")" in head)):
        return text  # no "2. ", "III. ", "C) " at its start: the common case, no pattern run
    return OUTLINE_NUMBER_RE.sub("", text, count=1)


@lru_cache(maxsize=LABEL_CACHE_SIZE)
def alias_key(text: str) -> tuple[str | None, bool]:
    """(canonical key, conditional?) for a heading text; (None, False) when unknown.

    The alias table first, then the synonym bank (``synonym_keys``: exactly one key); a
    heading is read without its outline number ("2. Physical Examination")."""
    norm = without_outline_number(normalize_label(text))
    key = ALIASES.get(norm)
    if key is not None:
        return key, False
    key = CONDITIONAL.get(norm)
    if key is not None:
        return key, True
    if len(norm) <= 60:
        keys = synonym_keys(norm)
        if len(keys) == 1:
            return keys[0], False
    return None, False


@lru_cache(maxsize=LABEL_CACHE_SIZE)
def heading_rule(text: str) -> str:
    """``alias`` when the heading is in the alias tables, ``synonym`` when its words matched
    the synonym bank, ``form`` otherwise (see ``records.SECTION_RULES``)."""
    norm = without_outline_number(normalize_label(text))
    if norm in ALIASES or norm in CONDITIONAL:
        return "alias"
    return "synonym" if len(synonym_keys(norm)) == 1 else "form"


# --- Tags and attributes -----------------------------------------------------------------

#: Elements whose whole subtree is never visible text.
SKIP_TAGS: frozenset[str] = frozenset({
    "script", "style", "noscript", "head", "title", "select", "option", "textarea",
    "iframe", "object", "embed", "template", "svg", "math", "xml", "applet", "map",
    "button", "datalist",
})
#: Elements that start and end a paragraph-level block.
BLOCK_TAGS: frozenset[str] = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
    "table", "tr", "td", "th", "tbody", "thead", "tfoot", "caption", "blockquote",
    "center", "form", "hr", "pre", "address", "section", "article", "header", "footer",
    "nav", "aside", "main", "body", "html", "fieldset", "legend", "figure", "figcaption",
    "menu", "dir", "frameset", "frame", "noframes", "details", "summary",
})
#: Blocks that are containers for the navigation test (never a single paragraph).
CONTAINER_TAGS: frozenset[str] = frozenset({
    "td", "th", "div", "table", "ul", "ol", "nav", "aside", "center", "menu", "dl", "form",
    "section", "header", "footer", "dir", "tr",
})
HEADING_TAGS: frozenset[str] = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
#: Inline elements that make a label ("strong" formatting).
STRONG_TAGS: frozenset[str] = frozenset({"b", "strong", "u"}) | HEADING_TAGS
#: Inline elements that style text without necessarily making it a label.
STYLE_TAGS: frozenset[str] = frozenset({"font", "span", "em", "i", "big", "small", "ins"})
#: Explicit navigation containers.
NAV_TAGS: frozenset[str] = frozenset({"nav", "aside", "menu", "footer"})

def is_caps_label(text: str) -> bool:
    """A label in capitals long enough to name a section ("RETURN TO PLAY"), not a
    sub-label's acronym ("ECG", "MRI"): no lower-case letter, and two words or eight
    letters at least."""
    return len(text) >= 3 and text.isupper() and (len(text.split()) >= 2 or len(text) >= 8)


#: A class token ``content.mark_furniture`` adds to the content element's ancestors: the walk
#: never makes them navigation by their link density (``text._close_box``).
CONTENT_PATH_CLASS = "casearchive-holder"
NAV_ATTR_RE = re.compile(
    r"(?:^|[\s_-])(?:[a-z]*nav|[a-z]*navbar|[a-z]*navigation|menu|sidebar|sidebars|side-bar|"
    r"breadcrumbs?|left-nav|skip|pager|pagination|related|relatedposts|tags|taxonomy|"
    r"share|sharing|sharedaddy|sharethis|social|print|printer|login|comments?|comment-form|"
    r"attachments|"
    r"widget|widget-area|submitted|links|byline|feed|meta|postmeta|postmetadata|footer|"
    r"posted-on|entry-utility|navbox|printfooter|catlinks|sitesub|contentsub|[a-z]*toc)"
    r"(?:$|[\s_\d-])",
    re.I,
)
#: An id or class naming the content area (see ``content.content_element``).
CONTENT_ATTR_RE = re.compile(r"(?:^|[\s_-])(?:main|content|article|entry|post|node|story)",
                             re.I)
#: A class name that says "this is a heading/label".
HEADING_CLASS_RE = re.compile(r"head|title|label|caption|bold|subhead|section|strong", re.I)
#: A container class that says "this block is a heading": a class token ending in head,
#: heading, label, caption or title ("section-head", "field-label", "contentheading");
#: not "header", "section-body".
HEADING_CONTAINER_RE = re.compile(r"(?:head|heading|label|caption|title)(?:$|\s)", re.I)
BOLD_STYLE_RE = re.compile(
    r"font-weight\s*:\s*(?:bold|bolder|[6-9]00)|text-decoration\s*:\s*underline", re.I
)
#: Word's list-marker span (``<span style='mso-list:Ignore'>·</span>``).
MSO_IGNORE_RE = re.compile(r"mso-list\s*:\s*ignore", re.I)
#: Characters Word and hand-written HTML use as bullets.
BULLETS: frozenset[str] = frozenset("·•▪◦○●■□§ü\u2022\u2023\u2043o-*")
PLAIN_BULLET_RE = re.compile(r"^[·•▪◦●■\u2022\u2023\u2043]\s*")


_NAV_NAMES: dict[str, bool] = {}


def names_navigation(attrs: str) -> bool:
    """Does a container's "class id" name navigation (``NAV_ATTR_RE``)? Memoised: templates
    repeat their classes on every row and cell."""
    found = _NAV_NAMES.get(attrs)
    if found is None:
        found = NAV_ATTR_RE.search(attrs) is not None
        if len(_NAV_NAMES) < 4096:
            _NAV_NAMES[attrs] = found
    return found

# --- Document preparation ----------------------------------------------------------------

XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
META_CHARSET_RE = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
HEADER_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
#: Used by the deep-nesting fallback: every tag except line/paragraph structure.
FLATTEN_TAG_RE = re.compile(
    r"<(?!/?(?:br|p|li|h[1-6]|b|strong|title|a|tr|td)\b)[^>]*>", re.I
)
FLATTEN_ALL_RE = re.compile(r"<(?!/?(?:br|p|title)\b)[^>]*>", re.I)

# --- Titles and page numbers ---------------------------------------------------------------

#: "... - Page #4", "... Page # 4", "... Page 4 of 6", "... (page 4)" at the end of a title;
#: "... (Part 2 of 3)", "..., Part 2": a document published in parts numbers its pages so
#: (not a wiki's subpage "X/Part 2": a path, ``page._path_title``).
PAGE_SUFFIX_RE = re.compile(
    r"[\s\-\u2013\u2014:,|]*\(?\s*\b(?:page|(?<!/)part)\s*#?\s*(\d{1,3})(?:\s*(?:of|/)\s*(\d{1,3}))?\s*\)?"
    r"[\s.]*$",
    re.I,
)
PAGE_PREFIX_RE = re.compile(
    r"^\(?\s*page\s*#?\s*(\d{1,3})(?:\s*(?:of|/)\s*(\d{1,3}))?\s*\)?[\s\-\u2013\u2014:,|]+",
    re.I,
)
#: A page marker inside a title, followed by a separator and the site's name:
#: "X - Page 2 - Site", "X (Page 2 of 3) | Site", "X – Part 2 – Site". What follows the
#: marker is the site part.
PAGE_MID_RE = re.compile(
    r"\b(?:page|(?<!/)part)\s*#?\s*(\d{1,3})(?:\s*(?:of|/)\s*(\d{1,3}))?\s*\)?"
    r"\s*[\-\u2013\u2014|:\u00bb\u00b7\u2022]\s+\S.*$",
    re.I,
)
#: A print-view or continuation decoration of a title: "Print: X", "X (printer-friendly
#: version)", "X - Print Version", "X (continued)".
TITLE_DECORATION_RE = re.compile(
    r"^(?:print(?:able|er[- ]friendly)?(?:\s+(?:version|view|page))?)\s*[:\-\u2013\u2014|]\s+|"
    r"\s*(?:[\-\u2013\u2014:|]\s*)?\(?\s*(?:print(?:able|er[- ]friendly)?(?:\s+(?:version|view|"
    r"page))|continued|cont\.?)\s*\)?\s*$",
    re.I,
)
#: Separators between the parts of a title ("Site » X", "X – Site", "X | Site").
TITLE_PART_SEP_RE = re.compile(r"\s+(?:[|\u00bb\u00b7\u2022\u2013\u2014-]|::)\s+")


def title_names(text: str) -> frozenset[str]:
    """The names a ``<title>`` gives its page, folded (``normalize_label``): the whole,
    each part between separators ("Knee Pain - Return to Play | Society": the case, the
    page, the site) and what follows a site's name and a colon ("Blog Name: Post Title",
    as a blog prints its posts' titles)."""
    text = " ".join(text.split())
    if not text:
        return frozenset()
    names = {normalize_label(text), *(normalize_label(p) for p in TITLE_PART_SEP_RE.split(text))}
    site = SITE_PREFIX_RE.match(text)
    if site is not None:
        names.add(normalize_label(text[site.end():]))
    names.discard("")
    return frozenset(names)


#: "Site: X": the words before a colon that starts a ``<title>`` (``page.strip_site``).
SITE_PREFIX_RE = re.compile(r"([^:]{2,80}?):\s+(?=\S)")
#: A URL path segment that only numbers a page: "3", "Page_3", "part-3".
PAGE_SEGMENT_RE = re.compile(r"(?:[A-Za-z]{1,8}[-_ ]?)?\d{1,3}")
#: A standalone "Page 2 of 4" line.
PAGE_OF_RE = re.compile(r"^page\s*#?\s*(\d{1,3})\s*(?:of|/)\s*(\d{1,3})$", re.I)
TITLE_SITE_SEP_RE = re.compile(r"\s+[|\u00bb\u00b7\u2022]\s+|\s+::\s+")
#: <title>s that say nothing about the case: Word exports, editor defaults.
JUNK_TITLE_RE = re.compile(
    r"^(?:microsoft word\s*-.*|untitled(?: document)?|new page\s*\d*|document\d*|"
    r"page\s*\d*|home|index|welcome|case stud(?:y|ies))$",
    re.I,
)

# --- Lines that are never content ----------------------------------------------------------

#: A line made only of pager tokens; it must also contain a pager word or be all links.
PAGER_RE = re.compile(
    r"^(?:\s*(?:<<|>>|<|>|\u00ab|\u00bb|\u2039|\u203a|\||\u00b7|\u2013|\u2014|-|,|:|\[|\]|#"
    r"|\d{1,3}|of|previous|prev\.?|next|first|last|page|pages|go to|back)\s*)+$",
    re.I,
)
PAGER_WORD_RE = re.compile(r"\b(?:pages?|next|prev|previous)\b", re.I)
#: The ASCII letters that no token of ``PAGER_RE`` holds, in either case (nor ``\d`` or
#: ``\s``; re.I matches each to its other case only): a line with one is no pager, and the
#: pattern, whose repeated spaces and digit groups backtrack, need not be tried on it.
NOT_PAGER_LETTERS: frozenset[str] = frozenset("dhjmqwyzDHJMQWYZ")
#: The words that send a reader on to another page of the document before its number:
#: "Continue on page 2", "Continued on page 3", "Back to page 1", "Go to page 2",
#: "Continued in Part 3", "Continued from Part 1".
PAGE_LEAD_IN = r"(?:continued?|go|back|return|turn)\s+(?:on|to|in|from)\s+"
#: A line that is such a direction and nothing else (its link may be an icon beside it).
CONTINUATION_RE = re.compile(rf"^{PAGE_LEAD_IN}(?:page|part)\s*#?\s*\d{{1,3}}\s*[.:>»]*$",
                             re.I)
RETURN_RE = re.compile(
    r"^(?:<<|\u00ab|<)?\s*(?:return|back|go back)\s+to\s+(?:the\s+)?(?:list\s+of\s+)?"
    r"(?:case\s+stud(?:y|ies)|cases?)(?:\s+(?:list|index|page|home|main page))?\s*[.!]?\s*"
    r"(?:>>|\u00bb)?$",
    re.I,
)
COUNTER_RE = re.compile(
    r"you are (?:visitor|the \d+)|visitors?\s*(?:number|no\.?|#|count|:)|hit counter|"
    r"this (?:page|site) has been (?:visited|viewed|accessed)|\bhits\s*:\s*\d|"
    r"visitors? since\b|page views\s*:",
    re.I,
)
#: A byline over an article: "Written by Dr. Jane Miller", "Posted by admin on 03/06/2012",
#: "By Jane Miller, MD" (a bare "By" only before a capitalised name: "By the time ..." is a
#: sentence).
BYLINE_RE = re.compile(
    r"^(?:(?i:written|posted|submitted|created|contributed|authored|published|edited)\s+"
    r"(?i:by)\s+\S|(?i:by)\s+(?:Dr\.?\s+)?[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3}"
    r"(?:,\s*[A-Z]{2,4})?$)")
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
#: A date with its time or not: "26 October 2008 16:59", "March 6, 2012", "Aug 20, 2010,
#: 8:13 AM", "03/14/2002 10:22:15 AM".
_DATE_TIME = (
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    r"|\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4})"
    r"(?:,?\s+(?:at\s+)?\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?)?")
#: A line that is a date stamp and nothing else, with its weekday or not:
#: "Sunday, 26 October 2008 16:59".
DATE_LINE_RE = re.compile(
    r"^(?:(?:mon|tue|tues|wed|wednes|thu|thur|thurs|fri|sat|satur|sun)(?:day)?\.?,?\s+)?"
    rf"{_DATE_TIME}$",
    re.I)
#: "Last updated ...", "Updated: ...", and a page's revision stamp: "Updated Aug 20, 2010,
#: 8:13 AM by NSMS Webmaster", "Edited Apr 16, 2012 by Jane Miller (v.2)" (a site builder
#: prints it under every page's content, with the page's version number or not).
UPDATED_RE = re.compile(
    r"^(?:this\s+)?(?:page\s+|site\s+|web\s*site\s+)?(?:was\s+)?(?:last\s+)"
    r"(?:updated|modified|revised|changed)\b|^(?:updated|revised)\s*:"
    r"|^(?:last\s+)?(?:updated|revised|edited)\s+(?:on\s+)?"
    rf"{_DATE_TIME}(?:\s+by(?:\s+[^\s.,:;()]+){{1,4}})?"
    r"(?:\s*\(v\.?\s*\d+\))?$",
    re.I,
)

def _first_chars(words: str, symbols: str = "") -> frozenset[str]:
    """Every character a case-insensitive (``re.I``) match of one of ``words`` can start
    with, plus ``symbols``: ASCII letters match their other case, and three letters also
    match a non-ASCII character (İ ı -> i, K -> k, ſ -> s)."""
    folds = {"i": "\u0130\u0131", "k": "\u212a", "s": "\u017f"}
    out = set(symbols)
    for word in words.split():
        ch = word[0].lower()
        out.update((ch, ch.upper(), *folds.get(ch, "")))
    return frozenset(out)


#: Symbols a line can start with for ``PAGER_RE`` or ``RETURN_RE`` to match it (digits too).
EXCLUDED_SYMBOLS: frozenset[str] = frozenset(
    "<>\u00ab\u00bb\u2039\u203a|\u00b7\u2013\u2014-,:[]#"
)
#: The first two letters, lower-cased, of every word a line can start with for
#: ``PAGER_RE``, ``RETURN_RE`` or ``UPDATED_RE`` to match it. With ``EXCLUDED_SYMBOLS`` a
#: cheap test that spares most lines the three regexes (a line whose first two characters
#: are not ASCII is always tested: re.I also matches İ ı K ſ to i k s).
EXCLUDED_PREFIXES: frozenset[str] = frozenset({
    "of", "pr", "ne", "fi", "la", "pa", "go", "ba",  # pager: of prev(ious) next first ...
    "re",  # return, revised
    "co", "tu",  # continue(d) on page, turn to page
    "th", "si", "we", "wa", "up", "ed",  # this, site, web, was, updated, edited
})


def _ascii_heads(symbols: frozenset[str], prefixes: frozenset[str]) -> frozenset[str]:
    """Every ASCII line start (one or two characters) that passes the excluded-line gate:
    a symbol, a digit, or a listed two-letter prefix in any case."""
    chars = [chr(c) for c in range(128)]
    heads = chars + [a + b for a in chars for b in chars]
    return frozenset(h for h in heads if h[0] in symbols or h[0].isdigit()
                     or h.lower() in prefixes)


#: ``EXCLUDED_SYMBOLS``/digits/``EXCLUDED_PREFIXES`` as one set of ASCII line starts (a line
#: whose first two characters are not ASCII is always tested): one lookup per line.
EXCLUDED_HEADS: frozenset[str] = _ascii_heads(EXCLUDED_SYMBOLS, EXCLUDED_PREFIXES)

# --- Footer ---------------------------------------------------------------------------------

NOTE_RE = re.compile(r"^note\s*:?\s.*\b(?:contact|information)\b", re.I)
COPYRIGHT_RE = re.compile(r"\u00a9|^\(c\)\s|^copyright\b", re.I)
#: A line that opens the © block (a © inside a reference must not end the page).
COPYRIGHT_START_RE = re.compile(r"^(?:\u00a9|\(c\)\s|copyright\b)", re.I)
CREDIT_RE = re.compile(
    r"^(?:this\s+)?(?:web\s*site|site|page|web\s*page|web\s*design)s?\s+(?:was\s+)?"
    r"(?:created|designed|developed|built|maintained|hosted|powered)\s+by\b|"
    r"^(?:designed|created|powered|maintained|developed)\s+by\b",
    re.I,
)
#: A short footer line that credits the site's tools or makers by its form ("Built with
#: Hugo", "Proudly powered by WordPress", "Made with Jekyll"); read only among the footer,
#: where a case's text never is.
SITE_CREDIT_FORM_RE = re.compile(
    r"^(?:proudly\s+)?(?:built|made|generated|powered|published|hosted|designed|created|"
    r"developed|maintained)\s+(?:with|by|using|on|in)\s+\S.{0,60}$",
    re.I,
)

#: Characters a line must start with for ``NOTE_RE``, ``CREDIT_RE`` or
#: ``COPYRIGHT_START_RE`` to match it.
FOOTER_FIRST: frozenset[str] = _first_chars(
    "note this web site page designed created powered maintained developed copyright",
    "\u00a9(",
)

# --- Soft 404 -------------------------------------------------------------------------------

SOFT404_RE = re.compile(
    r"page (?:was )?not found|page cannot be found|cannot find the page|"
    r"page (?:you requested|you are looking for) (?:could not|cannot|can't|was not|does not)|"
    r"\b404\b.{0,20}not found|not found.{0,20}\b404\b|file not found|no longer exists",
    re.I,
)

# --- References -----------------------------------------------------------------------------

#: A reference's printed number: "1.", "1)", "[1]", "(1)" at the start of a line.
REF_NUMBER_RE = re.compile(r"^\s*(?:\[(\d{1,3})\]|\((\d{1,3})\)|(\d{1,3})[.)])\s*(?=\S)")
URL_RE = re.compile(r"https?://[^\s<>\"']+", re.I)
DOI_TEXT_RE = re.compile(r"\bdoi\s*:?\s*(10\.\d{4,9}/[^\s\"<>]+)", re.I)
DOI_URL_RE = re.compile(r"^https?://(?:dx\.)?doi\.org/(10\.\d{4,9}/\S+)$", re.I)
PMID_RE = re.compile(r"\bPMID\s*:?\s*(\d{1,9})\b", re.I)
URL_TRAILING = ".,;:!?'\"]>"
#: Citation evidence (``references.is_citation``): a year, "volume(issue):pages" or
#: ";volume:pages", authors ("Phillips TG," / "Smith J." / "Smith, J."), "et al".
CITE_YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d{2}[a-z]?(?!\d)")
CITE_VOLUME_RE = re.compile(
    r"\d+\s*(?:\(\s*[\w-]+\s*\))?\s*:\s*[eE]?\d+|;\s*\d+\s*\(|\bvol\.\s*\d|\bpp?\.\s*\d"
)
CITE_AUTHORS_RE = re.compile(
    r"^(?:[\[(]?\d{1,3}[.)\]]\s*)?[A-Z][\w'\u2019-]+,?\s+(?:[A-Z]{1,3}\b|[A-Z]\.\s?(?:[A-Z]\.)?)"
)
CITE_ETAL_RE = re.compile(r"\bet\.? al\b", re.I)

# --- Contact --------------------------------------------------------------------------------

PHONE_RE = re.compile(r"(?<!\d)(?:\+?1[\s.-]?)?\(?(\d{3})\)?[\s.-]*(\d{3})[\s.-]*(\d{4})(?!\d)")
FAX_BEFORE_RE = re.compile(r"fax\s*(?:number|no\.?)?\s*:?\s*$", re.I)
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
CITY_STATE_ZIP_RE = re.compile(
    r"(?:^|,|\n)\s*([A-Za-z][A-Za-z.' -]*?[A-Za-z.])\s*,?\s+([A-Z]{2})\.?,?\s+"
    r"(\d{5}(?:-\d{4})?)\b"
)
STREET_START_RE = re.compile(r"\b(?:\d{1,6}[A-Za-z]?\s+[A-Z0-9]|P\.?\s?O\.?\s+Box\b)")
CONTACT_LEAD_RE = re.compile(r"^.*?\bcontact\s+(?:the\s+)?", re.I)
NOTE_LEAD_RE = re.compile(r"^note\s*:?\s*", re.I)
COPYRIGHT_LEAD_RE = re.compile(
    r"^(?:\u00a9|\(c\)|copyright)(?:\s*(?:\u00a9|\(c\)))?\s*(?:\d{4}(?:\s*[-\u2013]\s*\d{4})?)?"
    r"[\s,]*",
    re.I,
)
ADDRESS_LINE_RE = re.compile(
    r"^(?:phone|tel|telephone|fax|e-?mail|email)\b|\d{3}[\s.)-]*\d{3}[\s.-]*\d{4}|"
    r"\b[A-Z]{2}\.?\s+\d{5}\b|^\d{1,6}\s+\S|@|^https?://|^www\.|\bsuite\b|p\.?o\.? box",
    re.I,
)
