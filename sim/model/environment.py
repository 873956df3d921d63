"""SimPy's environment with its event queue split into hours.

SimPy keeps every scheduled event in one binary heap. A city holds a great
many events far ahead (lead times of days, evaluations a week later,
residents raising a problem tomorrow), so the heap grows to hundreds of
thousands of entries scattered over memory, and popping the next event, a
dozen or more cache misses deep, becomes the single largest cost of a
Beijing run. Here only the current hour's events are in the heap; later
ones wait in one list per hour, appended in constant time and heaped when
their hour comes (a calendar queue, as in Brown 1988). Events keep SimPy's
order exactly (time, then priority, then scheduling order), so results are
the same bit for bit.
"""

from __future__ import annotations

from heapq import heapify, heappop, heappush

import simpy
from simpy.core import Infinity
from simpy.events import NORMAL

from sim.scenario.durations import HOUR  # the width of a bucket

MARK = -2  # the hour mark's priority: before SimPy's URGENT (0) and its rescheduling on a stop (-1)


class Environment(simpy.Environment):
    """A ``simpy.Environment`` whose heap holds only the events before ``_bound``, the end of the current
    hour. Later events wait in ``_later``, one list per hour, the hours themselves in the heap ``_hours``;
    while any wait, an hour mark in the heap at ``_bound`` (sorted before every event of that instant) brings
    the next hour's events in, so SimPy's own ``step`` and ``run`` work unchanged."""

    def __init__(self):
        super().__init__()
        self._bound = HOUR
        self._later: dict[int, list] = {}
        self._hours: list[int] = []
        self._marked = False  # an hour mark is in the heap

    def schedule(self, event: simpy.Event, priority=NORMAL, delay=0) -> None:
        """Schedule ``event`` at ``now + delay`` (SimPy's signature)."""
        at = self._now + delay
        if at < self._bound:
            heappush(self._queue, (at, priority, next(self._eid), event))
            return
        hour = int(at // HOUR)
        later = self._later.get(hour)
        if later is None:
            later = self._later[hour] = []
            heappush(self._hours, hour)
            if not self._marked:
                self._mark()
        later.append((at, priority, next(self._eid), event))

    def _mark(self) -> None:
        """Put the hour mark at ``_bound``, before anything else of that instant (and outside SimPy's event
        numbering, so the count of scheduled events is SimPy's)."""
        mark = simpy.Event(self)
        mark._ok, mark._value = True, None
        mark.callbacks.append(self._next_hour)
        heappush(self._queue, (self._bound, MARK, -1, mark))
        self._marked = True

    def _next_hour(self, _mark) -> None:
        """The current hour is done: heap the next hour that has events (those between are empty)."""
        hour = heappop(self._hours)
        self._queue = self._later.pop(hour)
        heapify(self._queue)
        self._bound = (hour + 1) * HOUR
        self._marked = False
        if self._hours:
            self._mark()

    def peek(self) -> float:
        """The time of the next scheduled event, hour marks aside (infinity if none)."""
        if self._queue and self._queue[0][1] != MARK:  # (the mark is the heap's last entry: nothing follows it)
            return self._queue[0][0]
        return min(self._later[self._hours[0]])[0] if self._hours else Infinity
