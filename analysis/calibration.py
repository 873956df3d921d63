"""Calibration of the Beijing scenario against published figures, and ``docs/calibration.md``.

``python -m analysis.calibration`` runs each calibrated variant of
``scenarios/beijing.yaml`` on a sample of the city (one district: a sixteenth
of the households, with the hotline and city departments scaled alike),
with a month of warm-up before the month the published figure refers to,
and writes the published and simulated figures side by side.
``--workers N`` runs the replications in N processes. ``--fit`` first
refits the solve probabilities (to the resolution rate) and the
satisfaction intercept (to the satisfaction rate) by fixed-point iteration,
and prints the values to put in the scenario file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim import Scenario, load_variants
from sim.experiment import Experiment, LocalEngine
from sim.experiment.stats import mean_ci
from sim.scenario.durations import DAY
from sim.scenario.schema import LEVELS

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "beijing.yaml"
DOC = ROOT / "docs" / "calibration.md"
SHARE = 16  # the sample is one district of sixteen
REPLICATIONS = 5


@dataclass(frozen=True)
class Target:
    """A published figure and the month it describes."""

    variant: str
    metric: str
    value: float
    month: dt.date
    source: str


TARGETS = (
    Target("reform-2019", "resolution_rate", 0.531, dt.date(2019, 1, 1), "Beijing 12345, January 2019 (issue 3)"),
    Target("reform-2019", "satisfaction_rate", 0.646, dt.date(2019, 1, 1), "Beijing 12345, January 2019 (issue 3)"),
    Target("reform-2019", "response_rate", 0.98, dt.date(2019, 1, 1), "about 98-99.7% (issue 3); lower end"),
    Target("mature-2024", "resolution_rate", 0.970, dt.date(2024, 12, 1), "Beijing 12345, end of 2024 (issue 3)"),
    Target("mature-2024", "satisfaction_rate", 0.973, dt.date(2024, 12, 1), "Beijing 12345, end of 2024 (issue 3)"),
    Target("mature-2024", "response_rate", 0.997, dt.date(2024, 12, 1), "about 98-99.7% (issue 3); upper end"),
    Target("reform-2019", "requests_per_day", 6.96e6 / 365, dt.date(2019, 1, 1), "6.96 million in 2019 (issue 3)"),
    Target("mature-2024", "requests_per_day", 65000, dt.date(2024, 12, 1), "about 65,000 a day in 2024 (issue 3)"),
    Target("mature-2024", "handling_share", 0.415, dt.date(2024, 12, 1),
           "41.5% handling requests, 58.5% consultations (issue 3)"),
)
RATES = ("response_rate", "resolution_rate", "satisfaction_rate", "handling_share")
FITTED = {"resolution_rate": "levels.*.solve_prob", "satisfaction_rate": "evaluation.intercept"}


def sample(scenario: Scenario, month: dt.date) -> Scenario:
    """One district of the city, starting a month before ``month``, running to its end."""
    data = scenario.model_dump(mode="json", exclude={"variants"})
    org, hotline = data["organisation"], data["hotline"]
    org.update(districts=1, streets_per_district=org["streets_per_district"][0]
               if isinstance(org["streets_per_district"], list) else org["streets_per_district"],
               total_households=org["total_households"] // SHARE,
               city_department_staff=max(1, org["city_department_staff"] // SHARE))
    hotline.update(agents=max(1, hotline["agents"] // SHARE), lines=max(1, hotline["lines"] // SHARE))
    start = (month - dt.timedelta(days=1)).replace(day=1)
    end = (month + dt.timedelta(days=32)).replace(day=1)
    data.update(start_date=start.isoformat(), horizon=(end - start).days * DAY)
    return Scenario.model_validate(data)


def month_figures(result, month: dt.date) -> dict[str, float]:
    """The three rates over the evaluations of one calendar month, and the whole city's daily volume."""
    series = result.timeseries
    days = series[series["date"].dt.to_period("M") == pd.Period(month, "M")]
    evaluated = days["evaluated"].sum()
    m = result.metrics
    return {"response_rate": days["responded_in_time"].sum() / evaluated,
            "resolution_rate": days["reported_solved"].sum() / evaluated,
            "satisfaction_rate": days["satisfied"].sum() / evaluated,
            "requests_per_day": days["arrivals"].mean() * SHARE,
            "handling_share": m["handling_requests"] / m["requests"]}


def simulate_month(scenario: Scenario, month: dt.date, replications: int, workers: int = 1) -> dict[str, list[float]]:
    """Each replication's figures for ``month`` on the sample, run on ``workers`` processes."""
    reps = Experiment({"sample": sample(scenario, month)}, LocalEngine(workers)).run(replications).runs["sample"]
    runs = [month_figures(rep, month) for rep in reps]
    return {name: [run[name] for run in runs] for name in runs[0]}


def calibrate(workers: int = 1, refit: bool = False) -> list[tuple[Target, list[float]]]:
    """Every target with the simulated replications of its figure (after refitting first, if asked)."""
    variants = load_variants(SCENARIO)
    rows = []
    for name in dict.fromkeys(t.variant for t in TARGETS):
        targets = [t for t in TARGETS if t.variant == name]
        scenario = variants[name]
        if refit:
            scenario = fit(scenario, [t for t in targets if t.metric in FITTED], workers)
        simulated = simulate_month(scenario, targets[0].month, REPLICATIONS, workers)
        rows += [(t, simulated[t.metric]) for t in targets]
    return rows


