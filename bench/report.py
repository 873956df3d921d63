"""docs/performance.md from the benchmark's results, judged against issue 7's targets.

``python bench/report.py [docs/performance.json]`` rewrites the page from the JSON, without rerunning.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

IMPLEMENTATIONS = {
    "full_model": "gridgov, full model (Wuchang: every mechanism, all observation)",
    "gridgov_flow": "gridgov on the flow",
    "bare_simpy": "plain SimPy on the flow (`bench/bare_simpy.py`)",
    "ciw": "Ciw on the flow (`bench/ciw_flow.py`)",
}


def targets(r: dict) -> list[dict]:
    """Issue 7's targets, each with its goal, what was measured and whether it is met."""
    e, b, m = r["engine"]["ratios"], r["beijing"], r["memory"]
    year = b.get("year", {})
    beijing_s = year.get("wall_s", b["year_projected_s"])
    beijing_mb = year.get("peak_mb", b["runs"][-1]["peak_mb"])
    rows = [
        ("full model within 1.5x of the plain-SimPy flow, per request", "at most 1.5x",
         e["full_model_over_bare_simpy"], "x", e["full_model_over_bare_simpy"] <= 1.5),
        ("at least 3x faster than Ciw on the same flow, per request (full model against Ciw's flow)",
         "at least 3x", e["ciw_over_full_model"], "x", e["ciw_over_full_model"] >= 3.0),
        ("Wuchang district-year on one core", "under 60 s", r["wuchang_year"]["wall_s"], "s",
         r["wuchang_year"]["wall_s"] < 60.0),
        (f"Beijing city-year on one core ({'measured' if year else 'projected from 4 weeks'})", "under 15 min",
         beijing_s / 60, "min", beijing_s < 900.0),
        (f"Beijing peak memory without records ({'the year' if year else 'at 4 weeks'})", "under 2,048 MB",
         beijing_mb, "MB", beijing_mb < 2048.0),
        ("peak memory at 10x the horizon, no records", "at most 1.2x of 1x", m["no_records_10x_over_1x"], "x",
         m["no_records_10x_over_1x"] <= 1.2),
        ("peak memory at 10x the horizon, records streamed to Parquet", "at most 1.2x of 1x",
         m["records_10x_over_1x"], "x", m["records_10x_over_1x"] <= 1.2),
        ("2 workers against 1 on a comparison, end to end", "at least 1.8x faster", r["workers"]["speedup"], "x",
         r["workers"]["speedup"] >= 1.8),
    ]
    return [{"target": target, "goal": goal, "measured": measured, "unit": unit, "met": met}
            for target, goal, measured, unit, met in rows]


