"""Extraction rules of docs/extraction.md: headings by form and by meaning, references by
content, the content verdict, page-number sources, furniture and text conservation."""

from __future__ import annotations

import pytest

from casearchive.parsers.labels import alias_key, heading_rule, synonym_keys
from casearchive.parsers.page import parse_page
from casearchive.parsers.records import PageRecord

URL = "http://example.org/cases/c.html"


def _page(body: str, title: str = "A Case - Page 2", url: str = URL) -> PageRecord:
    html = f"<html><head><title>{title}</title></head><body>{body}</body></html>"
    return parse_page(html.encode("utf-8"), url)


def _by_heading(record: PageRecord) -> dict[str | None, tuple[str | None, str, str]]:
    return {s.heading: (s.key, s.rule, s.text) for s in record.sections}


@pytest.mark.parametrize(("heading", "key"), [
    ("Findings on Examination", "physical_exam"), ("Examination", "physical_exam"),
    ("Course and Outcome", "outcome"), ("Follow-up", "outcome"),
    ("Investigations", "tests_and_results"), ("Work-up", "tests_and_results"),
    ("Presenting complaint", "history"), ("Presentation", "history"),
    ("Management", "treatment"), ("Selected References", "references"),
    ("Suggested Reading", "references"), ("References Cited", "references"),
    ("Sources", "references"), ("Further reading", "references"),
    ("HOSPITAL COURSE", "outcome"), ("Initial Work Up", "tests_and_results"),
])
def test_headings_by_meaning(heading: str, key: str) -> None:
    assert alias_key(heading)[0] == key
    assert heading_rule(heading) in ("alias", "synonym")


@pytest.mark.parametrize("heading", ["Treatment and Outcome", "Physical Therapy",
                                     "History and Examination"])
def test_a_heading_matching_two_keys_is_never_guessed(heading: str) -> None:
    assert alias_key(heading)[0] is None and len(synonym_keys(heading)) > 1
    record = _page(f"<h3>History</h3><p>a 20-year-old.</p><h3>{heading}</h3><p>text here.</p>")
    assert _by_heading(record)[heading][:2] == (None, "form")
    assert any("ambiguous heading" in w for w in record.warnings)


@pytest.mark.parametrize("markup", [
    "<p><b>RETURN TO PLAY</b></p><p>Back at six weeks.</p>",
    "<p>RETURN TO PLAY</p><p>Back at six weeks.</p>",
    "<h4>Return to Play</h4><p>Back at six weeks.</p>",
    "<p><strong>Return to Play:</strong></p><p>Back at six weeks.</p>",
])
def test_unknown_heading_by_form_on_a_page_without_known_headings(markup: str) -> None:
    record = _page(markup)
    assert record.is_case_page, record.warnings
    heading = next(s for s in record.sections if s.rule == "form")
    assert heading.heading.lower() == "return to play" and heading.key is None
    assert heading.text == "Back at six weeks."


def test_sub_labels_stay_text() -> None:
    record = _page("<p><b>Tests and Results:</b></p><p><b>MRI:</b> normal disc.</p>"
                   "<p><b>Laboratory studies:</b></p><ul><li>CK 1,840</li><li>Hb 14</li></ul>"
                   "<p>All else normal.</p><p><b>Treatment:</b> rest.</p>")
    sections = _by_heading(record)
    assert list(sections) == ["Tests and Results", "Treatment"]
    assert "Laboratory studies:" in sections["Tests and Results"][2]


def test_a_bold_sentence_or_a_list_item_is_not_a_heading() -> None:
    record = _page("<p><b>History:</b> a.</p><p><b>He was seen again.</b></p><p>b.</p>"
                   "<ul><li><b>Scaphoid fracture</b></li><li>Sprain</li></ul>")
    assert [s.heading for s in record.sections] == ["History"]


_REFS = ("<ol><li>Phillips TG, Reibach AM. Diagnosis of scaphoid fractures. Am Fam Physician. "
         "2004;70(5):879-884.</li><li>Winston P, Awan R. Snapping hip in dancers. Am J Sports "
         "Med. 2007;35(1):118-126. PMID: 16982721.</li></ol>")


@pytest.mark.parametrize("before", ["", "<p><b>Outcome:</b> well at six weeks.</p>",
                                    "<h3>Literature</h3>"])
