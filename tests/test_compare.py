"""Comparisons under common random numbers: paired differences, their intervals, the compare command."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from scipy import stats

from sim import load_scenario
from sim.experiment.compare import compare, paired_difference, unpaired_interval
from sim.experiment.stats import variance

ROOT = Path(__file__).resolve().parent.parent
TEACHING = ROOT / "scenarios" / "teaching_street.yaml"


def test_intervals_match_scipy():
    base, other = [1.0, 2.0, 3.5, 4.0], [1.5, 2.2, 4.0, 4.9]
    paired = paired_difference(base, other)
    expected = stats.ttest_rel(other, base).confidence_interval(0.95)
    assert paired["ci_low"] == pytest.approx(expected.low) and paired["ci_high"] == pytest.approx(expected.high)
    low, high = unpaired_interval(base, other)
    welch = stats.ttest_ind(other, base, equal_var=False).confidence_interval(0.95)
    assert low == pytest.approx(welch.low) and high == pytest.approx(welch.high)
    assert paired_difference([1.0, math.nan], [2.0, 5.0])["n"] == 1


def test_pairing_shrinks_the_variance_of_a_variant_that_only_adds_agents():
    """Var(paired difference) = Var(X) + Var(Y) - 2 Cov(X, Y): smaller when CRN make the arms move together."""
    busy = "consultation.per_household_per_year=15"  # enough calls to queue at two agents
    chosen = {"base": load_scenario(TEACHING, [busy]),
              "more-agents": load_scenario(TEACHING, [busy, "hotline.agents=3", "hotline.lines=8"])}
    runs = compare(chosen, replications=8).runs
    for metric in ("mean_resolve_h", "resolution_rate", "satisfaction_rate", "hotline_calls", "tickets"):
        x = [r.metrics[metric] for r in runs["base"]]
        y = [r.metrics[metric] for r in runs["more-agents"]]
        paired = variance([b - a for a, b in zip(x, y)])
        unpaired = variance(x) + variance(y)
        print(f"\n  {metric}: variance of the difference paired {paired:.4g}, unpaired {unpaired:.4g}")
        assert paired < unpaired


def gridgov(*args, cwd=ROOT):
    return subprocess.run([sys.executable, str(ROOT / "run.py"), *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def test_compare_command_writes_a_tidy_comparison(tmp_path):
    outs = []
    for workers in (1, 2):
        out = tmp_path / f"w{workers}"
        done = gridgov("compare", TEACHING, "--set", "horizon=5d", "-r", "3", "--workers", workers,
                       "--variant", "grid-300", "--variant", "one-agent", "--out", out, "--quiet")
        assert done.returncode == 0, done.stderr
        outs.append(out)
    for name in ("summary.json", "replications.csv", "timeseries.csv", "streets.csv", "topics.csv"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name
    reps = pd.read_csv(outs[0] / "replications.csv")
    assert list(reps.groupby("variant").size().sort_index().items()) == [("base", 3), ("grid-300", 3),
                                                                        ("one-agent", 3)]
    summary = json.loads((outs[0] / "summary.json").read_text())
    assert set(summary["variants"]) == {"base", "grid-300", "one-agent"}
    assert set(summary["differences"]) == {"grid-300", "one-agent"}
    keys = set(summary["differences"]["grid-300"]["resolution_rate"])
    assert keys == {"mean", "ci_low", "ci_high", "n", "unpaired_ci_low", "unpaired_ci_high"}


def test_compare_several_files(tmp_path):
    other = tmp_path / "big_grids.yaml"
    other.write_text(f"extends: {TEACHING}\nname: big-grids\ngrid: {{households: 800}}\n", encoding="utf-8")
    out = tmp_path / "files"
    done = gridgov("compare", TEACHING, other, "--set", "horizon=3d", "-r", "2", "--out", out, "--quiet")
    assert done.returncode == 0, done.stderr
    assert set(json.loads((out / "summary.json").read_text())["differences"]) == {"big-grids"}


def test_compare_unknown_variant_is_an_input_error():
    done = gridgov("compare", TEACHING, "--variant", "no-such-thing", "-r", "1")
    assert done.returncode == 2 and "no-such-thing" in done.stderr and "Traceback" not in done.stderr
