"""Direction of effect: each policy moves its metric the way the seeds say, beyond chance.

Each test runs the teaching street under two settings with common random
numbers (replication r of both sees the same problems), takes the paired
differences over replications, and asserts that their 95% Student-t
confidence interval lies wholly on the expected side of zero. The effect
and its interval are printed (``pytest -s``) and quoted in the issue notes.
"""

from __future__ import annotations

import pandas as pd

from sim import load_scenario, simulate
from sim.experiment.stats import mean_ci

TEACHING = "scenarios/teaching_street.yaml"
REPLICATIONS = 10


def paired(base: list[str], variant: list[str], measure, replications: int = REPLICATIONS, records=False):
    """Mean and 95% CI of measure(variant) - measure(base), paired by replication."""
    a, b = load_scenario(TEACHING, sets=base), load_scenario(TEACHING, sets=variant)
    diffs = [measure(simulate(b, replication=r, records=records)) - measure(simulate(a, replication=r, records=records))
             for r in range(replications)]
    ci = mean_ci(diffs)
    print(f"\n  {variant} vs {base}: {ci['mean']:+.4f} (95% CI {ci['ci_low']:+.4f} to {ci['ci_high']:+.4f})")
    return ci


def metric(name):
    return lambda result: result.metrics[name]


def test_smaller_grids_find_more_problems_before_complaints():
    ci = paired(["grid.households=500"], ["grid.households=300"], metric("proactive_share"))
    assert ci["ci_low"] > 0


def test_smaller_grids_start_on_community_matters_sooner():
    load = "demand.problems_per_household_per_year=2"  # Beijing-level demand (1.4 a year in 2024, plus repeats)
    ci = paired(["grid.households=500", load], ["grid.households=300", load], metric("mean_grid_worker_start_h"))
    assert ci["ci_high"] < 0


def test_report_limit_with_strict_assessment_gives_more_on_time_reports_than_none():
    ci = paired(["whistle.report_timeout=none"],
                ["whistle.report_timeout=30min", "whistle.assessment.enabled=true"], metric("whistle_on_time_rate"))
    assert ci["ci_low"] > 0


def test_more_hotline_agents_lower_abandonment():
    busy = "consultation.per_household_per_year=15"  # enough calls to queue at two agents
    ci = paired([busy, "hotline.agents=2"], [busy, "hotline.agents=3"], metric("hotline_abandon_rate"))
    assert ci["ci_high"] < 0


def test_monthly_topic_lowers_the_targeted_category_arrivals():
    common = ["horizon=120d", "topics.lag=14d", "topics.reduction=0.5", "topics.candidates=[parking_traffic]"]

    def parking_after_the_fix(result):  # chosen at the end of January, in effect mid-February
        issues = result.issues
        late = issues[(issues["kind"] == "problem") & (issues["appeared_min"] > 45 * 1440)]
        return (late["category"] == "parking_traffic").sum()

    ci = paired([*common, "topics.enabled=false"], [*common, "topics.enabled=true"], parking_after_the_fix,
                records=True)
    assert ci["ci_high"] < 0


def test_ranking_pressure_raises_the_named_streets_next_month_rates():
    # one street, so it is the bottom street named every month; compare its February and March
    common = ["horizon=90d", "ranking.pressure.bottom=1"]

    def later_months_score(result):
        streets = result.streets
        return streets.loc[streets["month"] >= 1, "score"].mean()

    ci = paired([*common, "ranking.pressure.enabled=false"], [*common, "ranking.pressure.enabled=true"],
                later_months_score)
    assert ci["ci_low"] > 0


def test_gaming_the_ranking_raises_repeat_requests():
    common = ["horizon=90d", "ranking.pressure.enabled=true", "ranking.pressure.bottom=1"]
    ci = paired([*common, "ranking.pressure.gaming=0"], [*common, "ranking.pressure.gaming=0.3"],
                metric("repeat_share"))
    assert ci["ci_low"] > 0


def test_gaming_raises_the_reported_resolution_rate_while_fewer_problems_are_solved():
    common = ["horizon=90d", "ranking.pressure.enabled=true", "ranking.pressure.bottom=1"]
    honest, gamed = [*common, "ranking.pressure.gaming=0"], [*common, "ranking.pressure.gaming=0.3"]
    assert paired(honest, gamed, metric("resolution_rate"))["ci_low"] > 0
    assert paired(honest, gamed, metric("solved_at_closure_rate"))["ci_high"] < 0


def test_paired_differences_use_the_same_problems():
    """The design these tests rest on: both arms of a pair see the same first-time problems."""
    a = simulate(load_scenario(TEACHING, sets=["hotline.agents=2"]), records=True).issues
    b = simulate(load_scenario(TEACHING, sets=["hotline.agents=3"]), records=True).issues
    first = ["appeared_min", "street", "community", "category", "needed_level"]
    pick = lambda d: (d[(d["kind"] == "problem") & (d["repeat"] == 0)][first]  # noqa: E731
                      .sort_values(first).reset_index(drop=True))
    pd.testing.assert_frame_equal(pick(a), pick(b))
