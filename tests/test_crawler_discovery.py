"""Link roles: list pagination, case candidates, a case's own pages, and what is out of scope."""

import re
from dataclasses import replace

from casearchive.crawler.discovery import Scope
from casearchive.crawler.urls import canonical_url
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


def test_a_view_beside_the_page_parameter_does_not_turn_the_page() -> None:
    # Page 1 under its "Prev" alias (``limitstart=`` blank) links its "All Pages" view
    # (``showall=1``, the page parameter unchanged) and its page 2 (``limitstart=1``).
    start = BASE + "/index.php?option=com_content&view=category&id=7&Itemid=36"
    scope = Scope(start)
    art = BASE + "/index.php?option=com_content&view=article&id=12:knee&catid=7&Itemid=36"
    found = scope.pager_links(art + "&limitstart=", links(
        (art + "&limitstart=1", "Next >>"), (art + "&showall=1&limitstart=", "All Pages")))
    assert found == [art + "&limitstart=1"]
    # a number beside no page parameter still turns the page (an article index's titles)
    assert scope.pager_links(art, links((art + "&part=2", "Diagnosis"))) == [art + "&part=2"]


def test_a_page_under_another_url_links_the_views_of_its_case_as_views() -> None:
    # An old link a module keeps ("Case of the Month": index.php?...&id=73) shows page 1 of
    # the case and links its print and "All Pages" views from another document: views of
    # the case page it links beside them, no cases of their own.
    scope = Scope(BASE + "/index.php/cases")
    old = BASE + "/index.php?option=com_content&view=article&id=73&Itemid=58"
    shown = links(("/index.php/cases/73-knee-pain", "Anterior Knee Pain in a Runner"),
                  ("/index.php/cases/73-knee-pain?tmpl=component&print=1&page=", "Print"),
                  ("/index.php/cases/73-knee-pain?showall=1&limitstart=", "All Pages"),
                  ("/index.php/cases/74-hip-pain", "Hip Pain in an Adolescent Dancer"))
    expected = [BASE + "/index.php/cases/73-knee-pain", BASE + "/index.php/cases/74-hip-pain"]
    assert scope.case_roles(old, shown).case_links == expected
    assert scope.teaser_roles(shown).nav == expected


def test_a_list_query_with_more_parameters_may_be_another_format_of_the_list() -> None:
    start = BASE + "/index.php?option=com_content&view=category&id=7&Itemid=36"
    scope = Scope(start)
    assert scope.extends_list(start + "&format=feed&type=rss")
    assert not scope.extends_list(start)
    assert not scope.extends_list(start + "&limitstart=10")  # a page of the list
    assert not Scope(BASE + "/index.php/cases").extends_list(BASE + "/index.php/cases?x=1")


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
    """``X/3``'s "Page 1" leads to ``X``, its case's first page, which the list links as a
    case: still a pager link (another listed case is not, nor an unlabelled link). A
    subpage named by a page word (``X/Part_3``) is a page of ``X`` by its URL alone."""
    scope = Scope(BASE + "/wiki/Case_Studies")
    first = BASE + "/wiki/Case_Studies/Knee_Pain"
    scope.list_roles(BASE + "/wiki/Case_Studies", [
        Link(url=first, text="Knee Pain in a Runner"),
        Link(url=BASE + "/wiki/Case_Studies/Hip_Pain", text="Hip Pain in a Dancer")])
    page = first + "/3"
    found = scope.pager_links(page, [
        Link(url=first, text="Knee Pain in a Runner"),  # the subpage trail
        Link(url=first, text="Page 1"), Link(url=first + "/2", text="Page 2"),
        Link(url=BASE + "/wiki/Case_Studies/Hip_Pain", text="Next >")])
    assert found == [first, first + "/2"]
    assert scope.pager_links(page, [Link(url=first, text="Knee Pain in a Runner")]) == []
    trail = [Link(url=first, text="Knee Pain in a Runner")]
    assert scope.pager_links(first + "/Part_3", trail) == [first]


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


