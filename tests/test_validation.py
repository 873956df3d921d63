"""Validation (docs/validation.md): its rules, each kind of case on small runs, and, in the slow tier, the
whole validation exactly as the document shows it (``python -m pytest -m slow``, which .ci/run runs)."""

from __future__ import annotations

import math
import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from analysis.validation import hotline, little, published, replicate
from analysis.validation.checks import FAMILY, Check, judge
from analysis.validation.document import render
from analysis.validation.network import QUANTITIES, Network
from analysis.validation.peer import gridgov_quantities, network_scenario
from sim import load_scenario

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "validation.md"


def check(samples, reference=0.0, rule="equal", **more) -> Check:
    return Check("section", "case", "quantity", reference, "source", tuple(samples), rule, **more)


# --- how checks pass ------------------------------------------------------------------------------

def test_equal_checks_share_a_family_wise_level():
    verdicts = judge([check([1.0, 2.0, 3.0], 2.0), check([1.0, 2.0, 3.0], 9.0),
                      check([5.0, 5.1, 4.9], 0.0, "within", below=1.0, above=1.0)])
    assert [v.passed for v in verdicts] == [True, False, False]
    assert verdicts[0].level == pytest.approx(1 - (1 - FAMILY) / 2)  # two equal-checks
    wider, ordinary = verdicts[0].judged, verdicts[0].estimate
    assert wider.low < ordinary.low and wider.high > ordinary.high


def test_a_single_or_unmeasured_replication_has_no_interval():
    with pytest.raises(ValueError, match="two or more"):
        judge([check([5.0], 5.0)])
    with pytest.raises(ValueError, match="two or more"):
        judge([check([5.0, math.nan, 5.1], 5.0)])


def test_within_needs_the_whole_interval_inside_the_band():
    inside, = judge([check([0.9, 1.0, 1.1], 1.0, "within", below=0.5, above=0.5)])
    straddling, = judge([check([0.9, 1.0, 1.1], 1.0, "within", below=0.1, above=0.1)])
    bound, = judge([check([0.49, 0.5, 0.51], math.log(2), "within", below=math.inf)])
    assert inside.passed and not straddling.passed and bound.passed


def test_exact_is_judged_on_every_replication():
    assert judge([check([1e-13, 3e-13], 0.0, "exact", below=1e-9, above=1e-9)])[0].passed
    assert not judge([check([1e-13, 3e-6], 0.0, "exact", below=1e-9, above=1e-9)])[0].passed


def test_peer_checks_use_the_welch_interval_of_the_difference():
    same, = judge([check([1.0, 1.2, 0.9, 1.1], peer=(1.05, 0.95, 1.15, 1.0))])
    apart, = judge([check([1.0, 1.2, 0.9, 1.1], peer=(2.05, 1.95, 2.15, 2.0))])
    assert same.passed and not apart.passed
    assert apart.judged.high < 0 and apart.peer_estimate.mean == pytest.approx(2.0375)


# --- the hotline against theory -------------------------------------------------------------------

def test_hotline_variants_are_read_as_their_queues():
    variants = hotline.scenarios()
    base = hotline.Hotline.of(variants["base"])
    assert (base.lam, base.mu, base.agents, base.theta) == pytest.approx((1.8, 0.2, 10, 0.0))
    assert hotline.Hotline.of(variants["erlang-a-overloaded"]).theta == pytest.approx(1 / 3)
    loads = {name: hotline.Hotline.of(s) for name, s in variants.items()}
    assert max(q.occupancy for q in loads.values()) >= 0.95 and max(q.agents for q in loads.values()) >= 200
    assert len(loads) >= 6


def test_hotline_check_refuses_a_scenario_that_is_not_the_textbook_queue():
    with pytest.raises(ValueError, match="exponential"):
        hotline.Hotline.of(load_scenario(ROOT / "scenarios" / "teaching_street.yaml"))


