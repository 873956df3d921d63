"""``gridgov trace``: the lives of requests told in sentences, with their simulated timestamps.

The scripted request of ``test_paths`` (fixed durations, timestamps computed
by hand there) is narrated word for word; a random teaching-street month
gives one story of each main path, in English and in Chinese.
"""

from __future__ import annotations

import re

import pytest

from analysis.narrate import PATHS, Narrator, narrate
from run import main
from sim import load_scenario, simulate
from test_paths import run as scripted

TEACHING = "scenarios/teaching_street.yaml"
STAMP = {"en": re.compile(r"^ *Day \d+ \d\d:\d\d  \S"), "zh": re.compile(r"^ *第\d+天 \d\d:\d\d  \S")}


def test_a_whistle_told_step_by_step_with_the_hand_computed_timestamps():
    result, _rows = scripted([{"at": 10, "category": "b"}])
    story = Narrator(result, "en").tell("whistle", 0)
    assert story.title == "Request 1 · the street blows the whistle (B) · b · grid 1, community 1, street-1"
    assert story.lines == [
        " Day 1 01:10  A resident of grid 1, community 1 calls 12345 about b. (The problem appeared 60 minutes "
        "earlier.)",
        " Day 1 01:10  An agent answers at once.",
        " Day 1 01:15  The hotline writes a ticket (ordinary; respond within 24 hours, complete within 7 days).",
        " Day 1 01:45  The ticket is dispatched straight to street-1.",
        " Day 1 01:55  The handler contacts the resident: a response 40 minutes after the ticket, within the limit "
        "of 24 hours.",
        " Day 1 01:55  The street's centre triages it to level B: the street must coordinate departments.",
        " Day 1 01:55  The street blows the enforcement whistle: urban management must report within 30 minutes.",
        " Day 1 02:15  Every team is on site 20 minutes after the whistle.",
        " Day 3 04:15  Closed at level B: solved.",
        " Day 4 04:15  Follow-up call: the resident says it is solved and is satisfied.",
    ]
    zh = Narrator(result, "zh").tell("whistle", 0)
    assert zh.lines[6] == " 第1天 01:55  街道吹响综合执法哨：城管执法须在30分钟内报到。"
    assert zh.lines[-1] == " 第4天 04:15  回访：居民表示问题已解决，满意。"


def test_a_late_department_and_an_escalation_are_told():
    result, _rows = scripted([{"at": 10, "category": "b"}], whistle__report_delay_stationed="45min",
                             whistle__compliance=0, levels__B__escalate_after="1d")  # no team hurries to the limit
    lines = Narrator(result, "en").tell("escalated", 0).lines
    assert " Day 1 02:40  Every team is on site 45 minutes after the whistle; urban management came late." in lines
    assert " Day 2 01:55  Not done in time at the street: escalated to the district (level C)." in lines


@pytest.fixture(scope="module")
def month():
    """A teaching-street month with one hotline agent, so that some callers hang up and some give up."""
    return simulate(load_scenario(TEACHING, ["hotline.agents=1"]), records=True, trace=True)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_first_four_stories_are_one_of_each_main_path(month, lang):
    stories, missing = narrate(month, 4, lang)
    assert [s.path for s in stories] == list(PATHS) and missing == []
    rows = month.issues.set_index("id")
    steps = {kind: [event for _m, rid, event, _v in month.trace if rid == story.request]
             for story in stories for kind in [story.path]}
    assert rows.loc[stories[0].request, "path"] == "A"
    assert "whistle" in steps["whistle"] and "escalated" not in steps["whistle"]
    assert "escalated" in steps["escalated"]
    assert "abandoned" in steps["abandoned"]
    for story in stories:
        assert story.lines and all(STAMP[lang].match(line) or line.strip() for line in story.lines)
        assert all(STAMP[lang].match(line) for line in story.lines if "gives up" not in line and "放弃" not in line)
        # one sentence for every step of the request's life: nothing the model recorded goes untold
        told = [line for line in story.lines if STAMP[lang].match(line)]
        assert len(told) >= len([e for e in steps[story.path] if e not in ("responded",)])
    words = {"en": ("blows the", "escalated to", "hangs up"), "zh": ("吹响", "上提至", "挂断")}[lang]
    text = "\n".join("\n".join(s.lines) for s in stories)
    assert all(word in text for word in words)


def test_stories_are_in_time_order_and_repeatable(month):
    first, _ = narrate(month, 6, "en")
    again, _ = narrate(simulate(load_scenario(TEACHING, ["hotline.agents=1"]), records=True, trace=True), 6, "en")
    assert [s.lines for s in first] == [s.lines for s in again]
    for story in first:
        stamps = [re.match(r" *Day (\d+) (\d\d):(\d\d)", line) for line in story.lines]
        minutes = [int(d) * 1440 + int(h) * 60 + int(m) for d, h, m in (s.groups() for s in stamps if s)]
        assert minutes == sorted(minutes)


def test_a_path_no_request_took_is_named():
    result, _rows = scripted([{"at": 10, "category": "a"}])
    stories, missing = narrate(result, 4, "en")
    assert [s.path for s in stories] == ["A"]
    assert missing == ["No request took this path in this run: the street blows the whistle (B), escalated up a "
                       "level and a call abandoned at the hotline."]


def test_trace_command_prints_the_stories(capsys):
    assert main(["trace", TEACHING, "--issues", "5", "--set", "hotline.agents=1", "--days", "20"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("gridgov trace: teaching-street, seed 20190101, days 1-20; 5 of ")
    titles = [line for line in out.splitlines() if line.startswith("Request ")]
    assert len(titles) == 5
    for name in ("kept in the community (A)", "the street blows the whistle (B)", "escalated up a level",
                 "a call abandoned at the hotline"):
        assert sum(name in title for title in titles) == 1
    assert main(["trace", TEACHING, "--lang", "zh", "-n", "2"]) == 0
    assert "诉求追踪" in capsys.readouterr().out


def test_trace_refuses_bad_input_plainly(capsys):
    assert main(["trace", TEACHING, "--set", "whistle.report_timeout=-5min"]) == 2
    assert "whistle.report_timeout" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stop:
        main(["trace", TEACHING, "--issues", "0"])
    assert stop.value.code == 2
