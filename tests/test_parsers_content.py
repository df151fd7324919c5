"""The content area's side columns (``parsers.content.mark_side_cells``): measuring an
element reached through wrappers before its many children is a shortcut, never a change of
path: the marks are the same with and without it, on every saved page and real-world page."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from casearchive.parsers import content
from casearchive.parsers.encoding import decode
from casearchive.parsers.labels import XML_DECL_RE, title_names
from casearchive.parsers.page import build_tree, parse_page
from tests.conftest import SHARED
from tests.fixtures.regenerate import load, page_dirs

REALWORLD = SHARED / "realworld-html"
URL = "http://example.org/2008/04/knee-pain.html"

_ROWS = "".join(f"<tr><td>Row {i}</td><td>{i}</td></tr>" for i in range(12))
_PARAGRAPHS = "".join(f"<p>Paragraph {i} of the case's history, long enough to count.</p>"
                      for i in range(12))
#: A Word page: its text in paragraphs, beside one table of short rows.
WORD_PAGE = (f"<html><body><div class=WordSection1><p><b>History:</b></p>{_PARAGRAPHS}"
             f"<table>{_ROWS}</table></div></body></html>").encode()
#: A layout table of four rows (masthead, content, two footer rows): the content cell
#: beside a side column of boxes.
LAYOUT_PAGE = (b"<html><body><table><tr><td>Society masthead</td></tr>"
               b"<tr><td><div><p>Meetings</p></div><div><p>News</p></div></td>"
               b"<td><p><b>History:</b></p>" + _PARAGRAPHS.encode() + b"</td></tr>"
               b"<tr><td>Contact us</td></tr><tr><td>Copyright</td></tr></table></body></html>")


def _marks(body: bytes, shortcut: bool, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setattr(content, "_MEASURE_MANY", content._MEASURE_MANY if shortcut else 10**9)
    root = _tree(body)
    content.mark_side_cells(root)
    tree = root.getroottree()
    return [tree.getpath(el) for el in root.iter()
            if isinstance(el.tag, str) and content.FURNITURE_CLASS in (el.get("class") or "")]


def _tree(body: bytes) -> etree._Element:
    """The tree ``parse_page`` builds (its XML declaration removed first, as there)."""
    text = XML_DECL_RE.sub("", decode(body).text.lstrip("\ufeff"), count=1)
    root = build_tree(text, [])
    assert root is not None
    return root


def _same_marks(body: bytes, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    with monkeypatch.context() as m:
        plain = _marks(body, False, m)
    with monkeypatch.context() as m:
        short = _marks(body, True, m)
    assert short == plain
    return short


def test_a_table_of_short_rows_beside_the_text_ends_the_path_in_one_measure(
        monkeypatch: pytest.MonkeyPatch) -> None:
    measured: list[str] = []
    real = content._text_len

    def counting(el: etree._Element) -> int:
        measured.append(el.tag)
        return real(el)

    monkeypatch.setattr(content, "_text_len", counting)
    content.mark_side_cells(_tree(WORD_PAGE))
    assert measured == ["body", "table"]  # not one measure per row
    assert _same_marks(WORD_PAGE, monkeypatch) == []


def test_a_side_column_is_still_marked(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _same_marks(LAYOUT_PAGE, monkeypatch) == ["/html/body/table/tr[2]/td[1]"]


def test_a_table_with_just_over_half_the_text_is_followed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The layout table, reached through a wrapper, holds ~60 % of the page's text (the rest
    in paragraphs after it): the path goes on into it, and its side column is marked."""
    after = b"".join(b"<p>A closing remark of the page, outside the table.</p>"
                     for _ in range(9))
    body = LAYOUT_PAGE.replace(b"</table>", b"</table>" + after).replace(
        b"<body><table>", b"<body><div><table>").replace(b"</body>", b"</div></body>")
    root = _tree(body)
    share = content._text_len(root.find(".//table")) / content._text_len(root.find("body"))
    assert 0.5 < share < 0.67
    assert _same_marks(body, monkeypatch) == ["/html/body/div/table/tr[2]/td[1]"]


@pytest.mark.parametrize("page", [p.name for p in page_dirs()])
def test_saved_pages_keep_their_marks(page: str, monkeypatch: pytest.MonkeyPatch) -> None:
    body, _, _ = load(Path(page_dirs()[0].parent, page))
    _same_marks(body, monkeypatch)


