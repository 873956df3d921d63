"""gridgov's command line: ``python run.py SUBCOMMAND ...`` (also the ``gridgov`` command).

Subcommands: ``run`` simulates a scenario and writes a results folder;
``compare`` runs a base and its variants with common random numbers and
reports paired differences, with figures and ``report.html``; ``sweep`` runs
the points of a design; ``report`` rebuilds figures and report from a
results folder; ``warmup`` plots a daily metric to choose the warm-up;
``validate`` checks a scenario file and prints it resolved; ``trace`` narrates
a few requests' lives; ``workshop`` serves the teaching app. Input errors
exit with status 2 and a one-paragraph message, never a traceback.
"""

from __future__ import annotations

import argparse
import errno
import math
import os
import re
import signal
import sys
import traceback
from pathlib import Path


EXIT_INPUT, EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_TERMINATED = 2, 1, 130, 143
LANGS = ("en", "zh")  # analysis.text.LANGS, spelled out so that building the parser imports nothing
# sim.experiment.precision's METRICS and CAP, spelled out so that building the parser imports nothing
PRECISION_METRICS = ("satisfaction_rate", "resolution_rate", "response_rate")
MAX_REPLICATIONS = 100
SENSITIVITY_METRICS = ("satisfaction_rate", "resolution_rate", "response_rate", "mean_resolve_h",
                       "hotline_mean_wait_min", "whistle_on_time_rate")
DESIGNS = ("factorial", "lhs", "sobol", "morris")
TRACE_DAYS = 30  # trace simulates at most a month unless --days asks for more
TRACE_MAX_DAYS = 366  # ... up to a year: a trace keeps every step of every request in memory
MAX_POINTS = 4096  # sweep --points: a Sobol design of 4,096 base samples over 3 parameters is 20,480 points


