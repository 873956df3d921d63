"""The JSON Schema of scenario files, for editors (``scenarios/schema.json``).

Regenerate with ``python -m sim.scenario.jsonschema``; a test checks the shipped file
is current. ``extends`` is added here because the loader resolves it before
validation.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .schema import Scenario

TARGET = Path(__file__).resolve().parents[2] / "scenarios" / "schema.json"


def scenario_json_schema() -> dict:
    """The schema of a scenario file as users write it."""
    schema = Scenario.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "gridgov scenario"
    schema["properties"] = {
        "extends": {"type": "string", "description": "path of a scenario file this one inherits from"},
        **schema["properties"],
    }
    return schema


def render() -> str:
    return json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