def test_overloaded_hotline_matches_erlang_a_on_short_runs():
    scenario = hotline.scenarios()["erlang-a-overloaded"].model_copy(update={"horizon": 4 * 1440.0})
    runs = replicate({"short": scenario}, 10)["short"]
    checks = hotline.checks("short", scenario, runs)
    assert {c.quantity for c in checks} >= {"probability of waiting", "probability of abandonment",
                                           "mean wait of answered calls", "mean number of callers waiting"}
    assert all(v.passed for v in judge(checks)), [(v.check.quantity, v.judged) for v in judge(checks)]


def test_patient_callers_are_checked_against_both_erlang_models():
    q = hotline.Hotline.of(hotline.scenarios()["erlang-a-patient"])
    limit = q.erlang_c()[0]
    rows = hotline.convergence()
    assert rows[-1][1].p_wait == pytest.approx(limit.p_wait, rel=1e-3)
    assert [abs(r.mean_wait_answered - limit.mean_wait_answered) for _m, r in rows] == \
        sorted((abs(r.mean_wait_answered - limit.mean_wait_answered) for _m, r in rows), reverse=True)


# --- Little's law ---------------------------------------------------------------------------------

def test_window_reads_l_lambda_and_w_off_the_daily_table():
    q = pd.DataFrame({"station": "s", "day": [0, 1, 2], "arrivals": [4, 2, 6], "departures": [4, 2, 5],
                      "stay_min": [100.0, 40.0, 200.0], "mean_number": [0.05, 0.5, 0.25]})
    w = little.window(q, "s", 1, 3)
    assert w.arrival_rate == pytest.approx(8 / 2880) and w.mean_time == pytest.approx(30.0)
    assert w.mean_number == pytest.approx(0.375) and w.still_inside == 1
    assert w.gap == pytest.approx((0.375 - 8 / 2880 * 30) / 0.375)
    assert little.identity_error(q, "s", 3 * 1440.0) == pytest.approx(abs(0.8 * 1440 - 340) / 340)
    cut = little.window(q, "s", 1, 3, horizon=2.5 * 1440.0)  # the last day half there
    assert cut.mean_number == pytest.approx((0.5 * 1440 + 0.25 * 720) / 2160)
    assert cut.arrival_rate == pytest.approx(8 / 2160)


def test_littles_law_window_moves_to_days_that_open_empty_and_is_then_exact():
    """A unit inside across the nominal end (day 3 opens with it inside) makes L and lambda W part; moved to
    the next day that opens empty, the window counts every stay whole and the law holds exactly."""
    q = pd.DataFrame({"station": "s", "day": [0, 1, 2, 3, 4], "arrivals": [0, 1, 1, 0, 0],
                      "departures": [0, 1, 1, 0, 0], "stay_min": [0.0, 60.0, 1440.0, 0.0, 0.0],
                      "mean_number": [0.0, 60 / 1440, 1380 / 1440, 60 / 1440, 0.0],
                      "present_at_end": [0, 0, 1, 0, 0]})  # day 2's unit stays from 01:00 to 01:00 the next day
    assert little.window(q, "s", 1, 3).gap != pytest.approx(0.0)
    assert little.empty_window(q, "s", 1, 3, 7) == (1, 4)
    assert little.window(q, "s", *little.empty_window(q, "s", 1, 3, 7)).gap == pytest.approx(0.0)
    never = q.assign(present_at_end=1)  # a level never empty: the window stays
    assert little.empty_window(never, "s", 1, 3, 7) == (1, 3)


def test_littles_law_window_is_whole_weeks_after_the_warm_up():
    wuchang = load_scenario(ROOT / "scenarios" / "wuchang.yaml")
    first, end = little.measured_weeks(wuchang, 35)
    assert first == 40 and (end - first) % 7 == 0 and wuchang.horizon / 1440 - end >= 35


