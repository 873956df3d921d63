"""Field types shared by the scenario schema: durations, probabilities, rates.

Each type validates once at the boundary, serialises back to the form a user
would write, and describes itself in the JSON Schema so that editors can
check and complete scenario files.
"""

from __future__ import annotations

from typing import Annotated, Any, Optional

from pydantic import BeforeValidator, Field, PlainSerializer, WithJsonSchema

from .durations import format_duration, parse_duration

DURATION_JSON_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "number", "minimum": 0, "description": "minutes"},
        {"type": "string", "pattern": r"^\s*[0-9]*\.?[0-9]+\s*(s|sec|min|m|h|hours?|d|days?|w|weeks?)?\s*$"},
    ],
    "description": "a duration: minutes, or a number with a unit (45s, 30min, 2h, 7d, 2w)",
}


def is_none(value: Any) -> bool:
    """Whether a user wrote ``none`` (or ``never``, ``off``, null): no limit."""
    return value is None or (isinstance(value, str) and value.strip().lower() in {"none", "never", "off"})


def _parse_optional_duration(value: Any) -> Any:
    return None if is_none(value) else parse_duration(value)


def _format_optional(value: float | None) -> str:
    return "none" if value is None else format_duration(value)


Duration = Annotated[
    float,
    BeforeValidator(parse_duration),
    PlainSerializer(format_duration, when_used="json"),
    WithJsonSchema(DURATION_JSON_SCHEMA),
]
"""A duration in minutes, written ``30min``, ``2h``, ``7d`` or as minutes."""

OptionalDuration = Annotated[
    Optional[float],
    BeforeValidator(_parse_optional_duration),
    PlainSerializer(_format_optional, when_used="json"),
    WithJsonSchema({"anyOf": [DURATION_JSON_SCHEMA, {"enum": ["none", None]}],
                    "description": "a duration, or none for no limit"}),
]
"""A time limit that may be switched off with ``none``."""

Probability = Annotated[float, Field(ge=0.0, le=1.0)]
Share = Annotated[float, Field(ge=0.0, le=1.0)]
NonNegativeFloat = Annotated[float, Field(ge=0.0)]
PositiveFloat = Annotated[float, Field(gt=0.0)]
NonNegativeInt = Annotated[int, Field(ge=0)]
PositiveInt = Annotated[int, Field(gt=0)]

OptionalCount = Annotated[
    Optional[PositiveInt],
    BeforeValidator(lambda value: None if is_none(value) else value),
    WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 1}, {"enum": ["none", None]}]}),
]
"""A whole number that may be switched off with ``none``."""
