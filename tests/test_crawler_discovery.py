"""Link roles: list pagination, case candidates, a case's own pages, and what is out of scope."""

import re

from casearchive.crawler.discovery import Scope
from casearchive.parsers.records import Link

BASE = "http://127.0.0.1:8080"
START = BASE + "/casestudies/index.asp"


def links(*pairs: tuple[str, str]) -> list[Link]:
    return [Link(url=u if "://" in u or ":" in u.split("/")[0] else BASE + u, text=t)
            for u, t in pairs]


def test_list_links_split_pagination_from_candidates() -> None:
    scope = Scope(START)
    pagination, candidates = scope.list_links(
        links(
            ("/casestudies/index.asp?pg=2", "2"),
            ("/casestudies/index.asp?pg=2", "Next »"),
            ("/casestudies/case.asp?cid=1", "Not Just Another Case Of Sciatica"),
            ("/members/login.asp", "Member Login"),
            ("/docs/brochure.pdf", "Brochure (PDF)"),
            ("mailto:info@example.org", "Email us"),
            ("http://www.example.org/", "Partner"),
            ("/images/logo.GIF", "logo"),
        )
    )
    assert pagination == [BASE + "/casestudies/index.asp?pg=2"] * 2
    assert candidates == [BASE + "/casestudies/case.asp?cid=1", BASE + "/members/login.asp"]


def test_numbered_list_documents_are_list_pages() -> None:
    scope = Scope(BASE + "/cases/index.html")
    assert scope.is_list_url(BASE + "/cases/index-2.html")
    assert scope.is_list_url(BASE + "/cases/")
    assert not scope.is_list_url(BASE + "/cases/knee/page2.htm")


def test_list_pattern_overrides() -> None:
    scope = Scope(START, list_pattern=re.compile(r"/casestudies/list/\d+$"))
    assert scope.is_list_url(BASE + "/casestudies/list/3")
    assert not scope.is_list_url(START + "?pg=2")


def test_pager_links_of_a_case_page() -> None:
    scope = Scope(START)
    page = BASE + "/casestudies/case.asp?cid=1&page=2"
    found = scope.pager_links(
        page,
        links(
            ("/casestudies/case.asp?cid=1", "Page #1"),
            ("/casestudies/case.asp?cid=1&page=3", "Next Page >>"),
            ("/casestudies/case.asp?cid=2", "Another case"),
            ("/casestudies/index.asp", "Return To The Case Studies List"),
            ("/members/login.asp", "Member Login"),
        ),
    )
    assert found == [
        BASE + "/casestudies/case.asp?cid=1",
        BASE + "/casestudies/case.asp?cid=1&page=3",
    ]


def test_static_scheme_pager_by_text() -> None:
    scope = Scope(BASE + "/cases/index.html")
    page = BASE + "/cases/knee-pain/index.htm"
    found = scope.pager_links(page, links(("/cases/knee-pain/page2.htm", "Page 2"),
                                          ("/cases/hip/index.htm", "Hip case")))
    assert found == [BASE + "/cases/knee-pain/page2.htm"]


def test_a_bracketed_numbered_pager_names_the_pages_of_opaque_urls() -> None:
    # A Notes database names each page document by a key with no page part the URL rules
    # can read; the pager row "Go to page: [1] [2] [3]" says which documents are pages.
    scope = Scope(BASE + "/cases.nsf/CasesByTitle?OpenView")
    page = BASE + "/cases.nsf/vwCases/WristPainFallPage2!OpenDocument"
    found = scope.pager_links(page, links(
        ("/cases.nsf/vwCases/WristPainFallPage1!OpenDocument", "[1]"),
        ("/cases.nsf/vwCases/WristPainFallPage3!OpenDocument", "[3]"),
        ("/cases.nsf/vwCases/KneePainPage1!OpenDocument", "Knee pain in a runner")))
    assert found == [BASE + "/cases.nsf/vwCases/WristPainFallPage1!OpenDocument",
                     BASE + "/cases.nsf/vwCases/WristPainFallPage3!OpenDocument"]


