"""``python -m analysis.validation``: run every validation case and write docs/validation.md.

Also regenerates docs/calibration.md, whose figures are among the cases.
Every case has fixed seeds, so the documents are the same on every run and
any number of workers. Exit status 0 when every check passes, 1 when one
fails, 2 when Ciw (a test dependency) is missing.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from sim import __version__, load_scenario
from sim.experiment.store import source_hash
from sim.scenario.durations import DAY

from . import hotline, little, peer, published, replicate
from .checks import Verdict, judge
from .document import render

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "validation.md"
CALIBRATION = ROOT / "docs" / "calibration.md"
FULL = ROOT / "scenarios" / "wuchang.yaml"
FULL_REPLICATIONS = 8
DRAIN_DAYS = 35


@dataclass
class Validation:
    """Every judged check, and the two documents."""

    verdicts: list[Verdict]
    document: str
    calibration: str

    @property
    def passed(self) -> bool:
        return all(v.passed for v in self.verdicts)


def validate(workers: int) -> Validation:
    """Run every case on ``workers`` processes and judge them."""
    checks = hotline.run(workers) + peer.run(workers)
    full = load_scenario(FULL)
    runs = replicate({"base": full}, FULL_REPLICATIONS, workers)["base"]
    checks += little.checks(full, runs, DRAIN_DAYS)
    calibration, calibration_doc = published.calibration_checks(workers)
    checks += calibration + published.skew_checks(full.name, runs)
    verdicts = judge(checks)
    provenance = [
        f"gridgov {__version__}, model code {source_hash()[:12]}; hotline cases {hotline.REPLICATIONS} replications",
        f"each, Ciw and gridgov {peer.REPLICATIONS} each, {full.name} {FULL_REPLICATIONS} ({full.horizon / DAY:g} "
        "days), calibration as stated there; replication r of every case uses branch r of its scenario's seed tree",
        "(Ciw: seed r).",
    ]
    patient = hotline.Hotline.of(hotline.scenarios()["erlang-a-patient"])
    document = render(verdicts, provenance, hotline.convergence(), patient.erlang_c()[0], DRAIN_DAYS)
    return Validation(verdicts, document, calibration_doc)


def workers_option(text: str) -> int:
    """argparse type: a number of worker processes, 1 or more."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number, 1 or more (got {text})")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.validation", description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=workers_option, default=os.cpu_count() or 1,
                        help="worker processes (default: every core); the results do not depend on it")
    args = parser.parse_args(argv)
    if importlib.util.find_spec("ciw") is None:
        print("gridgov: error: the peer-simulator case needs Ciw, a test dependency: "
              "python -m pip install -e '.[test]'", file=sys.stderr)
        return 2
    started = time.perf_counter()
    result = validate(args.workers)
    DOC.write_text(result.document, encoding="utf-8")
    CALIBRATION.write_text(result.calibration, encoding="utf-8")
    failed = [v for v in result.verdicts if not v.passed]
    print(f"wrote {DOC} and {CALIBRATION} in {time.perf_counter() - started:.0f} s: "
          f"{len(result.verdicts) - len(failed)} of {len(result.verdicts)} checks pass", file=sys.stderr)
    for v in failed:
        print(f"  FAILED: {v.check.section}: {v.check.case}: {v.check.quantity}", file=sys.stderr)
    return 0 if result.passed else 1


if __name__ == "__main__":
    sys.exit(main())
