"""The workshop's animated street: its timeline follows the trace and the records, and its page is small,
offline and in both languages."""

import inspect
import json
import math
from collections import defaultdict
from pathlib import Path

import pytest

from analysis.workshop import animation
from analysis.workshop.animation import LEVEL_PLACES, PLACES, animation_data, animation_html
from sim import load_scenario, simulate
from sim.model.observer import TRACE

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def teaching():
    return simulate(load_scenario(ROOT / "scenarios/teaching_street.yaml", sets=["horizon=30d"]), seed=7, replication=0, records=True,
                    trace=True)


@pytest.fixture(scope="module")
def wuchang():
    scenario = load_scenario(ROOT / "scenarios/wuchang.yaml", sets=["horizon=20d", "warmup=0d"])
    return simulate(scenario, seed=7, replication=0, records=True, trace=True)


@pytest.fixture(scope="module")
def data(teaching):
    return animation_data(teaching)


def _problems(result, street, end):
    issues = result.issues
    chosen = issues[(issues["kind"] == "problem") & (issues["street"] == street) & (issues["raised_min"] < end)]
    return chosen.set_index("id")


def _trace(result):
    steps = defaultdict(list)
    for minute, request, event, values in result.trace:
        steps[request].append((minute, event, values))
    return steps


def _phase_at(phases, minute):
    return [phase for phase in phases if phase[0] <= round(minute, 1)][-1]


def test_every_problem_of_the_street_appears_once(teaching, data):
    assert data["end"] == teaching.scenario.horizon   # a month: within the longest window
    ids = [r["id"] for r in data["requests"]]
    assert len(ids) == len(set(ids))
    assert set(ids) == set(_problems(teaching, 0, data["end"]).index)
    assert len(data["grids"]) == (teaching.grids["street"] == 0).sum()


def test_phases_follow_the_trace(teaching, data):
    steps = _trace(teaching)
    problems = _problems(teaching, 0, data["end"])
    moved_up = 0
    for request in data["requests"]:
        phases = request["phases"]
        assert phases[0][0] == round(problems.loc[request["id"], "raised_min"], 1)
        assert all(a[0] < b[0] for a, b in zip(phases, phases[1:]))
        for minute, event, values in steps[request["id"]]:
            if event in ("triaged", "escalated"):
                assert _phase_at(phases, minute)[1:] == [PLACES.index(LEVEL_PLACES[values[0]]), values[0]]
                moved_up += event == "escalated" and values[0] == "C"
    assert moved_up > 0   # the teaching run has matters escalated to the district


def test_whistles_follow_the_trace(teaching, data):
    steps = _trace(teaching)
    whistles = {w["request"]: w for w in data["whistles"]}
    blown = [r["id"] for r in data["requests"] if any(event == "whistle" for _, event, _ in steps[r["id"]])]
    assert sorted(whistles) == sorted(blown) and blown
    limit = teaching.scenario.whistle.report_timeout
    for request, w in whistles.items():
        seen = {event: (minute, values) for minute, event, values in steps[request]}
        (blown_at, (kind, forces)), (on_site_at, (_, late, idle, delays)) = seen["whistle"], seen["on_site"]
        assert (w["blown"], w["on_site"], w["kind"], w["late"], w["idle"]) == (
            round(blown_at, 1), round(on_site_at, 1), kind, late, idle)
        assert [team[0] for team in w["teams"]] == list(forces)
        assert sum(team[3] for team in w["teams"]) == late
        for (force, on_call, arrived, is_late), delay in zip(w["teams"], delays):
            assert arrived == round(blown_at + delay, 1) and is_late == (delay > limit)
        assert max(team[2] for team in w["teams"]) == w["on_site"]   # the last team's report is "all on site"
    assert [w["blown"] for w in data["whistles"]] == sorted(w["blown"] for w in data["whistles"])