def test_a_list_named_by_its_query_is_a_list_expanded_or_sorted_too() -> None:
    scope = Scope(BASE + "/cases.nsf/CasesByTitle?OpenView")
    assert scope.is_list_url(BASE + "/cases.nsf/CasesByTitle?OpenView&Start=1&Count=30&Expand=3")
    assert not scope.is_list_url(BASE + "/cases.nsf/Meetings?OpenView")
    joomla = Scope(BASE + "/index.php?option=com_content&view=category&id=7&Itemid=36")
    assert joomla.is_list_url(
        BASE + "/index.php?option=com_content&view=category&id=7&Itemid=36&limitstart=10")
    assert not joomla.is_list_url(
        BASE + "/index.php?option=com_content&view=article&id=85:knee&catid=7&Itemid=36")


def test_a_case_family_keeps_the_query_values_its_list_links_share() -> None:
    start = BASE + "/index.php?option=com_content&view=category&id=7&Itemid=36"
    scope = Scope(start)
    case = BASE + "/index.php?option=com_content&view=article&id={}&catid=7:cases&Itemid=36"
    scope.list_roles(start, links((case.format("85:knee-pain"), "Knee Pain in a Young Runner"),
                                  (case.format("86:hip-pain"), "Hip Pain in a Dancer"),
                                  (case.format("87:wrist") + "&limitstart=1", "Wrist Pain On Ice")))
    assert scope.is_case_family(case.format("90:ankle"))
    assert not scope.is_case_family(
        BASE + "/index.php?option=com_content&view=article&id=1:about&catid=1:about&Itemid=2")


def test_an_article_index_links_the_pages_of_its_case_by_their_titles() -> None:
    scope = Scope(BASE + "/index.php/cases")
    page = BASE + "/index.php/cases/73-knee-pain?start=1"
    found = scope.pager_links(page, links(
        ("/index.php/cases/73-knee-pain", "Anterior Knee Pain"),
        ("/index.php/cases/73-knee-pain?start=2", "Diagnosis"),
        ("/index.php/cases/73-knee-pain?start=3", "Key Points"),
        ("/index.php/cases/73-knee-pain?showall=1&limitstart=", "All Pages"),
        ("/index.php/cases/74-hip-pain", "Hip Pain in a Dancer")))
    assert found == [BASE + "/index.php/cases/73-knee-pain",
                     BASE + "/index.php/cases/73-knee-pain?start=2",
                     BASE + "/index.php/cases/73-knee-pain?start=3"]


def test_a_number_that_names_cases_on_the_list_never_turns_a_page() -> None:
    start = BASE + "/cases/list.asp"
    scope = Scope(start)
    scope.list_roles(start, links(("/cases/case.asp?id=7", "Knee Pain in a Young Runner"),
                                  ("/cases/case.asp?id=8", "Wrist Pain After a Fall")))
    assert scope.pager_links(BASE + "/cases/case.asp?id=7", links(
        ("/cases/case.asp?id=8", "Wrist Pain After a Fall"),
        ("/cases/case.asp?id=7&part=2", "Diagnosis"))) == [BASE + "/cases/case.asp?id=7&part=2"]


def test_a_list_menu_is_not_its_case_family() -> None:
    # A CMS serves its About page through the same view=article URLs as its cases and links
    # it from the list page's menu: the family is learned from the list's content links.
    start = BASE + "/index.php?option=com_content&view=category&id=7&Itemid=36"
    scope = Scope(start)
    art = BASE + "/index.php?option=com_content&view=article&id={}&Itemid={}"
    roles = scope.list_roles(start, [
        Link(art.format("1:about-us&catid=1:about", 2), "About Us", nav=True),
        Link(art.format("3:submit-a-case&catid=1:about", 35), "Submit a Case", nav=True),
        Link(art.format("85:knee&catid=7:cases", 36), "Knee Pain in a Young Runner"),
        Link(art.format("86:hip&catid=7:cases", 36), "Hip Pain in an Adolescent Dancer")])
    assert roles.case_links == [art.format("85:knee&catid=7:cases", 36),
                                art.format("86:hip&catid=7:cases", 36)]
    assert not scope.is_case_family(art.format("4:events&catid=1:about", 36))


