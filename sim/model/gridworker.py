"""The grid worker's day: what patrols, home visits and volunteers find, and the time left for matters.

Patrols pass a grid every ``patrol_every`` working days, each at its own time
of the shift, and see a visible problem with probability ``patrol_households
/ grid households``. Home visits go round the grid's households in a cycle
that meets the yearly coverage target; a visited household may mention a
problem it has not raised. Volunteers report visible problems after an
exponential time. All three are computed when a problem appears, from draws
made then, so they cost no simulation events.
"""

from __future__ import annotations

import math

from sim.scenario.durations import DAY
from sim.scenario.schema import Committee, GridConfig, Volunteers

from .calendar import WorkCalendar
from .organisation import City, Community

INF = math.inf
GOLDEN = 0.6180339887498949  # spreads neighbouring grids' rounds over the shift and the visit cycle


class GridWork:
    """The duties of every grid worker of a scenario, on one working calendar."""

    def __init__(self, grid: GridConfig, committee: Committee, volunteers: Volunteers, city: City,
                 calendar: WorkCalendar):
        self.grid = g = grid
        self.calendar = calendar
        self.patrol_length = g.patrol_households * g.patrol_minutes_per_household
        # every household once per cycle: 52 weeks of working days a year (a year never holds fewer)
        self.cycle = math.floor(52 * calendar.per_week / g.home_visit_target) if g.home_visit_target else INF
        self.handling_share = [g.handling_share(c.households / c.grids) for c in city.communities]
        # log-odds of solving at A: the time the grid worker and the residents' committee give each matter
        self.care = [g.care_odds(c.households / c.grids) + committee.care_odds(c.households)
                     for c in city.communities]
        self.volunteer_rate = volunteers.per_1000_households * volunteers.sighting_rate / DAY  # per minute

    def patrol_finds(self, community: Community, grid: int, now: float, u: float) -> float:
        """When a patrol first sees a visible problem that appeared ``now`` in ``grid``."""
        coverage = min(1.0, self.grid.patrol_households * community.grids / community.households)
        if coverage <= 0:
            return INF
        cal, every = self.calendar, self.grid.patrol_every
        rounds = 0 if coverage >= 1 else math.floor(math.log(1.0 - u) / math.log(1.0 - coverage))
        clock = cal.start + ((grid * GOLDEN) % 1.0) * max(0.0, cal.shift - self.patrol_length)
        index = cal.index_of_day(int(now // DAY))
        index += (-(index + grid)) % every  # the grid's patrol days
        if cal.day_of_index(index) * DAY + clock <= now:
            index += every
        return cal.day_of_index(index + rounds * every) * DAY + clock

    def visit_finds(self, community: Community, household: int, now: float) -> float:
        """When the household's next home visit comes (the caller decides whether it is mentioned)."""
        if self.cycle == INF:
            return INF
        local = household - community.first_household
        grid_local = (local * community.grids) // community.households
        first = -(-grid_local * community.households // community.grids)
        size = -(-(grid_local + 1) * community.households // community.grids) - first
        grid = community.first_grid + grid_local
        position = ((grid * GOLDEN) % 1.0) * self.cycle + (local - first) * self.cycle / size
        cal = self.calendar
        day = int(now // DAY)
        today = cal.index_of_day(day)  # the first visit day still to come: today if before mid-shift
        if cal.day_of_index(today) == day and now >= day * DAY + cal.start + cal.shift / 2:
            today += 1
        rounds = math.ceil((today - position) / self.cycle)
        index = math.floor(position + rounds * self.cycle)
        if index < today:
            index = math.floor(position + (rounds + 1) * self.cycle)
        return cal.day_of_index(index) * DAY + cal.start + cal.shift / 2

    def volunteer_finds(self, now: float, exponential: float) -> float:
        """When a volunteer reports a visible problem, from a standard exponential draw."""
        return now + exponential / self.volunteer_rate if self.volunteer_rate > 0 else INF
