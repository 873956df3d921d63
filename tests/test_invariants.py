"""Property tests: invariants of every replication, checked on the per-request records.

Each test draws a small teaching-street scenario (2-5 days, one street) with
Hypothesis, runs it with ``records=True`` and checks what the code
guarantees whatever the parameters:

* every request that entered is recorded exactly once, with an allowed outcome;
* a request's clock never runs backwards;
* escalation only goes up, one level at a time, and closure happens at a
  level at least as high as the one the problem needs;
* the whistle is blown only at level B, by the forces of the category;
* proactive (patrol) requests are never evaluated; repeats come from an
  unsolved, closed request;
* metrics, the daily table and the street table are consistent with the records.

Closed requests whose follow-up evaluation has not happened yet count as
*finished*: ``evaluation.follow_up`` calls ``Recorder.finish(req, CLOSED,
keep=True)`` at closure, so ``open_at_end`` counts only records with
outcome ``open``.
"""

from __future__ import annotations

import collections
import copy
import datetime as dt
import math
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sim import Scenario, load_scenario, simulate
from sim.model.calendar import WorkCalendar
from sim.model.organisation import build_city
from sim.model.request import FOUND
from sim.observe.recorder import RECORD_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
TEACHING = ROOT / "scenarios" / "teaching_street.yaml"
BASE_DICT = load_scenario(TEACHING).model_dump()

OUTCOMES = {"closed", "answered", "callback", "lost", "open"}
LEVELS = "ABCD"
TIMES = ["appeared_min", "raised_min", "ticket_min", "response_min", "closed_min", "evaluated_min"]
EPS = 1e-9

SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- scenarios --------------------------------------------------------------------------------

def probability():
    return st.one_of(st.just(0.0), st.just(1.0), st.floats(0.0, 1.0))


@st.composite
def cases(draw):
    """Parameters of one small run, as a hashable tuple of (key, value) pairs."""
    agents = draw(st.integers(1, 6))
    weights = draw(st.tuples(st.integers(0, 6), st.integers(0, 6), st.integers(0, 6)).filter(lambda w: sum(w) > 0))
    return tuple(sorted({
        "seed": draw(st.integers(0, 2**32 - 1)),
        "replication": draw(st.integers(0, 2)),
        "days": draw(st.one_of(st.integers(2, 5), st.floats(2.0, 5.0))),
        "start": draw(st.dates(dt.date(2018, 1, 1), dt.date(2025, 12, 31))),
        "households": draw(st.integers(300, 800)),
        "agents": agents,
        "lines": agents + draw(st.integers(0, 6)),
        "dispatch_accuracy": draw(probability()),
        "triage_accuracy": draw(probability()),
        "report_timeout": draw(st.one_of(st.none(), st.floats(0.0, 180.0))),
        "mode": draw(st.sampled_from(["street", "precise"])),
        "channels": weights,
        "all_on_call": draw(st.booleans()),
        "intensity": draw(st.floats(0.3, 3.0)),
        # "fast": short follow-up, repeats and escalation limits, to reach those paths within days
        "fast": draw(st.booleans()),
        "repeat_prob": draw(probability()),
    }.items()))


