"""Plain-language findings from the paired differences of a comparison.

A finding states a difference only when its 95% interval excludes zero
("precise-dispatch raises the resolution rate by 0.6 percentage points (95%
CI 0.5 to 0.7)"); otherwise it says there is no clear difference, so a
reader is never shown noise as an effect. Numbers are rounded to the
precision the interval supports.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

from .figures import difference_unit
from .text import Text

FINDING_METRICS = ("response_rate", "resolution_rate", "satisfaction_rate", "completion_rate", "mean_resolve_h",
                   "hotline_mean_wait_min", "whistle_on_time_rate")
LOWER_IS_BETTER = {"mean_response_h", "mean_resolve_h", "p90_resolve_h", "hotline_mean_wait_min",
                   "hotline_abandon_rate", "open_at_end", "mean_backlog"}


@dataclass
class Finding:
    """One sentence; ``clear`` if the interval excludes zero, ``better`` then says whether that is good news."""

    sentence: str
    clear: bool
    better: Optional[bool] = None


def clear(difference: dict) -> bool:
    """Whether the 95% interval of a difference lies wholly on one side of zero."""
    low, high = difference.get("ci_low"), difference.get("ci_high")
    return low is not None and high is not None and (low > 0 or high < 0)


def finding(variant: str, metric: str, difference: dict, text: Text) -> Finding:
    """The sentence for one variant's difference from the base on one metric."""
    scale, unit = difference_unit(metric)
    mean, low, high = (None if difference.get(k) is None else difference[k] * scale
                       for k in ("mean", "ci_low", "ci_high"))
    words = {"variant": variant, "metric": text.noun(metric), "unit": text(unit)}
    if not clear(difference):
        return Finding(text("no_clear", low=_number(low, low, high), high=_number(high, low, high), **words), False)
    key = "raises" if mean > 0 else "lowers"
    return Finding(text(key, value=_number(abs(mean), low, high), low=_number(low, low, high),
                        high=_number(high, low, high), **words),
                   True, (mean > 0) != (metric in LOWER_IS_BETTER))


def variant_findings(variant: str, differences: dict[str, dict], text: Text,
                     metrics: tuple[str, ...] = FINDING_METRICS) -> list[Finding]:
    """A variant's clear differences, one sentence each, then one sentence naming the metrics with none."""
    metrics = [m for m in metrics if m in differences]
    found = [finding(variant, m, differences[m], text) for m in metrics]
    unclear = [m for m, f in zip(metrics, found) if not f.clear]
    result = [f for f in found if f.clear]
    if unclear:
        result.append(Finding(text("no_clear_many", variant=variant, metrics=text.join([text.noun(m) for m in unclear])),
                              False))
    return result


def _number(value: Optional[float], low: Optional[float], high: Optional[float]) -> str:
    """``value`` to the decimals its interval supports: to the place of the half-width's first significant
    digit, between 1 and 3 decimals."""
    if value is None:
        return "n/a"
    half = (high - low) / 2 if low is not None and high is not None else 0.0
    decimals = 1 if half <= 0 else min(3, max(1, -math.floor(math.log10(half))))
    return f"{value:.{decimals}f}"
