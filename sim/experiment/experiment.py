"""An experiment: replications of named scenarios (a run, a comparison, a sweep's points).

Replication ``r`` of every scenario uses branch ``r`` of the seed tree, so
all the scenarios of an experiment see the same problems (common random
numbers). An engine runs what is missing; each replication is saved to the
store as it finishes, and one already in the store is loaded instead of run,
so an interrupted experiment resumes where it stopped; a saved one that fails
to load is set aside by the store and run again, which is said once on stderr.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable, Optional

from tqdm import tqdm

from sim.scenario.errors import ScenarioError
from sim.scenario.schema import Scenario

from .engines import LocalEngine
from .replication import Result
from .store import REJECTED, Store, Task, source_hash


def say_set_aside(count: int, folder: Path) -> None:
    """Tell, on stderr (above a progress bar, if one is drawn), how many saved replications of the store's
    ``folder`` failed to load: they are run again, their files kept apart for whoever wants to know why."""
    tqdm.write(f"gridgov: set aside {count} saved replication(s) that could not be read (damaged, or not written "
               f"by this gridgov) in {folder / REJECTED}; running them again", file=sys.stderr)


class Experiment:
    """Replications of each named scenario, kept by replication number as they finish."""

    def __init__(self, scenarios: dict[str, Scenario], engine=None, store: Optional[Store] = None,
                 records: bool = False,
                 on_done: Callable[[Task, Result, bool], None] = lambda task, rep, resumed: None,
                 on_plan: Callable[[list[Task]], None] = lambda tasks: None,
                 on_tick: Optional[Callable[[Task, int], None]] = None):
        self.scenarios = scenarios
        self.engine = engine or LocalEngine()
        self.store = store
        self.records = records
        self.on_done, self.on_plan, self.on_tick = on_done, on_plan, on_tick
        self.done: dict[str, dict[int, Result]] = {name: {} for name in scenarios}
        self.tasks: dict[tuple[str, int], Task] = {}

    def run(self, replications: int) -> "Experiment":
        """Make sure replications 0..R-1 of every scenario are done: load the saved ones, run the rest."""
        wanted = [Task(name, scenario, r) for r in range(replications) for name, scenario in self.scenarios.items()
                  if r not in self.done[name]]
        todo = []
        rejected = self.store.rejected if self.store else 0
        for task in wanted:
            saved = self.store.load(task, self.records) if self.store else None
            if saved is None:
                todo.append(task)
            else:
                self._keep(task, saved, resumed=True)
        if self.store and self.store.rejected > rejected:
            say_set_aside(self.store.rejected - rejected, self.store.folder)
        self.on_plan(todo)
        jobs = [(task, self.store.records_path(task) if self.records and self.store else None) for task in todo]

        def finished(index: int, rep: Result) -> None:
            if rep.code != source_hash():
                raise ScenarioError(f"a worker runs other gridgov code (source hash {rep.code[:12]}, here "
                                    f"{source_hash()[:12]}): install this very version on every worker",
                                    None, "--cluster")
            if self.store:
                self.store.save(todo[index], rep)
            self._keep(todo[index], rep, resumed=False)

        tick = (lambda index, day: self.on_tick(todo[index], day)) if self.on_tick else None
        self.engine.run(jobs, finished, tick)
        return self

    def _keep(self, task: Task, rep: Result, resumed: bool) -> None:
        self.done[task.variant][task.replication] = rep
        self.tasks[task.variant, task.replication] = task
        self.on_done(task, rep, resumed)

    @property
    def runs(self) -> dict[str, list[Result]]:
        """Each scenario's finished replications, in replication order."""
        return {name: [reps[r] for r in sorted(reps)] for name, reps in self.done.items()}

    def finished(self) -> list[tuple[Task, Result]]:
        """Every finished task, scenario by scenario in the experiment's order, then by replication."""
        return [(self.tasks[name, r], reps[r]) for name, reps in self.done.items() for r in sorted(reps)]
