"""Replications of one scenario, in this process or in a pool of worker processes.

Replication ``r`` always uses branch ``r`` of the scenario's seed tree, so the
numbers do not depend on how many workers ran them or in what order they
finished. Each finished replication is handed to ``on_done`` at once, so a
caller can save it before the next one ends.
"""

from __future__ import annotations

from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import pandas as pd

from .result import simulate
from .schema import Scenario
from .writer import ParquetSink


@dataclass
class Replication:
    """What a replication sends back: small enough to pass between processes."""

    replication: int
    metrics: dict[str, float]
    timeseries: pd.DataFrame
    streets: pd.DataFrame
    topics: pd.DataFrame
    events: int
    records: Optional[Path] = None


def run_one(scenario: Scenario, replication: int, records_dir: Optional[Path] = None) -> Replication:
    """Simulate one replication; stream its records to ``records_dir`` if given."""
    sink = part = None
    if records_dir is not None:
        part = records_dir / f"issues-r{replication:05d}.parquet"
        sink = ParquetSink(part)
    try:
        result = simulate(scenario, replication=replication, sink=sink)
    finally:
        if sink is not None:
            sink.close()
    return Replication(replication, result.metrics, result.timeseries, result.streets, result.topics, result.events,
                       part)


def run_replications(scenario: Scenario, replications: int, workers: int = 1,
                     records_dir: Optional[Path] = None,
                     on_done: Callable[[Replication], None] = lambda r: None) -> list[Replication]:
    """Run replications 0..R-1 and return them in replication order."""
    done: list[Replication] = []
    if workers <= 1 or replications <= 1:
        for r in range(replications):
            done.append(run_one(scenario, r, records_dir))
            on_done(done[-1])
        return done
    with ProcessPoolExecutor(max_workers=min(workers, replications)) as pool:
        pending = {pool.submit(run_one, scenario, r, records_dir) for r in range(replications)}
        try:
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in sorted(finished, key=lambda f: f.result().replication):
                    done.append(future.result())
                    on_done(done[-1])
        except BaseException:
            for future in pending:
                future.cancel()
            raise
    return sorted(done, key=lambda rep: rep.replication)
