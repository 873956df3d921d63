"""Working time: the grid workers' shifts, and what they mean in simulated minutes.

A shift runs from ``start`` to ``end`` (minutes after midnight) on the
working weekdays (Monday = 0). Simulated time 0 is midnight of the scenario's
``start_date``. Working days are numbered in order (index 0 = the first
working day of the start week), which is how patrol rounds and home-visit
cycles are laid out.
"""

from __future__ import annotations

import math

from sim.scenario.durations import DAY


class WorkCalendar:
    """Shifts on working weekdays, from a start date that falls on ``start_weekday``."""

    __slots__ = ("start", "end", "days", "offset", "per_week", "_before", "_week", "_long")

    def __init__(self, start: float, end: float, days: list[int], start_weekday: int):
        self.start, self.end = start, end
        self.days = sorted(set(days))
        self.offset = start_weekday  # absolute day a = simulated day + offset; a % 7 is the weekday
        self.per_week = len(self.days)
        self._before = [sum(1 for d in self.days if d < w) for w in range(8)]  # working days before weekday w
        self._week = self.per_week * (end - start)  # working minutes in a week
        self._long = 52 * self._week  # more work than a year's is done by whole weeks first (``_whole_weeks``)

    @property
    def shift(self) -> float:
        """Length of a shift in minutes."""
        return self.end - self.start

    def index_of_day(self, day: int) -> int:
        """Index of the first working day on or after simulated day ``day``."""
        a = day + self.offset
        return (a // 7) * self.per_week + self._before[a % 7]

    def day_of_index(self, index: int) -> int:
        """Simulated day of the working day with this index."""
        week, k = divmod(index, self.per_week)
        return week * 7 + self.days[k] - self.offset

    def is_working_day(self, day: int) -> bool:
        return (day + self.offset) % 7 in self.days

    def next_on(self, t: float) -> float:
        """``t`` if it falls in a shift, else the start of the next shift."""
        day = int(t // DAY)
        if self.is_working_day(day):
            clock = t - day * DAY
            if clock < self.start:
                return day * DAY + self.start
            if clock < self.end:
                return t
        return self.day_of_index(self.index_of_day(day + 1)) * DAY + self.start

    def finish(self, t: float, work: float) -> float:
        """When ``work`` minutes of working time started at ``t`` are done."""
        t = self.next_on(t)
        if not work <= self._long:  # more than a year's working time (or not a number): skip whole weeks
            t, work = self._whole_weeks(t, work)
        return self.shift_by_shift(t, work)

    def shift_by_shift(self, t: float, work: float) -> float:
        """When ``work`` minutes started at ``t``, a moment of a shift, are done, counted one shift at a time
        (what ``finish`` does for up to a year's work, and the yardstick its whole weeks are tested against)."""
        while True:
            shift_end = math.floor(t / DAY) * DAY + self.end
            if work <= shift_end - t:
                return t + work
            work -= shift_end - t
            t = self.next_on(shift_end)

    def _whole_weeks(self, t: float, work: float) -> tuple[float, float]:
        """``t`` (in a shift) moved on by the whole weeks of ``work`` but one, and the work left: a week on from
        a moment of a shift is the same moment of the same weekday's shift, a week's working time later. So a
        huge amount of work takes a few steps, not one a shift; and the finish of more than a thousand years'
        work, which no horizon reaches, is put at ``t + work`` without counting shifts at all."""
        if not math.isfinite(work):
            raise ValueError(f"working time to finish must be a finite number of minutes, not {work}")
        weeks = math.floor(work / self._week) - 1
        if weeks * 7 * DAY > 1000 * 365 * DAY:
            return t + work, 0.0
        return t + weeks * 7 * DAY, work - weeks * self._week

    def working_between(self, a: float, b: float) -> float:
        """Working minutes between times ``a`` and ``b``."""
        total, day = 0.0, int(a // DAY)
        while day * DAY < b:
            if self.is_working_day(day):
                lo, hi = max(a, day * DAY + self.start), min(b, day * DAY + self.end)
                total += max(0.0, hi - lo)
            day += 1
        return total
