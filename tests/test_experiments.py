"""Experiment machinery: intervals, sequential precision, warm-up, sweeps, engines and progress."""

from __future__ import annotations

import json
import re
import os
import pty
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from scipy import stats

from sim import ScenarioError, load_scenario, simulate
from sim.experiment import DaskEngine, Experiment, LocalEngine
from sim.experiment.precision import relative_half_width, replications_needed
from sim.experiment.stats import mean_ci
from sim.experiment.store import Task

ROOT = Path(__file__).resolve().parent.parent
TEACHING = ROOT / "scenarios" / "teaching_street.yaml"
SHORT = ["--set", "horizon=5d"]


def gridgov(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "run.py"), *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=600, **kwargs)


def same_results(a: Path, b: Path) -> None:
    for name in ("replications.csv", "timeseries.csv", "streets.csv", "summary.json", "scenario.resolved.yaml"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


# --- intervals and the sequential procedure ---------------------------------------------------------

def test_intervals_shrink_as_replications_grow():
    """The half-width falls like t(n-1) s / sqrt(n): 16 replications give about a third of 4's."""
    scenario = load_scenario(TEACHING, ["horizon=10d"])
    runs = Experiment({"base": scenario}).run(16).runs["base"]
    for metric in ("requests", "resolution_rate", "satisfaction_rate", "mean_resolve_h"):
        values = [r.metrics[metric] for r in runs]
        few, many = mean_ci(values[:4]), mean_ci(values)
        assert many["ci_high"] - many["ci_low"] < few["ci_high"] - few["ci_low"], metric


def test_replications_needed_is_the_fewest_that_would_be_tight_enough():
    values = [9.0, 11.0, 10.0, 12.0, 8.0]  # mean 10, s = 1.58
    n = replications_needed(values, 0.05, 1000)
    half_width = lambda i: stats.t.ppf(0.975, i - 1) * stats.tstd(values) / i ** 0.5  # noqa: E731
    assert half_width(n) <= 0.5 < half_width(n - 1)
    assert replications_needed(values, 0.001, 50) == 50
    assert relative_half_width([1.0]) == float("inf") and relative_half_width([2.0, 2.0, 2.0]) == 0.0


def test_precision_procedure_stops_once_every_metric_is_tight(tmp_path):
    # 10 days: enough evaluations for a 5% target within the cap (in 5 days the rounds jump to the cap)
    args = ["run", TEACHING, "--set", "horizon=10d", "-r", "2", "--precision", "0.05", "--precision-metric",
            "satisfaction_rate", "--precision-metric", "requests", "--max-replications", "100", "--quiet"]
    done = gridgov(*args, "--out", tmp_path / "one")
    assert done.returncode == 0, done.stderr
    summary = json.loads((tmp_path / "one" / "summary.json").read_text())
    precision = summary["precision"]
    n = precision["replications"]
    assert precision["reached"] and 2 < n < 100 and summary["replications"] == n
    table = pd.read_csv(tmp_path / "one" / "replications.csv")
    assert list(table["replication"]) == list(range(n))
    for metric in ("satisfaction_rate", "requests"):
        assert relative_half_width(table[metric]) <= 0.05
    # the rounds depend on the results only: two workers stop at the same replication with the same numbers
    assert gridgov(*args, "--workers", "2", "--out", tmp_path / "two").returncode == 0
    same_results(tmp_path / "one", tmp_path / "two")


def test_precision_cap_is_reported_when_not_reached(tmp_path):
    done = gridgov("run", TEACHING, *SHORT, "--precision", "0.0001", "--max-replications", "3", "--out", tmp_path,
                   "--quiet")
    assert done.returncode == 0, done.stderr
    precision = json.loads((tmp_path / "summary.json").read_text())["precision"]
    assert precision["replications"] == 3 and not precision["reached"]


def test_run_says_what_it_did_with_the_headline_metrics_and_the_precision_reached(tmp_path):
    """Not "1 replication(s)" and silence: the headline metrics with their intervals, and whether the precision
    target was reached after how many replications, or where it stopped."""
    said = gridgov("run", TEACHING, *SHORT, "--precision", "0.0001", "--max-replications", "3", "--out",
                   tmp_path).stdout
    assert re.search(r"^Resolution rate +\d+\.\d% \(\d+\.\d to \d+\.\d\)$", said, re.M)
    assert re.search(r"^Unheard demand +\d+\.\d% ", said, re.M)
    assert "precision: target ±0.01% of the mean NOT reached: stopped at the cap of 3 replications" in said
    reached = gridgov("run", TEACHING, "--set", "horizon=10d", "--precision", "0.2", "--out", tmp_path / "ok").stdout
    assert re.search(r"precision: target ±20% of the mean reached after \d+ replications", reached)
    quiet = gridgov("run", TEACHING, *SHORT, "--out", tmp_path / "quiet", "--quiet").stdout
    assert "Resolution rate" not in quiet


# --- warm-up -------------------------------------------------------------------------------------------

def test_warmup_leaves_out_the_requests_that_appear_before_it():
    scenario = load_scenario(TEACHING, ["horizon=12d"])
    cold = simulate(scenario, records=True)
    warm = simulate(scenario.model_copy(update={"warmup": 4 * 1440.0}), records=True)
    assert warm.issues.equals(cold.issues)  # the model runs the same; only the statistics change
    assert warm.metrics["requests"] == (warm.issues["appeared_min"] >= 4 * 1440).sum() < cold.metrics["requests"]
    after = warm.issues[(warm.issues["appeared_min"] >= 4 * 1440) & (warm.issues["evaluated_min"].notna())]
    assert warm.metrics["satisfaction_rate"] == pytest.approx(after["satisfied"].astype(bool).mean())
    assert list(warm.timeseries["warmup"]) == [True] * 4 + [False] * 8
    assert warm.timeseries.drop(columns="warmup").equals(cold.timeseries.drop(columns="warmup"))
    # the figures' tables measure the same requests as the metrics
    assert warm.grids["requests"].sum() == warm.metrics["requests"]
    measured = warm.issues[warm.issues["appeared_min"] >= 4 * 1440]
    resolve = warm.distributions[warm.distributions["measure"] == "resolve"]["count"].sum()
    assert resolve == measured["closed_min"].notna().sum() < cold.issues["closed_min"].notna().sum()
    reports = warm.departments[["reports", "on_time"]].sum()
    assert reports["on_time"] / reports["reports"] == pytest.approx(warm.metrics["whistle_on_time_rate"])


def test_warmup_must_leave_time_to_measure():
    with pytest.raises(ScenarioError, match="warmup"):
        load_scenario(TEACHING, ["horizon=10d", "warmup=10d"])


def test_warmup_command_plots_welch(tmp_path):
    assert gridgov("run", TEACHING, "-r", "2", "--set", "warmup=3d", "--out", tmp_path, "--quiet").returncode == 0
    done = gridgov("warmup", tmp_path, "--metric", "backlog")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "figures" / "warmup-backlog.png").stat().st_size > 10_000
    assert "MSER-5 suggests" in done.stdout
    wrong = gridgov("warmup", tmp_path, "--metric", "nonsense")
    assert wrong.returncode == 2 and "backlog" in wrong.stderr and "Traceback" not in wrong.stderr


