"""Crawl corpus sites in-process in many orders and score each: does the snapshot depend on
the order the pages arrive in?

    python -m tests.corpus.orders [--families a,b] [--seed N ...] [--orders N] [--cases N]
                                  [--mode random|bfs|dfs]

A real crawl's order depends on Scrapy's queue and on the machine's load; this drives the
page pipeline (``PagePipeline``, as ``tests/test_crawler_order.py`` does) over a generated
site read from its route table, without HTTP: each URL is fetched once, only after a page
fetched before it linked it, with the role of the first link to it (``FOLLOW_ORDER``), in a
random order (``--mode random``, one per ``--orders``), breadth-first or depth-first.
Redirects are followed and recorded as aliases, 404s reported as skipped, robots.txt obeyed;
there are no retries, meta refreshes or page requisites. Exit codes are not measured (every
order is scored as exit 0). Prints, per family and seed, how many orders gave every case
right, and the figures of each order that did not.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

from protego import Protego

from casearchive.crawler.messages import PageMessage
from casearchive.crawler.options import CrawlOptions
from casearchive.crawler.pipeline import PagePipeline
from casearchive.crawler.skipped import Skipped
from casearchive.crawler.spiders.cases import FOLLOW_ORDER
from casearchive.crawler.urls import canonical_url
from tests.fixtures.legacy_server import route_key

from .families import FAMILIES, build_site
from .score import Tally, read_export, score_site

BASE = "http://127.0.0.1:8080"
#: Redirects followed at the most for one request (Scrapy's ``REDIRECT_MAX_TIMES`` is 20).
MAX_REDIRECTS = 20


class SiteFiles:
    """A generated site's responses, read from its route table."""

    def __init__(self, root: Path, server: str) -> None:
        self.root = root
        self.server = server
        self.routes = {route_key(path): route for path, route in
                       json.loads((root / "routes.json").read_text(encoding="utf-8")).items()}
        robots = self.routes.get("/robots.txt")
        self.robots = (Protego.parse((root / robots["file"]).read_text(encoding="utf-8"))
                       if robots and "file" in robots else None)

    def allowed(self, url: str) -> bool:
        return self.robots is None or self.robots.can_fetch(url, "casearchive")

    def get(self, url: str) -> tuple[str, list[str], int, dict[str, str], bytes]:
        """(final URL, redirected-from URLs, status, headers, body) of a GET of ``url``."""
        redirects: list[str] = []
        for _ in range(MAX_REDIRECTS):
            parts = urlsplit(url)
            route = self.routes.get(route_key(parts.path + (f"?{parts.query}" if parts.query
                                                             else "")))
            if route is None:
                return url, redirects, 404, {"Content-Type": "text/html"}, b"not found"
            if "redirect" in route:
                redirects.append(url)
                url = urljoin(url, route["redirect"])
                continue
            headers = {"Content-Type": route.get("content_type", "text/html"),
                       "Server": self.server}
            body = (self.root / route["file"]).read_bytes()
            return url, redirects, int(route.get("status", 200)), headers, body
        return url, redirects, 310, {}, b""


