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

from .request import Request

INF = math.inf


def call(model, req: Request):
    """Try to get through to an agent; return True once the call has been answered and talked through."""
    env, rec, h = model.env, model.recorder, model.scenario.hotline
    agents, lines = model.agents, model.lines
    while True:
        req.attempts += 1
        first = req.attempts == 1 and req.patience is not None
        patience = req.patience if first else model.patience()
        if lines.value >= h.lines:
            rec.call_blocked(req)
            rec.note(env.now, req, "busy", req.attempts)
        else:
            arrived = env.now
            lines.enter(arrived)
            turn = agents.acquire()
            answered = True
            if turn is not None:
                if patience < INF:  # (callers who never hang up: patience none)
                    agents.give_up_after(turn, patience)
                answered = yield turn
            if answered:
                wait = env.now - arrived
                req.wait += wait
                rec.call_answered(env.now, req, wait, h.service_level_threshold, turn is not None)
                talk = req.talk if first else model.talk()
                rec.note(env.now, req, "answered", req.attempts, wait)
                rec.work("hotline_agents", env.now, talk)
                yield env.timeout(talk)
                agents.release()
                lines.leave(env.now, arrived)
                return True
            lines.leave(env.now, arrived)
            req.wait += env.now - arrived
            rec.call_abandoned(req)
            rec.note(env.now, req, "abandoned", req.attempts, env.now - arrived)
        redial, gap = model.redial.uniform() < h.redial_prob, model.redial_delay()
        if req.attempts >= h.max_attempts or not redial:
            return False
        yield env.timeout(gap)
