"""Metric definitions: what counts in each numerator and denominator.

Rates are fractions 0..1, times are hours unless the name says otherwise. A
rate whose denominator is zero is NaN ("not measured"), never 0. The docs
(docs/metrics.md) repeat these definitions for users.
"""

from __future__ import annotations

from sim.scenario.schema import LEVELS, WHISTLE_KINDS

from .recorder import Recorder

NAN = float("nan")

DEFINITIONS: dict[str, str] = {
    "requests": "requests that entered the system: problems raised by residents or found first by a grid worker's "
                "patrol or home visit or by a volunteer, repeats and consultations",
    "handling_requests": "problems that entered the system (raised, repeated, or found by patrol, home visit or "
                         "volunteer)",
    "consultations": "questions asked by phone or online",
    "tickets": "handling requests that became a ticket (answered calls, online requests, grid-worker intake)",
    "response_rate": "evaluated requests first contacted within their class's response limit / evaluated requests",
    "resolution_rate": "evaluated requests reported solved / evaluated requests (includes rushed closures whose "
                       "resident was talked into reporting them solved)",
    "true_resolution_rate": "evaluated requests whose problem was really solved / evaluated requests",
    "satisfaction_rate": "evaluated requests the resident reports satisfied with / evaluated requests",
    "unheard_rate": "problems whose resident gave up on the phone and tried no other channel (unheard demand) / "
                    "problems raised by residents (repeats included; not those found first by patrol, home visit "
                    "or volunteer). The three rates do not see these residents",
    "unheard_demand": "problems whose resident gave up on the phone and tried no other channel",
    "completion_rate": "tickets closed within their completion limit / tickets whose limit fell within the horizon",
    "priority_completion_rate": "tickets of a priority class (emergencies) closed within their completion limit / "
                                "such tickets whose limit fell within the horizon",
    "mean_response_h": "mean time from ticket to first contact, over tickets contacted",
    "mean_grid_worker_start_h": "mean time from an A-level matter reaching its grid worker to work starting on it",
    "mean_resolve_h": "mean time from ticket to closure, over closed tickets",
    "mean_appearance_to_close_h": "mean time from a problem's appearance to the closure of its ticket, over closed "
                                  "tickets: how long residents live with a problem, counted from before anyone "
                                  "raised or found it (a repeat's from its problem's first appearance)",
    "median_resolve_h": "median time from ticket to closure",
    "p90_resolve_h": "90th percentile of time from ticket to closure",
    "hotline_calls": "call attempts, redials included",
    "hotline_answer_rate": "call attempts answered by an agent / call attempts",
    "hotline_abandon_rate": "call attempts that hung up while waiting / call attempts that got a line",
    "hotline_blocked_rate": "call attempts that found every line busy / call attempts",
    "hotline_delayed_rate": "call attempts that found every agent busy and had to wait / call attempts that got a "
                            "line (Erlang's probability of waiting)",
    "hotline_mean_wait_min": "mean wait of answered calls, minutes (average speed of answer)",
    "hotline_service_level": "calls answered within the service-level threshold / call attempts that got a line",
    "hotline_lost": "requests (problems and questions) whose caller gave up before getting through and tried no "
                    "other channel",
    "hotline_switched": "problems whose resident gave up on the phone and raised them online or with their grid "
                        "worker instead",
    "consultation_on_call_rate": "consultations answered at once from the knowledge base (on the call, or online) "
                                 "/ consultations answered",
    "forwarded_to_utility": "utility tickets that reached a street (by street dispatch, or from a grid worker) "
                            "and had to be passed on",
    "misdispatch_rate": "tickets the centre first sent to the wrong receiver / tickets the centre dispatched",
    "whistles": "whistles blown by streets (B-level matters)",
    "whistles_enforcement": "enforcement whistles (joint enforcement of disorder)",
    "whistles_emergency": "emergency whistles (fire, flood, underground pipes)",
    "whistles_key_work": "key-work whistles (illegal construction, group rentals, wall openings)",
    "whistle_on_time_rate": "department reports within the report limit (whistle.reference_timeout when there is "
                            "none) / department reports",
    "whistle_mean_report_delay_min": "mean time from whistle to a department's report, minutes",
    "whistle_idle_rate": "department reports 'present but not working' / department reports",
    "share_closed_in_community": "tickets closed at level A / closed tickets",
    "share_closed_in_street": "tickets closed at level A or B (within the street) / closed tickets",
    "escalation_rate": "closed tickets that were escalated at least once / closed tickets",
    "escalations": "times a matter was passed up a level (tickets still open included)",
    "proactive_share": "problems found by patrol, home visit or volunteer before any complaint / problems entering "
                       "for the first time",
    "repeat_share": "repeat requests / handling requests",
    "solved_at_closure_rate": "closed tickets whose problem was really solved / closed tickets",
    "problems_never_raised": "problems that appeared but that no resident raised and nobody found",
    "problems_prevented": "problems that did not arise because a monthly topic had fixed their root cause",
    "gamed_closures": "closures a street under ranking pressure rushed: reported solved, not solved",
    "open_at_end": "requests not finished at the horizon (in a call, in handling, or waiting)",
    "mean_backlog": "time-weighted mean number of open tickets",
    "grid_worker_utilisation": "grid workers' time on chores, patrols, home visits and matters / their working time "
                               "(shift minutes from the warm-up to the horizon)",
    "hotline_agent_utilisation": "agents' talk time / (agents x time from the warm-up to the horizon)",
    "street_centre_utilisation": "street dispatchers' triage time / (dispatchers x time from the warm-up to the "
                                 "horizon)",
    "stationed_force_utilisation": "stationed teams' time from setting off to end of work / (teams x time from the "
                                   "warm-up to the horizon)",
    "on_call_force_utilisation": "on-call teams' time from setting off to end of work / (teams x time from the "
                                 "warm-up to the horizon)",
    "district_utilisation": "C-level coordinators' busy time / (coordinators x time from the warm-up to the horizon)",
    "city_utilisation": "D-level handlers' busy time / (handlers x time from the warm-up to the horizon)",
}
for _level in LEVELS:
    DEFINITIONS[f"share_closed_{_level}"] = f"tickets closed at level {_level} / closed tickets"
    DEFINITIONS[f"mean_resolve_h_{_level}"] = f"mean time from ticket to closure of tickets closed at level {_level}"


