"""The open queueing network that gridgov and a peer simulator (Ciw) both build, to compare them.

Calls arrive as a Poisson process at the hotline (``agents`` servers,
exponential talk time, exponential patience: callers who wait longer hang
up and leave), are dispatched after an exponential delay (no queue: an
infinite-server stage), reach one of ``streets`` street centres with equal
probability (``centre_staff`` dispatchers each, exponential triage), and
then either stay in the community (each street's grid worker, one server,
exponential effort) or go up to the district (``coordinators`` servers,
exponential effort) with probability ``district_share``. Every rate is per
minute and every time in minutes.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.scenario.durations import DAY


@dataclass(frozen=True)
class Network:
    """Parameters of the network (means in minutes)."""

    arrival_rate: float = 1.2       # calls per minute
    agents: int = 6
    talk_mean: float = 4.0
    patience_mean: float = 5.0
    dispatch_mean: float = 30.0
    streets: int = 3
    centre_staff: int = 1
    triage_mean: float = 2.0
    district_share: float = 0.3
    grid_effort_mean: float = 3.0
    coordinators: int = 2
    district_effort_mean: float = 4.0
    horizon: float = 5 * DAY       # simulated minutes per replication
    warmup: float = DAY             # calls arriving before this are left out (whole days)


# What each simulator reports for one replication, computed over the calls (or tickets) that reach a
# station between ``warmup`` and ``horizon``, with a label for the validation table:
#   hotline.abandon_rate      calls that hung up while waiting / calls whose wait ended (answered or hung up)
#   hotline.mean_wait_min     mean wait of the answered calls
#   hotline.answered_per_h    calls answered per hour
#   <station>.mean_wait_min   mean wait in queue before service starts, over the tickets reaching the station
#                             (one still waiting at the horizon counts its wait so far)
#   <station>.per_h           tickets reaching the station per hour (street_centre, grid_worker, district:
#                             all streets together)
QUANTITIES = {
    "hotline.abandon_rate": "hotline: probability of abandonment",
    "hotline.mean_wait_min": "hotline: mean wait of answered calls",
    "hotline.answered_per_h": "hotline: calls answered per hour",
    "street_centre.mean_wait_min": "street centres: mean wait",
    "street_centre.per_h": "street centres: tickets per hour",
    "grid_worker.mean_wait_min": "grid workers: mean wait",
    "grid_worker.per_h": "grid workers: tickets per hour",
    "district.mean_wait_min": "district: mean wait",
    "district.per_h": "district: tickets per hour",
}