def test_a_next_link_to_another_listed_case_is_no_pager() -> None:
    # A CMS's article navigation ("< Prev | Next >") leads from one case to the next one.
    start = BASE + "/index.php?option=com_content&view=category&layout=blog&id=6&Itemid=40"
    scope = Scope(start)
    art = BASE + "/index.php?option=com_content&view=article&id={}&catid=6:cases&Itemid=40"
    scope.list_roles(start, links((art.format("12:knee"), "Knee Pain in a Young Runner"),
                                  (art.format("13:hip"), "Hip Pain in an Adolescent Dancer")))
    found = scope.pager_links(art.format("12:knee"), links(
        (art.format("12:knee") + "&limitstart=1", "Next"),
        (art.format("13:hip"), "Next >"), (art.format("14:wrist"), "< Prev")))
    assert found == [art.format("12:knee") + "&limitstart=1"]


def test_a_print_or_all_pages_view_of_a_case_is_no_case_link() -> None:
    scope = Scope(BASE + "/index.php/cases")
    page = BASE + "/index.php/cases/73-knee-pain"
    roles = scope.case_roles(page, links(
        ("/index.php/cases/73-knee-pain?tmpl=component&print=1&page=", "Print"),
        ("/index.php/cases/73-knee-pain?showall=1&limitstart=", "All Pages"),
        ("/index.php/cases/74-hip-pain", "Hip Pain in an Adolescent Dancer")))
    assert roles.case_links == [BASE + "/index.php/cases/74-hip-pain"]
    assert roles.nav == [BASE + "/index.php/cases/73-knee-pain?tmpl=component&print=1&page=",
                         BASE + "/index.php/cases/73-knee-pain?showall=1&limitstart="]


def test_a_pager_row_into_another_directory_names_the_pages() -> None:
    # The list links a Notes document by its view path; its pager row by the key path.
    scope = Scope(BASE + "/cases.nsf/CasesByTitle?OpenView")
    page = BASE + "/cases.nsf/8525ab/86256d58?OpenDocument"
    key = BASE + "/cases.nsf/vwCases/case12p{}?OpenDocument"
    found = scope.pager_links(page, links(
        (key.format(2), "2"), (key.format(3), "3"), (key.format(2), "Next Page >>"),
        (BASE + "/cases.nsf/vwCases/CaseOfTheMonth?OpenDocument", "Case of the Month")))
    assert found == [key.format(2), key.format(3), key.format(2)]
    lone = scope.pager_links(page, links((key.format(2), "2")))
    assert lone == []  # one number into another directory is no pager row


def test_cases_served_by_the_list_document_are_not_list_pages() -> None:
    scope = Scope(BASE + "/cases/index.asp")
    assert scope.is_list_url(BASE + "/cases/index.asp?page=3")
    assert not scope.is_list_url(BASE + "/cases/index.asp?cid=5")


def test_a_list_directory_holds_cases_but_a_named_list_document_says_nothing() -> None:
    """The folder of ``/cases/`` or ``/cases/index.asp`` is the list's; the folder of
    ``/education/Pages/CaseStudies.aspx`` holds every page of a CMS section (guidelines,
    calendar), so a page under it is no case on that ground (the aspnet corpus family)."""
    assert Scope(BASE + "/cases/").is_case_family(BASE + "/cases/knee/")
    assert Scope(BASE + "/casestudies/index.asp").is_case_family(BASE + "/casestudies/c.asp")
    named = Scope(BASE + "/education/Pages/CaseStudies.aspx")
    assert not named.is_case_family(BASE + "/education/Pages/SubmissionGuidelines.aspx")