def test_references_by_content(before: str) -> None:
    record = _page(before + _REFS)
    assert [r.number for r in record.references] == [1, 2]
    assert record.references[1].pmid == "16982721"
    ref = next(s for s in record.sections if s.key == "references")
    assert ref.rule in ("content", "synonym")
    if before.startswith("<p><b>Outcome"):
        assert _by_heading(record)["Outcome"][2] == "well at six weeks."


def test_references_heading_over_non_citations_is_not_references() -> None:
    record = _page("<p><b>History:</b> a.</p><h3>Suggested Reading</h3>"
                   "<p>Ask your coach about warm-up drills.</p>")
    assert record.references == []
    assert _by_heading(record)["Suggested Reading"][0] is None
    assert any("no citation" in w for w in record.warnings)


def test_verdict_and_sections_on_a_page_without_headings() -> None:
    record = _page("<p>Just a paragraph of text about the society.</p>", title="About us")
    assert not record.is_case_page and record.skip_reason == "no case sections"
    assert [(s.key, s.heading, s.rule) for s in record.sections] == [(None, None, "unplaced")]
    assert any("unplaced text" in w for w in record.warnings)


def test_encyclopedia_headings_edit_links_and_link_only_references() -> None:
    edit = '<span>[</span><a href="/w?action=edit&section={n}">edit</a><span>]</span>'
    record = _page(
        f"<h2><span>Details</span>{edit.format(n=1)}</h2><p>Body of details.</p>"
        f"<h2><span>References</span>{edit.format(n=2)}</h2><ol>"
        '<li><b><a href="#r1">^</a></b> Smith J. A title. J Med. 2001;3(2):1-5.</li>'
        '<li><b><a href="#r2">^</a></b> <a href="https://x.org/p">A blog post, 2015</a></li>'
        '<li><b><a href="#r3">^</a></b> Roe R. Another. Lancet. 2003;9:10-12.</li></ol>')
    sections = _by_heading(record)
    assert sections["Details"][:2] == (None, "form")
    assert sections["Details"][2] == "Body of details."
    assert [r.number for r in record.references] == [1, 2, 3]
    assert "[edit]" not in " ".join(r.text for r in record.references)
    assert record.furniture.count("[edit]") == 2


@pytest.mark.parametrize("anchor", [
    '<a class="anchor" href="#h">#</a>', '<a class="headerlink" href="#h">\u00b6</a>',
    '<a href="#h" aria-hidden="true">\u00a7</a>'])
def test_a_heading_permalink_is_furniture_and_the_heading_stands_alone(anchor: str) -> None:
    """A static site's heading anchors ("History#", "Return to Play¶"): the heading is
    read by its form, known or not, and the symbol goes to the furniture, not the text."""
    record = _page(f'<h2 id="h">History{anchor}</h2><p>A 20-year-old runner.</p>'
                   f'<h2 id="r">Return to Play{anchor}</h2><p>Back at six weeks.</p>')
    sections = _by_heading(record)
    assert sections["History"] == ("history", "alias", "A 20-year-old runner.")
    assert sections["Return to Play"] == (None, "form", "Back at six weeks.")
    assert record.unplaced_chars == 0


def test_a_breadcrumb_trail_is_furniture_not_the_visible_title() -> None:
    record = _page('<p><a href="/">Home</a> &gt; <a href="/edu/">Education</a> &gt; '
                   '<a href="/edu/cases.aspx">Case Studies</a> &gt; Knee Pain</p>'
                   "<h2>Knee Pain in a Runner</h2><h3>History</h3><p>A 20-year-old.</p>",
                   title="Untitled Document")
    assert record.title == "Knee Pain in a Runner"
    assert "Home > Education > Case Studies > Knee Pain" in record.furniture
    assert record.unplaced_chars == 0, record.warnings


def test_a_pager_inside_navigation_gives_the_page_number() -> None:
    record = _page('<nav class="pagination"><a href="1/" rel="prev">&larr; Previous</a> '
                   '<span>Page 2 of 5</span> <a href="3/" rel="next">Next &rarr;</a></nav>'
                   "<h3>History</h3><p>A 20-year-old.</p>", title="Knee Pain \u2013 Part 2")
    assert (record.page_number, record.page_total) == (2, 5)


def test_a_title_separated_by_a_middle_dot() -> None:
    record = _page("<h3>History</h3><p>A 20-year-old.</p>",
                   title="Knee Pain \u00b7 Page 2 | Society")
    assert (record.title, record.page_number) == ("Knee Pain", 2)


