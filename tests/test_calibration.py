"""The Beijing scenario lands near the published three rates (slow tier: python -m pytest -m slow)."""

from __future__ import annotations

import pytest

from analysis.calibration import DOC, RATES, REPLICATIONS, TARGETS, sample, simulate_month
from analysis.stats import mean_ci
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


@pytest.mark.slow
@pytest.mark.parametrize("variant", sorted({t.variant for t in TARGETS}))
def test_published_rates_within_three_points(variant):
    targets = [t for t in TARGETS if t.variant == variant and t.metric in RATES]
    simulated = simulate_month(load_variants(SCENARIO)[variant], targets[0].month, REPLICATIONS)
    for target in targets:
        ci = mean_ci(simulated[target.metric])
        assert abs(ci["mean"] - target.value) <= 0.03, (target, ci)