def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator, or NaN when nothing was measured."""
    return numerator / denominator if denominator else NAN


def compute(rec: Recorder) -> dict[str, float]:
    """Every metric of one replication, in a fixed order."""
    t, horizon = rec.measured, rec.horizon
    c = t.counts
    first_time = c["problems"] - c["repeats"]
    busy = dict(rec.busy_minutes)
    for pool, on_call in (("stationed_forces", False), ("on_call_forces", True)):  # teams are out while busy
        busy[pool] = rec.teams_out[on_call].mean(horizon) * (horizon - rec.warmup)
    utilisation = {pool: ratio(busy[pool], rec.available_minutes[pool]) for pool in rec.available_minutes}
    m: dict[str, float] = {
        "requests": c["requests"],
        "handling_requests": c["problems"],
        "consultations": c["consultations"],
        "tickets": c["tickets"],
        "response_rate": ratio(c["eval_responded"], c["evaluated"]),
        "resolution_rate": ratio(c["eval_solved"], c["evaluated"]),
        "true_resolution_rate": ratio(c["eval_true_solved"], c["evaluated"]),
        "satisfaction_rate": ratio(c["eval_satisfied"], c["evaluated"]),
        "unheard_rate": ratio(c["unheard"], c["problems"] - c["proactive"]),
        "unheard_demand": c["unheard"],
        "completion_rate": ratio(c["completed_in_time"], c["due"]),
        "priority_completion_rate": ratio(c["priority_in_time"], c["priority_due"]),
        "mean_response_h": ratio(c["response_sum"], c["responded"]) / 60.0,
        "mean_grid_worker_start_h": ratio(c["a_start_sum"], c["a_started"]) / 60.0,
        "mean_resolve_h": ratio(c["resolve_sum"], c["closed"]) / 60.0,
        "mean_appearance_to_close_h": ratio(c["appeared_sum"], c["closed"]) / 60.0,
        "median_resolve_h": t.hists["resolve"].quantile(0.5) / 60.0,
        "p90_resolve_h": t.hists["resolve"].quantile(0.9) / 60.0,
        "hotline_calls": c["calls"],
        "hotline_answer_rate": ratio(c["answered"], c["calls"]),
        "hotline_abandon_rate": ratio(c["abandoned"], c["queued"]),
        "hotline_blocked_rate": ratio(c["blocked"], c["calls"]),
        "hotline_delayed_rate": ratio(c["delayed"], c["queued"]),
        "hotline_mean_wait_min": ratio(c["wait_sum"], c["answered"]),
        "hotline_service_level": ratio(c["answered_in_threshold"], c["queued"]),
        "hotline_lost": c["lost"],
        "hotline_switched": c["switched"],
        "consultation_on_call_rate": ratio(c["consult_on_call"], c["consult_on_call"] + c["consult_callback"]),
        "forwarded_to_utility": c["forwarded"],
        "misdispatch_rate": ratio(c["misdispatched"], c["dispatched"]),
        "whistles": c["whistles"],
        **{f"whistles_{kind}": t.whistles_by_kind.get(kind, 0) for kind in WHISTLE_KINDS},
        "whistle_on_time_rate": ratio(c["reports_on_time"], c["reports"]),
        "whistle_mean_report_delay_min": ratio(c["report_delay_sum"], c["reports"]),
        "whistle_idle_rate": ratio(c["reports_idle"], c["reports"]),
        "share_closed_in_community": ratio(t.closed_at[0], c["closed"]),
        "share_closed_in_street": ratio(t.closed_at[0] + t.closed_at[1], c["closed"]),
        "escalation_rate": ratio(c["closed_escalated"], c["closed"]),
        "escalations": c["escalated"],
        "proactive_share": ratio(c["proactive"], first_time),
        "repeat_share": ratio(c["repeats"], c["problems"]),
        "solved_at_closure_rate": ratio(c["solved_closed"], c["closed"]),
        "problems_never_raised": c["never_raised"],
        "problems_prevented": c["prevented"],
        "gamed_closures": c["gamed"],
        "open_at_end": c["requests"] - c["finished"],
        "mean_backlog": rec.backlog.mean(horizon),
        "grid_worker_utilisation": utilisation["grid_workers"],
        "hotline_agent_utilisation": utilisation["hotline_agents"],
        "street_centre_utilisation": utilisation["street_centres"],
        "stationed_force_utilisation": utilisation["stationed_forces"],
        "on_call_force_utilisation": utilisation["on_call_forces"],
        "district_utilisation": utilisation["district"],
        "city_utilisation": utilisation["city"],
    }
    for level, name in enumerate(LEVELS):
        m[f"share_closed_{name}"] = ratio(t.closed_at[level], c["closed"])
        m[f"mean_resolve_h_{name}"] = ratio(t.resolve_sum_at[level], t.closed_at[level]) / 60.0
    return m
