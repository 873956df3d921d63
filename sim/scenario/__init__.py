"""What a scenario is and how it is read: the first layer of ``sim``.

A scenario is validated data: the schema (``schema``: every parameter, its default and bounds), its field
types and durations (``types``, ``durations``), the duration distributions a scenario may name
(``distributions``), the loader that reads YAML files with ``extends:``, ``variants:`` and ``--set``
(``loader``) through a reader that bounds what a file may ask for (``yamlsafe``: size, nesting, aliases), the
size check of the work a scenario asks for (``size``), the one error a user can cause (``errors``) and the JSON
Schema for editors (``jsonschema``).

Imports: nothing of gridgov. Everything else in ``sim`` builds on this layer.
"""

from .errors import ScenarioError
from .loader import load_scenario, load_variants, with_sets
from .schema import Scenario

__all__ = ["Scenario", "ScenarioError", "load_scenario", "load_variants", "with_sets"]
