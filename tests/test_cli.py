"""The command line's happy paths: ``validate`` and ``run`` through ``python run.py`` in a subprocess.

Horizons are a few days so that each run takes a second or two. Runs that
several tests look at are made once per module.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
RUN = ROOT / "run.py"
TEACHING = ROOT / "scenarios" / "teaching_street.yaml"
WUCHANG = ROOT / "scenarios" / "wuchang.yaml"

METRICS = (
    "requests", "response_rate", "resolution_rate", "satisfaction_rate", "completion_rate", "mean_response_h",
    "mean_resolve_h", "p90_resolve_h", "hotline_answer_rate", "hotline_abandon_rate", "hotline_mean_wait_min",
    "whistles", "whistle_on_time_rate", "share_closed_in_community", "share_closed_in_street", "proactive_share",
    "grid_worker_utilisation", "repeat_share", "open_at_end",
)
RESULT_FILES = ("summary.json", "replications.csv", "timeseries.csv", "streets.csv", "scenario.resolved.yaml",
                "provenance.json")
REPRODUCIBLE = ("summary.json", "replications.csv", "timeseries.csv", "streets.csv")
SHORT = ("--set", "horizon=5d")


def gridgov(*args: object, cwd: Path | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """``python run.py ARGS`` in a subprocess; by default it must succeed without a traceback."""
    env = {k: v for k, v in os.environ.items() if k != "GRIDGOV_DEBUG"}
    proc = subprocess.run([sys.executable, str(RUN), *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or ROOT, env=env, timeout=120)
    if check:
        report = f"exit {proc.returncode}\nstdout:\n{proc.stdout[-2000:]}\nstderr:\n{proc.stderr[-2000:]}"
        assert proc.returncode == 0, report
        assert "Traceback" not in proc.stdout + proc.stderr, report
    return proc


def resolved(stdout: str) -> dict:
    """The scenario printed by ``validate``, without its comment lines."""
    text = "\n".join(line for line in stdout.splitlines() if not line.lstrip().startswith("#"))
    data = yaml.safe_load(text)
    assert isinstance(data, dict), stdout
    return data


def summary(folder: Path) -> dict:
    return json.loads((folder / "summary.json").read_text(encoding="utf-8"))


def same_bytes(a: Path, b: Path, names=REPRODUCIBLE) -> None:
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), f"{name} differs between {a} and {b}"


# --- runs shared by several tests ----------------------------------------------------------------

@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("runs")


@pytest.fixture(scope="module")
def first(runs) -> tuple[Path, subprocess.CompletedProcess]:
    """The teaching street for 5 days, with per-request records, not quiet."""
    out = runs / "first"
    proc = gridgov("run", "scenarios/teaching_street.yaml", "--out", out, *SHORT, "--records")
    return out, proc


@pytest.fixture(scope="module")
def again(runs) -> Path:
    """The same run a second time."""
    out = runs / "again"
    gridgov("run", "scenarios/teaching_street.yaml", "--out", out, *SHORT, "--records", "--quiet")
    return out


@pytest.fixture(scope="module")
def other_seed(runs) -> tuple[Path, subprocess.CompletedProcess]:
    """The first run with another seed, quiet and without records."""
    out = runs / "other-seed"
    proc = gridgov("run", "scenarios/teaching_street.yaml", "--out", out, *SHORT, "--seed", "12345", "--quiet")
    return out, proc


@pytest.fixture(scope="module")
def workers(runs) -> dict[int, Path]:
    """Three replications in one process and in two worker processes."""
    folders = {}
    for count in (1, 2):
        folders[count] = runs / f"workers-{count}"
        gridgov("run", TEACHING, "--out", folders[count], "--set", "horizon=3d", "--replications", "3",
                "--workers", str(count), "--quiet")
    return folders


# --- help ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [["--help"], ["run", "--help"], ["validate", "--help"]])
def test_help(args):
    proc = gridgov(*args)
    assert "usage" in proc.stdout.lower()
    assert proc.stderr == ""


def test_console_command_help():
    command = shutil.which("gridgov")
    if command is None:
        pytest.skip("the gridgov console command is not installed")
    proc = subprocess.run([command, "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "run" in proc.stdout and "validate" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


# --- validate --------------------------------------------------------------------------------------

def test_validate_prints_resolved_scenario():
    proc = gridgov("validate", "scenarios/teaching_street.yaml", "--set", "grid.households=300",
                   "--set", "horizon=3d")
    data = resolved(proc.stdout)
    assert data["name"] == "teaching-street"
    assert data["grid"]["households"] == 300              # the --set override
    assert data["horizon"] == "3d"
    assert data["hotline"]["agents"] == 2                 # from teaching_street.yaml
    assert data["hotline"]["service_level_threshold"] in ("15s", "0.25min")  # from base.yaml via extends
    assert len(data["demand"]["categories"]) == 15        # from base.yaml via extends
    assert data["gridgov_version"]
    assert set(data["variants"]) == {"grid-300", "whistle-2h", "one-agent", "precise-dispatch", "all-on-call"}
    assert "valid" in proc.stderr


def test_validate_variant():
    proc = gridgov("validate", WUCHANG, "--variant", "grid-300", "--set", "organisation.total_households=20000",
                   "--set", "organisation.households_per_community.min=100")
    data = resolved(proc.stdout)
    assert data["name"] == "wuchang:grid-300"
    assert data["grid"]["households"] == 300
    assert data["organisation"]["total_households"] == 20000
    assert "grid-300" in proc.stdout and "whistle-2h" in proc.stdout   # the '# variants:' line


# --- run -------------------------------------------------------------------------------------------

def test_run_writes_results_folder(first):
    out, proc = first
    for name in (*RESULT_FILES, "issues.parquet"):
        assert (out / name).is_file(), f"{name} missing from {sorted(p.name for p in out.iterdir())}"
    leftovers = {".records", "replications.partial.csv"} & {p.name for p in out.iterdir()}
    assert not leftovers, leftovers
    assert proc.stdout.startswith("Response rate") and "Unheard demand" in proc.stdout  # the result, on stdout
    assert "wrote" in proc.stderr and "wrote" not in proc.stdout                       # what it did, on stderr


def test_records_are_one_row_per_request(first):
    out, _ = first
    records = pd.read_parquet(out / "issues.parquet")
    assert len(records) == summary(out)["metrics"]["requests"]["mean"] > 0
    assert set(records["replication"]) == {0}
    assert records["id"].is_unique


def test_summary_has_every_metric(first):
    out, _ = first
    data = summary(out)
    assert data["replications"] == 1
    assert data["scenario"] == "teaching-street"
    metrics = data["metrics"]
    for name in METRICS:
        assert name in metrics, f"summary.json lacks {name}"
        assert {"mean", "ci_low", "ci_high", "n"} <= set(metrics[name]), (name, metrics[name])
        assert metrics[name]["n"] in (0, 1), (name, metrics[name])
    assert metrics["requests"]["n"] == 1 and metrics["requests"]["mean"] > 0
    rates = [m for m in METRICS if m.endswith(("_rate", "_share", "_utilisation")) or m.startswith("share_")]
    for name in rates:
        value = metrics[name]["mean"]
        assert value is None or 0.0 <= value <= 1.0, (name, value)


def test_tables_cover_the_horizon(first):
    out, _ = first
    timeseries = pd.read_csv(out / "timeseries.csv")
    assert sorted(set(timeseries["day"])) == [0, 1, 2, 3, 4]   # horizon=5d
    replications = pd.read_csv(out / "replications.csv")
    assert list(replications["replication"]) == [0]
    assert set(METRICS) <= set(replications.columns)
    streets = pd.read_csv(out / "streets.csv")
    assert len(streets) >= 1 and set(streets["scenario"]) == {"teaching-street"}
    provenance = json.loads((out / "provenance.json").read_text(encoding="utf-8"))
    assert provenance["replications"] == 1 and provenance["engine"] == "1 worker"


def test_same_seed_gives_identical_results(first, again):
    out, _ = first
    same_bytes(out, again, REPRODUCIBLE + ("scenario.resolved.yaml",))
    pd.testing.assert_frame_equal(pd.read_parquet(out / "issues.parquet"), pd.read_parquet(again / "issues.parquet"))


def test_quiet_run_without_records(other_seed):
    out, proc = other_seed
    assert proc.stdout == "" and proc.stderr == ""        # --quiet prints nothing
    assert not (out / "issues.parquet").exists()
    assert not (out / ".records").exists()
    for name in RESULT_FILES:
        assert (out / name).is_file(), name


def test_different_seed_gives_different_numbers(first, other_seed):
    out, _ = first
    other, _ = other_seed
    data = summary(other)
    assert data["seed"] == 12345
    assert data["metrics"] != summary(out)["metrics"]
    assert set(pd.read_csv(other / "replications.csv")["seed"]) == {12345}
    assert resolved((other / "scenario.resolved.yaml").read_text(encoding="utf-8"))["seed"] == 12345


def test_workers_do_not_change_results(workers):
    same_bytes(workers[1], workers[2])
    data = summary(workers[2])
    assert data["replications"] == 3
    requests = data["metrics"]["requests"]
    assert requests["n"] == 3
    assert requests["ci_low"] <= requests["mean"] <= requests["ci_high"]
    assert list(pd.read_csv(workers[2] / "replications.csv")["replication"]) == [0, 1, 2]


def test_resolved_scenario_reproduces_the_run(first, runs):
    out, _ = first
    rerun = runs / "rerun"
    gridgov("run", out / "scenario.resolved.yaml", "--out", rerun, "--records", "--quiet")
    same_bytes(out, rerun, REPRODUCIBLE + ("scenario.resolved.yaml",))


def test_run_variant(runs):
    out = runs / "wuchang-grid-300"
    gridgov("run", WUCHANG, "--variant", "grid-300", "--out", out, "--set", "horizon=1d", "--set", "warmup=0",
            "--set", "organisation.total_households=20000",
            "--set", "organisation.households_per_community.min=100", "--quiet")
    data = summary(out)
    assert data["scenario"] == "wuchang:grid-300"
    assert data["metrics"]["requests"]["mean"] > 0
    scenario = resolved((out / "scenario.resolved.yaml").read_text(encoding="utf-8"))
    assert scenario["grid"]["households"] == 300
    assert scenario["organisation"]["total_households"] == 20000
    assert scenario["horizon"] == "1d"


def test_default_out_folder_is_named_after_the_scenario(tmp_path):
    scenario = tmp_path / "small.yaml"
    scenario.write_text("name: small-town\nhorizon: 1d\n", encoding="utf-8")
    gridgov("run", scenario, "--quiet", cwd=tmp_path)
    assert (tmp_path / "results" / "small-town" / "summary.json").is_file()


def test_reused_out_folder_holds_only_the_new_run(tmp_path):
    out = tmp_path / "again"
    first = gridgov("run", TEACHING, "--set", "horizon=2d", "-r", "2", "--records", "--out", out, "--quiet")
    assert first.returncode == 0, first.stderr
    second = gridgov("run", TEACHING, "--set", "horizon=2d", "-r", "1", "--fresh", "--out", out, "--quiet")
    assert second.returncode == 0, second.stderr
    assert not (out / "issues.parquet").exists()   # started over: the records of the first run do not stay
    assert json.loads((out / "summary.json").read_text())["replications"] == 1
