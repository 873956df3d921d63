"""Replicate until the confidence intervals are tight enough (the sequential procedure).

After each round, every chosen metric of every scenario is checked: its 95%
half-width relative to its mean must be at most the target. If one is not,
the number of replications is raised to what the worst metric needs: the
fewest i with t(i-1) s / sqrt(i) within the target of the mean, s and the
mean as seen so far (Law & Kelton's approximate number of replications),
never beyond the cap. The criterion is the relative half-width itself; to
bound the relative error of the mean by g as Law & Kelton do, ask for
g / (1 + g). The rounds depend only on the results, never on how many workers
ran them, so the final replications are the same on any machine.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Iterable

from scipy import stats

from sim.observe.metrics import DEFINITIONS
from sim.scenario.errors import ScenarioError

from .experiment import Experiment
from .stats import LEVEL, mean_ci

METRICS = ("satisfaction_rate", "resolution_rate", "response_rate")  # judged unless others are named
CAP = 100  # replications at most, unless another cap is given


@dataclass(frozen=True)
class Precision:
    """Replicate until every one of ``metrics`` has a 95% half-width within ``target`` of its mean, in every
    scenario, or ``cap`` replications are reached."""

    target: float
    metrics: list[str] = field(default_factory=lambda: list(METRICS))
    cap: int = CAP


def relative_half_width(values: Iterable[float]) -> float:
    """The 95% interval's half-width over |mean|; infinite when it cannot be judged yet (n < 2, mean 0)."""
    ci = mean_ci(values)
    if ci["n"] < 2:
        return math.inf
    half = (ci["ci_high"] - ci["ci_low"]) / 2
    if half == 0:
        return 0.0
    return half / abs(ci["mean"]) if ci["mean"] else math.inf


def replications_needed(values: list[float], target: float, cap: int) -> int:
    """The fewest replications i (up to ``cap``) whose interval t(i-1) s / sqrt(i) would be within ``target`` of
    the mean, with the mean and s seen so far (Law & Kelton's approximate number of replications)."""
    ci = mean_ci(values)
    n = ci["n"]
    if n < 2 or not ci["mean"]:  # cannot be judged yet: double, rather than creep up one at a time
        return min(cap, max(2 * n, 2))
    sd = (ci["ci_high"] - ci["ci_low"]) / 2 / float(stats.t.ppf(0.5 + LEVEL / 2, n - 1)) * math.sqrt(n)
    for i in range(n, cap + 1):
        if float(stats.t.ppf(0.5 + LEVEL / 2, i - 1)) * sd / math.sqrt(i) <= target * abs(ci["mean"]):
            return i
    return cap


def check_metrics(metrics: Iterable[str], option: str = "--precision-metric") -> None:
    """Refuse a name that is not a metric, before anything runs."""
    unknown = [m for m in metrics if m not in DEFINITIONS]
    if unknown:
        raise ScenarioError(f"'{unknown[0]}' is not a metric; use a name from docs/metrics.md, e.g. "
                            "satisfaction_rate", None, option)


def run_until_precise(experiment: Experiment, start: int, precision: Precision) -> dict:
    """Run rounds of replications, the first of ``start``, until every chosen metric meets the target, or the
    cap is reached; what was reached, for ``summary.json``."""
    target, metrics, cap = precision.target, precision.metrics, precision.cap
    check_metrics(metrics)
    n = max(2, min(start, cap))
    while True:
        experiment.run(n)
        runs = experiment.runs
        achieved = {name: {m: relative_half_width(r.metrics[m] for r in reps) for m in metrics}
                    for name, reps in runs.items()}
        worst = max(v for per in achieved.values() for v in per.values())
        if worst <= target or n >= cap:
            break
        n = max(n + 1, max(replications_needed([r.metrics[m] for r in reps], target, cap)
                           for reps in runs.values() for m in metrics))
    return {"target": target, "metrics": metrics, "replications": n, "cap": cap, "reached": worst <= target,
            "relative_half_width": achieved}
