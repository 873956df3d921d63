"""Exact traces: one scripted request through each path, with fixed durations.

Every duration is fixed and every probability is 0 or 1, so each timestamp
below is computed by hand from the scenario and must match to the minute.
Times are simulated minutes.
"""

from __future__ import annotations

import copy
import math

import pytest

from sim import Scenario, simulate

DAY = 1440.0

BASE = {
    "name": "trace",
    "seed": 1,
    "horizon": "30d",
    "organisation": {"communities_per_street": 1, "households_per_community": {"mean": 1000, "cv": 0, "min": 100},
                     "street_centre_staff": 1, "district_coordinators": 1, "city_department_staff": 1},
    # grid workers on duty around the clock with nothing else to do, so A-level times are plain sums
    "grid": {"households": 500, "patrol_households": 0, "home_visit_target": 0, "data_chores_share": 0,
             "shift": {"start": 0, "end": "24h", "days": [0, 1, 2, 3, 4, 5, 6]}},
    "demand": {
        "problems_per_household_per_year": 0, "raise_prob": 1, "raise_delay": "1h",
        "channels": {"hotline": 1.0},
        "categories": [
            {"name": "a", "share": 0.25, "levels": {"A": 1}, "visible": 0},
            {"name": "b", "share": 0.25, "levels": {"B": 1}, "visible": 0, "forces": ["urban_management"]},
            {"name": "c", "share": 0.25, "levels": {"C": 1}, "visible": 0},
            {"name": "power", "share": 0.25, "levels": {"D": 1}, "owner": "utility", "visible": 0,
             "urgency": {"utility": 1}},
        ],
    },
    "consultation": {"per_household_per_year": 0},
    "hotline": {"lines": 2, "agents": 1, "talk_time": "5min", "patience": "3min", "redial_prob": 1,
                "redial_delay": "20min", "max_attempts": 3, "switch": {}},
    "online": {"processing_delay": "1h"},
    "dispatch": {"delay": "30min", "accuracy": 1, "objection_delay": "4h", "review_delay": "12h",
                 "forward_delay": "4h"},
    "triage": {"time": "10min", "accuracy": 1, "community_report_delay": "2h"},
    "levels": {
        "A": {"effort": "1h", "lead_time": "1d", "solve_prob": 1, "escalate_after": "3d"},
        "B": {"effort": "2h", "lead_time": "2d", "solve_prob": 1, "escalate_after": "7d"},
        "C": {"effort": "2h", "lead_time": "4d", "solve_prob": 1, "escalate_after": "15d"},
        "D": {"effort": "2h", "lead_time": "5d", "solve_prob": 1, "escalate_after": "none"},
    },
    "whistle": {"report_timeout": "30min", "report_delay_stationed": "20min", "report_delay_on_call": "1h",
                "present_not_working": 0, "window": {"enforcement": "none", "emergency": "none", "key_work": "none"}},
    "evaluation": {"delay": "1d", "reach_prob": 1, "intercept": 20, "repeat_prob": 0},
}


def run(script, **changes):
    """Simulate the trace scenario with ``script`` and nested ``changes`` (dotted keys)."""
    data = copy.deepcopy(BASE)
    data["demand"]["script"] = script
    for key, value in changes.items():
        node = data
        *parents, last = key.split("__")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    result = simulate(Scenario.model_validate(data), records=True, trace=True)
    return result, result.issues.set_index("id")


def events(result, rid=0):
    return [(t, what) for t, i, what, _ in result.trace if i == rid]


def test_level_a_by_hotline():
    result, rows = run([{"at": 10, "category": "a"}])
    r = rows.loc[0]
    # raised 10+60; talk 5 -> ticket 75; dispatch 30 -> 105; triage 10 -> 115 (response);
    # effort 60 -> 175; lead 1 d -> closed 1615; evaluated 1 d later
    assert (r.raised_min, r.ticket_min, r.response_min, r.closed_min, r.evaluated_min) == (70, 75, 115, 1615, 3055)
    assert r.path == "A" and r.outcome == "closed" and r.solved and r.satisfied
    assert events(result) == [(70, "raised"), (70, "answered"), (75, "ticket"), (105, "dispatched"),
                              (115, "responded"), (115, "triaged"), (1615, "closed"), (3055, "evaluated")]
    m = result.metrics
    assert m["share_closed_in_community"] == 1 and m["response_rate"] == 1 and m["completion_rate"] == 1
    assert m["mean_resolve_h"] == pytest.approx((1615 - 75) / 60)


