"""A results folder loaded back into memory, ready to plot or tabulate.

``run``, ``compare`` and ``sweep`` all write the same kind of folder
(``summary.json`` plus tidy CSV tables, see README "The results folder").
Figures and reports read it through :func:`load_results` so that they work
on any finished run without rerunning the model, and so that the rules for
reading it (parsed dates, the order of the variants) live in one place.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pandas as pd

from sim.experiment.folder import VARIANTS, variant_file
from sim.observe.tables import TABLES
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import load_scenario
from sim.scenario.schema import Scenario

REQUIRED = ("summary.json", "replications.csv", "scenario.resolved.yaml")


@dataclass
class Results:
    """The tables and summary of one results folder, and the base scenario that made it."""

    folder: Path
    summary: dict
    scenario: Scenario
    replications: pd.DataFrame
    tables: dict[str, pd.DataFrame]  # every table of ``sim.observe.tables.TABLES``, empty when not written
    variants: list[str]
    provenance: dict
    swept: list[str]  # the keys a sweep varied (empty for run and compare)

    @property
    def is_comparison(self) -> bool:
        return bool(self.summary.get("differences"))

    def stats(self, variant: str, metric: str) -> dict:
        """mean / ci_low / ci_high / n of a metric for a variant, a sweep's point, or a single run."""
        if "variants" in self.summary:
            return self.summary["variants"][variant][metric]
        if "results" in self.summary:
            return next(r["metrics"][metric] for r in self.summary["results"] if r["point"] == variant)
        return self.summary["metrics"][metric]

    def present(self, metrics) -> list[str]:
        """The ``metrics`` this folder measured, in the order given: a folder written by an older gridgov lacks
        the metrics added since, and tables, figures and cards leave those out rather than fail."""
        return [m for m in metrics if m in self.replications.columns]

    def differences(self) -> dict:
        """Paired differences from the base by variant; ValueError if the folder is not a comparison."""
        if not self.is_comparison:
            raise ValueError(f"{self.folder} has no differences between variants: it is not a comparison "
                             "(write one with `run.py compare`)")
        return self.summary["differences"]

    def changes(self, variant: str) -> Optional[dict[str, dict]]:
        """The parameters ``variant`` sets differently from the base: path -> {"base", "variant"}; None if the
        folder does not record them (not a comparison, or written before 0.3.0)."""
        recorded = self.summary.get("changes")
        return None if recorded is None else recorded.get(variant, {})

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(f"'Results' has no attribute or table '{name}'")

    def scenario_of(self, variant: str) -> Scenario:
        """The resolved scenario ``variant`` (or a sweep's point) ran, as the folder keeps it. A folder written
        before 0.7.0 kept only the base's, which serves a run of one variant."""
        path = self.folder / VARIANTS / variant_file(variant)
        if path.is_file():
            return load_scenario(path)
        if not (self.folder / VARIANTS).is_dir() and self.variants == [variant]:
            return self.scenario
        raise ScenarioError(f"has no {VARIANTS}/{variant_file(variant)}: it was written before gridgov 0.7.0, which "
                            "keeps every variant's resolved scenario; rerun the command that wrote it", self.folder,
                            "DIR")

    def report_limit(self, variant: str) -> float:
        """The whistle report limit (minutes) ``variant``'s reports were judged on time against: its
        ``report_timeout``, or its ``reference_timeout`` when it has none."""
        return self.scenario_of(variant).whistle.on_time_limit

    def street_names(self) -> dict[int, str]:
        if self.streets.empty:
            return {}
        return dict(zip(self.streets["street"], self.streets["street_name"]))


def load_results(folder: Path) -> Results:
    """Read a folder written by ``run``, ``compare`` or ``sweep``.

    Missing tables (those of ``sim.observe.tables.TABLES``) load as empty
    DataFrames. Raises ScenarioError if the folder
    or one of ``REQUIRED`` is missing.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ScenarioError("does not exist; give a results folder written by run, compare or sweep", folder, "DIR")
    missing = [name for name in REQUIRED if not (folder / name).is_file()]
    if not missing and not (folder / "provenance.json").is_file():
        raise ScenarioError("is incomplete: gridgov stopped while writing it (it has no provenance.json, written "
                            "last); run the command that wrote it again, which resumes from the replications saved "
                            "in it", folder, "DIR")
    if missing:
        raise ScenarioError(
            f"is not a results folder written by run, compare or sweep (missing {', '.join(missing)})",
            folder, "DIR")
    try:
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        replications = pd.read_csv(folder / "replications.csv")
        tables = {table.name: _optional_csv(folder / f"{table.name}.csv",
                                            ["date"] if table.name == "timeseries" else None) for table in TABLES}
        design = _optional_json(folder / "design.json") or {}
        provenance = _optional_json(folder / "provenance.json") or {}
    except (ValueError, UnicodeDecodeError) as exc:   # a damaged or hand-edited file
        raise ScenarioError(f"has a file that cannot be read ({exc}); rerun the command that wrote this results "
                            "folder", folder, "DIR") from None
    return Results(folder, summary, load_scenario(folder / "scenario.resolved.yaml"), replications, tables,
                   variants=_variants(replications, summary), provenance=provenance,
                   swept=list(design.get("keys", [])))


def _optional_csv(path: Path, parse_dates: Optional[list[str]] = None) -> pd.DataFrame:
    return pd.read_csv(path, parse_dates=parse_dates) if path.is_file() else pd.DataFrame()


def _optional_json(path: Path) -> Optional[dict]:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _variants(replications: pd.DataFrame, summary: dict) -> list[str]:
    """Variant names in order of first appearance, ``base`` first when present."""
    if "variant" in replications.columns:
        names = [str(v) for v in pd.unique(replications["variant"].dropna())]
    else:
        names = list(summary.get("variants", {})) or [str(summary.get("scenario", "base"))]
    return sorted(names, key=lambda name: name != "base")
