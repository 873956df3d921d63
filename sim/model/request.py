"""A request: one resident's problem or question on its way through the system.

One object per request, with slots, holding only what the mechanisms, the
observer and the optional records need. Times are simulation minutes;
``NAN`` means "has not happened". The model sets every field itself, in the
mechanism that causes it; observers only read them.
"""

from __future__ import annotations

import itertools

NAN = float("nan")

PROBLEM, CONSULTATION = "problem", "consultation"

# how a problem enters besides the channels a resident raises it by (``sim.scenario.schema.CHANNELS``): found
# before any complaint (proactive governance, MODEL.md 2.2)
FOUND = ("patrol", "home_visit", "volunteer")
# channels whose requests start in the community: the grid worker takes the matter in hand at once, which opens
# the ticket and is its response (MODEL.md 2.5)
COMMUNITY_INTAKE = ("grid_worker", "group_chat", *FOUND)

# the chance outcomes each problem draws for itself when it appears (indices into Request.fate), so that two
# variants decide them alike: common random numbers beyond the problem's own attributes
FATES = ("dispatch", "community_triage", "street_triage", "solve", "game", "reach", "satisfy", "repeat", "switch",
         "overreach")
DISPATCH, COMMUNITY_TRIAGE, STREET_TRIAGE, SOLVE, GAME, REACH, SATISFY, REPEAT, SWITCH, OVERREACH = range(len(FATES))
# the standard normal draws each request makes for itself when it appears (indices into Request.draws), each
# turned into a duration by the mechanism that times it, so that variants time its work alike: the centre's
# dispatch and redispatch delays, the triage time, the grid worker's report up, the online desk's delay, the
# callback and repeated call of a question, the call back after closure and the wait before a repeat, and the
# effort and lead time at each level (a matter that comes back to a level takes the same work there again)
DRAWS = ("dispatch", "objection", "review", "forward", "triage", "report_up", "online", "callback", "ask_again",
         "evaluation", "repeat_delay", "effort_A", "effort_B", "effort_C", "effort_D", "lead_A", "lead_B", "lead_C",
         "lead_D")
(DISPATCH_DELAY, OBJECTION_DELAY, REVIEW_DELAY, FORWARD_DELAY, TRIAGE_TIME, REPORT_UP, ONLINE_DELAY, CALLBACK_WAIT,
 ASK_AGAIN_DELAY, EVALUATION_DELAY, REPEAT_DELAY) = range(DRAWS.index("effort_A"))
EFFORT, LEAD = DRAWS.index("effort_A"), DRAWS.index("lead_A")  # plus the level's index
# each whistle team's draws, three per team in Request.teams: its usual report delay (a standard normal), and
# the uniforms that decide whether it hurries to the limit and whether it stands idle on site
TEAM_DRAWS = 3
COVERED, ASK_AGAIN = 0, 1  # a consultation's draws: is it in the knowledge base? will its resident call again?
QUESTION_FATES = 2

# how a request's life ended (or ``OPEN`` at the horizon); a problem ``LOST`` is unheard demand: its resident gave
# up on the phone and tried no other channel
CLOSED, ANSWERED, CALLBACK, LOST, OPEN = "closed", "answered", "callback", "lost", "open"


class Request:
    """A problem or consultation raised (or found) in one grid."""

    __slots__ = (
        "id", "kind", "street", "community", "grid", "category", "needed", "urgency", "channel", "switched",
        "repeat", "proactive", "appeared", "raised", "ticket", "response", "closed", "evaluated",
        "attempts", "wait", "misdispatched", "bounces", "path", "whistle", "reports", "late_reports",
        "idle_reports", "solved", "gamed", "satisfied", "outcome", "patience", "talk", "fate", "draws", "teams",
        "key",
    )

    def __init__(self, rid: int, kind: str, street: int, community: int, grid: int, category: int,
                 needed: int, urgency: int, channel: str, appeared: float, repeat: int = 0):
        self.id = rid
        self.kind = kind
        self.street, self.community, self.grid = street, community, grid
        self.category, self.needed, self.urgency, self.channel = category, needed, urgency, channel
        self.switched = ""  # the channel a resident who could not get through on the phone used instead
        self.repeat = repeat
        self.proactive = False
        self.appeared = appeared
        self.raised = self.ticket = self.response = self.closed = self.evaluated = NAN
        self.attempts = 0
        self.wait = 0.0
        self.misdispatched = False
        self.bounces = 0
        self.path = ""
        self.whistle = ""
        self.reports = self.late_reports = self.idle_reports = 0
        self.solved = False
        self.gamed = False  # rushed closed unsolved under ranking pressure, the resident talked into "solved"
        self.satisfied = None
        self.outcome = OPEN
        self.patience: float | None = None  # the first call's patience and talk time, drawn when it appears
        self.talk: float | None = None
        self.fate: list[float] = []  # the request's own uniforms for its chance outcomes, see FATES
        self.draws: list[float] = []  # its own standard normals for its durations, see DRAWS
        self.teams: list[float] = []  # its whistle teams' draws, TEAM_DRAWS a team
        self.key = 0  # its problem's (or question's) key, drawn when it appears; repeats keep it (draws.Keyed)

    @property
    def via(self) -> str:
        """The channel the request came in by: the one it was raised by, or the one its resident switched to."""
        return self.switched or self.channel

    @property
    def reported_solved(self) -> bool:
        """What the resident reports: solved, or rushed closed under ranking pressure and talked into it."""
        return self.solved or self.gamed

    def respond(self, now: float) -> bool:
        """Contact the resident at ``now``; True if this is the response, the first contact (later contacts
        are not responses)."""
        if self.response == self.response:  # not NaN: contacted before
            return False
        self.response = now
        return True


class Ids:
    """Request numbers in the order requests are created (deterministic)."""

    def __init__(self):
        self._next = itertools.count()

    def __call__(self) -> int:
        return next(self._next)
