"""What a CMS template puts around a case, read by structure (fresh seeds 47-49 of the
corpus): a column of modules in a wrapper, a content column short beside a long footer, an
article's table of contents, and a generic ``<title>`` beside the page's own name."""

from __future__ import annotations

import pytest

from casearchive.parsers.case import assemble_case
from casearchive.parsers.page import parse_page
from casearchive.parsers.records import PageRecord, PageRef

URL = "http://example.org/index.php?option=com_content&id=29"
CITATIONS = "".join(
    f"<li>Roe J{i}, Doe K, Poe L. Snapping hip in dancers: a cohort of {i}0. "
    f"Am J Sports Med. 2007;35({i}):118-126. PMID: 1698272{i}.</li>" for i in range(1, 4))
MODULES = ("<div class='module'><div><h3>Case of the Month</h3>"
           "<p><a href='/index.php?id=12'>Shoulder Pain in a Pitcher</a></p>"
           "<p>Can you make the diagnosis? Test yourself with this month's case.</p></div></div>"
           "<div class='module'><div><h3>Polls</h3><p>Which journal do you read?</p></div></div>")


def _text(page: PageRecord) -> str:
    """The text of a page's sections, joined."""
    return " ".join(s.text for s in page.sections)


def _layout_page(content: str, side: str) -> PageRecord:
    html = (f"<html><head><title>Hip Pain in a Dancer - Page #5</title></head><body>"
            f"<table><tr><td>{content}</td><td width='170'>{side}</td></tr></table></body></html>")
    return parse_page(html.encode(), URL)


def test_a_column_of_modules_in_a_wrapper_is_furniture() -> None:
    # a last page holding only its references, beside the template's module column
    page = _layout_page(f"<ol>{CITATIONS}</ol>", f"<div id='rightcolumn'>{MODULES}</div>")
    assert [s.key for s in page.sections] == ["references"] and len(page.references) == 3
    assert "Case of the Month" in page.furniture.split("\n")
    # the same boxes straight in the cell, as before
    bare = _layout_page(f"<ol>{CITATIONS}</ol>", MODULES)
    assert [s.key for s in bare.sections] == ["references"]
    # a wrapper holding one block is no column of boxes: a value cell stays content
    one = _layout_page(f"<ol>{CITATIONS}</ol>", "<div><p>Dr. Roe, editor</p></div>")
    assert "Dr. Roe, editor" not in page.furniture and "Dr. Roe, editor" in one.sections[0].text


@pytest.mark.parametrize("modules", [2, 4])
def test_the_cell_that_opens_with_the_title_is_the_content_beside_a_column(modules: int) -> None:
    # a last page of headingless references under its title (the category's name above
    # it); the module column beside it nearly as long as the content cell, or longer
    side = f"<div id='rightcolumn'>{MODULES * modules}</div>"
    page = _layout_page("<div class='componentheading'>Case Studies</div>"
                        f"<h2 class='contentheading'>Hip Pain in a Dancer</h2><ol>{CITATIONS}"
                        "</ol>", side)
    assert [s.key for s in page.sections] == ["references"] and len(page.references) == 3
    assert "Polls" in page.furniture.split("\n")


def _column_page(title: str, heading: str) -> PageRecord:
    """``#maincolumn`` holds under half the body's text, beside a module column and over a
    long footer."""
    footer = "<p>" + "Atlantic Academy of Athletic Medicine, 1 Elm Road, Town. " * 8 + "</p>"
    html = (f"<html><head><title>{title}</title></head><body><div id='area'>"
            "<div id='leftcolumn'><div class='module'><h3>Login Form</h3>"
            "<p>Username</p><p>Password</p><p>Remember Me</p></div></div>"
            f"<div id='maincolumn'><h2 class='contentheading'>{heading}</h2>"
            "<p><b>INVESTIGATIONS:</b> An MR arthrogram was obtained.</p></div></div>"
            f"<div id='footer'>{footer}</div></body></html>")
    return parse_page(html.encode(), URL)


def test_a_short_content_column_that_shows_the_title_is_the_content() -> None:
    page = _column_page("AAAM - Shoulder Pain in a Pitcher - Page #2", "Shoulder Pain in a Pitcher")
    assert [s.heading for s in page.sections] == ["INVESTIGATIONS"]
    assert "Login Form" in page.furniture.split("\n")


