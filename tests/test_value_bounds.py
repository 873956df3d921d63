"""Values the schema used to accept that crashed or hung the simulation (issue 19, item 2).

Each example goes through the real command line, ``validate`` and a two-day ``run``, in a subprocess held to
20 seconds and 2 GB of address space: it must be refused with exit status 2, a one-paragraph message naming
the field and what is allowed, never a traceback, a crash or a hang. A scenario the schema accepts but this
machine cannot simulate is refused at once, saying how large it is and that ``--force`` runs it anyway. The
samplers and the work calendar are checked directly: finite durations at the extremes the schema allows, and
huge amounts of work finished in a few steps.
"""

from __future__ import annotations

import math
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from sim.model import organisation
from sim.model.calendar import WorkCalendar
from sim.model.streams import Stream
from sim.scenario import ScenarioError, load_scenario
from sim.scenario.distributions import MAX_CV, MIN_CV, Exponential, Fixed, Gamma, Lognormal, Uniform
from sim.scenario.durations import DAY
from sim.scenario.size import MAX_REQUESTS, check_size
from sim.scenario.types import MAX_DURATION

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
TEACHING = ROOT / "scenarios" / "teaching_street.yaml"
MEMORY_LIMIT = 2 * 1024 ** 3
TIMEOUT = 20


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def gridgov(*args: object) -> subprocess.CompletedProcess:
    """``python run.py ARGS`` held to 20 s and 2 GB; a hang fails the test (TimeoutExpired)."""
    env = {k: v for k, v in os.environ.items() if k != "GRIDGOV_DEBUG"}
    return subprocess.run([sys.executable, str(ROOT / "run.py"), *map(str, args)], capture_output=True,
                          text=True, env=env, timeout=TIMEOUT, preexec_fn=_limit_memory, cwd=ROOT)


def refused(proc: subprocess.CompletedProcess, *hints: str) -> str:
    report = f"exit {proc.returncode}\nstdout:\n{proc.stdout[-2000:]}\nstderr:\n{proc.stderr[-2000:]}"
    assert "Traceback" not in proc.stdout + proc.stderr, report
    assert "internal error" not in proc.stderr, report
    assert proc.returncode == 2, report
    message = proc.stderr.strip()
    assert message and "\n\n" not in message and len(message) < 1200, report
    for hint in hints:
        assert hint.lower() in message.lower(), f"message should say {hint!r}\n" + report
    return message


# (KEY=VALUE, the field the message names, what it says is allowed)
EXAMPLES = [
    ("levels.A.effort={dist: gamma, mean: 1h, cv: 1e-200}", "levels.A.effort.cv", "0.01"),
    ("levels.B.lead_time={dist: gamma, mean: 1d, cv: 1e155}", "levels.B.lead_time.cv", "10"),
    ("hotline.talk_time={dist: lognormal, mean: 5min, cv: 1e155}", "hotline.talk_time.cv", "10"),
    ("levels.A.effort={dist: lognormal, mean: 1h, cv: 1e155}", "levels.A.effort.cv", "10"),
    ("levels.A.effort=1e9", "levels.A.effort", "365d"),
    ("grid.chat_pickup=1e300", "grid.chat_pickup", "365d"),
    ("organisation.districts=1000000000", "organisation.districts", "160"),
    # YAML reads 1e9 as text, which was refused already; the allocations came from the whole number
    ("organisation.communities_per_street=1000000000", "organisation.communities_per_street", "100000"),
    ("organisation.total_households=1000000000", "organisation.total_households", "100000000"),
]


@pytest.mark.parametrize("command", ["validate", "run"])
@pytest.mark.parametrize("setting, field, allowed", EXAMPLES, ids=[e[0].split("=")[0] + "=" + e[0].split("=", 1)[1][:24]
                                                                   for e in EXAMPLES])
def test_value_that_crashed_or_hung_is_refused(tmp_path, command, setting, field, allowed):
    extra = ["-r", "1", "--set", "horizon=2d", "--set", "warmup=0", "--out", tmp_path / "out", "--quiet"] \
        if command == "run" else []
    proc = gridgov(command, TEACHING, "--set", setting, *extra)
    refused(proc, f"field '{field}'", allowed)
    assert not (tmp_path / "out").exists()


# --- the size of the whole -----------------------------------------------------------------------

TOO_LARGE = ["--set", "organisation.total_households=100000000", "--set", "horizon=3650d",
             "--set", "demand.problems_per_household_per_year=1000"]


@pytest.mark.parametrize("command", ["validate", "run"])
def test_scenario_too_large_for_the_machine_is_refused_at_once(tmp_path, command):
    extra = ["-r", "1", "--out", tmp_path / "out"] if command == "run" else []
    proc = gridgov(command, TEACHING, *TOO_LARGE, *extra)   # within the subprocess' time limit
    refused(proc, "too large", "100,000,000 households", "requests", "3,650 days", "GB of memory",
           "this machine has", "--force")
    assert not (tmp_path / "out").exists()


