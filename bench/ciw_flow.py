"""The flow of ``flow.py`` in Ciw (Palmer et al. 2019), the peer simulator of docs/validation.md.

Nodes, numbered from 1: the hotline (callers renege, that is hang up, after
their patience), dispatch (infinite servers), one street centre per street,
one grid-worker queue per street, the district. Two customer classes:
consultations leave after the hotline; problems arrive at the hotline (by
phone) or at dispatch (the others) and go on through a street chosen at
random. The street shares are the validation's (``equal_shares``).
"""

from __future__ import annotations

import ciw

from analysis.validation.peer_ciw import equal_shares
from flow import Flow, lognormal_parameters

PROBLEM, CONSULTATION = "problem", "consultation"


def simulate(flow: Flow, days: float, seed: int = 1) -> dict[str, float]:
    """Run the flow for ``days`` and count what happened, from Ciw's records."""
    ciw.seed(seed)
    simulation = ciw.Simulation(network(flow))
    simulation.simulate_until_max_time(days * 1440.0)
    records = simulation.get_all_records()
    calls = [r for r in records if r.node == 1]
    answered = [r for r in calls if r.record_type != "renege"]
    first_centre, first_handler = 3, 3 + flow.streets
    return {
        "requests": simulation.nodes[0].number_accepted_individuals,
        "calls": len(calls),
        "answered": len(answered),
        "abandoned": len(calls) - len(answered),
        "tickets": sum(first_centre <= r.node < first_handler for r in records),
        "closed": sum(r.node >= first_handler for r in records),
        "wait_sum": sum(r.waiting_time for r in answered),
    }


def network(flow: Flow) -> ciw.network.Network:
    """Ciw's network of the flow (Ciw's Exponential takes a rate, its Lognormal the normal's mu and sigma)."""
    streets = flow.streets
    nodes = 3 + 2 * streets
    lognormal = lambda pair: ciw.dists.Lognormal(*lognormal_parameters(*pair))  # noqa: E731
    by_phone = flow.problems_per_min * flow.problem_phone_share
    otherwise = flow.problems_per_min - by_phone
    consultations = flow.consultations_per_min * flow.consultation_phone_share
    arrivals = {
        PROBLEM: [ciw.dists.Exponential(by_phone), ciw.dists.Exponential(otherwise) if otherwise > 0 else None]
        + [None] * (nodes - 2),
        CONSULTATION: [ciw.dists.Exponential(consultations)] + [None] * (nodes - 1),
    }
    services = [lognormal(flow.talk), lognormal(flow.dispatch), *[lognormal(flow.triage)] * streets,
                *[lognormal(flow.grid_effort)] * streets, lognormal(flow.district_effort)]
    patience = [ciw.dists.Exponential(1.0 / flow.patience_mean)] + [None] * (nodes - 1)
    return ciw.create_network(
        arrival_distributions=arrivals,
        service_distributions={PROBLEM: services, CONSULTATION: services},
        number_of_servers=[flow.agents, float("inf"), *[flow.centre_staff] * streets, *[flow.grid_workers] * streets,
                           flow.coordinators],
        reneging_time_distributions={PROBLEM: patience, CONSULTATION: patience},
        routing={PROBLEM: _problem_routing(flow), CONSULTATION: ciw.routing.NetworkRouting(
            routers=[ciw.routing.Leave()] * nodes)},
    )


def _problem_routing(flow: Flow) -> ciw.routing.NetworkRouting:
    """Hotline to dispatch, dispatch to a street centre at random, centre j to its grid workers or the
    district, then out."""
    streets = flow.streets
    centres = list(range(3, 3 + streets))
    handlers = list(range(3 + streets, 3 + 2 * streets))
    district, up = 3 + 2 * streets, float(flow.district_share)
    return ciw.routing.NetworkRouting(routers=[
        ciw.routing.Direct(to=2),
        ciw.routing.Probabilistic(destinations=centres, probs=equal_shares(streets)),
        *[ciw.routing.Probabilistic(destinations=[handler, district], probs=[1.0 - up, up]) for handler in handlers],
        *[ciw.routing.Leave()] * (streets + 1),
    ])