def test_one_number_next_to_the_page_s_own_names_the_other_page() -> None:
    # A two-page case: its pager row "Go to page: [1] [2]" links only the other page (its
    # own number is printed unlinked), into the key path the view does not use.
    scope = Scope(BASE + "/cases.nsf/CasesByTitle?OpenView")
    page = BASE + "/cases.nsf/8525ab/86256d58?OpenDocument"
    key = BASE + "/cases.nsf/vwCases/case12p{}?OpenDocument"
    assert scope.pager_links(page, links((key.format(2), "[2]")), number=1) == [key.format(2)]
    assert scope.pager_links(page, links((key.format(1), "1")), number=2) == [key.format(1)]
    assert scope.pager_links(page, links((key.format(3), "[3]")), number=1) == []
    assert scope.pager_links(page, links((key.format(2), "[2]"))) == []  # no number printed
    # an icon link named by the direction beside it
    icon = links((key.format(2), "Continue on page 2"), (key.format(1), "Back to page 1"))
    assert scope.pager_links(page, icon[:1], number=1) == [key.format(2)]
    assert scope.pager_links(page, icon[1:], number=2) == [key.format(1)]


def test_a_parameter_without_a_value_is_part_of_the_url_family() -> None:
    # A Notes URL's command says what it opens: documents (?OpenDocument, or !OpenDocument
    # in the path) are not the database's About, Help or outline pages.
    scope = Scope(BASE + "/cases.nsf/Cases?OpenView")
    scope.learn_case_family(BASE + "/cases.nsf/0/85256A1B2C3D4E5F!OpenDocument")
    assert scope.is_case_family(BASE + "/cases.nsf/0/85256A1B2C3D4E60!OpenDocument")
    assert not scope.is_case_family(BASE + "/cases.nsf/0/85256A1B2C3D4E61?OpenDocument")
    scope.learn_case_family(BASE + "/cases.nsf/vwCases/Knee2?OpenDocument")
    assert not scope.is_case_family(BASE + "/cases.nsf/vwCases/Knee2?EditDocument")


def test_a_site_page_s_links_into_a_case_family_are_navigation() -> None:
    # A home page's "Case of the Month" is followed, and a case by its family when it reads
    # as one; gone, it is a stale link of the site, not a lost case.
    scope = Scope(BASE + "/cases/index.asp")
    scope.list_roles(BASE + "/cases/index.asp", links(
        ("/cases/case.asp?id=1", "Knee Pain in a Young Runner"),
        ("/cases/case.asp?id=2", "Hip Pain in an Adolescent Dancer")))
    roles = scope.teaser_roles(links(("/cases/case.asp?id=9", "Case of the Month"),
                                     ("/about.htm", "About Us")))
    assert roles.nav == [BASE + "/cases/case.asp?id=9"]
    assert not roles.case_links


def _outline() -> list[Link]:
    db = BASE + "/db/cases.nsf"
    return [Link(db + "/Home?OpenPage", "Home", nav=True),
            Link(db + "/0/85256A01?OpenDocument", "About", nav=True),
            Link(db + "/0/85256A02?OpenDocument", "Help", nav=True),
            Link(db + "/0/85256A03?OpenDocument", "Contact Us", nav=True)]


def test_a_list_whose_content_names_its_entries_takes_no_menu_family() -> None:
    # A collapsed categorized view: its content links its own expanded views, one per
    # category; the menus beside it are the site's pages. A plain list of links (flagged as
    # navigation by its density) is still its cases, named like cases or not.
    view = BASE + "/db/cases.nsf/Cases?OpenView"
    scope = Scope(view)
    roles = scope.list_roles(view, [*_outline(), *links(
        (view + "&Expand=1", "Show details for Knee Pain in a Runner"),
        (view + "&Expand=2", "Show details for Hip Pain in a Dancer"))])
    assert not roles.case_links and not scope.case_families
    assert roles.lists == [view + "&Expand=1", view + "&Expand=2"]
    # the same menus with cases named in a word or two, and no content link: the cases
    plain = Scope(BASE + "/cases/")
    roles = plain.list_roles(BASE + "/cases/", [
        Link(BASE + "/cases/case1.htm", "Case 1", nav=True),
        Link(BASE + "/cases/case2.htm", "Case 2", nav=True),
        Link(BASE + "/cases/case3.htm", "Case 3", nav=True)])
    assert len(roles.case_links) == 3
    # named like cases, beside a content link with a title of its own: the cases too
    named = Scope(BASE + "/cases/")
    roles = named.list_roles(BASE + "/cases/", [
        Link(BASE + "/cases/knee.htm", "Knee Pain in a Runner", nav=True),
        Link(BASE + "/cases/hip.htm", "Hip Pain in a Dancer", nav=True),
        Link(BASE + "/guidelines.htm", "Read our guidelines for authors")])
    assert len(roles.case_links) == 2


