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

from .request import CLOSED, REACH, REPEAT, SATISFY, Request


def satisfaction_probability(e, solved: bool, late: bool, days_open: float, bounces: int) -> float:
    """P(satisfied) = 1 / (1 + exp(-z)) with z the evaluation section's linear score."""
    z = (e.intercept + e.solved * solved + e.late_response * late + e.per_day_open * days_open
         + e.per_bounce * bounces)
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    ez = math.exp(z)  # the same value, without overflow for very negative scores
    return ez / (1.0 + ez)


def follow_up(model, req: Request):
    """Call the resident back; return the delay before a repeat request, or None."""
    env, rec, e = model.env, model.recorder, model.scenario.evaluation
    rec.finish(req, CLOSED, keep=True)
    if not req.proactive:
        yield env.timeout(model.evaluation_delay())
        reached, u = req.fate[REACH] < e.reach_prob, req.fate[SATISFY]
        if reached:
            late = req.response - req.ticket > model.recorder.limits[req.urgency][0]
            p = satisfaction_probability(e, req.solved, late, (req.closed - req.ticket) / 1440.0, req.bounces)
            req.satisfied = u < p
            rec.evaluation(env.now, req)
            rec.note(env.now, req, "evaluated", req.solved, req.satisfied)
    rec.release(req)
    again, delay = req.fate[REPEAT] < e.repeat_prob, model.repeat_delay()
    return delay if again and not req.solved else None