def test_level_b_whistle_on_time():
    result, rows = run([{"at": 10, "category": "b"}])
    r = rows.loc[0]
    # whistle at 115 (response); stationed team reports at 135 (20 min, on time);
    # effort 120 -> 255; lead 2 d -> closed 3135
    assert (r.response_min, r.closed_min) == (115, 3135)
    assert (r.path, r.whistle, r.whistle_reports, r.whistle_late) == ("B", "enforcement", 1, 0)
    m = result.metrics
    assert m["whistles"] == 1 and m["whistle_on_time_rate"] == 1
    assert m["whistle_mean_report_delay_min"] == pytest.approx(20)
    assert m["share_closed_in_street"] == 1 and m["share_closed_in_community"] == 0


def test_level_b_whistle_late_with_on_call_department():
    changes = {"demand__categories": copy.deepcopy(BASE["demand"]["categories"])}
    changes["demand__categories"][1]["forces"] = ["urban_management", "housing"]
    result, rows = run([{"at": 10, "category": "b"}], whistle__compliance=0, **changes)  # no team hurries
    r = rows.loc[0]
    # housing is on call: it reports 60 min after the whistle (late against 30 min);
    # work starts when the last team is there: 175 + 120 effort + 2 d lead = 3175
    assert (r.whistle_reports, r.whistle_late, r.closed_min) == (2, 1, 3175)
    assert result.metrics["whistle_on_time_rate"] == 0.5
    assert result.metrics["whistle_mean_report_delay_min"] == pytest.approx(40)


def test_without_a_report_limit_lateness_is_judged_against_the_reference():
    changes = {"whistle__report_timeout": "none", "whistle__report_delay_stationed": "3h"}
    result, rows = run([{"at": 10, "category": "b"}], **changes)
    assert rows.loc[0].whistle_late == 1 and result.metrics["whistle_on_time_rate"] == 0
    result, rows = run([{"at": 10, "category": "b"}], whistle__reference_timeout="4h", **changes)
    assert rows.loc[0].whistle_late == 0 and result.metrics["whistle_on_time_rate"] == 1


def test_double_assessment_brings_teams_by_the_limit_as_far_as_distance_allows():
    assessment = {"enabled": True, "start": 1.0}  # departments fully disciplined: every would-be-late team hurries
    script = [{"at": 10, "category": "b"}]

    def report(limit: str, **changes) -> float:
        changes.setdefault("whistle__assessment", assessment)
        result, rows = run(script, whistle__compliance=0, whistle__report_timeout=limit, **changes)
        delay = result.metrics["whistle_mean_report_delay_min"]
        assert rows.loc[0].closed_min == pytest.approx(115 + delay + 120 + 2 * DAY)
        return delay

    assert report("15min") == pytest.approx(15)  # the 20-minute report pulled in to the limit
    assert report("5min") == pytest.approx(10)  # half of it is distance (min_travel 0.5)
    assert report("none") == pytest.approx(20)  # no limit, nothing to hurry for
    assert report("15min", whistle__assessment={"enabled": False}) == pytest.approx(20)  # compliance 0


def test_a_late_crew_lowers_the_chance_a_whistle_matter_is_solved():
    window = {"enforcement": "30min", "emergency": "none", "key_work": "none"}
    result, _ = run([{"at": 10, "category": "b"}], whistle__window=window)
    closed = [values for _m, _id, event, values in result.trace if event == "closed"]
    assert closed[0][3] == pytest.approx(math.exp(-20 / 30))  # solve_prob 1, times exp(-report delay / window)


def test_all_forces_on_call_come_from_the_district():
    result, rows = run([{"at": 10, "category": "b"}], forces__all_on_call=True, whistle__compliance=0)
    # urban management now travels as an on-call force: 60 min, late
    assert rows.loc[0].whistle_late == 1 and rows.loc[0].closed_min == 115 + 60 + 120 + 2 * DAY


def test_present_but_not_working_lowers_the_solve_chance():
    changes = {"whistle__present_not_working": 1, "whistle__idle_solve_factor": 0}
    result, rows = run([{"at": 10, "category": "b"}], **changes)
    r = rows.loc[0]
    assert r.whistle_idle == 1 and not r.solved and r.outcome == "closed"
    assert result.metrics["whistle_idle_rate"] == 1 and result.metrics["resolution_rate"] == 0


