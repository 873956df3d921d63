"""Compare a base scenario with its variants: paired differences under common random numbers.

Replication r of every variant uses branch r of the seed tree, so it sees the
same problems as the base's replication r. The difference of a metric is
then taken replication by replication, and its 95% interval comes from the
paired differences; the unpaired (Welch) interval is reported beside it, to
show how much the pairing gains.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional

from scipy import stats

from sim.experiment import Replication, run_replications
from sim.schema import Scenario

from .stats import LEVEL, mean_ci, summarise

BASE = "base"


def paired_difference(base: Iterable[float], other: Iterable[float]) -> dict[str, Optional[float]]:
    """Mean of other - base over replications measured in both, with its 95% t interval."""
    return mean_ci(o - b for b, o in zip(base, other) if not (math.isnan(b) or math.isnan(o)))


def unpaired_interval(base: list[float], other: list[float]) -> tuple[Optional[float], Optional[float]]:
    """Welch's 95% interval for the difference of means, ignoring the pairing."""
    xs = [x for x in base if not math.isnan(x)]
    ys = [y for y in other if not math.isnan(y)]
    if len(xs) < 2 or len(ys) < 2:
        return None, None
    vx, vy = variance(xs) / len(xs), variance(ys) / len(ys)
    diff = math.fsum(ys) / len(ys) - math.fsum(xs) / len(xs)
    if vx + vy == 0:
        return diff, diff
    dof = (vx + vy) ** 2 / (vx ** 2 / (len(xs) - 1) + vy ** 2 / (len(ys) - 1))
    half = float(stats.t.ppf(0.5 + LEVEL / 2, dof)) * math.sqrt(vx + vy)
    return diff - half, diff + half


def variance(xs: list[float]) -> float:
    """Sample variance (n - 1 in the denominator)."""
    mean = math.fsum(xs) / len(xs)
    return math.fsum((x - mean) ** 2 for x in xs) / (len(xs) - 1)


def differences(base: list[dict], other: list[dict], names: Iterable[str]) -> dict[str, dict]:
    """Paired difference of each metric (other - base), with the unpaired interval beside it."""
    out = {}
    for name in names:
        b = [float(row[name]) for row in base]
        o = [float(row[name]) for row in other]
        paired = paired_difference(b, o)
        low, high = unpaired_interval(b, o)
        out[name] = {**paired, "unpaired_ci_low": low, "unpaired_ci_high": high}
    return out


@dataclass
class Comparison:
    """Replications of each variant (base first), kept in replication order as they finish."""

    scenarios: dict[str, Scenario]
    runs: dict[str, list[Replication]] = field(default_factory=dict)

    def run(self, replications: int, workers: int = 1,
            on_done: Callable[[str, Replication], None] = lambda variant, rep: None) -> "Comparison":
        """Run every variant with the same replications; what finished stays here if interrupted."""
        for variant, scenario in self.scenarios.items():
            self.runs[variant] = []

            def keep(rep: Replication, variant: str = variant) -> None:
                bisect.insort(self.runs[variant], rep, key=lambda r: r.replication)
                on_done(variant, rep)

            run_replications(scenario, replications, workers, on_done=keep)
        return self

    def summary(self) -> dict:
        """Each variant's metric intervals, and each variant's paired differences from the base."""
        rows = {v: [r.metrics for r in reps] for v, reps in self.runs.items() if reps}
        names = list(rows[BASE][0]) if rows.get(BASE) else []
        return {
            "variants": {v: summarise(rows[v], names) for v in rows},
            "differences": {v: differences(rows[BASE], rows[v], names) for v in rows if v != BASE},
        }


def compare(scenarios: dict[str, Scenario], replications: int, workers: int = 1,
            on_done: Callable[[str, Replication], None] = lambda variant, rep: None) -> Comparison:
    """Run every variant (the first is the base) with the same replications; see ``Comparison``."""
    return Comparison(scenarios).run(replications, workers, on_done)
