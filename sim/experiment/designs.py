"""Experimental designs for ``sweep``, and the sensitivity indices read from their results.

A sweep varies scenario parameters over listed levels (full factorial, ``--vary``) or over ranges
sampled by a design (``--range``): a Latin hypercube covers the space evenly, Sobol' (Saltelli)
points give variance-based indices, Morris trajectories give cheap screening. Sampling and analysis
live together because an analysis must read the points in the order its sampler made them.
"""

from __future__ import annotations

import itertools
import math
import re
import warnings
from dataclasses import dataclass

import numpy as np
from SALib.analyze import morris as morris_analysis
from SALib.analyze import sobol as sobol_analysis
from SALib.sample import morris as morris_sampling
from SALib.sample import sobol as sobol_sampling
from scipy import stats
from scipy.stats import qmc

from sim.scenario.durations import parse_duration
from sim.scenario.errors import ScenarioError

VARY_FORM = "write KEY=V1,V2,... e.g. grid.households=300,500"
RANGE_FORM = "write KEY=LOW:HIGH with LOW below HIGH, e.g. grid.households=300:500 or whistle.report_timeout=30min:4h"
_INTEGER = re.compile(r"[+-]?\d+")
# Fewer points than this give a rank correlation of exactly +-1 whatever the model does.
MIN_SPEARMAN_POINTS = 3


@dataclass(frozen=True)
class Factor:
    """A scenario parameter varied over a range, for sampled designs."""

    key: str
    low: float
    high: float
    integer: bool
    duration: bool


def _split(text: str, field: str, form: str) -> tuple[str, str]:
    """Split ``KEY=REST`` and strip both; raise naming ``form`` if either part is missing."""
    key, equals, rest = text.partition("=")
    key, rest = key.strip(), rest.strip()
    if not equals or not key or not rest:
        raise ScenarioError(f"'{text}' does not name a parameter and its values: {form}", None, field)
    return key, rest


def parse_vary(text: str) -> tuple[str, list[str]]:
    """``"grid.households=300,500"`` -> ``("grid.households", ["300", "500"])``.

    Values stay strings: they are passed on as ``--set`` values, which the scenario loader parses.
    """
    key, rest = _split(text, "--vary", VARY_FORM)
    values = [value.strip() for value in rest.split(",")]
    if "" in values:
        raise ScenarioError(f"'{text}' has an empty value: {VARY_FORM}", None, "--vary")
    repeated = next((value for value in values if values.count(value) > 1), None)
    if repeated is not None:
        raise ScenarioError(f"'{text}' lists '{repeated}' twice: give each value once, "
                            f"{VARY_FORM}", None, "--vary")
    return key, values


def _bound(side: str) -> tuple[float, str]:
    """A range end and its kind ("integer", "number" or "duration"); ValueError if it is none."""
    if _INTEGER.fullmatch(side):
        return float(side), "integer"
    try:
        value = float(side)
    except ValueError:
        return parse_duration(side), "duration"
    if not math.isfinite(value):
        raise ValueError(f"'{side}' is not finite")
    return value, "number"


def parse_range(text: str) -> Factor:
    """``"grid.households=300:500"`` -> an integer factor; durations (``"30min:4h"``) in minutes."""
    key, rest = _split(text, "--range", RANGE_FORM)
    sides = [side.strip() for side in rest.split(":")]
    if len(sides) != 2 or "" in sides:
        raise ScenarioError(f"'{text}' is not a range: {RANGE_FORM}", None, "--range")
    try:
        (low, low_kind), (high, high_kind) = _bound(sides[0]), _bound(sides[1])
        duration = "duration" in (low_kind, high_kind)
        if duration:  # a plain number beside a duration is minutes, as in scenario files
            low, high = parse_duration(sides[0]), parse_duration(sides[1])
    except ValueError:
        raise ScenarioError(f"'{text}' has an end that is neither a number nor a duration (zero or "
                            f"more, with a unit s, min, h, d or w): {RANGE_FORM}", None, "--range") from None
    if not low < high:
        raise ScenarioError(f"'{text}' does not go upwards: {RANGE_FORM}", None, "--range")
    integer = low_kind == high_kind == "integer"
    return Factor(key, low, high, integer, duration)


def factorial(levels: dict[str, list[str]]) -> list[dict[str, str]]:
    """Every combination of the levels; the first key varies slowest."""
    keys = list(levels)
    return [dict(zip(keys, combination)) for combination in itertools.product(*levels.values())]


def _problem(factors: list[Factor]) -> dict:
    """The problem description SALib samples and analyses."""
    return {"num_vars": len(factors), "names": [f.key for f in factors],
            "bounds": [[f.low, f.high] for f in factors]}


def _points(factors: list[Factor], rows: np.ndarray) -> list[dict[str, float | int]]:
    """Turn sampled rows into scenario points, rounding integer factors to whole numbers."""
    return [{f.key: round(float(x)) if f.integer else float(x) for f, x in zip(factors, row)}
            for row in rows]


def _check_count(count: int, what: str) -> None:
    """Refuse a design of no points, which would run nothing."""
    if count < 1:
        raise ScenarioError(f"{count} is too few {what}: give 1 or more", None, "--points")


