"""One replication of a scenario: the SimPy environment, the organisation, the streams and the mechanisms.

``Model`` is built in one pass from a ``Setting`` and an observer
(construct): each mechanism is an object built from its scenario section,
holding its pools and samplers. ``run`` starts the arrival processes and the
clock (elaborate) and runs to the horizon; the observer has heard every fact
by then. The request's life reads top to bottom in ``life``; its steps are
``demand``, ``hotline``, ``dispatch``, ``handling`` with ``whistle``,
``followup`` and ``governance``; the grid workers' duties are in
``gridworker`` and their shifts in ``calendar``.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Callable, Generator, Optional

from sim.scenario.durations import DAY

from .appraisal import Appraisal
from .categories import CategoryPlan
from .demand import Demand
from .dispatch import Dispatch
from .draws import Keyed
from .environment import Environment
from .followup import FollowUp
from .governance import Governance
from .gridworker import GridWork
from .handling import Handling
from .hotline import Hotline
from .life import Life
from .observer import Observer
from .request import Ids
from .setting import Setting
from .streams import Streams
from .whistle import Whistle


@contextmanager
def collector_paused():
    """Python's cyclic garbage collector off while the model runs.

    A run makes no reference cycles (tests/test_performance.py checks it), so
    reference counting frees every finished request at once; the collector
    would find nothing, yet it rescans the whole live model (every queued
    request, pool and process) more and more often as the model grows: a
    third of a Beijing run's time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Model:
    """The environment, the city, the calendar, the streams, the observer and the mechanisms of one
    replication."""

    def __init__(self, setting: Setting, observer: Optional[Observer] = None):
        s = self.scenario = setting.scenario
        self.setting = setting
        self.observer = observer = observer if observer is not None else Observer()
        self.env = env = Environment()
        self.city, self.calendar = city, calendar = setting.city, setting.calendar
        self.streams = streams = Streams(s.seed, setting.replication)
        ids, keyed = Ids(), Keyed()
        categories = [CategoryPlan.of(c, setting.urgencies) for c in s.demand.categories]
        limits = [s.time_limits[u] for u in setting.urgencies]
        priority = [limit.priority for limit in limits]
        self.governance = Governance(env, setting)
        self.gridwork = GridWork(s.grid, s.committee, s.volunteers, city, calendar)
        self.hotline = Hotline(env, s.hotline, keyed, observer)
        self.appraisal = Appraisal(env, s.whistle, setting.month_ends)
        self.whistle = Whistle(env, s.whistle, s.forces, city, categories, priority, self.appraisal, observer)
        self.handling = Handling(env, s, city, calendar, self.gridwork, priority, self.whistle,
                                 self.governance, observer)
        self.dispatch = Dispatch(env, s.dispatch, s.triage, s.organisation.street_centre_staff, city, categories,
                                 [limit.immediate for limit in limits], priority, self.handling, observer)
        self.follow_up = FollowUp(env, s.evaluation, limits, self.governance, observer)
        self.life = Life(env, s, calendar, ids, keyed, self.hotline, self.dispatch, self.follow_up,
                         self.governance, observer)
        self.demand = Demand(env, s, city, categories, setting.urgencies, streams, ids, self.gridwork,
                             self.governance, self.life, observer)

    def run(self, progress: Optional[Callable[[int], None]] = None) -> None:
        """Simulate to the horizon; ``progress`` hears of each simulated day completed."""
        env, horizon = self.env, self.scenario.horizon
        self.demand.start()
        env.process(self._days(progress))
        env.process(self.governance.monthly())
        if self.appraisal.rated:
            env.process(self.appraisal.monthly())
        if self.scenario.warmup > 0:
            env.process(self._end_warmup())
        with collector_paused():
            env.run(until=horizon)
        self.observer.day_ended(self.setting.days - 1, horizon)
        self.observer.horizon_reached(horizon)

    def _end_warmup(self) -> Generator:
        """Tell the observer when the warm-up is over."""
        yield self.env.timeout(self.scenario.warmup)
        self.observer.warmup_over(self.env.now)

    def _days(self, progress: Optional[Callable[[int], None]]) -> Generator:
        """The end of every day before the last (which ends at the horizon)."""
        for day in range(self.setting.days - 1):
            yield self.env.timeout((day + 1) * DAY - self.env.now)
            self.observer.day_ended(day, self.env.now)
            if progress is not None:
                progress(day + 1)
