"""Compare a base scenario with its variants: paired differences under common random numbers.

Replication r of every variant uses branch r of the seed tree, so it sees the
same problems as the base's replication r. The difference of a metric is
then taken replication by replication, and its 95% interval comes from the
paired differences; the unpaired (Welch) interval is reported beside it, to
show how much the pairing gains.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from sim.scenario.schema import Scenario

from .engines import LocalEngine
from .execute import Plan, Runs, summary_head
from .experiment import Experiment
from .replication import Result
from .stats import mean_ci, summarise, welch

BASE = "base"
IDENTITY = ("name", "description", "variants", "seed", "gridgov_version")  # not parameters of the model


def paired_difference(base: Iterable[float], other: Iterable[float]) -> dict[str, Optional[float]]:
    """Mean of other - base over replications measured in both, with its 95% t interval."""
    return mean_ci(o - b for b, o in zip(base, other) if not (math.isnan(b) or math.isnan(o)))


def unpaired_interval(base: list[float], other: list[float]) -> tuple[Optional[float], Optional[float]]:
    """Welch's 95% interval for the difference of means, ignoring the pairing."""
    xs = [x for x in base if not math.isnan(x)]
    ys = [y for y in other if not math.isnan(y)]
    if len(xs) < 2 or len(ys) < 2:
        return None, None
    _diff, low, high = welch(ys, xs)
    return low, high


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


def parameter_changes(base: Scenario, other: Scenario) -> dict[str, dict]:
    """The parameters ``other`` sets differently from ``base``, by dotted path (in the schema's order):
    ``{"grid.households": {"base": 500, "variant": 300}}``. Name, description and seed are not parameters."""
    b, o = _flat(base.model_dump(mode="json")), _flat(other.model_dump(mode="json"))
    return {path: {"base": b.get(path), "variant": o.get(path)} for path in dict.fromkeys([*b, *o])
            if b.get(path) != o.get(path) and path.split(".")[0] not in IDENTITY}


def _flat(data, prefix: str = "") -> dict:
    """A nested dump as {dotted path: value}; list items are numbered."""
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else None
    if items is None:
        return {prefix[:-1]: data}
    out: dict = {}
    for key, value in items:
        out.update(_flat(value, f"{prefix}{key}."))
    return out


@dataclass
class Comparison:
    """Replications of each variant (base first), in replication order."""

    scenarios: dict[str, Scenario]
    runs: dict[str, list[Result]] = field(default_factory=dict)

    def run(self, replications: int, workers: int = 1) -> "Comparison":
        """Run every variant with the same replications (common random numbers) on local workers."""
        self.runs = Experiment(self.scenarios, LocalEngine(workers)).run(replications).runs
        return self

    def summary(self) -> dict:
        """Each variant's metric intervals, its paired differences from the base over the replications both
        have finished, and the parameters it changes."""
        runs = {v: reps for v, reps in self.runs.items() if reps}
        if BASE not in runs:
            return {"variants": {}, "differences": {}, "changes": {}}
        names = list(runs[BASE][0].metrics)
        base = {rep.replication: rep.metrics for rep in runs[BASE]}
        differences_from_base = {}
        for variant, reps in runs.items():
            if variant != BASE:
                pairs = [(base[rep.replication], rep.metrics) for rep in reps if rep.replication in base]
                differences_from_base[variant] = differences([b for b, _ in pairs], [o for _, o in pairs], names)
        return {"variants": {v: summarise([r.metrics for r in reps], names) for v, reps in runs.items()},
                "differences": differences_from_base,
                "changes": {v: parameter_changes(self.scenarios[BASE], self.scenarios[v]) for v in runs if v != BASE}}


def compare(scenarios: dict[str, Scenario], replications: int, workers: int = 1) -> Comparison:
    """Run every variant (the first is the base) with the same replications; see ``Comparison``."""
    return Comparison(scenarios).run(replications, workers)


@dataclass
class ComparePlan(Plan):
    """``compare``: a base and its variants under common random numbers, with paired differences."""

    scenarios: dict[str, Scenario]

    @property
    def base(self) -> Scenario:
        return self.scenarios["base"]

    def summary(self, runs: Runs, complete: bool) -> Optional[dict[str, Any]]:
        if not runs.get("base"):
            return None
        return {**summary_head(self.base, runs["base"]), **Comparison(self.scenarios, runs).summary()}
