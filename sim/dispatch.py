"""Tickets reaching a handler: dispatch, objections, the street centre's triage (MODEL.md 2.4-2.5).

Since 2019 the city centre dispatches tickets straight to the street
(``dispatch.mode: street``). With precise dispatch, tickets owned by a city
department or utility go straight to it, the street only informed; the
receiver contacts the resident on receipt. Urgent classes (``immediate``)
skip the centre's dispatch delay. A wrong dispatch costs an objection, a review and a second dispatch. The street
centre, staffed around the clock, contacts the resident on receipt (the
response) and triages to a level; a utility ticket that reached the street
is passed on. Requests raised to a grid worker, or found on patrol, start in
the community, which keeps what it can and reports the rest to the street.
"""

from __future__ import annotations

from .handling import D, handle
from .request import COMMUNITY_TRIAGE, DISPATCH, STREET_TRIAGE, Request
from .schema import LEVELS


def dispatch_ticket(model, req: Request):
    """From the hotline or online desk to the street (or the utility), then to its handler."""
    env, rec = model.env, model.recorder
    open_ticket(model, req)
    rec.note(env.now, req, "ticket")
    delay = model.dispatch_delay()
    if not model.immediate[req.urgency]:
        yield env.timeout(delay)
    rec.count(req, "dispatched")
    rightly = req.fate[DISPATCH] < model.scenario.dispatch.accuracy
    if not rightly:
        req.misdispatched = True
        req.bounces += 1
        rec.count(req, "misdispatched")
        rec.note(env.now, req, "misdispatched")
        yield env.timeout(model.objection_delay())
        yield env.timeout(model.review_delay())
        rec.note(env.now, req, "re-dispatched")
        yield env.timeout(model.dispatch_delay())
    if model.categories[req.category].utility and model.scenario.dispatch.mode == "precise":
        rec.note(env.now, req, "dispatched", None)
        rec.responded(env.now, req)  # the department contacts the resident on receipt
        yield from handle(model, req, D)
        return
    rec.note(env.now, req, "dispatched", req.street)
    yield from street_route(model, req)


def community_intake(model, req: Request):
    """A grid worker takes the matter: kept at A if it looks like a community matter, else reported up."""
    env, rec = model.env, model.recorder
    open_ticket(model, req)
    rec.responded(env.now, req)  # the grid worker is with the resident (or the problem) already
    judged = judge_level(model, req, COMMUNITY_TRIAGE)
    if judged == 0 and not model.categories[req.category].utility:
        rec.note(env.now, req, "community")
        yield from handle(model, req, 0)
        return
    yield env.timeout(model.community_report_delay())
    rec.note(env.now, req, "referred", req.street)
    yield from street_route(model, req)


def street_route(model, req: Request):
    """The street centre triages the ticket, or passes a utility's ticket on."""
    env, rec = model.env, model.recorder
    centre = model.centres[req.street]
    turn = centre.acquire()
    if turn is not None:
        yield turn
    duration = model.triage_time()
    rec.work("street_centres", env.now, duration)
    yield env.timeout(duration)
    centre.release()
    rec.responded(env.now, req)  # the centre, staffed around the clock, contacts the resident on receipt
    level = judge_level(model, req, STREET_TRIAGE)
    if model.categories[req.category].utility:
        req.bounces += 1
        rec.count(req, "forwarded")
        rec.note(env.now, req, "forwarded")
        yield env.timeout(model.forward_delay())
        yield from handle(model, req, D)
        return
    rec.note(env.now, req, "triaged", LEVELS[level])
    yield from handle(model, req, level)


def judge_level(model, req: Request, who: int) -> int:
    """The level a grid worker or dispatcher assigns: right with probability ``triage.accuracy``, else one too low."""
    right = req.fate[who] < model.scenario.triage.accuracy
    return req.needed if right else max(0, req.needed - 1)


def open_ticket(model, req: Request) -> None:
    """The request becomes a ticket whose response and completion clocks start now."""
    req.ticket = model.env.now
    model.recorder.ticket(model.env.now, req)

