"""Case assembly: pages in any order, released when all known pages are in, failures kept."""

from __future__ import annotations

import itertools

import pytest

from casearchive.crawler.assembly import CaseAssembler, FetchedPage, PageShelf
from casearchive.parsers.records import PageRecord, Section

BASE = "http://127.0.0.1:8080/casestudies/case.asp?cid=7"


def page(n: int, total: int = 3, url: str | None = None) -> FetchedPage:
    url = url or (BASE if n == 1 else f"{BASE}&page={n}")
    record = PageRecord(url=url, is_case_page=True, title="A Case", page_number=n,
                        sections=[Section("history" if n == 1 else "treatment", "H", f"text {n}")])
    pager = [BASE if k == 1 else f"{BASE}&page={k}" for k in range(1, total + 1) if k != n]
    return FetchedPage.build(record, f"body {n}".encode(), url=url, request_url=url,
                             pager_urls=pager,
                             status=200, fetched_at="2026-01-01T00:00:00Z", warc_record_id=None)


def test_the_shelf_gives_back_each_page_between_puts_and_gets(tmp_path) -> None:
    """Pages put after a page was read back land at the shelf's end, not over what the
    read left the file at."""
    shelf = PageShelf(tmp_path)
    first, second = shelf.put(page(1)), shelf.put(page(2))
    assert shelf.get(first).record.page_number == 1
    third = shelf.put(page(3))
    assert [shelf.get(w).record.page_number for w in (third, second, first)] == [3, 2, 1]
    shelf.clear()
    again = shelf.put(page(2))
    assert again == (0, second[1]) and shelf.get(again).record.page_number == 2


@pytest.mark.parametrize("order", list(itertools.permutations([1, 2, 3])))
def test_released_once_when_the_last_page_arrives(order: tuple[int, ...]) -> None:
    assembler = CaseAssembler()
    released = []
    for i, n in enumerate(order):
        out = assembler.add_page(page(n))
        assert (len(out) == 1) == (i == len(order) - 1)
        released += out
    case = released[0].case
    assert [p.page_number for p in case.pages] == [1, 2, 3]
    assert case.complete and case.failed_urls == []
    assert case.url == BASE
    assert assembler.open_cases == 0


def test_case_id_does_not_depend_on_arrival_order() -> None:
    ids = set()
    for order in itertools.permutations([1, 2, 3]):
        assembler = CaseAssembler()
        for n in order:
            out = assembler.add_page(page(n))
        ids.add(out[0].case.case_id)
    assert len(ids) == 1


def test_a_failed_page_makes_the_case_incomplete() -> None:
    assembler = CaseAssembler()
    assert assembler.add_page(page(1)) == []
    assert assembler.is_expected(f"{BASE}&page=3")
    assert assembler.add_page(page(2)) == []
    out = assembler.add_failure(f"{BASE}&page=3", "HTTP 404")
    case = out[0].case
    assert not case.complete
    assert case.failed_urls == [f"{BASE}&page=3"]
    assert [p.page_number for p in case.pages] == [1, 2]


def test_finish_releases_cases_still_waiting_as_incomplete() -> None:
    assembler = CaseAssembler()
    assembler.add_page(page(2))
    out = assembler.finish()
    assert len(out) == 1 and not out[0].case.complete
    assert sorted(out[0].case.failed_urls) == [BASE, f"{BASE}&page=3"]


def test_an_alias_url_joins_its_case() -> None:
    assembler = CaseAssembler()
    assembler.add_page(page(1))
    assembler.add_page(page(2))
    alias = "http://127.0.0.1:8080/casestudies/oldcase.asp?id=7&page=3"
    assembler.add_alias(alias, f"{BASE}&page=3")
    late = page(3)
    late.request_url = alias
    out = assembler.add_page(late)
    assert len(out) == 1 and out[0].case.complete


def test_session_id_and_parameter_order_do_not_split_a_case() -> None:
    assembler = CaseAssembler()
    assembler.add_page(page(1, total=2, url=BASE + "&ASPSESSIONIDABC=XYZ"))
    out = assembler.add_page(page(2, total=2, url="http://127.0.0.1:8080/casestudies/"
                                                  "case.asp?page=2&cid=7"))
    assert len(out) == 1 and out[0].case.page_count == 2


