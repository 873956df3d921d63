"""The one place that observes the model: the ``Observer`` the experiments attach to it.

The model reports each fact once (``sim.model.observer``); the recorder keeps
running counts, sums, time-weighted levels and a log-binned histogram, so
memory does not grow with the number of requests. It writes nothing back into
the model. The trace of every request's life, in the vocabulary of
``sim.model.observer.TRACE``, is kept only when asked for; per-request rows
only when records are, and handed to a sink in chunks. The metric definitions
themselves live in ``metrics.py``, the tables in ``tables.py``.
"""

from __future__ import annotations

import math
from typing import Callable, Optional

from sim.model.observer import STATIONS, Observer
from sim.model.request import ANSWERED, COMMUNITY_INTAKE, NAN, PROBLEM, Request
from sim.model.setting import Setting
from sim.scenario.schema import LEVELS

from .flows import Flow

# one row per request (issues.parquet): (column, Arrow type)
RECORDS = (
    ("replication", "int32"), ("id", "int64"), ("kind", "string"), ("street", "int32"), ("community", "int32"),
    ("grid", "int32"), ("category", "string"), ("needed_level", "string"), ("urgency", "string"),
    ("channel", "string"), ("switched", "string"), ("repeat", "int32"), ("proactive", "bool"),
    ("appeared_min", "float64"), ("raised_min", "float64"), ("ticket_min", "float64"), ("response_min", "float64"),
    ("closed_min", "float64"), ("evaluated_min", "float64"), ("call_attempts", "int32"), ("call_wait_min", "float64"),
    ("misdispatched", "bool"), ("bounces", "int32"), ("path", "string"), ("whistle", "string"),
    ("whistle_reports", "int32"), ("whistle_late", "int32"), ("whistle_idle", "int32"), ("solved", "bool"),
    ("reported_solved", "bool"), ("satisfied", "bool"), ("outcome", "string"),
)
RECORD_COLUMNS = tuple(name for name, _kind in RECORDS)

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
            "switched", "unheard",
            "consult_on_call", "consult_callback",
            "tickets", "dispatched", "misdispatched", "forwarded", "escalated", "closed_escalated", "responded",
            "response_sum", "closed", "resolve_sum", "appeared_sum", "completed_in_time", "due", "solved_closed",
            "priority_due", "priority_in_time",
            "whistles", "reports", "reports_on_time", "report_delay_sum", "reports_idle",
            "evaluated", "eval_responded", "eval_solved", "eval_true_solved", "eval_satisfied", "finished", "gamed",
            "a_started", "a_start_sum",
        ), 0)
        self.counts["wait_sum"] = 0.0
        self.closed_at = [0] * len(LEVELS)
        self.resolve_sum_at = [0.0] * len(LEVELS)
        self.whistles_by_kind: dict[str, int] = {}
        self.reports_by_force: dict[str, list[int]] = {}  # force -> [reports, on time]
        # durations in minutes: ticket to first response, ticket to closure, whistle to a team's report
        self.hists = {measure: Histogram() for measure in DURATIONS}


