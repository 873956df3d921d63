"""Plain-language findings from the paired differences of a comparison.

A finding states a difference only when its 95% interval excludes zero
("precise-dispatch raises the resolution rate by 0.6 percentage points (95%
CI 0.5 to 0.7)"); otherwise it says there is no clear difference, so a
reader is never shown noise as an effect. An interval wholly inside the
negligible band is no practical difference, however it straddles zero.
Numbers are rounded to the precision the interval supports.

A variant that loses residents (more problems unheard, or more callers
lost, with intervals excluding zero) is said so first, as worse news; its
improvements in rates that count only the residents who got through (the
three rates, completion, the hotline's abandonment and wait) are then not
shown as good news but as what they are: better among fewer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

from .text import Text, difference_unit

# unheard demand beside the three rates: residents who gave up on the hotline are in none of the rates; blocked
# calls and lost requests say how they were lost
FINDING_METRICS = ("response_rate", "resolution_rate", "satisfaction_rate", "unheard_rate", "hotline_lost",
                   "hotline_blocked_rate", "completion_rate", "mean_resolve_h", "hotline_mean_wait_min",
                   "hotline_abandon_rate", "whistle_on_time_rate", "proactive_share")
LOWER_IS_BETTER = {"mean_response_h", "mean_resolve_h", "p90_resolve_h", "hotline_mean_wait_min",
                   "hotline_abandon_rate", "open_at_end", "mean_backlog", "unheard_rate", "unheard_demand",
                   "hotline_lost", "hotline_blocked_rate"}
# a rise means residents were lost
LOSING = ("unheard_rate", "hotline_lost")
# rates whose denominator holds only the residents who got through: lose some, and these can look better
HEARD_ONLY = {"response_rate", "resolution_rate", "satisfaction_rate", "completion_rate", "hotline_abandon_rate",
              "hotline_mean_wait_min", "mean_resolve_h"}
VERBS = {"rate": ("raises", "lowers"), "time": ("lengthens", "shortens")}
NEGLIGIBLE = {"points": 0.1, "hours": 0.1, "minutes": 0.1, "days": 0.01}   # smaller differences do not matter
UNCERTAIN = 0.1   # an interval spanning zero and wider than this share of the base's mean says little
ON_TIME = "whistle_on_time_rate"


@dataclass
class Finding:
    """One sentence. ``kind``: ``clear`` (the interval excludes zero and the difference matters; ``better``
    then says whether that is good news), ``losing`` (the variant loses residents: worse news, said first),
    ``fewer`` (a clear improvement in a rate that counts only the residents who got through, in a variant that
    loses residents), ``yardstick`` (a whistle on-time share judged against a changed limit), ``uncertain``
    (the interval spans zero but is wide), or, said of several metrics at once,
    ``negligible``, ``same`` (identical in every run), ``unclear`` (spans zero) and ``unknown`` (fewer than
    two replications)."""

    sentence: str
    kind: str
    better: Optional[bool] = None

    @property
    def clear(self) -> bool:
        return self.kind == "clear"

    @property
    def tone(self) -> str:
        """How the sentence reads: ``better`` or ``worse`` news (a clear difference, or a variant that loses
        residents), else its kind."""
        return ("better" if self.better else "worse") if self.clear or self.kind == "losing" else self.kind


def clear(difference: dict) -> bool:
    """Whether the 95% interval of a difference lies wholly on one side of zero."""
    low, high = difference.get("ci_low"), difference.get("ci_high")
    return low is not None and high is not None and (low > 0 or high < 0)


def better(metric: str, difference: dict) -> bool:
    """Whether a difference is good news: a rise, or a fall of a metric in ``LOWER_IS_BETTER``."""
    return (difference["mean"] > 0) != (metric in LOWER_IS_BETTER)


def negligible(metric: str) -> float:
    """The band, in the metric's own unit, inside which a difference does not matter (``NEGLIGIBLE``)."""
    scale, unit = difference_unit(metric)
    return NEGLIGIBLE.get(unit, 0.0) / scale


