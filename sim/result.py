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
from .model import Model
from .recorder import RECORD_COLUMNS, Recorder
from .schema import Scenario


@dataclass
class Result:
    """One replication of one scenario."""

    scenario: Scenario
    replication: int
    metrics: dict[str, float]
    timeseries: pd.DataFrame
    streets: pd.DataFrame
    issues: Optional[pd.DataFrame] = None
    trace: list[tuple] = field(default_factory=list)
    events: int = 0


def simulate(scenario: Scenario, seed: Optional[int] = None, replication: int = 0, records: bool = False,
             sink: Optional[Callable[[list[tuple]], None]] = None, trace: bool = False) -> Result:
    """Run one replication of ``scenario``.

    ``seed`` overrides the scenario's seed; ``replication`` picks the branch of
    the seed tree (replication r of every variant sees the same problems).
    ``records=True`` keeps one row per request in ``Result.issues``; a ``sink``
    instead receives the rows in chunks (for streaming to disk). ``trace``
    keeps every step of every request's life in ``Result.trace``.
    """
    if seed is not None:
        scenario = scenario.model_copy(update={"seed": seed})
    rows: list[tuple] = []
    if records and sink is None:
        sink = rows.extend
    model = Model(scenario, replication, sink, trace)
    rec = model.run()
    issues = pd.DataFrame.from_records(rows, columns=list(RECORD_COLUMNS)) if records else None
    return Result(scenario, replication, metrics.compute(rec), timeseries_table(rec, scenario.start_date),
                  streets_table(rec, scenario.ranking, [s.name for s in model.city.streets]), issues,
                  rec.events or [], scheduled_events(model.env))


def scheduled_events(env) -> int:
    """How many SimPy events the run scheduled (read from SimPy's event counter)."""
    return next(env._eid)


def timeseries_table(rec: Recorder, start: dt.date) -> pd.DataFrame:
    """One row per simulated day: arrivals, tickets, closures, backlog, the three rates, hotline wait."""
    d = rec.day
    frame = pd.DataFrame({
        "day": range(rec.days),
        "date": [start + dt.timedelta(days=i) for i in range(rec.days)],
        "arrivals": d["arrivals"], "tickets": d["tickets"], "closed": d["closed"], "backlog": d["backlog"],
        "evaluated": d["evaluated"],
    })
    evaluated = frame["evaluated"].where(frame["evaluated"] > 0)
    frame["response_rate"] = pd.Series(d["responded"]) / evaluated
    frame["resolution_rate"] = pd.Series(d["solved"]) / evaluated
    frame["satisfaction_rate"] = pd.Series(d["satisfied"]) / evaluated
    answered = pd.Series(d["answered"])
    frame["hotline_answered"] = answered
    frame["hotline_mean_wait_min"] = pd.Series(d["wait_sum"]) / answered.where(answered > 0)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def streets_table(rec: Recorder, ranking, names: list[str]) -> pd.DataFrame:
    """One row per street and month: volumes, the three rates and the month's rank (1 = best).

    A street's score is the weighted mean of its three rates (weights from
    ``ranking``); streets with no evaluation that month are not ranked. Ties
    are broken by street number, so ranks are reproducible.
    """
    sm = rec.street_month
    frame = pd.DataFrame({
        "street": [s for s in range(rec.streets) for _ in range(rec.months)],
        "month": [m for _ in range(rec.streets) for m in range(rec.months)],
        **{key: sm[key] for key in ("requests", "tickets", "closed", "evaluated")},
    })
    frame.insert(1, "street_name", [names[s] for s in frame["street"]])
    evaluated = frame["evaluated"].where(frame["evaluated"] > 0)
    frame["response_rate"] = pd.Series(sm["responded"]) / evaluated
    frame["resolution_rate"] = pd.Series(sm["solved"]) / evaluated
    frame["satisfaction_rate"] = pd.Series(sm["satisfied"]) / evaluated
    weights = (ranking.response, ranking.resolution, ranking.satisfaction)
    frame["score"] = (weights[0] * frame["response_rate"] + weights[1] * frame["resolution_rate"]
                      + weights[2] * frame["satisfaction_rate"]) / sum(weights)
    ordered = frame.sort_values(["month", "score", "street"], ascending=[True, False, True], na_position="last")
    ordered["rank"] = ordered.groupby("month").cumcount() + 1
    ordered.loc[ordered["score"].isna(), "rank"] = pd.NA
    frame["rank"] = ordered["rank"].astype("Int64")
    return frame
