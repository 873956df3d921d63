"""The flow of ``flow.py`` in plain SimPy: the yardstick for gridgov's own overhead.

Written the way a SimPy user would write it, with ``simpy.Resource``,
``with ... request()`` blocks, a patience timeout raced against the agent
(``turn | patience``) and the standard library's random numbers; no gridgov
code, no tricks.
"""

from __future__ import annotations

import random

import simpy

from flow import Flow, lognormal_parameters


def simulate(flow: Flow, days: float, seed: int = 1) -> dict[str, float]:
    """Run the flow for ``days`` and count what happened (and the SimPy events it took)."""
    env, rng = simpy.Environment(), random.Random(seed)
    agents = simpy.Resource(env, flow.agents)
    centres = [simpy.Resource(env, flow.centre_staff) for _ in range(flow.streets)]
    grid_workers = [simpy.Resource(env, flow.grid_workers) for _ in range(flow.streets)]
    district = simpy.Resource(env, flow.coordinators)
    counts = dict.fromkeys(("requests", "calls", "answered", "abandoned", "tickets", "closed"), 0)
    counts["wait_sum"] = 0.0

    def lognormal(pair):
        mu, sigma = lognormal_parameters(*pair)
        return lambda: rng.lognormvariate(mu, sigma)

    talk, dispatch, triage = lognormal(flow.talk), lognormal(flow.dispatch), lognormal(flow.triage)
    grid_effort, district_effort = lognormal(flow.grid_effort), lognormal(flow.district_effort)

    def call():
        counts["calls"] += 1
        arrived = env.now
        with agents.request() as turn:
            yield turn | env.timeout(rng.expovariate(1.0 / flow.patience_mean))
            if not turn.triggered:
                counts["abandoned"] += 1
                return False
            counts["answered"] += 1
            counts["wait_sum"] += env.now - arrived
            yield env.timeout(talk())
        return True

    def problem(by_phone):
        if by_phone and not (yield from call()):
            return
        yield env.timeout(dispatch())
        street = rng.randrange(flow.streets)
        counts["tickets"] += 1
        with centres[street].request() as turn:
            yield turn
            yield env.timeout(triage())
        if rng.random() < flow.district_share:
            handlers, effort = district, district_effort
        else:
            handlers, effort = grid_workers[street], grid_effort
        with handlers.request() as turn:
            yield turn
            yield env.timeout(effort())
        counts["closed"] += 1

    def arrivals():
        rate = flow.entering_per_min
        problem_share = flow.problems_per_min / rate
        while True:
            yield env.timeout(rng.expovariate(rate))
            counts["requests"] += 1
            if rng.random() < problem_share:
                env.process(problem(rng.random() < flow.problem_phone_share))
            else:
                env.process(call())

    env.process(arrivals())
    env.run(until=days * 1440.0)
    counts["events"] = next(env._eid)  # SimPy's event counter
    return counts
