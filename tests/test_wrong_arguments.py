"""Arguments that cannot be used are exit-2 messages naming the option and what is allowed, never exit 1 and a
traceback (issue: `--out /proc`, `workshop --port 99999`, `--out ''`...)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEACHING = "scenarios/teaching_street.yaml"
RUN = ["run", TEACHING, "-r", "1", "--set", "horizon=1d"]

CASES = [
    ([*RUN, "--out", ""], "argument --out: is empty"),
    ([*RUN, "--cluster", ""], "argument --cluster: is empty"),
    ([*RUN, "--out", "/proc"], "holds files gridgov did not write"),
    ([*RUN, "--out", "/sys/kernel"], "holds files gridgov did not write"),
    ([*RUN, "--out", "/proc/gridgov"], "cannot be created"),
    (["workshop", "--port", "99999"], "argument --port: must be from 1 to 65535"),
    (["workshop", "--port", "0"], "argument --port: must be from 1 to 65535"),
    (["trace", TEACHING, "--days", "100000"], "argument --days: must be from 1 to 366"),
    (["sweep", TEACHING, "--range", "grid.households=300:500", "--points", "999999"],
     "argument --points: must be from 1 to 4096"),
]


@pytest.mark.parametrize("args, said", CASES, ids=[" ".join(a[:1] + a[-2:]) for a, _s in CASES])
def test_an_argument_that_cannot_be_used_is_an_exit_2_message(args, said):
    done = subprocess.run([sys.executable, "run.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert said in done.stderr and "Traceback" not in done.stderr


def test_the_bounds_are_stated_in_the_help():
    for command, words in (("trace", "at most 366"), ("sweep", "at most 4,096"), ("workshop", "1 to 65535")):
        shown = subprocess.run([sys.executable, "run.py", command, "--help"], cwd=ROOT, capture_output=True,
                               text=True, timeout=60).stdout
        assert words in " ".join(shown.split()), (command, shown)
