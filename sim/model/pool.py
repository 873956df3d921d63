"""A pool of identical handlers: hotline agents, grid workers, dispatchers, teams.

First come, first served, except that a request of a priority class
(``time_limits.*.priority``: emergencies) goes ahead of every other one
waiting (提级响应，优先办理 [001]); among themselves priority requests are
also served in arrival order. Taking a free handler costs no SimPy event at all;
only a request that has to wait gets an event, which fires with ``True``
when a handler is handed over, or with ``False`` if the requester gives up
first (a caller's patience runs out, a level's time limit passes). This
keeps the uncontended path, by far the most common, as cheap as possible.
The queue reports to a ``Station`` of the observer (pools of one kind share
one), which may measure its length and waits.
"""

from __future__ import annotations

from collections import deque
from typing import Optional

from simpy import Environment, Event

from .observer import Station


class Turn(Event):
    """A place in a pool's queue, with the time it was taken."""

    def __init__(self, env: Environment, entered: float):
        super().__init__(env)
        self.entered = entered


class Pool:
    """``capacity`` handlers, taken one at a time and handed over in arrival order."""

    __slots__ = ("env", "capacity", "free", "queue", "first", "station")

    def __init__(self, env: Environment, capacity: int, station: Station):
        self.env, self.capacity, self.free = env, capacity, capacity
        self.queue: deque[Turn] = deque()
        self.first: deque[Turn] = deque()  # priority requests, served before ``queue``
        self.station = station

    def acquire(self, priority: bool = False) -> Optional[Turn]:
        """Take a handler: None if one was free, else an event to wait on (ahead of the ordinary ones for a
        ``priority`` request)."""
        if self.free:
            self.free -= 1
            self.station.passed(self.env.now)
            return None
        now = self.env.now
        turn = Turn(self.env, now)
        (self.first if priority else self.queue).append(turn)
        self.station.enter(now)
        return turn

    def give_up_after(self, turn: Turn, delay: float) -> None:
        """Withdraw the waiting ``turn`` after ``delay`` unless a handler came first."""
        def withdraw(_event) -> None:
            if not turn.triggered:
                (self.first if turn in self.first else self.queue).remove(turn)
                self.station.leave(self.env.now, turn.entered)
                turn.succeed(False)
        self.env.timeout(delay).callbacks.append(withdraw)

    def release(self) -> None:
        """Hand the handler to the next in line, or put it back."""
        if self.first or self.queue:
            turn = (self.first or self.queue).popleft()
            self.station.leave(self.env.now, turn.entered)
            turn.succeed(True)
        else:
            self.free += 1

    @property
    def waiting(self) -> int:
        """How many requests are queued."""
        return len(self.first) + len(self.queue)
