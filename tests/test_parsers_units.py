"""Focused tests of the parsers' building blocks: encoding, titles, labels, references,
contact, links and case assembly."""

from __future__ import annotations

import pytest

from casearchive.parsers.case import assemble_case
from casearchive.parsers.encoding import decode
from casearchive.parsers.page import parse_page, parse_title, strip_site
from casearchive.parsers.pagenum import url_page_number
from casearchive.parsers.records import PageRef, Reference
from casearchive.parsers.references import clean_url, make_reference

URL = "http://example.org/cases/c/page2.html"
TEXT = "Author’s © – é"


# --- encoding -------------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "headers", "codec", "repaired"), [
    (TEXT.encode("utf-8"), {"Content-Type": "text/html; charset=utf-8"}, "utf-8", False),
    (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), {"Content-Type": "text/html; charset=cp1252"},
     "utf-8", False),
    (TEXT.encode("cp1252"), {}, "windows-1252", False),
    (b'<meta charset="iso-8859-1">' + TEXT.encode("cp1252"), {}, "windows-1252", False),
    (b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
     + TEXT.encode("cp1252"), None, "windows-1252", False),
    (TEXT.encode("cp1252"), {"content-type": "text/html; charset=UTF-8"}, "utf-8", True),
    (TEXT.encode("utf-8"), {b"Content-Type": [b"text/html; charset=ISO-8859-1"]}, "utf-8", True),
    (TEXT.encode("utf-16-le").join([b"\xff\xfe", b""]), {}, "utf-16-le", False),
])
def test_decode_never_mojibakes(body: bytes, headers, codec: str, repaired: bool) -> None:
    decoded = decode(body, headers)
    assert TEXT in decoded.text
    assert (decoded.encoding, decoded.repaired) == (codec, repaired)
    assert bool(decoded.warnings) == repaired


def test_cp1252_undefined_bytes_survive() -> None:
    assert decode(b"a\x81b\x9dc").text == "a\x81b\x9dc"


# --- titles ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("Not Just Another Case Of Sciatica - Page #4", ("Not Just Another Case Of Sciatica", 4, None)),
    ("Case X Page # 4", ("Case X", 4, None)),
    ("Case X - Page 4", ("Case X", 4, None)),
    ("Case X – Page 4 of 6", ("Case X", 4, 6)),
    ("Case X (page 4)", ("Case X", 4, None)),
    ("Case X - Page #2 | AMSSM Case Studies", ("Case X", 2, None)),
    ("AMSSM | Case X - Page 3", ("Case X", 3, None)),
    ("Case X | AMSSM", ("Case X", None, None)),
    ("Microsoft Word - case.doc", (None, None, None)),
    ("Untitled Document", (None, None, None)),
    ("Single Page Case", ("Single Page Case", None, None)),
    ("Case X - Page 2 - Lakeside Sports", ("Case X", 2, None)),
    ("Case X | Page 2 | Lakeside", ("Case X", 2, None)),
    ("Case X (Page 2 of 3) - Lakeside", ("Case X", 2, 3)),
    ("Print: Case X", ("Case X", None, None)),
    ("Case X (printer-friendly version)", ("Case X", None, None)),
    ("Case X (continued)", ("Case X", None, None)),
    ("Sprint Injuries", ("Sprint Injuries", None, None)),
    ("Case X (Part 2 of 3)", ("Case X", 2, 3)),
    ("Case X, Part 2", ("Case X", 2, None)),
    ("Case X \u2013 Part 2 \u2013 Lakeside", ("Case X", 2, None)),
    ("Partial Tear of the Rotator Cuff", ("Partial Tear of the Rotator Cuff", None, None)),
    ("Case Studies/Case X/Part 2", ("Case Studies/Case X/Part 2", None, None)),
])
def test_parse_title(raw: str, expected: tuple) -> None:
    assert parse_title(raw) == expected


@pytest.mark.parametrize(("raw", "names", "expected"), [
    ("Lakeside Group \u00bb Case X", {"lakeside group"}, "Case X"),
    ("Case X \u2013 Lakeside Group", {"lakeside group"}, "Case X"),
    ("Case X \u2013 Lakeside Group", {"lakeside group", "case x"}, "Case X"),
    ("Case X - A Rare Cause", {"lakeside group"}, "Case X - A Rare Cause"),
    ("Case X \u2013 Lakeside Group", set(), "Case X \u2013 Lakeside Group"),
])
def test_strip_site(raw: str, names: set[str], expected: str) -> None:
    """A title part names the site only on the page's evidence (furniture, © holder)."""
    assert strip_site(raw, lambda part: part.lower() in names) == expected


def test_strip_site_in_the_holders_form_strips_the_holder_alone() -> None:
    # the case's title after the holder is a furniture line too (an article index, a
    # module of latest cases): it stays, and so does the page-break title or page marker
    # after it
    furniture = {"atlantic academy", "knee pain"}

    def strip(raw: str) -> str:
        return strip_site(raw, lambda part: part.lower() in furniture,
                          lambda part: part == "Atlantic Academy")
    assert strip("Atlantic Academy - Knee Pain - Differential") == "Knee Pain - Differential"
    assert strip("Atlantic Academy - Knee Pain - Page #2") == "Knee Pain - Page #2"


