"""``casearchive diff`` and ``casearchive log`` on snapshots written by the SnapshotWriter."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
import types
from datetime import timedelta
from html import escape as html_escape
from pathlib import Path

import pytest

from casearchive.crawler.cli import main
from casearchive.exports.diff import diff_snapshots
from casearchive.exports.snapshot import SnapshotWriter
from casearchive.parsers.records import CaseRecord, OtherSection, Reference
from tests.factories import START_URL, T0, fixed_clock, make_case, make_pages

JSON_KEYS = {"added", "removed", "changed", "unchanged", "old", "new"}


def rehash(case: CaseRecord) -> CaseRecord:
    """Give ``case`` a content hash of its extracted content (as the assembler does)."""
    content = {k: v for k, v in dataclasses.asdict(case).items()
               if k not in ("pages", "url", "complete", "failed_urls", "warnings",
                            "missing_sections", "content_sha256")}
    blob = json.dumps(content, sort_keys=True, ensure_ascii=False)
    case.content_sha256 = hashlib.sha256(blob.encode()).hexdigest()
    return case


def case(i: int, **overrides) -> CaseRecord:
    return rehash(make_case(i, **overrides))


def write(root: Path, cases: list[CaseRecord], day: int, parser: str = "parsers-1",
          fetched_shift: timedelta = timedelta(0)) -> Path:
    writer = SnapshotWriter(root, start_url=START_URL, tool_version="0.1.0",
                            parser_version=parser, clock=fixed_clock(T0 + timedelta(days=day)))
    for c in cases:
        for row in make_pages(c):
            row.fetched_at += fetched_shift
            writer.add_page(row)
        writer.add_case(c)
    return writer.finish({}, True)


def run(capsys, *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def as_json(capsys, *argv: str | Path) -> tuple[int, dict]:
    code, out, _ = run(capsys, "diff", *argv, "--format", "json")
    return code, json.loads(out)


@pytest.fixture
def pair(tmp_path):
    """OLD with cases 0-5; NEW: 5 removed, 7 added, 2's treatment edited, 1's reference 1
    URL changed, 4 has a new unknown section."""
    old_cases = [case(i) for i in range(6)]
    new_cases = [
        case(0),
        case(1, references=[Reference(1, "Smith J. Case 1. Neurology. 2014;1:1-2.",
                                      doi="10.1212/1.x", url="https://example.org/new"),
                            Reference(None, "Unnumbered – “quoted” text ünïcode",
                                      url="https://example.org/a?b=1")]),
        case(2, treatment="Rest and fluids."),
        case(3),
        case(4, other_sections=[OtherSection("Pearls", "Pearl 4", 1),
                                OtherSection(None, "stray", 2),
                                OtherSection("Teaching points", "Ask twice.", 3)]),
        case(7),
    ]
    return write(tmp_path, old_cases, 1), write(tmp_path, new_cases, 2)


def cid(i: int) -> str:
    return f"/cases/case.php?id={i:05d}"


def test_identical_content_exits_0_with_an_empty_diff(tmp_path, capsys):
    cases = [case(i) for i in range(5)]
    old = write(tmp_path, cases, 1)
    # Same content, fetched a day later: fetch times differ, the content does not.
    new = write(tmp_path, cases, 2, fetched_shift=timedelta(days=1))
    code, data = as_json(capsys, old, new)
    assert code == 0
    assert data["added"] == data["removed"] == data["changed"] == []
    assert data["unchanged"] == 5
    code, out, err = run(capsys, "diff", old, new)
    assert code == 0 and "changed: 0" in out and err == ""


def test_added_removed_changed_with_the_right_fields(pair, capsys):
    code, data = as_json(capsys, *pair)
    assert code == 1
    assert data["added"] == [cid(7)] and data["removed"] == [cid(5)]
    assert data["unchanged"] == 2
    fields = {c["case_id"]: c["fields"] for c in data["changed"]}
    assert fields == {cid(1): ["references"], cid(2): ["treatment"],
                      cid(4): ["other_sections"]}
    by_id = {c["case_id"]: c for c in data["changed"]}
    treatment = by_id[cid(2)]["changes"]["treatment"]
    assert (treatment["old"], treatment["new"]) == ("Rest.", "Rest and fluids.")
    assert treatment["word_diff"] == [["=", "Rest"], ["+", " and fluids"], ["=", "."]]
    refs = by_id[cid(1)]["changes"]["references"]
    assert list(refs["old"]) == ["1"] and refs["new"]["1"]["url"] == "https://example.org/new"
    assert refs["items"][0]["members"] == ["url"]
    other = by_id[cid(4)]["changes"]["other_sections"]
    assert other["old"] == {"Teaching points": None}
    assert other["new"] == {"Teaching points": "Ask twice."}


def test_json_has_the_documented_shape(pair, capsys):
    old, new = pair
    _, data = as_json(capsys, old, new)
    assert set(data) >= JSON_KEYS
    assert (data["old"], data["new"]) == (old.name, new.name)
    assert isinstance(data["unchanged"], int)
    for change in data["changed"]:
        assert {"case_id", "title", "fields", "changes"} <= set(change)
        assert set(change["changes"]) == set(change["fields"])
        for value in change["changes"].values():
            assert {"old", "new"} <= set(value)
    assert data["parser_version_changed"] is False


def test_text_report_shows_word_diffs_without_colour_off_a_tty(pair, capsys):
    code, out, _ = run(capsys, "diff", *pair)
    assert code == 1
    assert "added: 1, removed: 1, changed: 3, unchanged: 2" in out
    assert "Rest{+ and fluids+}." in out
    assert "references[1]: changed (url)" in out
    assert "other_sections[Teaching points]: added" in out
    assert "\x1b[" not in out


def test_page_hashes_urls_and_fetch_times_are_not_changes(tmp_path, capsys):
    old_cases = [case(i) for i in range(4)]
    new_cases = [case(i) for i in range(4)]
    for c in new_cases:
        for p in c.pages:
            p.url += "&PHPSESSID=abc123"
            p.content_sha256 = hashlib.sha256(p.url.encode()).hexdigest()
        c.url += "&PHPSESSID=abc123"
    # A content hash that differs while the compared content does not (e.g. a hash-format
    # change, or a section moved to another page) is checked and found unchanged.
    new_cases[1].content_sha256 = "0" * 64
    new_cases[2].other_sections[0].page_number = 2
    new_cases[3].content_sha256 = ""
    old = write(tmp_path, old_cases, 1)
    new = write(tmp_path, new_cases, 2, fetched_shift=timedelta(hours=5))
    code, data = as_json(capsys, old, new)
    assert code == 0 and data["changed"] == [] and data["unchanged"] == 4


def test_latest_previous_and_ids_resolve_within_snapshots(pair, capsys):
    old, new = pair
    root = old.parent
    _, by_path = as_json(capsys, old, new)
    _, by_ref = as_json(capsys, "previous", "latest", "--snapshots", root)
    _, by_id = as_json(capsys, old.name, new.name, "--snapshots", root)
    assert by_path == by_ref == by_id
    code, _, _ = run(capsys, "diff", "latest", "latest", "--snapshots", root)
    assert code == 0


def test_html_is_one_self_contained_escaped_file(tmp_path, capsys):
    old = write(tmp_path, [case(1), case(2), case(3)], 1)
    new = write(tmp_path, [case(1, title="Case 1 <script>alert(1)</script>"),
                           case(2, treatment="Rest and fluids."), case(4)], 2)
    target = tmp_path / "report.html"
    code, out, _ = run(capsys, "diff", old, new, "--format", "html", "--output", target)
    assert code == 1 and out == ""
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "<ins> and fluids</ins>" in html and "<del>" in html
    # No external assets: the only URLs are the links of case titles (<a href>).
    assert "src=" not in html and "<link" not in html and "url(" not in html
    assert html.count("http") == html.count('<a href="http')
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="#case-1"' in html


def test_html_keeps_reference_urls_as_text(pair, capsys):
    code, out, _ = run(capsys, "diff", *pair, "--format", "html")
    assert code == 1
    assert "src=" not in out and 'href="https://example.org/new' not in out and "url(" not in out
    assert "url: https://example.org/new</ins>" in out


def test_parser_version_difference_is_reported_in_every_format(tmp_path, capsys):
    old = write(tmp_path, [case(1)], 1, parser="parsers-1")
    new = write(tmp_path, [case(1, treatment="Rest more.")], 2, parser="parsers-2")
    _, data = as_json(capsys, old, new)
    assert data["parser_version_changed"] is True
    assert data["parser_version"] == {"old": "parsers-1", "new": "parsers-2"}
    _, text, _ = run(capsys, "diff", old, new)
    assert "parser version differs (parsers-1 -> parsers-2)" in text and "--reparse" in text
    _, html, _ = run(capsys, "diff", old, new, "--format", "html")
    assert "parser version differs" in html


def test_reparse_separates_extractor_changes_from_site_changes(tmp_path, capsys, monkeypatch):
    old_cases = [case(1), case(2), case(3)]
    # Parser 2 extracts case 2's treatment differently; the site changed case 3.
    reparsed_cases = [case(1), case(2, treatment="Rest (bed)."), case(3)]
    new_cases = [case(1), case(2, treatment="Rest (bed)."), case(3, outcome="Recovered.")]
    old = write(tmp_path / "a", old_cases, 1, parser="parsers-1")
    new = write(tmp_path / "a", new_cases, 2, parser="parsers-2")
    calls = []

    def reparse_snapshot(snapshot: Path, out_dir: Path) -> Path:
        calls.append(snapshot)
        return write(out_dir, reparsed_cases, 3, parser="parsers-2")

    fake = types.ModuleType("casearchive.crawler.reparse")
    fake.__dict__["reparse_snapshot"] = reparse_snapshot
    monkeypatch.setitem(sys.modules, "casearchive.crawler.reparse", fake)
    # These snapshots have no WARC (the re-parse is faked): skip the manifest check of it.
    code, data = as_json(capsys, old, new, "--reparse", "--no-verify")
    assert calls == [old]
    assert code == 1
    assert [c["case_id"] for c in data["changed"]] == [cid(3)]
    assert data["changed"][0]["fields"] == ["outcome"]
    assert data["reparsed"] == {"from": old.name, "parser_version": "parsers-2",
                                "extractor_changed": [cid(2)]}
    assert data["parser_version_changed"] is False
    _, text, _ = run(capsys, "diff", old, new, "--reparse", "--no-verify")
    assert "re-parsed with parser parsers-2" in text


def test_missing_snapshot_bad_ref_and_unreadable_file_exit_2(tmp_path, capsys):
    old = write(tmp_path, [case(1)], 1)
    for argv in (
        ["diff", old, tmp_path / "nope"],
        ["diff", "previous", "latest", "--snapshots", tmp_path],
        ["diff", "20990101T000000Z", "latest", "--snapshots", tmp_path],
    ):
        code, out, err = run(capsys, *argv)
        assert code == 2, argv
        assert err.startswith("casearchive: ") and err.count("\n") == 1
        assert "Traceback" not in err and out == ""
    new = write(tmp_path, [case(1)], 2)
    (new / "cases.parquet").write_bytes(b"not parquet at all")
    code, _, err = run(capsys, "diff", old, new)
    assert code == 2 and "cases.parquet: size 18 bytes" in err and err.count("\n") == 1
    code, _, err = run(capsys, "diff", old, new, "--no-verify")
    assert code == 2 and "cannot read cases.parquet" in err and err.count("\n") == 1


def test_log_over_three_snapshots(tmp_path, capsys):
    write(tmp_path, [case(1), case(2)], 1)
    write(tmp_path, [case(1, treatment="Rest and fluids."), case(2), case(3)], 2,
          parser="parsers-2")
    write(tmp_path, [case(2), case(3)], 3, parser="parsers-2")
    code, out, _ = run(capsys, "log", cid(1), "--snapshots", tmp_path, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["present_in"] == 2 and len(data["snapshots"]) == 3
    events = [(e["snapshot_id"][:8], e["event"], e["fields"]) for e in data["entries"]]
    assert events == [("20250201", "appeared", []), ("20250202", "changed", ["treatment"]),
                      ("20250203", "disappeared", [])]
    assert data["entries"][1]["parser_version_changed"] is True
    assert data["entries"][1]["changes"]["treatment"]["new"] == "Rest and fluids."
    code, out, _ = run(capsys, "log", cid(3), "--snapshots", tmp_path)
    assert code == 0
    assert "present in 2 of 3" in out and "appeared" in out and "disappeared" not in out
    code, out, _ = run(capsys, "log", cid(2), "--snapshots", tmp_path)
    assert code == 0 and "changed" not in out
    code, out, err = run(capsys, "log", cid(9), "--snapshots", tmp_path)
    assert code == 2 and "in none of the 3 snapshot(s)" in err and out == ""


def test_log_reappearance_is_compared_with_the_last_version(tmp_path, capsys):
    write(tmp_path, [case(1)], 1)
    write(tmp_path, [case(2)], 2)
    write(tmp_path, [case(1, outcome="Recovered.")], 3)
    _, out, _ = run(capsys, "log", cid(1), "--snapshots", tmp_path, "--format", "json")
    events = [(e["event"], e["fields"]) for e in json.loads(out)["entries"]]
    assert events == [("appeared", []), ("disappeared", []), ("reappeared", ["outcome"])]


def test_library_result_matches_cli(pair):
    result = diff_snapshots(*pair)
    assert result.has_changes and [c.case_id for c in result.changed] == [cid(1), cid(2), cid(4)]
    assert result.titles[cid(7)].startswith("Case 7")


def test_output_to_an_unwritable_place_exits_2(pair, tmp_path, capsys):
    code, out, err = run(capsys, "diff", *pair, "--output", tmp_path / "no" / "such" / "f.txt")
    assert code == 2 and "cannot write" in err and out == ""
    code, _, err = run(capsys, "diff", *pair, "--format", "pdf")
    assert code == 2 and "pdf" in err


def test_log_finds_a_case_by_id_key_case_url_or_page_url(tmp_path, capsys):
    """The README's form (``log '/cases/case.php?id=77'``) names the case by its key."""
    keyed = [case(i, case_id=hashlib.sha256(cid(i).encode()).hexdigest()[:16]) for i in (1, 2)]
    write(tmp_path, keyed, 1)
    write(tmp_path, [case(2, case_id=keyed[1].case_id, treatment="Rest and fluids.")], 2)
    second_page = keyed[1].pages[1].url
    for ref in (keyed[1].case_id, cid(2), keyed[1].url, second_page):
        code, out, err = run(capsys, "log", ref, "--snapshots", tmp_path, "--format", "json")
        assert code == 0, (ref, err)
        data = json.loads(out)
        assert data["case_id"] == keyed[1].case_id
        assert [e["event"] for e in data["entries"]] == ["appeared", "changed"]
    code, out, _ = run(capsys, "log", cid(1), "--snapshots", tmp_path, "--format", "json")
    assert code == 0 and json.loads(out)["case_id"] == keyed[0].case_id
    code, _, err = run(capsys, "log", "/cases/case.php?id=99999", "--snapshots", tmp_path)
    assert code == 2 and "'/cases/case.php?id=99999' is in none of the 2 snapshot(s)" in err


