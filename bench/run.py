"""gridgov's benchmark: ``python bench/run.py`` writes docs/performance.json and docs/performance.md.

What it measures, and how:

- **engine**: the full model on scenarios/wuchang.yaml, the hotline +
  dispatch + street flow of ``flow.py`` with Wuchang's numbers in plain SimPy
  (``bare_simpy.py``), in gridgov and in Ciw (``ciw_flow.py``), one after the
  other in this process, ``--rounds`` times over, so that their ratios hold
  on a noisy machine (each ratio is the median of the rounds' ratios, each
  cost the median of the rounds' costs). Cost per request: wall time over
  the requests (the flow's: its expected arrivals, the same for all three).
- **Wuchang district-year**, **Beijing city-year** (1, 2 and 4 weeks, and
  the year projected from the cost of the last two; ``--beijing-year`` runs
  the whole year too) and **memory** at 1, 4 and 10 times a horizon, without
  and with per-request records streamed to Parquet: each a replication in a
  fresh process (``measure.py``), whose peak resident memory is its own.
- **workers**: ``compare`` of Wuchang's base and a variant, 2 replications
  each (4 in all, of the scenario's half-year), on 1 and on 2 worker
  processes, timed from the command line, report included.

``--quick`` shrinks every horizon, for the tests; it writes to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import bare_simpy
import ciw_flow
import flow as flows
from report import document, targets

ROOT = Path(__file__).resolve().parent.parent
WUCHANG, BEIJING = ROOT / "scenarios" / "wuchang.yaml", ROOT / "scenarios" / "beijing.yaml"
WEEKS_PER_YEAR = 365 / 7

FULL = {"engine_days": 30, "ciw_days": 5, "year_days": 365, "beijing_weeks": (1, 2, 4), "memory_days": 30,
        "workers_sets": [], "workers_reps": 2}
QUICK = {"engine_days": 2, "ciw_days": 0.5, "year_days": 10, "beijing_weeks": (0.05, 0.1, 0.2), "memory_days": 2,
         "workers_sets": ["horizon=3d", "warmup=1d"], "workers_reps": 1}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def timed(run, *args) -> tuple[float, object]:
    started = time.perf_counter()
    out = run(*args)
    return time.perf_counter() - started, out


# --- engine: cost per request, in this process ------------------------------------------------------------
def engine(size: dict, rounds: int) -> dict:
    """Full model, gridgov on the flow, bare SimPy on the flow, Ciw on the flow: per-request and per-event
    cost, medians of ``rounds`` interleaved rounds."""
    from sim import load_scenario, simulate

    days, ciw_days = size["engine_days"], size["ciw_days"]
    wuchang = load_scenario(WUCHANG, [f"horizon={days}d", "warmup=0"])
    flow = flows.from_scenario(wuchang)
    flow_scenario = flows.gridgov_scenario(flow, days)
    expected = lambda d: flow.entering_per_min * d * 1440.0  # noqa: E731  the flow's requests
    runs = {name: [] for name in ("full_model", "gridgov_flow", "bare_simpy", "ciw")}
    for round_ in range(rounds):
        log(f"engine round {round_ + 1}/{rounds}")
        wall, result = timed(simulate, wuchang)
        runs["full_model"].append({"wall_s": wall, "requests": result.metrics["requests"], "events": result.events})
        wall, result = timed(simulate, flow_scenario)
        m = result.metrics
        runs["gridgov_flow"].append({"wall_s": wall, "requests": expected(days), "events": result.events,
                                     "counts": {"calls": m["hotline_calls"], "abandoned": round(
                                         m["hotline_calls"] * m["hotline_abandon_rate"]), "tickets": m["tickets"]}})
        wall, counts = timed(bare_simpy.simulate, flow, days, round_ + 1)
        runs["bare_simpy"].append({"wall_s": wall, "requests": expected(days), "events": counts["events"],
                                   "counts": counts})
        wall, counts = timed(ciw_flow.simulate, flow, ciw_days, round_ + 1)
        runs["ciw"].append({"wall_s": wall, "requests": expected(ciw_days), "counts": counts})
    out = {"flow": flow.describe(), "days": days, "ciw_days": ciw_days, "rounds": rounds}
    cost = {name: [r["wall_s"] / r["requests"] for r in items] for name, items in runs.items()}  # s per request
    for name, items in runs.items():
        out[name] = {"us_per_request": statistics.median(cost[name]) * 1e6, "runs": items}
        if "events" in items[0]:
            out[name]["us_per_event"] = statistics.median(r["wall_s"] / r["events"] * 1e6 for r in items)
            out[name]["events_per_request"] = statistics.median(r["events"] / r["requests"] for r in items)
    ratio = lambda a, b: statistics.median(x / y for x, y in zip(cost[a], cost[b]))  # noqa: E731  round by round
    out["ratios"] = {
        "full_model_over_bare_simpy": ratio("full_model", "bare_simpy"),
        "gridgov_flow_over_bare_simpy": ratio("gridgov_flow", "bare_simpy"),
        "ciw_over_full_model": ratio("ciw", "full_model"),
        "ciw_over_gridgov_flow": ratio("ciw", "gridgov_flow"),
    }
    return out


# --- fresh-process replications ----------------------------------------------------------------------------
def replication(scenario: Path, sets: list[str], records: Path | None = None) -> dict:
    """One replication in a fresh process (``measure.py``): wall, requests, events, peak memory."""
    command = [sys.executable, str(Path(__file__).with_name("measure.py")), str(scenario)]
    command += [arg for value in sets for arg in ("--set", value)]
    if records is not None:
        command += ["--records", str(records)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def wuchang_year(size: dict) -> dict:
    days = size["year_days"]
    log(f"Wuchang, {days} days")
    warmup = "warmup=40d" if days > 40 else "warmup=0"
    return {"days": days, **replication(WUCHANG, [f"horizon={days}d", warmup])}


def beijing(size: dict, whole_year: bool) -> dict:
    """Beijing for 1, 2 and 4 weeks, and the year projected from the cost of weeks 3 and 4 (the city starts
    empty, so early weeks are cheaper; the projection takes the latest weekly cost as the rate)."""
    runs = []
    for weeks in size["beijing_weeks"]:
        log(f"Beijing, {weeks} weeks")
        runs.append({"weeks": weeks, **replication(BEIJING, [f"horizon={weeks * 7}d", "warmup=0"])})
    (w1, t1), (w2, t2), (w4, t4) = ((r["weeks"], r["wall_s"]) for r in runs)
    per_week = [t1 / w1, (t2 - t1) / (w2 - w1), (t4 - t2) / (w4 - w2)]
    out = {"runs": runs, "seconds_per_week": per_week,
           "year_projected_s": t4 + per_week[-1] * (WEEKS_PER_YEAR - w4),
           "requests_per_day": runs[-1]["requests"] / runs[-1]["days"]}
    if whole_year:
        log("Beijing, a whole year (this takes a while)")
        out["year"] = replication(BEIJING, ["horizon=365d", "warmup=0"])
    return out


def memory(size: dict) -> dict:
    """Peak memory of Wuchang at 1, 4 and 10 times a horizon, without records and with them streamed."""
    out = {"no_records": [], "records": []}
    with tempfile.TemporaryDirectory() as scratch:
        for multiple in (1, 4, 10):
            days = size["memory_days"] * multiple
            for kind in out:
                log(f"memory: Wuchang {days} days, {kind.replace('_', ' ')}")
                records = Path(scratch) / f"issues-{days}.parquet" if kind == "records" else None
                run = replication(WUCHANG, [f"horizon={days}d", "warmup=0"], records)
                if records is not None:
                    run["records_mb"] = records.stat().st_size / 2**20
                out[kind].append({"multiple": multiple, **run})
    for kind in ("no_records", "records"):
        out[f"{kind}_10x_over_1x"] = out[kind][-1]["peak_mb"] / out[kind][0]["peak_mb"]
    return out


def workers(size: dict) -> dict:
    """``compare`` of the base and one variant, 2 replications each (Wuchang's half-year), on 1 and 2 workers."""
    sets = [arg for value in size["workers_sets"] for arg in ("--set", value)]
    out = {"replications": size["workers_reps"], "variant": "grid-300", "sets": size["workers_sets"]}
    with tempfile.TemporaryDirectory() as scratch:
        for count in (1, 2):
            log(f"compare on {count} worker{'s' * (count > 1)}")
            command = [sys.executable, str(ROOT / "run.py"), "compare", str(WUCHANG), "--variant", "grid-300",
                       "--replications", str(size["workers_reps"]), *sets, "--workers", str(count),
                       "--out", f"{scratch}/w{count}", "--quiet"]
            wall, _ = timed(lambda: subprocess.run(command, check=True, capture_output=True))
            out[f"wall_s_{count}"] = wall
            provenance = json.loads(Path(f"{scratch}/w{count}/provenance.json").read_text())
            out[f"replications_wall_s_{count}"] = provenance["wall_seconds"]
    out["speedup"] = out["wall_s_1"] / out["wall_s_2"]
    return out


# --- the whole benchmark -----------------------------------------------------------------------------------
def machine() -> dict:
    import ciw
    import numpy
    import simpy

    import sim

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    return {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "cpu": cpu, "cpus": os.cpu_count(),
            "python": platform.python_version(), "platform": platform.platform(), "gridgov": sim.__version__,
            "simpy": simpy.__version__, "ciw": ciw.__version__, "numpy": numpy.__version__}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="gridgov's benchmark (about 10 minutes on 2 cores, 45 with "
                                                 "--beijing-year; --quick: a minute, for the tests)")
    parser.add_argument("--quick", action="store_true", help="tiny horizons, to check the benchmark runs")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds of the engine comparison")
    parser.add_argument("--beijing-year", action="store_true", help="also run Beijing for a whole year")
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="where performance.json/.md go")
    args = parser.parse_args(argv)
    size = QUICK if args.quick else FULL
    started = time.perf_counter()
    results = {"machine": machine(), "quick": args.quick, "engine": engine(size, args.rounds),
               "wuchang_year": wuchang_year(size), "beijing": beijing(size, args.beijing_year),
               "memory": memory(size), "workers": workers(size)}
    results["targets"] = targets(results)
    results["benchmark_s"] = time.perf_counter() - started
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "performance.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (args.out / "performance.md").write_text(document(results), encoding="utf-8")
    log(f"wrote {args.out / 'performance.md'} and performance.json in {results['benchmark_s']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