def test_footer_links_and_tool_credits_are_furniture() -> None:
    record = _page("<h3>History</h3><p>A 20-year-old.</p>"
                   "<p>NOTE: For more information, please contact the NSMS.</p>"
                   '<p><a href="/cases/">&larr; All case studies</a></p>'
                   '<footer><p>\u00a9 Northfield Society</p><p>Built with <a href="https://gohugo.io/">'
                   'Hugo</a> &middot; <a href="/index.xml">RSS</a></p></footer>')
    assert record.unplaced_chars == 0, record.warnings
    assert "\u2190 All case studies" in record.furniture
    assert "Built with Hugo \u00b7 RSS" in record.furniture


def test_a_footnote_back_link_is_not_part_of_the_reference() -> None:
    record = _page('<h3>History</h3><p>A 20-year-old.</p>'
                   '<h3>References</h3><div class="footnotes"><ol>'
                   '<li id="fn:1"><p>Smith J. A title. J Med. 2001;3(2):1-5. '
                   '<a href="#fnref:1" class="reversefootnote">&#8617;&#xfe0e;</a></p></li>'
                   "</ol></div>")
    assert [r.text for r in record.references] == ["Smith J. A title. J Med. 2001;3(2):1-5."]


def test_lines_of_a_preformatted_block_stay_lines() -> None:
    record = _page("<h3>Tests and Results</h3><p>Radiographs were normal.</p>"
                   "<PRE>\nMRI: small bone bruise\nVitamin D: 18 ng/mL (low)\n</PRE>")
    assert _by_heading(record)["Tests and Results"][2] == (
        "Radiographs were normal.\n\nMRI: small bone bruise\nVitamin D: 18 ng/mL (low)")


def test_digits_set_in_sup_and_sub_keep_their_value() -> None:
    record = _page("<h3>Tests and Results</h3><p>WBC 12 x 10<sup>9</sup>/L; BSA 1.8 m<sup>2"
                   "</sup>; Ca<sup>2+</sup>; H<sub>2</sub>O; 2<sup>&minus;1</sup>; the 1<sup>"
                   'st</sup> visit; after the fall.<sup><a href="#fn:2">2</a></sup> Seen again'
                   "<sup>[3]</sup>.</p>")
    assert _by_heading(record)["Tests and Results"][2] == (
        "WBC 12 x 10\u2079/L; BSA 1.8 m\u00b2; Ca\u00b2\u207a; H\u2082O; 2\u207b\u00b9; the 1st "
        "visit; after the fall.\u00b2 Seen again[3].")


def test_text_set_in_the_symbol_font_reads_as_the_reader_saw_it() -> None:
    record = _page('<h3>Treatment</h3><p>Took 50 <font face="Symbol">m</font>g daily; age '
                   "<span style='font-family:Symbol;mso-ascii-font-family:Arial'>\u00b3</span>"
                   " 65; <span style='font-family:Symbol'>&#61538;</span>-blocker; 38<FONT "
                   'FACE="SYMBOL">\u00b0</FONT>C; <span style="font-family:Arial">m</span>g.</p>'
                   "<p style='mso-list:l0 level1 lfo1'><span style='font-family:Symbol'><span "
                   "style='mso-list:Ignore'>\u00b7<span style='font:7.0pt \"Times New Roman\"'>"
                   "&nbsp;&nbsp; </span></span></span>Positive Hawkins test</p>")
    assert _by_heading(record)["Treatment"][2] == (
        "Took 50 \u03bcg daily; age \u2265 65; \u03b2-blocker; 38\u00b0C; mg.\n\n"
        "- Positive Hawkins test")


def test_characters_that_show_nothing_are_not_in_the_fields() -> None:
    record = _page("<h3>His&shy;tory</h3><p>Hyper&shy;tension, zero&#8203;width, word&#8288;"
                   "joiner, mark&#65279;less; a direction mark stays&#8206;.</p>"
                   "<h3>References</h3><ol><li>Smith J. Hyper&shy;tension. J Med. 2001;3:1-5."
                   "</li></ol>")
    assert _by_heading(record)["History"] == ("history", "alias", (
        "Hypertension, zerowidth, wordjoiner, markless; a direction mark stays\u200e."))
    assert [r.text for r in record.references] == ["Smith J. Hypertension. J Med. 2001;3:1-5."]