def test_a_static_site_lists_pages_in_page_directories() -> None:
    scope = Scope(BASE + "/cases/")
    assert scope.is_list_url(BASE + "/cases/page/2/")
    assert not scope.is_list_url(BASE + "/cases/knee/page/2/")


def test_a_wiki_subpage_is_a_page_of_its_case() -> None:
    scope = Scope(BASE + "/wiki/Case_Studies")
    page = BASE + "/wiki/Case_Studies/Knee_Pain"
    links = [Link(url=page + "/Page_2", text="Page 2 \u2192"),
             Link(url=BASE + "/wiki/Other", text="x")]
    assert scope.pager_links(page, links) == [page + "/Page_2"]


def test_a_wiki_subpage_names_its_first_page_though_the_list_links_it() -> None:
    """``X/Part_3``'s "Page 1" leads to ``X``, its case's first page, which the list links
    as a case: still a pager link (another listed case is not, nor an unlabelled link)."""
    scope = Scope(BASE + "/wiki/Case_Studies")
    first = BASE + "/wiki/Case_Studies/Knee_Pain"
    scope.list_roles(BASE + "/wiki/Case_Studies", [
        Link(url=first, text="Knee Pain in a Runner"),
        Link(url=BASE + "/wiki/Case_Studies/Hip_Pain", text="Hip Pain in a Dancer")])
    page = first + "/Part_3"
    found = scope.pager_links(page, [
        Link(url=first, text="Knee Pain in a Runner"),  # the subpage trail
        Link(url=first, text="Page 1"), Link(url=first + "/Part_2", text="Page 2"),
        Link(url=BASE + "/wiki/Case_Studies/Hip_Pain", text="Next >")])
    assert found == [first, first + "/Part_2"]
    assert scope.pager_links(page, [Link(url=first, text="Knee Pain in a Runner")]) == []


def test_the_frames_of_a_list_page_and_what_they_open_in_a_frame_are_list_pages() -> None:
    scope = Scope(BASE + "/index.html")
    frames = scope.list_roles(BASE + "/index.html", [
        Link(url=BASE + "/nav.html", text="", target="nav"),
        Link(url=BASE + "/welcome.html", text="", target="main")])
    assert frames.lists == [BASE + "/nav.html", BASE + "/welcome.html"]
    nav = scope.list_roles(BASE + "/nav.html", [
        Link(url=BASE + "/cases.html", text="Case Studies", target="main"),
        Link(url=BASE + "/index.html", text="Home", target="_top"),
        Link(url=BASE + "/about.html", text="About")])
    # the frameset itself (``_top``) is the start page: a list page as always
    assert nav.lists == [BASE + "/index.html", BASE + "/cases.html"]
    assert nav.nav == [BASE + "/about.html"]


def test_a_wiki_namespace_is_a_level_of_the_url_family() -> None:
    """``/wiki/Case:Knee`` and ``/wiki/Help:Editing`` are two families: a list that links
    its cases in the ``Case:`` namespace says nothing of the wiki's other pages."""
    scope = Scope(BASE + "/wiki/Category:Case_studies")
    links = [Link(url=BASE + f"/wiki/Case:Knee_Pain_{i}", text=f"Knee Pain in a Runner {i}")
             for i in range(3)]
    roles = scope.list_roles(BASE + "/wiki/Category:Case_studies", [
        *links, Link(url=BASE + "/wiki/Help:Editing", text="Help"),
        Link(url=BASE + "/wiki/NSMS_Wiki:About", text="About")])
    assert roles.case_links == [link.url for link in links]
    assert sorted(roles.nav) == [BASE + "/wiki/Help:Editing", BASE + "/wiki/NSMS_Wiki:About"]