_CMS_PAGE = """<html><head><title>Lakeside Group \u00bb Knee Pain</title></head><body>
<header class="site-header"><p>Lakeside Group</p></header>
<main><article><header><h1>Knee Pain</h1>
<div class="entry-meta">Posted on March 6, 2012 by editor</div></header>
<h2>History</h2><p>A cyclist had knee pain.</p>
<footer class="entry-footer">Posted in Cases. Tagged knee, cycling</footer>
</article></main></body></html>"""



@pytest.mark.parametrize(("path", "number"), [
    ("/cases/knee/page-4", 4), ("/cases/knee/part-3", 3), ("/cases/knee-part_2.html", 2),
    ("/cases/knee/page/5/", 5), ("/cases/department-2.html", None),
])
def test_url_page_number(path: str, number: int | None) -> None:
    assert url_page_number("http://example.org" + path) == number

def test_cms_title_and_post_furniture() -> None:
    """The site part of the <title> goes by the masthead's evidence; post meta and the
    entry footer are furniture, never a section."""
    record = parse_page(_CMS_PAGE.encode(), "http://127.0.0.1/knee-pain/")
    assert record.title == "Knee Pain"
    assert [(s.key, s.text) for s in record.sections] == [
        ("history", "A cyclist had knee pain.")]
    assert "Posted on March 6, 2012 by editor" in record.furniture
    assert "Tagged knee, cycling" in record.furniture


def test_top_of_page_text_continues_previous_section() -> None:
    """Unplaced text at the top of page 2 continues the section page 1 ended in."""
    one = parse_page(b"<html><head><title>Case X - Page 1</title></head><body>"
                     b"<h2>Case X - Page 1</h2><h3>History</h3><p>Began in May.</p>"
                     b"<h3>Physical Exam</h3><p>Swollen knee.</p></body></html>", "http://h/1")
    two = parse_page(b"<html><head><title>Case X - Page 2</title></head><body>"
                     b"<h2>Case X - Page 2</h2><ul><li>Effusion</li></ul>"
                     b"<h3>Outcome</h3><p>Well.</p></body></html>", "http://h/2")
    case = assemble_case("c", [(one, PageRef(1, "http://h/1", "a")),
                               (two, PageRef(2, "http://h/2", "b"))])
    assert case.physical_exam == "Swollen knee.\n\n- Effusion"
    assert case.other_sections == []
    assert any("continues physical_exam" in w for w in case.warnings)


def test_single_page_case_is_page_one() -> None:
    page = b"<title>Case</title><p><b>History:</b> x</p>"
    assert parse_page(page, URL).page_number == 1


_NOTES_PAGE = """<html><head><title>Example Society Case Studies</title></head><body>
<table><tr><td><a href="/db.nsf/Home?OpenPage">Home</a><br><a href="/db.nsf/Cases?OpenView">
Case Studies</a><br><a href="/db.nsf/0/8525?OpenDocument">About</a></td><td>
<font size=4><b>Hip Pain in a Dancer - Page #1</b></font><br>
<font size=1>Last modified: 03/14/2002 10:22:15 AM</font><br><hr>
<b>History:</b><br>A dancer has groin pain.<br><br>
<font size=2>Continue on page 2 </font><a href="/db.nsf/pages/Hip2?OpenDocument"><img
src="/icons/doclink.gif" border=0></a><br><br>
<a href="/db.nsf/Cases?OpenView">Return to the Case Studies list</a>.
</td></tr></table></body></html>"""


def test_a_heading_over_a_date_stamp_titles_a_page_with_a_generic_title() -> None:
    """The heading over the body names the case when the <title> is the site's: the
    "Last modified" line under it, furniture, does not make it a mixed block."""
    record = parse_page(_NOTES_PAGE.encode(), "http://h/db.nsf/8c2f/0525?OpenDocument")
    assert (record.title, record.page_number, record.page_number_source) == (
        "Hip Pain in a Dancer", 1, "heading")
    assert not record.warnings


def test_an_icon_link_is_named_by_the_direction_beside_it() -> None:
    """A doclink icon after "Continue on page 2" is a pager link named by that text; the
    direction is furniture, not the section's text."""
    record = parse_page(_NOTES_PAGE.encode(), "http://h/db.nsf/8c2f/0525?OpenDocument")
    assert [(s.key, s.text) for s in record.sections] == [("history", "A dancer has groin pain.")]
    assert "Continue on page 2" in record.furniture.splitlines()
    [icon] = [link for link in record.links if link.url.endswith("Hip2?OpenDocument")]
    assert icon.text == "Continue on page 2"
    # an icon with nothing before it on its line stays unnamed; a linked run is no name
    bare = parse_page(b"<p><b>History:</b> x</p><p><a href='/n.htm'><img src='i.gif'></a>"
                      b"<br><a href='/a.htm'>Next</a> <a href='/b.htm'><img src='i.gif'></a>",
                      URL)
    assert [link.text for link in bare.links] == ["", "Next", ""]
    # a row of icons after a label: the label names the first only
    row = parse_page(b"<p><b>History:</b> x</p><p>Share: <a href='/s?a'><img src='a.gif'></a>"
                     b"<a href='/s?b'><img src='b.gif'></a></p>", URL)
    assert [link.text for link in row.links] == ["Share:", ""]


