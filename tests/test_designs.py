"""Sweep designs: their sizes, coverage, determinism, input errors, and indices on analytic functions."""

from __future__ import annotations

import math

import pytest

from sim.experiment.designs import (
    Factor,
    factorial,
    latin_hypercube,
    morris,
    parse_range,
    parse_vary,
    sensitivity,
    sobol,
)
from sim.scenario.errors import ScenarioError

UNIT = [Factor("x1", 0.0, 1.0, False, False), Factor("x2", 0.0, 1.0, False, False)]
MIXED = [Factor("grid.households", 300, 500, True, False),
         Factor("dispatch.accuracy", 0.9, 0.99, False, False),
         Factor("whistle.report_timeout", 30.0, 240.0, False, True)]
SAMPLERS = {"lhs": latin_hypercube, "sobol": sobol, "morris": morris}


def test_parse_vary_keeps_values_as_strings():
    assert parse_vary("grid.households=300,400,500") == ("grid.households", ["300", "400", "500"])
    assert parse_vary(" whistle.report_timeout = 2h, none ") == ("whistle.report_timeout", ["2h", "none"])


def test_parse_range_kinds():
    assert parse_range("grid.households=300:500") == Factor("grid.households", 300.0, 500.0, True, False)
    assert parse_range("dispatch.accuracy=0.9:0.99") == Factor("dispatch.accuracy", 0.9, 0.99, False, False)
    assert parse_range("x=1:2.5").integer is False


def test_duration_range_is_in_minutes():
    assert parse_range("whistle.report_timeout=30min:4h") == Factor(
        "whistle.report_timeout", 30.0, 240.0, False, True)
    # a plain number beside a duration is minutes, as in scenario files
    assert parse_range("whistle.report_timeout=30:1d") == Factor(
        "whistle.report_timeout", 30.0, 1440.0, False, True)


BAD_LEVELS = ["grid.households", "=300,500", "grid.households=", "k=1,,2", "k=1,", "k=1,2,1"]
BAD_RANGES = ["k", "k=", "=1:2", "k=1", "k=1:2:3", "k=:2", "k=1:", "k=5:1", "k=2:2", "k=1:abc", "k=30x:4h",
              "k=nan:1", "k=-5:1h"]


@pytest.mark.parametrize("parse, field, form, text",
                         [(parse_vary, "--vary", "KEY=V1,V2", t) for t in BAD_LEVELS]
                         + [(parse_range, "--range", "KEY=LOW:HIGH", t) for t in BAD_RANGES],
                         ids=[f"vary:{t}" for t in BAD_LEVELS] + [f"range:{t}" for t in BAD_RANGES])
def test_bad_levels_and_ranges_name_the_option(parse, field, form, text):
    with pytest.raises(ScenarioError) as caught:
        parse(text)
    assert caught.value.field == field
    assert f"'{text}'" in caught.value.message and form in caught.value.message


def test_factorial_is_every_combination_first_key_slowest():
    points = factorial({"a": ["1", "2"], "b": ["x", "y", "z"]})
    assert len(points) == 6
    assert points[:4] == [{"a": "1", "b": "x"}, {"a": "1", "b": "y"}, {"a": "1", "b": "z"},
                          {"a": "2", "b": "x"}]
    assert len(factorial({"a": ["1", "2"], "b": ["1", "2", "3"], "c": ["1", "2"]})) == 12


@pytest.mark.parametrize("design, count, expected", [("lhs", 10, 10), ("sobol", 16, 16 * 5),
                                                     ("morris", 6, 6 * 4)])
def test_each_design_makes_the_stated_number_of_points(design, count, expected):
    points = SAMPLERS[design](MIXED, count, seed=1)
    assert len(points) == expected
    assert all(set(point) == {f.key for f in MIXED} for point in points)


def test_latin_hypercube_puts_one_point_in_each_stratum():
    n = 25
    points = latin_hypercube(MIXED, n, seed=7)
    for f in MIXED[1:]:  # not the integer factor, whose rounding may cross a stratum edge
        width = (f.high - f.low) / n
        for k, value in enumerate(sorted(p[f.key] for p in points)):
            # 1e-9 of a stratum absorbs float rounding in the scaling, nothing more
            assert f.low + k * width - 1e-9 * width <= value <= f.low + (k + 1) * width + 1e-9 * width


@pytest.mark.parametrize("design, count", [("lhs", 20), ("sobol", 8), ("morris", 5)])
def test_values_stay_in_range_and_integer_factors_are_ints(design, count):
    for point in SAMPLERS[design](MIXED, count, seed=3):
        for f in MIXED:
            assert f.low <= point[f.key] <= f.high
            assert isinstance(point[f.key], int) is f.integer


@pytest.mark.parametrize("design, count", [("lhs", 20), ("sobol", 8), ("morris", 5)])
def test_designs_are_deterministic_given_the_seed(design, count):
    sample = SAMPLERS[design]
    assert sample(MIXED, count, seed=11) == sample(MIXED, count, seed=11)
    assert sample(MIXED, count, seed=11) != sample(MIXED, count, seed=12)