def test_closures_are_those_of_the_records(teaching, data):
    problems = _problems(teaching, 0, data["end"])
    for request in data["requests"]:
        record = problems.loc[request["id"]]
        if math.isnan(record["closed_min"]):
            assert request["closed"] is None
        else:
            assert request["closed"] == round(record["closed_min"], 1)
            assert request["solved"] == bool(record["solved"])
    assert any(r["solved"] for r in data["requests"]) and any(
        r["closed"] is not None and not r["solved"] for r in data["requests"])


def test_days_limit_the_window(teaching):
    five = animation_data(teaching, days=5)
    assert five["end"] == 5 * 1440
    assert {r["id"] for r in five["requests"]} == set(_problems(teaching, 0, 5 * 1440).index)
    assert all(phase[0] < 5 * 1440 for r in five["requests"] for phase in r["phases"])
    assert all(r["closed"] is None or r["closed"] < 5 * 1440 for r in five["requests"])
    with pytest.raises(ValueError, match="days"):
        animation_data(teaching, days=0)


def test_too_many_problems_end_the_window_early(teaching, monkeypatch):
    monkeypatch.setattr(animation, "MAX_REQUESTS", 100)
    capped = animation_data(teaching)
    raised = _problems(teaching, 0, math.inf)["raised_min"].sort_values()
    assert len(capped["requests"]) == 100
    assert capped["end"] == round(raised.iloc[100], 1)


def test_street_chooses_the_grids_and_problems(wuchang):
    data = animation_data(wuchang, street=3)
    assert {r["id"] for r in data["requests"]} == set(_problems(wuchang, 3, data["end"]).index)
    assert len(data["grids"]) == (wuchang.grids["street"] == 3).sum()
    assert data["street_name"] == "street-4"
    with pytest.raises(ValueError, match="street 99"):
        animation_data(wuchang, street=99)


def test_a_big_street_stays_small(wuchang):
    data = animation_data(wuchang, street=0)
    assert len(data["requests"]) > 500 and data["whistles"]
    assert len(json.dumps(data, separators=(",", ":"))) < 400_000


def test_the_page_is_self_contained(teaching):
    page = animation_html(teaching)
    for outside in ("http://", "https://", "<script src", "<link"):
        assert outside not in page
    for element in ("gg-anim", "gg-clock", "gg-play", "gg-speed", "gg-day", "gg-counters"):
        assert f'id="{element}"' in page
    assert "requestAnimationFrame" in page and "Day {day} {time}" in page


def test_the_chinese_page_speaks_chinese(teaching):
    page = animation_html(teaching, lang="zh")
    for label in ("12345热线", "街道中心", "第{day}天 {time}", "下一次吹哨", "街道1"):
        assert label in page
    assert "@font-face" in page   # Chinese reads on a machine without a Chinese font


def test_a_run_without_trace_is_refused():
    untraced = simulate(load_scenario(ROOT / "scenarios/teaching_street.yaml", sets=["horizon=2d"]), seed=7,
                        records=True)
    with pytest.raises(ValueError, match="trace=True"):
        animation_data(untraced)


def test_a_hung_up_call_flashes_and_goes_home(wuchang):
    data = animation_data(wuchang, street=0)
    steps = _trace(wuchang)
    hung_up = [(r, minute) for r in data["requests"] for minute, event, _ in steps[r["id"]] if event == "abandoned"]
    assert hung_up
    for request, minute in hung_up:
        assert [round(minute, 1), "abandoned"] in request["flashes"]
        assert _phase_at(request["phases"], minute)[1] == PLACES.index("grid")


def test_every_step_of_the_trace_vocabulary_is_drawn_or_left_out_on_purpose():
    """The animation reads the model's trace vocabulary (``sim.model.observer.TRACE``): each step moves or
    flashes the problem, or is one it ignores by name, with the values the vocabulary gives it."""
    journey = animation._Journey
    for event, fields in TRACE.items():
        handler = getattr(journey, "_" + event.replace("-", "_"), None)
        assert handler is not None or event in journey.IGNORED, event
        if handler is not None:
            assert len(inspect.signature(handler).parameters) == 2 + len(fields), event  # self, minute, values
