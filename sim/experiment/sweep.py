"""A sweep: the points of a design, each a scenario, and what their results say.

Every point is the base scenario with a few parameters set; all points share
the seed, so replication r of every point sees the same problems (common
random numbers) and the differences between points are the parameters'
doing. The points' tidy rows carry the parameter values as columns, ready
for pandas; sampled designs also get sensitivity indices.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

import pandas as pd

from sim.scenario.errors import ScenarioError
from sim.scenario.loader import with_sets
from sim.scenario.schema import Scenario

from . import designs
from .execute import Plan, Runs
from .folder import ResultsFolder
from .stats import summarise

DEFAULT_POINTS = {"lhs": 20, "sobol": 16, "morris": 10}


@dataclass
class Design:
    """The points of a sweep: parameter values by dotted key, in the order the design made them."""

    kind: str
    keys: list[str]
    points: list[dict]
    factors: list[designs.Factor] = field(default_factory=list)

    @property
    def labels(self) -> list[str]:
        width = max(3, len(str(len(self.points) - 1)))
        return [f"p{i:0{width}d}" for i in range(len(self.points))]

    def scenarios(self, base: Scenario) -> dict[str, Scenario]:
        """One scenario per point, named after the base and the point."""
        return {label: with_sets(base, [f"{k}={v}" for k, v in point.items()], f"{base.name}:{label}")
                for label, point in zip(self.labels, self.points)}

    def describe(self) -> dict:
        """The design as summary.json records it."""
        out: dict = {"design": self.kind, "keys": self.keys, "points": len(self.points)}
        if self.factors:
            out["ranges"] = {f.key: {"low": f.low, "high": f.high, "integer": f.integer,
                                     "unit": "minutes" if f.duration else None} for f in self.factors}
        return out


def make_design(vary: list[str], ranges: list[str], kind: Optional[str], points: Optional[int],
                seed: int) -> Design:
    """The design the command line asks for: levels (``--vary``) give a full factorial; ranges (``--range``)
    are sampled by ``lhs`` (the default), ``sobol`` or ``morris``."""
    if vary and ranges:
        raise ScenarioError("give either levels (--vary, a full factorial) or ranges (--range, a sampled design), "
                            "not both", None, "--range")
    if vary:
        if kind not in (None, "factorial"):
            raise ScenarioError(f"the {kind} design samples ranges: write --range KEY=LOW:HIGH instead of --vary",
                                None, "--design")
        if points is not None:
            raise ScenarioError("a full factorial has one point per combination of levels; --points is for "
                                "sampled designs (--range)", None, "--points")
        levels = dict(designs.parse_vary(text) for text in vary)
        if len(levels) < len(vary):
            raise ScenarioError("the same key is varied twice; give each key once with all its values",
                                None, "--vary")
        return Design("factorial", list(levels), designs.factorial(levels))
    if not ranges:
        raise ScenarioError("nothing to vary: give --vary KEY=V1,V2,... (full factorial) or --range KEY=LOW:HIGH "
                            "(sampled design)", None, "--vary")
    kind = kind or "lhs"
    if kind == "factorial":
        raise ScenarioError("a full factorial needs levels: write --vary KEY=V1,V2,...", None, "--design")
    factors = [designs.parse_range(text) for text in ranges]
    if len({f.key for f in factors}) < len(factors):
        raise ScenarioError("the same key is given two ranges", None, "--range")
    n = points or DEFAULT_POINTS[kind]
    sample = {"lhs": designs.latin_hypercube, "sobol": designs.sobol, "morris": designs.morris}[kind]
    return Design(kind, [f.key for f in factors], sample(factors, n, seed), factors)


def point_rows(design: Design, scenarios: dict[str, Scenario]) -> dict[str, dict]:
    """Each point's parameter values as the scenario resolved them (durations in minutes, so the columns sort
    and plot as numbers), as extra columns of the tidy tables."""
    rows = {}
    for label in design.labels:
        data = scenarios[label].model_dump()
        rows[label] = {key: resolved(data, key) for key in design.keys}
    return rows


def resolved(data: dict, key: str):
    """The value at a dotted path of a dumped scenario."""
    for part in key.split("."):
        data = data[int(part)] if isinstance(data, list) else data[part]
    return data


def summarise_points(design: Design, values: dict[str, dict], runs: Runs, metrics: list[str], seed: int,
                     complete: bool) -> dict:
    """Each point's ``values`` (from ``point_rows``) and metric intervals; for sampled designs, the sensitivity
    of ``metrics`` once the sweep is ``complete`` (every point run with the same replications, so that they
    share random numbers)."""
    finished = {label: reps for label, reps in runs.items() if reps}
    names = list(next(iter(finished.values()))[0].metrics) if finished else []
    intervals = {label: summarise([r.metrics for r in reps], names) for label, reps in finished.items()}
    out = {**design.describe(), "points_finished": len(finished),
           "results": [{"point": label, "values": values[label], "replications": len(finished[label]),
                        "metrics": intervals[label]} for label in design.labels if label in finished]}
    if design.factors and complete:
        outputs = {m: [float("nan") if intervals[label][m]["mean"] is None else intervals[label][m]["mean"]
                       for label in design.labels] for m in metrics}
        out["sensitivity"] = designs.sensitivity(design.kind, design.factors, design.points, outputs, seed)
    return out


@dataclass
class SweepPlan(Plan):
    """``sweep``: the points of a design, each the base with some parameters set, and the sensitivity of
    ``metrics`` to them once every point has the same replications."""

    design: Design
    base: Scenario
    metrics: list[str]
    scenarios: dict[str, Scenario] = field(init=False)
    values: dict[str, dict] = field(init=False)

    def __post_init__(self) -> None:
        self.scenarios = self.design.scenarios(self.base)
        self.values = point_rows(self.design, self.scenarios)

    def summary(self, runs: Runs, complete: bool) -> Optional[dict[str, Any]]:
        if not runs:
            return None
        counts = {len(reps) for reps in runs.values()}
        complete = complete and len(runs) == len(self.scenarios) and len(counts) == 1
        return {"scenario": self.base.name, "replications": max(counts), "seed": self.base.seed,
                **summarise_points(self.design, self.values, runs, self.metrics, self.base.seed, complete)}

    def extras(self, folder: ResultsFolder, summary: Optional[dict[str, Any]]) -> None:
        if summary is not None and "sensitivity" in summary:
            folder.write_table("sensitivity.csv", pd.DataFrame(summary["sensitivity"]))
        folder.write_json("design.json", self.design.describe())