def crawl(site: SiteFiles, start_url: str, out: Path, rng: random.Random | None,
          mode: str = "random") -> Path | None:
    """One in-process crawl of ``site`` in the order ``mode`` takes (``rng`` draws the random
    one); the snapshot or None."""
    pipeline = PagePipeline(CrawlOptions(start_url=start_url, out_dir=out, requisites=False))
    seen: set[str] = set()
    frontier: list[tuple[str, str, str | None]] = [(start_url, "list", None)]
    seen.add(canonical_url(start_url, pipeline.scope.rules))
    while frontier:
        index = (rng.randrange(len(frontier)) if mode == "random" else
                 0 if mode == "bfs" else len(frontier) - 1)
        url, role, referer = frontier.pop(index)
        if not site.allowed(url):
            pipeline.handle_skipped(Skipped(url, "forbidden by robots.txt", None, failed=False,
                                            referer=referer, role=role))
            continue
        final, redirects, status, headers, body = site.get(url)
        for source in redirects:
            seen.add(canonical_url(source, pipeline.scope.rules))
            pipeline.add_alias(source, final)
        seen.add(canonical_url(final, pipeline.scope.rules))
        if status >= 300:
            pipeline.handle_skipped(Skipped(url, f"HTTP {status}", status, failed=True,
                                            referer=referer, role=role))
            continue
        verdict = pipeline.handle_page(PageMessage(
            role=role, url=final, request_url=url, status=status, headers=headers, body=body,
            fetched_at="2026-12-07T00:00:00Z", warc_record_id=None, link_role=role,
            referer=referer, redirects=redirects))
        seen.update(canonical_url(u, pipeline.scope.rules) for u in verdict.aliases)
        new: list[tuple[str, str, str | None]] = []
        for attribute, link in FOLLOW_ORDER:
            for target in getattr(verdict, attribute):
                target = urldefrag(target)[0]
                canon = canonical_url(target, pipeline.scope.rules)
                if canon not in seen:
                    seen.add(canon)
                    new.append((target, link, final))
        new.extend((url, role, final) for url, role in verdict.refetch)  # as the spider does
        frontier.extend(reversed(new) if mode == "dfs" else new)
    closed = pipeline.close({})
    return out / "latest" if closed.snapshot is not None else None


def run(families: Sequence[str], seeds: Sequence[int], orders: int, cases: int,
        mode: str) -> dict[tuple[str, int], list[Tally]]:
    """Every (family, seed) crawled in ``orders`` orders: the tallies of each order."""
    results: dict[tuple[str, int], list[Tally]] = {}
    with tempfile.TemporaryDirectory(prefix="orders-") as tmp:
        for family in families:
            for seed in seeds:
                results[(family, seed)] = score_orders(
                    family, seed, range(orders if mode == "random" else 1), cases,
                    Path(tmp) / f"{family}-{seed}", mode)
    return results


def score_orders(family: str, seed: int, orders: Iterable[int], cases: int, work: Path,
                 mode: str = "random") -> list[Tally]:
    """The tally of each of ``orders`` (random order n draws from "family:seed:n") of one
    generated site, crawled under ``work``."""
    built = build_site(family, seed, cases)
    built.write(work / "site")
    truth = built.truth()
    truth["cases"] = built.cases
    files = SiteFiles(work / "site", built.server)
    tallies = []
    for n in orders:
        rng = random.Random(f"{family}:{seed}:{n}")
        snapshot = crawl(files, BASE + built.start_path, work / f"out{n}", rng, mode)
        tallies.append(score_site(truth, read_export(snapshot) if snapshot else [], 0, []))
    return tallies


def right(tally: Tally) -> bool:
    """Every case right: all fields, all pages, no case too many, no page of no case."""
    return (tally.fields_ok == tally.fields_total and tally.non_case_pages == 0
            and tally.cases_true == tally.cases_exported
            and tally.pages_found == tally.pages_total)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.corpus.orders",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", default=",".join(FAMILIES),
                        help="comma-separated families (default: all)")
    parser.add_argument("--seed", type=int, action="append", help="seed (repeatable; "
                        "default 1, 2 and 3)")
    parser.add_argument("--orders", type=int, default=30, help="random orders per site")
    parser.add_argument("--cases", type=int, default=8, help="cases per site (default 8)")
    parser.add_argument("--mode", choices=("random", "bfs", "dfs"), default="random")
    args = parser.parse_args(argv)
    results = run(args.families.split(","), args.seed or [1, 2, 3], args.orders, args.cases,
                  args.mode)
    for (family, seed), tallies in results.items():
        good = sum(map(right, tallies))
        print(f"{family} seed {seed} ({args.mode}): {good}/{len(tallies)} orders right")
        for n, tally in enumerate(tallies):
            if not right(tally):
                print(f"  order {n}: fields {tally.fields_ok}/{tally.fields_total}, pages "
                      f"{tally.pages_found}/{tally.pages_total}, cases {tally.cases_true}/"
                      f"{tally.cases_exported}, non-case {tally.non_case_pages}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