def test_word_title_uses_visible_heading() -> None:
    page = (b"<title>Microsoft Word - x.doc</title><p class=MsoNormal><b>Real Title - Page 3"
            b"</b></p><p class=MsoNormal><b>History:</b></p><p class=MsoNormal>x</p>")
    record = parse_page(page, URL)
    assert (record.title, record.page_number) == ("Real Title", 3)


# --- labels ---------------------------------------------------------------------------------

def _sections(html: str) -> dict:
    record = parse_page(f"<html><title>T</title><body>{html}</body></html>".encode(), URL)
    return {s.heading if s.key is None else s.key: s.text for s in record.sections}


@pytest.mark.parametrize("html", [
    "<p><b>History:</b><br>A man.</p>",
    "<p><b>History</b><br>A man.</p>",
    "<p><strong>History:</strong>&nbsp;A man.</p>",
    "<p><b>History</b>: A man.</p>",
    "<p><font face=arial><b>History:</b></font> A man.</p>",
    "<h3>History</h3><p>A man.</p>",
    "<p><u>History:</u> A man.</p>",
    "<p><span class=style3>History:</span> A man.</p>",
    "<p class=sectionhead>History</p><p>A man.</p>",
    "<p><b>History of Present Illness:</b> A man.</p>",
    "<table><tr><td><b>History</b></td><td>A man.</td></tr></table>",
    "<p><b>HISTORY:</b><br>A man.</p>",
    "<p><b>History: A man.</b></p>",
])
def test_label_forms(html: str) -> None:
    assert _sections(html) == {"history": "A man."}


@pytest.mark.parametrize(("label", "key"), [
    ("Author's Comments", "authors_comments"), ("Authors' Comments", "authors_comments"),
    ("Author Comments", "authors_comments"), ("Author’s Comments", "authors_comments"),
    ("AUTHOR'S COMMENTS", "authors_comments"), ("Test and Results", "tests_and_results"),
    ("Tests and Results", "tests_and_results"), ("Physical Exam", "physical_exam"),
    ("Physical Examination", "physical_exam"), ("Editor's Comments", "editors_comments"),
])
def test_aliases(label: str, key: str) -> None:
    assert _sections(f"<p><b>{label}:</b> x</p>") == {key: "x"}


def test_label_split_across_br() -> None:
    html = "<p><b>Tests and<br>Results:</b><br>x</p><p><b>Differential<br>Diagnosis</b><br>y</p>"
    assert _sections(html) == {"tests_and_results": "x", "differential_diagnosis": "y"}


def test_diagnosis_alias_only_without_working_diagnosis() -> None:
    assert _sections("<p><b>Diagnosis:</b> x</p>") == {"working_diagnosis": "x"}
    both = _sections("<p><b>Working Diagnosis:</b> x</p><p><b>Diagnosis:</b> y</p>")
    assert both == {"working_diagnosis": "x", "Diagnosis": "y"}


def test_unknown_heading_and_sublabels() -> None:
    html = ("<p><b>Treatment:</b> rest</p><p><b>MRI:</b> edema</p>"
            "<p><b>Laboratory studies:</b></p><ul><li>CBC</li></ul>"
            "<p><b>Return to Play:</b> 6 weeks</p>")
    assert _sections(html) == {
        "treatment": "rest\n\nMRI: edema\n\nLaboratory studies:\n\n- CBC",
        "Return to Play": "6 weeks",
    }


def test_structure_lists_tables_breaks() -> None:
    html = ("<p><b>Tests and Results:</b></p><p>a  &nbsp; b<br>c</p><ul><li>x</li><li>y</li></ul>"
            "<table><tr><th>Test</th><th>Value</th></tr><tr><td>ESR</td><td>8</td></tr></table>"
            "<p>&middot; one<br>&middot; two</p>")
    assert _sections(html)["tests_and_results"] == (
        "a b\nc\n\n- x\n- y\n\nTest | Value\nESR | 8\n\n- one\n- two")


def test_excluded_chrome() -> None:
    html = ("<script>History: no</script><!-- <b>History:</b> no -->"
            "<p><b>History:</b> yes</p><p><a href=p1>Page #1</a> <a href=p3>Page #3</a></p>"
            "<p><a href=n>Next Page &gt;&gt;</a></p><p>Page 2 of 4</p>"
            "<p><a href=l>Return To The Case Studies List.</a></p>"
            "<p><a href=l>Back to Case Index</a>.</p><p><a href=l>Return to the case list</a></p>"
            "<p>You are visitor number 1234</p><p>Last updated: May 2003</p>")
    record = parse_page(f"<title>T</title><body>{html}</body>".encode(), URL)
    assert [(s.key, s.text) for s in record.sections] == [("history", "yes")]
    assert record.page_total == 4


def test_unplaced_text_is_kept_and_counted() -> None:
    record = parse_page(b"<title>T</title><p>stray words</p><p><b>History:</b> x</p>", URL)
    assert record.sections[0].key is None and record.sections[0].text == "stray words"
    assert record.unplaced_chars == len("stray words") and record.warnings


