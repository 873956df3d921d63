"""What the model tells whoever watches it: one method per fact, the places it reports, the words of its trace.

The model sets its own timestamps and outcomes, in the mechanism that causes them, and keeps the state it
decides on; it reports each fact once, here, and never reads anything back. ``Observer`` is the protocol and
does nothing itself, so a run with it gives the same requests, times and outcomes as a run watched by the
recorder of ``sim.observe``, which implements it (a test checks this).

Besides facts, an observer hands the model one ``Station`` per place that requests pass through (``STATIONS``):
pools report to it as units queue and leave, and the handling levels, the hotline's lines and the whistle teams
as they enter and leave. The trace vocabulary, ``TRACE``, names the steps a tracing observer keeps of each
request's life and the values of each, which ``analysis.narrate`` and the workshop's animation read.
"""

from __future__ import annotations

from typing import Optional, Protocol

from .request import Request

# (name, what waits or stays there), in the order of queues.csv
STATIONS = (
    ("hotline_lines", "callers holding a line: waiting for an agent or talking"),
    ("hotline_queue", "callers waiting for an agent"),
    ("street_centre_queue", "tickets waiting for a street dispatcher"),
    ("grid_worker_queue", "A-level matters waiting for their grid worker to be free"),
    ("district_queue", "C-level matters waiting for a district coordinator"),
    ("city_queue", "D-level matters waiting for a city handler"),
    ("stationed_force_queue", "whistles waiting for a free stationed (1+4) team"),
    ("on_call_force_queue", "whistles waiting for a free on-call (N) team"),
    ("stationed_teams_out", "stationed teams away from base: travelling or working on site"),
    ("on_call_teams_out", "on-call teams away from base: travelling or working on site"),
    ("level_A", "tickets being handled in the community (A)"),
    ("level_B", "tickets being handled by the street's whistle (B)"),
    ("level_C", "tickets being handled by the district (C)"),
    ("level_D", "tickets being handled by the city (D)"),
    ("open_tickets", "tickets from creation to closure"),
)

# The steps of a request's life a trace keeps, as (minute, request id, event, values): each event's values,
# in order. Levels are written as letters (A-D), streets as their index (from 0), durations in minutes.
TRACE = {
    "raised": ("channel",),  # a problem raised by its resident, or found (patrol, home_visit, volunteer)
    "busy": ("attempt",),  # every hotline line busy
    "answered": ("attempt", "waited"),  # an agent answers
    "abandoned": ("attempt", "waited"),  # the caller hangs up while waiting
    "switched": ("channel",),  # the caller gives up on the phone and raises the problem online or in person
    "unheard": (),  # the caller gives up altogether: the problem goes unheard
    "knowledge_base": (),  # a question answered on the call from the knowledge base
    "callback": (),  # a department calls back with the answer to a question
    "ticket": (),  # the hotline or online desk writes a ticket
    "misdispatched": (),  # the ticket went to the wrong receiver, who objects
    "re-dispatched": (),  # the objection upheld, the ticket is dispatched again
    "dispatched": ("street",),  # the ticket reaches its street, or (None) a city department: precise dispatch
    "responded": (),  # first contact with the resident
    "community": (),  # the grid worker keeps the matter at level A
    "referred": ("street",),  # the grid worker reports the matter to its street
    "forwarded": (),  # the street centre passes a utility's ticket on
    "triaged": ("level",),  # the street centre sorts the ticket to a level
    "whistle": ("kind", "forces"),  # the street blows the whistle, summoning these forces
    "on_site": ("after", "late", "idle", "delays"),  # every team reported: minutes after the whistle, late
    # reports, whether one is present but not working, each force's report delay in summoning order
    "escalated": ("level",),  # passed up to this level
    "closed": ("level", "solved", "gamed", "chance"),  # closed at this level; the chance it had of being solved
    "evaluated": ("solved", "satisfied"),  # the resident's answer on the follow-up call: reported solved, satisfied
}


class Station(Protocol):
    """A place units arrive at and leave one at a time: a queue, a handling level, lines, teams out."""

    def enter(self, now: float) -> None:
        """A unit arrives and stays."""

    def leave(self, now: float, entered: float) -> None:
        """The unit that arrived at ``entered`` leaves."""

    def passed(self, now: float) -> None:
        """A unit arrives and leaves at once (a free handler took it)."""


class _Unwatched:
    """A station nobody watches."""

    __slots__ = ()

    def enter(self, now: float) -> None:
        pass

    def leave(self, now: float, entered: float) -> None:
        pass

    def passed(self, now: float) -> None:
        pass


UNWATCHED = _Unwatched()