def whole_number(least: int, most: int | None = None):
    """argparse type: a whole number of at least ``least`` (and at most ``most``)."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text[:40]}' is not a whole number") from None
        if value < least or (most is not None and value > most):
            allowed = f"from {least} to {most}" if most is not None else f"{least} or more"
            raise argparse.ArgumentTypeError(f"must be {allowed} (got {value})")
        return value
    return parse


def given(what: str):
    """argparse type: a non-empty text (an empty ``--out ''`` would silently mean the current folder)."""
    def parse(text: str) -> str:
        if not text.strip():
            raise argparse.ArgumentTypeError(f"is empty: give {what}")
        return text
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

    def experiment_args(p: argparse.ArgumentParser, replications: int) -> None:
        p.add_argument("--replications", "-r", type=whole_number(1), default=replications, metavar="R",
                       help=f"replications of each scenario (default {replications}); with --precision, the first "
                            "round")
        p.add_argument("--seed", type=whole_number(0), metavar="S", help="override the scenario's seed")
        p.add_argument("--out", type=lambda text: Path(given("a folder")(text)), metavar="DIR",
                       help="results folder (default results/<scenario name>...)")
        engine = p.add_mutually_exclusive_group()
        engine.add_argument("--workers", "-w", type=whole_number(1), default=1, metavar="W",
                            help="worker processes on this machine (results do not depend on it)")
        engine.add_argument("--cluster", metavar="ADDRESS", type=given("a scheduler address, e.g. tcp://10.0.0.5:8786"),
                            help="run on a Dask distributed scheduler, e.g. tcp://10.0.0.5:8786 (same results)")
        p.add_argument("--precision", type=fraction, metavar="REL",
                       help="replicate until every --precision-metric has a 95%% interval half-width within REL of "
                            "its mean, e.g. 0.01")
        p.add_argument("--precision-metric", dest="precision_metrics", action="append", default=[], metavar="NAME",
                       help="metric the precision applies to (repeatable; default "
                            f"{', '.join(PRECISION_METRICS)})")
        p.add_argument("--max-replications", type=whole_number(2), metavar="N",
                       help=f"cap of the --precision procedure (default {MAX_REPLICATIONS})")
        p.add_argument("--fresh", action="store_true",
                       help="discard replications saved in the results folder instead of resuming from them")
        p.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors and warnings (a damaged saved replication set aside)")
        p.add_argument("--force", action="store_true",
                       help="run a scenario larger than this machine can take (its size is checked first)")

    run = sub.add_parser("run", help="simulate a scenario and write the results folder")
    scenario_args(run)
    run.add_argument("--variant", metavar="NAME", help="use one of the file's variants instead of its base")
    experiment_args(run, 1)
    run.add_argument("--records", action="store_true", help="also write issues.parquet, one row per request")
    run.set_defaults(handler=cmd_run)

    comp = sub.add_parser("compare", help="run a scenario and its variants (or several scenario files) with "
                                          "common random numbers; write paired differences")
    comp.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                      help="a scenario file (its base and variants), or several files (the first is the base)")
    comp.add_argument("--variant", dest="variants", action="append", default=[], metavar="NAME",
                      help="compare only these variants of a single file (repeatable; default all)")
    comp.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                      help="override a parameter in every variant (repeatable)")
    experiment_args(comp, 5)
    lang_arg(comp)
    comp.set_defaults(handler=cmd_compare)

    sweep = sub.add_parser("sweep", help="run a design of parameter values (full factorial, Latin hypercube, "
                                         "Sobol, Morris) with common random numbers; resumable")
    scenario_args(sweep)
    sweep.add_argument("--vary", action="append", default=[], metavar="KEY=V1,V2,...",
                       help="levels of a parameter; several --vary give their full factorial")
    sweep.add_argument("--range", dest="ranges", action="append", default=[], metavar="KEY=LOW:HIGH",
                       help="range of a parameter, sampled by --design (e.g. whistle.report_timeout=30min:4h)")
    sweep.add_argument("--design", choices=DESIGNS, help="factorial for --vary; lhs (default), sobol or morris "
                                                         "for --range")
    sweep.add_argument("--points", type=whole_number(1, MAX_POINTS), metavar="N",
                       help="lhs: points; sobol: base samples, a power of two (N x (k+2) points); morris: "
                            f"trajectories (N x (k+1) points); at most {MAX_POINTS:,}")
    sweep.add_argument("--metric", dest="metrics", action="append", default=[], metavar="NAME",
                       help="metric for the sensitivity indices (repeatable; default "
                            f"{', '.join(SENSITIVITY_METRICS)})")
    experiment_args(sweep, 3)
    sweep.set_defaults(handler=cmd_sweep)

    warm = sub.add_parser("warmup", help="plot a daily metric over replications (Welch's method) to choose the "
                                         "warm-up, from a results folder")
    warm.add_argument("results", type=Path, metavar="DIR", help="a results folder (its timeseries.csv)")
    warm.add_argument("--metric", default="backlog", help="daily metric to plot (default backlog)")
    warm.add_argument("--window", type=whole_number(0), default=7, metavar="DAYS",
                      help="half-width of the moving average (default 7)")
    warm.add_argument("--variant", metavar="NAME", help="which variant or sweep point (default base)")
    warm.set_defaults(handler=cmd_warmup)

    report = sub.add_parser("report", help="rebuild the figures and report.html of a results folder, without "
                                           "rerunning the simulation")
    report.add_argument("results", type=Path, metavar="DIR", help="a results folder written by run, compare or sweep")
    lang_arg(report)
    report.set_defaults(handler=cmd_report)

    trace = sub.add_parser("trace", help="narrate the lives of a few requests step by step, with simulated "
                                         "timestamps (teaching); no results folder")
    scenario_args(trace)
    trace.add_argument("--variant", metavar="NAME", help="use one of the file's variants instead of its base")
    trace.add_argument("--issues", "-n", type=whole_number(1), default=4, metavar="N",
                       help="how many requests to narrate (default 4: kept in the community, a whistle, an "
                            "escalation, an abandoned call; more give other paths)")
    trace.add_argument("--seed", type=whole_number(0), metavar="S", help="override the scenario's seed")
    trace.add_argument("--days", type=whole_number(1, TRACE_MAX_DAYS), metavar="D",
                       help=f"days to simulate, at most {TRACE_MAX_DAYS} (default the scenario's horizon, at most "
                            f"{TRACE_DAYS})")
    lang_arg(trace, "the narration")
    trace.set_defaults(handler=cmd_trace)

    workshop = sub.add_parser("workshop", help="serve the teaching web app: levers, a run against the base, "
                                               "figures, an animated street, stories of requests")
    workshop.add_argument("--port", type=whole_number(1, 65535), default=8501, metavar="PORT",
                          help="port to serve on, 1 to 65535 (default 8501)")
    workshop.add_argument("--host", default="localhost", metavar="ADDRESS",
                          help="address to listen on (default localhost, this machine only; 0.0.0.0 lets the "
                               "laptops of a room connect)")
    workshop.add_argument("--workers", "-w", type=whole_number(1), metavar="W",
                          help="worker processes running the participants' simulations (default: one per core)")
    workshop.add_argument("--quiet", "-q", action="store_true", help="print only the address and errors")
    workshop.set_defaults(handler=cmd_workshop)

    validate = sub.add_parser("validate", help="check a scenario file and print it resolved; no simulation")
    scenario_args(validate)
    validate.add_argument("--variant", metavar="NAME", help="use one of the file's variants instead of its base")
    validate.add_argument("--force", action="store_true", help="describe a scenario larger than this machine can "
                                                               "take (building its organisation may take long)")
    validate.set_defaults(handler=cmd_validate)
    return top


REPORT_FILES = "the report and figures (report.html and figures/; in Chinese report.zh.html and figures/zh/, beside them)"


def lang_arg(p: argparse.ArgumentParser, what: str = REPORT_FILES) -> None:
    p.add_argument("--lang", choices=LANGS, default="en", help=f"language of {what}: en (default) or zh (Chinese)")


def fraction(text: str) -> float:
    """argparse type: a number between 0 and 1, exclusive."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, e.g. 0.01 for 1 percent (got {text})")
    return value