# --- references -----------------------------------------------------------------------------

@pytest.mark.parametrize(("url", "clean"), [
    ("https://a.org/x.", "https://a.org/x"), ("https://a.org/x).", "https://a.org/x"),
    ("https://a.org/x_(y)", "https://a.org/x_(y)"), ("https://a.org/x;:", "https://a.org/x"),
])
def test_clean_url(url: str, clean: str) -> None:
    assert clean_url(url) == clean


def test_make_reference() -> None:
    ref = make_reference(2, "A. B. https://doi.org/10.1212/01.CON.0000455877.60932.d3", [])
    assert ref.doi == "10.1212/01.CON.0000455877.60932.d3" and ref.url.startswith("https://doi")
    ref = make_reference(3, "C. DOI: 10.1002/14651858.CD009722.pub2. PMID: 123", [])
    assert (ref.doi, ref.url, ref.pmid) == ("10.1002/14651858.CD009722.pub2", None, "123")


@pytest.mark.parametrize("refs", [
    "<ol><li>First ref.</li><li>Second ref.</li></ol>",
    "<p>1. First ref.</p><p>2. Second ref.</p>",
    "<p>1. First ref.<br>2. Second ref.</p>",
    "<p>[1] First ref.<br>[2] Second<br>ref.</p>",
    "<p>1. First<br>ref.<br>2) Second ref.</p>",
])
def test_reference_layouts(refs: str) -> None:
    page = f"<title>T</title><p><b>References:</b></p>{refs}".encode()
    got = [(r.number, r.text) for r in parse_page(page, URL).references]
    assert got == [(1, "First ref."), (2, "Second ref.")]



@pytest.mark.parametrize(("refs", "texts"), [
    # an entry closed by its DOI URL, PMID or URL ends there: the next line is an entry
    ("<p>Roe J. Knee. Am J Sports Med. 2010;18:238-246. https://doi.org/10.1007/s1-9<br>"
     "Doe A. Ankle. Foot Ankle Int. 2002;30:402-409.</p>",
     ["Roe J. Knee. Am J Sports Med. 2010;18:238-246. https://doi.org/10.1007/s1-9",
      "Doe A. Ankle. Foot Ankle Int. 2002;30:402-409."]),
    ("<p>Roe J. Knee. Am J Sports Med. 2010;18:238-246. PMID: 12345<br>"
     "Doe A. Ankle. Foot Ankle Int. 2002;30:402-409.</p>",
     ["Roe J. Knee. Am J Sports Med. 2010;18:238-246. PMID: 12345",
      "Doe A. Ankle. Foot Ankle Int. 2002;30:402-409."]),
    # what follows a web address and is no citation goes on with its entry
    ("<p>Society. Guideline. Available at: https://example.org/g<br>Accessed May 2004.</p>",
     ["Society. Guideline. Available at: https://example.org/g Accessed May 2004."]),
    # a URL broken over two lines goes on in lower case: one entry
    ("<p>Roe J. Knee. 2010. https://example.org/cases/<br>knee-pain.html</p>",
     ["Roe J. Knee. 2010. https://example.org/cases/ knee-pain.html"]),
])
def test_unnumbered_reference_closed_by_identifier(refs: str, texts: list[str]) -> None:
    page = f"<title>T</title><p><b>References:</b></p>{refs}".encode()
    assert [r.text for r in parse_page(page, URL).references] == texts


def test_a_web_source_after_citations_of_its_block_is_a_reference() -> None:
    """Entries one a line in one block (a compose editor's ``<div>`` lines), the last a web
    source with no year: the run of citations at the end of a page without a heading."""
    page = ("<title>Knee Pain - Page #3</title><div>Knee Pain - Page #3</div><div><br></div>"
            "<div>Roe J, Doe A. Knee pain. Am J Sports Med. 2001;29(2):12-15.</div>"
            "<div>Poe B. Runners. Br J Sports Med. 2010;44:1-5. PMID: 123456.</div>"
            "<div>Centers for Disease Control. Heads Up. http://example.org/headsup</div>")
    refs = parse_page(page.encode(), URL).references
    assert [r.text.split(".")[0] for r in refs] == ["Roe J, Doe A", "Poe B",
                                                     "Centers for Disease Control"]


def test_a_label_over_a_list_and_then_the_references_is_a_heading() -> None:
    """"KEY POINTS:" over a list is a section's heading when what follows the list is the
    references, not more of a section that goes on."""
    page = ("<title>X - Page #5</title><div><b>KEY POINTS:</b></div><ul><li>History first"
            "</li><li>Films are often normal</li></ul><div>[1] Roe J, Doe A. Knee pain. Am J "
            "Sports Med. 2001;29(2):12-15.</div><div>[2] Poe B. Runners. Br J Sports Med. "
            "2010;44:1-5.</div>")
    record = parse_page(page.encode(), URL)
    assert [(s.heading, s.text) for s in record.sections if s.key is None] == [
        ("KEY POINTS", "- History first\n- Films are often normal")]
    assert len(record.references) == 2