class Recorder(Observer):
    """Running statistics of one replication.

    Requests that appear before ``warmup`` run through the model like any
    other but are tallied apart, so the metrics describe the system once it
    has filled up; time-weighted measures (backlog, utilisation) are taken
    from ``warmup`` on. The daily and monthly tables cover the whole horizon.
    """

    def __init__(self, setting: Setting, sink: Optional[Callable[[list[tuple]], None]] = None,
                 chunk: int = 50_000, trace: bool = False):
        s = setting.scenario
        self.horizon, self.warmup = s.horizon, s.warmup
        self.calendar = setting.calendar
        self.category_names = [c.name for c in s.demand.categories]
        self.urgency_names = setting.urgencies
        self.completion = [s.time_limits[u].completion for u in setting.urgencies]  # by urgency class index
        self.priority = [s.time_limits[u].priority for u in setting.urgencies]
        self.threshold = s.hotline.service_level_threshold
        self.replication = setting.replication
        self.days = setting.days
        self._day, self._cell = setting.day_at, setting.cell
        self.measured, self.warming = Tally(), Tally()
        self.busy_minutes: dict[str, float] = {}  # by pool, between the warm-up and the horizon
        self.available_minutes: dict[str, float] = {}
        self.flows = {name: Flow(self.days) for name, _what in STATIONS}  # every queue and level, day by day
        self.backlog = self.flows["open_tickets"]
        self.teams_out = {False: self.flows["stationed_teams_out"], True: self.flows["on_call_teams_out"]}
        self.day = {key: [0] * self.days for key in (
            "arrivals", "tickets", "closed", "backlog", "evaluated", "responded", "solved", "satisfied", "answered")}
        self.day["wait_sum"] = [0.0] * self.days
        self.street_month = {key: [0] * (len(setting.city.streets) * setting.months)
                             for key in ("requests", "tickets", "closed")}
        # measured requests per grid, for the grid map: all requests, first-time problems, found proactively
        self.grid = {key: [0] * setting.city.grids for key in ("requests", "first_time", "proactive")}
        self.sink = sink
        self.chunk = chunk
        self.rows: Optional[list[tuple]] = [] if sink is not None else None
        self.live: Optional[dict[int, Request]] = {} if sink is not None else None
        self.events: Optional[list[tuple]] = [] if trace else None

    # --- helpers -------------------------------------------------------------------------------
    def _tally(self, req: Request) -> Tally:
        """Where a request's statistics go: measured, or set aside because it appeared during the warm-up."""
        return self.measured if req.appeared >= self.warmup else self.warming

    def _note(self, now: float, req: Request, event: str, *values) -> None:
        """Keep a step of a request's life, ``(minute, request id, event, values)`` (``TRACE``), when tracing."""
        if self.events is not None:
            self.events.append((now, req.id, event, values))

    # --- the organisation and the clock ---------------------------------------------------------
    def station(self, name: str) -> Flow:
        return self.flows[name]

    def capacity(self, pool: str, units: int, minutes: Optional[float] = None, duties: float = 0.0) -> None:
        """Declare a pool's handlers, for its utilisation: ``units`` available ``minutes`` each after the
        warm-up (default: around the clock), already busy for ``duties`` minutes in all with other work."""
        around_the_clock = self.horizon - self.warmup
        self.available_minutes[pool] = self.available_minutes.get(pool, 0.0) + units * (
            around_the_clock if minutes is None else minutes)
        self.busy_minutes[pool] = self.busy_minutes.get(pool, 0.0) + duties

    def busy(self, pool: str, start: float, minutes: float) -> None:
        """Counted between the warm-up and the horizon."""
        self.busy_minutes[pool] += max(0.0, min(start + minutes, self.horizon) - max(start, self.warmup))

    def day_ended(self, day: int, now: float) -> None:
        """Snapshot the backlog, close the queues' day."""
        self.day["backlog"][day] = self.backlog.value
        for flow in self.flows.values():
            flow.end_of_day(day, now)

    def warmup_over(self, now: float) -> None:
        """From the end of the warm-up, measure the backlog and the teams out afresh."""
        for level in (self.backlog, *self.teams_out.values()):
            level.restart(now)

    def horizon_reached(self, now: float) -> None:
        """Count the stays still running, write the records of requests still open."""
        for flow in self.flows.values():
            flow.close(now)
        if self.live is not None:
            for req in self.live.values():
                self._row(req)
            self.live.clear()
            self.flush()

    # --- a request enters, or not ------------------------------------------------------------------
    def _entered(self, now: float, req: Request) -> Tally:
        """Count a request entering the system; its tally."""
        tally = self._tally(req)
        tally.counts["requests"] += 1
        if tally is self.measured:
            self.grid["requests"][req.grid] += 1
        self.day["arrivals"][self._day(now)] += 1
        self.street_month["requests"][self._cell(req.street, now)] += 1
        if self.live is not None:
            self.live[req.id] = req
        return tally

    def not_raised(self, appeared: float, why: str) -> None:
        (self.measured if appeared >= self.warmup else self.warming).counts[why] += 1

    def raised(self, now: float, req: Request) -> None:
        tally = self._entered(now, req)
        c = tally.counts
        c["problems"] += 1
        if req.repeat:
            c["repeats"] += 1
        elif tally is self.measured:
            self.grid["first_time"][req.grid] += 1
            self.grid["proactive"][req.grid] += req.proactive
        if req.proactive:
            c["proactive"] += 1
        self._note(now, req, "raised", req.channel)

    def asked(self, now: float, req: Request) -> None:
        self._entered(now, req).counts["consultations"] += 1

    # --- the hotline --------------------------------------------------------------------------------
    def call_blocked(self, now: float, req: Request) -> None:
        c = self._tally(req).counts
        c["calls"] += 1
        c["blocked"] += 1
        self._note(now, req, "busy", req.attempts)

    def call_abandoned(self, now: float, req: Request, waited: float) -> None:
        c = self._tally(req).counts
        c["calls"] += 1
        c["queued"] += 1
        c["delayed"] += 1
        c["abandoned"] += 1
        self._note(now, req, "abandoned", req.attempts, waited)

    def call_answered(self, now: float, req: Request, waited: float, delayed: bool, talk: float) -> None:
        c = self._tally(req).counts
        c["calls"] += 1
        c["queued"] += 1
        c["delayed"] += delayed
        c["answered"] += 1
        c["wait_sum"] += waited
        if waited <= self.threshold:
            c["answered_in_threshold"] += 1
        d = self._day(now)
        self.day["answered"][d] += 1
        self.day["wait_sum"][d] += waited
        self._note(now, req, "answered", req.attempts, waited)
        self.busy("hotline_agents", now, talk)

    def switched(self, now: float, req: Request) -> None:
        self._tally(req).counts["switched"] += 1
        self._note(now, req, "switched", req.switched)

    def lost(self, now: float, req: Request) -> None:
        c = self._tally(req).counts
        c["lost"] += 1
        if req.kind == PROBLEM:
            c["unheard"] += 1
            self._note(now, req, "unheard")
        self._finish(req)

    def question_answered(self, now: float, req: Request) -> None:
        on_call = req.outcome == ANSWERED
        self._note(now, req, "knowledge_base" if on_call else "callback")
        self._tally(req).counts["consult_on_call" if on_call else "consult_callback"] += 1
        self._finish(req)

    # --- tickets and dispatch -------------------------------------------------------------------------
    def ticket(self, now: float, req: Request) -> None:
        c = self._tally(req).counts
        c["tickets"] += 1
        if now + self.completion[req.urgency] < self.horizon:  # events at the horizon itself never happen
            c["due"] += 1
            c["priority_due"] += self.priority[req.urgency]
        self.backlog.enter(now)
        self.day["tickets"][self._day(now)] += 1
        self.street_month["tickets"][self._cell(req.street, now)] += 1
        if req.via not in COMMUNITY_INTAKE:  # the desk writes it (a grid worker's intake is its response)
            self._note(now, req, "ticket")

    def sent(self, now: float, req: Request) -> None:
        self._tally(req).counts["dispatched"] += 1

    def misdispatched(self, now: float, req: Request) -> None:
        self._tally(req).counts["misdispatched"] += 1
        self._note(now, req, "misdispatched")

    def redispatched(self, now: float, req: Request) -> None:
        self._note(now, req, "re-dispatched")

    def dispatched(self, now: float, req: Request, street: Optional[int]) -> None:
        self._note(now, req, "dispatched", street)

    def responded(self, now: float, req: Request) -> None:
        self._note(now, req, "responded")
        t = self._tally(req)
        t.counts["responded"] += 1
        t.counts["response_sum"] += now - req.ticket
        t.hists["response"].add(now - req.ticket)

    def kept(self, now: float, req: Request) -> None:
        self._note(now, req, "community")

    def referred(self, now: float, req: Request, street: int) -> None:
        self._note(now, req, "referred", street)

    def forwarded(self, now: float, req: Request) -> None:
        self._tally(req).counts["forwarded"] += 1
        self._note(now, req, "forwarded")

    def triaged(self, now: float, req: Request, level: int) -> None:
        self._note(now, req, "triaged", LEVELS[level])

    # --- handling -----------------------------------------------------------------------------------
    def grid_worker_starts(self, now: float, req: Request, waited: float) -> None:
        c = self._tally(req).counts
        c["a_started"] += 1
        c["a_start_sum"] += waited

    def grid_worker_works(self, start: float, finish: float, effort: float) -> None:
        """Count only the part of the effort worked between the warm-up and the horizon."""
        cal = self.calendar
        worked = cal.working_between(start, finish)
        measured = cal.working_between(max(start, self.warmup), min(finish, self.horizon))
        if measured != worked:
            effort *= measured / worked
        self.busy_minutes["grid_workers"] += effort

    def whistle(self, now: float, req: Request, kind: str, forces: tuple[str, ...]) -> None:
        t = self._tally(req)
        t.counts["whistles"] += 1
        t.whistles_by_kind[kind] = t.whistles_by_kind.get(kind, 0) + 1
        self._note(now, req, "whistle", kind, forces)

    def on_site(self, now: float, req: Request, blown: float, forces: tuple[str, ...], delays: list[float],
                on_time: list[bool], idle: list[bool]) -> None:
        t = self._tally(req)
        c = t.counts
        for force, delay, in_time, idling in zip(forces, delays, on_time, idle):
            c["reports"] += 1
            c["report_delay_sum"] += delay
            t.hists["report"].add(delay)
            by_force = t.reports_by_force.setdefault(force, [0, 0])
            by_force[0] += 1
            if in_time:
                c["reports_on_time"] += 1
                by_force[1] += 1
            if idling:
                c["reports_idle"] += 1
        self._note(now, req, "on_site", now - blown, req.late_reports, any(idle), tuple(delays))

    def closed(self, now: float, req: Request, level: int, chance: float) -> None:
        t = self._tally(req)
        c = t.counts
        c["closed"] += 1
        duration = now - req.ticket
        c["resolve_sum"] += duration
        c["appeared_sum"] += now - req.appeared
        t.hists["resolve"].add(duration)
        if len(req.path) > 1:
            c["closed_escalated"] += 1
        t.closed_at[level] += 1
        t.resolve_sum_at[level] += duration
        limit = self.completion[req.urgency]
        if duration <= limit and req.ticket + limit < self.horizon:
            c["completed_in_time"] += 1
            c["priority_in_time"] += self.priority[req.urgency]
        if req.solved:
            c["solved_closed"] += 1
        if req.gamed:
            c["gamed"] += 1
        c["finished"] += 1
        self.backlog.leave(now, req.ticket)
        self.day["closed"][self._day(now)] += 1
        self.street_month["closed"][self._cell(req.street, now)] += 1
        self._note(now, req, "closed", LEVELS[level], req.solved, req.gamed, chance)

    def escalated(self, now: float, req: Request, level: int) -> None:
        self._tally(req).counts["escalated"] += 1
        self._note(now, req, "escalated", LEVELS[level])

    # --- the follow-up ----------------------------------------------------------------------------------
    def evaluated(self, now: float, req: Request, in_time: bool) -> None:
        """The resident's follow-up answer: counted in the three rates of the day."""
        c = self._tally(req).counts
        c["evaluated"] += 1
        c["eval_responded"] += in_time
        reported = req.reported_solved
        c["eval_solved"] += reported
        c["eval_true_solved"] += req.solved
        c["eval_satisfied"] += bool(req.satisfied)
        d = self.day
        day = self._day(now)
        d["evaluated"][day] += 1
        d["responded"][day] += in_time
        d["solved"][day] += reported
        d["satisfied"][day] += bool(req.satisfied)
        self._note(now, req, "evaluated", reported, req.satisfied)

    def followed_up(self, now: float, req: Request) -> None:
        self._release(req)

    # --- the end of a request ----------------------------------------------------------------------------
    def _finish(self, req: Request) -> None:
        """A request's life ends without a ticket (lost, or a question answered): count it, write its record."""
        self._tally(req).counts["finished"] += 1
        self._release(req)

    def _release(self, req: Request) -> None:
        """Write the record of a finished request."""
        if self.live is not None:
            del self.live[req.id]
            self._row(req)

    def _row(self, req: Request) -> None:
        self.rows.append((
            self.replication, req.id, req.kind, req.street, req.community, req.grid,
            self.category_names[req.category] if req.category >= 0 else "",
            LEVELS[req.needed] if req.category >= 0 else "",
            self.urgency_names[req.urgency], req.channel, req.switched, req.repeat, req.proactive, req.appeared,
            req.raised, req.ticket, req.response, req.closed, req.evaluated, req.attempts, req.wait,
            req.misdispatched, req.bounces, req.path, req.whistle, req.reports, req.late_reports,
            req.idle_reports, req.solved, req.reported_solved, req.satisfied, req.outcome,
        ))
        if len(self.rows) >= self.chunk:
            self.flush()

    def flush(self) -> None:
        """Hand the buffered records to the sink."""
        if self.rows:
            self.sink(self.rows)
            self.rows = []
