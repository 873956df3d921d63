"""One replication of a scenario: what it returns, and how it is run (in this process or in a worker).

``simulate`` is the Python API of CONTRACT.md: it builds the model with a
recorder watching it, runs it and gathers the recorder's metrics and the
tables of ``sim.observe.tables``. ``run_one`` is a replication as a worker
runs it: its per-request records streamed to a file of its own, the model's
hash attached. The same ``Result`` is what a worker sends back and what the
store keeps. Replication ``r`` always uses branch ``r`` of the scenario's
seed tree, so its numbers do not depend on which process ran it or when.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

import pandas as pd

from sim.model.model import Model
from sim.model.setting import Setting
from sim.observe import metrics
from sim.observe.recorder import RECORD_COLUMNS, Recorder
from sim.observe.tables import build_tables
from sim.scenario.schema import Scenario

from .records import ParquetSink
from .store import source_hash


@dataclass
class Result:
    """One replication of one scenario: its metrics and its tables (``TABLES``, each also an attribute:
    ``result.timeseries``...). ``issues`` holds its per-request records when kept in memory; ``records`` is
    their file when streamed to disk; ``trace`` the steps of every request's life when traced; ``code`` the
    ``source_hash`` of the model that ran it."""

    scenario: Scenario
    replication: int
    metrics: dict[str, float]
    tables: dict[str, pd.DataFrame]
    issues: Optional[pd.DataFrame] = None
    trace: list[tuple] = field(default_factory=list)
    events: int = 0
    records: Optional[Path] = None
    code: str = ""

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})  # not self.tables: unpickling asks before it is set
        if name in tables:
            return tables[name]
        raise AttributeError(f"'Result' has no attribute or table '{name}'")


def simulate(scenario: Scenario, seed: Optional[int] = None, replication: int = 0, records: bool = False,
             sink: Optional[Callable[[list[tuple]], None]] = None, trace: bool = False,
             progress: Optional[Callable[[int], None]] = None) -> Result:
    """Run one replication of ``scenario``.

    ``seed`` overrides the scenario's seed; ``replication`` picks the branch of
    the seed tree (replication r of every variant sees the same problems).
    ``records=True`` keeps one row per request in ``Result.issues``; a ``sink``
    instead receives the rows in chunks (for streaming to disk). ``trace``
    keeps every step of every request's life in ``Result.trace`` as ``(minute, request id, event,
    values)`` (``sim.model.observer.TRACE``; ``analysis.narrate`` tells them in words). ``progress``
    is told of each simulated day completed (for progress bars).
    """
    if seed is not None:
        scenario = scenario.model_copy(update={"seed": seed})
    rows: list[tuple] = []
    if records and sink is None:
        sink = rows.extend
    setting = Setting.of(scenario, replication)
    recorder = Recorder(setting, sink, trace=trace)
    model = Model(setting, recorder)
    model.run(progress)
    issues = pd.DataFrame.from_records(rows, columns=list(RECORD_COLUMNS)) if records else None
    return Result(scenario, replication, metrics.compute(recorder), build_tables(recorder, model), issues,
                  recorder.events or [], scheduled_events(model))


def scheduled_events(model: Model) -> int:
    """How many SimPy events the run scheduled (read from SimPy's event counter)."""
    return next(model.env._eid)


def organisation(scenario: Scenario) -> dict[str, int]:
    """The counts of the organisation ``scenario`` builds (districts, streets, communities, those over 3,000
    households, grids, households), without simulating."""
    return Setting.of(scenario).city.describe()


def run_one(scenario: Scenario, replication: int, records: Optional[Path] = None,
            progress: Optional[Callable[[int], None]] = None) -> Result:
    """Simulate one replication; stream its per-request records to the file ``records`` if given (the file
    appears complete or not at all)."""
    sink = partial = None
    if records is not None:
        partial = records.with_name(f".{records.name}.{os.getpid()}.tmp")
        sink = ParquetSink(partial)
    try:
        result = simulate(scenario, replication=replication, sink=sink, progress=progress)
    except BaseException:  # failed or interrupted: no partial file left behind
        if sink is not None:
            sink.close()
            partial.unlink(missing_ok=True)
        raise
    if sink is not None:
        sink.close()
        os.replace(partial, records)
    result.records, result.code = records, source_hash()
    return result
