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

from .text import Text, difference_unit

FINDING_METRICS = ("response_rate", "resolution_rate", "satisfaction_rate", "completion_rate", "mean_resolve_h",
                   "hotline_mean_wait_min", "hotline_abandon_rate", "whistle_on_time_rate", "proactive_share")
LOWER_IS_BETTER = {"mean_response_h", "mean_resolve_h", "p90_resolve_h", "hotline_mean_wait_min",
                   "hotline_abandon_rate", "open_at_end", "mean_backlog"}
VERBS = {"rate": ("raises", "lowers"), "time": ("lengthens", "shortens")}


@dataclass
class Finding:
    """One sentence. ``kind``: ``clear`` (the interval excludes zero; ``better`` then says whether that is good
    news), ``unclear`` (it spans zero) or ``unknown`` (no interval: fewer than two replications measured it)."""

    sentence: str
    kind: str
    better: Optional[bool] = None

    @property
    def clear(self) -> bool:
        return self.kind == "clear"


def clear(difference: dict) -> bool:
    """Whether the 95% interval of a difference lies wholly on one side of zero."""
    low, high = difference.get("ci_low"), difference.get("ci_high")
    return low is not None and high is not None and (low > 0 or high < 0)


def finding(variant: str, metric: str, difference: dict, text: Text) -> Finding:
    """The sentence for one variant's difference from the base on one metric. A decrease is stated as a
    positive amount with its interval ("lowers ... by 2.0 (95% CI 0.9 to 3.1)")."""
    scale, unit = difference_unit(metric)
    words = {"variant": variant, "metric": text.noun(metric), "unit": text(unit)}
    if difference.get("ci_low") is None or difference.get("ci_high") is None:
        return Finding(text("unknown", **words), "unknown")
    mean, low, high = (difference[k] * scale for k in ("mean", "ci_low", "ci_high"))
    if not clear(difference):
        return Finding(text("no_clear", low=_number(low, low, high), high=_number(high, low, high), **words),
                       "unclear")
    up, down = VERBS["time" if unit in ("hours", "minutes", "days") else "rate"]
    if mean < 0:
        mean, low, high = -mean, -high, -low
    return Finding(text(up if difference["mean"] > 0 else down, value=_number(mean, low, high),
                        low=_number(low, low, high), high=_number(high, low, high), **words),
                   "clear", (difference["mean"] > 0) != (metric in LOWER_IS_BETTER))


def variant_findings(variant: str, differences: dict[str, dict], text: Text,
                     metrics: tuple[str, ...] = FINDING_METRICS) -> list[Finding]:
    """A variant's clear differences, one sentence each, then one sentence naming the metrics with none, then
    those that cannot be judged."""
    found = [(m, finding(variant, m, differences[m], text)) for m in metrics if m in differences]
    result = [f for _, f in found if f.clear]
    unclear = [text.noun(m) for m, f in found if f.kind == "unclear"]
    if unclear:
        result.append(Finding(text("no_clear_many", variant=variant, metrics=text.join(unclear)), "unclear"))
    return result + [f for _, f in found if f.kind == "unknown"]


def _number(value: float, low: float, high: float) -> str:
    """``value`` to the decimals its interval supports: to the place of the half-width's first significant
    digit, between 1 and 4 decimals."""
    half = (high - low) / 2
    decimals = 1 if half <= 0 else min(4, max(1, -math.floor(math.log10(half))))
    return f"{value:.{decimals}f}"
