"""Handling at levels A-D, escalation, and whether the matter is solved (MODEL.md 2.5, 2.7, 2.8).

A level first needs a handler (A: the grid's worker, on shift and with
only the share of the shift its other duties leave; B: the forces the
whistle summons; C: district coordinators; D: city departments), who
responds to the resident when starting (if nobody has yet: usually the
street centre or grid worker already has) and works the ``effort``; then the
matter takes its ``lead_time`` of calendar time. Emergencies go ahead of
other matters in every queue. It closes at this level if the level has the
powers the matter needs and it finishes within ``escalate_after``;
otherwise it goes up one level when the level gives up or its time runs
out. Escalation only ever goes up, and D always closes.

Whether a closed matter is solved: the log-odds of solving are those of a
matter of its needed level (``levels.*.solve_prob``), plus ``levels.powers``
for every level the handler stands above the need, less the category's
``difficulty``, plus a monthly topic's ``easier`` once its fix is in effect,
plus at A the grid worker's ``care`` (the time they can give each matter);
at B the summoned crew's ``chance`` factor (late arrival, idling, leaving
early) multiplies the probability. A street named at the monthly meeting
handles its A and B matters faster and solves more of them, and may rush
closures (``ranking.pressure.gaming``), even of matters beyond its powers:
closed unsolved, and the resident talked into reporting them solved. At B
the street waits for the summoned teams however long they take; the time
limit counts from the whistle.
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
from .odds import log_odds, logistic
from .organisation import City
from .pool import Pool
from .request import CLOSED, EFFORT, GAME, LEAD, SOLVE, Request
from .whistle import Whistle

A, B, C, D = range(len(LEVELS))
POOLS = ("grid_workers", None, "district", "city")  # the observer's name of each level's handlers (B: teams)


class Handling:
    """The four levels' handlers, efforts, lead times, solve chances and time limits."""

    def __init__(self, env: Environment, scenario: Scenario, city: City, calendar: WorkCalendar,
                 gridwork: GridWork, priority: list[bool], whistle: Whistle,
                 governance: Governance, observer: Observer):
        self.env, self.observer, self.whistle, self.governance = env, observer, whistle, governance
        self.calendar, self.priority = calendar, priority
        self.lead_share = [scenario.time_limits[u].lead_share for u in scenario.time_limits]  # by urgency index
        levels = [scenario.levels[name] for name in LEVELS]
        self.effort = [level.effort.transform() for level in levels]  # of the request's own draws
        self.lead = [level.lead_time.transform() for level in levels]
        self.solve_odds = [log_odds(level.solve_prob) for level in levels]
        self.powers = scenario.levels.powers
        self.difficulty = [category.difficulty for category in scenario.demand.categories]
        self.escalate_after = [level.escalate_after if index < D else None for index, level in enumerate(levels)]
        w = scenario.whistle
        self.stay, self.leave_after = w.stay_until_done, w.leave_after
        self.stations = [observer.station(f"level_{name}") for name in LEVELS]
        self.handling_share, self.care = gridwork.handling_share, gridwork.care
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
            if level == B:
                crew = yield from self.whistle.summon(req)
                effort = self.effort[B](req.draws[EFFORT + B]) * self.pace(req, B)
                on_site = effort if self.stay else min(effort, self.leave_after)  # 事不完、人不撤, or not
                yield env.timeout(on_site)
                self.whistle.stand_down(crew)
                factor, started = crew.chance * (on_site / effort if effort > 0 else 1.0), True
            else:
                factor = 1.0
                started = yield from self.work(req, level, deadline)
            if started:
                lead = self.lead[level](req.draws[LEAD + level]) * self.pace(req, level) * self.lead_share[req.urgency]
                if (req.needed <= level or self.rushes(req, level)) and env.now + lead <= deadline:
                    yield env.timeout(lead)
                    chance = self.close(req, level, factor)
                    here.leave(env.now, entered)
                    obs.closed(env.now, req, level, chance)
                    return
                yield env.timeout(max(0.0, min(env.now + lead, deadline) - env.now))
            here.leave(env.now, entered)
            level += 1
            obs.escalated(env.now, req, level)

    def rushes(self, req: Request, level: int) -> bool:
        """Whether a street under ranking pressure rushes this matter closed at ``level`` (A or B)."""
        governance = self.governance
        return level <= B and governance.pressured[req.street] and req.fate[GAME] < governance.gaming

    def chance(self, req: Request, level: int, factor: float) -> float:
        """The probability the matter is solved when ``level`` closes it, the crew's ``factor`` applied."""
        if level < req.needed:
            return 0.0  # beyond this level's powers: only a rushed closure closes it here
        odds = (self.solve_odds[req.needed] + self.powers * (level - req.needed) - self.difficulty[req.category]
                + self.governance.easier[req.category] + (self.care[req.community] if level == A else 0.0))
        p = logistic(odds) * factor
        governance = self.governance
        if governance.pressured[req.street] and level <= B:
            p += governance.solve_boost * (1.0 - p)
        return p

    def close(self, req: Request, level: int, factor: float) -> float:
        """The matter closes at ``level``: solved or not, or under ranking pressure perhaps rushed (closed
        unsolved, reported solved); return the chance it had of being solved."""
        p = self.chance(req, level, factor)
        req.gamed = self.rushes(req, level)
        req.solved = not req.gamed and req.fate[SOLVE] < p
        req.closed = self.env.now
        req.outcome = CLOSED
        return p

    def work(self, req: Request, level: int, deadline: float) -> Generator:
        """Get a handler of ``level`` before the deadline, respond, and do the effort; False if none came."""
        env, obs = self.env, self.observer
        arrived = env.now
        pool = self.handler(req, level)
        turn = pool.acquire(self.priority[req.urgency])
        if turn is not None:
            if deadline < math.inf:
                pool.give_up_after(turn, max(0.0, deadline - env.now))
            if not (yield turn):
                return False
        effort = self.effort[level](req.draws[EFFORT + level]) * self.pace(req, level)
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
