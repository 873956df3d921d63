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

import pandas as pd

from sim.errors import ScenarioError

REQUIRED = ("summary.json", "replications.csv")


@dataclass
class Results:
    """The tables and summary of one results folder."""

    folder: Path
    summary: dict
    replications: pd.DataFrame
    timeseries: pd.DataFrame
    streets: pd.DataFrame
    variants: list[str]


def load_results(folder: Path) -> Results:
    """Read a folder written by ``run``, ``compare`` or ``sweep``.

    Missing optional tables (``timeseries.csv``, ``streets.csv``) load as
    empty DataFrames. Raises ScenarioError if the folder or one of
    ``summary.json`` / ``replications.csv`` is missing.
    """
    folder = Path(folder)
    missing = [name for name in REQUIRED if not (folder / name).is_file()]
    if missing:
        raise ScenarioError(
            f"not a results folder written by run/compare/sweep (missing {', '.join(missing)})",
            folder, "DIR")
    summary = json.loads((folder / "summary.json").read_text())
    replications = pd.read_csv(folder / "replications.csv")
    timeseries = _optional_csv(folder / "timeseries.csv", parse_dates=["date"])
    return Results(folder, summary, replications, timeseries,
                   _optional_csv(folder / "streets.csv"), _variants(replications, summary))


def _optional_csv(path: Path, parse_dates: list[str] | None = None) -> pd.DataFrame:
    return pd.read_csv(path, parse_dates=parse_dates) if path.is_file() else pd.DataFrame()


def _variants(replications: pd.DataFrame, summary: dict) -> list[str]:
    """Variant names in order of first appearance, ``base`` first when present."""
    if "variant" in replications.columns:
        names = [str(v) for v in pd.unique(replications["variant"].dropna())]
    else:
        names = list(summary.get("variants", {})) or [str(summary.get("scenario", "base"))]
    return sorted(names, key=lambda name: name != "base")