@pytest.mark.parametrize("content", [
    "<div><b>History:</b></div><div>A runner with knee pain.</div>",
    "<div>Roe J, Doe A. Knee pain. Am J Sports Med. 2001;29(2):12-15.</div>"
    "<div>Poe B. Runners. Br J Sports Med. 2010;44:1-5.</div>",
])
def test_a_side_column_before_the_content_gives_the_note_and_copyright(content: str) -> None:
    """A text box in the left column holds the NOTE and the © line: they are the page's
    contact and copyright, and the content after them is no footer."""
    menu = "".join(f'<li><a href="/{n}">{n}</a></li>' for n in ("Home", "Cases", "About"))
    page = ("<title>Knee Pain</title><table><tr><td id=\"sidebar-left\"><ul>" + menu +
            "</ul><h4>About</h4><div><div>NOTE: For more information, please contact the "
            "Society, 1 Main Street, Springfield, IL 62701 (217) 555-0100.</div><div><br>"
            "</div><div>&copy; Example Society</div></div></td>"
            f"<td id=\"canvas\"><div>Knee Pain - Page #2</div>{content}</td></tr></table>")
    record = parse_page(page.encode(), URL)
    assert record.copyright == "\u00a9 Example Society"
    assert record.contact is not None and record.contact.city == "Springfield"
    assert record.unplaced_chars == 0 or record.references


def test_a_tool_link_before_a_heading_is_furniture() -> None:
    """An old MediaWiki floats a heading's "[edit]" before its text: the heading is the
    text after it, the link is furniture; a bracketed number before text ("[1]", a
    pager's or a note's) is no tool link."""
    edit = ('<span class="editsection">[<a href="/index.php?title=X&amp;action=edit&amp;'
            'section={n}">edit</a>]</span> ')
    page = ("<title>Knee Pain</title><body><h2>" + edit.format(n=1) +
            '<span class="mw-headline">Diagnostic Work-up</span></h2><p>An MRI was normal.</p>'
            "<h2>" + edit.format(n=2) + '<span class="mw-headline">References</span></h2>'
            '<p><a href="#r1">[1]</a> Roe J, Doe A. Knee pain. Am J Sports Med. '
            "2001;29(2):12-15.</p></body>")
    record = parse_page(page.encode(), URL)
    assert [(s.key, s.heading) for s in record.sections] == [
        ("tests_and_results", "Diagnostic Work-up"), ("references", "References")]
    assert record.sections[0].text == "An MRI was normal."
    assert record.sections[1].text.startswith("[1] Roe J")
    assert record.furniture.split("\n").count("[edit]") == 2


@pytest.mark.parametrize("note", [
    '<font face="Arial"><a href="#r1">[1]</a> Roe J, Doe A. Knee pain. 2001;29:12.</font>',
    '<a href="#r1">[1]</a> <i>Roe J, Doe A.</i> Knee pain. 2001;29:12.',
    '<a href="#r1">[1]</a> <b>Roe J.</b>',
    '<a href="/roe.pdf">[PDF]</a> <i>Roe J. Knee pain in runners</i>'])
def test_a_bracketed_link_before_no_heading_is_no_tool_link(note: str) -> None:
    """A note's number linked in brackets, or a link to a file, before text that is no
    heading (not strong) is the text's."""
    page = f"<title>Knee Pain</title><body><h2>References</h2><p>{note}</p></body>"
    record = parse_page(page.encode(), URL)
    assert record.sections[0].text.startswith(("[1] Roe J", "[PDF] Roe J"))


_SUBPAGES = " ".join(f'<a href="/cases/knee/part-{n}">Anterior Knee Pain in a Young Runner - '
                     f"Part {n}</a>" for n in (2, 3, 4))


@pytest.mark.parametrize(("after", "furniture"), [
    (f'<div class="sites-subpages"><span>Subpages (3):</span> {_SUBPAGES}</div>',
     "Subpages (3): Anterior Knee Pain"),
    ("<div><span>Updated Aug 20, 2010, 8:13 AM by NSMS Webmaster</span></div>",
     "Updated Aug 20, 2010, 8:13 AM by NSMS Webmaster"),
    ("<div>Updated June 3, 2009 by Dr. Smith: an MRI showed a tear.</div>", None),
])
def test_a_site_builders_lines_under_the_content_are_furniture(after: str,
                                                               furniture: str | None) -> None:
    """Under each page's content a site builder prints its subpages as a named line of
    links ("Subpages (3):"; titles too long for a menu by their link lengths) and its
    revision stamp ("Updated <date> by <name>"): furniture, never the text of the last
    section, also where no footer follows to end it. A sentence that starts like a stamp
    is the section's."""
    page = (f"<title>Knee Pain</title><body><div><b>Outcome:</b></div>"
            f"<div>He returned to running.</div>{after}</body>")
    record = parse_page(page.encode(), URL)
    if furniture is None:
        assert record.sections[0].text.endswith("an MRI showed a tear.")
        return
    assert [(s.key, s.text) for s in record.sections] == [("outcome", "He returned to running.")]
    assert furniture in record.furniture