def test_size_check_is_immediate_and_builds_nothing(monkeypatch):
    """The check estimates from the numbers: it never builds the organisation it judges (how fast it is, is the
    benchmark's business). The largest organisation the schema accepts, communities split by a cap of 1."""
    def never(*_args, **_kwargs):
        raise AssertionError("the size check built the organisation")

    monkeypatch.setattr(organisation, "build_city", never)
    scenario = load_scenario(TEACHING, ["organisation.districts=20", "organisation.streets_per_district=250",
                                        "organisation.communities_per_street=20",
                                        "organisation.total_households=100000000", "organisation.community_cap=1",
                                        "grid.households=1", "grid.patrol_households=0", "grid.home_visit_target=0",
                                        "horizon=3650d"])
    with pytest.raises(ScenarioError) as refusal:
        check_size(scenario, memory=8e9)
    text = str(refusal.value)
    assert "100,000,000 households" in text and "8.0 GB" in text and "--force" in text
    check_size(scenario, force=True, memory=8e9)  # forced, nothing is refused


def test_request_limit_is_stated():
    scenario = load_scenario(TEACHING, ["organisation.total_households=100000000", "horizon=3650d"])
    with pytest.raises(ScenarioError) as refusal:
        check_size(scenario, memory=1e15)  # memory enough: only the requests are too many
    assert f"{MAX_REQUESTS:,} requests" in str(refusal.value)


def test_shipped_scenarios_are_not_too_large():
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        check_size(load_scenario(path), memory=4e9)  # each fits a 4 GB laptop


def test_force_lets_validate_describe_it():
    proc = gridgov("validate", TEACHING, *TOO_LARGE, "--force")
    assert proc.returncode == 0, proc.stderr
    assert "100,000,000 households" in proc.stdout


# --- samplers and the work calendar --------------------------------------------------------------

EXTREME_DISTRIBUTIONS = [
    Fixed(value=MAX_DURATION), Fixed(value=0),
    Exponential(dist="exponential", mean=MAX_DURATION), Exponential(dist="exponential", mean=1e-9),
    Uniform(dist="uniform", low=0, high=MAX_DURATION),
    *(kind(dist=name, mean=mean, cv=cv) for kind, name in ((Lognormal, "lognormal"), (Gamma, "gamma"))
      for mean in (0.0, 1e-9, 1.0, MAX_DURATION) for cv in (MIN_CV, 1.0, MAX_CV)),
]


@pytest.mark.parametrize("spec", EXTREME_DISTRIBUTIONS, ids=repr)
def test_samplers_and_transforms_give_finite_durations(spec):
    stream = Stream(np.random.Generator(np.random.PCG64(19)))
    draws = [spec.sampler(stream)() for _ in range(2000)]
    # a standard normal is beyond +-9 once in 10^19 draws; +-40 takes the tail probabilities to 0 and 1
    normals = [-40.0, -38.5, -9.0, -1.0, 0.0, 1.0, 9.0, 38.5, 40.0]
    draws += [spec.transform()(z) for z in normals]
    assert all(math.isfinite(d) and d >= 0 for d in draws), [d for d in draws if not (math.isfinite(d) and d >= 0)]


@pytest.mark.parametrize("cv", [0.0, 1e-200, 0.009, 10.5, 1e155])
@pytest.mark.parametrize("dist", ["lognormal", "gamma"])
def test_coefficient_of_variation_out_of_range_is_refused(dist, cv):
    with pytest.raises(ScenarioError, match="cv"):
        load_scenario(TEACHING, [f"levels.A.effort={{dist: {dist}, mean: 1h, cv: {cv}}}"])


class CountingCalendar(WorkCalendar):
    """A work calendar that counts the shifts it steps through."""

    __slots__ = ("steps",)

    def next_on(self, t: float) -> float:
        self.steps += 1
        return super().next_on(t)


def test_huge_work_finishes_in_a_few_steps():
    # one minute of work a week: 50,000 minutes of effort took 50,000 steps of the shift loop
    calendar = CountingCalendar(600.0, 601.0, [2], 0)
    calendar.steps = 0
    work = 50_000.0
    done = calendar.finish(0.0, work)
    assert calendar.steps < 10
    assert done == 2 * DAY + 600.0 + (work - 1) * 7 * DAY + 1.0   # the last minute's shift ends it
    office = WorkCalendar(510.0, 1050.0, [0, 1, 2, 3, 4], 1)
    year = 365 * DAY / 0.05   # the longest effort at the smallest handling share the schema allows
    assert office.finish(0.0, year) == pytest.approx(office.shift_by_shift(office.next_on(0.0), year), rel=1e-12)
    assert calendar.finish(0.0, 1e300) >= 1e300   # beyond any horizon, without counting shifts
    with pytest.raises(ValueError):
        calendar.finish(0.0, math.nan)   # a NaN never finishes: say so rather than loop