def test_a_heading_image_is_its_heading_and_other_images_are_no_text() -> None:
    record = _page('<p><img src="hx.gif" alt="HISTORY"></p><p>A 24-year-old runner.</p>'
                   '<p><img src="pe.gif" alt="Physical Examination:" width="200"></p>'
                   '<p>Tender knee. <img src="mri.jpg" alt="MRI of the knee"></p>'
                   '<p><img src="me.jpg" alt="Author"> <img src="logo.gif" alt="Logo"></p>'
                   '<p><a href="/cases/knee2.html"><img src="n.gif" alt="Next Page"></a></p>')
    assert [(s.key, s.heading, s.text) for s in record.sections] == [
        ("history", "HISTORY", "A 24-year-old runner."),
        ("physical_exam", "Physical Examination", "Tender knee.")]
    assert record.links[-1].text == "Next Page"


def test_numbered_headings_are_headings_without_their_number() -> None:
    record = _page("<h3>1. History</h3><p>A 24-year-old runner.</p><h3>2. Physical "
                   "Examination</h3><p>Tender knee.</p><p><b>III. Differential Diagnosis:</b>"
                   "</p><p>Tendinopathy.</p><p><b>C) Treatment</b></p><p>Rest.</p><h3>4. "
                   "Discussion</h3><p>Some words.</p><h3>4.1 Learning Points</h3><p>More.</p>"
                   "<p><b>5. Return to play in 6 weeks</b></p><p>Text.</p>")
    assert [(s.key, s.heading, s.text) for s in record.sections] == [
        ("history", "1. History", "A 24-year-old runner."),
        ("physical_exam", "2. Physical Examination", "Tender knee."),
        ("differential_diagnosis", "III. Differential Diagnosis", "Tendinopathy."),
        ("treatment", "C) Treatment", "Rest."),
        (None, "4. Discussion", "Some words."),
        (None, "4.1 Learning Points", "More.\n\n5. Return to play in 6 weeks\n\nText.")]


def test_plain_run_in_labels_are_headings_only_where_the_page_writes_them_so() -> None:
    plain = _page("<p>History: A 24-year-old runner with knee pain for three months, worse on "
                  "stairs and after long runs.</p><p>Physical Exam: Tender.</p>"
                  "<p>MRI: small effusion.</p>")
    assert [(s.key, s.heading, s.text) for s in plain.sections] == [
        ("history", "History", "A 24-year-old runner with knee pain for three months, worse "
         "on stairs and after long runs."),
        ("physical_exam", "Physical Exam", "Tender.\n\nMRI: small effusion.")]
    formatted = _page("<h3>History</h3><p>A 24-year-old runner.</p><h3>Tests and Results</h3>"
                      "<p>Exam: normal gait.</p><p>Diagnosis: pending.</p>")
    assert [(s.key, s.text) for s in formatted.sections] == [
        ("history", "A 24-year-old runner."),
        ("tests_and_results", "Exam: normal gait.\n\nDiagnosis: pending.")]
    alone = _page("<p>A 24-year-old runner.</p><p>Outcome: He returned to running.</p>")
    assert [s.key for s in alone.sections] == [None]


def test_a_cms_byline_and_date_over_the_article_are_furniture() -> None:
    record = _page("<p>Written by Dr. Jane Miller Thursday, 27 March 2008 19:22</p>"
                   "<p>Sunday, 26 October 2008 16:59</p><h3>History</h3>"
                   "<p>A 24-year-old runner.</p><p>March 6, 2012</p>")
    assert record.unplaced_chars == 0, record.warnings
    assert "Written by Dr. Jane Miller Thursday, 27 March 2008 19:22" in record.furniture
    assert "Sunday, 26 October 2008 16:59" in record.furniture
    assert _by_heading(record)["History"][2] == "A 24-year-old runner.\n\nMarch 6, 2012"
    prose = _page("<p>By the time he arrived the pain was severe.</p><h3>History</h3><p>x</p>")
    assert prose.sections[0].text == "By the time he arrived the pain was severe."


def test_links_say_whether_they_stand_in_the_navigation() -> None:
    record = _page('<ul class="menu"><li><a href="/about">About Us</a></li></ul>'
                   '<div><a href="/a">One</a> | <a href="/b">Two</a> | <a href="/c">Three</a></div>'
                   '<h3>History</h3><p>A runner; see <a href="/ref">the guideline</a>.</p>')
    assert [(link.text, link.nav) for link in record.links] == [
        ("About Us", True), ("One", True), ("Two", True), ("Three", True),
        ("the guideline", False)]


