"""Choosing a warm-up period: Welch's graphical method and the MSER-5 rule.

A simulated city starts empty: no open tickets, no queue at the hotline. Its
first days are therefore better than any real day, and averaging them in
flatters every policy. The scenario key ``warmup`` excludes those days from the
statistics; this module helps pick its length from ``timeseries.csv``.

Welch's method (Law & Kelton, *Simulation Modeling and Analysis*, sec. 9.5.1)
averages a daily metric over replications, smooths it with a centred moving
average and lets the eye find the day after which the curve is flat. MSER-5
(White 1997) offers an automatic suggestion: the truncation that minimises the
standard error of the mean of what remains. Take the later of the two when in
doubt: too long a warm-up only costs simulated time, too short a one biases
every result. MSER-5 cannot answer for a run under 50 days, and when its best
truncation is the latest it may take (half the run) the curve is still moving
at the end: the run is too short for it to settle (``Advice``).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

BATCH = 5          # MSER-5 averages the series in batches of five days
MIN_BATCHES = 10   # fewer batches than this and MSER has nothing to go on
NOT_METRICS = {"replication", "day"}
COUNT_UNITS = {    # units of the daily counts in timeseries.csv (docs/metrics.md)
    "arrivals": "requests per day", "tickets": "tickets per day", "closed": "tickets closed per day",
    "backlog": "open tickets at the end of the day", "evaluated": "evaluations per day",
    "responded_in_time": "evaluations per day", "reported_solved": "evaluations per day",
    "satisfied": "evaluations per day", "hotline_answered": "calls per day",
}
SUFFIX_UNITS = {"_min": "minutes", "_h": "hours", "_days": "days", "_rate": "share"}


def welch(timeseries: pd.DataFrame, metric: str, window: int) -> pd.DataFrame:
    """Welch's table for one metric: ``day``, ``mean``, ``moving``, ``replications``.

    ``mean`` is the metric's mean over replications on each day (replications
    without a value that day are left out; ``replications`` counts those with
    one). ``moving`` is Welch's moving average with window ``w``: the mean of
    the 2w+1 daily means centred on day i, or of the 2i+1 centred on it for
    i < w. It is undefined (NaN) for the last ``w`` days, where the window would
    run past the end. Days with no mean inside a window are skipped.
    """
    if window < 0 or int(window) != window:
        raise ValueError(f"window must be a whole number of days, 0 or more, not {window!r}")
    frame = one_variant(timeseries)
    _check_metric(frame, metric)
    days = frame.groupby("day")[metric]
    table = pd.DataFrame({"mean": days.mean(), "replications": days.count()}).reset_index()
    table["moving"] = _moving(table["mean"].to_numpy(dtype=float), int(window))
    return table[["day", "mean", "moving", "replications"]]


@dataclass(frozen=True)
class Advice:
    """What MSER-5 says of a series: the warm-up it suggests, in days (None when the run is too short to
    say), the days measured, and whether its best truncation is the latest it may take (the curve is still
    moving at the end, so the run is too short for it to settle)."""

    days: Optional[int]
    measured: int
    still_moving: bool = False

    @property
    def sentence(self) -> str:
        """The advice in words, the same on the command line and in the figure."""
        if self.days is None:
            return (f"too short: run at least {BATCH * MIN_BATCHES} days for MSER-5 to suggest a warm-up "
                    f"(this run measures {self.measured})")
        if self.still_moving:
            return (f"still moving at the end: MSER-5's best cut is the latest it may take ({_days(self.days)}, "
                    "half the run); run longer before choosing a warm-up")
        return f"MSER-5 suggests a warm-up of {_days(self.days)}"


def mser5(series: Sequence[float]) -> Optional[int]:
    """The MSER-5 truncation point, in days (White 1997), or None for a series too short to say.

    The series is averaged in batches of five (an incomplete last batch is
    dropped); for each truncation ``d`` over the first half of the ``k``
    batches, MSER(d) = sum over j > d of (Z_j - mean of Z after d)^2 / (k - d)^2,
    and the smallest minimiser is returned as ``5 * d`` days. A series of
    fewer than ten batches (50 days) gives None. Trailing NaNs (days not yet
    measured) are dropped, interior ones take the previous value and leading
    ones the first value measured.
    """
    return advise(series).days


def advise(series: Sequence[float]) -> Advice:
    """MSER-5's advice on a daily series (see ``mser5``)."""
    values = _fill(np.asarray(series, dtype=float))
    batches = len(values) // BATCH
    if batches < MIN_BATCHES:
        return Advice(None, len(values))
    z = values[: batches * BATCH].reshape(batches, BATCH).mean(axis=1)
    scores = [_mser(z[d:]) for d in range(batches // 2 + 1)]
    best = int(np.argmin(scores))
    return Advice(best * BATCH, len(values), best == batches // 2)


def suggest(timeseries: pd.DataFrame, metric: str) -> Advice:
    """MSER-5's advice for the metric's daily mean over replications."""
    return advise(welch(timeseries, metric, 0)["mean"])


def welch_figure(timeseries: pd.DataFrame, metric: str, window: int,
                 warmup_days: float | None = None) -> Figure:
    """The Welch plot of ``plot_welch`` as a Figure, to show or save as one likes."""
    return _figure(welch(timeseries, metric, window), metric, window, warmup_days)


def plot_welch(timeseries: pd.DataFrame, metric: str, window: int, path: Path,
               warmup_days: float | None = None) -> Advice:
    """Write the Welch plot to ``path`` (PNG) and return MSER-5's advice, which its legend states too.

    Thin grey: the daily mean over replications; bold: Welch's moving average;
    dashed: the MSER-5 suggestion; shaded: the scenario's warm-up, if given.
    """
    table = welch(timeseries, metric, window)
    _figure(table, metric, window, warmup_days).savefig(Path(path), dpi=150)
    return advise(table["mean"])


def one_variant(timeseries: pd.DataFrame) -> pd.DataFrame:
    """The rows of one variant: the only one, or 'base' among several."""
    if "variant" not in timeseries.columns or timeseries["variant"].nunique() <= 1:
        return timeseries
    if "base" in set(timeseries["variant"]):
        return timeseries[timeseries["variant"] == "base"]
    names = ", ".join(sorted(map(str, timeseries["variant"].unique())))
    raise ValueError(f"the time series holds several variants ({names}) and no 'base': "
                     "filter it to one variant first")


def _check_metric(frame: pd.DataFrame, metric: str) -> None:
    available = [c for c in frame.select_dtypes("number").columns if c not in NOT_METRICS]
    if metric not in available:
        raise ValueError(f"unknown metric {metric!r}; the numeric columns are: {', '.join(available)}")


def _moving(means: np.ndarray, window: int) -> np.ndarray:
    moving = np.full(len(means), np.nan)
    for i in range(len(means) - window):
        half = min(i, window)
        chunk = means[i - half: i + half + 1]
        if not np.isnan(chunk).all():
            moving[i] = np.nanmean(chunk)
    return moving


def _fill(values: np.ndarray) -> np.ndarray:
    measured = np.flatnonzero(~np.isnan(values))
    if len(measured) == 0:
        return values[:0]
    filled = pd.Series(values[: measured[-1] + 1]).ffill().bfill()
    return filled.to_numpy()


def _mser(z: np.ndarray) -> float:
    return float(((z - z.mean()) ** 2).sum() / len(z) ** 2)


def _figure(table: pd.DataFrame, metric: str, window: int, warmup_days: float | None) -> Figure:
    fig = Figure(figsize=(8, 4.5))
    ax = fig.add_subplot()
    if warmup_days:
        ax.axvspan(0, warmup_days, color="tab:orange", alpha=0.15, lw=0, label="warm-up in the scenario")
    ax.plot(table["day"], table["mean"], color="0.6", lw=0.8, label="daily mean over replications")
    ax.plot(table["day"], table["moving"], color="tab:blue", lw=2.2, label=f"moving average ({window} days each side)")
    advice = advise(table["mean"])
    if advice.days is not None:
        ax.axvline(advice.days, color="black", ls="--", lw=1.2, label=textwrap.fill(advice.sentence, 60))
    else:
        ax.plot([], [], " ", label=textwrap.fill(advice.sentence, 60))
    replications = int(table["replications"].max()) if len(table) else 0
    ax.set_title(f"{metric}: Welch's method, window {_days(window)}, "
                 f"{replications} replication{'s' if replications != 1 else ''}")
    ax.set_xlabel("simulated day")
    ax.set_ylabel(_label(metric))
    ax.set_xlim(left=0)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False)
    fig.tight_layout()
    return fig


def _days(n: float) -> str:
    return f"{n:g} day" if n == 1 else f"{n:g} days"


def _label(metric: str) -> str:
    unit = COUNT_UNITS.get(metric) or next(
        (u for suffix, u in SUFFIX_UNITS.items() if metric.endswith(suffix)), None)
    return f"{metric} ({unit})" if unit else metric

