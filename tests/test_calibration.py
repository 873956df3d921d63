"""The Beijing calibration's set-up; its figures are checked against the published ones by the validation
(tests/test_validation.py, slow tier)."""

from __future__ import annotations

from analysis.calibration import DOC, TARGETS, sample
from sim import load_variants

SCENARIO = "scenarios/beijing.yaml"


def test_calibration_document_covers_every_target():
    text = DOC.read_text(encoding="utf-8")
    for target in TARGETS:
        assert target.variant in text and target.source in text


def test_sample_is_one_district_with_a_sixteenth_of_the_city():
    scenario = load_variants(SCENARIO)["mature-2024"]
    part = sample(scenario, TARGETS[-1].month)
    assert part.organisation.districts == 1
    assert part.organisation.total_households == scenario.organisation.total_households // 16
    assert part.hotline.agents == scenario.hotline.agents // 16