def test_a_label_with_its_colon_is_a_heading_even_where_the_title_ends_in_it() -> None:
    # A CMS titles each page of an article by its page-break title: "X - Key Points".
    record = _page("<p><u><strong>KEY POINTS:</strong></u></p><ul><li>History points to the "
                   "diagnosis</li><li>Plain films are often normal</li></ul><p><u><strong>"
                   "REFERENCES:</strong></u></p><p>1. Smith J. A title. J Med. 2001;3:1-5.</p>",
                   title="Anterior Knee Pain - Key Points")
    assert [(s.key, s.heading) for s in record.sections] == [
        (None, "KEY POINTS"), ("references", "REFERENCES")]


_ICONS = ('<td><a href="/cases/7?format=pdf"><img src="pdf.png" alt="PDF"></a></td>'
          '<td><a href="/cases/7?print=1"><img src="print.png" alt="Print"></a></td>')


def test_the_menu_heading_over_a_linked_article_title_is_the_masthead() -> None:
    # A CMS prints the menu item's heading over the article, whose title links to the
    # article beside print and PDF icons (a box of links: navigation). The title is the
    # page's title block; the heading above it is furniture, not text of the case.
    title = "Knee Pain in a Runner"
    record = _page('<div class="componentheading">Case Studies</div><table><tr>'
                   f'<td class="contentheading"><a href="/cases/7">{title}</a></td>{_ICONS}'
                   "</tr></table><p>Page 2 of 3</p><h3>Treatment</h3><p>Rest and ice.</p>",
                   title=title)
    assert record.title == title
    assert [s.heading for s in record.sections] == ["Treatment"]
    assert record.unplaced_chars == 0, record.warnings
    assert "Case Studies" in record.furniture.split("\n")


@pytest.mark.parametrize("shown", [
    '<table><tr><td class="contentheading"><a href="/cases/7">Anterior Knee Pain</a></td>'
    f"{_ICONS}</tr></table>",
    '<h2 class="contentheading">Anterior Knee Pain</h2>',
])
def test_a_page_break_title_under_the_page_title_heads_a_section(shown: str) -> None:
    # "X - Key Points": the CMS titles the page by its page-break title, the heading the
    # page opens with. Under the page's title X, "Key Points" (no colon) heads a section.
    record = _page(f"{shown}<h3>Key Points</h3><ul><li>History points to the diagnosis</li>"
                   "<li>Plain films are often normal</li></ul><h3>References</h3>"
                   "<p>1. Smith J. A title. J Med. 2001;3:1-5.</p>",
                   title="Anterior Knee Pain - Key Points")
    assert record.title == "Anterior Knee Pain"
    assert [(s.key, s.heading) for s in record.sections] == [
        (None, "Key Points"), ("references", "References")]
    assert record.sections[0].text == ("- History points to the diagnosis\n"
                                       "- Plain films are often normal")
    # the site's name over the article is no page-break title
    site = _page('<h1>Northfield Sports Medicine Society</h1><h2>Anterior Knee Pain</h2>'
                 "<p>Written by Jane Miller</p><h3>History</h3><p>A runner.</p>"
                 "<p>&copy; Northfield Sports Medicine Society</p>",
                 title="Northfield Sports Medicine Society - Anterior Knee Pain")
    assert [s.heading for s in site.sections] == ["History"]


def test_a_module_blurb_after_the_references_is_no_reference() -> None:
    # A module column beside a short last page: its one long line (no number, no year, no
    # DOI or URL) is navigation; citations in a block classed as links (a year each) stay
    # references.
    record = _page("<h3>History</h3><p>A runner.</p><h3>References</h3><div class=\"links\">"
                   "<p>Smith J, Doe A. Patellar pain in young runners. J Med. 2001;3:1-5.</p>"
                   "<p>Roe R. Knee pain in runners and dancers. Am J Sports Med. 2009;37:1-9."
                   "</p></div>"
                   '<div class="sidebar"><p>Can you make the diagnosis? Test yourself with this '
                   "month's case.</p></div>")
    assert [r.text for r in record.references] == [
        "Smith J, Doe A. Patellar pain in young runners. J Med. 2001;3:1-5.",
        "Roe R. Knee pain in runners and dancers. Am J Sports Med. 2009;37:1-9."]
    assert "Test yourself" in record.furniture


def test_a_wiki_reference_list_back_link_before_the_entry_is_not_its_text() -> None:
    record = _page('<h3>History</h3><p>A 20-year-old.</p><h2>References</h2><ol class="refs">'
                   '<li><span><a href="#cite_ref-1">^</a></span> Smith J. A title. J Med. '
                   "2001;3(2):1-5.</li><li><span><a href=\"#cite_ref-2\">\u2191</a></span> Roe R. "
                   "Another. Lancet. 2003;9:10-12.</li></ol>")
    assert [r.text for r in record.references] == [
        "Smith J. A title. J Med. 2001;3(2):1-5.", "Roe R. Another. Lancet. 2003;9:10-12."]