def test_a_url_serving_the_same_body_is_an_alias_not_a_second_page() -> None:
    assembler = CaseAssembler()
    assert assembler.add_page(page(1, total=2)) == []
    twin = page(1, total=2, url=BASE + "&page=0")  # same body bytes as page 1
    assert assembler.add_page(twin) == []
    out = assembler.add_page(page(2, total=2))
    case, pages = out[0].case, out[0].pages
    assert [p.page_number for p in case.pages] == [1, 2]
    assert case.complete and case.failed_urls == []
    assert pages[0].aliases == [BASE + "&page=0"]


def test_a_duplicate_after_release_is_reported_not_a_new_case() -> None:
    assembler = CaseAssembler()
    assert len(assembler.add_page(page(1, total=1))) == 1
    assert assembler.add_page(page(1, total=1, url="http://127.0.0.1:8080/node/7")) == []
    assert assembler.duplicates == [("http://127.0.0.1:8080/node/7", BASE)]
    assert assembler.open_cases == 0


def test_learned_pager_base_rekeys_what_open_cases_expect() -> None:
    from casearchive.crawler.urls import UrlRules

    assembler = CaseAssembler()
    first = page(1, total=2)
    first.pager_urls = [BASE + "&page=1"]  # 0-based: page 2
    assert assembler.add_page(first) == []
    assembler.set_rules(UrlRules(page_bases=frozenset({("page", 0)})))
    assert assembler.is_expected(BASE + "&page=1")
    assert assembler.is_expected(BASE + "&page=0")  # the same page as BASE on this site


def test_a_page_family_with_no_case_like_page_is_rejected_not_released() -> None:
    assembler = CaseAssembler()
    first, second = page(1, total=2), page(2, total=2)
    for p in (first, second):
        p.record.is_case_page = False
        p.record.skip_reason = "no case sections"
    assert assembler.add_page(first) == []
    assert assembler.add_page(second) == []
    assert [url for url, _ in assembler.rejected] == [BASE, f"{BASE}&page=2"]
    assert assembler.open_cases == 0


def test_one_case_like_page_makes_the_family_a_case() -> None:
    assembler = CaseAssembler()
    first = page(1, total=2)
    first.record.is_case_page = False
    assert assembler.add_page(first) == []
    out = assembler.add_page(page(2, total=2))
    assert [p.page_number for p in out[0].case.pages] == [1, 2]
    assert assembler.rejected == []


def test_two_pages_claiming_one_number_stay_two_pages_with_a_warning() -> None:
    assembler = CaseAssembler()
    second = page(2, total=2)
    second.record.page_number = second.ref.page_number = 1  # no marker anywhere
    assert assembler.add_page(page(1, total=2)) == []
    out = assembler.add_page(second)
    case = out[0].case
    assert [p.page_number for p in case.pages] == [1, 2]
    assert any("page number" in w for w in case.warnings)


def test_a_redirect_to_a_page_already_held_becomes_its_alias() -> None:
    assembler = CaseAssembler()
    assert assembler.add_page(page(1, total=2)) == []
    assembler.add_alias("http://127.0.0.1:8080/node/7", BASE)
    out = assembler.add_page(page(2, total=2))
    assert out[0].pages[0].aliases == ["http://127.0.0.1:8080/node/7"]
    assert [p.page_number for p in out[0].case.pages] == [1, 2]


def test_a_redirect_to_a_page_still_in_flight_becomes_its_alias_when_it_arrives() -> None:
    """The redirect's target was requested through another link and is not fetched yet:
    Scrapy drops the redirect as a duplicate, and the alias waits for the page."""
    assembler = CaseAssembler()
    assembler.add_alias("http://127.0.0.1:8080/node/7", BASE)
    assert assembler.add_page(page(1, total=2)) == []
    out = assembler.add_page(page(2, total=2))
    assert out[0].pages[0].aliases == ["http://127.0.0.1:8080/node/7"]
    assert out[0].pages[1].aliases == []
    assert [p.page_number for p in out[0].case.pages] == [1, 2]


def _notes_page(n: int, url: str, pager: list[str], title: str = "A Case",
                body: bytes | None = None) -> FetchedPage:
    record = PageRecord(url=url, is_case_page=True, title=title, page_number=n,
                        sections=[Section("history" if n == 1 else "treatment", "H", f"text {n}")])
    return FetchedPage.build(record, body or f"body {n}".encode(), url=url, request_url=url,
                             pager_urls=pager, status=200, fetched_at="2026-01-01T00:00:00Z",
                             warc_record_id=None)


