"""Summary statistics across replications: means with Student-t confidence intervals.

Replications are independent, identically distributed runs, so the 95%
interval for a metric's mean is mean +- t(0.975, n-1) * s / sqrt(n). A
metric that was not measured in a replication (NaN) is left out of its ``n``.
Two independent sets of replications (unpaired variants, two simulators)
are compared by Welch's interval for the difference of their means.
"""

from __future__ import annotations

import math
from typing import Iterable, Optional

from scipy import stats

LEVEL = 0.95


def mean_ci(values: Iterable[float], level: float = LEVEL) -> dict[str, Optional[float]]:
    """``{"mean", "ci_low", "ci_high", "n"}``; the interval is None with fewer than two values."""
    xs = [float(v) for v in values if v is not None and not math.isnan(float(v))]
    n = len(xs)
    if n == 0:
        return {"mean": None, "ci_low": None, "ci_high": None, "n": 0}
    mean = math.fsum(xs) / n
    if n < 2:
        return {"mean": mean, "ci_low": None, "ci_high": None, "n": n}
    sd = math.sqrt(math.fsum((x - mean) ** 2 for x in xs) / (n - 1))
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * sd / math.sqrt(n)
    return {"mean": mean, "ci_low": mean - half, "ci_high": mean + half, "n": n}


def variance(xs: list[float]) -> float:
    """Sample variance (n - 1 in the denominator)."""
    mean = math.fsum(xs) / len(xs)
    return math.fsum((x - mean) ** 2 for x in xs) / (len(xs) - 1)


def welch(a: list[float], b: list[float], level: float = LEVEL) -> tuple[float, float, float]:
    """mean(a) - mean(b) and its Welch interval (Welch-Satterthwaite degrees of freedom), for two independent
    sets of two or more values."""
    va, vb = variance(a) / len(a), variance(b) / len(b)
    diff = math.fsum(a) / len(a) - math.fsum(b) / len(b)
    if va + vb == 0:
        return diff, diff, diff
    dof = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    half = float(stats.t.ppf(0.5 + level / 2, dof)) * math.sqrt(va + vb)
    return diff, diff - half, diff + half


def summarise(rows: list[dict[str, float]], names: Iterable[str]) -> dict[str, dict]:
    """Mean and 95% interval of each metric over replication rows."""
    return {name: mean_ci(row[name] for row in rows) for name in names}
