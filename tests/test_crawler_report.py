"""The crawl report: cases with warnings are counted in the summary and listed in the stats."""

from __future__ import annotations

from casearchive.crawler.report import CrawlReport, summary_lines
from casearchive.parsers.records import CaseRecord


def _case(case_id: str, warnings: list[str]) -> CaseRecord:
    return CaseRecord(case_id=case_id, title="A Case", url=f"http://h/case?id={case_id}",
                      page_count=1, pages=[], warnings=warnings)


def test_cases_with_warnings_are_counted_and_listed() -> None:
    report = CrawlReport()
    report.add_case_warnings(_case("b", ["page 1: unplaced text: 12 chars", "page 1: x"]))
    report.add_case_warnings(_case("a", []))
    report.add_case_warnings(_case("c", ["page 2: title: no usable <title>"]))
    stats = report.to_stats({})
    assert stats["cases_with_warnings"] == 2
    assert stats["warning_cases"] == [
        {"case_id": "b", "url": "http://h/case?id=b", "warnings": 2},
        {"case_id": "c", "url": "http://h/case?id=c", "warnings": 1},
    ]
    assert any(line.startswith("cases with warnings: 2") for line in summary_lines(stats, None))


def test_no_line_when_no_case_has_warnings() -> None:
    stats = CrawlReport().to_stats({})
    assert stats["cases_with_warnings"] == 0 and stats["warning_cases"] == []
    assert not any("warnings" in line for line in summary_lines(stats, None))
