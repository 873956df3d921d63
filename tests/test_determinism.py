"""Reproducibility and common random numbers.

* The same scenario and seed give identical metrics and identical records;
  another seed or another replication gives other numbers.
* Random streams are keyed by purpose (``sim/model/streams.py``), and everything
  about a problem is drawn from its street's arrival stream when it appears
  (``sim/model/demand.py``), so a policy variant that does not touch the
  organisation, the grids or the demand sees exactly the same problems.
* Changing the grid size keeps the community sizes and the problems that
  appear; only the patrols (and hence which problems are found before a
  resident raises them) change.
* Every shipped scenario and each of its variants runs.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path

import pandas as pd
import pytest

from sim import Scenario, load_scenario, load_variants, simulate
from sim.model.organisation import build_city, community_sizes

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
TEACHING = SCENARIOS / "teaching_street.yaml"
SHORT = ["horizon=5d", "demand.problems_per_household_per_year=2"]

PROBLEM_KEY = ["appeared_min", "street", "community", "category", "needed_level", "urgency"]


def metrics_equal(a: dict, b: dict) -> bool:
    """Same keys, same values, NaN equal to NaN."""
    if a.keys() != b.keys():
        return False
    return all((isinstance(a[k], float) and math.isnan(a[k]) and isinstance(b[k], float) and math.isnan(b[k]))
               or a[k] == b[k] for k in a)


def differing(a: dict, b: dict) -> set[str]:
    return {k for k in a if not metrics_equal({k: a[k]}, {k: b[k]})}


def teaching(*sets: str) -> Scenario:
    return load_scenario(TEACHING, sets=[*SHORT, *sets])


def with_changes(scenario: Scenario, changes: dict) -> Scenario:
    """``scenario`` with dotted-path ``changes``, validated again."""
    data = scenario.model_dump()
    for dotted, value in changes.items():
        node = data
        *parents, last = dotted.split(".")
        for part in parents:
            node = node[part]
        node[last] = copy.deepcopy(value)
    return Scenario.model_validate(data)


def first_time_problems(issues: pd.DataFrame, columns=PROBLEM_KEY) -> pd.DataFrame:
    problems = issues[(issues["kind"] == "problem") & (issues["repeat"] == 0)]
    return problems[columns].sort_values(columns).reset_index(drop=True)


def consultations(issues: pd.DataFrame, columns) -> pd.DataFrame:
    c = issues[issues["kind"] == "consultation"]
    return c[columns].sort_values(columns).reset_index(drop=True)


# --- the same run twice -------------------------------------------------------------------------

def test_same_seed_same_metrics_and_records():
    scenario = teaching()
    a = simulate(scenario, seed=7, records=True)
    b = simulate(scenario, seed=7, records=True)
    assert metrics_equal(a.metrics, b.metrics), differing(a.metrics, b.metrics)
    pd.testing.assert_frame_equal(a.issues, b.issues)
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries)
    pd.testing.assert_frame_equal(a.streets, b.streets)
    assert a.events == b.events


def test_same_seed_from_file_or_argument():
    """``simulate(seed=...)`` is the scenario's ``seed`` field, whichever way it is given."""
    a = simulate(teaching("seed=11"), records=True)
    b = simulate(teaching(), seed=11, records=True)
    assert metrics_equal(a.metrics, b.metrics), differing(a.metrics, b.metrics)
    pd.testing.assert_frame_equal(a.issues, b.issues)


def test_records_and_trace_do_not_change_the_run():
    scenario = teaching()
    plain = simulate(scenario, seed=3)
    recorded = simulate(scenario, seed=3, records=True)
    traced = simulate(scenario, seed=3, records=True, trace=True)
    assert plain.issues is None
    assert metrics_equal(plain.metrics, recorded.metrics), differing(plain.metrics, recorded.metrics)
    assert metrics_equal(plain.metrics, traced.metrics), differing(plain.metrics, traced.metrics)
    pd.testing.assert_frame_equal(recorded.issues, traced.issues)
    assert traced.trace


def test_sink_receives_the_same_records():
    scenario = teaching()
    chunks: list[list[tuple]] = []
    streamed = simulate(scenario, seed=5, sink=lambda rows: chunks.append(list(rows)))
    recorded = simulate(scenario, seed=5, records=True)
    rows = [row for chunk in chunks for row in chunk]
    frame = pd.DataFrame.from_records(rows, columns=list(recorded.issues.columns))
    pd.testing.assert_frame_equal(frame, recorded.issues)
    assert metrics_equal(streamed.metrics, recorded.metrics)


