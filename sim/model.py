"""One replication of a scenario: the SimPy environment, the organisation's handlers and the streams.

``Model`` is built in one pass from a validated scenario (construct), starts
the arrival processes (elaborate), runs to the horizon (run) and hands its
recorder to ``metrics`` (result). The processes themselves live in one
module per mechanism: ``demand``, ``hotline``, ``dispatch``, ``handling``,
``whistle``, ``evaluation``, ``governance``; the grid workers' duties in
``gridworker`` and their shifts in ``calendar``.
"""

from __future__ import annotations

import datetime as dt
import gc
import math
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Optional

from .calendar import WorkCalendar
from .distributions import sampler
from .environment import Environment
from .gridworker import GridWork
from .organisation import City, build_city
from .pool import Pool
from .recorder import Recorder
from .request import Ids
from .schema import LEVELS, Scenario
from .streams import Streams

def cumulative(weights) -> list[float]:
    """Running sums, for ``Stream.choice``."""
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


@dataclass(frozen=True, slots=True)
class CategoryPlan:
    """A category as the processes use it: cumulative shares and flags ready for drawing."""

    name: str
    level_cum: list[float]  # over levels A..D
    urgency_index: list[int]
    urgency_cum: list[float]
    visible: float
    utility: bool
    whistle: str
    forces: tuple[str, ...]


