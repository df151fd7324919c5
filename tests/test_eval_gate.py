"""The eval gate: a small seeded slice of the generalisation corpus (named in
``tests/corpus/baseline.json``) is served, crawled with the real CLI and scored; the test
fails when a figure drops below its floor. Raise the floors with
``python -m tests.corpus.eval --write-baseline`` after an improvement (docs/eval.md)."""

from __future__ import annotations

import json

from tests.corpus.eval import BASELINE, FLOOR_FIGURES, check_floors, format_samples, run_slice


def test_gate_slice_holds_the_baseline_floors():
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    families = baseline["slice"]["families"]
    assert {"develop", "evaluate"} <= {baseline["splits"][f] for f in families}
    result, samples = run_slice(baseline)
    problems = check_floors(result, baseline)
    assert not problems, "\n".join(problems) + "\n" + format_samples(samples, 8)


def test_floors_name_every_figure_for_both_splits():
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    for split in ("develop", "evaluate"):
        floors = baseline["floors"][split]
        assert set(FLOOR_FIGURES) | {"non_case_pages_max"} == set(floors)
        assert all(0 <= floors[f] <= 1 for f in FLOOR_FIGURES)


def test_check_floors_reports_a_drop():
    baseline = {"floors": {"develop": {**dict.fromkeys(FLOOR_FIGURES, 0.5),
                                       "non_case_pages_max": 0}}}
    result = {"splits": {"develop": {**dict.fromkeys(FLOOR_FIGURES, 0.5),
                                     "field_exact": 0.4, "non_case_pages": 1}}}
    problems = check_floors(result, baseline)
    assert any("field_exact" in p for p in problems)
    assert any("non_case_pages" in p for p in problems)
    assert len(problems) == 2
