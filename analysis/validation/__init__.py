"""Validation: gridgov against queueing theory, Little's law, a peer simulator and published figures.

``python -m analysis.validation`` runs every case and writes
``docs/validation.md`` (and regenerates ``docs/calibration.md``). Each
section module returns ``Check``s; ``checks.judge`` decides which pass.
The sections share ``replicate``, which runs replications of named
scenarios on local worker processes, with gridgov's own experiment engine,
so the numbers do not depend on the number of workers.
"""

from __future__ import annotations

import math

from sim.experiment import Experiment, LocalEngine, Result
from sim.scenario.durations import DAY
from sim.scenario.schema import Scenario

YEAR = 365 * DAY  # minutes: a rate per household and year is a rate per minute times this


def first_day(warmup: float) -> int:
    """The first whole day after a warm-up of ``warmup`` minutes: where daily windows start."""
    return math.ceil(warmup / DAY)


def replicate(scenarios: dict[str, Scenario], replications: int, workers: int = 1) -> dict[str, list[Result]]:
    """Replications 0..R-1 of each named scenario (branch r of each one's seed tree)."""
    return Experiment(scenarios, LocalEngine(workers)).run(replications).runs
