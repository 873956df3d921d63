"""Findings, figures, reports, narration, validation, calibration and the workshop, built from results.

Nothing here runs SimPy: it reads the results folders that ``sim.experiment``
writes, and calls ``sim.experiment`` to run what it needs. ``compare`` and the
interval statistics are ``sim.experiment``'s, offered here too (CONTRACT.md).
"""

from sim.experiment.compare import Comparison, compare
from sim.experiment.stats import mean_ci, summarise

__all__ = ["Comparison", "compare", "mean_ci", "summarise"]
