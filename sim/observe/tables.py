"""The tables of one replication, built from the recorder and the finished model: the registry of them all.

Each table is declared once in ``TABLES`` (name, builder, columns, what a row is); the result of a
replication, the store, the results folder's writer and reader, and the list of files a rerun clears all
iterate it. Tables are pandas DataFrames in long, tidy form (one row per day, per street and month, per
grid...), ready for pandas and for ``analysis``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

import pandas as pd

from sim.model.model import Model
from sim.model.observer import STATIONS
from sim.model.ranking import rank
from sim.scenario.durations import DAY

from .recorder import DURATIONS, Recorder


def timeseries_table(rec: Recorder, model: Model) -> pd.DataFrame:
    """One row per simulated day, warm-up included (flagged): arrivals, tickets, closures, backlog, the three
    rates, hotline wait."""
    d, start = rec.day, model.scenario.start_date
    frame = pd.DataFrame({
        "day": range(rec.days),
        "date": [start + dt.timedelta(days=i) for i in range(rec.days)],
        "arrivals": d["arrivals"], "tickets": d["tickets"], "closed": d["closed"], "backlog": d["backlog"],
        "evaluated": d["evaluated"], "responded_in_time": d["responded"], "reported_solved": d["solved"],
        "satisfied": d["satisfied"],
    })
    evaluated = frame["evaluated"].where(frame["evaluated"] > 0)
    frame["response_rate"] = frame["responded_in_time"] / evaluated
    frame["resolution_rate"] = frame["reported_solved"] / evaluated
    frame["satisfaction_rate"] = frame["satisfied"] / evaluated
    answered = pd.Series(d["answered"])
    frame["hotline_answered"] = answered
    frame["hotline_mean_wait_min"] = pd.Series(d["wait_sum"]) / answered.where(answered > 0)
    frame["date"] = pd.to_datetime(frame["date"])
    frame["warmup"] = frame["day"] * DAY < rec.warmup  # days that began inside the warm-up
    return frame


def streets_table(rec: Recorder, model: Model) -> pd.DataFrame:
    """One row per street and month: volumes, the three rates, score, rank (1 = best) and whether named.

    The evaluations, scores and ranks are those the monthly meeting used (``sim.model.governance``);
    ``named`` marks the bottom streets named at the month's end when ranking pressure is on.
    """
    g, months, streets = model.governance, model.setting.months, len(model.city.streets)
    sm, e = rec.street_month, g.evaluations
    frame = pd.DataFrame({
        "street": [s for s in range(streets) for _ in range(months)],
        "month": [m for _ in range(streets) for m in range(months)],
        **{key: sm[key] for key in ("requests", "tickets", "closed")}, "evaluated": e["evaluated"],
    })
    frame.insert(1, "street_name", [model.city.streets[s].name for s in frame["street"]])
    evaluated = frame["evaluated"].where(frame["evaluated"] > 0)
    frame["response_rate"] = pd.Series(e["responded"]) / evaluated
    frame["resolution_rate"] = pd.Series(e["solved"]) / evaluated
    frame["satisfaction_rate"] = pd.Series(e["satisfied"]) / evaluated
    scores = [g.scores(m) for m in range(months)]
    ranks = [rank(month) for month in scores]
    frame["score"] = [scores[m][s] for s, m in zip(frame["street"], frame["month"])]
    frame["rank"] = pd.array([ranks[m][s] for s, m in zip(frame["street"], frame["month"])]).astype("Int64")
    named = {(month, street) for month, streets in g.named for street in streets}
    frame["named"] = [(m, s) in named for s, m in zip(frame["street"], frame["month"])]
    return frame


def topics_table(rec: Recorder, model: Model) -> pd.DataFrame:
    """The monthly topics chosen: month, category, when chosen and when the fixes take effect (minutes)."""
    return pd.DataFrame(model.governance.topics, columns=["month", "chosen_min", "category", "effective_min"])


def distributions_table(rec: Recorder, model: Model, per_decade: int = 20) -> pd.DataFrame:
    """The measured durations as histograms for ECDFs pooled over replications: per measure (``response``,
    ``resolve``, ``report``) the non-empty bins, ``per_decade`` to a factor of ten (12% wide), their bounds
    in minutes and their counts."""
    rows = [(measure, *bin_) for measure in DURATIONS for bin_ in rec.measured.hists[measure].bins(per_decade)]
    return pd.DataFrame(rows, columns=["measure", "low_min", "high_min", "count"])


def departments_table(rec: Recorder, model: Model) -> pd.DataFrame:
    """Whistle reports per force (department): how many, how many on time, and whether it came on call."""
    on_call = {name: called for pools in model.whistle.forces for name, (_pool, called) in pools.items()}
    reports = rec.measured.reports_by_force
    return pd.DataFrame([(name, called, *reports.get(name, (0, 0))) for name, called in on_call.items()],
                        columns=["force", "on_call", "reports", "on_time"])


def grids_table(rec: Recorder, model: Model) -> pd.DataFrame:
    """One row per grid: where it is (street, community), its households, and the measured requests,
    first-time problems and those found before any complaint (patrol, home visit, volunteer)."""
    places = [(community.street, community.index, community.first_grid + k, households)
              for community in model.city.communities for k, households in enumerate(community.grid_households())]
    frame = pd.DataFrame(places, columns=["street", "community", "grid", "households"])
    for key, counts in rec.grid.items():
        frame[key] = counts
    return frame


def queues_table(rec: Recorder, model: Model) -> pd.DataFrame:
    """One row per queue or handling level (``sim.model.observer.STATIONS``) and day: the units that arrived
    that day, how many of them had left by the horizon, their total time inside in minutes (up to the horizon
    for those still there), the time-weighted mean number present during the day (the last day cut at the
    horizon) and the number present when it ended. Summed over a window of days they give L, lambda and W
    (Little's law); warm-up days are flagged."""
    lengths = [min(DAY, rec.horizon - day * DAY) for day in range(rec.days)]
    frames = []
    for name, _what in STATIONS:
        flow = rec.flows[name]
        frames.append(pd.DataFrame({
            "station": name, "day": range(rec.days), "arrivals": flow.arrivals, "departures": flow.departures,
            "stay_min": flow.stay, "mean_number": [area / length for area, length in zip(flow.day_area, lengths)],
            "present_at_end": flow.at_end,
        }))
    frame = pd.concat(frames, ignore_index=True)
    frame["warmup"] = frame["day"] * DAY < rec.warmup
    return frame


@dataclass(frozen=True)
class Table:
    """A per-replication table: its file name (``<name>.csv``), how it is built, its columns and what a row is."""

    name: str
    build: Callable[[Recorder, Model], pd.DataFrame]
    columns: tuple[str, ...]
    row: str


TABLES = (
    Table("timeseries", timeseries_table, (
        "day", "date", "arrivals", "tickets", "closed", "backlog", "evaluated", "responded_in_time",
        "reported_solved", "satisfied", "response_rate", "resolution_rate", "satisfaction_rate", "hotline_answered",
        "hotline_mean_wait_min", "warmup"), "a simulated day"),
    Table("streets", streets_table, (
        "street", "street_name", "month", "requests", "tickets", "closed", "evaluated", "response_rate",
        "resolution_rate", "satisfaction_rate", "score", "rank", "named"), "a street in a calendar month"),
    Table("topics", topics_table, ("month", "chosen_min", "category", "effective_min"), "a monthly topic chosen"),
    Table("distributions", distributions_table, ("measure", "low_min", "high_min", "count"),
          "a bin of a measured duration's histogram"),
    Table("departments", departments_table, ("force", "on_call", "reports", "on_time"), "a force (department)"),
    Table("grids", grids_table, ("street", "community", "grid", "households", "requests", "first_time",
                                 "proactive"), "a grid"),
    Table("queues", queues_table, ("station", "day", "arrivals", "departures", "stay_min", "mean_number",
                                   "present_at_end", "warmup"), "a station on a simulated day"),
)


def build_tables(rec: Recorder, model: Model) -> dict[str, pd.DataFrame]:
    """Every table of ``TABLES`` for one finished replication, by name."""
    return {table.name: table.build(rec, model) for table in TABLES}
