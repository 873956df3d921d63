"""What a sweep's report shows instead of variant-by-variant figures: each metric's response to each parameter
varied, the sensitivity indices with their intervals, the points named by their values, and the sensitivity in
words.

A sweep has many points (an LHS of 20, a Sobol design of hundreds), so the figures of a comparison, one colour
per variant, would repeat colours and say nothing; here the x axis is the parameter itself, in its unit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter
from scipy import stats

from sim.experiment.sweep import resolved
from sim.scenario.durations import format_duration

from .findings import LOWER_IS_BETTER
from .results import Results
from .style import FIGSIZE, house_style, new_figure
from .text import DURATION_UNITS, Text

COLOUR = "#1f77b4"
DRAWN = {"lhs": "spearman", "sobol": "ST", "morris": "mu_star"}  # the index each sampled design is read by
RESPONSE_METRICS = ("response_rate", "resolution_rate", "satisfaction_rate", "unheard_rate", "mean_resolve_h")
SPEARMAN_SE = 1.06  # var(atanh rho_s) ~ 1.06 / (n - 3) (Fieller, Hartley and Pearson 1957)


@dataclass(frozen=True)
class Index:
    """One drawn sensitivity index of a metric to a parameter, with its 95% interval (None where it has none)."""

    metric: str
    parameter: str
    value: float
    low: Optional[float]
    high: Optional[float]

    @property
    def clear(self) -> bool:
        """The interval stays off zero: the metric clearly responds to the parameter within the range swept."""
        return self.low is not None and (self.low > 0 or self.high < 0)


def is_duration(results: Results, key: str) -> bool:
    """Whether the swept parameter is a duration (kept in minutes; a scenario writes it with a unit)."""
    try:
        return isinstance(resolved(results.scenario.model_dump(mode="json"), key), str)
    except (KeyError, IndexError, ValueError, TypeError):
        return False


def axis_scale(results: Results, key: str) -> tuple[float, Optional[str]]:
    """Divisor and unit (a key of ``DURATION_UNITS``) to show a parameter's values in: hours for durations
    swept beyond two hours, minutes for shorter ones; (1, None) for a plain number."""
    if not is_duration(results, key):
        return 1.0, None
    return (60.0, "h") if results.replications[key].max() > 120 else (1.0, "min")


def value_words(results: Results, key: str, value, text: Text) -> str:
    """A point's value of a swept parameter, with its unit: a level as it was written (``2h``, ``462``), a
    sampled duration to three digits in its axis' unit (``1.76h``)."""
    if pd.isna(value):
        return text.value(None)
    divisor, unit = axis_scale(results, key)
    if unit is None:
        return f"{value:.4g}" if isinstance(value, float) else str(value)
    return text.value(format_duration(value) if float(value).is_integer() else f"{value / divisor:.3g}{unit}")


def point_names(results: Results, text: Text) -> dict[str, str]:
    """Each point numbered from 1 in the order of the design (its folder id is p000, p001, ...)."""
    return {variant: text("point", n=number) for number, variant in enumerate(results.variants, 1)}


def axis_label(results: Results, key: str, text: Text) -> str:
    """A swept parameter's name, with the unit its axis is in."""
    _divisor, unit = axis_scale(results, key)
    return f"{text.parameter(key)} ({DURATION_UNITS[unit][text.index]})" if unit else text.parameter(key)


def indices(results: Results) -> list[Index]:
    """The sensitivity index each design is read by, with a 95% interval: Spearman's rank correlation (LHS;
    the interval by Fisher's z), Sobol's total index ST or Morris' mu* (their bootstrap intervals)."""
    design = results.summary.get("design")
    rows = results.summary.get("sensitivity") or []
    drawn, points = DRAWN.get(design), results.summary.get("points_finished", 0)
    out = []
    for row in rows:
        if row["index"] != drawn or row["value"] is None or not math.isfinite(row["value"]):
            continue
        value, conf = row["value"], row.get("conf")
        if drawn == "spearman":
            low, high = _fisher(value, points)
        elif conf is not None and math.isfinite(conf):
            low, high = value - conf, value + conf
        else:
            low = high = None
        out.append(Index(row["metric"], row["parameter"], value, low, high))
    return out


def _fisher(rho: float, points: int) -> tuple[Optional[float], Optional[float]]:
    """95% interval of a Spearman correlation over ``points`` points (none below four points)."""
    if points < 4 or abs(rho) >= 1:
        return None, None
    half = stats.norm.ppf(0.975) * math.sqrt(SPEARMAN_SE / (points - 3))
    return math.tanh(math.atanh(rho) - half), math.tanh(math.atanh(rho) + half)


