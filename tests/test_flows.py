"""The observation of queues and levels (``sim.observe.flows``, ``queues.csv``): exact bookkeeping, by hand and in
runs."""

from __future__ import annotations

import math

import pytest
import simpy

from sim import load_scenario, simulate
from sim.model.observer import STATIONS
from sim.model.pool import Pool
from sim.observe.flows import Flow


def test_a_flow_tallies_arrivals_by_day_and_their_stays():
    flow = Flow(days=3)
    flow.enter(100.0)                  # day 0, leaves on day 1
    flow.end_of_day(0, 1440.0)
    flow.enter(1500.0)                 # day 1, still inside at the horizon
    flow.passed(1600.0)                # day 1, no stay
    flow.leave(1700.0, 100.0)
    flow.end_of_day(1, 2880.0)
    flow.end_of_day(2, 3000.0)         # the horizon, part-way through day 2
    flow.close(3000.0)
    assert flow.arrivals == [1, 2, 0] and flow.departures == [1, 1, 0]
    assert flow.stay == [1600.0, 1500.0, 0.0]
    # the level: 1 from 100 to 1500, 2 to 1700, then 1 to the horizon
    assert flow.day_area == [1340.0, 60.0 + 200.0 * 2 + 1180.0, 120.0]
    assert sum(flow.day_area) == pytest.approx(sum(flow.stay))
    assert flow.at_end == [1, 1, 1]    # inside when each day ended (the last at the horizon)


def test_a_pool_counts_free_handlers_as_zero_waits_and_withdrawals_as_departures():
    env = simpy.Environment()
    flow = Flow(days=1)
    pool = Pool(env, 1, flow)

    def customer(patience):
        turn = pool.acquire()
        if turn is not None:
            pool.give_up_after(turn, patience)
            if not (yield turn):
                return
        yield env.timeout(10.0)
        pool.release()

    env.process(customer(100.0))       # served at once, 0-10
    env.process(customer(100.0))       # waits 10, served 10-20
    env.process(customer(5.0))         # gives up at 5
    env.run()
    flow.end_of_day(0, env.now)
    flow.close(env.now)
    assert flow.arrivals == [3] and flow.departures == [3]
    assert flow.stay == [15.0] and flow.day_area == [15.0]   # waits 0 + 10 + 5


@pytest.fixture(scope="module")
def teaching():
    scenario = load_scenario("scenarios/teaching_street.yaml", sets=["horizon=20d", "warmup=5d"])
    return scenario, simulate(scenario, records=True)


def test_queues_table_has_every_station_every_day(teaching):
    scenario, result = teaching
    q = result.queues
    assert list(q["station"].unique()) == [name for name, _what in STATIONS]
    assert len(q) == len(STATIONS) * 20
    assert list(q.loc[q["station"] == "open_tickets", "warmup"]) == [day < 5 for day in range(20)]
    assert (q["departures"] <= q["arrivals"]).all() and (q["mean_number"] >= 0).all()


def test_integral_of_every_level_equals_the_time_spent_inside(teaching):
    scenario, result = teaching
    for station, days in result.queues.groupby("station"):
        area = (days["mean_number"] * 1440.0).sum()
        assert area == pytest.approx(days["stay_min"].sum(), rel=1e-9, abs=1e-6), station


def test_open_tickets_follow_the_records(teaching):
    scenario, result = teaching
    r, horizon = result.issues, scenario.horizon
    tickets = r[r["ticket_min"].notna()]
    days = (tickets["ticket_min"] // 1440).astype(int)
    q = result.queues[result.queues["station"] == "open_tickets"].set_index("day")
    assert list(q["arrivals"]) == list(days.value_counts().reindex(range(20), fill_value=0))
    assert q["departures"].sum() == tickets["closed_min"].notna().sum()
    stays = tickets["closed_min"].fillna(horizon) - tickets["ticket_min"]
    assert q["stay_min"].sum() == pytest.approx(stays.sum(), rel=1e-12)
    assert not math.isnan(result.metrics["mean_backlog"])