def test_a_box_that_repeats_the_title_beside_a_longer_article_is_not_the_content() -> None:
    article = "<p>" + "The skier fell on the slope and twisted her knee. " * 6 + "</p>"
    page = parse_page(("<title>Knee Pain in a Skier</title><body><div class='wrapper'>"
                       "<div class='bio-content'><h3>Knee Pain in a Skier</h3>"
                       "<p>Dr Roe writes on knees.</p></div>"
                       f"<div>{article}</div></div>"
                       f"<div id='footer'>{article}</div></body>").encode(), URL)
    assert "The skier fell" in _text(page)


def test_an_article_index_is_furniture() -> None:
    toc = ("<table class='contenttoc'><tr><th>Article Index</th></tr>"
           f"<tr><td><a href='{URL}&limitstart='>Hip Pain in a Dancer</a></td></tr>"
           f"<tr><td><a href='{URL}&showall=1'>All Pages</a></td></tr></table>")
    page = parse_page(f"<title>Hip Pain in a Dancer</title><h2>Hip Pain in a Dancer</h2>{toc}"
                      "<p><b>History:</b></p><p>A snapping hip.</p>".encode(), URL)
    assert [s.key for s in page.sections] == ["history"]
    assert "Article Index" in page.furniture.split("\n")


def _case(pages: list[str], title: str) -> tuple[list[PageRecord], str]:
    records = [parse_page(f"<title>{title}</title>{body}".encode(), f"{URL}&limitstart={i}")
               for i, body in enumerate(pages)]
    case = assemble_case("c", [(r, PageRef(i + 1, r.url, "h")) for i, r in enumerate(records)])
    return records, case.title


def test_a_title_the_page_shows_wins_over_a_text_every_page_repeats() -> None:
    # every page repeats a short lead box; the first page shows its <title> as a heading
    lead = "<p>Contents</p>"
    first = f"<h2>Knee Pain in a Skier</h2>{lead}<p><b>History:</b></p><p>a fall</p>"
    records, title = _case([first, f"{lead}<p><b>Outcome:</b></p><p>well</p>"],
                           "Knee Pain in a Skier")
    assert records[0].title_shown and not records[1].title_shown
    assert title == "Knee Pain in a Skier"


def test_a_title_block_a_later_page_keeps_among_its_furniture() -> None:
    # a generic <title>; the title block is content on page 1 and furniture on page 2
    _, title = _case(["<p><b>Knee Pain in a Skier</b></p><p><b>History:</b></p><p>a fall</p>",
                      "<div class='sidebar'><p><b>Knee Pain in a Skier</b></p></div>"
                      "<p><b>Outcome:</b></p><p>well</p>"], "NSMS - Case Study")
    assert title == "Knee Pain in a Skier"


CRUMB = ("<div class='breadcrumb'><a href='/'>Home</a> &gt; <a href='/cases'>Case Studies</a>"
         " &gt; Knee Pain in a Skier</div>")


def test_the_name_a_breadcrumb_and_a_heading_give_wins_over_a_generic_title() -> None:
    body = "<p><b>History:</b></p><p>a fall</p>"
    page = parse_page(f"<title>NSMS - Case Study</title>{CRUMB}<h2>Knee Pain in a Skier</h2>"
                      f"{body}".encode(), URL)
    assert page.title == "Knee Pain in a Skier" and page.title_shown
    assert [s.key for s in page.sections] == ["history"]
    # the heading outside the content (furniture) names the page as well
    aside = parse_page(f"<title>NSMS - Case Study</title><div class='nav'>{CRUMB}"
                       f"<h2>Knee Pain in a Skier</h2></div>{body}".encode(), URL)
    assert aside.title == "Knee Pain in a Skier"
    # the breadcrumb alone does not: its last step may be a section of the site
    alone = parse_page(f"<title>NSMS - Case Study</title>{CRUMB}{body}".encode(), URL)
    assert alone.title == "NSMS - Case Study"
    # nor where the page shows its <title>
    shown = parse_page(f"<title>Skier's Knee</title>{CRUMB}<h2>Knee Pain in a Skier</h2>"
                       f"<h1>Skier's Knee</h1>{body}".encode(), URL)
    assert shown.title == "Skier's Knee"


