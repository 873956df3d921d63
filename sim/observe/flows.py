"""Places requests pass through, observed day by day: queues, handling levels, open tickets, teams out.

A ``Flow`` watches one of the model's stations (``sim.model.observer.STATIONS``):
a count of units that arrive and leave one at a time. It keeps the integral
of the count over time (its time-weighted mean, from the end of the warm-up,
is what ``mean_backlog`` and the teams' utilisation report) and, for every
simulated day, the units that arrived,
how many of them have left, the total time they spent inside (up to the
horizon for those still there), the integral of the count over that day
and the count when the day ended. From these, L (time-weighted mean number
present), lambda (arrivals per minute) and W (mean time inside) of any
window of days follow, so that Little's law L = lambda W can be checked
(docs/validation.md), exactly over a window that opens and closes empty.
"""

from __future__ import annotations

from sim.scenario.durations import DAY

NAN = float("nan")


class Flow:
    """Units arriving and leaving one at a time, tallied by the day each arrived (a ``Station``).

    ``area`` integrates the count from ``origin`` (0, or the end of the
    warm-up after ``restart``). ``stay[d]`` sums exit minus entry time over
    the units that arrived on day ``d``: entries are subtracted as units
    arrive and exits added as they leave, and ``close`` adds the horizon for
    those still inside. (The count's changes are written out in ``enter``
    and ``leave``, which run on every step of every request.)
    """

    __slots__ = ("value", "area", "since", "origin", "last", "cut_at", "arrivals", "departures", "stay",
                 "day_area", "at_end")

    def __init__(self, days: int = 1):
        self.value, self.area, self.since, self.origin = 0, 0.0, 0.0, 0.0
        self.last = days - 1
        self.cut_at = 0.0  # the integral when the last day ended, on the scale of ``area``
        self.arrivals, self.departures = [0] * days, [0] * days
        self.stay, self.day_area = [0.0] * days, [0.0] * days
        self.at_end = [0] * days  # the count when each day ended (the last: at the horizon)

    def enter(self, now: float) -> None:
        """A unit arrives and stays."""
        self.area += self.value * (now - self.since)
        self.value += 1
        self.since = now
        day = int(now // DAY)
        if day > self.last:
            day = self.last
        self.arrivals[day] += 1
        self.stay[day] -= now

    def leave(self, now: float, entered: float) -> None:
        """The unit that arrived at ``entered`` leaves."""
        self.area += self.value * (now - self.since)
        self.value -= 1
        self.since = now
        day = int(entered // DAY)
        if day > self.last:
            day = self.last
        self.departures[day] += 1
        self.stay[day] += now

    def passed(self, now: float) -> None:
        """A unit arrives and leaves at once (a free handler): an arrival with no stay."""
        day = int(now // DAY)
        if day > self.last:
            day = self.last
        self.arrivals[day] += 1
        self.departures[day] += 1

    def restart(self, now: float) -> None:
        """Measure the time-weighted mean from ``now`` on (the end of the warm-up); the days run on."""
        self.area += self.value * (now - self.since)
        self.since = now
        self.cut_at -= self.area
        self.area, self.origin = 0.0, now

    def mean(self, until: float) -> float:
        """The time-weighted mean count between ``origin`` and ``until``."""
        span = until - self.origin
        return (self.area + self.value * (until - self.since)) / span if span > 0 else NAN

    def end_of_day(self, day: int, now: float) -> None:
        """Close day ``day``'s integral of the count at ``now``."""
        total = self.area + self.value * (now - self.since)
        self.day_area[day] = total - self.cut_at
        self.cut_at = total
        self.at_end[day] = self.value

    def close(self, horizon: float) -> None:
        """At the horizon: count the units still inside as staying until it."""
        self.at_end[self.last] = self.value
        for day, (came, left) in enumerate(zip(self.arrivals, self.departures)):
            self.stay[day] += (came - left) * horizon