def test_warmup_command_says_a_short_run_is_too_short_not_zero(tmp_path):
    """30 days is too short for MSER-5: the command says so, and how long to run, rather than "0 days"."""
    assert gridgov("run", TEACHING, "--set", "horizon=30d", "--out", tmp_path, "--quiet").returncode == 0
    said = gridgov("warmup", tmp_path, "--metric", "backlog").stdout
    assert "too short: run at least 50 days" in said and "warm-up of 0 days" not in said


# --- sweeps ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("design, points", [
    (["--vary", "grid.households=300,400,500", "--vary", "whistle.report_timeout=30min,2h"], 6),
    (["--range", "grid.households=300:500", "--range", "hotline.agents=2:4", "--points", "5"], 5),
    (["--range", "grid.households=300:500", "--range", "whistle.report_timeout=30min:4h", "--design", "sobol",
      "--points", "2"], 2 * (2 + 2)),
    (["--range", "grid.households=300:500", "--range", "dispatch.accuracy=0.8:0.99", "--design", "morris",
      "--points", "2"], 2 * (2 + 1)),
])
def test_sweep_designs_give_the_stated_points(tmp_path, design, points):
    done = gridgov("sweep", TEACHING, "--set", "horizon=2d", "-r", "1", *design, "--out", tmp_path, "--quiet")
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(tmp_path / "replications.csv")
    keys = [a.split("=")[0] for a in design if "=" in a]
    assert table["variant"].nunique() == points and len(table) == points
    assert list(table.columns[2:2 + len(keys)]) == keys
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["points"] == points and len(summary["results"]) == points
    if "--range" in design:
        sensitivity = pd.read_csv(tmp_path / "sensitivity.csv")
        assert set(sensitivity["parameter"]) == set(keys)