def test_a_wiki_subpage_trail_and_wiki_furniture_are_not_case_text() -> None:
    record = _page('<p><span>&lt; <a href="/wiki/Case_Studies">Case Studies</a>\u200e | '
                   '<a href="/wiki/Case_Studies/Knee">Knee</a></span></p>'
                   "<h3>History</h3><p>A 20-year-old.</p>"
                   '<table class="navbox"><tr><th>Case Studies: Knee Pain</th></tr></table>'
                   '<div class="printfooter">Retrieved from "http://wiki.example.org/x"</div>'
                   '<div id="catlinks"><a href="/wiki/Category:Cases">Case studies</a></div>')
    assert _by_heading(record)["History"][2] == "A 20-year-old."
    assert record.unplaced_chars == 0, record.warnings
    assert "Retrieved from" in record.furniture


def test_lines_after_the_copyright_with_no_address_make_no_contact() -> None:
    record = _page("<h3>History</h3><p>A 20-year-old.</p><p>\u00a9 2009 Northfield Society</p>"
                   "<p>Privacy policy</p>")
    assert record.copyright == "\u00a9 2009 Northfield Society"
    assert record.contact is None


def test_a_frameset_links_its_frames_and_a_framed_link_names_its_frame() -> None:
    html = ('<html><head><title>Society</title></head><frameset cols="160,*">'
            '<frame src="nav.html" name="nav"><frame src="welcome.html" name="main">'
            "</frameset></html>")
    record = parse_page(html.encode(), "http://example.org/index.html")
    assert [(link.url, link.target, link.framed) for link in record.links] == [
        ("http://example.org/nav.html", "nav", True),
        ("http://example.org/welcome.html", "main", True)]
    nav = _page('<a href="cases.html" target="main">Case Studies</a> '
                '<a href="index.html" target="_top">Home</a>')
    assert [link.framed for link in nav.links] == [True, False]


def test_an_image_button_names_its_link() -> None:
    record = _page('<h3>History</h3><p>A 20-year-old.</p><a href="c2.htm">'
                   '<img src="next.gif" alt="Next Page"></a>')
    assert [link.text for link in record.links] == ["Next Page"]
    assert "Next Page" not in _by_heading(record)["History"][2]


def test_a_visible_heading_held_whole_by_a_numbering_title_is_the_title() -> None:
    record = _page("<center><b>Anterior Knee Pain in a Runner</b></center>"
                   "<h3>History</h3><p>A 20-year-old.</p>",
                   title="Case 5 - Anterior Knee Pain in a Runner (2)")
    assert record.title == "Anterior Knee Pain in a Runner"
    assert record.unplaced_chars == 0, record.warnings


def test_a_wiki_tagline_naming_the_site_of_the_title_is_furniture() -> None:
    record = _page("<h1>Knee Pain in a Runner</h1><h3>From AAAM Wiki</h3>"
                   "<h2>History</h2><p>A 20-year-old.</p><h3>From AAAM Wiki</h3>",
                   title="Knee Pain in a Runner - AAAM Wiki")
    assert record.title == "Knee Pain in a Runner"
    assert _by_heading(record)["History"][2] == "A 20-year-old."
    assert record.furniture.count("From AAAM Wiki") == 2


def test_a_title_that_spells_the_url_path_names_the_case_by_its_last_segment() -> None:
    record = _page("<h1>Case Studies/Knee Pain in a Runner</h1>"
                   "<h2>History</h2><p>A 20-year-old.</p>",
                   title="Case Studies/Knee Pain in a Runner - NSMS Wiki",
                   url="http://example.org/wiki/Case_Studies/Knee_Pain_in_a_Runner")
    assert record.title == "Knee Pain in a Runner"
    other = _page("<h2>History</h2><p>A 20-year-old.</p>", title="Knee/Ankle Injury")
    assert other.title == "Knee/Ankle Injury"
    wiki = _page("<h2>History</h2><p>A 20-year-old.</p>", title="Case:Knee Pain",
                 url="http://example.org/wiki/Case:Knee_Pain")
    assert wiki.title == "Knee Pain"
    colon = _page("<h2>History</h2><p>A 20-year-old.</p>", title="Knee Pain: A Case")
    assert colon.title == "Knee Pain: A Case"


