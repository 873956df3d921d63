"""The life of a request, top to bottom (MODEL.md section 2).

A problem, once raised by its resident or found by a grid worker, enters by
its channel (a hotline call, the online desk, the community's group chat,
the grid worker on shift), becomes a ticket dispatched to its street or
taken in by the community, is handled from its level up until some level
closes it, and is followed up; unsolved, it may come back as a repeat. A
resident who cannot get through on the phone may raise the problem online
or with their grid worker instead; one who gives up altogether leaves it
unheard. A question (a consultation) is answered on the call from the
knowledge base, or passed through the street centre to a department that
calls back; some residents call the hotline again while they wait. Each step
is a mechanism of its own module; this one only strings them together, in
the order a resident meets them.
"""

from __future__ import annotations

from typing import Generator

from sim.scenario.schema import Scenario

from .calendar import WorkCalendar
from .categories import cumulative
from .dispatch import Dispatch
from .draws import Keyed
from .environment import Environment
from .followup import FollowUp
from .governance import Governance
from .hotline import Hotline
from .observer import Observer
from .request import (
    ANSWERED, ASK_AGAIN, ASK_AGAIN_DELAY, CALLBACK, CALLBACK_WAIT, COMMUNITY_INTAKE, COVERED, FATES, LOST, ONLINE_DELAY,
    PROBLEM, SWITCH, TEAM_DRAWS, Ids, Request,
)


class Life:
    """Requests' lives from raising to follow-up, through the hotline, dispatch, handling and the call back."""

    def __init__(self, env: Environment, scenario: Scenario, calendar: WorkCalendar, ids: Ids, keyed: Keyed,
                 hotline: Hotline, dispatch: Dispatch, follow_up: FollowUp, governance: Governance,
                 observer: Observer):
        self.env, self.observer, self.calendar, self.ids, self.keyed = env, observer, calendar, ids, keyed
        self.hotline, self.dispatch, self.follow_up, self.governance = hotline, dispatch, follow_up, governance
        self.horizon = scenario.horizon
        self.online_delay = scenario.online.processing_delay.transform()  # of the request's own draws
        self.chat_pickup = scenario.grid.chat_pickup
        self.knowledge_base = scenario.consultation.knowledge_base_coverage
        c = scenario.consultation
        self.callback = c.callback.transform()
        self.ask_again, self.ask_again_delay = c.ask_again, c.ask_again_delay.transform()
        self.switch_to = list(scenario.hotline.switch)
        self.switch_cum = cumulative(scenario.hotline.switch.values())

    def problem(self, req: Request, delay: float) -> Generator:
        """A problem from the moment it is raised (or found), ``delay`` from now, to its follow-up evaluation."""
        env, obs = self.env, self.observer
        if delay > 0:
            yield env.timeout(delay)
        req.raised = env.now
        self.governance.arrived(env.now, req)
        obs.raised(env.now, req)
        if req.channel == "hotline" and not (yield from self.hotline.call(req)):
            channel = self.other_channel(req)
            if channel is None:
                req.outcome = LOST
                obs.lost(env.now, req)
                return
            req.switched = channel
            obs.switched(env.now, req)
        via = req.via
        if via == "online":
            yield env.timeout(self.online_delay(req.draws[ONLINE_DELAY]))
        elif via == "group_chat":  # read when the grid worker is next on shift
            yield env.timeout(self.calendar.finish(env.now, self.chat_pickup) - env.now)
        elif via in ("grid_worker", "volunteer"):  # the grid worker hears of it on shift
            yield env.timeout(self.calendar.next_on(env.now) - env.now)
        if via in COMMUNITY_INTAKE:
            yield from self.dispatch.community_intake(req)
        else:
            yield from self.dispatch.ticket(req)
        delay = yield from self.follow_up.call_back(req)
        if delay is not None:
            self.repeat(req, delay)

    def call_again(self, req: Request, delay: float, callback: float) -> Generator:
        """A resident waiting for a callback calls the hotline again ``delay`` from now, unless the callback,
        due ``callback`` from now, came first: one more call for the agents."""
        if delay < callback:
            yield self.env.timeout(delay)
            yield from self.hotline.call(req)

    def other_channel(self, req: Request) -> str | None:
        """The channel a resident who could not get through on the phone tries instead, or None: unheard."""
        u = req.fate[SWITCH]
        for channel, below in zip(self.switch_to, self.switch_cum):
            if u < below:
                return channel
        return None

    def repeat(self, req: Request, delay: float) -> None:
        """The resident raises the same unsolved problem again, by phone, ``delay`` from now."""
        if self.env.now + delay >= self.horizon:
            return
        again = Request(self.ids(), PROBLEM, req.street, req.community, req.grid, req.category,
                        req.needed, req.urgency, "hotline", req.appeared, req.repeat + 1)
        again.key = req.key
        self.keyed.repeat(again, len(FATES), len(req.teams) // TEAM_DRAWS)
        self.env.process(self.problem(again, delay))

    def question(self, req: Request) -> Generator:
        """A question: answered from the knowledge base on the call, or passed on to a department that calls
        back, the resident perhaps calling again meanwhile."""
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
        yield from self.dispatch.triage_at_centre(req)  # written up and passed on by the street centre
        wait = self.callback(req.draws[CALLBACK_WAIT])
        if req.fate[ASK_AGAIN] < self.ask_again:
            env.process(self.call_again(req, self.ask_again_delay(req.draws[ASK_AGAIN_DELAY]), wait))
        yield env.timeout(wait)
        req.outcome = CALLBACK
        obs.question_answered(env.now, req)
