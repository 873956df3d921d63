"""Running experiments: the fourth layer of ``sim``.

One replication (``simulate``: the model with a recorder attached; ``replication``: as a worker runs it),
many (``experiment``) on an engine (``engines``: this process, local worker processes, a Dask cluster),
saved as they finish (``store``) and reported as they go (``progress``); the results folder (``folder``,
written by ``writer``); the drivers that say what to run and how to summarise it (``compare``, ``precision``,
``sweep`` with its ``designs``, and the interval statistics they need, ``stats``); and ``execute``, which runs
any of them into a results folder.

Imports: ``sim.scenario``, ``sim.model``, ``sim.observe``.
"""

from .compare import Comparison, compare
from .engines import DaskEngine, LocalEngine
from .execute import ComparePlan, Outcome, RunPlan, SweepPlan, execute
from .experiment import Experiment
from .folder import ResultsFolder
from .precision import Precision
from .simulate import Result, organisation, simulate

__all__ = ["ComparePlan", "Comparison", "DaskEngine", "Experiment", "LocalEngine", "Outcome", "Precision",
           "Result", "ResultsFolder", "RunPlan", "SweepPlan", "compare", "execute", "organisation", "simulate"]