def test_a_subpage_title_whose_page_marker_came_off_still_spells_the_path() -> None:
    # "X/Page 2" reads as "X/" with a page marker: the title spells the path without its
    # page segment, on a wiki with short URLs or without them
    for url in ("http://example.org/wiki/Case_Studies/Knee_Pain_in_a_Runner/Page_2",
                "http://example.org/index.php?title=Case_Studies/Knee_Pain_in_a_Runner/Page_2"):
        record = _page("<h1>Case Studies/Knee Pain in a Runner/Page 2</h1>"
                       "<h2>Treatment</h2><p>Relative rest.</p>",
                       title="Case Studies/Knee Pain in a Runner/Page 2 - NSMS Wiki", url=url)
        assert (record.title, record.page_number) == ("Knee Pain in a Runner", 2), url
    namespace = _page("<h2>Treatment</h2><p>Relative rest.</p>", title="Case:Knee Pain/Page 2",
                      url="http://example.org/wiki/Case:Knee_Pain/Page_2")
    assert namespace.title == "Knee Pain"
    elsewhere = _page("<h2>Treatment</h2><p>Relative rest.</p>", title="Cases/Knee Pain/Page 2",
                      url="http://example.org/cases/hip.html")
    assert elsewhere.title == "Cases/Knee Pain/"  # spells no path of the page: kept


def test_a_wiki_print_footer_after_the_reference_list_is_no_reference() -> None:
    # the last page of a case ends in its references, no NOTE after them: MediaWiki's print
    # footer, a navigation line with a URL, came next and was glued to the last reference
    refs = ('<h2>References</h2><ol><li>Smith J. A title. J Med. 2001;3(2):1-5.</li>'
            "<li>Roe R. Another. Lancet. 2003;9:10-12.</li></ol>")
    footer = ('<div class="printfooter">Retrieved from "<a href="http://wiki.example.org/'
              'index.php?title=Case:Knee/3&amp;oldid=5">http://wiki.example.org/index.php?'
              'title=Case:Knee/3&amp;oldid=5</a>"</div>')
    record = _page("<h2>Outcome</h2><p>Back to running.</p>" + refs + footer)
    assert [r.text for r in record.references] == [
        "Smith J. A title. J Med. 2001;3(2):1-5.", "Roe R. Another. Lancet. 2003;9:10-12."]
    assert "Retrieved from" in record.furniture
    # a reference list of links, link-dense enough to read as navigation, stays references,
    # as items of a list or as lines that start with a bullet
    items = "".join(f'<li><a href="http://example.org/r{i}">http://example.org/r{i}</a></li>'
                    for i in range(3))
    lines = "".join(f'<p>&bull; <a href="http://example.org/r{i}">http://example.org/r{i}</a>'
                    "</p>" for i in range(3))
    for refs in (f'<ul class="links">{items}</ul>', f'<div class="links">{lines}</div>'):
        linked = _page(f"<h2>Outcome</h2><p>Back to running.</p><h2>References</h2>{refs}")
        assert [r.url for r in linked.references] == [
            f"http://example.org/r{i}" for i in range(3)], refs


def test_a_line_of_tag_links_is_furniture() -> None:
    # The rel-tag microformat marks a post's labels, tags and categories; the line holding
    # them and a short label ("Labels:", "Tags:") is post metadata, never the last section.
    refs = ("<p><b>References</b></p><p>1. Smith J, Roe R. A title. J Med. 2001;3(2):1-5.<br />"
            "2. Doe A, Poe B. Another title. Am J Sports Med. 2004;32(1):10-20.</p>")
    labels = ('<p class="post-labels">Labels: <a href="/l/cases" rel="tag">cases</a>, '
              '<a href="/l/knee" rel="tag">knee</a></p>')
    record = _page(f"<h3>Outcome</h3><p>She ran again.</p>{refs}{labels}")
    assert [r.text for r in record.references][-1] == (
        "Doe A, Poe B. Another title. Am J Sports Med. 2004;32(1):10-20.")
    assert "Labels: cases, knee" in record.furniture
    # a tag link inside a sentence is the sentence's
    inline = _page('<h3>Outcome</h3><p>She ran again, see <a href="/t/knee" rel="tag">knee'
                   "</a> for more cases like it.</p>")
    assert inline.sections[0].text == "She ran again, see knee for more cases like it."


