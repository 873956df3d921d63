"""The peer simulator for issue 6's validation: the network of ``network.py`` built in Ciw.

gridgov is checked against theory where theory exists (the hotline alone is
Erlang A, ``analysis/queueing.py``), but the network as a whole has no
closed form once callers hang up. An independent simulator stands in for it:
Ciw (Palmer et al. 2019) builds the same network from its own primitives,
and the two must agree, replication means within their intervals, on every
quantity of ``QUANTITIES``.

Nodes, numbered as Ciw wants them from 1: the hotline (its callers renege,
that is hang up and leave, after an exponential patience), dispatch
(infinite servers), one street centre per street, one grid worker per street,
then the district. Ciw writes a record when a customer leaves a node
(``service``) or hangs up (``renege``); asking for ``include_incomplete``
adds one (``incomplete``) for each customer still at a node at the horizon,
with a service start if service has begun. So every arrival at a station
has exactly one record there, and the definitions of ``network.py`` read
straight off the records (a customer still queued at the horizon has waited
until it).
"""

from __future__ import annotations

import math

import ciw

from .network import Network

RENEGE = "renege"


def simulate_ciw(net: Network, seed: int) -> dict[str, float]:
    """One replication to ``net.horizon``: every quantity of ``QUANTITIES``, over arrivals in the window."""
    ciw.seed(seed)
    simulation = ciw.Simulation(_network(net))
    simulation.simulate_until_max_time(net.horizon)
    window = [r for r in simulation.get_all_records(include_incomplete=True)
              if net.warmup <= r.arrival_date < net.horizon]
    hours = (net.horizon - net.warmup) / 60.0
    quantities = _hotline([r for r in window if r.node == 1], hours)
    for station, nodes in _stations(net).items():
        records = [r for r in window if r.node in nodes]
        waits = [(net.horizon if r.service_start_date is None else r.service_start_date) - r.arrival_date
                 for r in records]
        quantities[f"{station}.mean_wait_min"] = math.fsum(waits) / len(waits) if waits else math.nan
        quantities[f"{station}.per_h"] = len(records) / hours
    return quantities


def _network(net: Network) -> ciw.network.Network:
    """Ciw's network: arrivals at the hotline only, reneging at the hotline only. Ciw's Exponential takes a rate."""
    nodes = 3 + 2 * net.streets
    centres = [ciw.dists.Exponential(1 / net.triage_mean)] * net.streets
    grid_workers = [ciw.dists.Exponential(1 / net.grid_effort_mean)] * net.streets
    return ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(net.arrival_rate)] + [None] * (nodes - 1),
        service_distributions=[ciw.dists.Exponential(1 / net.talk_mean), ciw.dists.Exponential(1 / net.dispatch_mean),
                               *centres, *grid_workers, ciw.dists.Exponential(1 / net.district_effort_mean)],
        number_of_servers=[net.agents, float("inf"), *[net.centre_staff] * net.streets, *[1] * net.streets,
                           net.coordinators],
        reneging_time_distributions=[ciw.dists.Exponential(1 / net.patience_mean)] + [None] * (nodes - 1),
        routing=_routing(net),
    )


def _routing(net: Network) -> ciw.routing.NetworkRouting:
    """Hotline to dispatch, dispatch to a street centre at random, street j to its grid worker or the district."""
    centres, grid_workers, district = _node_ids(net)
    up = float(net.district_share)
    streets = [ciw.routing.Probabilistic(destinations=[grid_worker, district], probs=[1.0 - up, up])
               for grid_worker in grid_workers]
    return ciw.routing.NetworkRouting(routers=[
        ciw.routing.Direct(to=2),
        ciw.routing.Probabilistic(destinations=centres, probs=equal_shares(net.streets)),
        *streets,
        *[ciw.routing.Leave()] * (net.streets + 1),
    ])


def equal_shares(n: int) -> list[float]:
    """``n`` probabilities of 1/n whose float sum is not above 1, which Ciw refuses (``[1/9] * 9`` sums to
    1 + 2e-16); the last one takes up the rounding: ``s + (1 - s)`` is exactly 1 for s in [1/2, 1]."""
    shares = [1.0 / n] * (n - 1)
    return shares + [1.0 - sum(shares)]


def _node_ids(net: Network) -> tuple[list[int], list[int], int]:
    """Ciw's node numbers of the street centres, the grid workers and the district."""
    centres = list(range(3, 3 + net.streets))
    grid_workers = list(range(3 + net.streets, 3 + 2 * net.streets))
    return centres, grid_workers, 3 + 2 * net.streets


def _stations(net: Network) -> dict[str, list[int]]:
    """The stations after the hotline, each with its Ciw nodes (all streets together)."""
    centres, grid_workers, district = _node_ids(net)
    return {"street_centre": centres, "grid_worker": grid_workers, "district": [district]}


def _hotline(records: list, hours: float) -> dict[str, float]:
    """Abandonment, wait of the answered and answers per hour, from the hotline's records in the window; a
    caller still queued at the horizon has neither hung up nor been answered, and counts in none of them."""
    reneged = sum(r.record_type == RENEGE for r in records)
    waits = [r.service_start_date - r.arrival_date for r in records
             if r.record_type != RENEGE and r.service_start_date is not None]
    ended = reneged + len(waits)
    return {
        "hotline.abandon_rate": reneged / ended if ended else math.nan,
        "hotline.mean_wait_min": math.fsum(waits) / len(waits) if waits else math.nan,
        "hotline.answered_per_h": len(waits) / hours,
    }
