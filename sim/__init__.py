"""gridgov's model of grid-based community governance, in four layers (each a package that says what it may
import): ``sim.scenario`` (what a scenario is and how it is read), ``sim.model`` (the SimPy model),
``sim.observe`` (the recorder, metrics and tables) and ``sim.experiment`` (replications, engines, the results
folder, comparisons, sweeps).

``load_scenario`` reads and validates a scenario file; ``simulate`` runs one replication and returns its
metrics and tidy tables.
"""

from ._version import __version__
from .experiment import Result, simulate
from .scenario import Scenario, ScenarioError, load_scenario, load_variants

__all__ = ["load_scenario", "load_variants", "simulate", "Result", "Scenario", "ScenarioError", "__version__"]
