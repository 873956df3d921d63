"""Durations as written in scenario files.

The model's clock runs in minutes. Scenario files may write a duration as a
number of minutes or as a number with a unit (``45s``, ``30min``, ``2h``,
``7d``, ``2w``), so that time limits read as they do in the regulations.
"""

from __future__ import annotations

import math
import re

HOUR = 60.0  # minutes
DAY = 24 * HOUR  # the model's clock runs in minutes: simulated day d is [d * DAY, (d + 1) * DAY)
WEEK = 7 * DAY
MINUTES_PER = {
    "s": 1 / 60, "sec": 1 / 60,
    "min": 1.0, "m": 1.0,
    "h": HOUR, "hour": HOUR, "hours": HOUR,
    "d": DAY, "day": DAY, "days": DAY,
    "w": WEEK, "week": WEEK, "weeks": WEEK,
}
_PATTERN = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*([a-z]*)\s*$")
ALLOWED = "a number of minutes or a number with a unit s, min, h, d or w (e.g. 30min, 2h, 7d)"


def parse_duration(value: object) -> float:
    """Return ``value`` in minutes; raise ``ValueError`` naming what is allowed."""
    if isinstance(value, bool):
        raise ValueError(f"expected a duration, {ALLOWED}")
    if isinstance(value, (int, float)):
        minutes = float(value)
    elif isinstance(value, str):
        match = _PATTERN.match(value.lower())
        if not match or (match.group(2) and match.group(2) not in MINUTES_PER):
            raise ValueError(f"'{value}' is not a duration: write {ALLOWED}")
        minutes = float(match.group(1)) * MINUTES_PER.get(match.group(2) or "min", 1.0)
    else:
        raise ValueError(f"expected a duration, {ALLOWED}")
    if not math.isfinite(minutes) or minutes < 0:
        raise ValueError(f"a duration must be a finite number, zero or more: {ALLOWED}")
    return minutes


def format_duration(minutes: float) -> str:
    """Write minutes back in the largest whole unit, or as exact minutes; parsing it gives ``minutes`` again."""
    for unit, size in (("d", DAY), ("h", HOUR)):
        if minutes >= size and minutes % size == 0:
            return f"{int(minutes // size)}{unit}"
    if minutes == int(minutes):
        return f"{int(minutes)}min"
    return f"{minutes!r}min"