class Observer:
    """The facts the model reports, in the order of a request's life. This base class ignores them all."""

    # --- the organisation and the clock ---------------------------------------------------------------
    def station(self, name: str) -> Station:
        """The station that watches the place ``name`` of ``STATIONS``."""
        return UNWATCHED

    def capacity(self, pool: str, units: int, minutes: Optional[float] = None, duties: float = 0.0) -> None:
        """A pool has ``units`` handlers, each available ``minutes`` (None: around the clock), already busy
        ``duties`` minutes in all with other work."""

    def day_ended(self, day: int, now: float) -> None:
        """Simulated day ``day`` ends at ``now`` (the last at the horizon)."""

    def warmup_over(self, now: float) -> None:
        """The scenario's warm-up ends."""

    def horizon_reached(self, now: float) -> None:
        """The run ends; requests still open stay open."""

    # --- a request enters, or not ----------------------------------------------------------------------
    def not_raised(self, appeared: float, why: str) -> None:
        """A problem appeared at ``appeared`` but never entered: ``prevented`` by a monthly topic, or
        ``never_raised`` because nobody raised or found it."""

    def raised(self, now: float, req: Request) -> None:
        """A problem enters: raised by its resident, or found by a patrol, a home visit or a volunteer."""

    def asked(self, now: float, req: Request) -> None:
        """A resident asks a question (a consultation), by phone or online."""

    # --- the hotline --------------------------------------------------------------------------------------
    def call_blocked(self, now: float, req: Request) -> None:
        """A call finds every line busy (``req.attempts`` is its attempt)."""

    def call_abandoned(self, now: float, req: Request, waited: float) -> None:
        """A caller hangs up after ``waited`` minutes waiting for an agent."""

    def call_answered(self, now: float, req: Request, waited: float, delayed: bool, talk: float) -> None:
        """An agent answers after ``waited`` minutes (``delayed``: every agent was busy when the call came)
        and talks for ``talk`` minutes."""

    def switched(self, now: float, req: Request) -> None:
        """The caller gives up on the phone and raises the problem through ``req.switched`` instead."""

    def lost(self, now: float, req: Request) -> None:
        """The caller gives up: the request never gets through (for a problem: unheard demand)."""

    def question_answered(self, now: float, req: Request) -> None:
        """A question is answered: on the call (``req.outcome`` is ``answered``) or by a callback."""

    # --- tickets and dispatch -------------------------------------------------------------------------------
    def ticket(self, now: float, req: Request) -> None:
        """The request becomes a ticket (``req.ticket``): its response and completion clocks start."""

    def sent(self, now: float, req: Request) -> None:
        """The city centre dispatches the ticket, to the right receiver or not."""

    def misdispatched(self, now: float, req: Request) -> None:
        """The ticket went to the wrong receiver, who files an objection."""

    def redispatched(self, now: float, req: Request) -> None:
        """The objection is upheld after review; the ticket is dispatched again."""

    def dispatched(self, now: float, req: Request, street: Optional[int]) -> None:
        """The ticket reaches its street, or with ``None`` a city department or utility (precise dispatch)."""

    def responded(self, now: float, req: Request) -> None:
        """First contact with the resident (``req.response``)."""

    def kept(self, now: float, req: Request) -> None:
        """The grid worker keeps the matter in the community (level A)."""

    def referred(self, now: float, req: Request, street: int) -> None:
        """The grid worker reports the matter to its street."""

    def forwarded(self, now: float, req: Request) -> None:
        """The street centre passes a utility's ticket on."""

    def triaged(self, now: float, req: Request, level: int) -> None:
        """The street centre sorts the ticket to ``level`` (0 = A)."""

    def busy(self, pool: str, start: float, minutes: float) -> None:
        """A handler of ``pool`` works from ``start`` for ``minutes``."""

    # --- handling -------------------------------------------------------------------------------------------
    def grid_worker_starts(self, now: float, req: Request, waited: float) -> None:
        """A grid worker starts on an A-level matter ``waited`` minutes after it reached them."""

    def grid_worker_works(self, start: float, finish: float, effort: float) -> None:
        """A grid worker's ``effort`` minutes of work, spread over their shift minutes from ``start`` to
        ``finish``."""

    def whistle(self, now: float, req: Request, kind: str, forces: tuple[str, ...]) -> None:
        """The street blows the whistle of ``kind``, summoning ``forces``."""

    def on_site(self, now: float, req: Request, blown: float, forces: tuple[str, ...], delays: list[float],
                on_time: list[bool], idle: list[bool]) -> None:
        """Every summoned team has reported: each force's delay after the whistle blown at ``blown``, whether
        within the limit, and whether it is present but not working."""

    def closed(self, now: float, req: Request, level: int, chance: float) -> None:
        """The ticket is closed at ``level`` (``req.solved``, ``req.gamed``); ``chance``: the probability it had
        of being solved there."""

    def escalated(self, now: float, req: Request, level: int) -> None:
        """The matter is passed up to ``level``."""

    # --- the follow-up --------------------------------------------------------------------------------------
    def evaluated(self, now: float, req: Request, in_time: bool) -> None:
        """The resident answers the follow-up call (``req.satisfied``); ``in_time``: the response came within
        the request's response limit."""

    def followed_up(self, now: float, req: Request) -> None:
        """The follow-up is over, answered or not (at once for a problem found proactively): nothing more
        happens to this request."""
