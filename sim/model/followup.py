"""The follow-up call and repeat requests (MODEL.md 2.9).

"Whoever raised it rates it": after closure the resident is called back,
answers with probability ``reach_prob``, reports whether the problem was
solved (truthfully, unless a street under ranking pressure rushed it closed
and talked them into "solved") and whether they are satisfied, from a
logistic model of what they lived through: the solution as they report it,
a late response, a completion after its limit, the days the ticket stayed
open, how often it bounced, and how many calls failed before they got
through. A problem not really solved comes back as a repeat request with
probability ``repeat_prob``, whatever was reported. Problems found on patrol
have nobody to call back and are not evaluated, but can come back all the
same.
"""

from __future__ import annotations

from typing import Generator

from sim.scenario.durations import DAY
from sim.scenario.schema import Evaluation, TimeLimit

from .environment import Environment
from .governance import Governance
from .observer import Observer
from .odds import logistic
from .request import EVALUATION_DELAY, REACH, REPEAT, REPEAT_DELAY, SATISFY, Request


def satisfaction_probability(e: Evaluation, solved: bool, late: bool, days_open: float, bounces: int,
                             overdue: bool = False, failed_calls: int = 0) -> float:
    """P(satisfied) = 1 / (1 + exp(-z)) with z the evaluation section's linear score."""
    return logistic(e.intercept + e.solved * solved + e.late_response * late + e.late_completion * overdue
                    + e.per_day_open * days_open + e.per_bounce * bounces + e.per_failed_call * failed_calls)


class FollowUp:
    """The call back after closure: who answers, what they say, and whether the problem comes back."""

    def __init__(self, env: Environment, evaluation: Evaluation, limits: list[TimeLimit],
                 governance: Governance, observer: Observer):
        self.env, self.observer, self.governance = env, observer, governance
        self.evaluation = evaluation
        self.response_limit = [limit.response for limit in limits]  # by urgency class index
        self.completion_limit = [limit.completion for limit in limits]
        self.delay = evaluation.delay.transform()  # of the request's own draws
        self.repeat_delay = evaluation.repeat_delay.transform()

    def call_back(self, req: Request) -> Generator:
        """Call the resident back; return the delay before a repeat request, or None."""
        env, obs, e = self.env, self.observer, self.evaluation
        if not req.proactive:
            yield env.timeout(self.delay(req.draws[EVALUATION_DELAY]))
            if req.fate[REACH] < e.reach_prob:
                in_time = req.response - req.ticket <= self.response_limit[req.urgency]
                took = req.closed - req.ticket
                failed = req.attempts - (req.via == "hotline")  # calls before the one that got through
                p = satisfaction_probability(e, req.reported_solved, not in_time, took / DAY, req.bounces,
                                             took > self.completion_limit[req.urgency], failed)
                req.satisfied = req.fate[SATISFY] < p
                req.evaluated = env.now
                self.governance.evaluated(env.now, req, in_time)
                obs.evaluated(env.now, req, in_time)
        obs.followed_up(env.now, req)
        if req.fate[REPEAT] < e.repeat_prob and not req.solved:
            return self.repeat_delay(req.draws[REPEAT_DELAY])
        return None