def kind_of(metric: str, difference: dict, base_mean: Optional[float] = None) -> str:
    """Which kind of finding a difference makes (see ``Finding``; ``yardstick`` is decided by the caller)."""
    if difference.get("ci_low") is None or difference.get("ci_high") is None:
        return "unknown"
    if difference["mean"] == difference["ci_low"] == difference["ci_high"] == 0:
        return "same"
    band = negligible(metric)
    if clear(difference):
        return "clear" if abs(difference["mean"]) >= band else "negligible"
    if max(abs(difference["ci_low"]), abs(difference["ci_high"])) < band:
        return "negligible"  # too small to matter, wherever in the band it lies
    half = (difference["ci_high"] - difference["ci_low"]) / 2
    return "uncertain" if base_mean and half > UNCERTAIN * abs(base_mean) else "unclear"


def finding(variant: str, metric: str, difference: dict, text: Text, base_mean: Optional[float] = None) -> Finding:
    """The sentence for one variant's difference from the base on one metric. A decrease is stated as a
    positive amount with its interval ("lowers ... by 2.0 (95% CI 0.9 to 3.1)")."""
    kind = kind_of(metric, difference, base_mean)
    scale, unit = difference_unit(metric)
    words = {"variant": variant, "metric": text.noun(metric), "unit": text("count_unit" if unit == "count" else unit)}
    if kind in ("unknown", "same"):
        return Finding(text(kind, **words), kind)
    low, high = difference["ci_low"] * scale, difference["ci_high"] * scale
    interval = {"low": _number(low, low, high), "high": _number(high, low, high)}
    if kind in ("unclear", "uncertain"):
        return Finding(text("no_clear" if kind == "unclear" else "uncertain", **interval, **words), kind)
    up, down = VERBS["time" if unit in ("hours", "minutes", "days") else "rate"]
    mean = difference["mean"] * scale
    if mean < 0:
        mean, low, high = -mean, -high, -low
    sentence = text(up if difference["mean"] > 0 else down, value=_number(mean, low, high),
                    low=_number(low, low, high), high=_number(high, low, high), **words)
    return Finding(sentence, kind, better(metric, difference))


def variant_findings(variant: str, differences: dict[str, dict], text: Text,
                     base: Optional[dict[str, Optional[float]]] = None,
                     limits: Optional[tuple[str, str]] = None,
                     metrics: tuple[str, ...] = FINDING_METRICS) -> list[Finding]:
    """A variant's findings: a sentence for each difference that matters or is too uncertain to call, then
    one sentence each for the metrics it changes negligibly, leaves identical, shows no clear difference on,
    or cannot judge. ``base`` holds the base's means (to tell a wide interval); ``limits`` the base's and the
    variant's whistle report limits when they differ, since on-time is then judged by another yardstick."""
    base = base or {}
    found = {m: finding(variant, m, differences[m], text, base.get(m)) for m in metrics if m in differences}
    if limits and ON_TIME in found and found[ON_TIME].kind != "unknown":
        found[ON_TIME] = _yardstick(variant, differences[ON_TIME], limits, text)
    lost = [m for m in LOSING if m in found and found[m].clear and not found[m].better]
    result = []
    if lost:
        result.append(Finding(text("losing", variant=variant), "losing", False))
        for m, f in found.items():
            if m in HEARD_ONLY and f.clear and f.better:
                found[m] = Finding(f.sentence + text("fewer"), "fewer")
    result += [f for f in found.values() if f.kind in ("clear", "uncertain", "yardstick", "fewer")]
    for kind in ("negligible", "same", "unclear", "unknown"):
        named = [text.noun(m) for m, f in found.items() if f.kind == kind]
        if named:
            result.append(Finding(text(f"{kind}_many", variant=variant, metrics=text.join(named)), kind))
    return result


def _yardstick(variant: str, difference: dict, limits: tuple[str, str], text: Text) -> Finding:
    low, high, mean = (difference[k] * 100 for k in ("ci_low", "ci_high", "mean"))
    return Finding(text("yardstick", variant=variant, base_limit=limits[0], limit=limits[1],
                        value=f"{'+' if mean >= 0 else ''}{_number(mean, low, high)}",
                        low=_number(low, low, high), high=_number(high, low, high)), "yardstick")


def _number(value: float, low: float, high: float) -> str:
    """``value`` to the decimals its interval supports: to the place of the half-width's first significant
    digit (1 to 4 decimals), and more if an interval's bound would otherwise round to zero."""
    half = (high - low) / 2
    decimals = 1 if half <= 0 else min(4, max(1, -math.floor(math.log10(half))))
    nearest = min(abs(low), abs(high))
    while decimals < 4 and nearest > 0 and round(nearest, decimals) == 0:
        decimals += 1
    return f"{value:.{decimals}f}"
