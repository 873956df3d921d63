"""gridgov against a peer simulator: the network of ``network.py`` in gridgov and in Ciw.

gridgov builds the network from an ordinary scenario: one district of
``streets`` streets, each one community in one grid (so one grid worker a
street) whose worker works around the clock with no other duties; problems
arrive by phone only, at a constant rate, and every one is raised at once;
dispatch is always right, triage too, and a problem needs level A or, with
probability ``district_share``, level C, where it closes at once after the
effort (no lead time, no escalation, no repeat). Both simulators run their
own random numbers, so the comparison is of two independent sets of
replications: each quantity's Welch interval of the difference must hold 0.
Ciw is a test dependency (``pip install -e '.[test]'``).
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

from sim.scenario.durations import DAY
from sim.scenario.schema import Scenario

from . import YEAR, first_day, replicate
from .checks import Check
from .little import window
from .network import QUANTITIES, Network

SECTION = "Peer simulator (Ciw)"
REPLICATIONS = 30
HOUSEHOLDS = 10_000  # per street; the arrival rate is set per household to match


def network_scenario(net: Network, seed: int = 6) -> Scenario:
    """The gridgov scenario of the network (whose horizon and warm-up are whole days, as ``queues.csv`` is)."""
    if net.warmup % DAY or net.horizon % DAY:
        raise ValueError("the network's horizon and warm-up must be whole days")
    exponential = lambda mean: {"dist": "exponential", "mean": mean}  # noqa: E731
    level = lambda mean: {"effort": exponential(mean), "lead_time": 0, "solve_prob": 1,  # noqa: E731
                          "escalate_after": None}
    return Scenario.model_validate({
        "name": "peer-network", "seed": seed, "horizon": net.horizon, "warmup": net.warmup,
        "organisation": {"districts": 1, "streets_per_district": net.streets, "communities_per_street": 1,
                         "households_per_community": {"mean": HOUSEHOLDS, "cv": 0, "min": 1},
                         "street_centre_staff": net.centre_staff, "district_coordinators": net.coordinators},
        "grid": {"households": HOUSEHOLDS, "data_chores_share": 0, "patrol_households": 0, "home_visit_target": 0,
                 "shift": {"start": 0, "end": DAY, "days": list(range(7))}},
        "demand": {"problems_per_household_per_year": net.arrival_rate * YEAR / (HOUSEHOLDS * net.streets),
                   "raise_prob": 1, "raise_delay": 0, "daily_profile": [1] * 24, "weekly_profile": [1] * 7,
                   "channels": {"hotline": 1},
                   "categories": [{"name": "matter", "share": 1, "visible": 0,
                                   "levels": {"A": 1 - net.district_share, "C": net.district_share}}]},
        "consultation": {"per_household_per_year": 0},
        "hotline": {"lines": 100_000, "agents": net.agents, "talk_time": exponential(net.talk_mean),
                    "patience": exponential(net.patience_mean), "redial_prob": 0, "max_attempts": 1,
                    "switch": {}},  # a caller who hangs up leaves, as in the peer network
        "dispatch": {"delay": exponential(net.dispatch_mean), "accuracy": 1},
        "triage": {"time": exponential(net.triage_mean), "accuracy": 1},
        "levels": {"A": level(net.grid_effort_mean), "C": level(net.district_effort_mean)},
        "evaluation": {"repeat_prob": 0},
    })


def gridgov_quantities(net: Network, rep) -> dict[str, float]:
    """The quantities of ``network.py`` from one gridgov replication."""
    m, hours = rep.metrics, (net.horizon - net.warmup) / 60.0
    answered = m["hotline_calls"] * m["hotline_answer_rate"]  # (the metrics give calls and the share answered)
    out = {"hotline.abandon_rate": m["hotline_abandon_rate"], "hotline.mean_wait_min": m["hotline_mean_wait_min"],
           "hotline.answered_per_h": answered / hours}
    for station in ("street_centre", "grid_worker", "district"):
        w = window(rep.queues, f"{station}_queue", first_day(net.warmup), first_day(net.horizon))
        out[f"{station}.mean_wait_min"] = w.mean_time
        out[f"{station}.per_h"] = w.arrival_rate * 60
    return out


def run(workers: int, replications: int = REPLICATIONS, net: Network = Network()) -> list[Check]:
    """Both simulators, ``replications`` each, compared quantity by quantity."""
    from .peer_ciw import simulate_ciw  # Ciw is needed here only

    ours = [gridgov_quantities(net, rep) for rep in replicate({"peer": network_scenario(net)}, replications,
                                                              workers)["peer"]]
    with ProcessPoolExecutor(workers) as pool:
        theirs = list(pool.map(simulate_ciw, [net] * replications, range(replications)))
    case = (f"{net.streets} streets, {net.arrival_rate:g} calls/min, {net.agents} agents, "
            f"{net.district_share:.0%} to the district")
    units = {"abandon_rate": "%", "mean_wait_min": "min", "answered_per_h": "", "per_h": ""}
    return [Check(SECTION, case, label, 0.0, "Ciw", tuple(q[quantity] for q in ours), "equal",
                  units[quantity.split(".")[1]], peer=tuple(q[quantity] for q in theirs))
            for quantity, label in QUANTITIES.items()]