VIEW = "http://127.0.0.1:8080/cases.nsf/8525/{}?OpenDocument"
KEY = "http://127.0.0.1:8080/cases.nsf/vwCases/case12p{}?OpenDocument"


def test_cases_that_name_each_others_pages_are_one_case() -> None:
    # A Notes view links each page of a case by a URL of its own (VIEW); each page's pager
    # names the others by their key URLs (KEY): two pages taken from the list as two cases
    # are one case when one's pager names a page the other expects.
    assembler = CaseAssembler()
    assert assembler.add_page(_notes_page(1, VIEW.format("a1"), [KEY.format(2)])) == []
    assert assembler.add_page(_notes_page(2, VIEW.format("b2"), [KEY.format(1)])) == []
    out = assembler.add_page(_notes_page(1, KEY.format(1), [KEY.format(2)]))  # page 1 again
    out += assembler.add_page(_notes_page(2, KEY.format(2), [KEY.format(1)]))
    out += assembler.finish()
    assert len(out) == 1 and assembler.joined_cases == 1
    assert [p.page_number for p in out[0].case.pages] == [1, 2]


def test_cases_of_other_titles_are_never_joined() -> None:
    assembler = CaseAssembler()
    assembler.add_page(_notes_page(1, VIEW.format("a1"), [KEY.format(2)], title="Knee Pain"))
    hip = assembler.add_page(_notes_page(1, VIEW.format("c1"), [KEY.format(2)],
                                         title="Hip Pain", body=b"hip body"))
    assert assembler.joined_cases == 0
    assert [r.case.title for r in hip] == ["Hip Pain"]  # its own case, not waiting for KEY 2


def test_a_next_case_linked_as_a_next_page_is_a_case_of_its_own() -> None:
    # Article navigation "Next >" from the last page of one case to the first of the next:
    # the page claims a number the case holds, from another document: a case of its own.
    hip = "http://127.0.0.1:8080/index.php/cases/23-hip.html"
    ankle = "http://127.0.0.1:8080/index.php/cases/69-ankle.html"
    assembler = CaseAssembler()
    assert assembler.add_page(_notes_page(1, hip, [hip + "?start=1"], title="Case Studies")) == []
    out = assembler.add_page(_notes_page(2, hip + "?start=1", [ankle], title="Case Studies"))
    out += assembler.add_page(_notes_page(1, ankle, [], title="Case Studies", body=b"ankle"))
    out += assembler.finish()
    assert sorted((r.case.url, len(r.case.pages), r.case.complete) for r in out) == [
        (hip, 2, True), (ankle, 1, True)]


def _wiki_page(url: str, pager: list[str], *, stated: bool, labels: dict[str, int],
               number: int = 1) -> FetchedPage:
    record = PageRecord(url=url, is_case_page=True, title="Knee Pain", page_number=number,
                        sections=[Section("history", "H", f"text of {url}")])
    return FetchedPage.build(record, url.encode(), url=url, request_url=url, pager_urls=pager,
                             status=200, fetched_at="2026-01-01T00:00:00Z",
                             warc_record_id=None, number_stated=stated, pager_labels=labels)


def test_a_page_whose_number_nothing_said_claims_none() -> None:
    # A wiki's last subpage reached first (its category links it): it prints no number and
    # reads as page 1 by default. Its pager's "Page 1" then leads to the case's first page,
    # which is no other case for holding "page 1", and the page takes the number the pager
    # of a page found after it gives it.
    first = "http://127.0.0.1:8080/wiki/Case_Studies/Knee_Pain"
    second, third = first + "/Part_2", first + "/Part_3"
    assembler = CaseAssembler()
    out = assembler.add_page(_wiki_page(third, [first, second], stated=False,
                                        labels={first: 1, second: 2}))
    out += assembler.add_page(_wiki_page(second, [first, third], stated=True, number=2,
                                         labels={first: 1, third: 3}))
    assert out == []
    out = assembler.add_page(_wiki_page(first, [second, third], stated=True,
                                        labels={second: 2, third: 3}))
    assert [[(p.url, p.page_number) for p in r.case.pages] for r in out] == [
        [(first, 1), (second, 2), (third, 3)]]
    assert out[0].case.url == first and not out[0].case.warnings


