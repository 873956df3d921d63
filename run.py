"""gridgov's command line: ``python run.py SUBCOMMAND ...`` (also the ``gridgov`` command).

Subcommands: ``run`` simulates a scenario and writes a results folder;
``compare`` runs a base and its variants with common random numbers and
reports paired differences; ``validate`` checks a scenario file and prints
it resolved. Input errors
exit with status 2 and a one-paragraph message, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import sys
import time
import traceback
from pathlib import Path


EXIT_INPUT, EXIT_FAILURE = 2, 1
RESULT_FILES = ("summary.json", "replications.csv", "timeseries.csv", "streets.csv", "topics.csv",
                "scenario.resolved.yaml", "issues.parquet", "provenance.json")


def remove(path: Path) -> None:
    """Delete a file or a folder, if it is there."""
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def whole_number(least: int):
    """argparse type: a whole number of at least ``least``."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
        if value < least:
            raise argparse.ArgumentTypeError(f"must be {least} or more (got {value})")
        return value
    return parse


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="gridgov", description="Simulate grid-based community governance (12345 hotline, street whistle, "
                                    "ABCD escalation) and write tidy results.")
    sub = top.add_subparsers(dest="command", required=True, metavar="SUBCOMMAND")

    def scenario_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("scenario", metavar="SCENARIO", help="scenario YAML file, e.g. scenarios/teaching_street.yaml")
        p.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                       help="override a parameter by its dotted path, e.g. grid.households=300 (repeatable)")
        p.add_argument("--variant", metavar="NAME", help="use one of the file's variants instead of its base")

    run = sub.add_parser("run", help="simulate a scenario and write the results folder")
    scenario_args(run)
    run.add_argument("--replications", "-r", type=whole_number(1), default=1, metavar="R")
    run.add_argument("--seed", type=whole_number(0), metavar="S", help="override the scenario's seed")
    run.add_argument("--out", type=Path, metavar="DIR", help="results folder (default results/<scenario name>)")
    run.add_argument("--records", action="store_true", help="also write issues.parquet, one row per request")
    run.add_argument("--workers", "-w", type=whole_number(1), default=1, metavar="W",
                     help="worker processes for replications (results do not depend on it)")
    run.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    run.set_defaults(handler=cmd_run)

    comp = sub.add_parser("compare", help="run a scenario and its variants (or several scenario files) with "
                                          "common random numbers; write paired differences")
    comp.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                      help="a scenario file (its base and variants), or several files (the first is the base)")
    comp.add_argument("--variant", dest="variants", action="append", default=[], metavar="NAME",
                      help="compare only these variants of a single file (repeatable; default all)")
    comp.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                      help="override a parameter in every variant (repeatable)")
    comp.add_argument("--replications", "-r", type=whole_number(1), default=5, metavar="R")
    comp.add_argument("--seed", type=whole_number(0), metavar="S", help="override the seed of every variant")
    comp.add_argument("--out", type=Path, metavar="DIR", help="results folder (default results/<name>-compare)")
    comp.add_argument("--workers", "-w", type=whole_number(1), default=1, metavar="W")
    comp.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    comp.set_defaults(handler=cmd_compare)

    validate = sub.add_parser("validate", help="check a scenario file and print it resolved; no simulation")
    scenario_args(validate)
    validate.set_defaults(handler=cmd_validate)
    return top


def cmd_validate(args: argparse.Namespace) -> int:
    from sim import __version__, load_variants
    from sim.loader import choose
    from sim.organisation import build_city
    from sim.writer import resolved_yaml

    scenarios = load_variants(args.scenario, args.sets)
    scenario = choose(scenarios, args.variant or "base", args.scenario)
    print(resolved_yaml(scenario, __version__), end="")
    size = build_city(scenario).describe()
    print("# organisation: " + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in size.items()))
    others = [n for n in scenarios if n != "base"]
    print(f"# variants: {', '.join(others) if others else 'none'}")
    print(f"# {args.scenario}: valid", file=sys.stderr)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from sim import __version__, load_scenario
    from sim.experiment import run_replications
    from sim.writer import merge_parquet, provenance, replication_row, write_json, write_results

    scenario = load_scenario(args.scenario, args.sets, args.variant)
    if args.seed is not None:
        scenario = scenario.model_copy(update={"seed": args.seed})
    out = args.out or default_out(scenario.name)
    prepare_out(out)
    parts = None
    if args.records:
        parts = out / ".records"
        remove(parts)
        parts.mkdir()
    partial = out / "replications.partial.csv"
    partial.unlink(missing_ok=True)
    say = (lambda *a: None) if args.quiet else (lambda *a: print(*a, file=sys.stderr))
    say(f"gridgov {__version__}: {scenario.name}, {args.replications} replication(s), seed {scenario.seed}, "
        f"{args.workers} worker(s)")
    started, clock = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), time.perf_counter()
    finished = []

    def on_done(rep) -> None:
        finished.append(rep)
        row = replication_row(scenario, rep, args.variant or "base")
        with partial.open("a", encoding="utf-8") as f:
            if f.tell() == 0:
                f.write(",".join(row) + "\n")
            f.write(",".join(str(v) for v in row.values()) + "\n")
        say(f"  replication {rep.replication} done: {rep.metrics['requests']:,} requests, "
            f"resolution {rep.metrics['resolution_rate']:.3f}, satisfaction {rep.metrics['satisfaction_rate']:.3f}")

    interrupted = False
    try:
        run_replications(scenario, args.replications, args.workers, parts, on_done)
    except KeyboardInterrupt:
        interrupted = True
    reps = sorted(finished, key=lambda r: r.replication)
    if reps:
        write_results(out, summary_head(scenario, reps), scenario, [(args.variant or "base", scenario, reps)], __version__)
        if parts is not None:
            merge_parquet([r.records for r in reps], out / "issues.parquet")
    if parts is not None:
        remove(parts)
    wall = time.perf_counter() - clock
    write_json(out / "provenance.json", provenance(__version__, wall, args.workers, len(reps),
                                                   sum(r.events for r in reps), started))
    partial.unlink(missing_ok=True)
    if interrupted:
        print(f"gridgov: interrupted; {len(reps)} of {args.replications} replications finished and were "
              f"saved in {out}", file=sys.stderr)
        return 130
    say(f"wrote {out} in {wall:.1f} s")
    return 0


