"""Field types shared by the scenario schema: durations, probabilities, rates.

Each type validates once at the boundary, serialises back to the form a user
would write, and describes itself in the JSON Schema so that editors can
check and complete scenario files.
"""

from __future__ import annotations

from typing import Annotated, Any, Optional

from pydantic import AfterValidator, BeforeValidator, Field, PlainSerializer, WithJsonSchema

from .durations import DAY, format_duration, parse_duration

MAX_DURATION = 365 * DAY
"""The longest duration a delay, effort, lead time, limit or shift may be: a year (525,600 minutes)."""
MAX_HORIZON = 3650 * DAY
"""The longest horizon (and warm-up, and scripted time): ten years (5,256,000 minutes)."""


def duration_json_schema(maximum: float, words: str) -> dict[str, Any]:
    """The JSON Schema of a duration of at most ``maximum`` minutes (``words`` says it for people)."""
    return {
        "anyOf": [
            {"type": "number", "minimum": 0, "maximum": maximum, "description": "minutes"},
            {"type": "string", "pattern": r"^\s*[0-9]*\.?[0-9]+\s*(s|sec|min|m|h|hours?|d|days?|w|weeks?)?\s*$"},
        ],
        "description": f"a duration: minutes, or a number with a unit (45s, 30min, 2h, 7d, 2w); at most {words}",
    }


DURATION_WORDS = "365d (a year)"
DURATION_JSON_SCHEMA = duration_json_schema(MAX_DURATION, DURATION_WORDS)


def at_most(maximum: float, words: str):
    """A validator refusing a duration above ``maximum`` minutes, saying the limit as ``words``."""
    def check(minutes: Any) -> Any:
        if minutes is not None and minutes > maximum:
            got = format_duration(minutes) if minutes < 1e12 else f"{minutes:.6g} minutes"
            raise ValueError(f"a duration must be at most {words}; got {got}")
        return minutes
    return check


def is_none(value: Any) -> bool:
    """Whether a user wrote ``none`` (or ``never``, ``off``, null): no limit."""
    return value is None or (isinstance(value, str) and value.strip().lower() in {"none", "never", "off"})


def _parse_optional_duration(value: Any) -> Any:
    return None if is_none(value) else parse_duration(value)


def _format_optional(value: float | None) -> str:
    return "none" if value is None else format_duration(value)


def bounded_duration(maximum: float, words: str):
    """A duration type in minutes, parsed from ``30min``, ``2h``, ``7d`` or minutes and written back with its
    unit, at most ``maximum`` minutes (``words`` says the limit in messages and in the JSON Schema)."""
    return Annotated[
        float,
        BeforeValidator(parse_duration),
        AfterValidator(at_most(maximum, words)),
        PlainSerializer(format_duration, when_used="json"),
        WithJsonSchema(duration_json_schema(maximum, words)),
    ]


Duration = bounded_duration(MAX_DURATION, DURATION_WORDS)
"""A duration in minutes, written ``30min``, ``2h``, ``7d`` or as minutes; at most a year."""

LongDuration = bounded_duration(MAX_HORIZON, "3650d (ten years)")
"""A horizon, warm-up or scripted time in minutes: at most ten years."""

OptionalDuration = Annotated[
    Optional[float],
    BeforeValidator(_parse_optional_duration),
    AfterValidator(at_most(MAX_DURATION, DURATION_WORDS)),
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
