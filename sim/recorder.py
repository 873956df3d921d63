"""The one place that observes the model.

Processes report state changes here; the recorder keeps running counts, sums,
time-weighted levels and a log-binned histogram, so memory does not grow with
the number of requests. Per-request rows are produced only when records are
asked for, and handed to a sink in chunks. The metric definitions themselves
live in ``metrics.py``.
"""

from __future__ import annotations

import math
from typing import Callable, Optional

from .flows import STATIONS, Flow
from .request import ANSWERED, LOST, NAN, Request
from .schema import LEVELS

RECORD_COLUMNS = (
    "replication", "id", "kind", "street", "community", "grid", "category", "needed_level", "urgency",
    "channel", "repeat", "proactive", "appeared_min", "raised_min", "ticket_min", "response_min",
    "closed_min", "evaluated_min", "call_attempts", "call_wait_min", "misdispatched", "bounces", "path",
    "whistle", "whistle_reports", "whistle_late", "whistle_idle", "solved", "reported_solved", "satisfied",
    "outcome",
)

DURATIONS = ("response", "resolve", "report")


class Histogram:
    """Counts on a log scale (200 bins a decade, 1.2% wide) for medians and percentiles."""

    PER_DECADE = 200
    __slots__ = ("counts",)

    def __init__(self):
        self.counts = [0] * (self.PER_DECADE * 8 + 2)

    def add(self, minutes: float) -> None:
        """Count one duration."""
        index = 0 if minutes < 1.0 else min(int(math.log10(minutes) * self.PER_DECADE) + 1, len(self.counts) - 1)
        self.counts[index] += 1

    def bins(self, per_decade: int) -> list[tuple[float, float, int]]:
        """The non-empty bins merged to ``per_decade`` a decade (a divisor of 200): (low, high, count) in
        minutes, the first holding everything under a minute."""
        merge = self.PER_DECADE // per_decade
        merged = [self.counts[0]] + [sum(self.counts[i:i + merge]) for i in range(1, len(self.counts), merge)]
        return [(0.0 if g == 0 else 10 ** ((g - 1) / per_decade), 10 ** (g / per_decade), count)
                for g, count in enumerate(merged) if count]

    def quantile(self, q: float) -> float:
        """The ``q`` quantile in minutes, interpolated geometrically inside its bin."""
        total = sum(self.counts)
        if total == 0:
            return NAN
        target, seen = q * total, 0
        for index, count in enumerate(self.counts):
            if count and seen + count >= target:
                if index == 0:
                    return (target - seen) / count
                low = 10 ** ((index - 1) / self.PER_DECADE)
                return low * 10 ** (((target - seen) / count) / self.PER_DECADE)
            seen += count
        return NAN


class Tally:
    """The counts behind the metrics, for one set of requests: those measured, or those of the warm-up."""

    __slots__ = ("counts", "closed_at", "resolve_sum_at", "whistles_by_kind", "reports_by_force", "hists")

    def __init__(self):
        self.counts = dict.fromkeys((
            "requests", "problems", "consultations", "proactive", "repeats", "never_raised", "prevented",
            "calls", "blocked", "abandoned", "answered", "answered_in_threshold", "lost", "queued", "delayed",
            "consult_on_call", "consult_callback",
            "tickets", "dispatched", "misdispatched", "forwarded", "escalated", "closed_escalated", "responded",
            "response_sum", "closed", "resolve_sum", "completed_in_time", "due", "solved_closed",
            "whistles", "reports", "reports_on_time", "report_delay_sum", "reports_idle",
            "evaluated", "eval_responded", "eval_solved", "eval_satisfied", "finished", "gamed",
            "a_started", "a_start_sum",
        ), 0)
        self.counts["wait_sum"] = 0.0
        self.closed_at = [0] * len(LEVELS)
        self.resolve_sum_at = [0.0] * len(LEVELS)
        self.whistles_by_kind: dict[str, int] = {}
        self.reports_by_force: dict[str, list[int]] = {}  # force -> [reports, on time]
        # durations in minutes: ticket to first response, ticket to closure, whistle to a team's report
        self.hists = {measure: Histogram() for measure in DURATIONS}


