"""One replication as a worker runs it: records streamed to a file of its own, the model's hash attached.

Replication ``r`` always uses branch ``r`` of the scenario's seed tree, so its
numbers do not depend on which process ran it or when.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Optional

from sim.scenario.schema import Scenario

from .simulate import Result, simulate
from .store import source_hash
from .writer import ParquetSink


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