@pytest.mark.parametrize("template", ["noplaceholders", "http://h/{timestamp}/x"])
def test_a_replay_url_without_its_url_placeholder_is_bad_usage(pair, capsys, template):
    code, out, err = run(capsys, "diff", *pair, "--replay-url", template)
    assert code == 2 and not out
    assert f"--replay-url {template!r} has no {{url}}" in err


def test_reports_name_cases_for_people(pair, capsys):
    """Dates beside ids, titles linked to the case and its capture, header rows on every
    table, readable labels; JSON keeps added/removed and adds added_cases/removed_cases."""
    template = "http://127.0.0.1:8080/cases/{timestamp}/{url}"
    code, data = as_json(capsys, *pair, "--replay-url", template)
    assert code == 1
    assert data["added"] == [cid(7)] and data["removed"] == [cid(5)]
    new_case = case(7)
    (added,) = data["added_cases"]
    assert {k: added[k] for k in ("case_id", "case_key", "title", "url")} == {
        "case_id": cid(7), "case_key": new_case.case_key, "title": new_case.title,
        "url": new_case.url}
    first = make_pages(new_case)[0]  # the capture is page 1's fetch, as pages.parquet has it
    assert added["replay_url"] == (
        f"http://127.0.0.1:8080/cases/{first.fetched_at:%Y%m%d%H%M%S}/{first.final_url}")
    assert data["removed_cases"][0]["title"] == case(5).title
    code, html, _ = run(capsys, "diff", *pair, "--format", "html", "--replay-url", template)
    assert "1 Feb 2025" in html and "2 Feb 2025" in html  # the fixed clocks' days
    assert f'<a href="{html_escape(new_case.url)}">{new_case.title}</a>' in html
    assert f'href="{html_escape(added["replay_url"])}"' in html
    assert html.count("<table") == html.count("<table><tr><th") + html.count(
        '<table class="sbs"><tr><th')
    assert "Reference 1" in html and "Teaching points (other section)" in html
    assert "references[1]" not in html and "other_sections[" not in html
    code, text, _ = run(capsys, "diff", *pair)
    assert text.splitlines()[0].endswith("20250202T120000Z (2 Feb 2025, 12:00 UTC)")