@pytest.mark.parametrize("cls", ["pagenavbar", "pagenav_prev", "subnav"])
def test_a_class_that_ends_in_a_navigation_word_is_navigation(cls: str) -> None:
    """A container named by a compound ending in "nav", "navbar" or "navigation" (Joomla's
    ``pagenavbar`` around its pager "«StartPrev1 2 3 4Next End»" on a first page, whose
    "Start" and "Prev" are no links: too few links for their density to show) is
    navigation."""
    pager = "".join(f'<a href="?start={n}">{n + 1}</a>' for n in (1, 2, 3))
    page = ("<title>Knee Pain</title><body><p><b>History:</b> a fall</p>"
            f'<div class="{cls}"><span>&laquo;</span><span>Start</span><span>Prev</span>'
            f'<strong>1</strong>{pager}<a href="?start=1">Next</a><a href="?start=3">End</a>'
            "<span>&raquo;</span></div></body>")
    record = parse_page(page.encode(), URL)
    assert [(s.key, s.text) for s in record.sections] == [("history", "a fall")]


def test_a_table_of_buttons_is_no_data_table() -> None:
    """A Notes action bar: a bordered table whose cells are one link each ("Next Page",
    "Case List"; ``href=""`` with a script) is a bar of links, furniture, never a data
    row "Next Page | Case List" of unplaced text."""
    bar = "".join(f'<td nowrap><a href="" onclick="return go()">{name}</a></td>'
                  for name in ("Next Page", "Case List"))
    page = (f"<title>Knee Pain - Page #2</title><body><table border=1><tr>{bar}</tr></table>"
            "<p><b>History:</b> a fall</p></body>")
    record = parse_page(page.encode(), URL)
    assert record.unplaced_chars == 0 and not record.warnings
    assert {"Next Page", "Case List"} <= set(record.furniture.split("\n"))


def test_a_title_led_by_the_copyright_holder_keeps_the_case_title() -> None:
    """"Holder - Case" in ``<title>``: the site is its first part (the copyright holder),
    though the case's title shows as a furniture line too (its heading a link to itself)."""
    page = ("<title>Plains Sports Society - Knee Pain in a Skier</title><body>"
            '<div><a href="/cases/knee">Knee Pain in a Skier</a></div>'
            "<p><b>History:</b> a fall</p><p>&copy; Plains Sports Society</p></body>")
    record = parse_page(page.encode(), URL)
    assert record.title == "Knee Pain in a Skier"
    assert not [w for w in record.warnings if w.startswith("title")]


def test_a_later_page_named_by_its_number_leaves_the_title_to_its_case() -> None:
    """A site builder names a case's subpages "Page 2": such a page shows no title of its
    own and does not warn; a first page without one does, and so does a case whose pages
    give no title at all."""
    html = (b"<title>Page 2 - Example Society</title><div id=\"header\"><a href=\"/\">"
            b"Example Society</a></div><h2>Page 2</h2><p><b>Treatment:</b> Rest.</p>")
    later = parse_page(html, "http://example.org/site/x/case-studies/knee/page-2")
    first = parse_page(html.replace(b"Page 2", b"Home"),
                       "http://example.org/site/x/case-studies/knee")
    assert later.title is None and not any(w.startswith("title:") for w in later.warnings)
    assert "title: no usable <title> or visible heading" in first.warnings
    case = assemble_case("c", [(later, PageRef(2, "http://h/2", "a"))])
    assert "title: no page of the case gives a usable title" in case.warnings

# --- contact and links ----------------------------------------------------------------------

def test_contact_and_copyright() -> None:
    page = ("<title>T</title><p><b>History:</b> x</p><p>NOTE: For more information, please "
            "contact Jane Roe at the Society of Sport, 1 Elm Rd., Suite 2, Austin, TX "
            "78701-1234. Fax (512) 555-0199, phone 512.555.0100, jane@sport.org</p>"
            "<p>Copyright (c) 1999 Society of Sport<br>1 Elm Rd.<br>Austin, TX 78701</p>")
    record = parse_page(page.encode(), URL)
    c = record.contact
    assert (c.street, c.city, c.state, c.postal_code) == ("1 Elm Rd., Suite 2", "Austin", "TX",
                                                         "78701-1234")
    assert (c.phone, c.email) == ("(512) 555-0100", "jane@sport.org")
    assert c.organization == "Jane Roe at the Society of Sport"
    assert record.copyright == "Copyright (c) 1999 Society of Sport"


def test_links_resolved() -> None:
    page = (b"<base href='http://other.org/dir/'><a href='x.html' rel='Next'>X</a>"
            b"<a href='mailto:a@b.c'>m</a><a href='#top'>t</a>")
    links = parse_page(page, URL).links
    assert [(lk.url, lk.text, lk.rel) for lk in links] == [
        ("http://other.org/dir/x.html", "X", "next"), ("mailto:a@b.c", "m", ""),
        ("http://other.org/dir/#top", "t", "")]


# --- case assembly --------------------------------------------------------------------------

def _page(n: int, html: str) -> tuple:
    record = parse_page(f"<title>Case - Page {n}</title>{html}".encode(), f"{URL}?p={n}")
    return record, PageRef(n, f"{URL}?p={n}", "h")


