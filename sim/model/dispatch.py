"""Tickets reaching a handler: dispatch, objections, the street centre's triage (MODEL.md 2.4-2.5).

Since 2019 the city centre dispatches tickets straight to the street
(``dispatch.mode: street``). With precise dispatch, tickets owned by a city
department or utility go straight to it, the street only informed; the
receiver contacts the resident on receipt. Urgent classes (``immediate``)
skip the centre's dispatch delay, and emergencies go ahead in the street
centre's queue. A wrong dispatch costs an objection, a review and a second
dispatch. The street centre, staffed around the clock, contacts the resident on receipt (the
response) and triages to a level; a utility ticket that reached the street
is passed on. Requests raised to a grid worker, or found on patrol, start in
the community, which keeps what it can and reports the rest to the street.
"""

from __future__ import annotations

from typing import Generator

from sim.scenario.schema import Dispatch as DispatchSection
from sim.scenario.schema import Triage

from .categories import CategoryPlan
from .environment import Environment
from .handling import A, B, D, Handling
from .observer import Observer
from .organisation import City
from .pool import Pool
from .request import (COMMUNITY_TRIAGE, DISPATCH, DISPATCH_DELAY, FORWARD_DELAY, OBJECTION_DELAY, OVERREACH,
                      REPORT_UP, REVIEW_DELAY, STREET_TRIAGE, TRIAGE_TIME, Request)


class Dispatch:
    """The city centre's dispatch, the street centres' triage and the grid workers' intake."""

    def __init__(self, env: Environment, dispatch: DispatchSection, triage: Triage, staff: int, city: City,
                 categories: list[CategoryPlan], immediate: list[bool], priority: list[bool],
                 handling: Handling, observer: Observer):
        self.env, self.observer, self.handling = env, observer, handling
        self.categories, self.immediate, self.priority = categories, immediate, priority
        self.accuracy, self.precise = dispatch.accuracy, dispatch.mode == "precise"
        self.triage_accuracy, self.overreach = triage.accuracy, triage.overreach
        self.delay = dispatch.delay.transform()  # of the request's own draws
        self.objection_delay = dispatch.objection_delay.transform()
        self.review_delay = dispatch.review_delay.transform()
        self.forward_delay = dispatch.forward_delay.transform()
        self.triage_time = triage.time.transform()
        self.community_report_delay = triage.community_report_delay.transform()
        self.centres = [Pool(env, staff, observer.station("street_centre_queue")) for _ in city.streets]
        observer.capacity("street_centres", staff * len(city.streets))

    def ticket(self, req: Request) -> Generator:
        """From the hotline or online desk to the street (or the utility), then to its handler."""
        env, obs = self.env, self.observer
        req.ticket = env.now
        obs.ticket(env.now, req)
        if not self.immediate[req.urgency]:
            yield env.timeout(self.delay(req.draws[DISPATCH_DELAY]))
        obs.sent(env.now, req)
        rightly = req.fate[DISPATCH] < self.accuracy
        if not rightly:
            req.misdispatched = True
            req.bounces += 1
            obs.misdispatched(env.now, req)
            draws = req.draws
            yield env.timeout(self.objection_delay(draws[OBJECTION_DELAY]))
            yield env.timeout(self.review_delay(draws[REVIEW_DELAY]))
            obs.redispatched(env.now, req)
            yield env.timeout(self.delay(draws[DISPATCH_DELAY]))
        if self.categories[req.category].utility and self.precise:
            obs.dispatched(env.now, req, None)
            if req.respond(env.now):  # the department contacts the resident on receipt
                obs.responded(env.now, req)
            yield from self.handling.handle(req, D)
            return
        obs.dispatched(env.now, req, req.street)
        yield from self.street_route(req)

    def community_intake(self, req: Request) -> Generator:
        """A grid worker takes the matter: kept at A if it looks like a community matter, else reported up."""
        env, obs = self.env, self.observer
        req.ticket = env.now
        obs.ticket(env.now, req)
        if req.respond(env.now):  # the grid worker is with the resident (or the problem) already
            obs.responded(env.now, req)
        if self.judge_level(req, COMMUNITY_TRIAGE) == A and not self.categories[req.category].utility:
            obs.kept(env.now, req)
            yield from self.handling.handle(req, A)
            return
        yield env.timeout(self.community_report_delay(req.draws[REPORT_UP]))
        obs.referred(env.now, req, req.street)
        yield from self.street_route(req)

    def triage_at_centre(self, req: Request) -> Generator:
        """A street dispatcher (emergencies first) spends the triage time on the request: sorting a ticket, or
        writing up a question the knowledge base does not cover, to pass on to a department."""
        env = self.env
        centre = self.centres[req.street]
        turn = centre.acquire(self.priority[req.urgency])
        if turn is not None:
            yield turn
        duration = self.triage_time(req.draws[TRIAGE_TIME])
        self.observer.busy("street_centres", env.now, duration)
        yield env.timeout(duration)
        centre.release()

    def street_route(self, req: Request) -> Generator:
        """The street centre triages the ticket, or passes a utility's ticket on."""
        env, obs = self.env, self.observer
        yield from self.triage_at_centre(req)
        if req.respond(env.now):  # the centre, staffed around the clock, contacts the resident on receipt
            obs.responded(env.now, req)
        level = self.judge_level(req, STREET_TRIAGE)
        if level == A and req.fate[OVERREACH] < self.overreach:  # the whistle as a basket for everything [000]
            level = B
        if self.categories[req.category].utility:
            req.bounces += 1
            obs.forwarded(env.now, req)
            yield env.timeout(self.forward_delay(req.draws[FORWARD_DELAY]))
            yield from self.handling.handle(req, D)
            return
        obs.triaged(env.now, req, level)
        yield from self.handling.handle(req, level)

    def judge_level(self, req: Request, who: int) -> int:
        """The level a grid worker or dispatcher assigns: right with probability ``triage.accuracy``, else one
        too low."""
        right = req.fate[who] < self.triage_accuracy
        return req.needed if right else max(0, req.needed - 1)