def test_level_c_district():
    result, rows = run([{"at": 10, "category": "c"}])
    r = rows.loc[0]
    # coordinator at 115 (response), effort 120 -> 235, lead 4 d -> 5995
    assert (r.response_min, r.closed_min, r.path) == (115, 5995, "C")
    assert result.metrics["share_closed_C"] == 1


def test_level_d_utility_through_the_street_is_forwarded():
    result, rows = run([{"at": 10, "category": "power"}])
    r = rows.loc[0]
    # the street contacts the resident (115) and passes the ticket on: 4 h -> 355, effort -> 475,
    # lead 5 d -> 7675
    assert (r.response_min, r.closed_min, r.path, r.bounces) == (115, 7675, "D", 1)
    assert r.urgency == "utility"
    # utility completion limit is 24 h: not completed in time
    assert result.metrics["completion_rate"] == 0


def test_precise_dispatch_sends_utility_tickets_straight_to_the_department():
    result, rows = run([{"at": 10, "category": "power"}], dispatch__mode="precise")
    r = rows.loc[0]
    # dispatched at 105 straight to the utility: response 105, closed 105 + 120 + 5 d
    assert (r.response_min, r.closed_min, r.path, r.bounces) == (105, 105 + 120 + 5 * DAY, "D", 0)
    assert "triaged" not in [what for _, what in events(result)]


def test_escalation_when_the_level_cannot_solve():
    result, rows = run([{"at": 10, "category": "c"}], triage__accuracy=0)
    r = rows.loc[0]
    # triaged one level too low (B): whistle at 115, report 135, effort to 255, gives up after its
    # 2-day lead (3135), then C: effort 120 -> 3255, lead 4 d -> 9015
    assert (r.path, r.response_min, r.closed_min) == ("BC", 115, 3135 + 120 + 4 * DAY)
    assert result.metrics["escalation_rate"] == 1


def test_escalation_when_the_time_limit_passes():
    levels = copy.deepcopy(BASE["levels"])
    levels["A"]["lead_time"] = "5d"
    result, rows = run([{"at": 10, "category": "a"}], levels=levels)
    r = rows.loc[0]
    # A starts at 115, its 3-day limit passes at 115 + 3 d; B blows the whistle then,
    # team reports 20 min later, effort 120, lead 2 d
    entered_b = 115 + 3 * DAY
    assert r.path == "AB"
    assert r.closed_min == entered_b + 20 + 120 + 2 * DAY


def test_misdispatch_objection_review_and_redispatch():
    result, rows = run([{"at": 10, "category": "a"}], dispatch__accuracy=0)
    r = rows.loc[0]
    # dispatched wrongly at 105; objection 4 h -> 345; review 12 h -> 1065; dispatch again -> 1095;
    # triage -> 1105 (response); effort -> 1165; lead -> 2605
    assert (r.misdispatched, r.bounces, r.response_min, r.closed_min) == (True, 1, 1105, 2605)
    assert result.metrics["misdispatch_rate"] == 1
    # responded 1030 min after the ticket: within the 24 h ordinary limit
    assert result.metrics["response_rate"] == 1


def test_abandonment_and_redial():
    result, rows = run([{"at": 0, "category": "a"}, {"at": 1, "category": "a", "household": 1}])
    first, second = rows.loc[0], rows.loc[1]
    # the only agent talks to the first caller 60-65; the second calls at 61, hangs up after
    # 3 min of patience (64), redials 20 min later (84) and is answered at once
    assert (first.call_attempts, first.ticket_min) == (1, 65)
    assert (second.call_attempts, second.call_wait_min, second.ticket_min) == (2, 3, 89)
    m = result.metrics
    assert m["hotline_calls"] == 3 and m["hotline_abandon_rate"] == pytest.approx(1 / 3)
    assert m["hotline_answer_rate"] == pytest.approx(2 / 3)


def test_busy_lines_block_the_call():
    result, rows = run([{"at": 0, "category": "a"}, {"at": 1, "category": "a", "household": 1}],
                       hotline__lines=1)
    second = rows.loc[1]
    # every line busy at 61: busy tone, redial at 81, answered at once, ticket at 86
    assert (second.call_attempts, second.call_wait_min, second.ticket_min) == (2, 0, 86)
    assert result.metrics["hotline_blocked_rate"] == pytest.approx(1 / 3)


