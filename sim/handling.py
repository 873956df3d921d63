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

from .request import GAME, SOLVE, Request
from .schema import LEVELS
from .whistle import blow

A, B, C, D = 0, 1, 2, 3
POOLS = ("grid_workers", None, "district", "city")
LEVEL_FLOWS = tuple(f"level_{name}" for name in LEVELS)


def handle(model, req: Request, level: int):
    """Work the ticket from ``level`` up until some level closes it."""
    env, rec = model.env, model.recorder
    while True:
        spec = model.scenario.levels[LEVELS[level]]
        req.path += LEVELS[level]
        entered, here = env.now, rec.flows[LEVEL_FLOWS[level]]
        here.enter(entered)
        limit = spec.escalate_after if level < D else None
        deadline = math.inf if limit is None else env.now + limit
        if level == B:
            idle = yield from blow(model, req)
            started = True
        else:
            idle = False
            started = yield from work(model, req, level, deadline)
        if started:
            lead = model.lead[level]() * pace(model, req, level)
            if req.needed <= level and env.now + lead <= deadline:
                yield env.timeout(lead)
                solve_p = spec.solve_prob * (model.scenario.whistle.idle_solve_factor if idle else 1.0)
                u_solve, u_game = req.fate[SOLVE], req.fate[GAME]
                pressure = model.scenario.ranking.pressure
                if model.pressured[req.street] and level <= B:
                    solve_p += pressure.solve_boost * (1.0 - solve_p)
                    req.gamed = u_game < pressure.gaming  # rushed: closed, reported solved, not solved
                    if req.gamed:
                        rec.count(req, "gamed")
                req.solved = not req.gamed and u_solve < solve_p
                rec.closed(env.now, req, level)
                here.leave(env.now, entered)
                rec.note(env.now, req, "closed", LEVELS[level], req.solved, req.gamed)
                return
            yield env.timeout(max(0.0, min(env.now + lead, deadline) - env.now))
        here.leave(env.now, entered)
        level += 1
        rec.count(req, "escalated")
        rec.note(env.now, req, "escalated", LEVELS[level])


def work(model, req: Request, level: int, deadline: float):
    """Get a handler of ``level`` before the deadline, respond, and do the effort; False if none came."""
    env, rec = model.env, model.recorder
    arrived = env.now
    pool = handler(model, req, level)
    turn = pool.acquire()
    if turn is not None:
        if deadline < math.inf:
            pool.give_up_after(turn, max(0.0, deadline - env.now))
        if not (yield turn):
            return False
    effort = model.effort[level]() * pace(model, req, level)
    if level == A:  # on shift, between chores, patrols and home visits
        start = model.calendar.next_on(env.now)
        if start > env.now:
            yield env.timeout(start - env.now)
        rec.grid_worker_starts(req, env.now - arrived)
        rec.responded(env.now, req)
        cal = model.calendar
        finish = cal.finish(env.now, effort / model.gridwork.handling_share[req.community])
        worked = cal.working_between(env.now, finish)  # the effort spreads over these shift minutes
        measured = cal.working_between(max(env.now, model.scenario.warmup), min(finish, model.horizon))
        if measured != worked:  # count only the part worked between the warm-up and the horizon
            effort *= measured / worked
        rec.worked(POOLS[level], effort)
        yield env.timeout(finish - env.now)
    else:
        rec.responded(env.now, req)
        rec.work(POOLS[level], env.now, effort)
        yield env.timeout(effort)
    pool.release()
    return True


def handler(model, req: Request, level: int):
    """The resource that handles ``level`` for this request."""
    if level == A:
        return model.grid_workers[req.grid]
    if level == C:
        return model.coordinators[model.city.streets[req.street].district]
    return model.city_staff



def pace(model, req: Request, level: int) -> float:
    """Handling-time factor: a street named at the monthly meeting works faster at A and B."""
    return model.pace[req.street] if level <= B else 1.0