def table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def number(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def measured(target: dict) -> str:
    """A target's measured value with its unit (1.90x, 34.3 s)."""
    unit = target["unit"]
    return f"{number(target['measured'], 2)}{'' if unit == 'x' else ' '}{unit}"


def document(r: dict) -> str:
    """The whole page."""
    m = r["machine"]
    parts = [
        "# Performance",
        f"Written by `python bench/run.py`{' --quick (tiny horizons: not representative)' if r['quick'] else ''} "
        f"on {m['date']}: {m['cpu']}, {m['cpus']} cores, Python {m['python']}, gridgov {m['gridgov']}, "
        f"SimPy {m['simpy']}, Ciw {m['ciw']}, NumPy {m['numpy']}. The benchmark took "
        f"{r['benchmark_s'] / 60:.1f} minutes. Every figure is in `performance.json` beside this file.",
        "## Targets",
        table(["target", "goal", "measured", "met"],
              [[t["target"], t["goal"], measured(t), "yes" if t["met"] else "**no**"] for t in r["targets"]]),
        engine(r["engine"]),
        wuchang(r["wuchang_year"]),
        beijing(r["beijing"]),
        memory(r["memory"]),
        workers(r["workers"]),
        HOW,
    ]
    return "\n\n".join(parts) + "\n"


def engine(e: dict) -> str:
    rows = []
    for name, label in IMPLEMENTATIONS.items():
        item = e[name]
        rows.append([label, number(item["us_per_request"]), number(item["us_per_event"], 2) if "us_per_event" in item
                     else "", number(item["events_per_request"], 2) if "events_per_request" in item else ""])
    ratios = e["ratios"]
    f = e["flow"]
    sanity = []
    for name in ("gridgov_flow", "bare_simpy", "ciw"):
        days = e["ciw_days"] if name == "ciw" else e["days"]
        counts = e[name]["runs"][0]["counts"]
        sanity.append([IMPLEMENTATIONS[name], number(counts["calls"] / days, 0),
                       number(100 * counts["abandoned"] / counts["calls"], 2), number(counts["tickets"] / days, 0)])
    return "\n\n".join([
        "## Cost per request",
        f"Medians of {e['rounds']} rounds run one after the other in one process (a ratio is the median of the "
        f"rounds' ratios); gridgov and plain SimPy "
        f"simulate {e['days']} days, Ciw {e['ciw_days']}. The full model counts its own requests (every "
        "problem and question, found or raised, online ones included); the flow's cost is per request "
        "entering it (its expected arrivals, the same for all three).",
        table(["implementation", "µs per request", "µs per SimPy event", "SimPy events per request"], rows),
        table(["ratio", "value"], [
            ["full model / plain SimPy flow (per request)", number(ratios["full_model_over_bare_simpy"], 2)],
            ["gridgov flow / plain SimPy flow", number(ratios["gridgov_flow_over_bare_simpy"], 2)],
            ["Ciw flow / full model", number(ratios["ciw_over_full_model"], 2)],
            ["Ciw flow / gridgov flow", number(ratios["ciw_over_gridgov_flow"], 2)],
        ]),
        f"The flow has Wuchang's numbers: {f['problems_per_min'] * 1440:,.0f} problems and "
        f"{f['consultations_per_min'] * 1440:,.0f} questions a day ({f['problem_phone_share']:.0%} and "
        f"{f['consultation_phone_share']:.0%} by phone), {f['agents']} agents, {f['streets']} streets of "
        f"{f['centre_staff']} dispatchers and {f['grid_workers']} grid workers, {f['district_share']:.1%} of "
        f"problems to the district's {f['coordinators']} coordinators. The three simulate the same thing "
        "(first round; each its own random numbers):",
        table(["implementation", "calls a day", "abandoned %", "tickets a day"], sanity),
    ])


def wuchang(w: dict) -> str:
    return "\n\n".join([
        "## Wuchang district-year",
        table(["days", "wall s", "requests", "µs per request", "SimPy events", "peak memory MB"],
              [[number(w["days"], 0), number(w["wall_s"]), f"{w['requests']:,}",
                number(w["wall_s"] / w["requests"] * 1e6), f"{w['events']:,}", number(w["peak_mb"], 0)]]),
    ])


def beijing(b: dict) -> str:
    rows = [[w["weeks"], number(w["days"], 1), number(w["wall_s"]), f"{w['requests']:,}",
             number(w["wall_s"] / w["requests"] * 1e6), number(w["peak_mb"], 0)] for w in b["runs"]]
    weeks = [w["weeks"] for w in b["runs"]]
    spans = [f"weeks 0-{weeks[0]:g}", f"{weeks[0]:g}-{weeks[1]:g}", f"{weeks[1]:g}-{weeks[2]:g}"]
    parts = [
        "## Beijing city-year",
        f"scenarios/beijing.yaml at the 2024 volume ({b['requests_per_day']:,.0f} requests a day), starting empty.",
        table(["weeks", "days", "wall s", "requests", "µs per request", "peak memory MB"], rows),
        "Seconds per simulated week: " + ", ".join(f"{span}: {number(s)}" for span, s in
                                                  zip(spans, b["seconds_per_week"]))
        + f". The year, projected at the latest weekly rate: **{b['year_projected_s'] / 60:.1f} minutes**.",
    ]
    if "year" in b:
        y = b["year"]
        parts.append(f"The whole year, measured: **{y['wall_s'] / 60:.1f} minutes**, {y['requests']:,} requests, "
                     f"{y['wall_s'] / y['requests'] * 1e6:.1f} µs per request, peak memory {y['peak_mb']:,.0f} MB.")
    return "\n\n".join(parts)


def memory(m: dict) -> str:
    rows = [[a["multiple"], number(a["days"], 0), number(a["wall_s"]), number(a["peak_mb"], 0),
             number(b["peak_mb"], 0), number(b["records_mb"], 1)] for a, b in zip(m["no_records"], m["records"])]
    return "\n\n".join([
        "## Memory against the horizon",
        "Wuchang, peak resident memory of the whole process (Python, NumPy and pandas included).",
        table(["horizon", "days", "wall s", "peak MB, no records", "peak MB, records to Parquet",
               "records file MB"], rows),
        f"10x the horizon over 1x: {m['no_records_10x_over_1x']:.2f} without records, "
        f"{m['records_10x_over_1x']:.2f} with them.",
    ])


def workers(w: dict) -> str:
    horizon = f" with {', '.join(w['sets'])}" if w["sets"] else " (its half-year, 40-day warm-up)"
    return "\n\n".join([
        "## Worker processes",
        f"`compare` of scenarios/wuchang.yaml{horizon} and its variant {w['variant']}, {w['replications']} "
        "replications each, timed from the command line: replications, tables, figures and report.",
        table(["workers", "wall s", "of which replications (provenance.json)"],
              [[n, number(w[f"wall_s_{n}"]), number(w[f"replications_wall_s_{n}"])] for n in (1, 2)]),
        f"Speed-up: **{w['speedup']:.2f}x** end to end, "
        f"{w['replications_wall_s_1'] / w['replications_wall_s_2']:.2f}x for the replications alone (the tables, "
        "figures and report are drawn by one process after them).",
    ])


HOW = """## How gridgov keeps close to SimPy

- **No cyclic garbage collection during a run.** A run makes no reference cycles (a test checks it), so
  reference counting frees every finished request; Python's collector found nothing, yet rescanned the whole
  live model more and more often as a big city filled up.
- **Random numbers** come from NumPy in blocks and are handed out by a C-level `next`, not a Python method.
- **An event queue split into hours** (`sim/model/environment.py`): SimPy's single heap holds only the current
  hour's events; later ones wait in per-hour lists. Same order of events, so the same results bit for bit.
- **Pools without events**: taking a free handler costs no SimPy event (`sim/model/pool.py`); problems' patrol,
  home-visit and volunteer discoveries are computed when they appear, not simulated.
- **Observation is counts, not logs**: the recorder keeps running sums and histograms, so memory does not grow
  with the horizon; per-request records are streamed to Parquet in chunks.

Profile a run with `py-spy record -o profile.svg -- python run.py run scenarios/wuchang.yaml`."""


def main(argv: list[str]) -> int:
    source = Path(argv[0]) if argv else Path(__file__).resolve().parent.parent / "docs" / "performance.json"
    results = json.loads(source.read_text(encoding="utf-8"))
    results["targets"] = targets(results)
    source.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    source.with_suffix(".md").write_text(document(results), encoding="utf-8")
    print(f"wrote {source.with_suffix('.md')}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