def test_unheaded_references_before_a_tag_line_are_the_references() -> None:
    record = _page('<h3>Outcome</h3><p>He returned to play.</p><p>[1] Smith J, Roe R. A title. '
                   "J Med. 2001;3(2):1-5.<br />[2] Doe A, Poe B. Another title. Am J Sports Med. "
                   '2004;32(1):10-20.</p><p>Labels: <a href="/l/a" rel="tag">cases</a>, '
                   '<a href="/l/b" rel="tag">shoulder</a></p>')
    assert [(s.key, s.rule) for s in record.sections] == [
        ("outcome", "alias"), ("references", "content")]
    assert record.sections[0].text == "He returned to play."
    assert len(record.references) == 2


def test_furniture_after_the_references_is_no_reference() -> None:
    # Navigation lines inside a references section stay references only when they read as
    # references (a link-dense list of entries); a reader's comment or a sidebar's snippet
    # of another post is furniture, however long.
    comment = ("<div class='comments'><p>We had a very similar athlete last season; the "
               "history was the key to the whole case.</p></div>")
    record = _page("<h3>Outcome</h3><p>She ran again.</p><p><b>Sources</b></p><p>1. Smith J, "
                   "Roe R. A title. J Med. 2001;3(2):1-5.</p><p>2. Doe A, Poe B. Another title. "
                   f"Am J Sports Med. 2004;32(1):10-20.</p>{comment}")
    assert record.references[-1].text == (
        "Doe A, Poe B. Another title. Am J Sports Med. 2004;32(1):10-20.")
    assert "We had a very similar athlete" in record.furniture
    linked = _page("<h3>References</h3><div><a href='/r1'>Smith J, Roe R. A title. J Med. "
                   "2001;3(2):1-5.</a><br /><a href='/r2'>Doe A, Poe B. Another title. Am J "
                   "Sports Med. 2004;32(1):10-20.</a><br /><a href='/r3'>Lee C. A third title. "
                   "Br J Sports Med. 2009;43(1):1-9.</a></div>")
    assert len(linked.references) == 3


def test_a_blog_title_names_the_post_after_the_blogs_name_and_a_colon() -> None:
    record = _page('<div class="header"><h1><a href="/">Northfield Sports Medicine Cases</a>'
                   "</h1></div><h3>Wrist Pain After a Fall on the Ice</h3><h3>History</h3>"
                   "<p>A hockey player fell.</p>", title="Northfield Sports Medicine Cases: "
                   "Wrist Pain After a Fall on the Ice")
    assert record.title == "Wrist Pain After a Fall on the Ice"
    assert record.unplaced_chars == 0, record.warnings
    # the colon is the page's own where a line shows it ("Main Page: Revision history")
    wiki = _page('<ul class="menu"><li><a href="/Main_Page">Main Page</a></li></ul>'
                 "<h1>Main Page: Revision history</h1><h3>History</h3><p>x y</p>",
                 title="Main Page: Revision history - Wiki")
    assert wiki.title == "Main Page: Revision history"


def test_parts_of_a_document_number_its_pages() -> None:
    record = _page("<p><i>Continued from <a href='/p2'>Part 2</a></i></p><h3>Treatment</h3>"
                   "<p>Rest.</p><p><b><a href='/p4'>Continued in Part 4 \u00bb</a></b></p>",
                   title="Headache After a Tackle (Part 3 of 6)")
    assert (record.title, record.page_number, record.page_total) == (
        "Headache After a Tackle", 3, 6)
    assert record.unplaced_chars == 0, record.warnings
    assert "Continued from Part 2" in record.furniture


def test_div_lines_of_a_compose_editor_are_lines_of_one_paragraph() -> None:
    # The editor writes each typed line as a <div> and an empty line as <div><br></div>:
    # the lines between two empty ones are one paragraph.
    record = _page("<div><b>Tests</b></div><div>Radiographs were normal.</div><div><br /></div>"
                   "<div>MRI: bone bruise</div><div>CT: no fracture</div><div>&nbsp;</div>"
                   "<div><b>Outcome</b></div><div>He returned to play.</div>")
    assert [(s.key, s.text) for s in record.sections] == [
        ("tests_and_results", "Radiographs were normal.\n\nMRI: bone bruise\nCT: no fracture"),
        ("outcome", "He returned to play.")]
    # without the editor's empty lines a <div> is a paragraph, as before
    plain = _page("<div><b>Tests</b></div><div>MRI: bone bruise</div><div>CT: no fracture</div>")
    assert plain.sections[0].text == "MRI: bone bruise\n\nCT: no fracture"