BLOG = "http://127.0.0.1:8080/2006/09/chest-pain-page-{}.html"
MONTH = "http://127.0.0.1:8080/2006_09_01_archive.html"


def _blog_post(n: int, pager: list[int]) -> FetchedPage:
    return _notes_page(n, BLOG.format(n), [BLOG.format(k) for k in pager], title="Chest Pain",
                       body=f"post {n}".encode())


def _month_archive(pager: list[int]) -> FetchedPage:
    """A blog's month archive: the month's posts on one page, the newest ("Page #4") first,
    with its pager row naming the other pages of the case."""
    return _notes_page(4, MONTH, [BLOG.format(k) for k in pager], title="Chest Pain",
                       body=b"the month's posts")


@pytest.mark.timeout(10)  # the bug this guards against was an endless loop
@pytest.mark.parametrize("archive_names_page_4", [False, True])
def test_a_page_of_a_case_that_joined_another_joins_it_too(archive_names_page_4: bool) -> None:
    # The case of page 1 joins the month archive's (whose pager names its pages). Page 4,
    # linked by the archive, arrives with its case key: the key of the case that joined the
    # archive's. It is a page of that case now, whether the archive's pager named it (it
    # claims the number the archive reads) or not; it never opens that case again, which
    # then joined the archive's back: a cycle of joins the crawl's worker looped in forever.
    assembler = CaseAssembler()
    assert assembler.add_page(_blog_post(1, [2, 3])) == []
    assert assembler.add_page(_month_archive([1, 2, 3, 4] if archive_names_page_4
                                             else [1, 2, 3])) == []
    assert assembler.joined_cases == 1
    assert assembler.add_page(_blog_post(4, [1, 2, 3])) == []
    assert assembler.joined_cases == 1 and assembler.open_cases == 1
    assert assembler.add_page(_blog_post(2, [1, 3, 4])) == []
    out = assembler.add_page(_blog_post(3, [1, 2, 4]))
    assert len(out) == 1 and out[0].case.complete
    assert sorted(p.ref.url for p in out[0].pages) == sorted(
        [MONTH] + [BLOG.format(k) for k in (1, 2, 3, 4)])
    assert assembler.finish() == []


def test_a_late_page_of_a_case_that_joined_another_is_no_second_case() -> None:
    # Once the joined case is written, a page with the key of the case that joined it is a
    # late page of it: a second case under that key would export its case id twice.
    assembler = CaseAssembler()
    assembler.add_page(_blog_post(1, [2]))
    assembler.add_page(_month_archive([1, 2]))
    out = assembler.add_page(_blog_post(2, [1]))
    assert len(out) == 1
    assert assembler.add_page(_blog_post(5, [1, 2])) == []
    assert assembler.late_pages == [BLOG.format(5)]
    assert assembler.finish() == []


def _weak_page(url: str, digest: str) -> FetchedPage:
    """A one-page case taken on weak evidence (only a side column linked it)."""
    record = PageRecord(url=url, is_case_page=True, title="Knee Pain", page_number=1,
                        sections=[Section("history", "History", "A runner.")])
    built = FetchedPage.build(record, url.encode(), url=url, request_url=url, pager_urls=[],
                              status=200, fetched_at="", warc_record_id=None,
                              confirmed=False)
    built.content_digest = digest
    return built


def test_an_unconfirmed_case_waits_and_is_dropped_at_the_end() -> None:
    """A case only the site's navigation linked is no case unless, by the end of the crawl,
    a list named one of its URLs, a page that says what it says, or its title (a list that
    links its mobile view)."""
    for confirmed, digests, titles, kept in ((set(), set(), {"hip pain"}, False),
                                             ({"http://h/2009/03/knee.html"}, set(), set(), True),
                                             (set(), {"same"}, set(), True),
                                             (set(), set(), {"knee pain"}, True)):
        assembler = CaseAssembler()
        assert assembler.add_page(_weak_page("http://h/2009/03/knee.html", "same")) == []
        released = assembler.finish(confirmed, digests, titles)
        assert bool(released) is kept
        assert assembler.unconfirmed == ([] if kept else ["http://h/2009/03/knee.html"])