@pytest.mark.skipif(not REALWORLD.is_dir(), reason="no real-world corpus")
def test_realworld_pages_keep_their_marks(monkeypatch: pytest.MonkeyPatch) -> None:
    for path in sorted(REALWORLD.glob("*.html")):
        _same_marks(path.read_bytes(), monkeypatch)


def _marked_ids(body: bytes) -> list[str]:
    root = _tree(body)
    content.mark_furniture(root)
    return [el.get("id") or "" for el in root.iter("div")
            if content.FURNITURE_CLASS in (el.get("class") or "")]


def test_the_named_main_column_of_a_content_area_is_the_content() -> None:
    # A template's #contentarea holds its menus, the article (#main) and a column of modules:
    # the article (under half the page's text: a long header and footer) is read from #main,
    # the columns beside it are furniture.
    filler = "Template text of the header, the footer and the modules, repeated. " * 3
    modules = "".join(f'<div class="moduletable"><h3>Module {i}</h3><p>{filler}</p></div>'
                      for i in range(3))
    page = (f'<html><body><div id="header"><p>{filler}{filler}</p></div>'
            f'<div id="contentarea"><div id="left"><p>Home</p><p>Cases</p></div>'
            f'<div id="main"><p><b>History:</b></p>{_PARAGRAPHS}</div>'
            f'<div id="right">{modules}</div></div>'
            f'<div id="footer"><p>{filler}{filler}</p></div></body></html>').encode()
    root = _tree(page)
    body, main = root.find("body"), root.find(".//div[@id='main']")
    assert 2 * content._text_len(main) < content._text_len(body)  # not the content by share
    assert _marked_ids(page) == ["header", "left", "right", "footer"]


def test_teasers_side_by_side_are_no_inner_content() -> None:
    teasers = "".join(f'<div class="node"><h2>Case {i}</h2>{_PARAGRAPHS}</div>' for i in range(3))
    page = f'<html><body><div id="content">{teasers}</div></body></html>'.encode()
    assert _marked_ids(page) == []


def test_a_layout_table_inside_the_content_element_has_its_side_column_marked() -> None:
    # Joomla's rhuk_milkyway: #maincolumn holds one table whose first cell is the article and
    # whose last cell the right-hand modules.
    modules = "".join(f'<div class="moduletable"><h3>Module {i}</h3><p>Poll, links and '
                      f"who is online, {i}.</p></div>" for i in range(3))
    menu = "".join(f"<p>Menu entry number {i} of the site</p>" for i in range(8))
    page = (f'<html><body><div id="leftcolumn">{menu}</div>'
            f'<div id="maincolumn"><table class="nopad"><tr><td><p><b>History:</b></p>'
            f'{_PARAGRAPHS}</td><td width="170">{modules}</td></tr></table></div>'
            f"</body></html>").encode()
    root = _tree(page)
    content.mark_furniture(root)
    marked = [el.tag for el in root.iter() if isinstance(el.tag, str)
              and content.FURNITURE_CLASS in (el.get("class") or "")]
    assert marked == ["div", "td"]


def test_a_short_last_page_is_still_read_from_its_named_column() -> None:
    # The article's last page holds less text than the module column beside it; the column
    # that holds the case heading is the content whatever its length.
    filler = "Template text of the header, the footer and the modules, repeated. " * 3
    modules = "".join(f'<div class="moduletable"><h3>Module {i}</h3><p>{filler}</p></div>'
                      for i in range(4))
    page = (f'<html><body><div id="header"><p>{filler}</p></div>'
            f'<div id="contentarea"><div id="left"><p>Home</p><p>Cases</p></div>'
            f"<div id=\"main\"><p><b>Author's Comments:</b></p><p>Short.</p></div>"
            f'<div id="right">{modules}</div></div></body></html>').encode()
    assert _marked_ids(page) == ["header", "left", "right"]


_MODULES = "".join(f'<div class="moduletable"><h3>Module {i}</h3><p>Poll, latest cases and who '
                   f"is online, a box of the template's right column, number {i}.</p></div>"
                   for i in range(6))