def test_sweep_points_share_random_numbers():
    """Common random numbers across a sweep: a parameter that does not touch the hotline leaves its calls alone."""
    from sim.experiment.sweep import make_design

    design = make_design(["whistle.report_timeout=30min,2h"], [], None, None, 1)
    scenarios = design.scenarios(load_scenario(TEACHING, ["horizon=5d"]))
    runs = Experiment(scenarios).run(2).runs
    first, second = (runs[label] for label in design.labels)
    assert [r.metrics["hotline_calls"] for r in first] == [r.metrics["hotline_calls"] for r in second]


@pytest.mark.parametrize("args, field", [
    (["--vary", "grid.households"], "--vary"),
    (["--vary", "grid.households=300", "--range", "hotline.agents=2:4"], "--range"),
    (["--range", "grid.households=500:300"], "--range"),
    (["--vary", "grid.households=-5,300"], "grid.households"),
    (["--range", "hotline.agents=2:4", "--metric", "happiness"], "--metric"),
    (["--vary", "grid.households=300,500", "--metric", "requests"], "--metric"),
    (["--vary", "grid.households=300,500", "--points", "4"], "--points"),
    (["--range", "grid.households=300:500", "--design", "sobol", "--points", "3"], "--points"),
    ([], "--vary"),
])
def test_sweep_bad_input_is_explained(tmp_path, args, field):
    done = gridgov("sweep", TEACHING, *args, "--out", tmp_path)
    assert done.returncode == 2, done.stderr
    assert field in done.stderr and "Traceback" not in done.stderr


def test_precision_bad_input_is_explained(tmp_path):
    done = gridgov("run", TEACHING, "--precision", "1.5", "--out", tmp_path)
    assert done.returncode == 2 and "between 0 and 1" in done.stderr
    done = gridgov("run", TEACHING, "--precision", "0.1", "--precision-metric", "happiness", "--out", tmp_path)
    assert done.returncode == 2 and "--precision-metric" in done.stderr and "Traceback" not in done.stderr
    done = gridgov("run", TEACHING, "--max-replications", "10", "--out", tmp_path)
    assert done.returncode == 2 and "only applies with --precision" in done.stderr
    assert not (tmp_path / "summary.json").exists()  # refused before anything ran


# --- engines ------------------------------------------------------------------------------------------------

def test_workers_and_dask_cluster_give_identical_results(tmp_path):
    from distributed import LocalCluster

    args = ["compare", TEACHING, *SHORT, "-r", "2", "--variant", "grid-300", "--variant", "one-agent", "--quiet"]
    one = gridgov(*args, "--out", tmp_path / "one")
    two = gridgov(*args, "--workers", "2", "--out", tmp_path / "two")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        dask = gridgov(*args, "--cluster", cluster.scheduler_address, "--out", tmp_path / "dask")
    for done in (one, two, dask):
        assert done.returncode == 0, done.stderr
    same_results(tmp_path / "one", tmp_path / "two")
    same_results(tmp_path / "one", tmp_path / "dask")
    assert json.loads((tmp_path / "dask" / "provenance.json").read_text())["engine"].startswith("Dask cluster")


def test_unreachable_cluster_is_an_input_error():
    with pytest.raises(ScenarioError, match="--cluster"):
        DaskEngine("tcp://127.0.0.1:9", timeout="1s")


def test_local_engine_reports_every_job_once():
    scenario = load_scenario(TEACHING, SHORT[1:])
    tasks = [Task("base", scenario, r) for r in range(3)]
    seen, days = [], {}
    LocalEngine(2).run([(t, None) for t in tasks], lambda index, rep: seen.append((index, rep.replication)),
                       lambda index, day: days.__setitem__(index, day))
    assert sorted(seen) == [(0, 0), (1, 1), (2, 2)]
    assert all(day in (4, 5) for day in days.values())  # days reported as they were simulated


# --- progress --------------------------------------------------------------------------------------------

def test_progress_shows_on_a_terminal_and_not_in_a_pipe(tmp_path):
    args = [sys.executable, str(ROOT / "run.py"), "run", str(TEACHING), "-r", "3", "--out", str(tmp_path)]
    leader, follower = pty.openpty()
    process = subprocess.Popen(args, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed: the program ended
            break
        if not chunk:
            break
        seen += chunk
    assert process.wait(timeout=120) == 0
    os.close(leader)
    text = seen.decode(errors="replace")
    assert "3/3 replications" in text and "simulated days" in text and "ETA" in text

    piped = gridgov("run", TEACHING, "-r", "3", "--out", tmp_path)
    assert piped.returncode == 0
    assert "simulated days" not in piped.stderr and "ETA" not in piped.stderr
    assert "wrote" in piped.stderr
    quiet = gridgov("run", TEACHING, "-r", "3", "--out", tmp_path, "--quiet")
    assert quiet.stderr == ""