def test_assemble_case() -> None:
    p1 = _page(1, "<p><b>History:</b> a</p><p><b>Physical Exam:</b> b</p>")
    p2 = _page(2, "<p><b>Physical Exam:</b> c</p><p><b>Pearls:</b> d</p>"
                  "<p><b>References:</b></p><p>1. R1.</p><p>x</p><p>NOTE: contact the X, "
                  "1 A St, Town, KS 66211 (913) 555-1212.</p><p>© X</p>")
    case = assemble_case("c", [p2, p1], failed_urls=["http://x/3"])
    # page_count counts every known page, the failed third one too
    assert (case.title, case.page_count, case.complete) == ("Case", 3, False)
    assert case.history == "a" and case.physical_exam == "b\n\nc"
    assert [(o.heading, o.page_number) for o in case.other_sections] == [("Pearls", 2)]
    assert case.references == [Reference(1, "R1. x")]
    assert case.copyright == "© X" and case.contact.city == "Town"
    assert "treatment" in case.missing_sections and "history" not in case.missing_sections
    again = assemble_case("c", [(p1[0], PageRef(1, "other", "zz")), p2],
                          failed_urls=["http://x/3"])
    assert again.content_sha256 == case.content_sha256


@pytest.mark.slow
def test_line_prefilters_never_hide_a_match() -> None:
    """The cheap first-character tests in ``sections`` must let through every line the
    pager/return/updated and footer regexes could match (brute force over the BMP)."""
    from casearchive.parsers import labels as lb

    suffixes = ["", "age 2 of 4", "ext >>", "ast updated: May 2004", "eturn to the case studies",
                "his page was last updated", "ote: for more information contact us",
                "ebsite created by x", " 2004 AMSSM", "c) 2004", "opyright 2004",
                "pdated Aug 20, 2010, 8:13 AM by X", "evised on 3/12/99"]
    for code in range(0x10000):
        c = chr(code)
        for suffix in suffixes:
            line = c + suffix
            head = line[:2]
            excl_gate = (c in lb.EXCLUDED_SYMBOLS or c.isdigit() or not head.isascii()
                         or head.lower() in lb.EXCLUDED_PREFIXES)
            if not excl_gate:
                for rx in (lb.PAGER_RE, lb.RETURN_RE, lb.UPDATED_RE):
                    assert rx.match(line) is None, (rx.pattern, line)
            if c not in lb.FOOTER_FIRST and "\u00a9" not in line:
                for rx in (lb.NOTE_RE, lb.CREDIT_RE, lb.COPYRIGHT_START_RE):
                    assert rx.match(line) is None, (rx.pattern, line)


@pytest.mark.parametrize("cell", ['<td>Patient Education</td>',
                                  '<td class="label">Patient Education</td>'])
def test_label_value_table_left_cells_are_headings(cell: str) -> None:
    """In a two-column label/value table (one left cell is a known heading), an unknown
    left cell heads its row: its own other section, not text of the section above."""
    page = ('<html><head><title>Case X</title></head><body><h1>Case X</h1><table>'
            '<tr><td>History</td><td>A cyclist had knee pain for six weeks.</td></tr>'
            f'<tr>{cell}<td>Home program given.</td></tr>'
            '<tr><td>Physical Exam</td><td>Tender lateral knee.</td></tr>'
            '</table></body></html>')
    record = parse_page(page.encode(), "http://127.0.0.1/x")
    assert [(s.key, s.heading, s.text) for s in record.sections] == [
        ("history", "History", "A cyclist had knee pain for six weeks."),
        (None, "Patient Education", "Home program given."),
        ("physical_exam", "Physical Exam", "Tender lateral knee."),
    ]


_DREAMWEAVER_PAGE = """<html><head><title>Untitled Document</title><style type="text/css">
<!--
.style1 {font-family: Arial; font-size: 12px; }
.style3 { font-family: Arial; font-weight: bold; color: #003366; }
-->
</style></head><body><table><tr><td><a href="/">Home</a><br><a href="/cases/">Cases</a></td>
<td><p class="style3">Knee Pain in a Cyclist</p>
<p><span class="style3">History</span><br><span class="style1">Knee pain for weeks.</span></p>
<p><span class="style3">Return to Play</span><br><span class="style1">After eight weeks.</span></p>
</td></tr></table></body></html>"""


def test_css_bold_classes_and_layout_table() -> None:
    """A class the page's <style> makes bold is heading formatting; a table cell holding
    several paragraphs is a layout column, never a collapsed data table."""
    record = parse_page(_DREAMWEAVER_PAGE.encode(), "http://127.0.0.1/x")
    assert record.title == "Knee Pain in a Cyclist"
    assert [(s.key, s.heading, s.text) for s in record.sections] == [
        ("history", "History", "Knee pain for weeks."),
        (None, "Return to Play", "After eight weeks."),
    ]


def _site_page(n: int, body: str, side: str = "") -> tuple:
    """A page of a portal whose <title> is the society's name (its copyright holder)."""
    html = ("<html><head><title>Plains Sports Society</title></head><body><table><tr>"
            f"<td colspan=2><b>Plains Sports Society</b></td></tr><tr><td>{body}</td>{side}"
            "</tr></table><p>© 2001 Plains Sports Society</p></body></html>")
    return parse_page(html.encode(), f"{URL}?pg={n}"), PageRef(n, f"{URL}?pg={n}", "h")


