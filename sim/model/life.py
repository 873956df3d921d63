"""The life of a request, top to bottom (MODEL.md section 2).

A problem, once raised by its resident or found by a grid worker, enters by
its channel (a hotline call, the online desk, the community's group chat,
the grid worker on shift), becomes a ticket dispatched to its street or
taken in by the community, is handled from its level up until some level
closes it, and is followed up; unsolved, it may come back as a repeat. A
question (a consultation) is answered on the call from the knowledge base,
or later by a department's callback. Each step is a mechanism of its own
module; this one only strings them together, in the order a resident meets
them.
"""

from __future__ import annotations

from typing import Generator

from sim.scenario.schema import Scenario

from .calendar import WorkCalendar
from .dispatch import Dispatch
from .environment import Environment
from .followup import FollowUp
from .governance import Governance
from .hotline import Hotline
from .observer import Observer
from .request import ANSWERED, CALLBACK, COMMUNITY_INTAKE, COVERED, FATES, LOST, PROBLEM, Ids, Request
from .streams import Streams


class Life:
    """Requests' lives from raising to follow-up, through the hotline, dispatch, handling and the call back."""

    def __init__(self, env: Environment, scenario: Scenario, calendar: WorkCalendar, streams: Streams, ids: Ids,
                 hotline: Hotline, dispatch: Dispatch, follow_up: FollowUp, governance: Governance,
                 observer: Observer):
        self.env, self.observer, self.calendar, self.ids = env, observer, calendar, ids
        self.hotline, self.dispatch, self.follow_up, self.governance = hotline, dispatch, follow_up, governance
        self.horizon = scenario.horizon
        self.online_delay = scenario.online.processing_delay.sampler(streams["online"])
        self.chat_pickup = scenario.grid.chat_pickup
        self.knowledge_base = scenario.consultation.knowledge_base_coverage
        self.callback = scenario.consultation.callback.sampler(streams["consultation"])
        self.repeat_fates = streams["repeat/fate"]

    def problem(self, req: Request, delay: float) -> Generator:
        """A problem from the moment it is raised (or found), ``delay`` from now, to its follow-up evaluation."""
        env, obs = self.env, self.observer
        if delay > 0:
            yield env.timeout(delay)
        req.raised = env.now
        self.governance.arrived(env.now, req)
        obs.raised(env.now, req)
        if req.channel == "hotline":
            if not (yield from self.hotline.call(req)):
                req.outcome = LOST
                obs.lost(env.now, req)
                return
        elif req.channel == "online":
            yield env.timeout(self.online_delay())
        elif req.channel == "group_chat":  # read when the grid worker is next on shift
            yield env.timeout(self.calendar.finish(env.now, self.chat_pickup) - env.now)
        elif req.channel in ("grid_worker", "volunteer"):  # the grid worker hears of it on shift
            yield env.timeout(self.calendar.next_on(env.now) - env.now)
        if req.channel in COMMUNITY_INTAKE:
            yield from self.dispatch.community_intake(req)
        else:
            yield from self.dispatch.ticket(req)
        delay = yield from self.follow_up.call_back(req)
        if delay is not None:
            self.repeat(req, delay)

    def repeat(self, req: Request, delay: float) -> None:
        """The resident raises the same unsolved problem again, by phone, ``delay`` from now."""
        if self.env.now + delay >= self.horizon:
            return
        again = Request(self.ids(), PROBLEM, req.street, req.community, req.grid, req.category,
                        req.needed, req.urgency, "hotline", req.appeared, req.repeat + 1)
        again.fate = self.repeat_fates.uniforms(len(FATES))
        self.env.process(self.problem(again, delay))

    def question(self, req: Request) -> Generator:
        """A question: answered from the knowledge base on the call, or later by a department."""
        env, obs = self.env, self.observer
        req.raised = env.now
        obs.asked(env.now, req)
        if req.channel == "hotline" and not (yield from self.hotline.call(req)):
            req.outcome = LOST
            obs.lost(env.now, req)
            return
        if req.fate[COVERED] < self.knowledge_base:
            req.outcome = ANSWERED
            obs.question_answered(env.now, req)
            return
        yield env.timeout(self.callback())
        req.outcome = CALLBACK
        obs.question_answered(env.now, req)