def test_caller_who_gives_up_is_lost():
    result, rows = run([{"at": 0, "category": "a"}, {"at": 1, "category": "a", "household": 1}],
                       hotline__max_attempts=1)
    second = rows.loc[1]
    assert second.outcome == "lost" and math.isnan(second.ticket_min)
    assert result.metrics["hotline_lost"] == 1
    assert result.metrics["unheard_demand"] == 1 and result.metrics["unheard_rate"] == pytest.approx(0.5)


def test_caller_who_cannot_get_through_switches_to_the_app():
    result, rows = run([{"at": 0, "category": "a"}, {"at": 1, "category": "a", "household": 1}],
                       hotline__max_attempts=1, hotline__switch={"online": 1.0})
    second = rows.loc[1]
    assert second.channel == "hotline" and second.switched == "online" and second.outcome == "closed"
    assert second.ticket_min == pytest.approx(1 + 60 + 3 + 60)  # raised, 3 minutes' patience, the desk's hour
    assert result.metrics["unheard_demand"] == 0 and result.metrics["hotline_switched"] == 1


def test_online_request():
    result, rows = run([{"at": 10, "category": "a", "channel": "online"}])
    r = rows.loc[0]
    # raised 70, processed 1 h -> ticket 130, dispatch -> 160, triage -> 170
    assert (r.ticket_min, r.response_min, r.call_attempts) == (130, 170, 0)


def test_direct_to_grid_worker_stays_in_the_community():
    result, rows = run([{"at": 10, "category": "a", "channel": "grid_worker"}])
    r = rows.loc[0]
    # the grid worker takes it at 70 and starts at once
    assert (r.ticket_min, r.response_min, r.closed_min, r.path) == (70, 70, 70 + 60 + DAY, "A")


def test_grid_worker_reports_a_street_matter_up():
    result, rows = run([{"at": 10, "category": "b", "channel": "grid_worker"}])
    r = rows.loc[0]
    # the worker hears of it at 70 (response), reports it 2 h later (190), triaged by 200: whistle
    assert (r.ticket_min, r.response_min, r.path) == (70, 70, "B")
    assert "whistle" in [what for t, what in events(result) if t == 200]


def test_patrol_finds_a_visible_problem_before_the_complaint():
    categories = copy.deepcopy(BASE["demand"]["categories"])
    categories[0]["visible"] = 1
    result, rows = run([{"at": 10, "category": "a"}], demand__categories=categories,
                       demand__raise_delay="2d", grid__patrol_households=500)
    r = rows.loc[0]
    # grid 0 is patrolled at the start of every shift (midnight here): the first patrol after 10 sees it
    assert (r.proactive, r.channel, r.raised_min, r.ticket_min) == (True, "patrol", DAY, DAY)
    assert math.isnan(r.evaluated_min)
    assert result.metrics["proactive_share"] == 1


OFFICE_HOURS = {"start": "8h", "end": "17h", "days": [0, 1, 2, 3, 4]}  # 2019-01-01 is a Tuesday


def test_grid_worker_starts_when_on_shift_and_shares_the_shift_with_chores():
    result, rows = run([{"at": 10, "category": "a", "channel": "grid_worker"}],
                       grid__shift=OFFICE_HOURS, grid__data_chores_share=0.5)
    r = rows.loc[0]
    # raised 70 (01:10); the worker hears of it at 08:00 (480: ticket, response, work starts); 60 min of
    # effort take 120 min of shift at a 50% handling share -> 600; lead 1 d -> 2040
    assert (r.ticket_min, r.response_min, r.closed_min) == (480, 480, 600 + DAY)


def test_effort_carries_over_to_the_next_working_day():
    levels = copy.deepcopy(BASE["levels"])
    levels["A"]["effort"] = "10h"
    levels["A"]["escalate_after"] = "10d"
    result, rows = run([{"at": 4 * DAY - 60, "category": "a", "channel": "grid_worker"}], levels=levels,
                       grid__shift=OFFICE_HOURS)
    r = rows.loc[0]
    # appears Friday 23:00, raised Saturday 00:00: the worker hears of it Monday 08:00 (day 6: response,
    # work starts), works 9 h that day, the last hour on Tuesday 08:00-09:00; lead 1 d
    assert r.response_min == 6 * DAY + 480
    assert r.closed_min == 7 * DAY + 540 + DAY


def test_group_chat_is_read_on_the_next_shift():
    result, rows = run([{"at": 10, "category": "a", "channel": "group_chat"}], grid__shift=OFFICE_HOURS)
    r = rows.loc[0]
    # posted 70; read after 30 min of working time: 08:30 (510); kept in the community
    assert (r.channel, r.ticket_min, r.response_min, r.path) == ("group_chat", 510, 510, "A")


