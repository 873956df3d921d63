"""One replication: what it sends back, and how it is run (in this process or in a worker).

Replication ``r`` always uses branch ``r`` of the scenario's seed tree, so its
numbers do not depend on which process ran it or when.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import pandas as pd

from .result import simulate
from .schema import Scenario
from .store import source_hash
from .writer import ParquetSink


@dataclass
class Replication:
    """What a replication sends back: small enough to pass between processes and to keep on disk."""

    replication: int
    metrics: dict[str, float]
    timeseries: pd.DataFrame
    streets: pd.DataFrame
    topics: pd.DataFrame
    distributions: pd.DataFrame
    departments: pd.DataFrame
    grids: pd.DataFrame
    queues: pd.DataFrame
    events: int
    records: Optional[Path] = None
    code: str = ""  # source_hash() of the code that ran it


def run_one(scenario: Scenario, replication: int, records: Optional[Path] = None,
            progress: Optional[Callable[[int], None]] = None) -> Replication:
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
    return Replication(replication, result.metrics, result.timeseries, result.streets, result.topics,
                       result.distributions, result.departments, result.grids, result.queues, result.events, records,
                       source_hash())
