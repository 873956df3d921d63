"""Progress of a long experiment on the terminal: replications done, simulated days reached, time left.

Shown only when standard error is a terminal and ``--quiet`` is not given,
so logs, pipes and CI output stay clean. The bar counts simulated days over
all replications (those running report each day as they go), which makes the
estimate of the time left smooth even when replications are long.
"""

from __future__ import annotations

import math
import os
import sys
from typing import Optional

from tqdm import tqdm

from sim.scenario.durations import DAY

from .store import Task

BAR = "{desc} {percentage:3.0f}%|{bar}| {n:,.0f}/{total:,.0f} simulated days [{elapsed} elapsed, ETA {remaining}]"


def terminal_width(stream) -> int:
    """The terminal's width in columns, 0 when it does not say."""
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (OSError, AttributeError, ValueError):
        return 0


def horizon_days(task: Task) -> int:
    return max(1, math.ceil(task.scenario.horizon / DAY))


class Progress:
    """A progress bar over the replications an experiment plans; does nothing when disabled."""

    def __init__(self, enabled: Optional[bool] = None, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.bar: Optional[tqdm] = None
        self.reached: dict[tuple[str, int], int] = {}
        self.planned = self.finished = 0

    def plan(self, tasks: list[Task]) -> None:
        """More replications to run (an experiment may plan in rounds)."""
        if not self.enabled or not tasks:
            return
        self.planned += len(tasks)
        days = sum(horizon_days(task) for task in tasks)
        if self.bar is None:
            sized = terminal_width(self.stream) > 0  # a terminal that does not say its size gets 100 x 20
            self.bar = tqdm(total=days, file=self.stream, bar_format=BAR, dynamic_ncols=sized,
                            ncols=None if sized else 100, nrows=None if sized else 20, mininterval=0.5)
        else:
            self.bar.total += days
        self._describe()

    def tick(self, task: Task, day: int) -> None:
        """A running replication has completed ``day`` simulated days."""
        if self.bar is None:
            return
        key = (task.variant, task.replication)
        self.bar.update(day - self.reached.get(key, 0))
        self.reached[key] = day

    def done(self, task: Task) -> None:
        """A replication finished: count the days it had not reported yet."""
        if self.bar is None:
            return
        self.tick(task, horizon_days(task))
        self.finished += 1
        self._describe()

    def write(self, line: str) -> None:
        """Print a line above the bar (or plainly when there is none)."""
        if self.bar is not None:
            self.bar.write(line, file=self.stream)
        else:
            print(line, file=self.stream)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def _describe(self) -> None:
        self.bar.set_description_str(f"{self.finished}/{self.planned} replications", refresh=True)