def check_precision_options(args: argparse.Namespace) -> None:
    """Refuse precision options that would be ignored, and unknown metric names, before anything runs."""
    from sim import ScenarioError
    from sim.experiment.precision import check_metrics

    if not args.precision:
        for given, option in ((args.precision_metrics, "--precision-metric"),
                              (args.max_replications, "--max-replications")):
            if given:
                raise ScenarioError("only applies with --precision REL (e.g. --precision 0.01)", None, option)
    check_metrics(args.precision_metrics)


def cmd_validate(args: argparse.Namespace) -> int:
    from sim import __version__, load_variants
    from sim.experiment import organisation
    from sim.experiment.writer import resolved_yaml
    from sim.scenario.loader import choose

    scenarios = load_variants(args.scenario, args.sets)
    scenario = choose(scenarios, args.variant or "base", args.scenario)
    check_size(scenario, args.force, args.scenario)  # before its organisation is built
    print(resolved_yaml(scenario, __version__), end="")
    size = organisation(scenario)
    print("# organisation: " + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in size.items()))
    others = [n for n in scenarios if n != "base"]
    print(f"# variants: {', '.join(others) if others else 'none'}")
    print(f"# {args.scenario}: valid", file=sys.stderr)
    return 0


def cmd_trace(args: argparse.Namespace) -> int:
    from analysis.narrate import header, narrate
    from sim import load_scenario, simulate
    from sim.scenario.durations import DAY

    scenario = load_scenario(args.scenario, args.sets, args.variant)
    days = args.days or min(TRACE_DAYS, math.ceil(scenario.horizon / DAY))
    # the stories need no warm-up; a long horizon would only hold every step of every request in memory
    scenario = load_scenario(args.scenario, [*args.sets, f"horizon={days}d", "warmup=0"], args.variant)
    result = simulate(scenario, seed=args.seed, records=True, trace=True)
    stories, missing = narrate(result, args.issues, args.lang)
    print(header(result, len(stories), args.lang))
    for story in stories:
        print("\n" + story.title)
        print("\n".join(story.lines))
    for line in missing:
        print("\n" + line)
    return 0


