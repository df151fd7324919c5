"""The compare step on plain rows: normalisation, word diffs, keyed fields (no snapshots)."""

from __future__ import annotations

from dataclasses import asdict

from hypothesis import given
from hypothesis import strategies as st

from casearchive.exports.diff import compare_case, norm_text
from casearchive.exports.render import changes_to_json, inline_diff
from casearchive.exports.worddiff import word_diff
from casearchive.parsers.records import Contact, OtherSection, Reference
from tests.factories import make_case


def row(i: int = 2, **overrides) -> dict:
    return asdict(make_case(i, **overrides))


def sides(ops):
    old = "".join(t for op, t in ops if op != "+")
    new = "".join(t for op, t in ops if op != "-")
    return old, new


@given(st.text(), st.text())
def test_word_diff_rebuilds_both_texts(a, b):
    assert sides(word_diff(a, b)) == (a, b)


def test_word_diff_marks_only_the_edited_words():
    ops = word_diff("Rest and fluids for two days.", "Rest and oral fluids for three days.")
    assert [t for op, t in ops if op == "-"] == ["two"]
    assert [t for op, t in ops if op == "+"] == [" oral", "three"]
    assert inline_diff(ops) == "Rest and{+ oral+} fluids for [-two-]{+three+} days."


def test_short_unchanged_runs_between_changes_are_folded():
    ops = word_diff("Neurology. 2014;1:1-2. doi: 10.1212/1.x", "url: https://x.org/1")
    assert ops == [("-", "Neurology. 2014;1:1-2. doi: 10.1212/1.x"),
                   ("+", "url: https://x.org/1")]


def test_norm_text_ignores_layout_whitespace_only():
    assert norm_text("  Rest.\u00a0 Fluids \r\n\r\n\r\nMore ") == "Rest. Fluids\n\nMore"
    assert norm_text("   ") is None and norm_text(None) is None
    assert norm_text("a\nb") != norm_text("a b")


def test_identical_rows_and_whitespace_edits_are_no_change():
    old = row()
    new = row(treatment="Rest. ", history="History of case 2.\n\n\n Second   paragraph.")
    new["pages"] = [{"page_number": 1, "url": "https://other/?sid=9", "content_sha256": "x"}]
    new["warnings"], new["complete"] = ["page 1: new warning"], False
    assert compare_case(old, new) == []


def test_treatment_sentence_edit_changes_only_treatment():
    items = compare_case(row(), row(treatment="Rest and fluids."))
    assert [(i.field, i.key, i.kind) for i in items] == [("treatment", None, "changed")]
    assert items[0].word_diff == [("=", "Rest"), ("+", " and fluids"), ("=", ".")]


def test_section_added_and_removed():
    items = compare_case(row(outcome=None, treatment="Rest."), row(outcome="Well.", treatment=None))
    assert [(i.field, i.kind) for i in items] == [("treatment", "removed"), ("outcome", "added")]


def test_references_compared_by_number_with_members():
    refs = [Reference(1, "Smith J.", url="https://a.org/1"), Reference(2, "Doe K."),
            Reference(None, "Anon.")]
    new = [Reference(1, "Smith J.", url="https://a.org/2"), Reference(3, "Roe L."),
           Reference(None, "Anon. 2nd ed.")]
    items = compare_case(row(references=refs), row(references=new))
    assert {i.field for i in items} == {"references"}
    got = {i.key: (i.kind, i.members) for i in items}
    assert got == {
        "1": ("changed", ["url"]),
        "2": ("removed", ["text"]),
        "3": ("added", ["text"]),
        "unnumbered 1": ("changed", ["text"]),
    }
    changes = changes_to_json(items)["references"]
    assert changes["old"]["1"]["url"] == "https://a.org/1"
    assert changes["new"]["1"]["url"] == "https://a.org/2"
    assert changes["old"]["3"] is None and changes["new"]["2"] is None


def test_unknown_section_is_keyed_by_heading_and_repeats_are_joined():
    base = [OtherSection("Pearls", "One.", 1)]
    items = compare_case(
        row(other_sections=base),
        row(other_sections=[*base, OtherSection("Teaching points", "Ask twice.", 3)]),
    )
    assert [(i.field, i.key, i.kind, i.new) for i in items] == [
        ("other_sections", "Teaching points", "added", "Ask twice.")]
    # Moving a section to another page, or splitting it, is not a content change.
    moved = [OtherSection("Pearls", "One.", 2)]
    assert compare_case(row(other_sections=base), row(other_sections=moved)) == []


def test_contact_compared_member_by_member_and_page_count():
    old = row(contact=Contact(organization="Example Health", phone="(913) 327-1415"))
    new = row(contact=Contact(organization="Example Health", phone="(913) 327-1416"),
              page_count=3)
    items = compare_case(old, new)
    assert [(i.field, i.key) for i in items] == [("page_count", None), ("contact", "phone")]
    assert compare_case(row(contact=None), row(contact=Contact())) == []


def test_text_colour_only_when_asked_and_no_trailing_blanks():
    ops = word_diff("One.\n\nTwo.", "One.\n\nTwo more.")
    assert "\x1b[32m{+more+}" not in inline_diff(ops)
    assert "\x1b[32m" in inline_diff(ops, color=True)
    assert inline_diff(ops) == "One.\n\n      Two{+ more+}."
