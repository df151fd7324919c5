"""URL identity: aliases fold together, different pages and cases stay apart."""

import os
import pickle
import re
import subprocess
import sys

import pytest

from casearchive.crawler.discovery import learn_page_bases
from casearchive.crawler.urls import (
    UrlRules,
    canonical_url,
    case_id,
    case_key,
    document_url,
    page_number_in_url,
    same_site,
)
from casearchive.parsers.records import Link

BASE = "http://127.0.0.1:8080"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("/casestudies/case.asp?cid=5#top", "/casestudies/case.asp?cid=5"),
        ("/casestudies/case.asp?page=2&cid=5", "/casestudies/case.asp?cid=5&page=2"),
        ("/casestudies/case.asp?cid=5&PHPSESSID=abc123", "/casestudies/case.asp?cid=5"),
        ("/casestudies/case.asp?ASPSESSIONIDQQ=XYZ&cid=5", "/casestudies/case.asp?cid=5"),
        ("/a/b.htm;jsessionid=0123", "/a/b.htm"),
        ("HTTP://127.0.0.1:8080/a", "/a"),
    ],
)
def test_aliases_share_one_canonical_url(a: str, b: str) -> None:
    to_url = lambda p: p if p.startswith("HTTP") else BASE + p  # noqa: E731
    assert canonical_url(to_url(a)) == canonical_url(to_url(b))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("/casestudies/case.asp?cid=5", "/casestudies/case.asp?cid=6"),
        ("/casestudies/case.asp?cid=5", "/casestudies/case.asp?cid=5&page=2"),
        ("/Cases/Knee/", "/cases/knee/"),
        ("/search.asp?s=knee", "/search.asp?s=hip"),
        ("/cases/knee/index.htm", "/cases/knee/"),
        ("/index.php?id=5", "/?id=5"),
    ],
)
def test_distinct_pages_stay_distinct(a: str, b: str) -> None:
    assert canonical_url(BASE + a) != canonical_url(BASE + b)


def test_letter_case_folds_only_when_asked() -> None:
    rules = UrlRules(ignore_case=True)
    assert canonical_url(BASE + "/Cases/Knee/Page2.HTM", rules) == canonical_url(
        BASE + "/cases/knee/page2.htm", rules
    )


@pytest.mark.parametrize(
    ("page_url", "key"),
    [
        ("/casestudies/case.asp?cid=5", "/casestudies/case.asp?cid=5"),
        ("/casestudies/case.asp?cid=5&page=3", "/casestudies/case.asp?cid=5"),
        ("/casestudies/case.asp?pg=3&cid=5&sid=9", "/casestudies/case.asp?cid=5"),
        ("/cases/knee-pain/page3.htm", "/cases/knee-pain/"),
        ("/cases/knee-pain/index.htm", "/cases/knee-pain/"),
        ("/cases/knee-pain/", "/cases/knee-pain/"),
        ("/cases/knee-pain-p2.html", "/cases/knee-pain"),
        ("/cases/knee-pain/page/2/", "/cases/knee-pain/"),  # a static site generator's
        ("/p/123/", "/p/123/"),  # "p" names a page only with its number in one segment
        ("/site/x/case-studies/knee-pain/part-2", "/site/x/case-studies/knee-pain/"),
        ("/cases/knee-pain-part-3.html", "/cases/knee-pain"),
        ("/cases/department-2.html", "/cases/department-2.html"),  # no "part" of its own
    ],
)
def test_case_key_removes_the_page_part(page_url: str, key: str) -> None:
    assert case_key(BASE + page_url) == key


def test_pager_text_links_to_numbered_directories_are_pages_of_the_case() -> None:
    from casearchive.crawler.discovery import Scope

    scope = Scope(BASE + "/cases/")
    page = BASE + "/cases/knee-pain/2/"
    found = scope.pager_links(page, [Link(BASE + "/cases/knee-pain/", "1"),
                                     Link(BASE + "/cases/knee-pain/3/", "3"),
                                     Link(BASE + "/cases/hip-pain/", "Hip Pain in a Dancer")])
    assert found == [BASE + "/cases/knee-pain/", BASE + "/cases/knee-pain/3/"]


def test_a_wiki_without_short_urls_reads_as_one_with_them() -> None:
    # MediaWiki's script names the page it shows by its title parameter: the page's path for
    # its structure (directory, family, case key, subpages), its URL for its identity
    from casearchive.crawler.discovery import Scope, url_shape

    script = BASE + "/w/index.php?title=Case:Knee_Pain/2&action=edit"
    assert document_url(script) == BASE + "/w/index.php/Case:Knee_Pain/2?action=edit"
    assert canonical_url(script) == BASE + "/w/index.php?action=edit&title=Case%3AKnee_Pain%2F2"
    assert document_url(BASE + "/cases/case.asp?title=Knee") == canonical_url(
        BASE + "/cases/case.asp?title=Knee")  # not a PHP script: as it is
    rules = UrlRules()
    case = url_shape(BASE + "/index.php?title=Case:Knee_Pain", rules)
    assert case == url_shape(BASE + "/index.php?title=Case:Hip_Pain", rules)
    assert case != url_shape(BASE + "/index.php?title=Special:RecentChanges", rules)
    assert case != url_shape(BASE + "/index.php?title=NSMS_Wiki:About", rules)
    assert case != url_shape(BASE + "/index.php?title=Case:Knee_Pain&action=history", rules)
    knee, hip = BASE + "/index.php?title=Case:Knee_Pain", BASE + "/index.php?title=Case:Hip_Pain"
    assert case_key(knee + "/Page_2") == "/index.php/Case:Knee_Pain/"
    # its subpages are pages of the case, though the list's links differ in their title
    scope = Scope(BASE + "/index.php?title=Category:Case_studies")
    # a category lists every page in it, subpages too: pages of the cases it lists
    roles = scope.list_roles(scope.start_url, [Link(knee, "Knee Pain in a Runner"),
                                               Link(knee + "/3", "Case:Knee Pain/3"),
                                               Link(hip, "Hip Pain in a Dancer")])
    assert roles.case_links == [knee, hip, knee + "/3"]
    assert canonical_url(knee + "/3") not in scope.listed
    assert scope.pager_links(knee, [Link(knee + "/2", "Page 2"), Link(hip, "Next case")]) == [
        knee + "/2"]