def build(params: tuple) -> Scenario:
    """A validated teaching-street scenario with the drawn parameters."""
    p = dict(params)
    d = copy.deepcopy(BASE_DICT)
    d["seed"] = p["seed"]
    d["horizon"] = p["days"] * 1440.0
    d["start_date"] = p["start"]
    d["grid"]["households"] = p["households"]
    d["hotline"]["agents"] = p["agents"]
    d["hotline"]["lines"] = p["lines"]
    d["dispatch"]["accuracy"] = p["dispatch_accuracy"]
    d["dispatch"]["mode"] = p["mode"]
    d["triage"]["accuracy"] = p["triage_accuracy"]
    d["whistle"]["report_timeout"] = p["report_timeout"]
    d["forces"]["all_on_call"] = p["all_on_call"]
    total = sum(p["channels"])
    d["demand"]["channels"] = {name: w / total for name, w in zip(("hotline", "online", "grid_worker"), p["channels"])}
    d["demand"]["problems_per_household_per_year"] = p["intensity"]
    d["evaluation"]["repeat_prob"] = p["repeat_prob"]
    if p["fast"]:
        d["evaluation"]["delay"] = {"dist": "lognormal", "mean": 90.0, "cv": 0.5}
        d["evaluation"]["repeat_delay"] = {"dist": "exponential", "mean": 240.0}
        for level, after in zip("ABC", (240.0, 480.0, 720.0)):
            d["levels"][level]["escalate_after"] = after
            d["levels"][level]["lead_time"] = {"dist": "lognormal", "mean": 180.0, "cv": 1.5}
            d["levels"][level]["solve_prob"] = 0.5
        d["levels"]["D"]["lead_time"] = {"dist": "lognormal", "mean": 300.0, "cv": 1.0}
    return Scenario.model_validate(d)


@lru_cache(maxsize=64)
def run(params: tuple):
    scenario = build(params)
    result = simulate(scenario, replication=dict(params)["replication"], records=True)
    return scenario, result


def close(x: float, y: float) -> bool:
    if isinstance(x, float) and math.isnan(x):
        return isinstance(y, float) and math.isnan(y)
    return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)


def categories(scenario: Scenario) -> dict:
    return {c.name: c for c in scenario.demand.categories}


# --- records: identity and outcomes -------------------------------------------------------------

@SETTINGS
@given(cases())
def test_every_request_recorded_exactly_once(params):
    scenario, result = run(params)
    r, m = result.issues, result.metrics
    assert list(r.columns) == list(RECORD_COLUMNS)
    assert r["id"].is_unique
    assert (r["id"] >= 0).all()
    assert len(r) == m["requests"]
    assert (r["kind"] == "problem").sum() == m["handling_requests"]
    assert (r["kind"] == "consultation").sum() == m["consultations"]
    assert set(r["kind"]) <= {"problem", "consultation"}
    assert (r["replication"] == result.replication).all()
    # every recorded request was raised (entered the system) before the horizon
    assert r["raised_min"].notna().all()


@SETTINGS
@given(cases())
def test_outcomes_are_allowed_and_counted(params):
    scenario, result = run(params)
    r, m = result.issues, result.metrics
    assert set(r["outcome"]) <= OUTCOMES
    # open_at_end = requests - finished; a closed ticket counts as finished even before its evaluation
    assert m["open_at_end"] == (r["outcome"] == "open").sum()
    closed = r["closed_min"].notna()
    assert ((r["outcome"] == "closed") == closed).all()
    waiting_evaluation = closed & r["evaluated_min"].isna()
    assert (r.loc[waiting_evaluation, "outcome"] == "closed").all()
    assert (r.loc[closed, "kind"] == "problem").all()
    assert (r.loc[r["outcome"].isin(["answered", "callback"]), "kind"] == "consultation").all()
    lost = r[r["outcome"] == "lost"]
    assert (lost["channel"] == "hotline").all()
    assert lost["ticket_min"].isna().all()
    assert (lost["call_attempts"] >= 1).all()
    assert (lost["call_attempts"] <= scenario.hotline.max_attempts).all()
    assert m["hotline_lost"] == len(lost)
    # only closed requests are solved or evaluated
    assert not (r["solved"] & ~closed).any()
    evaluated = r["evaluated_min"].notna()
    assert (r.loc[evaluated, "outcome"] == "closed").all()
    assert (r["satisfied"].notna() == evaluated).all()
    consultations = r[r["kind"] == "consultation"]
    assert consultations["ticket_min"].isna().all()
    assert (consultations["path"] == "").all()
    answered, callback = (consultations["outcome"] == "answered").sum(), (consultations["outcome"] == "callback").sum()
    assert close(m["consultation_on_call_rate"], answered / (answered + callback) if answered + callback else math.nan)


# --- timestamps -------------------------------------------------------------------------------

