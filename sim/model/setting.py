"""The fixed setting of one replication: its scenario, the organisation, the working calendar and the months.

Built once from a validated scenario before anything runs, and shared by the model and whoever observes
it, so that both count days, months and urgency classes alike.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import cached_property

from sim.scenario.durations import DAY
from sim.scenario.schema import Scenario

from .calendar import WorkCalendar
from .organisation import City, build_city


def month_of_day(start: dt.date, days: int) -> list[int]:
    """Calendar month index (0 = the start month) of each simulated day."""
    out = []
    for d in range(days):
        date = start + dt.timedelta(days=d)
        out.append((date.year - start.year) * 12 + date.month - start.month)
    return out


def month_ends(start: dt.date, horizon: float) -> list[float]:
    """Simulated minutes at which each calendar month ends, before the horizon."""
    ends, year, month = [], start.year, start.month
    while True:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        minutes = (dt.date(year, month, 1) - start).days * DAY
        if minutes >= horizon:
            return ends
        ends.append(minutes)


@dataclass(frozen=True)
class Setting:
    """What stays fixed during a replication: the scenario, which branch of its seed tree, the city, the grid
    workers' calendar, the calendar month of each simulated day, and the urgency classes in index order."""

    scenario: Scenario
    replication: int
    city: City
    calendar: WorkCalendar
    month_of_day: list[int]
    urgencies: list[str]

    @classmethod
    def of(cls, scenario: Scenario, replication: int = 0) -> "Setting":
        shift = scenario.grid.shift
        days = max(1, math.ceil(scenario.horizon / DAY))
        return cls(scenario, replication, build_city(scenario),
                   WorkCalendar(shift.start, shift.end, shift.days, scenario.start_date.weekday()),
                   month_of_day(scenario.start_date, days), list(scenario.time_limits))

    @cached_property
    def days(self) -> int:
        """Simulated days, the last one cut at the horizon."""
        return len(self.month_of_day)

    @cached_property
    def months(self) -> int:
        """Calendar months the horizon touches."""
        return self.month_of_day[-1] + 1

    @cached_property
    def month_ends(self) -> list[float]:
        """Simulated minutes at which each calendar month ends, before the horizon."""
        return month_ends(self.scenario.start_date, self.scenario.horizon)

    def day_at(self, now: float) -> int:
        """The simulated day ``now`` falls in (the horizon itself in the last day)."""
        day = int(now // DAY)
        return day if day < self.days else self.days - 1

    def month_at(self, now: float) -> int:
        """The calendar month (0 = the start month) of the day ``now`` falls in."""
        return self.month_of_day[self.day_at(now)]

    def cell(self, street: int, now: float) -> int:
        """Index of (``street``, the month of ``now``) in a street-by-month table."""
        return street * self.months + self.month_at(now)
