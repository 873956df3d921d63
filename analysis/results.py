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
    summary = _summary(folder / "summary.json")
    replications = _replications(folder / "replications.csv")
    tables = {table.name: _optional_csv(folder / f"{table.name}.csv",
                                        ["date"] if table.name == "timeseries" else None) for table in TABLES}
    design = _optional_json(folder / "design.json")
    provenance = _optional_json(folder / "provenance.json")
    return Results(folder, summary, load_scenario(folder / "scenario.resolved.yaml"), replications, tables,
                   variants=_variants(replications, summary), provenance=provenance,
                   swept=[str(key) for key in design.get("keys", [])])


RERUN = "rerun the command that wrote this results folder"


def _damaged(path: Path, what: str) -> ScenarioError:
    """The error for a file of the folder that gridgov did not write as it is (damaged, cut short, hand-edited)."""
    return ScenarioError(f"{what}: it is damaged or was not written by gridgov; {RERUN}", path)


def _json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except IsADirectoryError:
        raise _damaged(path, "is a folder, not a file") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise _damaged(path, f"is not valid JSON ({str(exc)[:100]})") from None


def _kind(data) -> str:
    return "null" if data is None else type(data).__name__


def _summary(path: Path) -> dict:
    """summary.json, checked to hold what gridgov writes: the metrics of a run, the variants of a comparison or
    the points of a sweep, each metric a mean and its interval."""
    summary = _json(path)
    if not isinstance(summary, dict):
        raise _damaged(path, f"holds {_kind(summary)}, not the summary of a run")
    if isinstance(summary.get("metrics"), dict):
        groups = [summary["metrics"]]
    elif isinstance(summary.get("variants"), dict):
        groups = list(summary["variants"].values())
    elif isinstance(summary.get("results"), list):
        groups = [r.get("metrics") if isinstance(r, dict) else None for r in summary["results"]]
    else:
        groups = []
    if not groups or not all(isinstance(g, dict) and g for g in groups):
        raise _damaged(path, "has no metrics (a run's 'metrics', a comparison's 'variants' or a sweep's 'results')")
    for group in groups:
        for name, stats in group.items():
            if not isinstance(stats, dict) or not all(_number_or_none(stats.get(k))
                                                      for k in ("mean", "ci_low", "ci_high")):
                raise _damaged(path, f"has metric '{str(name)[:60]}' without a numeric mean and interval")
    return summary


def _number_or_none(value) -> bool:
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))


def _csv(path: Path, parse_dates: Optional[list[str]] = None) -> pd.DataFrame:
    """A table of the folder, refused if it was cut short (gridgov ends every table with a newline) or has rows
    longer than its header."""
    try:
        with path.open("rb") as f:
            if f.seek(0, 2) and (f.seek(-1, 2), f.read(1))[1] != b"\n":
                raise _damaged(path, "ends in the middle of a row (cut short)")
        table = pd.read_csv(path, parse_dates=parse_dates, on_bad_lines="error")
    except IsADirectoryError:
        raise _damaged(path, "is a folder, not a file") from None
    except (ValueError, UnicodeDecodeError) as exc:   # pandas' ParserError is a ValueError
        raise _damaged(path, f"cannot be read as a table ({str(exc)[:100]})") from None
    if not isinstance(table.index, pd.RangeIndex):   # pandas took a first row longer than the header as an index
        raise _damaged(path, "cannot be read as a table (a row longer than its header)")
    return table


def _replications(path: Path) -> pd.DataFrame:
    """replications.csv: a row per replication, with the columns gridgov writes."""
    table = _csv(path)
    missing = [c for c in ("variant", "replication") if c not in table.columns]
    if missing:
        raise _damaged(path, f"has no column {', '.join(repr(c) for c in missing)}")
    if table.empty:
        raise _damaged(path, "has no replications (only its header)")
    if table[["variant", "replication"]].isna().any().any():
        raise _damaged(path, "has rows without their variant or replication (cut short)")
    return table


def _optional_csv(path: Path, parse_dates: Optional[list[str]] = None) -> pd.DataFrame:
    return _csv(path, parse_dates) if path.exists() else pd.DataFrame()


def _optional_json(path: Path) -> dict:
    """A JSON object gridgov writes beside the tables (design, provenance); empty if absent."""
    if not path.exists():
        return {}
    data = _json(path)
    if not isinstance(data, dict):
        raise _damaged(path, f"holds {_kind(data)}, not an object")
    return data


def _variants(replications: pd.DataFrame, summary: dict) -> list[str]:
    """Variant names in order of first appearance, ``base`` first when present."""
    if "variant" in replications.columns:
        names = [str(v) for v in pd.unique(replications["variant"].dropna())]
    else:
        names = list(summary.get("variants", {})) or [str(summary.get("scenario", "base"))]
    return sorted(names, key=lambda name: name != "base")
