"""Shared fixtures: a comparison whose results carry unheard demand and the true resolution rate, and the same
folder as an older gridgov wrote it.

The report, the figures and the workshop's cards show ``unheard_rate``,
``unheard_demand`` and ``true_resolution_rate`` beside the three rates when a
results folder has them, and leave them out when it does not (a folder of a
gridgov before 0.8).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from sim import load_scenario
from sim.experiment import ResultsFolder
from sim.experiment.compare import ComparePlan
from sim.experiment.execute import execute

ROOT = Path(__file__).resolve().parents[1]
HEADLINE_METRICS = ("unheard_rate", "unheard_demand", "true_resolution_rate")


@pytest.fixture(scope="session")
def unheard_comparison(tmp_path_factory) -> Path:
    """The teaching street (30 days, 5 replications) against its ``one-agent`` variant, the hotline cut to one
    agent on one line."""
    teaching, short = ROOT / "scenarios" / "teaching_street.yaml", "horizon=30d"
    out = tmp_path_factory.mktemp("unheard")
    plan = ComparePlan({"base": load_scenario(teaching, [short]),
                        "one-agent": load_scenario(teaching, [short], variant="one-agent")})
    execute(plan, 5, ResultsFolder(out))
    return out


@pytest.fixture(scope="session")
def older_comparison(unheard_comparison, tmp_path_factory) -> Path:
    """``unheard_comparison`` as gridgov wrote it before the headline metrics were measured: none of them in
    replications.csv or summary.json."""
    copy = tmp_path_factory.mktemp("older") / "compare"
    shutil.copytree(unheard_comparison, copy)
    reps = copy / "replications.csv"
    pd.read_csv(reps).drop(columns=list(HEADLINE_METRICS)).to_csv(reps, index=False)
    summary = json.loads((copy / "summary.json").read_text(encoding="utf-8"))
    for metrics_of in (*summary["variants"].values(), *summary["differences"].values()):
        for metric in HEADLINE_METRICS:
            del metrics_of[metric]
    (copy / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    return copy
