"""Statistics, tables and (in later releases) plots and reports built from results.

Nothing here runs SimPy: it works on the metrics and tables that ``sim``
returns or writes to a results folder.
"""

from .stats import mean_ci, summarise

__all__ = ["mean_ci", "summarise"]
