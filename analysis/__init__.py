"""Statistics, comparisons, figures and reports built from results.

Nothing here runs SimPy: it works on the metrics and tables that ``sim``
returns or writes to a results folder.
"""

from .compare import Comparison, compare
from .stats import mean_ci, summarise

__all__ = ["Comparison", "compare", "mean_ci", "summarise"]
