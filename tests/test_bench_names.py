"""``bench.run`` names each size-bearing figure for the size it measured: the record's keys
(``crawl_rss_growth``, ``diff_100k_seconds``) only for the record's sizes."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow  # imports Scrapy and the bench (the default suite is at budget)


def test_the_record_sizes_keep_the_record_names() -> None:
    from bench.run import FULL, TARGETS, sized_keys

    k = sized_keys(FULL.large.cases * 4, FULL.small.cases * 4, FULL.diff_cases)
    keys = {t.key.format(**k) for t in TARGETS}
    assert {"parse_vs_lxml", "reparse_speedup_2_workers", "crawl_rss_mib_10000",
            "crawl_rss_growth", "export_share_of_crawl", "diff_100k_seconds",
            "diff_100k_rss_mib"} <= keys
    assert k["record"]


def test_quick_sizes_are_named_for_what_they_measured() -> None:
    from bench.run import QUICK, TARGETS, sized_keys

    k = sized_keys(QUICK.large.cases * 4, QUICK.small.cases * 4, QUICK.diff_cases)
    keys = {t.key.format(**k) for t in TARGETS}
    assert {"diff_10k_seconds", "diff_10k_rss_mib", "crawl_rss_mib_400",
            "crawl_rss_growth_400_vs_100", "export_share_of_crawl_400"} <= keys
    assert not keys & {"diff_100k_seconds", "crawl_rss_growth", "export_share_of_crawl",
                       "crawl_rss_mib_10000"}
    assert {"parse_vs_lxml", "reparse_speedup_2_workers"} <= keys
    assert not k["record"]
