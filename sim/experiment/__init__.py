"""Running experiments: the fourth layer of ``sim``.

One replication (``replication``: ``simulate``, in this process, and ``run_one``, as a worker runs it), many
(``experiment``) on an engine (``engines``: this process, local worker processes, a Dask cluster), saved as
they finish (``store``) and reported as they go (``progress``); the results folder (``folder``, written by
``writer`` and ``records``); the drivers that say what to run and how to summarise it (``compare``,
``precision``, ``sweep`` with its ``designs``, and the interval statistics they need, ``stats``); and
``execute``, which runs any of them into a results folder.

Here are the names most scripts need and that load quickly; the drivers are imported from their modules
(``from sim.experiment.compare import compare``, ``from sim.experiment.execute import execute``).

Imports: ``sim.scenario``, ``sim.model``, ``sim.observe``.
"""

from .engines import DaskEngine, LocalEngine
from .experiment import Experiment
from .folder import ResultsFolder
from .replication import Result, organisation, simulate

__all__ = ["DaskEngine", "Experiment", "LocalEngine", "Result", "ResultsFolder", "organisation", "simulate"]
