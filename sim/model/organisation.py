"""The organisation built from a scenario: city > district > street > community > grid.

Community sizes are drawn once per scenario seed (the same in every
replication and every variant), so that a 300- and a 500-household variant
cut the same population into grids, and a community size cap splits the
same communities. Households are numbered within their
street; a household's community and grid follow from its number, which is
what lets problems be drawn per street and still land in the right grid
whatever the grid size.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from sim.scenario.schema import Scenario

from .streams import scenario_stream


@dataclass(slots=True)
class Community:
    """Residents' committee area: handles A-level matters through its grid workers."""

    index: int
    street: int
    households: int
    first_household: int  # number of its first household within the street
    first_grid: int  # global index of its first grid
    grids: int

    def grid_of(self, household: int) -> int:
        """Global grid index of a household (numbered within the street)."""
        local = household - self.first_household
        return self.first_grid + (local * self.grids) // self.households

    def grid_households(self) -> list[int]:
        """Households in each of its grids (the numbering ``grid_of`` assigns)."""
        starts = [-(-k * self.households // self.grids) for k in range(self.grids + 1)]
        return [b - a for a, b in zip(starts, starts[1:])]


@dataclass(slots=True)
class Street:
    """Street or township: its command centre triages tickets and blows the whistle."""

    index: int
    district: int
    name: str
    communities: list[Community] = field(default_factory=list)
    households: int = 0
    _starts: list[int] = field(default_factory=list)

    def community_of(self, household: int) -> Community:
        """The community a household (numbered within the street) lives in."""
        return self.communities[bisect.bisect_right(self._starts, household) - 1]


@dataclass(slots=True)
class District:
    """District: C-level coordination and the on-call departments (N)."""

    index: int
    name: str
    streets: list[Street] = field(default_factory=list)


@dataclass(slots=True)
class City:
    """The whole organisation, with flat lists for fast lookup."""

    districts: list[District]
    streets: list[Street]
    communities: list[Community]
    grids: int

    @property
    def households(self) -> int:
        return sum(s.households for s in self.streets)

    def describe(self) -> dict[str, int]:
        """Counts a user checks when validating a scenario."""
        sizes = [c.households for c in self.communities]
        return {
            "districts": len(self.districts), "streets": len(self.streets),
            "communities": len(self.communities), "communities_over_3000": sum(s > 3000 for s in sizes),
            "grids": self.grids, "households": sum(sizes),
        }


def community_sizes(scenario: Scenario) -> list[int]:
    """Household counts of every community, drawn from the scenario seed."""
    org = scenario.organisation
    count = org.streets * org.communities_per_street
    spread = org.households_per_community
    rng = scenario_stream(scenario.seed, "organisation").generator
    if spread.cv > 0:
        sigma = math.sqrt(math.log1p(spread.cv ** 2))
        sizes = rng.lognormal(math.log(spread.mean) - sigma * sigma / 2, sigma, count)
    else:
        sizes = np.full(count, spread.mean)
    if org.total_households is None:
        sizes = np.maximum(sizes, spread.min)
    else:
        sizes = _scale_to_total(sizes, org.total_households, spread.min)
    whole = np.floor(sizes).astype(np.int64)
    if org.total_households is not None:
        short = org.total_households - int(whole.sum())
        if short > 0:  # hand the rounding remainder to the largest fractional parts
            order = np.argsort(-(sizes - whole), kind="stable")[:short]
            whole[order] += 1
    return [int(x) for x in whole]


def _scale_to_total(sizes: np.ndarray, total: int, least: int) -> np.ndarray:
    """Scale sizes to sum to ``total``, holding those that would fall below ``least`` at it."""
    sizes = sizes.astype(float)
    held = np.zeros(len(sizes), dtype=bool)
    while True:
        free = ~held
        if not free.any():
            return sizes
        sizes[free] *= (total - least * held.sum()) / sizes[free].sum()
        low = free & (sizes < least)
        if not low.any():
            return sizes
        sizes[low] = least
        held |= low


def split(households: int, cap: Optional[int]) -> list[int]:
    """A community's households, split into equal consecutive parts of at most ``cap``."""
    if cap is None or households <= cap:
        return [households]
    parts = math.ceil(households / cap)
    return [(households * (k + 1)) // parts - (households * k) // parts for k in range(parts)]


def build_city(scenario: Scenario) -> City:
    """Districts, streets, communities and grids for ``scenario``."""
    org = scenario.organisation
    sizes = iter(community_sizes(scenario))
    grid_size = scenario.grid.households
    districts, streets, communities = [], [], []
    grids = 0
    for d in range(org.districts):
        district = District(d, f"district-{d + 1}")
        for _ in range(org.streets_in(d)):
            street = Street(len(streets), d, f"street-{len(streets) + 1}")
            for _ in range(org.communities_per_street):
                for households in split(next(sizes), org.community_cap):
                    count = max(1, math.ceil(households / grid_size))
                    community = Community(len(communities), street.index, households, street.households, grids,
                                          count)
                    street._starts.append(street.households)
                    street.households += households
                    street.communities.append(community)
                    communities.append(community)
                    grids += count
            district.streets.append(street)
            streets.append(street)
        districts.append(district)
    return City(districts, streets, communities, grids)