def fit(scenario: Scenario, targets: list[Target], workers: int = 1, rounds: int = 4) -> Scenario:
    """Scale the solve probabilities and shift the satisfaction intercept until both rates land."""
    want = {t.metric: t.value for t in targets}
    month = targets[0].month
    for _ in range(rounds):
        got = {name: sum(v) / len(v) for name, v in simulate_month(scenario, month, 1, workers).items()}
        data = scenario.model_dump(mode="json")
        odds = logit(want["resolution_rate"]) - logit(got["resolution_rate"])
        for level in LEVELS:
            p = data["levels"][level]["solve_prob"]
            data["levels"][level]["solve_prob"] = round(1 / (1 + math.exp(-(logit(p) + odds))), 3)
        shift = logit(want["satisfaction_rate"]) - logit(got["satisfaction_rate"])
        data["evaluation"]["intercept"] = round(data["evaluation"]["intercept"] + shift, 2)
        scenario = Scenario.model_validate(data)
        print(f"  resolution {got['resolution_rate']:.3f}, satisfaction {got['satisfaction_rate']:.3f} -> "
              f"solve {[float(data['levels'][lv]['solve_prob']) for lv in LEVELS]}, "
              f"intercept {data['evaluation']['intercept']}", file=sys.stderr)
    return scenario


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def render(rows: list[tuple[Target, list[float]]]) -> str:
    """docs/calibration.md: what was fitted, how, and how close each figure lands."""
    lines = [
        "# Calibration of `scenarios/beijing.yaml`",
        "",
        "Generated by `python -m analysis.calibration`, and again by `python -m analysis.validation` (gridgov's own",
        "runs; do not edit by hand).",
        "",
        "Each era variant runs on a sample of the city: one district (a sixteenth of the households, with the",
        "hotline agents, lines and city departments divided by sixteen), from the first day of the month before",
        "the published month (a month of warm-up, so that the backlog and evaluations are in a steady state) to",
        f"the end of the published month, {REPLICATIONS} replications. The simulated rates are those of the",
        "evaluations made in the published month, with a 95% Student-t interval over replications.",
        "",
        "## What was fitted, and how",
        "",
        "- `levels.A-D.solve_prob` (one common shift of their log-odds) to the published **resolution rate**;",
        "- `evaluation.intercept` (a shift of the logistic satisfaction model) to the published",
        "  **satisfaction rate**, with `evaluation.solved` set so that satisfaction rises with solution as",
        "  strongly as the published gap between the two rates requires.",
        "",
        "`python -m analysis.calibration --fit` repeats the fit by fixed-point iteration (shift the log-odds of",
        "the solve probabilities and the intercept each by the difference of the logits of target and simulation)",
        "and prints the values, which are then written into the scenario file by hand. The **response rate** is",
        "not fitted: it follows from the mechanisms (street centres contact the resident on receipt; misdispatch,",
        "objections and utility forwarding delay it) and is a check of the model.",
        "",
        "| variant | figure | published | simulated (95% CI) | gap (points) | within 3 points | source |",
        "|---|---|---|---|---|---|---|",
    ]
    for target, ci in ((target, mean_ci(values)) for target, values in rows if target.metric in RATES):
        gap = 100 * (ci["mean"] - target.value)
        lines.append(
            f"| {target.variant} | {target.metric} ({target.month:%B %Y}) | {target.value:.1%} | "
            f"{ci['mean']:.1%} ({ci['ci_low']:.1%} to {ci['ci_high']:.1%}) | {gap:+.1f} | "
            f"{'yes' if abs(gap) <= 3 else 'no'} | {target.source} |")
    lines += [
        "",
        "## Volume",
        "",
        "Arrivals per day in the published month, scaled from the one-district sample to the whole city.",
        "",
        "| variant | figure | published | simulated (95% CI) | gap | source |",
        "|---|---|---|---|---|---|",
    ]
    for target, ci in ((target, mean_ci(values)) for target, values in rows if target.metric not in RATES):
        gap = ci["mean"] / target.value - 1
        lines.append(
            f"| {target.variant} | requests a day ({target.month:%B %Y}) | {target.value:,.0f} | "
            f"{ci['mean']:,.0f} ({ci['ci_low']:,.0f} to {ci['ci_high']:,.0f}) | {gap:+.1%} | {target.source} |")
    lines += [
        "",
        "## Other published figures used as inputs",
        "",
        "The volumes and the handling share above follow from the per-household rates set in the scenario",
        "(`demand.problems_per_household_per_year`, `consultation.per_household_per_year`), chosen from the",
        "published totals; repeats and patrol finds add to the handling requests. Phone about 90% and online",
        "about 10%, the 750 seats and the 30-minute report limit are inputs, commented with their sources in",
        "`scenarios/beijing.yaml`. The response rate is reported against both ends of the published 98-99.7%",
        "range: the 2019 network, with less accurate dispatch and street-first handling of utility tickets,",
        "answers later than the 2024 one.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true", help="refit before checking, and print the fitted values")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (the numbers do not depend on it)")
    args = parser.parse_args(argv)
    DOC.write_text(render(calibrate(args.workers, args.fit)), encoding="utf-8")
    print(f"wrote {DOC}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