@SETTINGS
@given(cases())
def test_timestamps_never_decrease(params):
    scenario, result = run(params)
    r = result.issues
    times = r[TIMES].to_numpy(dtype=float)
    for row, rid in zip(times, r["id"]):
        seen = row[~np.isnan(row)]
        assert (np.diff(seen) >= 0).all(), (rid, dict(zip(TIMES, row)))
    assert (r["appeared_min"] >= 0).all()
    horizon = scenario.horizon
    for column in TIMES:
        values = r[column].dropna()
        assert (values <= horizon).all(), column
    # the steps happen in order: no closure without a ticket and a response, no evaluation without closure
    assert not (r["ticket_min"].isna() & r["response_min"].notna()).any()
    assert not (r["closed_min"].notna() & r["response_min"].isna()).any()
    assert not (r["evaluated_min"].notna() & r["closed_min"].isna()).any()
    # consultations start the moment they appear
    c = r[r["kind"] == "consultation"]
    assert (c["appeared_min"] == c["raised_min"]).all()


# --- escalation -------------------------------------------------------------------------------

@SETTINGS
@given(cases())
def test_escalation_only_goes_up(params):
    scenario, result = run(params)
    r, m = result.issues, result.metrics
    cats = categories(scenario)
    for row in r.itertuples():
        path = row.path
        if not path:
            assert row.closed_min != row.closed_min  # NaN: nothing closes without a level
            continue
        # one level at a time, upwards: a contiguous run of ABCD
        assert path == LEVELS[LEVELS.index(path[0]):LEVELS.index(path[0]) + len(path)], (row.id, path)
        assert row.ticket_min == row.ticket_min
        needed = LEVELS.index(row.needed_level)
        if cats[row.category].owner == "utility":
            assert path == "D", (row.id, path)
        else:
            # the first level is the right one or one too low (triage.accuracy)
            assert LEVELS.index(path[0]) in (needed, max(0, needed - 1)), (row.id, path, row.needed_level)
            if scenario.triage.accuracy == 1.0:
                assert LEVELS.index(path[0]) == needed
        if row.outcome == "closed":
            # closed at the last level visited, which is at least the level needed
            assert LEVELS.index(path[-1]) >= needed, (row.id, path, row.needed_level)
    closed = r[r["closed_min"].notna()]
    assert m["tickets"] >= len(closed)
    last = closed["path"].str[-1]
    for level in LEVELS:
        at = closed[last == level]
        assert close(m[f"share_closed_{level}"], len(at) / len(closed) if len(closed) else math.nan)
        mean = (at["closed_min"] - at["ticket_min"]).mean() / 60.0 if len(at) else math.nan
        assert close(m[f"mean_resolve_h_{level}"], mean)
    escalated = (closed["path"].str.len() > 1).sum()
    assert close(m["escalation_rate"], escalated / len(closed) if len(closed) else math.nan)


# --- the whistle ------------------------------------------------------------------------------

@SETTINGS
@given(cases())
def test_whistle_only_at_street_level(params):
    scenario, result = run(params)
    r, m = result.issues, result.metrics
    cats = categories(scenario)
    has_b = r["path"].str.contains("B", regex=False)
    assert not ((r["whistle_reports"] > 0) & ~has_b).any()
    assert ((r["whistle"] != "") == has_b).all()
    assert m["whistles"] == has_b.sum()
    assert (r["whistle_late"] <= r["whistle_reports"]).all()
    assert (r["whistle_idle"] <= r["whistle_reports"]).all()
    for row in r[has_b].itertuples():
        category = cats[row.category]
        assert row.whistle == category.whistle
        assert row.whistle_reports in (0, len(category.forces))
        if row.outcome == "closed" or not row.path.endswith("B"):
            # level B was worked through: every summoned force reported
            assert row.whistle_reports == len(category.forces), (row.id, row.path)
    reports = r["whistle_reports"].sum()
    if reports:
        assert close(m["whistle_on_time_rate"], 1 - r["whistle_late"].sum() / reports)
        assert close(m["whistle_idle_rate"], r["whistle_idle"].sum() / reports)
    else:
        assert math.isnan(m["whistle_on_time_rate"]) and math.isnan(m["whistle_idle_rate"])