def test_case_key_is_host_free_and_case_id_stable() -> None:
    a = case_key("http://old.example.org/casestudies/case.asp?cid=5&page=2")
    b = case_key("https://new.example.org:8443/casestudies/case.asp?cid=5")
    assert a == b
    assert case_id(a) == case_id(b)
    assert re.fullmatch(r"[0-9a-f]{16}", case_id(a))


def test_case_pattern_overrides_the_heuristics() -> None:
    rules = UrlRules(case_pattern=re.compile(r"/archive/(?P<case>\d+)[a-z]\.htm"))
    assert case_key(BASE + "/archive/12a.htm", rules) == case_key(BASE + "/archive/12c.htm", rules)
    assert case_key(BASE + "/archive/12a.htm", rules) != case_key(BASE + "/archive/13a.htm", rules)


def test_same_site_checks_scheme_host_and_port() -> None:
    host = "127.0.0.1:8080"
    assert same_site(BASE + "/x", host)
    assert not same_site("http://127.0.0.1:9090/x", host)
    assert not same_site("http://www.example.org/x", host)
    assert not same_site("mailto:info@example.org", host)
    assert not same_site("javascript:void(0)", host)


ZERO_BASED = UrlRules(page_bases=frozenset({("page", 0)}))
ONE_BASED = UrlRules(page_bases=frozenset({("page", 1)}))
CASE = BASE + "/cases/knee-pain"


def test_no_page_parameter_is_dropped_before_the_site_shows_its_base() -> None:
    bare, zero, one = CASE, CASE + "?page=0", CASE + "?page=1"
    assert len({canonical_url(bare), canonical_url(zero), canonical_url(one)}) == 3


def test_on_a_zero_based_site_page_0_is_the_bare_url_and_page_1_is_page_2() -> None:
    bare, zero, one = (canonical_url(CASE + q, ZERO_BASED) for q in ("", "?page=0", "?page=1"))
    assert zero == bare
    assert one != bare
    assert page_number_in_url(CASE + "?page=1", ZERO_BASED) == 2
    assert page_number_in_url(CASE + "?page=0", ZERO_BASED) == 1


def test_on_a_one_based_site_page_1_is_the_bare_url_and_page_0_is_another_url() -> None:
    bare, zero, one = (canonical_url(CASE + q, ONE_BASED) for q in ("", "?page=0", "?page=1"))
    assert one == bare
    assert zero != bare
    assert page_number_in_url(CASE + "?page=2", ONE_BASED) == 2


def _pager(*pairs: tuple[str, str]) -> list[Link]:
    return [Link(CASE + query, text) for query, text in pairs]


def test_the_pager_base_is_learned_from_the_link_labelled_1_or_first() -> None:
    assert learn_page_bases(CASE + "?page=1", _pager(("?page=0", "1"), ("?page=2", "3"))) == {
        "page": 0}
    assert learn_page_bases(CASE + "?page=2", _pager(("?page=1", "Page #1"))) == {"page": 1}
    assert learn_page_bases(CASE + "?page=2", _pager(("?page=0", "« first"))) == {"page": 0}


def test_the_pager_base_is_learned_from_next_on_the_first_page_and_from_page_n_of_m() -> None:
    assert learn_page_bases(CASE, _pager(("?page=1", "next ›"))) == {"page": 0}
    assert learn_page_bases(CASE, _pager(("?page=2", "Next Page >>"))) == {"page": 1}
    assert learn_page_bases(CASE + "?page=1", [], page_number=2) == {"page": 0}


def test_contradicting_pager_evidence_teaches_nothing() -> None:
    assert learn_page_bases(CASE + "?page=3", _pager(("?page=0", "1"), ("?page=2", "2"))) == {}


def test_rules_hash_alike_in_another_process_after_pickling() -> None:
    """The rules hash once (they key every URL cache); should they be pickled to another
    process, they hash there as that process hashes equal rules: a string's hash differs
    from one process to the next."""
    rules = UrlRules(ignore_case=True, page_bases=frozenset({("page", 0), ("p", 1)}))
    check = (
        "import pickle, sys\n"
        "from casearchive.crawler.urls import UrlRules\n"
        "got = pickle.loads(sys.stdin.buffer.read())\n"
        "same = UrlRules(ignore_case=True, page_bases=frozenset({('page', 0), ('p', 1)}))\n"
        "assert got == same and hash(got) == hash(same) and len({got, same}) == 1\n"
    )
    for seed in ("1", "2"):
        subprocess.run([sys.executable, "-c", check], input=pickle.dumps(rules), check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed})
