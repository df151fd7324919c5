"""Score one crawled corpus site against its truth.

Figures (summed over sites, then divided, per family and per split):

- ``field_exact``: exact-match rate over (truth case, field) pairs. Fields: title,
  page_count, the nine canonical sections, other_sections (the whole list), references (the
  whole list), contact, copyright. A field that is null in the truth must be null in the
  export; a truth case that was not exported fails every field.
- ``page_recall``: truth case pages present in the exported cases, matched by canonical URL
  or any alias (the export's page URL, final URL or recorded aliases).
- ``case_precision``: exported cases that are the best match of a distinct truth case,
  divided by exported cases (a case split in two, or a non-case page exported, lowers it).
  An exported case matches the truth case most of its page URLs belong to; one whose URLs
  match no truth page (the crawler rewrote them) falls back to its title (exactly, else the
  longest truth title it contains), so its fields are still scored while page recall shows
  the URL problem.
- ``non_case_pages``: the site's non-case pages (About, listings, soft 404...) found among
  the pages of exported cases (count).
- ``exit_codes``: the crawl's exit code per site.

URLs are compared by path and query with the query pairs sorted (scheme, host, port and
fragment ignored); nothing else is normalised.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from casearchive.parsers.records import SECTION_KEYS

FIELDS: tuple[str, ...] = ("title", "page_count", *SECTION_KEYS, "other_sections",
                           "references", "contact", "copyright")


def url_key(url: str) -> str:
    """Path plus sorted query: the form truth and export URLs are compared in."""
    parts = urlsplit(url)
    pairs = sorted(parse_qsl(parts.query, keep_blank_values=True))
    return (parts.path or "/") + (f"?{urlencode(pairs)}" if pairs else "")


@dataclass(slots=True)
class Tally:
    """Counts behind the figures; adds up across sites."""

    fields_total: int = 0
    fields_ok: int = 0
    pages_total: int = 0
    pages_found: int = 0
    cases_exported: int = 0
    cases_true: int = 0
    non_case_pages: int = 0
    crawls: int = 0
    crawls_exit_0: int = 0
    exit_codes: list[int] = field(default_factory=list)
    field_failures: Counter = field(default_factory=Counter)

    def add(self, other: Tally) -> None:
        for name in ("fields_total", "fields_ok", "pages_total", "pages_found",
                     "cases_exported", "cases_true", "non_case_pages", "crawls",
                     "crawls_exit_0"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.exit_codes.extend(other.exit_codes)
        self.field_failures.update(other.field_failures)

    def figures(self) -> dict:
        """The ratios and counts the report and the gate use."""
        def ratio(a: int, b: int) -> float:
            return round(a / b, 4) if b else 1.0
        return {"field_exact": ratio(self.fields_ok, self.fields_total),
                "page_recall": ratio(self.pages_found, self.pages_total),
                "case_precision": ratio(self.cases_true, self.cases_exported),
                "non_case_pages": self.non_case_pages,
                "crawls_exit_0": ratio(self.crawls_exit_0, self.crawls),
                "exit_codes": sorted(set(self.exit_codes)),
                "fields": f"{self.fields_ok}/{self.fields_total}",
                "pages": f"{self.pages_found}/{self.pages_total}",
                "cases": f"{self.cases_true}/{self.cases_exported}"}


def read_export(snapshot: Path) -> list[dict]:
    """The exported cases, each with ``_urls``: per page, the set of its URL keys (page URL,
    final URL and any alias column of ``pages.parquet``)."""
    cases = [json.loads(line) for line in
             (snapshot / "cases.jsonl").read_text(encoding="utf-8").splitlines() if line]
    extra: dict[str, set[str]] = {}
    pages_file = snapshot / "pages.parquet"
    if pages_file.exists():
        import pyarrow.parquet as pq

        for row in pq.read_table(pages_file).to_pylist():
            keys = extra.setdefault(url_key(row["url"]), set())
            for name, value in row.items():
                if name == "final_url" and value:
                    keys.add(url_key(value))
                elif "alias" in name and isinstance(value, list):
                    keys.update(url_key(v) for v in value if isinstance(v, str))
    for case in cases:
        case["_urls"] = []
        for page in case.get("pages") or []:
            key = url_key(page["url"])
            case["_urls"].append({key} | extra.get(key, set()))
    return cases


def _comparable(name: str, value):
    """Export values as the truth writes them (references/other_sections as plain dicts)."""
    if name == "other_sections" and value:
        return [{"heading": s.get("heading"), "text": s.get("text"),
                 "page_number": s.get("page_number")} for s in value]
    if name == "references" and value:
        return [{k: r.get(k) for k in ("number", "text", "doi", "url", "pmid")} for r in value]
    if name == "contact" and value:
        return {k: value.get(k) for k in ("organization", "street", "city", "state",
                                          "postal_code", "phone", "email")}
    return value


def _title_match(truth_cases: list[dict], title: str) -> int | None:
    """The truth case with exactly this title, else the only one whose title the exported
    title contains (a site suffix left on it); None when there is no single match."""
    exact = [i for i, c in enumerate(truth_cases) if c["title"] == title]
    if exact:
        return exact[0]
    within = [i for i, c in enumerate(truth_cases) if c["title"] in title]
    longest = max(within, key=lambda i: len(truth_cases[i]["title"]), default=None)
    return longest


def score_site(truth: dict, exported: list[dict], exit_code: int,
               samples: list[dict]) -> Tally:
    """Tally one site; append a sample per failing field to ``samples``."""
    tally = Tally(crawls=1, crawls_exit_0=int(exit_code == 0), exit_codes=[exit_code])
    owner: dict[str, int] = {}
    for ti, case in enumerate(truth["cases"]):
        for page in case["pages"]:
            for url in (page["url"], *page["aliases"]):
                owner[url_key(url)] = ti
    exported_keys = set().union(*(k for c in exported for k in c["_urls"])) if exported else set()
    best: dict[int, tuple[int, dict]] = {}
    unmatched = []
    for case in exported:
        hits = Counter(owner[k] for keys in case["_urls"] for k in keys if k in owner)
        if hits:
            ti, n = hits.most_common(1)[0]
            if ti not in best or n > best[ti][0]:
                best[ti] = (n, case)
        else:
            unmatched.append(case)
    for case in unmatched:  # URL identity failed: match by title so fields still score
        found = _title_match(truth["cases"], case.get("title") or "")
        if found is not None and found not in best:
            best[found] = (0, case)
    tally.cases_exported = len(exported)
    tally.cases_true = len(best)
    non_case = {url_key(p) for p in truth["non_case_paths"]}
    tally.non_case_pages = len(non_case & exported_keys)
    for ti, case in enumerate(truth["cases"]):
        for page in case["pages"]:
            tally.pages_total += 1
            if any(url_key(u) in exported_keys for u in (page["url"], *page["aliases"])):
                tally.pages_found += 1
        got_case = best.get(ti, (0, None))[1]
        for name in FIELDS:
            tally.fields_total += 1
            got = _comparable(name, got_case.get(name)) if got_case else "<case not exported>"
            if got == case[name]:
                tally.fields_ok += 1
            else:
                tally.field_failures[name] += 1
                samples.append({"family": truth["family"], "case": case["title"],
                                "field": name, "expected": case[name], "got": got})
    return tally
