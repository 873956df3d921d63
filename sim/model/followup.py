"""The follow-up call and repeat requests (MODEL.md 2.9).

"Whoever raised it rates it": after closure the resident is called back,
answers with probability ``reach_prob``, reports whether the problem was
solved (truthfully, here) and whether they are satisfied, from a logistic
model of the solution, a late response, the days the ticket stayed open and
how often it bounced. An unsolved problem comes back as a repeat request
with probability ``repeat_prob``. Problems found on patrol have nobody to
call back and are not evaluated, but can come back all the same.
"""

from __future__ import annotations

import math
from typing import Generator

from sim.scenario.durations import DAY
from sim.scenario.schema import Evaluation, TimeLimit

from .environment import Environment
from .governance import Governance
from .observer import Observer
from .request import REACH, REPEAT, SATISFY, Request
from .streams import Streams


def satisfaction_probability(e: Evaluation, solved: bool, late: bool, days_open: float, bounces: int) -> float:
    """P(satisfied) = 1 / (1 + exp(-z)) with z the evaluation section's linear score."""
    z = (e.intercept + e.solved * solved + e.late_response * late + e.per_day_open * days_open
         + e.per_bounce * bounces)
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    ez = math.exp(z)  # the same value, without overflow for very negative scores
    return ez / (1.0 + ez)


class FollowUp:
    """The call back after closure: who answers, what they say, and whether the problem comes back."""

    def __init__(self, env: Environment, evaluation: Evaluation, limits: list[TimeLimit], streams: Streams,
                 governance: Governance, observer: Observer):
        self.env, self.observer, self.governance = env, observer, governance
        self.evaluation = evaluation
        self.response_limit = [limit.response for limit in limits]  # by urgency class index
        self.delay = evaluation.delay.sampler(streams["evaluation"])
        self.repeat_delay = evaluation.repeat_delay.sampler(streams["evaluation/repeat"])

    def call_back(self, req: Request) -> Generator:
        """Call the resident back; return the delay before a repeat request, or None."""
        env, obs, e = self.env, self.observer, self.evaluation
        if not req.proactive:
            yield env.timeout(self.delay())
            if req.fate[REACH] < e.reach_prob:
                in_time = req.response - req.ticket <= self.response_limit[req.urgency]
                p = satisfaction_probability(e, req.solved, not in_time, (req.closed - req.ticket) / DAY,
                                             req.bounces)
                req.satisfied = req.fate[SATISFY] < p
                req.evaluated = env.now
                self.governance.evaluated(env.now, req, in_time)
                obs.evaluated(env.now, req, in_time)
        obs.followed_up(env.now, req)
        again, delay = req.fate[REPEAT] < e.repeat_prob, self.repeat_delay()
        return delay if again and not req.solved else None
