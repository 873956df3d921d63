"""The 12345 hotline: lines, agents, talk time, caller patience, abandonment and redials (MODEL.md 2.3).

A call takes a line if one is free (otherwise the caller hears busy), waits
for an agent as long as the caller's patience lasts, and talks. A caller who
hears busy or hangs up may redial after a while, up to ``max_attempts``.
The first attempt's patience and talk time are drawn when the request
appears, from its street's streams, so adding agents or lines does not
change them (common random numbers); every later attempt (and a repeat's
first call) draws its patience, talk time, redial choice and gap as a batch
placed by the request's key and the attempt's number (``draws.Keyed``), so
that it too is the same in two variants whatever the events before it.
"""

from __future__ import annotations

import math
from typing import Generator

from sim.scenario.distributions import transform
from sim.scenario.schema import Hotline as HotlineSection

from .draws import Keyed
from .environment import Environment
from .observer import Observer
from .pool import Pool
from .request import Request

INF = math.inf


class Hotline:
    """The hotline centre's lines and agents, and the callers' patience, talk times and redials."""

    def __init__(self, env: Environment, section: HotlineSection, keyed: Keyed, observer: Observer):
        self.env, self.observer, self.keyed = env, observer, keyed
        self.lines, self.max_attempts, self.redial_prob = section.lines, section.max_attempts, section.redial_prob
        self.holding = 0  # callers holding a line: waiting for an agent or talking
        self.line_station = observer.station("hotline_lines")
        self.agents = Pool(env, section.agents, observer.station("hotline_queue"))
        observer.capacity("hotline_agents", section.agents)
        self.talk = section.talk_time.transform()  # of a keyed draw
        self.patience = transform(section.patience)
        self.redial_delay = section.redial_delay.transform()

    def call(self, req: Request) -> Generator:
        """Try to get through to an agent; return True once the call has been answered and talked through."""
        env, obs, agents = self.env, self.observer, self.agents
        while True:
            req.attempts += 1
            if req.attempts == 1 and req.patience is not None:
                own, patience, talk = None, req.patience, req.talk
            else:
                own = self.attempt(req)
                patience, talk = own[0], own[1]
            if self.holding >= self.lines:
                obs.call_blocked(env.now, req)
            else:
                arrived = env.now
                self.holding += 1
                self.line_station.enter(arrived)
                turn = agents.acquire()
                answered = True
                if turn is not None:
                    if patience < INF:  # (callers who never hang up: patience none)
                        agents.give_up_after(turn, patience)
                    answered = yield turn
                if answered:
                    wait = env.now - arrived
                    req.wait += wait
                    obs.call_answered(env.now, req, wait, turn is not None, talk)
                    yield env.timeout(talk)
                    agents.release()
                    self.holding -= 1
                    self.line_station.leave(env.now, arrived)
                    return True
                self.holding -= 1
                self.line_station.leave(env.now, arrived)
                req.wait += env.now - arrived
                obs.call_abandoned(env.now, req, env.now - arrived)
            if own is None:
                own = self.attempt(req)
            if req.attempts >= self.max_attempts or not own[2]:
                return False
            yield env.timeout(own[3])

    def attempt(self, req: Request) -> tuple[float, float, bool, float]:
        """An attempt's patience, talk time, whether its caller redials if it fails, and after how long: the
        batch of the attempt's number, so that attempt k has the same luck in two variants whenever both make
        it."""
        generator = self.keyed.batch(req, req.attempts)
        patience, talk, gap = generator.standard_normal(3).tolist()
        return (self.patience(patience), self.talk(talk), generator.random() < self.redial_prob,
                self.redial_delay(gap))