def cmd_workshop(args: argparse.Namespace) -> int:
    """Serve ``analysis/workshop/app.py`` with Streamlit until interrupted, with the pool of simulation workers
    warm (``analysis.workshop.serve``) and the participants' runs in a folder of this server's own, removed when
    it stops."""
    import shutil
    import socket
    import tempfile

    from sim import ScenarioError

    with socket.socket() as probe:
        try:
            probe.bind((args.host, args.port))
        except OSError as exc:
            raise ScenarioError(f"cannot serve on {args.host}:{args.port} ({exc.strerror}); choose another port with "
                                "--port, e.g. --port 8502", None, "--port") from None
    root = Path(__file__).resolve().parent
    command = [sys.executable, "-m", "analysis.workshop.serve",
               "--server.port", str(args.port), "--server.address", args.host, "--server.headless", "true",
               "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
               "--client.showErrorDetails", "false", "--client.toolbarMode", "minimal", "--theme.base", "light"]
    print(f"gridgov workshop: open {workshop_addresses(args.host, args.port)} in a browser (Ctrl-C stops it)",
          flush=True)
    signal.signal(signal.SIGTERM, terminate)   # from here on, SIGTERM stops the server and removes its runs
    runs = tempfile.mkdtemp(prefix="gridgov-workshop-")   # this server's runs, not shared with another server's
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])),
           "GRIDGOV_WORKSHOP_WORKERS": str(args.workers or os.cpu_count() or 1), "GRIDGOV_WORKSHOP_RUNS": runs}
    try:
        return serve(command, env, args.quiet)
    finally:
        shutil.rmtree(runs, ignore_errors=True)


def serve(command: list[str], env: dict, quiet: bool) -> int:
    """Run the workshop's server ``command`` until it stops, or Ctrl-C or SIGTERM (``Terminated``) stop it, not
    leaving it to PID 1; the exit status."""
    import subprocess

    from sim.experiment.execute import Terminated

    server = None
    try:
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL if quiet else None)
        return server.wait()
    except Terminated:
        return EXIT_TERMINATED
    except KeyboardInterrupt:   # the terminal sent Ctrl-C to the server too
        return EXIT_INTERRUPTED
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()


def workshop_addresses(host: str, port: int) -> str:
    """Where a browser finds the workshop: on every address, each of this machine's IPv4 addresses (what a
    room's laptops can open; its name often resolves to itself only) and localhost; else ``host``."""
    if host != "0.0.0.0":
        return f"http://{'localhost' if host == '127.0.0.1' else host}:{port}"
    room = " or ".join(f"http://{address}:{port}" for address in ipv4_addresses())
    local = f"http://localhost:{port}"
    return f"{room} (on this machine {local})" if room else f"{local} (this machine has no network address yet)"


def ipv4_addresses() -> list[str]:
    """This machine's IPv4 addresses but loopback, one per network interface that has one (Linux: asked of the
    kernel with SIOCGIFADDR, interface by interface)."""
    import fcntl
    import socket
    import struct

    found = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        for _index, name in socket.if_nameindex():
            try:
                answer = fcntl.ioctl(probe.fileno(), 0x8915, struct.pack("256s", name.encode()[:15]))  # SIOCGIFADDR
            except OSError:   # no IPv4 address on this interface
                continue
            address = socket.inet_ntoa(answer[20:24])
            if not address.startswith("127."):
                found.append(address)
    return found


def terminate(_signal, _frame) -> None:
    """SIGTERM during a run is handled as Ctrl-C: what finished is saved and written, and the exit is 143."""
    from sim.experiment.execute import Terminated

    raise Terminated