def test_a_short_page_is_read_from_the_named_column_that_shows_its_title() -> None:
    # The last page holds one unknown heading; the module column beside it is longer and
    # holds no case heading either. The article's column shows the page's title (the
    # <title>'s first part) as its heading: it is the content, the column is furniture.
    filler = "Template text of the header and the footer, repeated on every page. " * 3
    page = ('<html><head><title>Knee Pain in a Runner - Return to Play</title></head><body>'
            f'<div id="header"><p>{filler}</p></div>'
            '<div id="contentarea"><div id="left"><p>Home</p><p>Cases</p></div>'
            '<div id="main"><h2 class="contentheading">Knee Pain in a Runner</h2>'
            "<p><strong>Return to Play:</strong></p><p>Back at eight weeks.</p></div>"
            f'<div id="right">{_MODULES}</div></div>'
            f'<div id="footer"><p>{filler}</p></div></body></html>').encode()
    root = _tree(page)
    area = root.find(".//div[@id='contentarea']")
    assert content.content_element(root) is area  # the content area by its share of text
    assert _marked_ids(page) == ["header", "left", "right", "footer"]


def test_a_short_post_is_read_from_the_column_that_shows_its_title_after_the_blogs_name(
) -> None:
    # A blog titles its posts "Blog Name: Post Title". A part of a case holding one short
    # section stands beside a longer side column of widgets: the post's column shows the
    # post's title, the <title>'s part after the blog's name and a colon (``title_names``).
    widgets = "".join(f"<div class='widget Label'><h2>Widget {i}</h2><ul>"
                      + "".join(f"<li><a href='/search/label/t{i}{k}'>topic {i}{k}</a> (3)</li>"
                                for k in range(6)) + "</ul></div>" for i in range(5))
    page = ("<html><head><title>The Case Files: Shoulder Pain in a Pitcher (Part 3 of 5)"
            "</title></head><body><div id='outer-wrapper'><div id='content-wrapper'>"
            "<div id='main-wrapper'><div class='main section' id='main'><div class='post'>"
            "<h3 class='post-title'>Shoulder Pain in a Pitcher (Part 3 of 5)</h3>"
            "<div class='post-body'><span style='font-weight: bold;'>Outcome</span><br />"
            "He returned to pitching at 14 weeks.</div></div></div></div>"
            f"<div id='sidebar-wrapper'><div class='sidebar section' id='sidebar'>{widgets}"
            "</div></div></div></div></body></html>").encode()
    assert "shoulder pain in a pitcher (part 3 of 5)" in title_names(
        "The Case Files: Shoulder Pain in a Pitcher (Part 3 of 5)")
    record = parse_page(page, URL, {})
    assert [s.heading for s in record.sections] == ["Outcome"], record.skip_reason
    assert record.is_case_page


def test_a_short_page_in_a_layout_table_is_read_from_the_cell_that_shows_its_title() -> None:
    # A home-made template: a layout table whose content cell (#content) holds the article,
    # its title a link in a heading cell, beside a longer column of modules (#rightcol).
    page = ('<html><head><title>Knee Pain in a Runner</title></head><body>'
            '<table id="maintable"><tr><td class="pathwaybar"><a href="/">Home</a> '
            '<img src="a.png" alt=""> Knee Pain in a Runner</td></tr><tr>'
            '<td id="leftcol"><p>Home</p><p>Cases</p></td><td id="content">'
            '<table><tr><td class="contentheading"><a href="/cases/7">Knee Pain in a Runner</a>'
            "</td></tr></table><p><strong>PATIENT EDUCATION:</strong></p><p>A home program."
            f'</p></td><td id="rightcol">{_MODULES}</td></tr></table></body></html>').encode()
    root = _tree(page)
    title = title_names("Knee Pain in a Runner")
    found = content.content_element(root, title)
    assert found is not None and found.get("id") == "content"
    assert content.content_element(_tree(page)) is None  # by the text's length alone: none


def _post_page(post_text: str, side_boxes: int, comments: str = "") -> bytes:
    """A blog template: every region of the page a "widget" (the post column too), the side
    column an ``<aside>`` beside it, the whole page in a wrapper named "content"."""
    side = "".join(f'<div class="widget Box{i}"><h2>Box {i}</h2><ul><li><a href="/a{i}">Archive '
                   f"entry number {i} of the side column</a></li></ul></div>"
                   for i in range(side_boxes))
    return (f'<html><head><title>Society Blog: Knee Pain</title></head><body>'
            f'<div class="navbar"><a href="/search">Search the blog</a> '
            f'<a href="/login">Sign in</a></div>'
            f'<div class="content"><div class="content-inner">'
            f'<header><div class="widget Header"><h1>Society Blog</h1></div></header>'
            f'<div class="main-outer"><div class="columns">'
            f'<div class="column-center"><div class="main" id="main"><div class="widget Posts">'
            f'<div class="posts"><div class="entry"><h3>Knee Pain</h3>'
            f'<div class="entry-body">{post_text}</div>'
            f'<div class="post-footer">Posted by Dr. Jane Miller at 10:42 AM</div></div>'
            f'{comments}</div>'
            f'<div class="pager"><a href="/older">Older Post</a> <a href="/">Home</a></div>'
            f'</div></div></div>'
            f'<div class="column-right"><div class="column-right-inner"><aside>{side}</aside>'
            f'</div></div></div></div>'
            f'<footer><p>Powered by a blog engine</p></footer></div></div></body></html>'
            ).encode()