def test_a_row_dense_with_a_sidebars_links_does_not_make_the_content_navigation() -> None:
    # Google Sites: the layout row holds a long sidebar of links and a short last page
    menu = "".join(f"<li><a href='/site/p{i}'>Case study page number {i}</a></li>"
                   for i in range(40))
    footer = "<p>" + "Northfield Sports Medicine Society, 1 Elm Road, Town. " * 30 + "</p>"
    html = ("<html><head><title>Ankle Sprain - Page 3</title></head><body>"
            "<div id='main-wrapper'><table><tr>"
            f"<td class='sites-layout-sidebar-left'><ul>{menu}</ul></td>"
            "<td><div id='page-content'><h3>Working Diagnosis:</h3>"
            "<div>Osteochondral lesion of the talus</div></div></td>"
            f"</tr></table></div><div id='admin'>{footer}</div></body></html>")
    page = parse_page(html.encode(), URL)
    assert [(s.key, s.text) for s in page.sections] == [
        ("working_diagnosis", "Osteochondral lesion of the talus")]


def test_a_pages_attachments_and_revision_stamp_are_furniture() -> None:
    page = parse_page(
        b"<title>Knee Pain</title><h3>Outcome</h3><p>She ran again.</p>"
        b"<div class='sites-attachments-container'><h4>Attachments (1)</h4><table><tr>"
        b"<td><a href='x.jpg'>xray.jpg</a> 12k</td><td><a href='x.jpg'>View</a></td>"
        b"<td>Jane Miller</td></tr></table></div>"
        b"<p>Last edited Apr 16, 2012, 4:45 AM by Jane Miller (v.2)</p>", URL)
    assert [(s.key, s.text) for s in page.sections] == [("outcome", "She ran again.")]
    lines = page.furniture.split("\n")
    assert "Attachments (1)" in lines
    assert "Last edited Apr 16, 2012, 4:45 AM by Jane Miller (v.2)" in lines


def test_a_heading_that_spells_a_middle_part_of_the_title_is_the_pages_title() -> None:
    page = parse_page(
        b"<title>Atlantic Academy - Chest Pain in a Runner - Page #2</title>"
        b"<div class='componentheading'>Case Studies</div>"
        b"<h2 class='contentheading'>Chest Pain in a Runner</h2>"
        b"<p>Written by Dr. Jane Miller Saturday, 13 December 2008 10:20</p>"
        b"<p><b>Diagnostic Tests:</b></p><p>An ECG was obtained.</p>", URL)
    assert page.title == "Chest Pain in a Runner"
    assert [(s.key, s.text) for s in page.sections] == [
        ("tests_and_results", "An ECG was obtained.")]


def test_a_banner_over_every_page_is_furniture_when_the_page_shows_its_title() -> None:
    # a Notes navigator's bold site name over each page; the <title> is generic and the
    # page's heading carries its page marker
    def page(n: int, body: str) -> str:
        return ("<table><tr><td width='160'><b>AAAM</b><br><img src='nav.gif' alt=''></td>"
                f"<td><font size='4'><b>Knee Pain in a Skier - Page #{n}</b></font><br>"
                f"{body}</td></tr></table>")
    records, title = _case([page(1, "<b><u>History</u></b><br>A fall on the slope."),
                            page(2, "<b><u>Outcome</u></b><br>She skied again.")],
                           "AAAM Case Studies")
    assert title == "Knee Pain in a Skier" and all(r.title_shown for r in records)
    assert all("AAAM" in r.furniture.split("\n") for r in records)
    assert [s.key for r in records for s in r.sections] == ["history", "outcome"]


# --- what the rules above must not take (an independent review's counter-examples) -------

RUNNER = ("<p>A 24-year-old marathon runner presented with three weeks of anterior knee pain "
          "that worsened on stairs and after long runs.</p><p>On examination there was "
          "tenderness at the inferior pole of the patella and no effusion.</p>")


@pytest.mark.parametrize("site", ["Case Studies", "Sports Medicine Society"])
@pytest.mark.parametrize("entries", [2, 9])
def test_a_menu_headed_by_the_sites_part_of_the_title_is_no_content_cell(
        site: str, entries: int) -> None:
    # the menu cell shorter than the content cell, and longer (then it is the densest)
    menu = "".join(f"<li><a href='/c{i}'>Another case of the society, number {i}</a></li>"
                   for i in range(entries))
    page = parse_page((f"<title>{site} - Knee Pain in a Runner</title><table><tr>"
                       f"<td width='180'><h3>{site}</h3><ul>{menu}</ul>"
                       "<p>Members log in.</p></td>"
                       f"<td><p><font size='4'><b>Knee Pain in a Runner</b></font></p>{RUNNER}"
                       "</td></tr></table>").encode(), URL)
    assert "A 24-year-old marathon runner" in _text(page)