# --- channels, patrols, repeats ---------------------------------------------------------------

@SETTINGS
@given(cases())
def test_channels_proactive_and_repeats(params):
    scenario, result = run(params)
    r = result.issues
    proactive = r["proactive"].astype(bool)
    assert (r["channel"].isin(FOUND) == proactive).all()
    found = r[proactive]
    assert (found["kind"] == "problem").all()
    assert (found["repeat"] == 0).all()
    assert found["evaluated_min"].isna().all()
    assert found["satisfied"].isna().all()
    # a grid worker opens the ticket the moment they find a matter on their rounds ...
    rounds = r[r["channel"].isin(["patrol", "home_visit"])]
    assert (rounds["ticket_min"] == rounds["raised_min"]).all()
    # ... or, for a matter brought to them, when they are next on shift
    brought = r[r["channel"].isin(["grid_worker", "volunteer"]) & r["ticket_min"].notna()]
    calendar = WorkCalendar(scenario.grid.shift.start, scenario.grid.shift.end, scenario.grid.shift.days,
                            scenario.start_date.weekday())
    assert all(ticket == calendar.next_on(raised) for raised, ticket in zip(brought["raised_min"],
                                                                             brought["ticket_min"]))
    # patrols and home visits happen on shift, on working days
    shift = scenario.grid.shift
    rounds = r[r["channel"].isin(["patrol", "home_visit"])]
    clock = rounds["raised_min"] % 1440
    assert ((clock >= shift.start) & (clock < shift.end)).all()
    weekday = (rounds["raised_min"] // 1440 + scenario.start_date.weekday()) % 7
    assert weekday.isin(shift.days).all()
    # only callers make call attempts: those who raised it by phone (some then switched channel), and
    # residents who asked online and called again while waiting for a department's answer
    hotline = r["channel"] == "hotline"
    asked_again = (r["kind"] == "consultation") & (r["outcome"] != "answered")
    assert (r.loc[hotline, "call_attempts"] >= 1).all()
    assert (r.loc[~hotline & ~asked_again, "call_attempts"] == 0).all()
    assert (r.loc[~hotline & ~asked_again, "call_wait_min"] == 0).all()
    assert (r.loc[r["switched"] != "", "channel"] == "hotline").all()
    assert (r["call_wait_min"] >= 0).all()
    assert (r["call_attempts"] <= scenario.hotline.max_attempts).all()
    if scenario.hotline.lines == scenario.hotline.agents:
        # a caller who gets a line always finds a free agent: nobody waits, nobody hangs up
        assert (r["call_wait_min"] == 0).all()
        assert math.isnan(result.metrics["hotline_abandon_rate"]) or result.metrics["hotline_abandon_rate"] == 0
    # bounces: one for a wrong dispatch, one for a street passing a utility ticket on
    assert (r["bounces"] >= r["misdispatched"].astype(int)).all()
    assert (r["bounces"] <= 2).all()
    assert not (r["misdispatched"] & ~r["channel"].isin(["hotline", "online"])).any()
    if scenario.dispatch.accuracy == 1.0:
        assert not r["misdispatched"].any()
    cats = categories(scenario)
    street_owned = r["category"].map(lambda c: c in cats and cats[c].owner == "street")
    assert (r.loc[street_owned, "bounces"] == r.loc[street_owned, "misdispatched"].astype(int)).all()
    consultations = r[r["kind"] == "consultation"]
    assert consultations["channel"].isin(["hotline", "online"]).all()
    assert (consultations["category"] == "").all()
    assert (consultations["repeat"] == 0).all()
    # a repeat comes from an unsolved closed request of the same problem, after its follow-up
    key = ["appeared_min", "street", "community", "grid", "category", "needed_level", "urgency"]
    repeats = r[r["repeat"] > 0]
    assert (repeats["channel"] == "hotline").all()
    assert not repeats["proactive"].any()
    assert (repeats["raised_min"] > repeats["appeared_min"]).all()
    problems = r[r["kind"] == "problem"].set_index(key).sort_index()
    for row in repeats.itertuples():
        parents = problems.loc[[tuple(getattr(row, k) for k in key)]]
        parents = parents[parents["repeat"] == row.repeat - 1]
        ok = parents[(parents["outcome"] == "closed") & ~parents["solved"].astype(bool)
                     & (parents["closed_min"] <= row.raised_min)
                     & ~(parents["evaluated_min"] > row.raised_min)]
        assert len(ok) >= 1, (row.id, row.repeat)
    if scenario.evaluation.repeat_prob == 0.0:
        assert repeats.empty


# --- metrics against records --------------------------------------------------------------------

RATE_NAMES = ("response_rate", "resolution_rate", "satisfaction_rate", "completion_rate", "hotline_answer_rate",
              "hotline_abandon_rate", "hotline_blocked_rate", "hotline_service_level", "consultation_on_call_rate",
              "misdispatch_rate", "whistle_on_time_rate", "whistle_idle_rate", "share_closed_in_community",
              "share_closed_in_street", "proactive_share", "repeat_share",
              *(f"share_closed_{level}" for level in LEVELS))


@example((("agents", 1), ("all_on_call", False), ("channels", (0, 0, 1)), ("days", 3.0),
          ("dispatch_accuracy", 0.0), ("fast", False), ("households", 513), ("intensity", 3.0), ("lines", 1),
          ("mode", "street"), ("repeat_prob", 0.0), ("replication", 0), ("report_timeout", None), ("seed", 0),
          ("start", dt.date(2018, 1, 6)), ("triage_accuracy", 0.0)))  # A-level work running past the horizon
@example((("agents", 1), ("all_on_call", False), ("channels", (1, 0, 0)), ("days", 2), ("dispatch_accuracy", 0.0),
          ("fast", False), ("households", 300), ("intensity", 1.875), ("lines", 1), ("mode", "street"),
          ("repeat_prob", 0.0), ("replication", 0), ("report_timeout", None), ("seed", 35222395),
          ("start", dt.date(2018, 1, 3)), ("triage_accuracy", 0.0)))  # callers who switched channel
@SETTINGS
@given(cases())
def test_metrics_agree_with_records(params):
    scenario, result = run(params)
    r, m = result.issues, result.metrics
    fractions = [name for name in m if (
        name.endswith(("_rate", "_share", "_utilisation")) or name.startswith("share_"))]
    assert set(RATE_NAMES) <= set(fractions) | {"hotline_service_level"}
    for name in {*fractions, "hotline_service_level"}:
        value = m[name]
        assert math.isnan(value) or -EPS <= value <= 1 + EPS, (name, value)
    for name in m:
        assert not math.isinf(m[name]), name
    assert m["tickets"] == r["ticket_min"].notna().sum()
    # every call attempt is counted when it ends (busy, hung up or answered): only attempts still
    # waiting for an agent at the horizon are not counted yet
    attempts = r["call_attempts"].sum()
    in_call = ((r["outcome"] == "open") & (r["call_attempts"] > 0) & r["ticket_min"].isna()).sum()
    assert attempts - in_call <= m["hotline_calls"] <= attempts
    assert m["hotline_calls"] >= (r["call_attempts"] > 0).sum() - in_call
    answered = round(m["hotline_answer_rate"] * m["hotline_calls"]) if m["hotline_calls"] else 0
    # (a caller who gave up and raised the problem online or with the grid worker got a ticket without an
    # answered call)
    got_through = ((r["channel"] == "hotline") & (r["switched"] == "")
                   & (r["ticket_min"].notna() | r["outcome"].isin(["answered", "callback"]))).sum()
    assert answered >= got_through
    problems = r[r["kind"] == "problem"]
    first_time = (problems["repeat"] == 0).sum()
    assert close(m["proactive_share"], problems["proactive"].sum() / first_time if first_time else math.nan)
    assert close(m["repeat_share"], (problems["repeat"] > 0).sum() / len(problems) if len(problems) else math.nan)
    # the centre dispatches hotline and online tickets (those still in the dispatch delay are not counted yet)
    centre = (r["channel"].isin(["hotline", "online"]) & r["ticket_min"].notna()).sum()
    if math.isnan(m["misdispatch_rate"]):
        assert r["misdispatched"].sum() == 0
    else:
        assert r["misdispatched"].sum() / centre <= m["misdispatch_rate"] + EPS
    responded = r[r["response_min"].notna()]
    assert close(m["mean_response_h"], (responded["response_min"] - responded["ticket_min"]).mean() / 60.0
                 if len(responded) else math.nan)
    closed = r[r["closed_min"].notna()]
    assert close(m["mean_resolve_h"], (closed["closed_min"] - closed["ticket_min"]).mean() / 60.0
                 if len(closed) else math.nan)
    assert close(m["mean_appearance_to_close_h"], (closed["closed_min"] - closed["appeared_min"]).mean() / 60.0
                 if len(closed) else math.nan)
    assert math.isnan(m["mean_appearance_to_close_h"]) or m["mean_appearance_to_close_h"] >= m["mean_resolve_h"] - EPS
    # completion: tickets whose limit falls within the horizon, closed within it
    limits = {name: (t.response, t.completion) for name, t in scenario.time_limits.items()}
    completion = r["urgency"].map(lambda u: limits[u][1])
    due = r["ticket_min"].notna() & (r["ticket_min"] + completion <= scenario.horizon)
    in_time = due & ((r["closed_min"] - r["ticket_min"]) <= completion)
    assert close(m["completion_rate"], in_time.sum() / due.sum() if due.sum() else math.nan)
    # the three rates come from the evaluated records
    ev = r[r["evaluated_min"].notna()]
    if len(ev):
        response_limit = ev["urgency"].map(lambda u: limits[u][0])
        assert close(m["response_rate"], ((ev["response_min"] - ev["ticket_min"]) <= response_limit).mean())
        assert close(m["resolution_rate"], ev["solved"].astype(bool).mean())
        assert close(m["satisfaction_rate"], ev["satisfied"].astype(bool).mean())
    else:
        assert math.isnan(m["response_rate"]) and math.isnan(m["satisfaction_rate"])


@SETTINGS
@given(cases())
def test_tables_agree_with_records(params):
    scenario, result = run(params)
    r, ts, streets = result.issues, result.timeseries, result.streets
    days = math.ceil(scenario.horizon / 1440.0)
    assert list(ts["day"]) == list(range(days))

    def per_day(column):
        values = r[column].dropna()
        return np.bincount(np.minimum((values // 1440.0).astype(int), days - 1), minlength=days)

    assert list(ts["arrivals"]) == list(per_day("raised_min"))
    assert list(ts["tickets"]) == list(per_day("ticket_min"))
    assert list(ts["closed"]) == list(per_day("closed_min"))
    assert list(ts["evaluated"]) == list(per_day("evaluated_min"))
    # the last backlog snapshot is taken at the horizon: tickets not yet closed
    assert ts["backlog"].iloc[-1] == (r["ticket_min"].notna() & r["closed_min"].isna()).sum()
    assert (ts["backlog"] >= 0).all()
    for column in ("response_rate", "resolution_rate", "satisfaction_rate"):
        values = ts[column].dropna()
        assert ((values >= 0) & (values <= 1)).all(), column
        values = streets[column].dropna()
        assert ((values >= 0) & (values <= 1)).all(), column
    city = build_city(scenario)
    assert len(streets) == len(city.streets) * (streets["month"].max() + 1)
    by_street = streets.groupby("street")[["requests", "tickets", "closed", "evaluated"]].sum()
    for street in range(len(city.streets)):
        mine = r[r["street"] == street]
        assert by_street.loc[street, "requests"] == len(mine)
        assert by_street.loc[street, "tickets"] == mine["ticket_min"].notna().sum()
        assert by_street.loc[street, "closed"] == mine["closed_min"].notna().sum()
        assert by_street.loc[street, "evaluated"] == mine["evaluated_min"].notna().sum()
    # households, communities and grids in the records exist in the organisation
    grids = {(c.street, c.index): range(c.first_grid, c.first_grid + c.grids) for c in city.communities}
    for (street, community, grid) in r[["street", "community", "grid"]].drop_duplicates().itertuples(index=False):
        assert grid in grids[(street, community)]


@SETTINGS
@given(cases())
def test_grid_duration_and_department_tables_agree_with_records(params):
    scenario, result = run(params)
    r = result.issues
    city = build_city(scenario)
    grids = result.grids.set_index("grid")
    assert list(grids.index) == list(range(city.grids))
    for community in city.communities:
        sizes = grids.loc[community.first_grid:community.first_grid + community.grids - 1, "households"]
        assert sizes.sum() == community.households and sizes.max() - sizes.min() <= 1
    problems = r[r["kind"] == "problem"]
    first_time = problems[problems["repeat"] == 0]
    for column, rows in (("requests", r), ("first_time", first_time), ("proactive", first_time[first_time["proactive"]])):
        counted = rows["grid"].value_counts().reindex(grids.index, fill_value=0)
        assert (grids[column] == counted).all(), column
    totals = result.distributions.groupby("measure")["count"].sum()
    assert totals.get("response", 0) == r["response_min"].notna().sum()
    assert totals.get("resolve", 0) == r["closed_min"].notna().sum()
    assert totals.get("report", 0) == r["whistle_reports"].sum()
    assert (result.distributions["low_min"] < result.distributions["high_min"]).all()
    departments = result.departments
    assert departments["reports"].sum() == r["whistle_reports"].sum()
    assert departments["on_time"].sum() == (r["whistle_reports"] - r["whistle_late"]).sum()
    assert set(departments["force"]) == set(scenario.forces.stationed) | set(scenario.forces.on_call)


@SETTINGS
@given(cases())
def test_queues_table_agrees_with_records_and_balances_its_time(params):
    """Every queue and level: the integral of its level is the time its units spent inside; open tickets and
    the levels' visits follow the records."""
    scenario, result = run(params)
    r, q = result.issues, result.queues
    lengths = np.minimum(1440.0, scenario.horizon - q["day"] * 1440.0)
    q = q.assign(area=q["mean_number"] * lengths)
    for station, days in q.groupby("station"):
        assert math.isclose(days["area"].sum(), days["stay_min"].sum(), rel_tol=1e-9, abs_tol=1e-6), station
        assert (days["departures"] <= days["arrivals"]).all() and (days["stay_min"] >= -EPS).all(), station
    totals = q.groupby("station")[["arrivals", "departures"]].sum()
    tickets = r["ticket_min"].notna()
    assert totals.loc["open_tickets", "arrivals"] == tickets.sum()
    assert totals.loc["open_tickets", "departures"] == r["closed_min"].notna().sum()
    visits = r["path"].str.len().sum()  # every level a ticket reached
    assert sum(totals.loc[f"level_{level}", "arrivals"] for level in LEVELS) == visits
    # every call that got a line asks for an agent
    assert totals.loc["hotline_lines", "arrivals"] == totals.loc["hotline_queue", "arrivals"]
    # the time callers spent in the queue is what the records say they waited, when nobody waits at the end
    queue = q[q["station"] == "hotline_queue"]
    if queue["arrivals"].sum() == queue["departures"].sum():
        assert math.isclose(queue["stay_min"].sum(), r["call_wait_min"].sum(), rel_tol=1e-9, abs_tol=1e-6)


# --- the schema accepts only what the model can run ---------------------------------------------

def test_category_without_forces_is_refused_or_runs():
    """A category may need level B; ``forces: []`` must be refused by the schema or handled by the whistle.

    ``Category.forces`` has no ``min_length``, so the scenario validates; the
    whistle then calls ``max()`` over no reports and the run crashes.
    """
    d = copy.deepcopy(BASE_DICT)
    d["horizon"] = 2 * 1440.0
    d["demand"]["categories"] = [{"name": "street_only", "share": 1.0, "levels": {"B": 1.0}, "forces": []}]
    try:
        scenario = Scenario.model_validate(d)
    except ValueError:
        return  # refused at validation: fine
    result = simulate(scenario, records=True)
    assert result.metrics["whistles"] > 0


def test_extreme_satisfaction_coefficients_do_not_crash():
    """``evaluation.intercept`` and the other coefficients go from -100 to 100: at the bound a score means
    P(satisfied) of about 4e-44, not a crash (``math.exp(-z)`` in ``satisfaction_probability``), and beyond it
    the scenario is refused."""
    d = copy.deepcopy(BASE_DICT)
    d["horizon"] = 5 * 1440.0
    d["evaluation"]["intercept"] = -1000.0
    with pytest.raises(ValueError, match="greater than or equal to -100"):
        Scenario.model_validate(d)
    d["evaluation"]["intercept"] = -100.0
    d["evaluation"]["delay"] = {"dist": "fixed", "value": 60.0}
    result = simulate(Scenario.model_validate(d), records=True)
    evaluated = result.issues["evaluated_min"].notna().sum()
    assert evaluated > 0
    assert result.metrics["satisfaction_rate"] == 0.0


# --- the organisation ------------------------------------------------------------------------------

@st.composite
def organisations(draw):
    communities = draw(st.integers(1, 6))
    streets = draw(st.integers(1, 3))
    smallest = draw(st.integers(50, 1500))
    count = communities * streets
    return {
        "seed": draw(st.integers(0, 2**32 - 1)),
        "streets_per_district": streets,
        "communities_per_street": communities,
        "mean": draw(st.floats(500.0, 5000.0)),
        "cv": draw(st.floats(0.0, 1.5)),
        "min": smallest,
        # a total the minimum size allows: at least min households in every community
        "total": draw(st.one_of(st.none(), st.integers(count * smallest, count * smallest * 5))),
        "households": draw(st.integers(300, 800)),
    }


@SETTINGS
@given(organisations())
@example({"seed": 0, "streets_per_district": 3, "communities_per_street": 1, "mean": 500.0, "cv": 1.0,
          "min": 50, "total": 150, "households": 300})
def test_organisation_partitions_households(p):
    d = copy.deepcopy(BASE_DICT)
    d["seed"] = p["seed"]
    d["organisation"]["streets_per_district"] = p["streets_per_district"]
    d["organisation"]["communities_per_street"] = p["communities_per_street"]
    d["organisation"]["households_per_community"] = {"mean": p["mean"], "cv": p["cv"], "min": p["min"]}
    d["organisation"]["total_households"] = p["total"]
    d["grid"]["households"] = p["households"]
    scenario = Scenario.model_validate(d)
    city = build_city(scenario)
    sizes = [c.households for c in city.communities]
    assert len(sizes) == p["streets_per_district"] * p["communities_per_street"]
    assert min(sizes) >= p["min"]
    next_grid = 0
    for street in city.streets:
        assert street.households == sum(c.households for c in street.communities)
        for community in street.communities:
            assert community.first_grid == next_grid
            next_grid += community.grids
            assert community.grids == max(1, math.ceil(community.households / p["households"]))
            homes = range(community.first_household, community.first_household + community.households)
            shares = collections.Counter(community.grid_of(h) for h in homes)
            assert sorted(shares) == list(range(community.first_grid, community.first_grid + community.grids))
            assert max(shares.values()) - min(shares.values()) <= 1
            first, last = community.first_household, community.first_household + community.households - 1
            assert street.community_of(first) is community and street.community_of(last) is community
            assert community.grid_of(first) == community.first_grid
            assert community.grid_of(last) == community.first_grid + community.grids - 1
    assert next_grid == city.grids
    if p["total"] is not None:
        # schema: "scale community sizes so that the city has exactly this many households"
        assert city.households == p["total"], (city.households, p["total"], sizes)
