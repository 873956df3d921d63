"""The room: one pool of simulation workers for every participant of a server, and whose run is where.

Every participant's run goes to one pool (``--workers`` processes, default
one per core), so that a room shares the machine's cores, first come first
served. The pool's workers are started, and have imported the simulation,
when the room is made (``serve`` makes it before Streamlit serves a page), so
the first run after start-up does not pay for starting them. The room keeps
each participant's run until their page collects it: a participant has at
most one run in the pool (a second click gets the same run back, adding no
work), a run is never dropped because the page was redrawn meanwhile, and a
page can say how many runs are ahead of its own.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Callable, Optional

from sim.experiment.engines import watch_parent

from . import runner

WORKERS = "GRIDGOV_WORKSHOP_WORKERS"  # environment variable: gridgov workshop --workers


@dataclass
class Ticket:
    """A participant's run in the pool: its place in the queue, when Run was pressed and when it started, and
    what the page says of it while it waits (``about``)."""

    place: int
    clicked: float                   # time.monotonic() when the page saw the Run click
    about: dict
    future: Future
    started: Optional[float] = None  # the click if a worker was free, else when a page first saw one free

    def waited(self) -> float:
        """Seconds from the click until now (the whole wait, once the run is done)."""
        return time.monotonic() - self.clicked

    def queued(self) -> float:
        """Seconds the run waited behind others before a worker took it (0 if a worker was free at the click; up
        to now if no page has seen it start)."""
        return (self.started or time.monotonic()) - self.clicked


class Room:
    """The pool of ``workers`` simulation processes and each participant's run in it."""

    def __init__(self, workers: int):
        self.workers = workers
        self._pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=watch_parent)   # workers exit with the server
        self._lock = threading.Lock()
        self._places = itertools.count(1)
        self._tickets: dict[str, Ticket] = {}   # participant -> run not yet collected by their page
        self._warm()

    def _warm(self) -> None:
        """Start every worker and wait until each has imported the simulation (a second or two of a spawned
        process's life), so that the first participant's run does not wait for it."""
        wait([self._pool.submit(runner.ready) for _ in range(self.workers)])

    def submit(self, participant: str, clicked: float, about: dict, task: Callable, *args) -> Ticket:
        """The participant's run in the pool: ``task(*args)`` submitted now, or the run they already have there
        (a double click, a second page of the same session), which adds no work."""
        with self._lock:
            ticket = self._tickets.get(participant)
            if ticket is None:
                place = next(self._places)
                started = clicked if self._ahead(place) < self.workers else None   # a worker is free for it
                ticket = Ticket(place, clicked, about, self._pool.submit(task, *args), started)
                self._tickets[participant] = ticket
            return ticket

    def ticket(self, participant: str) -> Optional[Ticket]:
        """The participant's run in the pool, finished or not, until their page collects it."""
        with self._lock:
            return self._tickets.get(participant)

    def ahead(self, ticket: Ticket) -> int:
        """How many runs submitted before this one are still in the pool (queued or simulating); the first time
        fewer than ``workers`` are, the run has started."""
        with self._lock:
            count = self._ahead(ticket.place)
            if count < self.workers and ticket.started is None:
                ticket.started = time.monotonic()
            return count

    def _ahead(self, place: int) -> int:
        """How many runs before ``place`` in the queue are not finished (the caller holds the lock)."""
        return sum(1 for t in self._tickets.values() if t.place < place and not t.future.done())

    def collect(self, participant: str) -> Optional[Ticket]:
        """The participant's finished run, handed out once (two redraws of a page cannot both take it); None
        while it is in the pool."""
        with self._lock:
            ticket = self._tickets.get(participant)
            if ticket is None or not ticket.future.done():
                return None
            del self._tickets[participant]
            return ticket

    def close(self) -> None:
        """Stop the workers, dropping runs not yet started (the server is stopping)."""
        self._pool.shutdown(wait=True, cancel_futures=True)


_made = threading.Lock()
_room: Optional[Room] = None


def shared() -> Room:
    """This server's room, made on first use (``serve`` makes it before the first page is served)."""
    global _room
    with _made:
        if _room is None:
            _room = Room(int(os.environ.get(WORKERS) or os.cpu_count() or 1))
        return _room