def month_of_day(start: dt.date, days: int) -> list[int]:
    """Calendar month index (0 = the start month) of each simulated day."""
    out = []
    for d in range(days):
        date = start + dt.timedelta(days=d)
        out.append((date.year - start.year) * 12 + date.month - start.month)
    return out


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
    """Everything one replication needs, built from the scenario."""

    def __init__(self, scenario: Scenario, replication: int = 0,
                 sink: Optional[Callable[[list[tuple]], None]] = None, trace: bool = False):
        s = self.scenario = scenario
        self.env = Environment()
        self.city: City = build_city(scenario)
        shift = s.grid.shift
        self.calendar = WorkCalendar(shift.start, shift.end, shift.days, s.start_date.weekday())
        self.gridwork = GridWork(s, self.city, self.calendar)
        self.visit_detect = s.grid.home_visit_detect
        self.streams = Streams(scenario.seed, replication)
        self.horizon = s.horizon
        self.urgencies = list(s.time_limits)
        self.consultation_urgency = self.urgencies.index("ordinary") if "ordinary" in self.urgencies else 0
        self.next_id = Ids()
        limits = [(s.time_limits[u].response, s.time_limits[u].completion) for u in self.urgencies]
        self.immediate = [s.time_limits[u].immediate for u in self.urgencies]
        days = max(1, math.ceil(s.horizon / 1440.0))
        self.recorder = Recorder(s.horizon, len(self.city.streets), month_of_day(s.start_date, days), limits,
                                 ([c.name for c in s.demand.categories], self.urgencies), replication, sink,
                                 trace=trace, warmup=s.warmup, grids=self.city.grids)
        self.pace = [1.0] * len(self.city.streets)  # handling-time factor (1 - speedup when named)
        self.pressured = [False] * len(self.city.streets)
        self.topic_factor = [1.0] * len(s.demand.categories)  # share of a category's problems still arising
        self.topics_chosen: set[int] = set()
        self._plan_demand()
        self._build_samplers()
        self._build_handlers()

    # --- construct -----------------------------------------------------------------------------
    def _plan_demand(self) -> None:
        d = self.scenario.demand
        self.categories = [
            CategoryPlan(c.name, cumulative(c.levels.get(level, 0.0) for level in LEVELS),
                         [self.urgencies.index(u) for u in c.urgency], cumulative(c.urgency.values()),
                         c.visible, c.owner == "utility", c.whistle, tuple(c.forces))
            for c in d.categories
        ]
        self.category_names = [c.name for c in d.categories]
        self.category_cum = cumulative(c.share for c in d.categories)
        self.channels = list(d.channels)
        self.channel_cum = cumulative(d.channels.values())
        mean_day = sum(d.daily_profile) / 24
        mean_week = sum(d.weekly_profile) / 7
        # relative rate in each hour of the week, starting at Monday 00:00, mean 1
        self.week_profile = [d.daily_profile[h % 24] * d.weekly_profile[h // 24] / (mean_day * mean_week)
                             for h in range(168)]
        self.week_offset = self.scenario.start_date.weekday() * 24
        self.peak = max(self.week_profile)

    def _build_samplers(self) -> None:
        s, st = self.scenario, self.streams
        h = s.hotline
        self.talk = h.talk_time.sampler(st["hotline/talk"])
        self.patience = sampler(h.patience, st["hotline/patience"])
        self.redial = st["hotline/redial"]
        self.redial_delay = h.redial_delay.sampler(self.redial)
        self.online_delay = s.online.processing_delay.sampler(st["online"])
        self.callback = s.consultation.callback.sampler(st["consultation"])
        self.repeat_fates = st["repeat/fate"]
        self.dispatching = st["dispatch"]
        dp = s.dispatch
        self.dispatch_delay = dp.delay.sampler(self.dispatching)
        self.objection_delay = dp.objection_delay.sampler(self.dispatching)
        self.review_delay = dp.review_delay.sampler(self.dispatching)
        self.forward_delay = dp.forward_delay.sampler(self.dispatching)
        triaging = st["triage"]
        self.triage_time = s.triage.time.sampler(triaging)
        self.community_report_delay = s.triage.community_report_delay.sampler(triaging)
        self.effort = [s.levels[level].effort.sampler(st[f"handling/effort-{level}"]) for level in LEVELS]
        self.lead = [s.levels[level].lead_time.sampler(st[f"handling/lead-{level}"]) for level in LEVELS]
        self.whistling = st["whistle"]
        self.report_stationed = s.whistle.report_delay_stationed.sampler(self.whistling)
        self.report_on_call = s.whistle.report_delay_on_call.sampler(self.whistling)
        w = s.whistle
        self.report_limit = w.on_time_limit
        self.delay_factor, self.idle_factor = w.assessment.factors(w.report_timeout)
        self.evaluation_delay = s.evaluation.delay.sampler(st["evaluation"])
        self.repeat_delay = s.evaluation.repeat_delay.sampler(st["evaluation/repeat"])

    def _build_handlers(self) -> None:
        s, env, rec, city = self.scenario, self.env, self.recorder, self.city
        flows = rec.flows
        self.agents = Pool(env, s.hotline.agents, flows["hotline_queue"])
        self.lines = flows["hotline_lines"]  # callers holding a line
        rec.set_capacity("hotline_agents", s.hotline.agents)
        workers = s.grid.workers_per_grid
        self.grid_workers = [Pool(env, workers, flows["grid_worker_queue"]) for _ in range(city.grids)]
        working = self.calendar.working_between(s.warmup, s.horizon)
        duties = sum((1.0 - share) * c.grids for share, c in zip(self.gridwork.handling_share, city.communities))
        rec.set_capacity("grid_workers", workers * city.grids, working, workers * duties * working)
        staff = s.organisation.street_centre_staff
        self.centres = [Pool(env, staff, flows["street_centre_queue"]) for _ in city.streets]
        rec.set_capacity("street_centres", staff * len(city.streets))
        coordinators = s.organisation.district_coordinators
        self.coordinators = [Pool(env, coordinators, flows["district_queue"]) for _ in city.districts]
        rec.set_capacity("district", coordinators * len(city.districts))
        self.city_staff = Pool(env, s.organisation.city_department_staff, flows["city_queue"])
        rec.set_capacity("city", s.organisation.city_department_staff)
        # forces: (resource, on call?) per street and force name
        f = s.forces
        stationed_here = f.stationed_at_street
        district_teams = []  # teams on call in each district: N, plus the 1+4 pooled when withdrawn from streets
        for district in city.districts:
            teams = dict(f.on_call)
            if f.all_on_call:
                teams.update({name: n * len(district.streets) for name, n in f.stationed.items()})
            district_teams.append(teams)
        district_pools = [{name: Pool(env, n, flows["on_call_force_queue"]) for name, n in teams.items()}
                          for teams in district_teams]
        self.forces = []
        for street in city.streets:
            pools = {name: (resource, True) for name, resource in district_pools[street.district].items()}
            pools.update({name: (Pool(env, teams, flows["stationed_force_queue"]), False)
                          for name, teams in stationed_here.items()})
            self.forces.append(pools)
        rec.set_capacity("stationed_forces", sum(stationed_here.values()) * len(city.streets))
        rec.set_capacity("on_call_forces", sum(sum(teams.values()) for teams in district_teams))

    # --- elaborate and run -----------------------------------------------------------------------
    def run(self, progress: Optional[Callable[[int], None]] = None) -> Recorder:
        """Simulate to the horizon and return the recorder holding the statistics; ``progress`` hears of each
        simulated day completed."""
        from . import demand, governance  # the processes use Model; import here to keep one direction

        env = self.env
        for street in self.city.streets:
            env.process(demand.problem_arrivals(self, street))
            env.process(demand.consultation_arrivals(self, street))
        if self.scenario.demand.script:
            env.process(demand.scripted(self))
        env.process(self._days(progress))
        env.process(governance.monthly(self))
        if self.scenario.warmup > 0:
            env.process(self._end_warmup())
        with collector_paused():
            env.run(until=self.horizon)
        self.recorder.end_of_day(self.recorder.days - 1, self.horizon)
        self.recorder.close_horizon()
        return self.recorder

    def _end_warmup(self):
        """From the end of the warm-up, measure the backlog and the teams out afresh."""
        yield self.env.timeout(self.scenario.warmup)
        rec = self.recorder
        for level in (rec.backlog, *rec.teams_out.values()):
            level.restart(self.env.now)

    def _days(self, progress: Optional[Callable[[int], None]]):
        """Snapshot the backlog at the end of every day before the last (the last is taken at the horizon)."""
        for day in range(self.recorder.days - 1):
            yield self.env.timeout((day + 1) * 1440.0 - self.env.now)
            self.recorder.end_of_day(day, self.env.now)
            if progress is not None:
                progress(day + 1)
