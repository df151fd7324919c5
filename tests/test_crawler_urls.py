"""URL identity: aliases fold together, different pages and cases stay apart."""

import re

import pytest

from crawler.urls import UrlRules, canonical_url, case_id, case_key, same_site

BASE = "http://127.0.0.1:8080"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("/casestudies/case.asp?cid=5#top", "/casestudies/case.asp?cid=5"),
        ("/casestudies/case.asp?cid=5&page=1", "/casestudies/case.asp?cid=5"),
        ("/casestudies/case.asp?page=2&cid=5", "/casestudies/case.asp?cid=5&page=2"),
        ("/casestudies/case.asp?cid=5&PHPSESSID=abc123", "/casestudies/case.asp?cid=5"),
        ("/casestudies/case.asp?ASPSESSIONIDQQ=XYZ&cid=5", "/casestudies/case.asp?cid=5"),
        ("/cases/knee/index.htm", "/cases/knee/"),
        ("/cases/knee/default.asp", "/cases/knee/"),
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
    ],
)
def test_case_key_removes_the_page_part(page_url: str, key: str) -> None:
    assert case_key(BASE + page_url) == key


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
