"""What one replication returns: metrics and tidy tables.

``simulate`` is the Python API of CONTRACT.md. Tables are pandas DataFrames
in long, tidy form (one row per day, per street and month, per request),
ready for pandas and for ``analysis``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable, Optional

import pandas as pd

from . import metrics
from .governance import street_scores
from .model import Model
from .ranking import rank
from .organisation import City
from .calendar import DAY
from .flows import STATIONS
from .recorder import DURATIONS, RECORD_COLUMNS, Recorder
from .schema import Scenario


@dataclass
class Result:
    """One replication of one scenario."""

    scenario: Scenario
    replication: int
    metrics: dict[str, float]
    timeseries: pd.DataFrame
    streets: pd.DataFrame
    topics: pd.DataFrame
    distributions: pd.DataFrame
    departments: pd.DataFrame
    grids: pd.DataFrame
    queues: pd.DataFrame
    issues: Optional[pd.DataFrame] = None
    trace: list[tuple] = field(default_factory=list)
    events: int = 0


def simulate(scenario: Scenario, seed: Optional[int] = None, replication: int = 0, records: bool = False,
             sink: Optional[Callable[[list[tuple]], None]] = None, trace: bool = False,
             progress: Optional[Callable[[int], None]] = None) -> Result:
    """Run one replication of ``scenario``.

    ``seed`` overrides the scenario's seed; ``replication`` picks the branch of
    the seed tree (replication r of every variant sees the same problems).
    ``records=True`` keeps one row per request in ``Result.issues``; a ``sink``
    instead receives the rows in chunks (for streaming to disk). ``trace``
    keeps every step of every request's life in ``Result.trace`` as ``(minute, request id, event,
    values)`` (``analysis.narrate`` tells them in words). ``progress``
    is told of each simulated day completed (for progress bars).
    """
    if seed is not None:
        scenario = scenario.model_copy(update={"seed": seed})
    rows: list[tuple] = []
    if records and sink is None:
        sink = rows.extend
    model = Model(scenario, replication, sink, trace)
    rec = model.run(progress)
    issues = pd.DataFrame.from_records(rows, columns=list(RECORD_COLUMNS)) if records else None
    return Result(scenario, replication, metrics.compute(rec), timeseries_table(rec, scenario.start_date),
                  streets_table(rec, scenario.ranking, [s.name for s in model.city.streets]), topics_table(rec),
                  distributions_table(rec), departments_table(rec, model.forces), grids_table(rec, model.city),
                  queues_table(rec), issues, rec.events or [], scheduled_events(model.env))


def scheduled_events(env) -> int:
    """How many SimPy events the run scheduled (read from SimPy's event counter)."""
    return next(env._eid)


def timeseries_table(rec: Recorder, start: dt.date) -> pd.DataFrame:
    """One row per simulated day, warm-up included (flagged): arrivals, tickets, closures, backlog, the three
    rates, hotline wait."""
    d = rec.day
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
    frame["warmup"] = frame["day"] * 1440.0 < rec.warmup  # days that began inside the warm-up
    return frame


def streets_table(rec: Recorder, ranking, names: list[str]) -> pd.DataFrame:
    """One row per street and month: volumes, the three rates, score, rank (1 = best) and whether named.

    Scores and ranks are those the monthly meeting used (``sim.ranking``);
    ``named`` marks the bottom streets named at the month's end when ranking
    pressure is on.
    """
    sm, months = rec.street_month, rec.months
    frame = pd.DataFrame({
        "street": [s for s in range(rec.streets) for _ in range(months)],
        "month": [m for _ in range(rec.streets) for m in range(months)],
        **{key: sm[key] for key in ("requests", "tickets", "closed", "evaluated")},
    })
    frame.insert(1, "street_name", [names[s] for s in frame["street"]])
    evaluated = frame["evaluated"].where(frame["evaluated"] > 0)
    frame["response_rate"] = pd.Series(sm["responded"]) / evaluated
    frame["resolution_rate"] = pd.Series(sm["solved"]) / evaluated
    frame["satisfaction_rate"] = pd.Series(sm["satisfied"]) / evaluated
    scores = [street_scores(rec, m, ranking.weights) for m in range(months)]
    ranks = [rank(month) for month in scores]
    frame["score"] = [scores[m][s] for s, m in zip(frame["street"], frame["month"])]
    frame["rank"] = pd.array([ranks[m][s] for s, m in zip(frame["street"], frame["month"])]).astype("Int64")
    named = {(month, street) for month, streets in rec.named for street in streets}
    frame["named"] = [(m, s) in named for s, m in zip(frame["street"], frame["month"])]
    return frame


def topics_table(rec: Recorder) -> pd.DataFrame:
    """The monthly topics chosen: month, category, when chosen and when the fixes take effect (minutes)."""
    return pd.DataFrame(rec.topics, columns=["month", "chosen_min", "category", "effective_min"])


def distributions_table(rec: Recorder, per_decade: int = 20) -> pd.DataFrame:
    """The measured durations as histograms for ECDFs pooled over replications: per measure (``response``,
    ``resolve``, ``report``) the non-empty bins, ``per_decade`` to a factor of ten (12% wide), their bounds
    in minutes and their counts."""
    rows = [(measure, *bin_) for measure in DURATIONS for bin_ in rec.measured.hists[measure].bins(per_decade)]
    return pd.DataFrame(rows, columns=["measure", "low_min", "high_min", "count"])


def departments_table(rec: Recorder, forces: list[dict[str, tuple]]) -> pd.DataFrame:
    """Whistle reports per force (department): how many, how many on time, and whether it came on call."""
    on_call = {name: called for pools in forces for name, (_pool, called) in pools.items()}
    reports = rec.measured.reports_by_force
    return pd.DataFrame([(name, called, *reports.get(name, (0, 0))) for name, called in on_call.items()],
                        columns=["force", "on_call", "reports", "on_time"])


def grids_table(rec: Recorder, city: City) -> pd.DataFrame:
    """One row per grid: where it is (street, community), its households, and the measured requests,
    first-time problems and those found before any complaint (patrol, home visit, volunteer)."""
    places = [(community.street, community.index, community.first_grid + k, households)
              for community in city.communities for k, households in enumerate(community.grid_households())]
    frame = pd.DataFrame(places, columns=["street", "community", "grid", "households"])
    for key, counts in rec.grid.items():
        frame[key] = counts
    return frame


def queues_table(rec: Recorder) -> pd.DataFrame:
    """One row per queue or handling level (``sim.flows.STATIONS``) and day: the units that arrived that day,
    how many of them had left by the horizon, their total time inside in minutes (up to the horizon for those
    still there) and the time-weighted mean number present during the day (the last day cut at the horizon).
    Summed over a window of days they give L, lambda and W (Little's law); warm-up days are flagged."""
    lengths = [min(DAY, rec.horizon - day * DAY) for day in range(rec.days)]
    frames = []
    for name, _what in STATIONS:
        flow = rec.flows[name]
        frames.append(pd.DataFrame({
            "station": name, "day": range(rec.days), "arrivals": flow.arrivals, "departures": flow.departures,
            "stay_min": flow.stay, "mean_number": [area / length for area, length in zip(flow.day_area, lengths)],
        }))
    frame = pd.concat(frames, ignore_index=True)
    frame["warmup"] = frame["day"] * DAY < rec.warmup
    return frame