def test_different_seed_different_metrics():
    scenario = teaching()
    a = simulate(scenario, seed=1, records=True)
    b = simulate(scenario, seed=2, records=True)
    assert not metrics_equal(a.metrics, b.metrics)
    assert not a.issues["appeared_min"].equals(b.issues["appeared_min"])


def test_replications_differ_but_share_the_organisation():
    scenario = teaching()
    a = simulate(scenario, replication=0, records=True)
    b = simulate(scenario, replication=1, records=True)
    assert not metrics_equal(a.metrics, b.metrics)
    assert not first_time_problems(a.issues).equals(first_time_problems(b.issues))
    assert (a.issues["replication"] == 0).all() and (b.issues["replication"] == 1).all()
    # community sizes are drawn per scenario seed, not per replication: same streets and grids
    assert a.streets[["street", "month"]].equals(b.streets[["street", "month"]])
    grids = build_city(scenario).grids
    assert a.issues["grid"].max() < grids and b.issues["grid"].max() < grids


# --- common random numbers ----------------------------------------------------------------------

POLICY_VARIANTS = {
    "more_agents": {"hotline.agents": 6, "hotline.lines": 12},
    "fewer_agents": {"hotline.agents": 1, "hotline.lines": 1},
    "report_timeout": {"whistle.report_timeout": 120.0},
    "no_report_limit": {"whistle.report_timeout": None},
    "dispatch_accuracy": {"dispatch.accuracy": 0.5},
    "precise_dispatch": {"dispatch.mode": "precise"},
    "all_on_call": {"forces.all_on_call": True},
    "triage_accuracy": {"triage.accuracy": 0.5},
}


@pytest.mark.parametrize("variant", list(POLICY_VARIANTS))
def test_policy_variants_see_the_same_problems(variant):
    base_scenario = teaching()
    other_scenario = with_changes(base_scenario, POLICY_VARIANTS[variant])
    for replication in (0, 1):
        base = simulate(base_scenario, replication=replication, records=True).issues
        other = simulate(other_scenario, replication=replication, records=True).issues
        a, b = first_time_problems(base), first_time_problems(other)
        assert len(a) > 0
        pd.testing.assert_frame_equal(a, b)
        # whether and when a problem enters, and how, depends only on the demand and the patrols
        entry = [*PROBLEM_KEY, "grid", "channel", "proactive", "raised_min"]
        pd.testing.assert_frame_equal(first_time_problems(base, entry), first_time_problems(other, entry))
        # so do the questions
        asked = ["appeared_min", "street", "community", "grid", "channel"]
        pd.testing.assert_frame_equal(consultations(base, asked), consultations(other, asked))


def test_report_timeout_pulls_reports_in_and_leaves_the_problems_alone():
    """``whistle.report_timeout`` changes when teams report (a tighter limit, earlier reports), and through them
    the whistle matters' outcomes, but not which problems appear nor how they are raised."""
    base_scenario = teaching()
    delays = {}
    for limit in (None, 120.0, 30.0, 15.0):
        result = simulate(with_changes(base_scenario, {"whistle.report_timeout": limit}), records=True)
        assert result.metrics["whistles"] > 0
        delays[limit] = result.metrics["whistle_mean_report_delay_min"]
        issues = result.issues
        first = issues[(issues["repeat"] == 0) & (issues["kind"] == "problem")]
        first = first[["category", "channel", "appeared_min"]].sort_values("appeared_min").reset_index(drop=True)
        if limit is None:
            problems = first
        pd.testing.assert_frame_equal(first, problems)
    assert delays[None] > delays[120.0] > delays[30.0] > delays[15.0]


