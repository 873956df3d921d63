"""Writing results: CSV tables, JSON, resolved scenarios.

Everything that must reproduce bit for bit (summary, tables, resolved
scenarios) is written without clocks or machine names; those go to
``provenance.json``.
"""

from __future__ import annotations

import json
import math
import os
import platform
import sys
from pathlib import Path
from typing import Any, Optional

import pandas as pd
import yaml

from sim.observe.tables import TABLES
from sim.scenario.schema import Scenario

from .replication import Result
from .store import atomic_write

def resolved_yaml(scenario: Scenario, version: str) -> str:
    """The scenario after defaults, ``extends:`` and ``--set``: load it to reproduce the run."""
    data = scenario.model_dump(mode="json")
    data["gridgov_version"] = version
    header = ("# Resolved by gridgov: every parameter after defaults, extends and --set.\n"
              "# Running this file with the same replications reproduces the results bit for bit.\n")
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120)


def _clean(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def write_json(path: Path, data: dict) -> None:
    """JSON, written whole or not at all (``atomic_write``)."""
    atomic_write(path, (json.dumps(_clean(data), indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode())


def write_table(path: Path, frame: pd.DataFrame) -> None:
    """CSV with full float precision and a fixed line ending, so equal results give equal bytes; written whole
    or not at all, so that a crash or a full disk never leaves a table cut mid-row."""
    atomic_write(path, frame.to_csv(index=False, lineterminator="\n", float_format="%.17g").encode())


def provenance(version: str, wall_seconds: float, engine: str, replications: int, events: int,
               started: str, reused: int = 0, stopped: str = "") -> dict[str, Any]:
    """What ran, where and how long: kept apart from the results so they stay byte-identical. ``reused``
    replications were found saved from an earlier, interrupted run and not run again; ``stopped`` says why
    the run ended before all it was asked ("" if it did not: ``complete``)."""
    return {
        "gridgov_version": version, "python": sys.version.split()[0], "platform": platform.platform(),
        "machine": platform.machine(), "cpus": os.cpu_count(), "started": started,
        "wall_seconds": round(wall_seconds, 3), "engine": engine, "replications": replications,
        "reused": reused, "simpy_events": events, "complete": not stopped,
        **({"stopped": stopped} if stopped else {}),
    }


def replication_row(scenario: Scenario, rep: Result, variant: str = "base",
                    values: Optional[dict] = None) -> dict[str, Any]:
    """One line of ``replications.csv``: which run (and a sweep point's parameter values), then every metric."""
    return {"scenario": scenario.name, "variant": variant, **(values or {}), "replication": rep.replication,
            "seed": scenario.seed, **rep.metrics}


Finished = list[tuple[str, Scenario, list[Result]]]  # (variant, its scenario, its finished replications)


def write_tables(out: Path, runs: Finished, values: Optional[dict[str, dict]] = None) -> None:
    """The tidy tables of (variant, scenario, finished replications) runs, one row per variant and replication;
    ``values`` gives a sweep point's parameter values, written as columns after ``variant``."""
    values = values or {}
    rows = [replication_row(scenario, rep, variant, values.get(variant)) for variant, scenario, reps in runs
            for rep in reps]
    write_table(out / "replications.csv", pd.DataFrame(rows))
    keys = list(next(iter(values.values()))) if values else []
    leading = ["scenario", "variant", *keys, "replication"]
    for table in TABLES:
        frames = [rep.tables[table.name].assign(scenario=scenario.name, variant=variant, **values.get(variant, {}),
                                                replication=rep.replication)
                  for variant, scenario, reps in runs for rep in reps]
        frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=leading)
        write_table(out / f"{table.name}.csv", frame[leading + [c for c in frame.columns if c not in leading]])