def comparison_scenarios(args: argparse.Namespace) -> dict:
    """The scenarios a ``compare`` runs, base first, all on one seed (common random numbers)."""
    from sim import ScenarioError, load_scenario, load_variants
    from sim.loader import choose

    if len(args.scenarios) > 1:
        if args.variants:
            raise ScenarioError("--variant works with one scenario file; with several, each file is a variant",
                                args.scenarios[0], "--variant")
        loaded = [load_scenario(path, args.sets) for path in args.scenarios]
        chosen = {"base": loaded[0], **{s.name: s for s in loaded[1:]}}
    else:
        every = load_variants(args.scenarios[0], args.sets)
        names = [v for v in args.variants or every if v != "base"]
        chosen = {"base": every["base"], **{v: choose(every, v, args.scenarios[0]) for v in names}}
    seed = args.seed if args.seed is not None else chosen["base"].seed
    return {name: scenario.model_copy(update={"seed": seed}) for name, scenario in chosen.items()}


def cmd_compare(args: argparse.Namespace) -> int:
    from analysis.compare import Comparison
    from sim import __version__
    from sim.writer import provenance, write_json, write_results

    scenarios = comparison_scenarios(args)
    base = scenarios["base"]
    out = args.out or default_out(base.name, "-compare")
    prepare_out(out)
    say = (lambda *a: None) if args.quiet else (lambda *a: print(*a, file=sys.stderr))
    say(f"gridgov {__version__}: compare {', '.join(scenarios)}; {args.replications} replication(s) each, "
        f"seed {base.seed}, {args.workers} worker(s)")
    started, clock = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), time.perf_counter()
    comparison = Comparison(scenarios)

    def on_done(variant, rep) -> None:
        say(f"  {variant} replication {rep.replication} done: resolution {rep.metrics['resolution_rate']:.3f}, "
            f"satisfaction {rep.metrics['satisfaction_rate']:.3f}")

    interrupted = False
    try:
        comparison.run(args.replications, args.workers, on_done)
    except KeyboardInterrupt:
        interrupted = True
    runs = {v: reps for v, reps in comparison.runs.items() if reps}
    if runs.get("base"):
        summary = {**summary_head(base, runs["base"]), **comparison.summary()}
        write_results(out, summary, base, [(v, scenarios[v], reps) for v, reps in runs.items()], __version__)
    write_json(out / "provenance.json", provenance(__version__, time.perf_counter() - clock, args.workers,
                                                   sum(len(r) for r in runs.values()),
                                                   sum(r.events for reps in runs.values() for r in reps), started))
    if interrupted:
        print(f"gridgov: interrupted; finished replications were saved in {out}", file=sys.stderr)
        return 130
    say(f"wrote {out}")
    return 0


def default_out(name: str, suffix: str = "") -> Path:
    """results/<scenario name, made safe as a folder name><suffix>."""
    return Path("results") / ((re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip(".-") or "scenario") + suffix)


def summary_head(scenario, reps: list) -> dict:
    """The part of ``summary.json`` every run has: what ran, and each metric's 95% interval."""
    from analysis import summarise

    return {"scenario": scenario.name, "replications": len(reps), "seed": scenario.seed,
            "metrics": summarise([r.metrics for r in reps], reps[0].metrics)}


def prepare_out(out: Path) -> None:
    """Create the results folder, clearing results an earlier run left there."""
    from sim import ScenarioError

    if out.exists() and not out.is_dir():
        raise ScenarioError("is a file; --out must name a folder (it is created if missing)", out, "--out")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ScenarioError(f"cannot be created ({exc.strerror}); --out must name a folder that can be made",
                            out, "--out") from None
    for stale in RESULT_FILES:  # a reused folder must not mix this run with an earlier one
        (out / stale).unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python run.py`` and of the ``gridgov`` command."""
    args = parser().parse_args(argv)
    from sim import ScenarioError

    try:
        return args.handler(args)
    except ScenarioError as exc:
        print(f"gridgov: error: {exc.describe()}", file=sys.stderr)
        return EXIT_INPUT
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug, not bad input: say so plainly, trace only on request
        if os.environ.get("GRIDGOV_DEBUG"):
            traceback.print_exc()
        print(f"gridgov: internal error: {exc.__class__.__name__}: {exc} "
              "(set GRIDGOV_DEBUG=1 for the traceback and please report it)", file=sys.stderr)
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
