"""Unit tests of the small building blocks: durations, streams, histogram, pool, statistics, organisation."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import simpy

from sim import load_scenario, load_variants
from sim.experiment.stats import mean_ci
from sim.model.organisation import build_city
from sim.model.pool import Pool
from sim.model.streams import Streams, seed_sequence
from sim.observe.flows import Flow
from sim.observe.recorder import Histogram
from sim.scenario.durations import format_duration, parse_duration


@pytest.mark.parametrize("text, minutes", [
    ("30min", 30), ("2h", 120), ("7d", 10080), ("1w", 10080), ("45s", 0.75), (90, 90), ("1.5h", 90), ("0", 0),
])
def test_durations_parse(text, minutes):
    parsed = parse_duration(text)
    assert parsed == pytest.approx(minutes)


@pytest.mark.parametrize("bad", ["3 fortnights", "-2h", "h", "", True, None, [1]])
def test_durations_refuse_bad_input(bad):
    with pytest.raises(ValueError, match="duration"):
        parse_duration(bad)


@pytest.mark.parametrize("minutes", [30, 120, 1440, 0.25, 1 / 60, 0.1, 61, 7 * 1440, 0])
def test_durations_round_trip_exactly(minutes):
    again = parse_duration(format_duration(minutes))
    assert again == minutes


def test_streams_are_keyed_by_purpose_not_by_creation_order():
    a, b = Streams(5, 0), Streams(5, 0)
    first = [a["talk"].uniform() for _ in range(3)]
    b["patience"].uniform()  # another purpose used first
    assert [b["talk"].uniform() for _ in range(3)] == first
    assert Streams(5, 1)["talk"].uniform() != first[0]
    assert Streams(6, 0)["talk"].uniform() != first[0]


def test_buffered_stream_yields_the_generator_sequence():
    stream = Streams(3, 0)["x"]
    draws = [stream.uniform() for _ in range(2500)]
    expected = np.random.Generator(np.random.PCG64(seed_sequence(3, 0, "x"))).random(3072)[:2500]
    assert draws == expected.tolist()


def test_histogram_quantiles_within_bin_precision():
    rng = np.random.default_rng(1)
    values = rng.lognormal(5, 1.2, 20000)
    hist = Histogram()
    for v in values:
        hist.add(float(v))
    for q in (0.5, 0.9, 0.99):
        assert hist.quantile(q) == pytest.approx(np.quantile(values, q), rel=0.012)


def test_pool_first_come_first_served_and_give_up():
    env = simpy.Environment()
    pool = Pool(env, 1, Flow())
    log = []

    def user(name, arrive, hold, patience=None):
        yield env.timeout(arrive)
        turn = pool.acquire()
        if turn is not None:
            if patience is not None:
                pool.give_up_after(turn, patience)
            if not (yield turn):
                log.append((env.now, name, "gave up"))
                return
        log.append((env.now, name, "got"))
        yield env.timeout(hold)
        pool.release()

    env.process(user("a", 0, 10))
    env.process(user("b", 1, 5, patience=2))
    env.process(user("c", 2, 5))
    env.run()
    assert log == [(0, "a", "got"), (3, "b", "gave up"), (10, "c", "got")]
    assert pool.free == 1 and pool.waiting == 0


def test_mean_ci_matches_student_t():
    ci = mean_ci([1.0, 2.0, 3.0, 4.0])
    assert ci["mean"] == 2.5 and ci["n"] == 4
    assert ci["ci_high"] - 2.5 == pytest.approx(3.182446 * math.sqrt(5 / 3) / 2, rel=1e-6)
    assert mean_ci([1.0])["ci_low"] is None
    assert mean_ci([float("nan"), 2.0, 4.0])["n"] == 2


def test_smaller_grids_cut_the_same_population_into_more_grids():
    scenarios = load_variants("scenarios/wuchang.yaml")
    base, small = build_city(scenarios["base"]), build_city(scenarios["grid-300"])
    assert base.grids == 1279 and base.households == 602300
    assert small.households == base.households
    assert [c.households for c in small.communities] == [c.households for c in base.communities]
    assert small.grids > base.grids * 1.6
    sizes = [c.households for c in base.communities]
    assert min(sizes) < 3000 < max(sizes)


def test_households_map_to_grids_of_the_right_size():
    city = build_city(load_scenario("scenarios/teaching_street.yaml"))
    street = city.streets[0]
    counts = {}
    for household in range(street.households):
        grid = street.community_of(household).grid_of(household)
        counts[grid] = counts.get(grid, 0) + 1
    assert sorted(counts) == list(range(city.grids))
    assert max(counts.values()) <= 500 and min(counts.values()) >= 250


def test_community_cap_splits_large_communities_into_equal_parts():
    whole = build_city(load_scenario("scenarios/wuchang.yaml"))
    capped = build_city(load_scenario("scenarios/wuchang.yaml", sets=["organisation.community_cap=3000"]))
    assert capped.households == whole.households
    assert max(c.households for c in capped.communities) <= 3000
    assert len(capped.communities) > len(whole.communities)
    for street_whole, street_capped in zip(whole.streets, capped.streets):
        assert street_whole.households == street_capped.households
        for community in street_whole.communities:  # its households now live in consecutive parts
            first = street_capped.community_of(community.first_household)
            last = street_capped.community_of(community.first_household + community.households - 1)
            parts = street_capped.communities[street_capped.communities.index(first):
                                              street_capped.communities.index(last) + 1]
            assert sum(p.households for p in parts) == community.households
            assert max(p.households for p in parts) - min(p.households for p in parts) <= 1


def test_overrides_merge_sections_but_replace_distributions_and_free_mappings(tmp_path):
    child = tmp_path / "child.yaml"
    child.write_text(f"extends: {Path('scenarios/teaching_street.yaml').resolve()}\n"
                     "levels:\n  A: {solve_prob: 0.5, effort: {dist: exponential, mean: 1h}}\n"
                     "demand:\n  channels: {hotline: 1}\n"
                     "variants:\n  quick: {levels: {B: {lead_time: 1d}}}\n", encoding="utf-8")
    scenarios = load_variants(child)
    base, quick = scenarios["base"], scenarios["quick"]
    assert base.levels.A.solve_prob == 0.5 and base.levels.A.lead_time.mean == 1440  # the rest of A kept
    assert base.levels.A.effort.dist == "exponential"  # a distribution is replaced whole
    assert base.demand.channels == {"hotline": 1.0}  # a free mapping is replaced whole
    assert quick.levels.B.lead_time.dist == "fixed" and quick.levels.A.solve_prob == 0.5


def test_home_visits_meet_the_yearly_coverage_target():
    from sim.model.calendar import WorkCalendar
    from sim.model.gridworker import GridWork

    for start in ("2019-01-05", "2019-01-07"):  # a Saturday, a Monday
        scenario = load_scenario("scenarios/teaching_street.yaml", sets=[f"start_date={start}"])
        city = build_city(scenario)
        shift = scenario.grid.shift
        work = GridWork(scenario.grid, scenario.committee, scenario.volunteers, city,
                        WorkCalendar(shift.start, shift.end, shift.days, scenario.start_date.weekday()))
        street = city.streets[0]
        visited = sum(work.visit_finds(street.community_of(h), h, 0.0) < 365 * 1440 for h in range(street.households))
        assert visited / street.households >= scenario.grid.home_visit_target


def test_set_reaches_into_defaults_the_file_does_not_state(tmp_path):
    bare = tmp_path / "bare.yaml"
    bare.write_text("name: bare\n", encoding="utf-8")
    scenario = load_scenario(bare, sets=["levels.A.effort.mean=60", "forces.on_call.housing=3"])
    assert scenario.levels.A.effort.dist == "lognormal" and scenario.levels.A.effort.mean == 60
    assert scenario.forces.on_call["housing"] == 3 and "planning" in scenario.forces.on_call


def test_double_assessment_builds_discipline_month_by_month_from_the_ratings():
    """Each month's poor ratings, times the rating's weight, add to a department's discipline; a department
    rated well gains nothing, and without a report limit nothing is rated."""
    from sim.model.appraisal import Appraisal
    from sim.scenario.schema import Whistle

    env = simpy.Environment()
    section = Whistle(assessment={"enabled": True, "weight": 0.3, "response": 2.0})
    appraisal = Appraisal(env, section, [100.0, 200.0])
    env.process(appraisal.monthly())
    for on_time, idle in ((False, False), (True, True), (True, False), (True, False)):  # half of them poor
        appraisal.rate("late", on_time, idle)
    appraisal.rate("prompt", True, False)
    env.run(until=150)
    assert appraisal.of("late") == pytest.approx(0.3)  # 2.0 x 0.3 x 1/2
    assert appraisal.of("prompt") == 0.0
    appraisal.rate("late", False, False)  # the next month: every report poor
    env.run(until=250)
    assert appraisal.of("late") == pytest.approx(0.3 + 0.7 * 0.6)
    unrated = Appraisal(env, Whistle(report_timeout=None, assessment={"enabled": True, "start": 0.5}), [])
    unrated.rate("late", False, False)
    assert unrated.of("late") == 0.0 and not unrated.month


def test_residents_of_smaller_grids_raise_more_matters_with_their_grid_worker():
    """Trust: the grid worker's channel share scales with (trust_households / households) ^ trust, the
    difference taken from the hotline; the shares still sum to 1."""
    grid = load_scenario("scenarios/teaching_street.yaml").grid
    channels = {"hotline": 0.72, "online": 0.15, "grid_worker": 0.08, "group_chat": 0.05}
    assert grid.channel_shares(channels, 500) == pytest.approx(channels)
    small = grid.channel_shares(channels, 300)
    assert small["grid_worker"] == pytest.approx(0.08 * 500 / 300) and small["online"] == 0.15
    assert sum(small.values()) == pytest.approx(1.0)
    assert grid.model_copy(update={"trust": 0.0}).channel_shares(channels, 300) == pytest.approx(channels)
    everything = grid.channel_shares({"hotline": 0.01, "grid_worker": 0.99}, 50)
    assert everything == pytest.approx({"hotline": 0.0, "grid_worker": 1.0})  # never more than the hotline had
