"""One workshop run: the chosen scenario against the participant's policy, with common random numbers.

A run is what ``python run.py compare`` does for a base and one variant
(``sim.experiment.execute`` with a ``ComparePlan``), written to a results
folder of its own (so the report can be rebuilt and downloaded, and one
participant's runs never mix with another's), plus one traced replication of
the policy for the animation and the stories. The folders go in the server's
own folder (``RUNS``, made and removed by ``gridgov workshop``), or in the
system's temporary folder when there is no server.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sim import ScenarioError, load_scenario, simulate
from sim.experiment import Result, ResultsFolder
from sim.experiment.compare import ComparePlan
from sim.experiment.execute import execute
from sim.scenario.loader import with_sets
from sim.scenario.schema import Scenario

from ..results import Results, load_results
from ..text import LANGS, Text
from . import policies
from .words import WORDS

RUNS = "GRIDGOV_WORKSHOP_RUNS"  # environment variable: the folder of this server's runs
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
# the shipped scenarios a participant can run in a session, the teaching street first; not base.yaml (a building
# block the others extend), hotline_theory.yaml (the validation's queue) or beijing.yaml (a city of millions:
# minutes a replication)
WORKSHOP_SCENARIOS = ("teaching_street.yaml", "wuchang.yaml")
POLICY = {lang: Text(lang).variant("your policy") for lang in LANGS}  # the variant's name in the run's language


def scenario_files() -> dict[str, str]:
    """The scenarios the workshop's menu offers, ``scenarios/name.yaml`` -> absolute path."""
    return {f"scenarios/{name}": str(SCENARIOS / name) for name in WORKSHOP_SCENARIOS}


class WorkshopError(Exception):
    """A run that cannot go ahead, with the message to show (already in the app's language)."""


@dataclass
class Run:
    """A finished workshop run: its settings, its results folder and one traced replication of the policy."""

    number: int
    scenario_file: str
    months: int
    replications: int
    overrides: list[str]
    variant: str
    results: Results
    traced: Result
    seconds: float                    # simulating, in the worker
    warmup_dropped: bool
    caveats: list[tuple[str, dict]]   # levers this run is too short to show (keys of ``WORDS``, values)
    waited: float = 0.0               # the participant's whole wait, from the Run click to the result (set by the app)
    queued: float = 0.0               # the part of it spent behind other participants' runs (set by the app)

    @property
    def folder(self) -> Path:
        return self.results.folder

    def rate(self, variant: str, metric: str) -> dict:
        return self.results.stats(variant, metric)

    def difference(self, metric: str) -> dict:
        return self.results.differences()[self.variant][metric]


def check(scenario_file: str, shown: dict, months: int, replications: int,
          lang: str) -> tuple[Scenario, list[str], float]:
    """The scenario's base, the overrides a run would use and its estimated seconds; ``WorkshopError`` if it
    cannot or should not run here (a bad combination of levers, an invalid value, a scenario too large for a
    workshop)."""
    problem = policies.combination_problem(shown, lang)
    if problem:
        raise WorkshopError(problem)
    base = load(scenario_file)
    sets = policies.overrides(base, shown)
    derive(base, sets)  # an invalid value stops here, before anything runs
    seconds = policies.estimated_seconds(base, months, replications)
    if seconds > policies.TOO_SLOW:
        raise WorkshopError(WORDS["too_large"][lang == "zh"].format(
            scenario=base.name, months=months, r=replications, minutes=seconds / 60,
            file=os.path.relpath(scenario_file)))
    return base, sets, seconds


def run(scenario_file: str, shown: dict, months: int, replications: int, lang: str, number: int = 1) -> Run:
    """Simulate the scenario's base and the policy ``shown`` by the app's levers, ``replications`` each;
    ``number`` is the run's number among the participant's runs."""
    clock = time.perf_counter()
    base, sets, _seconds = check(scenario_file, shown, months, replications, lang)
    length, dropped = policies.horizon_sets(base, months)
    scenarios = {"base": derive(base, length), POLICY[lang]: derive(base, length + sets)}
    folder = Path(tempfile.mkdtemp(prefix="gridgov-run-", dir=os.environ.get(RUNS)))
    execute(ComparePlan(scenarios), replications, ResultsFolder(folder))  # one process: runs go side by side
    traced = simulate(scenarios[POLICY[lang]], replication=0, records=True, trace=True)
    return Run(number, scenario_file, months, replications, sets, POLICY[lang], load_results(folder),
               traced, time.perf_counter() - clock, dropped, policies.caveats(base, shown, months))


def ready() -> int:
    """Nothing but being run: a new pool worker unpickling this task imports the simulation (this module), so
    that the server can have it done before the first participant presses Run; the worker's process id."""
    return os.getpid()


def forget(run_: Run) -> None:
    """Delete a run's results folder (the app keeps a participant's last few runs)."""
    shutil.rmtree(run_.folder, ignore_errors=True)


def load(scenario_file: str) -> Scenario:
    """The scenario file's base; an invalid file becomes a ``WorkshopError`` with its message."""
    try:
        return load_scenario(scenario_file)
    except ScenarioError as exc:
        raise WorkshopError(exc.describe()) from None


def derive(base: Scenario, sets: list[str]) -> Scenario:
    """The base with ``KEY=VALUE`` overrides (the file's own variants are not part of a workshop run, so a
    lever cannot clash with them); an invalid value becomes a ``WorkshopError``."""
    try:
        return with_sets(base, sets, base.name)
    except ScenarioError as exc:
        raise WorkshopError(exc.describe()) from None