@pytest.mark.parametrize("base", [0, 3, 100, 1000])
def test_sobol_needs_a_power_of_two(base):
    with pytest.raises(ScenarioError) as caught:
        sobol(UNIT, base, seed=1)
    assert caught.value.field == "--points" and "power of two" in caught.value.message


def _index(rows, parameter, index):
    """The single row for one parameter and index."""
    [row] = [r for r in rows if r["parameter"] == parameter and r["index"] == index]
    return row


def test_sobol_indices_of_a_linear_function():
    # Y = 4*x1 + x2 with x uniform on [0, 1]: Var = 16/12 + 1/12, so S1 = ST = 16/17 and 1/17.
    n = 1024
    points = sobol(UNIT, n, seed=5)
    y = [4 * p["x1"] + p["x2"] for p in points]
    rows = sensitivity("sobol", UNIT, points, {"y": y}, seed=5)
    assert {r["index"] for r in rows} == {"S1", "ST"} and len(rows) == 4
    # conf is SALib's bootstrap 95% half-width; 1/N more covers the O(1/N) bias of its variance-ratio
    # estimator, so a correct implementation misses only by the bootstrap's own 5%.
    margin = 1 / n
    for parameter, expected in (("x1", 16 / 17), ("x2", 1 / 17)):
        for index in ("S1", "ST"):
            row = _index(rows, parameter, index)
            assert abs(row["value"] - expected) <= row["conf"] + margin
    assert _index(rows, "x1", "S1")["value"] > 10 * _index(rows, "x2", "S1")["value"]


def test_morris_effects_of_a_linear_function():
    points = morris(UNIT, 10, seed=2)
    y = [5 * p["x1"] + 0 * p["x2"] for p in points]
    rows = sensitivity("morris", UNIT, points, {"y": y}, seed=2)
    # every elementary effect of a linear function is its slope over the range, exactly
    assert _index(rows, "x1", "mu_star")["value"] == pytest.approx(5.0)
    assert _index(rows, "x1", "mu")["value"] == pytest.approx(5.0)
    assert _index(rows, "x1", "sigma")["value"] == pytest.approx(0.0, abs=1e-12)
    assert _index(rows, "x2", "mu_star")["value"] == 0.0
    assert math.isnan(_index(rows, "x1", "sigma")["conf"])


def test_spearman_of_a_monotone_factor_is_one():
    points = latin_hypercube(UNIT, 30, seed=4)
    y = [p["x1"] ** 3 for p in points]
    rows = sensitivity("lhs", UNIT, points, {"y": y}, seed=4)
    row = _index(rows, "x1", "spearman")
    assert row["value"] == pytest.approx(1.0) and row["p"] < 1e-6 and math.isnan(row["conf"])
    assert abs(_index(rows, "x2", "spearman")["value"]) < 0.5


def test_rows_have_the_same_keys_whatever_the_design():
    keys = {"metric", "parameter", "index", "value", "conf", "p"}
    for design, count in (("lhs", 8), ("sobol", 4), ("morris", 3)):
        points = SAMPLERS[design](UNIT, count, seed=1)
        rows = sensitivity(design, UNIT, points, {"y": [p["x1"] for p in points]}, seed=1)
        assert rows and all(set(row) == keys for row in rows)


def test_missing_output_does_not_crash():
    points = sobol(UNIT, 8, seed=1)
    y = [p["x1"] for p in points]
    y[3] = math.nan
    assert all(math.isnan(r["value"]) for r in sensitivity("sobol", UNIT, points, {"y": y}, seed=1))
    points = morris(UNIT, 4, seed=1)
    y = [math.nan] + [p["x1"] for p in points[1:]]
    assert all(math.isnan(r["value"]) for r in sensitivity("morris", UNIT, points, {"y": y}, seed=1))
    points = latin_hypercube(UNIT, 20, seed=1)
    y = [math.nan] + [p["x1"] for p in points[1:]]  # lhs leaves the unmeasured point out
    assert _index(sensitivity("lhs", UNIT, points, {"y": y}, seed=1), "x1", "spearman")["value"] == 1.0


def test_constant_output_gives_no_variance_indices():
    points = sobol(UNIT, 8, seed=1)
    rows = sensitivity("sobol", UNIT, points, {"y": [2.0] * len(points)}, seed=1)
    assert all(math.isnan(r["value"]) for r in rows)
    points = latin_hypercube(UNIT, 8, seed=1)
    rows = sensitivity("lhs", UNIT, points, {"y": [2.0] * len(points)}, seed=1)
    assert all(math.isnan(r["value"]) for r in rows)


def test_sensitivity_refuses_an_unknown_design():
    with pytest.raises(ValueError):
        sensitivity("factorial", UNIT, [], {}, seed=1)
