"""The 12345 hotline: lines, agents, talk time, caller patience, abandonment and redials (MODEL.md 2.3).

A call takes a line if one is free (otherwise the caller hears busy), waits
for an agent as long as the caller's patience lasts, and talks. A caller who
hears busy or hangs up may redial after a while, up to ``max_attempts``.
The first attempt's patience and talk time are drawn when the request
appears, from its street's streams, so adding agents or lines does not
change them (common random numbers); redials draw from the hotline's own
streams.
"""

from __future__ import annotations

import math
from typing import Generator

from sim.scenario.distributions import sampler
from sim.scenario.schema import Hotline as HotlineSection

from .environment import Environment
from .observer import Observer
from .pool import Pool
from .request import Request
from .streams import Streams

INF = math.inf


class Hotline:
    """The hotline centre's lines and agents, and the callers' patience, talk times and redials."""

    def __init__(self, env: Environment, section: HotlineSection, streams: Streams, observer: Observer):
        self.env, self.observer = env, observer
        self.lines, self.max_attempts, self.redial_prob = section.lines, section.max_attempts, section.redial_prob
        self.holding = 0  # callers holding a line: waiting for an agent or talking
        self.line_station = observer.station("hotline_lines")
        self.agents = Pool(env, section.agents, observer.station("hotline_queue"))
        observer.capacity("hotline_agents", section.agents)
        self.talk = section.talk_time.sampler(streams["hotline/talk"])
        self.patience = sampler(section.patience, streams["hotline/patience"])
        self.redial = streams["hotline/redial"]
        self.redial_delay = section.redial_delay.sampler(self.redial)

    def call(self, req: Request) -> Generator:
        """Try to get through to an agent; return True once the call has been answered and talked through."""
        env, obs, agents = self.env, self.observer, self.agents
        while True:
            req.attempts += 1
            first = req.attempts == 1 and req.patience is not None
            patience = req.patience if first else self.patience()
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
                    talk = req.talk if first else self.talk()
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
            redial, gap = self.redial.uniform() < self.redial_prob, self.redial_delay()
            if req.attempts >= self.max_attempts or not redial:
                return False
            yield env.timeout(gap)
