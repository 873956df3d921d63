"""Handling at levels A-D and escalation (MODEL.md 2.5, 2.7, 2.8).

A level first needs a handler (A: the grid's worker, on shift and with
only the share of the shift its other duties leave; B: the forces the
whistle summons; C: district coordinators; D: city departments), who
responds to the resident when starting (if nobody has yet: usually the
street centre or grid worker already has) and works the ``effort``; then the
matter takes its ``lead_time`` of calendar time. It closes at this level if
the level is high enough and it finishes within ``escalate_after``;
otherwise it goes up one level when the level gives up or its time runs
out. Escalation only ever goes up, and D always closes. A street named at
the monthly meeting handles its A and B matters faster and solves more of
them, and may rush some closures, reported solved but not solved
(``ranking.pressure``). At B the street
waits for the summoned teams however long they take; the time limit counts
from the whistle.
"""

from __future__ import annotations

import math
from typing import Generator

from sim.scenario.schema import LEVELS, Scenario

from .calendar import WorkCalendar
from .environment import Environment
from .governance import Governance
from .gridworker import GridWork
from .observer import Observer
from .organisation import City
from .pool import Pool
from .request import CLOSED, GAME, SOLVE, Request
from .streams import Streams
from .whistle import Whistle

A, B, C, D = range(len(LEVELS))
POOLS = ("grid_workers", None, "district", "city")  # the observer's name of each level's handlers (B: teams)


class Handling:
    """The four levels' handlers, efforts, lead times, solve chances and time limits."""

    def __init__(self, env: Environment, scenario: Scenario, city: City, calendar: WorkCalendar,
                 gridwork: GridWork, streams: Streams, whistle: Whistle, governance: Governance,
                 observer: Observer):
        self.env, self.observer, self.whistle, self.governance = env, observer, whistle, governance
        self.calendar = calendar
        levels = [scenario.levels[name] for name in LEVELS]
        self.effort = [level.effort.sampler(streams[f"handling/effort-{name}"]) for name, level in zip(LEVELS, levels)]
        self.lead = [level.lead_time.sampler(streams[f"handling/lead-{name}"]) for name, level in zip(LEVELS, levels)]
        self.solve_prob = [level.solve_prob for level in levels]
        self.escalate_after = [level.escalate_after if index < D else None for index, level in enumerate(levels)]
        self.idle_solve_factor = scenario.whistle.idle_solve_factor
        self.stations = [observer.station(f"level_{name}") for name in LEVELS]
        self.handling_share = gridwork.handling_share
        self.district_of = [street.district for street in city.streets]
        org, workers = scenario.organisation, scenario.grid.workers_per_grid
        self.grid_workers = [Pool(env, workers, observer.station("grid_worker_queue")) for _ in range(city.grids)]
        working = calendar.working_between(scenario.warmup, scenario.horizon)
        duties = sum((1.0 - share) * c.grids for share, c in zip(gridwork.handling_share, city.communities))
        observer.capacity("grid_workers", workers * city.grids, working, workers * duties * working)
        self.coordinators = [Pool(env, org.district_coordinators, observer.station("district_queue"))
                             for _ in city.districts]
        observer.capacity("district", org.district_coordinators * len(city.districts))
        self.city_staff = Pool(env, org.city_department_staff, observer.station("city_queue"))
        observer.capacity("city", org.city_department_staff)

    def handle(self, req: Request, level: int) -> Generator:
        """Work the ticket from ``level`` up until some level closes it."""
        env, obs = self.env, self.observer
        while True:
            req.path += LEVELS[level]
            entered, here = env.now, self.stations[level]
            here.enter(entered)
            limit = self.escalate_after[level]
            deadline = math.inf if limit is None else env.now + limit
            if level == B:  # the teams stay until the work is done
                crew = yield from self.whistle.summon(req)
                yield env.timeout(self.effort[B]() * self.pace(req, B))
                self.whistle.stand_down(crew)
                idle, started = crew.idle, True
            else:
                idle = False
                started = yield from self.work(req, level, deadline)
            if started:
                lead = self.lead[level]() * self.pace(req, level)
                if req.needed <= level and env.now + lead <= deadline:
                    yield env.timeout(lead)
                    self.close(req, level, idle)
                    here.leave(env.now, entered)
                    obs.closed(env.now, req, level)
                    return
                yield env.timeout(max(0.0, min(env.now + lead, deadline) - env.now))
            here.leave(env.now, entered)
            level += 1
            obs.escalated(env.now, req, level)

    def close(self, req: Request, level: int, idle: bool) -> None:
        """The matter closes at ``level``: solved or not, and under ranking pressure perhaps rushed (reported
        solved, not solved)."""
        solve_p = self.solve_prob[level] * (self.idle_solve_factor if idle else 1.0)
        u_solve, u_game = req.fate[SOLVE], req.fate[GAME]
        governance = self.governance
        if governance.pressured[req.street] and level <= B:
            solve_p += governance.solve_boost * (1.0 - solve_p)
            req.gamed = u_game < governance.gaming  # rushed: closed, reported solved, not solved
        req.solved = not req.gamed and u_solve < solve_p
        req.closed = self.env.now
        req.outcome = CLOSED

    def work(self, req: Request, level: int, deadline: float) -> Generator:
        """Get a handler of ``level`` before the deadline, respond, and do the effort; False if none came."""
        env, obs = self.env, self.observer
        arrived = env.now
        pool = self.handler(req, level)
        turn = pool.acquire()
        if turn is not None:
            if deadline < math.inf:
                pool.give_up_after(turn, max(0.0, deadline - env.now))
            if not (yield turn):
                return False
        effort = self.effort[level]() * self.pace(req, level)
        if level == A:  # on shift, between chores, patrols and home visits
            cal = self.calendar
            start = cal.next_on(env.now)
            if start > env.now:
                yield env.timeout(start - env.now)
            obs.grid_worker_starts(env.now, req, env.now - arrived)
            if req.respond(env.now):
                obs.responded(env.now, req)
            finish = cal.finish(env.now, effort / self.handling_share[req.community])
            obs.grid_worker_works(env.now, finish, effort)  # the effort spreads over the shift minutes till then
            yield env.timeout(finish - env.now)
        else:
            if req.respond(env.now):
                obs.responded(env.now, req)
            obs.busy(POOLS[level], env.now, effort)
            yield env.timeout(effort)
        pool.release()
        return True

    def handler(self, req: Request, level: int) -> Pool:
        """The pool that handles ``level`` for this request."""
        if level == A:
            return self.grid_workers[req.grid]
        if level == C:
            return self.coordinators[self.district_of[req.street]]
        return self.city_staff

    def pace(self, req: Request, level: int) -> float:
        """Handling-time factor: a street named at the monthly meeting works faster at A and B."""
        return self.governance.pace[req.street] if level <= B else 1.0
