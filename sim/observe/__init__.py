"""Observing the model: the third layer of ``sim``.

The recorder (``recorder``) implements the model's observer protocol and keeps running counts, time-weighted
flows of every station (``flows``) and, when asked, the trace and per-request records; the metric
definitions (``metrics``) and the per-replication tables with their registry (``tables``) are computed from
it once a run is over. Observing never steers: nothing here writes into the model.

Imports: ``sim.scenario`` and ``sim.model`` (its types, its observer protocol and vocabulary).
"""

from .metrics import DEFINITIONS
from .recorder import Recorder
from .tables import TABLES

__all__ = ["DEFINITIONS", "Recorder", "TABLES"]