def experiment_run(args: argparse.Namespace, plan, out: Path, what: str, records: bool = False) -> int:
    """Run ``plan`` into the results folder ``out`` as the experiment options ask, saying what it does; the
    exit status."""
    from analysis.report import remove_report
    from sim import __version__
    from sim.experiment import DaskEngine, LocalEngine, ResultsFolder
    from sim.experiment.execute import execute
    from sim.experiment.precision import Precision
    from sim.experiment.progress import Progress

    check_precision_options(args)
    signal.signal(signal.SIGTERM, terminate)
    engine = DaskEngine(args.cluster) if args.cluster else LocalEngine(args.workers)  # may say no first
    try:
        folder = ResultsFolder(out, args.fresh, records)
        progress = Progress(False if args.quiet else None)
        say = (lambda line: None) if args.quiet else progress.write
        say(f"gridgov {__version__}: {what}, seed {plan.base.seed}, {engine.describe()}")
        precision = Precision(args.precision, args.precision_metrics or list(PRECISION_METRICS),
                              args.max_replications or MAX_REPLICATIONS) if args.precision else None
        outcome = execute(plan, args.replications, folder, engine, records, precision, progress)
    finally:
        engine.close()
    if outcome.finished:
        remove_report(out)  # the report and figures of the results this run replaced
    if outcome.reused:
        say(f"  {outcome.reused} replication(s) were already in {out} and were reused")
    if outcome.stopped:
        print(f"gridgov: {outcome.stopped}; the {outcome.finished} finished replication(s) are saved in {out}; "
              "run the same command again to finish the rest", file=sys.stderr)
        return {"interrupted": EXIT_INTERRUPTED, "terminated": EXIT_TERMINATED}.get(outcome.stopped, EXIT_FAILURE)
    say(f"wrote {out} in {outcome.seconds:.1f} s")
    if outcome.summary and not args.quiet:
        from analysis.headline import summary_lines
        from analysis.text import Text
        lines = summary_lines(outcome.summary, Text(getattr(args, "lang", None) or "en"))
        if lines:  # (a sweep's summary is per point: its report shows them)
            print("\n".join(lines))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from sim import load_scenario
    from sim.experiment.execute import RunPlan

    scenario = load_scenario(args.scenario, args.sets, args.variant)
    if args.seed is not None:
        scenario = scenario.model_copy(update={"seed": args.seed})
    check_size(scenario, args.force, args.scenario)
    return experiment_run(args, RunPlan(scenario, args.variant or "base"), args.out or default_out(scenario.name),
                          f"{scenario.name}, {args.replications} replication(s)", args.records)


def comparison_scenarios(args: argparse.Namespace) -> dict:
    """The scenarios a ``compare`` runs, base first, all on one seed (common random numbers)."""
    from sim import ScenarioError, load_scenario, load_variants
    from sim.scenario.loader import choose

    if len(args.scenarios) > 1:
        if args.variants:
            raise ScenarioError("--variant works with one scenario file; with several, each file is a variant",
                                args.scenarios[0], "--variant")
        loaded = [load_scenario(path, args.sets) for path in args.scenarios]
        names = ["base"] + [s.name for s in loaded[1:]]
        for path, name in zip(args.scenarios[1:], names[1:]):
            if names.count(name) > 1:
                raise ScenarioError(f"is named '{name}', like {'the base' if name == 'base' else 'another file'}; "
                                    "each compared scenario needs its own name", path, "name")
        chosen = dict(zip(names, loaded))
    else:
        every = load_variants(args.scenarios[0], args.sets)
        names = [v for v in args.variants or every if v != "base"]
        chosen = {"base": every["base"], **{v: choose(every, v, args.scenarios[0]) for v in names}}
    seed = args.seed if args.seed is not None else chosen["base"].seed
    return {name: scenario.model_copy(update={"seed": seed}) for name, scenario in chosen.items()}


def cmd_compare(args: argparse.Namespace) -> int:
    from sim.experiment.compare import ComparePlan

    scenarios = comparison_scenarios(args)
    for scenario in scenarios.values():
        check_size(scenario, args.force, args.scenarios[0])
    out = args.out or default_out(scenarios["base"].name, "-compare")
    status = experiment_run(args, ComparePlan(scenarios), out,
                            f"compare {', '.join(scenarios)}; {args.replications} replication(s) each")
    if status == 0:
        report = write_report(out, args.lang)
        if not args.quiet:
            print(f"wrote {report} and its figures", file=sys.stderr)
    return status


def cmd_report(args: argparse.Namespace) -> int:
    from analysis.report import figures_folder

    print(f"wrote {write_report(args.results, args.lang)} and its figures in {figures_folder(args.results, args.lang)}")
    return 0


