"""How much work a scenario asks for, estimated from its numbers, and whether this machine can do it.

The schema bounds each number (an organisation up to about ten times Beijing); this asks the whole: the
households, the communities and grids they are cut into, the requests expected over the horizon and the memory
a replication needs, against this machine's memory and a generous limit on requests. It builds nothing, so it
answers at once even for the largest city the schema accepts; ``run.py`` asks it before anything runs (and
``validate`` before it builds the organisation), and refuses a scenario too large unless ``--force``.

The memory estimate is calibrated on docs/performance.md: Beijing's year (8.23 million households, 16,500
grids, about 65,000 requests a day) peaks at 752 MB, Wuchang's at 184 MB; it errs on the large side.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .durations import DAY
from .errors import ScenarioError
from .schema import Scenario

MAX_REQUESTS = 1_000_000_000  # a replication: about a day of computing at 90 µs a request (Beijing's year: 25 M)
MICROSECONDS_PER_REQUEST = 90.0  # Beijing's year on one core (docs/performance.md)
BASE_BYTES = 200e6  # Python, NumPy, pandas and SimPy loaded, the tables of a small run
GRID_BYTES = 2e3  # a grid's workers' pool and duties
COMMUNITY_BYTES = 1e3  # a community (or a part of one split by community_cap), its shares and odds
STREET_BYTES = 50e3  # a street's centre, forces, random streams and tables
REQUEST_DAY_BYTES = 10e3  # for each request a day: those in the system at once, and what is counted of them


@dataclass(frozen=True)
class Size:
    """What a scenario asks for: an estimate, from its numbers only."""

    households: int
    streets: int
    communities: int  # after splitting by community_cap
    grids: int
    requests: float  # expected over the horizon: problems and questions (repeats and redials not counted)
    days: float
    memory: float  # bytes, one replication

    @classmethod
    def of(cls, scenario: Scenario) -> "Size":
        org = scenario.organisation
        streets = org.streets
        communities = streets * org.communities_per_street
        spread = org.households_per_community
        households = (org.total_households if org.total_households is not None
                      else round(communities * max(spread.mean, spread.min)))
        if org.community_cap is not None:
            communities += households // org.community_cap  # a community of n households splits into ceil(n/cap)
        grids = households // scenario.grid.households + communities
        days = scenario.horizon / DAY
        per_day = households * (scenario.demand.problems_per_household_per_year
                                + scenario.consultation.per_household_per_year) / 365
        memory = (BASE_BYTES + GRID_BYTES * grids + COMMUNITY_BYTES * communities + STREET_BYTES * streets
                  + REQUEST_DAY_BYTES * per_day)
        return cls(households, streets, communities, grids, per_day * days, days, memory)


def machine_memory() -> Optional[float]:
    """This machine's physical memory in bytes (page size x physical pages), or None where it cannot be asked."""
    try:
        return float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        return None


def check_size(scenario: Scenario, force: bool = False, file: Optional[str | Path] = None,
               memory: Optional[float] = None) -> Size:
    """The scenario's size; a ``ScenarioError`` saying how large it is if this machine cannot simulate it (more
    memory than the machine has, or more than ``MAX_REQUESTS`` requests a replication), unless ``force``."""
    size = Size.of(scenario)
    memory = machine_memory() if memory is None else memory
    too_much_memory = memory is not None and size.memory > memory
    too_many_requests = size.requests > MAX_REQUESTS
    if force or not (too_much_memory or too_many_requests):
        return size
    hours = size.requests * MICROSECONDS_PER_REQUEST / 1e6 / 3600
    limits = []
    if too_much_memory:
        limits.append(f"this machine has {_gb(memory)} of memory")
    if too_many_requests:
        limits.append(f"gridgov refuses more than {MAX_REQUESTS:,} requests a replication")
    name = f"'{scenario.name}' " if scenario.name else ""
    raise ScenarioError(
        f"scenario {name}is too large for this machine: it asks for {size.households:,} households in "
        f"{size.communities:,} communities and {size.grids:,} grids, and about {_count(size.requests)} requests "
        f"over {size.days:,.4g} days (about {_duration(hours)} of computing a replication), about "
        f"{_gb(size.memory)} of memory a replication; {' and '.join(limits)}. Make the city, its demand or the "
        f"horizon smaller, or add --force to run it anyway.", file)


def _gb(size: float) -> str:
    return f"{size / 1e9:,.1f} GB" if size >= 1e9 else f"{size / 1e6:,.0f} MB"


def _count(n: float) -> str:
    for value, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if n >= value:
            return f"{n / value:,.3g} {word}"
    return f"{n:,.0f}"


def _duration(hours: float) -> str:
    if hours >= 48:
        return f"{hours / 24:,.0f} days"
    if hours >= 1:
        return f"{hours:,.1f} hours"
    return f"{max(1, math.ceil(hours * 60)):,} minutes"