class Recorder:
    """Running statistics of one replication.

    Requests that appear before ``warmup`` run through the model like any
    other but are tallied apart, so the metrics describe the system once it
    has filled up; time-weighted measures (backlog, utilisation) are taken
    from ``warmup`` on. The daily and monthly tables cover the whole horizon.
    """

    def __init__(self, horizon: float, streets: int, month_of_day: list[int], limits: list[tuple[float, float]],
                 names: tuple[list[str], list[str]], replication: int = 0,
                 sink: Optional[Callable[[list[tuple]], None]] = None, chunk: int = 50_000, trace: bool = False,
                 warmup: float = 0.0, grids: int = 0):
        self.horizon = horizon
        self.warmup = warmup
        self.category_names, self.urgency_names = names
        self.limits = limits  # (response, completion) minutes per urgency class index
        self.replication = replication
        self.days = len(month_of_day)
        self.month_of_day = month_of_day
        self.months = month_of_day[-1] + 1
        self.streets = streets
        self.measured, self.warming = Tally(), Tally()
        self.busy: dict[str, float] = {}
        self.capacity: dict[str, int] = {}
        self.flows = {name: Flow(self.days) for name, _what in STATIONS}  # every queue and level, day by day
        self.backlog = self.flows["open_tickets"]
        self.teams_out = {False: self.flows["stationed_teams_out"], True: self.flows["on_call_teams_out"]}
        self.day = {key: [0] * self.days for key in (
            "arrivals", "tickets", "closed", "backlog", "evaluated", "responded", "solved", "satisfied", "answered")}
        self.day["wait_sum"] = [0.0] * self.days
        cells = streets * self.months
        self.street_month = {key: [0] * cells for key in (
            "requests", "tickets", "closed", "evaluated", "responded", "solved", "satisfied")}
        self.category_month = [[0] * self.months for _ in self.category_names]
        # measured requests per grid, for the grid map: all requests, first-time problems, found proactively
        self.grid = {key: [0] * grids for key in ("requests", "first_time", "proactive")}
        self.named: list[tuple[int, list[int]]] = []  # (month, streets named at its end)
        self.topics: list[tuple[int, float, str, float]] = []  # (month, chosen at, category, in effect from)
        self.sink = sink
        self.chunk = chunk
        self.rows: Optional[list[tuple]] = [] if sink is not None else None
        self.live: Optional[dict[int, Request]] = {} if sink is not None else None
        self.events: Optional[list[tuple]] = [] if trace else None

    # --- helpers -------------------------------------------------------------------------------
    def _day(self, now: float) -> int:
        day = int(now // 1440.0)
        return day if day < self.days else self.days - 1

    def _tally(self, req: Request) -> Tally:
        """Where a request's statistics go: measured, or set aside because it appeared during the warm-up."""
        return self.measured if req.appeared >= self.warmup else self.warming

    def _cell(self, street: int, now: float) -> int:
        return street * self.months + self.month_of_day[self._day(now)]

    def note(self, now: float, req: Request, event: str, *values) -> None:
        """Keep a step of a request's life, ``(minute, request id, event, values)``, when tracing. The model
        records facts (a channel, a level, minutes waited); ``analysis.narrate`` puts them into words, in
        English or Chinese."""
        if self.events is not None:
            self.events.append((now, req.id, event, values))

    def set_capacity(self, pool: str, units: int, minutes: Optional[float] = None, duties: float = 0.0) -> None:
        """Declare a pool's handlers, for its utilisation: ``units`` available ``minutes`` each after the
        warm-up (default: around the clock), already busy for ``duties`` minutes in all with other work."""
        around_the_clock = self.horizon - self.warmup
        self.capacity[pool] = self.capacity.get(pool, 0.0) + units * (around_the_clock if minutes is None else minutes)
        self.busy[pool] = self.busy.get(pool, 0.0) + duties

    def work(self, pool: str, start: float, duration: float) -> None:
        """A handler of ``pool`` works from ``start`` for ``duration`` (counted between warm-up and horizon)."""
        self.busy[pool] += max(0.0, min(start + duration, self.horizon) - max(start, self.warmup))

    def worked(self, pool: str, minutes: float) -> None:
        """A handler of ``pool`` worked ``minutes``, already limited to the time between warm-up and horizon."""
        self.busy[pool] += minutes

    # --- a request enters ------------------------------------------------------------------------
    def raised(self, now: float, req: Request) -> None:
        """A request enters the system (raised by a resident, or found by a grid worker)."""
        tally = self._tally(req)
        c = tally.counts
        c["requests"] += 1
        grid = self.grid if tally is self.measured else None
        if grid is not None:
            grid["requests"][req.grid] += 1
        if req.kind == "consultation":
            c["consultations"] += 1
        else:
            c["problems"] += 1
            self.category_month[req.category][self.month_of_day[self._day(now)]] += 1
            if req.repeat:
                c["repeats"] += 1
            elif grid is not None:
                grid["first_time"][req.grid] += 1
                grid["proactive"][req.grid] += req.proactive
            if req.proactive:
                c["proactive"] += 1
        self.day["arrivals"][self._day(now)] += 1
        self.street_month["requests"][self._cell(req.street, now)] += 1
        if self.live is not None:
            self.live[req.id] = req

    def not_raised(self, appeared: float, why: str) -> None:
        """A problem that never entered the system: ``prevented`` by a monthly topic, or ``never_raised``
        because nobody reported it and no patrol found it."""
        (self.measured if appeared >= self.warmup else self.warming).counts[why] += 1

    # --- hotline --------------------------------------------------------------------------------
    def call_blocked(self, req: Request) -> None:
        c = self._tally(req).counts
        c["calls"] += 1
        c["blocked"] += 1

    def call_abandoned(self, req: Request) -> None:
        c = self._tally(req).counts
        c["calls"] += 1
        c["queued"] += 1
        c["delayed"] += 1
        c["abandoned"] += 1

    def call_answered(self, now: float, req: Request, wait: float, threshold: float, delayed: bool) -> None:
        """A call answered after ``wait`` minutes; ``delayed`` if every agent was busy when it came."""
        c = self._tally(req).counts
        c["calls"] += 1
        c["queued"] += 1
        c["delayed"] += delayed
        c["answered"] += 1
        c["wait_sum"] += wait
        if wait <= threshold:
            c["answered_in_threshold"] += 1
        d = self._day(now)
        self.day["answered"][d] += 1
        self.day["wait_sum"][d] += wait

    def consultation_done(self, req: Request, outcome: str) -> None:
        """A question answered from the knowledge base (``answered``) or by a department's callback."""
        self._tally(req).counts["consult_on_call" if outcome == ANSWERED else "consult_callback"] += 1
        self.finish(req, outcome)

    # --- tickets ---------------------------------------------------------------------------------
    def ticket(self, now: float, req: Request) -> None:
        c = self._tally(req).counts
        c["tickets"] += 1
        if now + self.limits[req.urgency][1] < self.horizon:  # events at the horizon itself never happen
            c["due"] += 1
        self.backlog.enter(now)
        self.day["tickets"][self._day(now)] += 1
        self.street_month["tickets"][self._cell(req.street, now)] += 1

    def count(self, req: Request, what: str) -> None:
        """One more of a simple event in a request's life: misdispatched, forwarded, escalated."""
        self._tally(req).counts[what] += 1

    def responded(self, now: float, req: Request) -> None:
        """First contact with the resident; later contacts are not responses."""
        if req.response == req.response:
            return
        req.response = now
        self.note(now, req, "responded")
        t = self._tally(req)
        t.counts["responded"] += 1
        t.counts["response_sum"] += now - req.ticket
        t.hists["response"].add(now - req.ticket)

    def grid_worker_starts(self, req: Request, waited: float) -> None:
        """A grid worker starts on an A-level matter ``waited`` minutes after it reached them."""
        c = self._tally(req).counts
        c["a_started"] += 1
        c["a_start_sum"] += waited

    def whistle(self, req: Request, kind: str) -> None:
        t = self._tally(req)
        t.counts["whistles"] += 1
        t.whistles_by_kind[kind] = t.whistles_by_kind.get(kind, 0) + 1

    def report(self, req: Request, force: str, delay: float, on_time: bool, idle: bool) -> None:
        """A ``force``'s team reports on site ``delay`` minutes after the whistle."""
        t = self._tally(req)
        c = t.counts
        c["reports"] += 1
        c["report_delay_sum"] += delay
        t.hists["report"].add(delay)
        by_force = t.reports_by_force.setdefault(force, [0, 0])
        by_force[0] += 1
        if on_time:
            c["reports_on_time"] += 1
            by_force[1] += 1
        if idle:
            c["reports_idle"] += 1

    def closed(self, now: float, req: Request, level: int) -> None:
        req.closed = now
        t = self._tally(req)
        c = t.counts
        c["closed"] += 1
        duration = now - req.ticket
        c["resolve_sum"] += duration
        t.hists["resolve"].add(duration)
        if len(req.path) > 1:
            c["closed_escalated"] += 1
        t.closed_at[level] += 1
        t.resolve_sum_at[level] += duration
        limit = self.limits[req.urgency][1]
        if duration <= limit and req.ticket + limit < self.horizon:
            c["completed_in_time"] += 1
        if req.solved:
            c["solved_closed"] += 1
        self.backlog.leave(now, req.ticket)
        self.day["closed"][self._day(now)] += 1
        self.street_month["closed"][self._cell(req.street, now)] += 1

    def evaluation(self, now: float, req: Request) -> None:
        """The resident's follow-up answer: counted in the three rates of the day and month."""
        req.evaluated = now
        responded = req.response - req.ticket <= self.limits[req.urgency][0]
        c = self._tally(req).counts
        c["evaluated"] += 1
        c["eval_responded"] += responded
        reported = req.solved or req.gamed
        c["eval_solved"] += reported
        c["eval_satisfied"] += bool(req.satisfied)
        d, cell = self._day(now), self._cell(req.street, now)
        for table, index in ((self.day, d), (self.street_month, cell)):
            table["evaluated"][index] += 1
            table["responded"][index] += responded
            table["solved"][index] += reported
            table["satisfied"][index] += bool(req.satisfied)

    def end_of_day(self, day: int, now: float) -> None:
        """Day ``day`` ends at ``now`` (the last at the horizon): snapshot the backlog, close the queues' day."""
        self.day["backlog"][day] = self.backlog.value
        for flow in self.flows.values():
            flow.end_of_day(day, now)

    # --- the end of a request ------------------------------------------------------------------
    def finish(self, req: Request, outcome: str, keep: bool = False) -> None:
        """A request's life ends: closed, answered, called back or lost.

        ``keep`` holds back its record until ``release`` (a closed ticket's
        record waits for the follow-up evaluation).
        """
        req.outcome = outcome
        self._tally(req).counts["finished"] += 1
        if not keep:
            self.release(req)

    def release(self, req: Request) -> None:
        """Write the record of a finished request."""
        if self.live is not None:
            del self.live[req.id]
            self._row(req)

    def lost(self, req: Request) -> None:
        self._tally(req).counts["lost"] += 1
        self.finish(req, LOST)

    def close_horizon(self) -> None:
        """At the horizon: count the stays still running, write the records of requests still open."""
        for flow in self.flows.values():
            flow.close(self.horizon)
        if self.live is not None:
            for req in self.live.values():
                self._row(req)
            self.live.clear()
            self.flush()

    def _row(self, req: Request) -> None:
        self.rows.append((
            self.replication, req.id, req.kind, req.street, req.community, req.grid,
            self.category_names[req.category] if req.category >= 0 else "",
            LEVELS[req.needed] if req.category >= 0 else "",
            self.urgency_names[req.urgency], req.channel, req.repeat, req.proactive, req.appeared,
            req.raised, req.ticket, req.response, req.closed, req.evaluated, req.attempts, req.wait,
            req.misdispatched, req.bounces, req.path, req.whistle, req.reports, req.late_reports,
            req.idle_reports, req.solved, req.solved or req.gamed, req.satisfied, req.outcome,
        ))
        if len(self.rows) >= self.chunk:
            self.flush()

    def flush(self) -> None:
        """Hand the buffered records to the sink."""
        if self.rows:
            self.sink(self.rows)
            self.rows = []


