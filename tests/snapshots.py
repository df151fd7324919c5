"""Reading a crawl's snapshot back for comparison with a fixture site's expected records."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

from casearchive.parsers.records import CASE_CONTENT_FIELDS

#: Case fields the fixture sites' expected_cases.json spell out (content, not identity).
CONTENT_FIELDS = list(CASE_CONTENT_FIELDS)


def content_of(case: dict, field: str) -> object:
    """A case's field as the expected files write it: a figure by its page, URL path, alt
    and caption (its bytes and WARC record are the crawl's, checked apart)."""
    if field == "figures":
        return [{"page_number": f["page_number"], "url": path_of(f["url"]), "alt": f["alt"],
                 "caption": f["caption"]} for f in case["figures"] or ()]
    return case[field]


def path_of(url: str) -> str:
    """Path and query of a URL, as the expected files write it."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def cases_by_path(snapshot: Path) -> dict[str, dict]:
    """The snapshot's cases keyed by the path and query of page 1."""
    lines = (snapshot / "cases.jsonl").read_text(encoding="utf-8").splitlines()
    return {path_of(c["url"]): c for c in map(json.loads, lines)}


def pages_by_title(out: Path) -> dict[str, list[str]]:
    """Each case of the latest snapshot under ``out`` by its title -> the paths of its pages
    in page order; fails when two cases share a title (one case exported as several)."""
    cases = cases_by_path((out / "latest").resolve()).values()
    titles = [c["title"] for c in cases]
    assert len(titles) == len(set(titles)), f"one case exported as several: {sorted(titles)}"
    return {c["title"]: [path_of(p["url"]) for p in sorted(c["pages"],
                                                             key=lambda p: p["page_number"])]
            for c in cases}


def load_expected(site: Path) -> list[dict]:
    return json.loads((site / "expected_cases.json").read_text(encoding="utf-8"))