HOST = "http://127.0.0.1:8080"


def _part(path: str, n: int, *, total: int | None = None, post_nav: list[str] | None = None,
          source: str = "title", title: str = "Shoulder Pain in a Pitcher") -> FetchedPage:
    """A blog post that is part ``n`` of a case: its title prints its marker ("X (Part 2 of
    3)"; part 1 prints none), no pager; ``post_nav``: its "Newer Post" / "Older Post"."""
    url = HOST + path
    record = PageRecord(url=url, is_case_page=True, title=title, page_number=n,
                        page_total=total, page_number_source=source if n > 1 else "default",
                        sections=[Section("history", "History", f"part {n}")])
    return FetchedPage.build(record, f"post {path}".encode(), url=url, request_url=url,
                             pager_urls=[], status=200, fetched_at="2026-01-01T00:00:00Z",
                             warc_record_id=None, sequels=[HOST + p for p in post_nav or []])


P1, P2, NEWS, P3 = ("/2009/04/shoulder.html", "/2009/04/shoulder_12.html",
                    "/2009/04/annual-meeting.html", "/2009/05/shoulder.html")


@pytest.mark.parametrize("order", list(itertools.permutations(["p1", "p2", "news", "p3"])))
def test_parts_linked_only_by_post_navigation_are_one_case(order: tuple[str, ...]) -> None:
    """Part 1, part 2, a news post, part 3 in time, each linking the next and the previous
    post only: whatever the order they arrive in, the parts are one case (a case waits for
    the posts its post navigation leads to, passing over the news post)."""
    assembler = CaseAssembler()
    released = []
    for name in order:
        if name == "p1":
            released += assembler.add_page(_part(P1, 1, post_nav=[P2]))
        elif name == "p2":
            released += assembler.add_page(_part(P2, 2, post_nav=[NEWS, P1]))
        elif name == "p3":
            released += assembler.add_page(_part(P3, 3, post_nav=[NEWS]))
        else:
            released += assembler.settle(HOST + NEWS, "Annual Meeting", [HOST + P3, HOST + P2])
    released += assembler.finish()
    assert [[p.ref.url for p in r.pages] for r in released] == [[HOST + P1, HOST + P2,
                                                                  HOST + P3]]


def test_parts_that_print_a_page_count_join_however_they_were_reached() -> None:
    """Parts printing "Part k of 3" that nothing links (their post navigation led
    elsewhere) join the open case of their title that lacks their numbers."""
    assembler = CaseAssembler()
    assert assembler.add_page(_part(P3, 3, total=3)) == []
    assert assembler.add_page(_part(P2, 2, total=3)) == []
    out = assembler.add_page(_part(P1, 1))
    assert [[p.ref.url for p in r.pages] for r in out] == [[HOST + P1, HOST + P2, HOST + P3]]


def test_parts_that_print_no_count_join_at_the_end_of_the_crawl() -> None:
    """Posts "X - Page #N" that no pager links and no count closes wait for the end of the
    crawl, where the open cases of one title with other numbers are one case; another
    title stays apart."""
    assembler = CaseAssembler()
    first = _part("/2007/01/wrist-page-1.html", 1, source="heading", title="Wrist Pain")
    first.record.page_number_source = "heading"
    assert assembler.add_page(first) == []
    assert assembler.add_page(_part("/2007/02/wrist-page-5.html", 5, source="heading",
                                    title="Wrist Pain")) == []
    assert assembler.add_page(_part("/2007/02/hip-page-2.html", 2, source="heading",
                                    title="Hip Pain")) == []
    out = assembler.finish()
    assert sorted([p.ref.url.rsplit("/", 1)[1] for p in r.pages] for r in out) == [
        ["hip-page-2.html"], ["wrist-page-1.html", "wrist-page-5.html"]]


def test_a_written_case_leaves_the_titles_of_open_cases() -> None:
    """What the assembler keeps by title is of open cases only: a written case's key goes
    (held for the rest of the crawl, the keys of every case would grow with the site)."""
    assembler = CaseAssembler()
    assembler.add_page(page(1, total=2))
    assert assembler._titled == {"a case": set(assembler._open)} != {"a case": set()}
    assert len(assembler.add_page(page(2, total=2))) == 1
    assert assembler._titled == {}
