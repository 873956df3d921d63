"""One gridgov replication in a fresh process, for the benchmark's wall times and peak memory.

``python bench/measure.py SCENARIO [--set KEY=VALUE ...] [--variant NAME] [--records FILE]`` prints one
JSON line: wall seconds of the replication (the model built, run, its tables made, records streamed to
``FILE``), its requests and SimPy events, and the process's peak resident memory, which starting afresh
makes the peak of this replication alone.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

from sim import load_scenario
from sim.experiment.replication import run_one


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario")
    parser.add_argument("--set", action="append", default=[], dest="sets")
    parser.add_argument("--variant")
    parser.add_argument("--records", type=Path)
    args = parser.parse_args()
    scenario = load_scenario(args.scenario, args.sets, args.variant)
    started = time.perf_counter()
    rep = run_one(scenario, 0, args.records)
    wall = time.perf_counter() - started
    print(json.dumps({"wall_s": wall, "requests": rep.metrics["requests"], "events": rep.events,
                      "days": scenario.horizon / 1440.0,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


if __name__ == "__main__":
    main()