def test_littles_law_holds_exactly_on_the_whole_horizon_of_a_run():
    scenario = load_scenario(ROOT / "scenarios" / "teaching_street.yaml", sets=["horizon=60d", "warmup=7d"])
    runs = replicate({"t": scenario}, 2)["t"]
    checks = little.checks(scenario, runs, 14)
    assert [c.case.split(":")[0] for c in checks[:-1]] == [name for name, _what in little.STATIONS]
    assert judge([checks[-1]])[0].passed  # the sample-path identity


# --- the peer simulator ---------------------------------------------------------------------------

def test_peer_network_in_gridgov_has_the_networks_rates():
    net = Network(horizon=2 * 1440.0)
    scenario = network_scenario(net)
    assert scenario.organisation.streets == net.streets and scenario.hotline.agents == net.agents
    rep = replicate({"peer": scenario}, 1)["peer"][0]
    quantities = gridgov_quantities(net, rep)
    assert set(quantities) == set(QUANTITIES)
    assert quantities["street_centre.per_h"] == pytest.approx(
        quantities["grid_worker.per_h"] + quantities["district.per_h"], rel=0.02)
    assert rep.metrics["share_closed_C"] == pytest.approx(net.district_share, abs=0.05)


def test_ciw_side_is_reproducible_and_complete():
    peer_ciw = pytest.importorskip("analysis.validation.peer_ciw")
    net = Network(horizon=2 * 1440.0)
    first, again = peer_ciw.simulate_ciw(net, 3), peer_ciw.simulate_ciw(net, 3)
    assert first == again and set(first) == set(QUANTITIES)
    assert 0 < first["hotline.abandon_rate"] < 0.3


# --- published figures ----------------------------------------------------------------------------

def test_skew_check_reads_median_over_mean():
    reps = [SimpleNamespace(metrics={"median_resolve_h": m, "mean_resolve_h": 10.0}) for m in (4.9, 5.0, 5.1)]
    skew, = published.skew_checks("x", reps)
    assert skew.samples == pytest.approx((0.49, 0.5, 0.51)) and judge([skew])[0].passed
    reps = [SimpleNamespace(metrics={"median_resolve_h": m, "mean_resolve_h": 10.0}) for m in (8.0, 9.0, 10.0)]
    assert not judge(published.skew_checks("x", reps))[0].passed


# --- the document ---------------------------------------------------------------------------------

def test_document_counts_and_marks_failures():
    verdicts = judge([Check("Little's law", "a", "gap", 0.0, "src", (0.001, 0.002, 0.0), "within", "%",
                            below=0.01, above=0.01),
                      Check("Little's law", "b", "gap", 0.0, "src", (0.1, 0.2, 0.3), "within", "%",
                            below=0.01, above=0.01)])
    text = render(verdicts, ["provenance"], [], SimpleNamespace(p_wait=0.5, mean_wait_answered=1.0))
    assert "**1 of 2 checks pass.**" in text and text.count("**FAIL**") == 1


def test_shipped_document_shows_every_check_passing():
    text = DOC.read_text(encoding="utf-8")
    passed, total = map(int, re.search(r"\*\*(\d+) of (\d+) checks pass", text).groups())
    assert passed == total and "**FAIL**" not in text
    for section in ("Hotline against queueing theory", "Little's law", "Peer simulator (Ciw)", "Published figures"):
        assert f"## {section}" in text
    assert "docs/validation.md" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_validation_passes_and_its_documents_are_current():
    """The whole validation, as ``python -m analysis.validation`` runs it: every check passes and the shipped
    documents are what this code produces."""
    from analysis.validation.__main__ import CALIBRATION, validate

    result = validate(workers=2)
    failed = [(v.check.section, v.check.case, v.check.quantity) for v in result.verdicts if not v.passed]
    assert not failed
    assert result.document == DOC.read_text(encoding="utf-8"), "run: python -m analysis.validation"
    assert result.calibration == CALIBRATION.read_text(encoding="utf-8"), "run: python -m analysis.validation"
