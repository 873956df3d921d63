"""What the speed rests on, checked for correctness: no reference cycles (so the collector can stay off),
the hour-split event queue keeps SimPy's order, the block-served random streams keep numpy's sequence;
and the benchmark itself runs (on tiny horizons) and compares like with like."""

from __future__ import annotations

import gc
import json
import math
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import simpy

from sim import load_variants
from sim.model import Model, Setting
from sim.model.environment import Environment
from sim.model.streams import BLOCK, Stream
from sim.observe import Recorder

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("path, horizon", [("scenarios/teaching_street.yaml", "30d"), ("scenarios/wuchang.yaml", "4d")])
def test_a_run_leaves_no_reference_cycles(path, horizon):
    """Every variant's run frees all it made by reference counting alone, which is why the cyclic collector
    may stay off while the model runs (``collector_paused``)."""
    for name, scenario in load_variants(ROOT / path, [f"horizon={horizon}", "warmup=0"]).items():
        setting = Setting.of(scenario)
        model = Model(setting, Recorder(setting))
        gc.collect()
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            model.run()
            assert gc.collect() == 0, f"{path} {name}: the run left reference cycles"
        finally:
            if was_enabled:
                gc.enable()


def test_the_collector_is_back_on_after_a_run():
    scenario = load_variants(ROOT / "scenarios/teaching_street.yaml", ["horizon=1d"])["base"]
    assert gc.isenabled()
    setting = Setting.of(scenario)
    Model(setting, Recorder(setting)).run()
    assert gc.isenabled()


def _trace(env: simpy.Environment, seed: int) -> list[tuple]:
    """A random program of processes, timeouts (many on exact hour marks, many of zero delay), events
    triggered by others and interrupts; returns every step with its time and the event's order number."""
    rng = random.Random(seed)
    seen, waiting = [], []

    def worker(tag: int):
        for step in range(rng.randint(1, 8)):
            kind = rng.random()
            if kind < 0.3:
                delay = 60.0 * rng.randint(0, 30)  # on the hour marks themselves
            elif kind < 0.5:
                delay = 0.0
            else:
                delay = rng.expovariate(1 / rng.choice([1.0, 45.0, 600.0, 5000.0]))
            if rng.random() < 0.2:
                event = env.event()
                waiting.append(event)
                value = yield event | env.timeout(delay)
                seen.append((env.now, tag, step, "woken", len(value.todict())))
            else:
                yield env.timeout(delay)
                seen.append((env.now, tag, step, "timeout", env.peek()))
            if waiting and rng.random() < 0.5:
                event = waiting.pop(rng.randrange(len(waiting)))
                if not event.triggered:
                    event.succeed()
            if rng.random() < 0.3:
                env.process(worker(tag * 10 + step))

    def spawner():
        for tag in range(200):
            env.process(worker(tag))
            yield env.timeout(rng.expovariate(1 / 30.0))

    env.process(spawner())
    env.run(until=3 * 1440.0)
    seen.append(("end", env.now, env.peek(), next(env._eid)))
    return seen


@pytest.mark.parametrize("seed", range(5))
def test_the_hour_split_queue_keeps_simpys_order(seed):
    assert _trace(Environment(), seed) == _trace(simpy.Environment(), seed)


def test_the_hour_split_queue_peeks_like_simpy():
    peeks = []
    for env in (Environment(), simpy.Environment()):
        seen = [env.peek()]
        env.timeout(500.0)
        env.timeout(30.0)
        seen.append(env.peek())
        env.run(until=100.0)
        seen.append(env.peek())
        env.run(until=400.0)
        seen.append(env.peek())
        peeks.append(seen)
    assert peeks[0] == peeks[1]
    assert peeks[0][:2] == [math.inf, 30.0]


def test_streams_hand_out_numpys_sequence():
    """The draws are numpy's own, block after block, however they are taken."""
    def generator():
        return np.random.Generator(np.random.PCG64(np.random.SeedSequence(7)))

    stream, reference = Stream(generator()), generator()
    uniforms = [stream.uniform() for _ in range(BLOCK - 3)] + stream.uniforms(10) + [stream.uniform()]
    assert uniforms == reference.random(BLOCK * 2).tolist()[:BLOCK + 8]
    for draw, reference_draw in (("normal", "standard_normal"), ("exponential", "standard_exponential")):
        stream, reference = Stream(generator()), generator()
        taken = [getattr(stream, draw)() for _ in range(BLOCK + 5)]
        assert taken == getattr(reference, reference_draw)(BLOCK * 2).tolist()[:BLOCK + 5]
    gamma, reference = Stream(generator()).gamma_sampler(2.0, 3.0), generator()
    assert [gamma() for _ in range(BLOCK + 1)] == reference.gamma(2.0, 3.0, BLOCK * 2).tolist()[:BLOCK + 1]


def test_choice_picks_the_first_bound_above_the_draw():
    """Zero-probability entries (repeated running sums) are never chosen."""
    cumulative = [0.2, 0.2, 0.5, 0.5, 0.5, 1.0]
    stream = Stream(np.random.Generator(np.random.PCG64(3)))
    draws = Stream(np.random.Generator(np.random.PCG64(3)))
    for _ in range(2000):
        u = draws.uniform()
        expected = next(i for i, bound in enumerate(cumulative) if u < bound)
        assert stream.choice(cumulative) == expected
    assert expected in (0, 2, 5)


def test_the_benchmark_runs_and_compares_like_with_like(tmp_path):
    """``bench/run.py --quick`` writes both files with every target; its three implementations of the flow
    see the same calls (rates equal within 4 Poisson standard deviations)."""
    subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--rounds", "1", "--out",
                    str(tmp_path)], check=True, capture_output=True, cwd=ROOT)
    results = json.loads((tmp_path / "performance.json").read_text())
    page = (tmp_path / "performance.md").read_text()
    assert len(results["targets"]) == 8
    for target in results["targets"]:
        assert target["measured"] > 0 and target["target"] in page
    engine = results["engine"]
    rates = {}
    for name in ("gridgov_flow", "bare_simpy", "ciw"):
        days = engine["ciw_days"] if name == "ciw" else engine["days"]
        calls = engine[name]["runs"][0]["counts"]["calls"]
        rates[name] = (calls / days, math.sqrt(calls) / days)
    expected = engine["flow"]["problems_per_min"] * engine["flow"]["problem_phone_share"] * 1440 + \
        engine["flow"]["consultations_per_min"] * engine["flow"]["consultation_phone_share"] * 1440
    for name, (rate, sd) in rates.items():
        assert abs(rate - expected) < 4 * sd, name
    for section in ("wuchang_year", "beijing", "memory", "workers"):
        assert section in results
