"""Little's law, L = lambda W, on every queue and handling level of a full scenario.

``queues.csv`` gives, per station and day, the time-weighted mean number
present, the number present when the day ended, and the arrivals with their
total time inside. Over a window of whole weeks after the warm-up, ending
weeks before the horizon so that nearly all of the window's arrivals have
left by then, L (time-weighted mean number present), lambda (arrivals per
minute) and W (mean time inside of those arrivals) must satisfy
L = lambda W. Little's law holds on every sample path up to the window's two
ends, so in a simulation it tests the observation code: that each count
and its units' times are taken at the same events, none lost or counted
twice. Where the station is empty at a day's end within a week of each
bound (queues mostly are), the window opens and closes there, and the law
holds exactly (a regeneration point: nobody is inside at either end);
otherwise (a handling level is never empty) the units present when the
window opens and those still inside when it closes balance each other in
a steady state. The tolerance is 1% of L, with 95% confidence. Over the
whole horizon, the days' integrals of each count must add up to the total
time inside, to rounding error: the daily table is complete.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from sim.model.observer import STATIONS
from sim.scenario.durations import DAY
from sim.scenario.schema import Scenario

from . import first_day
from .checks import Check

SECTION = "Little's law"
TOLERANCE = 0.01  # |L - lambda W| / L
EXACT = 1e-9      # the days' integrals against the total time inside, relative
WEEK = 7


@dataclass(frozen=True)
class Window:
    """L, lambda and W of one station over a window of days, and how many of its arrivals were still inside
    at the horizon."""

    mean_number: float
    arrival_rate: float  # per minute
    mean_time: float     # minutes
    still_inside: int

    @property
    def gap(self) -> float:
        """(L - lambda W) / L, or 0 when nothing ever came."""
        expected = self.arrival_rate * self.mean_time
        return (self.mean_number - expected) / self.mean_number if self.mean_number > 0 else expected


def window(queues: pd.DataFrame, station: str, first: int, end: int, horizon: float = math.inf) -> Window:
    """The station's L, lambda and W over days ``first`` to ``end`` (excluded); a day cut by the ``horizon``
    counts for its length."""
    days = queues[(queues["station"] == station) & (queues["day"] >= first) & (queues["day"] < end)]
    lengths = _lengths(days, horizon)
    span = float(lengths.sum())
    arrivals = int(days["arrivals"].sum())
    mean_time = float(days["stay_min"].sum()) / arrivals if arrivals else 0.0
    return Window(float((days["mean_number"] * lengths).sum()) / span, arrivals / span, mean_time,
                  arrivals - int(days["departures"].sum()))


def empty_window(queues: pd.DataFrame, station: str, first: int, end: int, slack: int) -> tuple[int, int]:
    """The window of days ``first`` to ``end`` moved, each bound by less than ``slack`` days later, to days
    whose eve the station ended empty: over it Little's law is exact. Unmoved where no such day is found."""
    rows = queues[queues["station"] == station]
    empty = {int(day) + 1 for day in rows.loc[rows["present_at_end"] == 0, "day"]}  # days that open empty
    opens = next((day for day in range(first, first + slack) if day in empty), None)
    closes = next((day for day in range(end, end + slack) if day in empty), None)
    if opens is None or closes is None:
        return first, end
    return opens, closes


def identity_error(queues: pd.DataFrame, station: str, horizon: float) -> float:
    """|integral of the level - total time inside| / total time inside, over the whole horizon."""
    days = queues[queues["station"] == station]
    area = float((days["mean_number"] * _lengths(days, horizon)).sum())
    inside = float(days["stay_min"].sum())
    return abs(area - inside) / inside if inside > 0 else abs(area)


def _lengths(days: pd.DataFrame, horizon: float) -> pd.Series:
    """Minutes of each day before the horizon."""
    return (horizon - days["day"] * DAY).clip(upper=DAY)


def measured_weeks(scenario: Scenario, drain_days: int) -> tuple[int, int]:
    """The window: from the first whole day after the warm-up, as many whole weeks as leave ``drain_days``
    before the horizon."""
    first = first_day(scenario.warmup)
    weeks = (int(scenario.horizon // DAY) - drain_days - first) // WEEK
    if weeks < 1:
        raise ValueError(f"{scenario.name}: no whole week between the warm-up and {drain_days} days before the "
                         "horizon")
    return first, first + weeks * WEEK


def checks(scenario: Scenario, runs: list, drain_days: int) -> list[Check]:
    """Little's law on every station of ``scenario``'s replications ``runs``, and the exact identity."""
    first, end = measured_weeks(scenario, drain_days)
    case = f"{scenario.name}, days {first}-{end}"
    out = []
    for station, what in STATIONS:
        windows = [window(rep.queues, station, *empty_window(rep.queues, station, first, end, WEEK))
                   for rep in runs]
        out.append(Check(SECTION, f"{station}: {what}", "(L - lambda W) / L", 0.0,
                         f"Little's law, within {TOLERANCE:.0%}", tuple(w.gap for w in windows), "within", "%",
                         below=TOLERANCE, above=TOLERANCE,
                         note=_note(windows, case)))
    errors = [max(identity_error(rep.queues, station, scenario.horizon) for station, _ in STATIONS)
              for rep in runs]
    out.append(Check(SECTION, f"every station, whole horizon ({len(STATIONS)} stations)",
                     "|sum of the days' integrals of L - total time inside| / total time inside, largest", 0.0,
                     f"within {EXACT:g}", tuple(errors), "exact", "", below=EXACT, above=EXACT))
    return out


def _note(windows: list[Window], case: str) -> str:
    """L, lambda W and the censored arrivals, averaged over the runs, for the table."""
    n = len(windows)
    mean_l = sum(w.mean_number for w in windows) / n
    mean_lw = sum(w.arrival_rate * w.mean_time for w in windows) / n
    lam = sum(w.arrival_rate for w in windows) / n * 60
    inside = sum(w.still_inside for w in windows)
    return (f"{case}: L = {mean_l:.4g}, lambda = {lam:.4g}/h, lambda W = {mean_lw:.4g}"
            + (f"; {inside} arrivals still inside at the horizon" if inside else ""))