def test_a_home_page_s_link_to_a_list_shaped_page_makes_it_the_list() -> None:
    db = BASE + "/db/cases.nsf"
    view = db + "/Cases?OpenView"
    scope = Scope(db + "?OpenDatabase")
    roles = scope.list_roles(db + "?OpenDatabase", [*_outline(), *links(
        (view, "Browse the case studies"),
        (db + "/0/85256A04?OpenDocument", "guidelines for authors"))])
    assert not roles.case_links and not scope.case_families
    guide = links((db + "/0/85256A03?OpenDocument", "Contact Us"))
    assert not scope.adopts_list([db + "/0/85256A04?OpenDocument"], guide)
    twisties = links((view + "&Expand=1", "Show details for Knee Pain in a Runner"),
                     (view + "&Expand=2", "Show details for Hip Pain in a Dancer"))
    assert not scope.adopts_list([db + "/Help?OpenPage"], twisties)  # not linked by the home
    assert scope.adopts_list([view], twisties)
    assert scope.is_list_url(view + "&Expand=2")
    assert not scope.is_list_url(db + "/Meetings?OpenView")


def test_a_column_of_the_lists_entries_read_as_dense_links_is_the_lists_content() -> None:
    """A wiki category lists its entries in three columns; the walk takes the first (short
    titles) for a block of links by its density alone (``Link.in_link_list``), the others
    for content. Its links into the case family the content names are the list's content:
    case links, named (confirmed), never navigation."""
    start = BASE + "/index.php?title=Category:Case_studies"
    case = BASE + "/index.php?title=Case:{}"
    def entry(name: str, dense: bool = False) -> Link:
        return Link(url=case.format(name.replace(" ", "_")), text=f"Case:{name}", nav=dense,
                    in_link_list=dense)

    column = [entry(n, dense=True) for n in (
        "Ankle Sprain That Would Not Heal", "Knee Pain in a Runner", "Chest Pain in a Runner")]
    others = [entry(f"{n} in a Young Athlete") for n in ("Leg Pain", "Headache", "Hip Pain")]
    menu = [Link(url=BASE + "/index.php?title=Main_Page", text="Main Page", nav=True,
                 in_link_list=True),
            Link(url=BASE + "/index.php?title=Help:Contents", text="Help", nav=True,
                 in_link_list=True),
            entry("Random", dense=True)]  # a word or two: a menu's
    roles = Scope(start).list_roles(start, [*menu, *column, *others])
    every = [link.url for link in (*column, *others)]
    assert sorted(roles.case_links) == sorted(every)
    assert set(every) <= set(roles.named)
    assert not set(every) & set(roles.nav)
    assert menu[2].url in roles.nav


def test_a_list_adopted_or_new_rules_answer_again_what_was_asked_before() -> None:
    """``is_list_url`` remembers its answers; a list adopted through a home page's link, or
    URL rules that fold case, change them."""
    scope = Scope(BASE + "/index.html")
    view = BASE + "/Library/CasesByTitle?OpenView"
    assert not scope.is_list_url(view)
    scope.home_links = {canonical_url(view)}
    assert scope.adopts_list([view], links(
        ("/Library/case.asp?id=1", "A Woman With a Painful Swollen Knee"),
        ("/Library/case.asp?id=2", "An Old Man With Sudden Back Pain")))
    assert scope.is_list_url(view)
    scope = Scope(BASE + "/cases/list.asp")
    upper = BASE + "/CASES/LIST.ASP"
    assert not scope.is_list_url(upper)
    scope.rules = replace(scope.rules, ignore_case=True)  # an IIS server, found out
    assert scope.is_list_url(upper)
