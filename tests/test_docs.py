"""What the documentation promises: its commands run, its metric list and JSON Schema are current."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import metrics_doc
from sim import Scenario, simulate
from sim.observe.metrics import DEFINITIONS
from sim.scenario.jsonschema import render

ROOT = Path(__file__).resolve().parent.parent
CONTRACT_METRICS = (
    "requests response_rate resolution_rate satisfaction_rate completion_rate mean_response_h mean_resolve_h "
    "p90_resolve_h hotline_answer_rate hotline_abandon_rate hotline_mean_wait_min whistles whistle_on_time_rate "
    "share_closed_in_community share_closed_in_street proactive_share grid_worker_utilisation repeat_share "
    "open_at_end").split()


def readme_commands() -> list[str]:
    """Every ``python run.py ...`` line of the README's code blocks (after any ``&&``)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        for line in block.replace("\\\n", " ").splitlines():  # continued lines joined
            line = line.split("#")[0].strip()
            for part in line.split("&&"):
                if part.strip().startswith("python run.py"):
                    commands.append(part.strip())
    return commands


def test_readme_has_the_two_setup_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_screen = text[:1800]
    assert "python -m pip install -e . && python run.py run" in first_screen
    assert "python -m pip install -e '.[test]' && python -m pytest" in first_screen
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python -m pip install -e '.[test]' && python -m pytest" in ci


SMALL = {  # a small population for the district scenario, to keep the test fast
    "scenarios/wuchang.yaml": ["--set", "organisation.total_households=30000",
                               "--set", "organisation.households_per_community.min=100"],
}


@pytest.mark.parametrize("command", readme_commands())
def test_readme_command_runs(command, tmp_path):
    args = shlex.split(command)[1:]
    if args[1] in ("run", "compare", "sweep"):  # short horizon, two replications, a scratch folder
        args = [a for i, a in enumerate(args) if a != "--out" and (i == 0 or args[i - 1] != "--out")]
        args += ["--set", "horizon=2d", "--set", "warmup=0", *SMALL.get(args[2], []), "--replications", "2",
                 "--out", str(tmp_path / "out"), "--quiet"]
    if args[1] == "report":  # needs a comparison's folder: make a small one
        made = subprocess.run([sys.executable, "run.py", "compare", "scenarios/teaching_street.yaml", "-r", "2",
                               "--set", "horizon=3d", "--variant", "grid-300", "--out", str(tmp_path / "made"),
                               "--quiet"], cwd=ROOT, timeout=300)
        assert made.returncode == 0
        args[2] = str(tmp_path / "made")
    if args[1] == "warmup":  # needs a results folder: make one
        made = subprocess.run([sys.executable, "run.py", "run", "scenarios/teaching_street.yaml", "-r", "2",
                               "--out", str(tmp_path / "made"), "--quiet"], cwd=ROOT, timeout=300)
        assert made.returncode == 0
        args[2] = str(tmp_path / "made")
    if "--cluster" in args:  # the README's placeholder address becomes a real local scheduler
        from distributed import LocalCluster

        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
            args[args.index("--cluster") + 1] = cluster.scheduler_address
            done = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)
    else:
        done = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


def test_every_metric_is_defined_and_documented():
    metrics = simulate(Scenario(horizon=1440)).metrics
    assert set(CONTRACT_METRICS) <= set(metrics)
    assert list(metrics) == list(DEFINITIONS)
    doc = (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")
    assert doc == metrics_doc.render(doc), "run: python -m analysis.metrics_doc"


def test_shipped_json_schema_is_current():
    shipped = (ROOT / "scenarios" / "schema.json").read_text(encoding="utf-8")
    assert shipped == render(), "run: python -m sim.scenario.jsonschema"


MECHANISMS = ("model/organisation", "model/demand", "model/gridworker", "model/calendar", "model/hotline",
              "model/pool", "model/dispatch", "model/handling", "model/whistle", "model/followup",
              "model/governance", "model/ranking", "scenario/distributions", "model/streams", "observe/recorder",
              "observe/metrics", "observe/flows", "model/life", "model/observer")
ODD = ("Purpose and patterns", "Entities, state variables and scales", "Process overview and scheduling",
       "Design concepts", "Initialisation", "Input data", "Submodels")


def test_model_description_follows_odd_and_points_to_real_modules():
    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    named = set(re.findall(r"sim/((?:\w+/)*\w+)\.py", text))
    missing = sorted(name for name in named if not (ROOT / "sim" / f"{name}.py").is_file())
    assert not missing, f"docs/model.md names missing modules: {missing}"
    assert set(MECHANISMS) <= named, sorted(set(MECHANISMS) - named)
    headings = re.findall(r"^## \d+\. (.+)$", text, re.M)
    assert all(element in headings for element in ODD), headings
