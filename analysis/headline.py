"""The headline metrics, as the report's table and the command line show them: each mean with its 95% interval.

``HEADLINE`` is what a resident and a mayor compare: the three rates, the true
resolution rate beside the reported one, and unheard demand beside the rates with
the busy tones and lost requests it comes from; then completion, times and the
whistle. ``summary_lines`` prints them after ``run`` and ``compare``, with what a
``--precision`` run reached, so the command says what it did.
"""

from __future__ import annotations

import unicodedata
from typing import Any, Optional

from .text import Text

# the three rates, the true resolution rate beside the reported one, and unheard demand beside the rates with the
# blocked calls and lost requests it comes from
HEADLINE = ("response_rate", "resolution_rate", "true_resolution_rate", "satisfaction_rate", "unheard_rate",
            "unheard_demand", "hotline_blocked_rate", "hotline_lost", "completion_rate", "mean_resolve_h",
            "hotline_mean_wait_min", "whistle_on_time_rate", "proactive_share")


def mean_ci(stats: dict, metric: str, text: Text) -> str:
    """``72.5% (72.1 to 72.9)``: rates in percent, other values to two decimals (three under one); the
    interval is cut to the values the metric can take (no rate above 100%, nothing below zero), which a t
    interval on few replications can overshoot."""
    if stats.get("mean") is None:
        return "–"
    rate = metric.endswith(("_rate", "_share"))
    places = 2 if rate or abs(stats["mean"]) >= 1 else 3   # a wait of 0.027 minutes is not 0.03
    fmt = (lambda v: f"{100 * min(max(v, 0.0), 1.0):.1f}") if rate else (lambda v: f"{max(v, 0.0):.{places}f}")
    mean = fmt(stats["mean"]) + ("%" if rate else "")
    if stats.get("ci_low") is None:
        return mean
    return text("mean_ci", mean=mean, low=fmt(stats["ci_low"]), high=fmt(stats["ci_high"]))


def summary_lines(summary: dict[str, Any], text: Text) -> list[str]:
    """A plain-text table of the headline metrics (rows) of each variant (columns), mean (95% CI), and a line
    on the precision reached if the run aimed at one."""
    variants: dict[str, dict] = summary.get("variants") or {"": summary.get("metrics", {})}
    metrics = [m for m in HEADLINE if any(m in stats for stats in variants.values())]
    label = max((_width(text.metric(m)) for m in metrics), default=0)
    cells = {v: [mean_ci(stats.get(m, {}), m, text) for m in metrics] for v, stats in variants.items()}
    widths = {v: max([_width(v), *map(_width, column)]) for v, column in cells.items()}
    lines = []
    if any(variants):
        lines.append(" " * label + "".join("  " + _right(v, widths[v]) for v in variants))
    lines += [_left(text.metric(m), label) + "".join("  " + _right(cells[v][i], widths[v]) for v in variants)
              for i, m in enumerate(metrics)]
    reached = precision_line(summary.get("precision"))
    return lines + ([reached] if reached else [])


def precision_line(precision: Optional[dict[str, Any]]) -> str:
    """Whether a ``--precision`` run reached its target, after how many replications."""
    if not precision:
        return ""
    worst = max(((value, metric) for per in precision["relative_half_width"].values()
                 for metric, value in per.items()), default=(0.0, ""))
    target = f"±{precision['target'] * 100:g}% of the mean"
    if precision["reached"]:
        return (f"precision: target {target} reached after {precision['replications']} replications "
                f"(widest: {worst[1]}, ±{worst[0]:.1%})")
    return (f"precision: target {target} NOT reached: stopped at the cap of {precision['cap']} replications "
            f"with {worst[1]} at ±{worst[0]:.1%} (--max-replications raises the cap)")


def _width(words: str) -> int:
    """Columns a string takes on a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in words)


def _left(words: str, width: int) -> str:
    return words + " " * (width - _width(words))


def _right(words: str, width: int) -> str:
    return " " * (width - _width(words)) + words
