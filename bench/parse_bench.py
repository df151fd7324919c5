"""Parse speed of ``parse_page`` against the floor, a raw ``lxml.html.fromstring``.

``run(pages)`` returns µs/page for both and their ratio (target: <= 2.0 on ~20 KB pages).
Run as ``python -m bench.parse_bench`` to measure the parser fixture pages.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import lxml.html

from parsers.page import parse_page

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "pages"


def _best_of(fn, pages: list[bytes], repeat: int) -> float:
    """Best wall time of ``repeat`` passes over all pages, in µs per page."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for body in pages:
            fn(body)
        best = min(best, time.perf_counter() - start)
    return best / max(len(pages), 1) * 1e6


def run(pages: list[bytes], repeat: int = 20) -> dict:
    """µs/page of ``parse_page`` and of raw lxml, and their ratio."""
    url = "http://example.org/cases/case/page1.html"
    parse_page(pages[0], url)  # warm caches and imports
    ours = _best_of(lambda b: parse_page(b, url), pages, repeat)
    raw = _best_of(lxml.html.fromstring, pages, repeat)
    return {
        "pages": len(pages),
        "mean_bytes": sum(map(len, pages)) // max(len(pages), 1),
        "parse_page_us": round(ours, 1),
        "lxml_us": round(raw, 1),
        "ratio": round(ours / raw, 2) if raw else None,
    }


def fixture_pages() -> list[bytes]:
    return [p.read_bytes() for p in sorted(FIXTURES.glob("*/input.html"))]


if __name__ == "__main__":
    print(json.dumps(run(fixture_pages()), indent=2))