def test_a_side_box_that_names_the_case_is_no_content_cell() -> None:
    # "Case of the Month" beside the article, headed by the case's own title; the article
    # cell shows no title heading
    page = parse_page(("<title>Knee Pain in a Runner</title><table><tr><td width='180'>"
                       "<p>Case of the Month</p><h3>Knee Pain in a Runner</h3><p>Read it now."
                       f"</p></td><td>{RUNNER}</td></tr></table>").encode(), URL)
    assert "A 24-year-old marathon runner" in _text(page)


@pytest.mark.parametrize("site", ["Case Studies", "Sports Medicine Society"])
def test_a_menu_module_named_main_is_no_content_column(site: str) -> None:
    # headed by a generic page name, or by the site's part of the <title>: a menu
    links = "".join(f"<li><a href='/case{i}'>Case {i}: a sports injury of the leg</a></li>"
                    for i in range(8))
    footer = "<p>" + "Sports Medicine Society, 123 Main Street, Springfield. " * 12 + "</p>"
    page = parse_page((f"<title>{site} - Knee Pain in a Runner - Page 3</title>"
                       f"<div id='leftcolumn'><div class='moduletable_mainmenu'><h3>{site}"
                       f"</h3><ul>{links}</ul></div></div><div id='maincolumn'>"
                       "<p><b>Knee Pain in a Runner - Page 3</b></p><p>She returned to full "
                       "training at eight weeks without recurrence.</p></div>"
                       f"<div id='footer'>{footer}</div>").encode(), URL)
    assert "She returned to full training" in _text(page)


def test_a_figure_captions_attachment_id_is_no_attachments_box() -> None:
    page = parse_page(b"<title>Knee Pain</title><p><b>Imaging:</b> A radiograph.</p>"
                      b"<div id='attachment_512' class='wp-caption'><img src='x.jpg' alt=''>"
                      b"<p class='wp-caption-text'>Figure 1. Fragmented inferior pole.</p></div>"
                      b"<p><b>Diagnosis:</b> Sinding-Larsen-Johansson syndrome.</p>", URL)
    assert "Figure 1. Fragmented inferior pole." in _text(page)


def test_a_breadcrumb_to_a_section_of_the_case_leaves_the_title() -> None:
    page = parse_page(b"<title>Knee Pain in a Runner</title><p><a href='/'>Home</a> &gt; "
                      b"<a href='/cases'>Cases</a> &gt; <a href='/cases/knee'>Knee Pain in a "
                      b"Runner</a> &gt; Discussion</p><h2>Discussion</h2><p>Tendinopathy of the "
                      b"inferior pole.</p><h2>Treatment</h2><p>Eccentric loading.</p>", URL)
    assert page.title == "Knee Pain in a Runner"


def test_a_revision_stamp_alone_and_a_sentence_about_an_edit() -> None:
    page = parse_page(b"<title>Knee Pain</title><h3>Outcome</h3><p>She ran again.</p>"
                      b"<p>Last edited by the author after review of the MRI findings.</p>"
                      b"<p>Edited Apr 16, 2012 by Jane Miller (v.2)</p>"
                      b"<p>Last edited Apr 4, 2012, 4:21 AM by Mark Reyes (v.5)</p>", URL)
    assert page.sections[0].text == ("She ran again.\n\nLast edited by the author after review "
                                      "of the MRI findings.")
    lines = page.furniture.split("\n")
    assert "Edited Apr 16, 2012 by Jane Miller (v.2)" in lines
    assert "Last edited Apr 4, 2012, 4:21 AM by Mark Reyes (v.5)" in lines


def test_a_banner_over_a_link_and_the_pages_title_is_no_section() -> None:
    # a Notes navigator's bold "AAAM", then the action bar's "Case List" link, then the
    # page's title line: the link is navigation, the banner no heading over the title
    page = parse_page(b"<title>Knee Pain in a Skier - Page #1</title><table><tr><td><b>AAAM</b>"
                      b"</td><td><table border=1><tr><td><a href=''>Case List</a></td></tr>"
                      b"</table><font size='4'><b>Knee Pain in a Skier - Page #1</b></font><br>"
                      b"<b>Presenting History:</b> A fall on the slope.</td></tr></table>", URL)
    assert "AAAM" not in [s.heading for s in page.sections]
    assert [s.key for s in page.sections][-1] == "history"
