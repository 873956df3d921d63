"""gridgov's model: grid-based community governance as SimPy processes.

``load_scenario`` reads and validates a scenario file; ``simulate`` runs one
replication and returns its metrics and tidy tables.
"""

from .errors import ScenarioError
from .loader import load_scenario, load_variants
from .result import Result, simulate
from .schema import Scenario

__version__ = "0.6.0"
__all__ = ["load_scenario", "load_variants", "simulate", "Result", "Scenario", "ScenarioError", "__version__"]