def test_case_title_block_over_every_page_wins_over_a_generic_title() -> None:
    block = "<p><font size=4><b>Knee Pain in a Skier</b></font></p>"
    p1 = _site_page(1, f"{block}<p><b>History:</b></p><p>a fall</p>")
    p2 = _site_page(2, f"{block}<p>more of it</p><p><b>Outcome:</b></p><p>well</p>")
    # the holder's name alone is a generic <title>; its banner is furniture
    assert p1[0].title == "Knee Pain in a Skier" and "Plains Sports Society" in p1[0].furniture
    case = assemble_case("c", [p1, p2])
    assert case.title == "Knee Pain in a Skier"
    assert case.history == "a fall\n\nmore of it" and case.outcome == "well"
    assert p1[0].unplaced_chars == 0 and not p1[0].warnings


def test_side_column_of_boxes_in_a_layout_table_is_furniture() -> None:
    text = " ".join(["The athlete improved steadily over the following weeks."] * 4)
    side = ("<td width=180><p><b>Meetings</b></p><p>Spring course, May 2</p>"
            "<p><b>Newsletter</b></p><p>Sign up today.</p></td>")
    record, _ = _site_page(1, f"<p><b>History:</b></p><p>{text}</p><p><b>Outcome:</b></p>"
                              f"<p>{text}</p>", side)
    assert [s.heading for s in record.sections] == ["History", "Outcome"]
    assert "Meetings" in record.furniture and "Sign up today." in record.furniture
    # the one cell holding a case heading is the content, however short beside the column
    short, _ = _site_page(1, "<p><b>Outcome:</b></p><p>well</p>", side)
    assert [s.heading for s in short.sections] == ["Outcome"] and "Meetings" in short.furniture
    # with no case heading, the one cell holding a run-in label in capitals is the content
    caps, _ = _site_page(3, "<p><b>RETURN TO PLAY:</b> Cleared after a progression.</p>",
                         side)
    assert [s.heading for s in caps.sections] == ["RETURN TO PLAY"]
    assert "Meetings" in caps.furniture
    # a two-column heading table keeps its left cells
    rows = parse_page(b"<title>T</title><table><tr><td><b>History</b></td><td>x y</td></tr>"
                      b"<tr><td><b>Outcome</b></td><td>z</td></tr></table>", URL)
    assert [s.key for s in rows.sections] == ["history", "outcome"]


def test_main_named_as_a_whole_is_the_content_below_half_the_text() -> None:
    foot = "<p>" + "Plains Sports Society, 1 Elm Rd, Town. " * 6 + "</p>"
    page = ("<title>T</title><body><div id='main'><p><b>Outcome:</b></p><p>well</p></div>"
            "<div id='right'><p><b>Events</b></p><p>May 2</p></div>"
            f"<div id='footer'>{foot}</div></body>")
    record = parse_page(page.encode(), URL)
    assert [s.heading for s in record.sections] == ["Outcome"] and "Events" in record.furniture


def test_box_another_page_has_as_furniture_is_furniture() -> None:
    text = " ".join(["The athlete improved steadily over the following weeks."] * 4)
    side = ("<td width=180><p><b>Meetings</b></p><p>Spring course, May 2</p>"
            "<p><b>Newsletter</b></p><p>Sign up today.</p></td>")
    block = "<p><font size=4><b>Knee Pain in a Skier</b></font></p>"
    p1 = _site_page(1, f"{block}<p><b>History:</b></p><p>{text}</p>", side)
    p2 = _site_page(2, f"{block}<p>A last word.</p>", side)
    # no case heading and too short for the side column's density to show: its boxes
    # parse as sections
    assert "Meetings" in [s.heading for s in p2[0].sections]
    case = assemble_case("c", [p1, p2])
    assert case.other_sections == [] and case.history == f"{text}\n\nA last word."
    assert "Sign up today." in p2[0].furniture


def test_run_in_title_case_label_on_a_page_without_known_headings() -> None:
    lone = parse_page(b"<title>T</title><p><b>Return to Play:</b> She trained again.</p>", URL)
    assert [(s.heading, s.text) for s in lone.sections] == [("Return to Play",
                                                            "She trained again.")]
    refs = parse_page(b"<title>T</title><p><b>Discussion:</b> Rare in runners.</p>"
                      b"<h3>References</h3><p>1. Roe J. Knee. Am J Sports Med. 2001;2:3-4.</p>",
                      URL)
    assert [s.heading for s in refs.sections] == ["Discussion", "References"]
    # under a recognised heading it is a sub-label of that section's text
    under = parse_page(b"<title>T</title><h3>Investigations</h3><p>Films were taken.</p>"
                       b"<p><b>Bone Scan Findings:</b> normal.</p>", URL)
    assert [s.key for s in under.sections] == ["tests_and_results"]
    for label in ("Laboratory studies", "Labs"):  # sentence case, short: sub-labels
        page = parse_page(f"<title>T</title><p><b>{label}:</b> CBC normal.</p>".encode(), URL)
        assert [s.heading for s in page.sections] == [None]
