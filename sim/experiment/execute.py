"""Running an experiment into a results folder: the one way ``run``, ``compare``, ``sweep`` and the workshop do it.

A plan says what to run (named scenarios) and how to summarise what finished:
``RunPlan`` here one scenario, ``compare.ComparePlan`` a base and its variants
with paired differences, ``sweep.SweepPlan`` the points of a design with
sensitivity indices. ``execute`` runs the plan's replications on an engine (to a precision, if
asked), saving each to the folder's store as it finishes; if it stops part
way (Ctrl-C, a worker or the cluster lost) it keeps what finished and says
why (SIGTERM is taken as Ctrl-C: ``Terminated``). It then writes the folder from what finished, and its manifest and
provenance.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any, Optional

from sim.scenario.schema import Scenario

from .engines import EngineLost, LocalEngine
from .experiment import Experiment
from .folder import ResultsFolder
from .precision import Precision, run_until_precise
from .progress import Progress
from .replication import Result
from .stats import summarise
from .store import Task

Runs = dict[str, list[Result]]  # each variant's finished replications, in replication order


class Plan:
    """What an experiment runs and how its results are summarised: ``scenarios`` by variant name, the base
    first, and the ``base`` written as scenario.resolved.yaml."""

    scenarios: dict[str, Scenario]
    base: Scenario
    values: Optional[dict[str, dict]] = None  # per variant, parameter values written as columns of the tables

    def summary(self, runs: Runs, complete: bool) -> Optional[dict[str, Any]]:
        """``summary.json`` from the variants that finished replications (``complete``: the run was not cut
        short); None when there is nothing to write."""
        raise NotImplementedError

    def extras(self, folder: ResultsFolder, summary: Optional[dict[str, Any]]) -> None:
        """Files of this kind of experiment besides the results (none unless a plan says)."""


def summary_head(scenario: Scenario, reps: list[Result]) -> dict:
    """The part of ``summary.json`` every run has: what ran, and each metric's 95% interval."""
    return {"scenario": scenario.name, "replications": len(reps), "seed": scenario.seed,
            "metrics": summarise([r.metrics for r in reps], reps[0].metrics)}


@dataclass
class RunPlan(Plan):
    """``run``: replications of one scenario, named by its variant."""

    base: Scenario
    variant: str = "base"

    @property
    def scenarios(self) -> dict[str, Scenario]:
        return {self.variant: self.base}

    def summary(self, runs: Runs, complete: bool) -> Optional[dict[str, Any]]:
        reps = runs.get(self.variant)
        return summary_head(self.base, reps) if reps else None


class Terminated(KeyboardInterrupt):
    """SIGTERM (``kill``, a scheduler's time limit), raised where Ctrl-C would be so that it is handled the same:
    what finished is saved and the folder written, saying it was ``terminated``."""


@dataclass
class Outcome:
    """What ``execute`` did: the variants' finished replications, the summary written (None if nothing
    finished), the precision reached, why it stopped early ("" if it did not: ``interrupted``, ``terminated``, or
    ``stopped: ...`` when the workers were lost), replications reused from the store, seconds taken, and how
    many replications finished in all."""

    folder: ResultsFolder
    runs: Runs
    summary: Optional[dict[str, Any]]
    precision: Optional[dict[str, Any]]
    stopped: str
    reused: int
    seconds: float
    finished: int


def execute(plan: Plan, replications: int, folder: ResultsFolder, engine=None, records: bool = False,
            precision: Optional[Precision] = None, progress: Optional[Progress] = None) -> Outcome:
    """Run ``replications`` of each of the plan's scenarios (or, with ``precision``, as many as it takes) on
    ``engine`` (default: this process), resuming from the folder's store, and write the folder. ``records``
    also writes every request's record (``issues.parquet``)."""
    engine = engine or LocalEngine()
    progress = progress or Progress(enabled=False)
    started = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    clock = time.perf_counter()
    reused = 0

    def done(task: Task, rep: Result, resumed: bool) -> None:
        nonlocal reused
        reused += resumed
        if not resumed:
            progress.done(task)

    experiment = Experiment(plan.scenarios, engine, folder.store, records, done, progress.plan,
                            progress.tick if progress.enabled else None)
    reached, stopped, failure = None, "", None
    try:
        if precision:
            reached = run_until_precise(experiment, replications, precision)
        else:
            experiment.run(replications)
    except KeyboardInterrupt as exc:
        stopped = "terminated" if isinstance(exc, Terminated) else "interrupted"
    except EngineLost as exc:  # a worker killed, a cluster lost: keep what finished, say what happened
        stopped = f"stopped: {exc}"
    except Exception as exc:  # a replication that failed: the others' results are written, then it is raised
        stopped, failure = f"stopped: a replication failed ({exc.__class__.__name__})", exc
    finally:
        progress.close()
    runs = {variant: reps for variant, reps in experiment.runs.items() if reps}
    summary = plan.summary(runs, not stopped)
    if summary is not None:
        if reached:
            summary["precision"] = reached
        if stopped:  # said in the results themselves, not only on the terminal
            summary["partial"] = f"{stopped}: results of the replications that finished before it"
        folder.write(summary, plan.base, [(v, plan.scenarios[v], reps) for v, reps in runs.items()], plan.values,
                     records)
    plan.extras(folder, summary)
    finished = experiment.finished()
    seconds = time.perf_counter() - clock
    folder.finish(finished, seconds, engine.describe(), started, reused, stopped)
    if failure is not None:
        raise failure
    return Outcome(folder, runs, summary, reached, stopped, reused, seconds, len(finished))