def test_grid_size_keeps_communities_and_problems():
    """300- and 500-household grids cut the same population and see the same problems appear.

    Patrol rounds depend on the grid, so a problem may be found on patrol in
    one variant and raised by its resident in the other, or enter in one
    and not (yet) in the other if found there by no patrol before the
    horizon. What is guaranteed: a problem a resident raised in one
    variant (not found on patrol first) enters the other too, no later; and
    if a resident raised it in both, at the same moment and by the same
    channel, except that residents of the smaller grids trust their grid
    worker more: some who phone in the 500-household grids go to their grid
    worker in the 300-household ones, never the other way.
    """
    s300 = with_changes(teaching(), {"grid.households": 300})
    s500 = with_changes(teaching(), {"grid.households": 500})
    assert community_sizes(s300) == community_sizes(s500)
    c300, c500 = build_city(s300), build_city(s500)
    assert [c.households for c in c300.communities] == [c.households for c in c500.communities]
    assert c300.grids > c500.grids
    overlap = 0
    for replication in (0, 1):
        r300 = simulate(s300, replication=replication, records=True).issues
        r500 = simulate(s500, replication=replication, records=True).issues
        # questions: same times, places and channels (their grid numbers differ)
        asked = ["appeared_min", "street", "community", "channel"]
        pd.testing.assert_frame_equal(consultations(r300, asked), consultations(r500, asked))
        p300, p500 = first_time_problems(r300, [*PROBLEM_KEY, "proactive", "raised_min", "channel"]), \
            first_time_problems(r500, [*PROBLEM_KEY, "proactive", "raised_min", "channel"])
        assert p300[PROBLEM_KEY].duplicated().sum() == 0 and p500[PROBLEM_KEY].duplicated().sum() == 0
        for mine, theirs, trusting in ((p300, p500, True), (p500, p300, False)):
            joined = mine[~mine["proactive"]].merge(theirs, on=PROBLEM_KEY, how="left", suffixes=("", "_other"),
                                                    indicator=True)
            assert (joined["_merge"] == "both").all(), joined[joined["_merge"] != "both"]
            both_raised = joined[~joined["proactive_other"].astype(bool)]
            assert (both_raised["raised_min"] == both_raised["raised_min_other"]).all()
            moved = both_raised[both_raised["channel"] != both_raised["channel_other"]]
            here, there = ("grid_worker", "hotline") if trusting else ("hotline", "grid_worker")
            assert ((moved["channel"] == here) & (moved["channel_other"] == there)).all()
            assert 0 < len(moved) < 0.1 * len(both_raised)
            found_there = joined[joined["proactive_other"].astype(bool)]
            assert (found_there["raised_min_other"] < found_there["raised_min"]).all()
            overlap += len(both_raised)
        # problems that appeared: the union of both variants' entries is one set of problems
        shared = p300[PROBLEM_KEY].merge(p500[PROBLEM_KEY], on=PROBLEM_KEY)
        assert len(shared) >= 0.8 * max(len(p300), len(p500))
    assert overlap > 0


def test_shorter_horizon_sees_a_prefix_of_the_problems():
    """Arrivals are drawn lazily up to the horizon, so a 2-day run's problems are the 4-day run's first ones."""
    short = simulate(teaching("horizon=2d"), records=True).issues
    long = simulate(teaching("horizon=4d"), records=True).issues
    entry = [*PROBLEM_KEY, "grid", "channel", "proactive", "raised_min"]
    a = first_time_problems(short, entry)
    b = first_time_problems(long[long["raised_min"] < 2 * 1440.0], entry)
    assert len(a) > 0
    pd.testing.assert_frame_equal(a, b)
    asked = ["appeared_min", "street", "community", "grid", "channel"]
    pd.testing.assert_frame_equal(consultations(short, asked),
                                  consultations(long[long["raised_min"] < 2 * 1440.0], asked))


# --- shipped scenarios --------------------------------------------------------------------------

SHRINK = {  # the same scenarios on a small population, to keep the test fast
    "wuchang": ["organisation.total_households=30000", "organisation.households_per_community.min=100"],
    "beijing": ["organisation.districts=1", "organisation.streets_per_district=3", "organisation.total_households=60000",
                "organisation.households_per_community.min=100", "hotline.agents=10", "hotline.lines=20"],
}


def shipped():
    cases = []
    for path in sorted(SCENARIOS.glob("*.yaml")):
        sets = ["horizon=2d", "warmup=0", *SHRINK.get(path.stem, [])]
        for name in load_variants(path, sets):
            cases.append(pytest.param(path, sets, name, id=f"{path.stem}:{name}"))
    return cases


@pytest.mark.parametrize("path, sets, variant", shipped())
def test_shipped_scenarios_run(path, sets, variant):
    scenario = load_scenario(path, sets=sets, variant=None if variant == "base" else variant)
    assert scenario.horizon == 2 * 1440.0
    result = simulate(scenario, records=True)
    m = result.metrics
    assert math.isfinite(m["requests"]) and m["requests"] > 0
    if scenario.demand.problems_per_household_per_year:  # (the hotline scenario has questions only)
        assert math.isfinite(m["handling_requests"]) and m["handling_requests"] > 0
    assert len(result.issues) == m["requests"]
    assert len(result.timeseries) == 2


def test_shipped_scenario_files_are_all_covered():
    names = {p.name for p in SCENARIOS.glob("*.yaml")}
    assert {"base.yaml", "teaching_street.yaml", "wuchang.yaml"} <= names
    ids = {param.id for param in shipped()}
    assert {"base:base", "teaching_street:base", "wuchang:base", "wuchang:grid-300", "wuchang:whistle-2h"} <= ids