@house_style
def sensitivity_figure(results: Results, lang: str = "en") -> Figure:
    """Per metric, a bar per swept parameter: its sensitivity index with the 95% interval; zero marked."""
    text = Text(lang)
    found = indices(results)
    if not found:
        raise ValueError(f"{results.folder} has no sensitivity indices: they come from a finished sweep over "
                         "ranges (sweep --range KEY=LOW:HIGH --design lhs, sobol or morris)")
    metrics = list(dict.fromkeys(i.metric for i in found))
    keys = results.swept
    design = results.summary.get("design")
    columns = min(3, len(metrics))
    rows = math.ceil(len(metrics) / columns)
    fig, axes = new_figure(rows, columns, text("sensitivity_title", index=text(f"index_{design}")),
                           (FIGSIZE[0], max(FIGSIZE[1], 1.2 + rows * (0.6 + 0.35 * len(keys)))))
    y = np.arange(len(keys))[::-1]
    for ax, metric in zip(axes, metrics):
        by_key = {i.parameter: i for i in found if i.metric == metric}
        for yi, key in zip(y, keys):
            index = by_key.get(key)
            if index is None:
                continue
            ax.barh(yi, index.value, height=0.6, color=COLOUR if index.clear else "0.75")
            if index.low is not None:
                ax.errorbar(index.value, yi, xerr=[[index.value - index.low], [index.high - index.value]],
                            fmt="none", ecolor="black", elinewidth=1.4, capsize=3)
        ax.axvline(0, color="black", lw=0.9)
        ax.set(title=text.metric(metric), yticks=y)
        ax.set_yticklabels([text.parameter(k) for k in keys] if ax in axes[::columns] else [])
        if design == "lhs":
            ax.set_xlim(-1.05, 1.05)
        ax.grid(axis="x", alpha=0.3)
    for ax in axes[len(metrics):]:
        ax.set_visible(False)
    return fig


@house_style
def response_figure(results: Results, lang: str = "en") -> Figure:
    """Each headline metric (rows) against each swept parameter (columns): every point's mean with its 95%
    interval over replications, the parameter on the x axis in its unit."""
    text = Text(lang)
    if not results.swept:
        raise ValueError(f"{results.folder} is not a sweep (run.py sweep)")
    metrics = results.present(RESPONSE_METRICS)
    keys = results.swept
    first = results.replications.drop_duplicates("variant").set_index("variant")
    fig, axes = new_figure(len(metrics), len(keys), text("response_title"),
                           (max(FIGSIZE[0], 3.6 * len(keys)), 1.0 + 2.1 * len(metrics)))
    for row, metric in enumerate(metrics):
        for column, key in enumerate(keys):
            ax = axes[row * len(keys) + column]
            divisor, _unit = axis_scale(results, key)
            for variant in results.variants:
                s = results.stats(variant, metric)
                if s["mean"] is None:
                    continue
                low, high = (s["mean"] if s[b] is None else s[b] for b in ("ci_low", "ci_high"))
                if metric.endswith("_rate"):   # a t interval on few replications may pass 0 or 100%: cut it
                    low, high = max(low, 0.0), min(high, 1.0)
                ax.errorbar(first.loc[variant, key] / divisor, s["mean"], yerr=[[s["mean"] - low], [high - s["mean"]]],
                            fmt="o", color=COLOUR, ms=4, elinewidth=1, capsize=2, alpha=0.8)
            if metric.endswith("_rate"):
                ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=None))
            if column == 0:
                lower = f"\n{text('lower_better')}" if metric in LOWER_IS_BETTER else ""
                ax.set_ylabel(text.metric(metric) + lower)
            if row == len(metrics) - 1:
                ax.set_xlabel(axis_label(results, key, text))
            ax.grid(alpha=0.3)
    return fig



def sensitivity_sentences(results: Results, text: Text) -> list[tuple[str, str]]:
    """The sensitivity in words, a sentence per metric: which parameters it clearly responds to (the interval
    off zero) and which it does not; (tone, sentence) with tone ``clear`` or ``unclear``. Empty when the
    folder has no indices (a full factorial, or an unfinished sweep)."""
    found = indices(results)
    design = results.summary.get("design")
    said = []
    for metric in dict.fromkeys(i.metric for i in found):
        mine = [i for i in found if i.metric == metric]
        clear = [i for i in mine if i.clear]
        if not clear:
            said.append(("unclear", text("sensitivity_none", metric=text.metric(metric),
                                         keys=text.join([text.parameter(i.parameter) for i in mine]))))
            continue
        parts = [text(f"sensitivity_{design}" + ("_down" if design == "lhs" and i.value < 0 else ""),
                      name=text.parameter(i.parameter), value=f"{i.value:.2f}", low=f"{i.low:.2f}",
                      high=f"{i.high:.2f}") for i in clear]
        said.append(("clear", text("sensitivity_clear", metric=text.metric(metric), parts=text.join(parts))))
    return said