def write_report(folder: Path, lang: str) -> Path:
    """The figures and report.html of a results folder (see ``analysis.report``)."""
    from analysis.report import write_report as write

    return write(folder, lang)


def cmd_sweep(args: argparse.Namespace) -> int:
    from sim import ScenarioError, load_scenario
    from sim.experiment.precision import check_metrics
    from sim.experiment.sweep import SweepPlan, make_design

    base = load_scenario(args.scenario, args.sets)
    if args.seed is not None:
        base = base.model_copy(update={"seed": args.seed})
    if args.metrics and args.vary:
        raise ScenarioError("sensitivity indices need a sampled design (--range); a full factorial reports every "
                            "metric of every point", None, "--metric")
    metrics = args.metrics or list(SENSITIVITY_METRICS)
    check_metrics(metrics, "--metric")
    plan = SweepPlan(make_design(args.vary, args.ranges, args.design, args.points, base.seed), base, metrics)
    for scenario in plan.scenarios.values():
        check_size(scenario, args.force, args.scenario)
    return experiment_run(args, plan, args.out or default_out(base.name, "-sweep"),
                          f"sweep of {', '.join(plan.design.keys)} ({plan.design.kind}, {len(plan.scenarios)} "
                          f"points); {args.replications} replication(s) each")


def cmd_warmup(args: argparse.Namespace) -> int:
    import pandas as pd

    from analysis.warmup import one_variant, plot_welch
    from sim import ScenarioError

    table = args.results / "timeseries.csv"
    if not table.is_file():
        raise ScenarioError("has no timeseries.csv; give a results folder written by run or compare",
                            args.results, "DIR")
    frame = pd.read_csv(table)
    if args.variant is not None:
        if args.variant not in set(frame.get("variant", [])):
            raise ScenarioError(f"is not in {table}; its variants are "
                                f"{', '.join(map(str, frame['variant'].unique()))}", None, "--variant")
        frame = frame[frame["variant"] == args.variant]
    try:
        frame = one_variant(frame)
    except ValueError as exc:
        raise ScenarioError(f"{exc} (--variant NAME)", table, "--variant") from None
    warmup_days = float(frame["warmup"].sum() / frame["replication"].nunique()) if "warmup" in frame else None
    figure = args.results / "figures" / f"warmup-{args.metric}.png"
    figure.parent.mkdir(exist_ok=True)
    try:
        advice = plot_welch(frame, args.metric, args.window, figure, warmup_days or None)
    except ValueError as exc:
        raise ScenarioError(str(exc), table, "--metric") from None
    print(f"wrote {figure}; {advice.sentence}"
          + (" (take the later of this and where the moving average levels off)"
             if advice.days is not None and not advice.still_moving else ""))
    return 0


def check_size(scenario, force: bool, file) -> None:
    """Refuse a scenario too large for this machine (``sim.scenario.size``), unless ``--force``."""
    from sim.scenario.size import check_size as check

    check(scenario, force, file)


def default_out(name: str, suffix: str = "") -> Path:
    """results/<scenario name, made safe as a folder name><suffix>."""
    return Path("results") / ((re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip(".-") or "scenario") + suffix)


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
    except KeyboardInterrupt as exc:  # outside a run's replications (loading, writing): nothing finished to lose
        from sim.experiment.execute import Terminated

        terminated = isinstance(exc, Terminated)
        print(f"gridgov: {'terminated' if terminated else 'interrupted'}", file=sys.stderr)
        return EXIT_TERMINATED if terminated else EXIT_INTERRUPTED
    except Exception as exc:  # a bug, not bad input: say so plainly, trace only on request
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):   # the disk
            print(f"gridgov: cannot write {exc.filename or 'the results'}: {exc.strerror}. Every replication that "
                  "finished is saved in the results folder's .replications/ and no file is left half-written: "
                  "make room and run the same command again", file=sys.stderr)
            return EXIT_FAILURE
        if os.environ.get("GRIDGOV_DEBUG"):
            traceback.print_exc()
        print(f"gridgov: internal error: {exc.__class__.__name__}: {exc} "
              "(set GRIDGOV_DEBUG=1 for the traceback and please report it)", file=sys.stderr)
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