def test_home_visit_hears_of_a_problem_nobody_raised():
    result, rows = run([{"at": 10, "category": "c"}], demand__raise_prob=0, grid__home_visit_target=1,
                       grid__home_visit_detect=1, grid__shift=OFFICE_HOURS, horizon="400d")
    r = rows.loc[0]
    assert (r.channel, r.proactive) == ("home_visit", True)
    clock = r.raised_min % DAY
    assert 480 <= clock < 1020 and (r.raised_min // DAY + 1) % 7 in range(5)  # on shift, Monday to Friday
    assert r.raised_min <= 10 + 366 * DAY  # visited within a year (every household, yearly cycle)


def test_volunteer_reports_a_visible_problem():
    categories = copy.deepcopy(BASE["demand"]["categories"])
    categories[0]["visible"] = 1
    result, rows = run([{"at": 10, "category": "a"}], demand__categories=categories, demand__raise_prob=0,
                       volunteers={"per_1000_households": 5, "sighting_rate": 1})
    r = rows.loc[0]
    assert (r.channel, r.proactive) == ("volunteer", True) and r.raised_min > 10
    assert result.metrics["proactive_share"] == 1


def test_unsolved_problem_comes_back_as_a_repeat():
    levels = copy.deepcopy(BASE["levels"])
    levels["A"]["solve_prob"] = 0
    result, rows = run([{"at": 10, "category": "a"}], levels=levels, evaluation__repeat_prob=1,
                       evaluation__repeat_delay="3d", evaluation__intercept=0)
    first, again = rows.loc[0], rows.loc[1]
    assert not first.solved
    assert again["repeat"] == 1 and again.appeared_min == first.appeared_min
    assert again.raised_min == first.evaluated_min + 3 * DAY
    # the repeat is not solved either, and comes back every 3 d + its handling until the horizon
    assert result.metrics["repeat_share"] == pytest.approx((len(rows) - 1) / len(rows))


def test_consultations_answered_on_the_call_or_called_back():
    changes = {"consultation__per_household_per_year": 50, "consultation__online_share": 0,
               "horizon": "2d"}
    covered, _ = run([], consultation__knowledge_base_coverage=1, **changes)
    assert covered.metrics["consultations"] > 0
    assert covered.metrics["consultation_on_call_rate"] == 1
    assert set(covered.issues.outcome) <= {"answered", "lost", "open"}  # one agent: some callers give up
    uncovered, rows = run([], consultation__knowledge_base_coverage=0, consultation__callback="1h", **changes)
    done = rows[rows.outcome == "callback"]
    assert len(done) > 0 and uncovered.metrics["consultation_on_call_rate"] == 0
    assert uncovered.metrics["tickets"] == 0


def test_completion_limit_ending_at_the_horizon_is_not_judged():
    # ordinary completion limit 7 d; a horizon of exactly ticket + 7 d leaves the ticket undue
    result, _ = run([{"at": 10, "category": "a"}], horizon=75 + 7 * DAY)
    assert math.isnan(result.metrics["completion_rate"])


def test_whistle_teams_count_as_busy_until_the_horizon():
    result, rows = run([{"at": 10, "category": "b"}], horizon="200min")
    # the stationed team set off at the whistle (115) and is still out at 200; 6 stationed teams
    assert result.metrics["stationed_force_utilisation"] == pytest.approx((200 - 115) / (6 * 200))
    # it arrived at 135, before the horizon, so its report is counted
    assert result.metrics["whistle_mean_report_delay_min"] == pytest.approx(20)
    early, _ = run([{"at": 10, "category": "b"}], horizon="120min")  # still travelling at the horizon
    assert math.isnan(early.metrics["whistle_on_time_rate"])


def test_a_street_that_whistles_everything_sends_a_community_matter_to_the_whistle():
    """当成一个筐 [000]: with triage.overreach 1, the matter the street centre judged A goes to the whistle."""
    _result, rows = run([{"at": 10, "category": "a"}], triage__overreach=1)
    assert rows.loc[0].path == "B" and rows.loc[0].whistle == "enforcement"
    _result, rows = run([{"at": 10, "category": "a"}], triage__overreach=0)
    assert rows.loc[0].path == "A" and rows.loc[0].whistle == ""