def latin_hypercube(factors: list[Factor], points: int, seed: int) -> list[dict[str, float | int]]:
    """``points`` points, each factor's range cut into ``points`` strata with one point in each."""
    _check_count(points, "points")
    unit = qmc.LatinHypercube(d=len(factors), seed=np.random.default_rng(seed)).random(points)
    scaled = qmc.scale(unit, [f.low for f in factors], [f.high for f in factors])
    return _points(factors, scaled)


def sobol(factors: list[Factor], base: int, seed: int) -> list[dict[str, float | int]]:
    """Saltelli's ``base * (D + 2)`` points, from which first-order and total Sobol' indices follow."""
    if base < 1 or base & (base - 1):
        raise ScenarioError(f"{base} points is not a power of two, which the Sobol' sequence needs "
                            f"for its balance: give 64, 128, 256, ...", None, "--points")
    rows = sobol_sampling.sample(_problem(factors), base, calc_second_order=False, seed=seed)
    return _points(factors, rows)


def morris(factors: list[Factor], trajectories: int, seed: int,
           levels: int = 4) -> list[dict[str, float | int]]:
    """``trajectories * (D + 1)`` points: one-at-a-time steps on a grid of ``levels`` values."""
    _check_count(trajectories, "trajectories")
    rows = morris_sampling.sample(_problem(factors), trajectories, num_levels=levels, seed=seed)
    return _points(factors, rows)


def _row(metric: str, parameter: str, index: str, value: float,
         conf: float = math.nan, p: float = math.nan) -> dict:
    """One sensitivity index; every design writes the same keys so the rows make one table."""
    return {"metric": metric, "parameter": parameter, "index": index,
            "value": float(value), "conf": float(conf), "p": float(p)}


def _sobol_rows(metric: str, factors: list[Factor], y: np.ndarray, seed: int) -> list[dict]:
    """First-order (S1) and total (ST) indices; NaN when the output is missing or never varies."""
    if not np.all(np.isfinite(y)) or np.ptp(y) == 0:
        return [_row(metric, f.key, index, math.nan) for f in factors for index in ("S1", "ST")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # A Generator, because sobol.analyze takes a seed of 0 to mean "no seed".
        si = sobol_analysis.analyze(_problem(factors), y, calc_second_order=False,
                                    seed=np.random.default_rng(seed))
    return [_row(metric, f.key, index, si[index][j], si[f"{index}_conf"][j])
            for j, f in enumerate(factors) for index in ("S1", "ST")]


def _morris_rows(metric: str, factors: list[Factor], x: np.ndarray, y: np.ndarray,
                 seed: int, levels: int) -> list[dict]:
    """Mean (mu), mean absolute (mu_star) and spread (sigma) of the elementary effects."""
    if not np.all(np.isfinite(y)):
        return [_row(metric, f.key, index, math.nan)
                for f in factors for index in ("mu", "mu_star", "sigma")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        si = morris_analysis.analyze(_problem(factors), x, y, num_levels=levels,
                                     seed=np.random.default_rng(seed))
    mu, mu_star, sigma, conf = (np.ma.filled(si[name], math.nan)
                                for name in ("mu", "mu_star", "sigma", "mu_star_conf"))
    return [row for j, f in enumerate(factors)
            for row in (_row(metric, f.key, "mu", mu[j]),
                        _row(metric, f.key, "mu_star", mu_star[j], conf[j]),
                        _row(metric, f.key, "sigma", sigma[j]))]


def _spearman(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Rank correlation and its p-value; NaN when either side has too few points or never varies."""
    if len(y) < MIN_SPEARMAN_POINTS or np.ptp(x) == 0 or np.ptp(y) == 0:
        return math.nan, math.nan
    result = stats.spearmanr(x, y)
    return result.statistic, result.pvalue


def _spearman_rows(metric: str, factors: list[Factor], x: np.ndarray, y: np.ndarray) -> list[dict]:
    """Spearman rank correlation of each factor with the output, over the points that measured it."""
    measured = np.isfinite(y)
    rows = []
    for j, f in enumerate(factors):
        rho, p = _spearman(x[measured, j], y[measured])
        rows.append(_row(metric, f.key, "spearman", rho, p=p))
    return rows


def sensitivity(design: str, factors: list[Factor], points: list[dict],
                outputs: dict[str, list[float]], seed: int, levels: int = 4) -> list[dict]:
    """Sensitivity of each output metric to each factor, as rows of one table.

    ``outputs[metric]`` holds the metric's mean over replications at each point, in design order.
    Rows have keys metric, parameter, index, value, conf and p (NaN where the index has none).
    ``levels`` must be the value the Morris points were sampled with.
    """
    if design not in ("sobol", "morris", "lhs"):
        raise ValueError(f"unknown design '{design}': expected one of ['lhs', 'morris', 'sobol']")
    x = np.array([[point[f.key] for f in factors] for point in points], dtype=float)
    rows = []
    for metric, values in outputs.items():
        y = np.asarray(values, dtype=float)
        if len(y) != len(x):
            raise ValueError(f"metric '{metric}' has {len(y)} values for {len(x)} points")
        if design == "sobol":
            rows += _sobol_rows(metric, factors, y, seed)
        elif design == "morris":
            rows += _morris_rows(metric, factors, x, y, seed, levels)
        else:
            rows += _spearman_rows(metric, factors, x, y)
    return rows
