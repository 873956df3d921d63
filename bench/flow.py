"""The flow the benchmark builds three times: hotline, dispatch and street, with a scenario's numbers.

Requests arrive as a Poisson process at a constant rate. Consultations by
phone call the hotline and end with the call; online ones never enter the
flow. Problems by phone call the hotline, the others go straight to
dispatch. A caller waits for one of ``agents`` as long as an exponential
patience lasts, else hangs up and is lost. Dispatch takes a lognormal delay
(no queue), the problem reaches one of ``streets`` street centres at random
(``centre_staff`` each, lognormal triage), and is then handled in the street
(its grid workers, one queue of ``grid_workers``) or, with probability
``district_share``, by the district's ``coordinators``, each a lognormal
effort. Times in minutes.

This module holds numbers only, so that ``bare_simpy.py`` and ``ciw_flow.py``
stay free of gridgov code; ``from_scenario`` and ``gridgov_scenario`` import
gridgov when called.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

YEAR = 365.0 * 1440.0


@dataclass(frozen=True)
class Flow:
    """The flow's rates (per minute), staffing and durations (mean and coefficient of variation)."""

    problems_per_min: float
    consultations_per_min: float
    problem_phone_share: float
    consultation_phone_share: float
    agents: int
    talk: tuple[float, float]
    patience_mean: float
    dispatch: tuple[float, float]
    streets: int
    centre_staff: int
    triage: tuple[float, float]
    grid_workers: int  # per street, one queue
    grid_effort: tuple[float, float]
    district_share: float
    coordinators: int
    district_effort: tuple[float, float]

    @property
    def entering_per_min(self) -> float:
        """Requests entering the flow per minute: calls, and problems not raised by phone."""
        return self.problems_per_min + self.consultations_per_min * self.consultation_phone_share

    def describe(self) -> dict:
        """The parameters as plain numbers, for the benchmark's JSON."""
        return asdict(self)


def lognormal_parameters(mean: float, cv: float) -> tuple[float, float]:
    """(mu, sigma) of the normal whose exponential has this mean and coefficient of variation."""
    sigma = math.sqrt(math.log1p(cv * cv))
    return math.log(mean) - sigma * sigma / 2, sigma


def from_scenario(scenario) -> Flow:
    """The flow with a gridgov scenario's volumes and staffing: its raised problems and its consultations,
    its hotline, dispatch and triage times, its grid workers pooled by street, and its A and C efforts."""
    s, households = scenario, scenario.organisation.total_households
    dist = lambda spec: (spec.mean, spec.cv)  # noqa: E731  (the scenario's lognormals)
    needs_district = sum(c.share * (c.levels.get("C", 0.0) + c.levels.get("D", 0.0)) for c in s.demand.categories)
    grids = math.ceil(households / s.grid.households)
    streets = s.organisation.streets
    return Flow(
        problems_per_min=households * s.demand.problems_per_household_per_year * s.demand.raise_prob / YEAR,
        consultations_per_min=households * s.consultation.per_household_per_year / YEAR,
        problem_phone_share=s.demand.channels.get("hotline", 0.0),
        consultation_phone_share=1.0 - s.consultation.online_share,
        agents=s.hotline.agents, talk=dist(s.hotline.talk_time), patience_mean=s.hotline.patience.mean,
        dispatch=dist(s.dispatch.delay), streets=streets, centre_staff=s.organisation.street_centre_staff,
        triage=dist(s.triage.time), grid_workers=max(1, round(grids / streets)),
        grid_effort=dist(s.levels["A"].effort), district_share=needs_district,
        coordinators=s.organisation.district_coordinators, district_effort=dist(s.levels["C"].effort),
    )


def gridgov_scenario(flow: Flow, days: float, seed: int = 1):
    """The flow as a gridgov scenario: one community and one grid a street, its workers on duty around the
    clock with nothing else to do; every problem raised at once, dispatched and triaged rightly, needing A
    or C, closed there after the effort (no lead time, no escalation, no repeat); callers never redial."""
    from sim.scenario.schema import Scenario

    households = 10_000  # per street; the rates are set per household to match
    total = households * flow.streets
    lognormal = lambda pair: {"dist": "lognormal", "mean": pair[0], "cv": pair[1]}  # noqa: E731
    level = lambda effort: {"effort": lognormal(effort), "lead_time": 0, "solve_prob": 1,  # noqa: E731
                            "escalate_after": None}
    phone = flow.problem_phone_share
    return Scenario.model_validate({
        "name": "bench-flow", "seed": seed, "horizon": days * 1440.0, "warmup": 0,
        "organisation": {"districts": 1, "streets_per_district": flow.streets, "communities_per_street": 1,
                         "households_per_community": {"mean": households, "cv": 0, "min": 1},
                         "street_centre_staff": flow.centre_staff, "district_coordinators": flow.coordinators},
        "grid": {"households": households, "workers_per_grid": flow.grid_workers, "data_chores_share": 0,
                 "patrol_households": 0, "home_visit_target": 0,
                 "shift": {"start": 0, "end": 1440, "days": list(range(7))}},
        "demand": {"problems_per_household_per_year": flow.problems_per_min * YEAR / total,
                   "raise_prob": 1, "raise_delay": 0, "daily_profile": [1] * 24, "weekly_profile": [1] * 7,
                   "channels": {"hotline": phone, "online": 1 - phone} if phone < 1 else {"hotline": 1},
                   "categories": [{"name": "matter", "share": 1, "visible": 0,
                                   "levels": {"A": 1 - flow.district_share, "C": flow.district_share}}]},
        "online": {"processing_delay": 0},
        "consultation": {"per_household_per_year": flow.consultations_per_min * YEAR / total,
                         "online_share": 1 - flow.consultation_phone_share, "knowledge_base_coverage": 1},
        "hotline": {"lines": 100_000, "agents": flow.agents, "talk_time": lognormal(flow.talk),
                    "patience": {"dist": "exponential", "mean": flow.patience_mean}, "redial_prob": 0,
                    "max_attempts": 1},
        "dispatch": {"delay": lognormal(flow.dispatch), "accuracy": 1},
        "triage": {"time": lognormal(flow.triage), "accuracy": 1},
        "levels": {"A": level(flow.grid_effort), "C": level(flow.district_effort)},
        "evaluation": {"repeat_prob": 0},
    })