def test_a_post_column_named_as_furniture_is_still_the_content() -> None:
    # A layout engine names every region of the page a "widget", the column of posts
    # included; the whole content element in one such box is the content, and the page's
    # wrapper leads to it past a side column that is an <aside> and nothing else.
    text = "<b>History:</b> A runner had knee pain.<br /><br /><b>Outcome:</b> She ran again."
    for boxes in (1, 12):  # a side column shorter and much longer than the post
        record = parse_page(_post_page(text, boxes), URL)
        assert [(s.key, s.text) for s in record.sections] == [
            ("history", "A runner had knee pain."), ("outcome", "She ran again.")], boxes
        assert "Posted by Dr. Jane Miller at 10:42 AM" in record.furniture
        assert "Older Post Home" in record.furniture and "Box 0" in record.furniture
    assert record.title == "Knee Pain"


def test_long_comments_beside_a_short_post_stay_furniture() -> None:
    comment = "<p>" + "A reader wrote a long comment about the case and the sport. " * 8 + "</p>"
    comments = f'<div class="comments"><h4>3 comments:</h4>{comment * 3}</div>'
    record = parse_page(_post_page("<b>Outcome:</b> She ran again.", 3, comments), URL)
    assert [(s.key, s.text) for s in record.sections] == [("outcome", "She ran again.")]
    assert "3 comments:" in record.furniture


def test_a_furniture_name_on_part_of_the_content_is_kept() -> None:
    # The wrapper rule drops a furniture name only on a box holding the whole content: a
    # comments box holding most of it (a long thread under a short article) is furniture.
    thread = "<p>" + "A reader's reply about the case. " * 20 + "</p>"
    side = "<p>Links to the society's meetings, journals and members.</p>" * 4
    page = (f'<html><body><div id="content"><h1>Knee Pain</h1><p><b>Outcome:</b></p>'
            f'<p>She ran again.</p><div class="comments">{thread}</div></div>'
            f'<div id="side">{side}</div></body></html>').encode()
    record = parse_page(page, URL)
    assert [(s.key, s.text) for s in record.sections] == [("outcome", "She ran again.")]


def test_a_table_of_contents_named_as_content_is_no_column_of_the_article() -> None:
    # The article's paragraphs are no containers: a table of contents whose class names
    # content ("contenttoc") was longer than the list beside it, taken as the content, and
    # the list (the section's last lines) was marked as furniture.
    toc = "".join(f"<tr><td><a href='?start={i}'>Part {i} of the article, its title</a></td></tr>"
                  for i in range(3))
    menu = "".join(f"<li><a href='/m{i}'>Menu item {i}</a></li>" for i in range(8))
    page = (f"<html><head><title>Knee Pain</title></head><body><div id='contentarea'>"
            f"<div id='left'><ul>{menu}</ul></div><div id='main'><div id='page'>"
            f"<table class='contenttoc'>{toc}</table>"
            "<p><strong>Investigations:</strong></p><p>Plain radiographs of the knee were "
            "normal; an MRI showed a small bone bruise of the lateral patellar facet.</p>"
            "<p><strong>Treatment:</strong></p><p>Relative rest from running and a hip and "
            "core strengthening program for six weeks, then a graded return.</p>"
            "<ul><li>Cholecalciferol daily</li><li>Cross-training</li></ul>"
            "<div class='pagenavbar'><a href='?start=2'>Next</a></div></div></div>"
            "</div></body></html>")
    root = _tree(page.encode())
    content.mark_furniture(root)
    listed = next(ul for ul in root.iter("ul") if "Cholecalciferol" in "".join(ul.itertext()))
    assert content.FURNITURE_CLASS not in (listed.get("class") or "")
