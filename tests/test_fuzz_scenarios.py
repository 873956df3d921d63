"""Fuzzing scenario files: whatever a user writes, gridgov either refuses it with an exit-2 message naming a field
(or a line), or runs it to the end within a time bound with every rate in [0, 1] and no rate left undefined
where its denominator is not zero. Never a crash (exit 1), never a hang.

Each case mutates the teaching street, resolved and shortened to two days, in one to three places: a key
deleted, a value of the wrong type, an extreme or special number, a long or non-ASCII string, an unknown key,
shares that no longer sum to one. The cases are drawn by Hypothesis with a fixed seed (``derandomize``): a few
hundred in the fast tier, thousands in the slow one.
"""

from __future__ import annotations

import collections
import copy
import math
import signal
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from run import main
from sim import load_scenario

ROOT = Path(__file__).resolve().parents[1]
BASE = load_scenario(ROOT / "scenarios" / "teaching_street.yaml", ["horizon=2d"]).model_dump(mode="json")
SECONDS = 60   # a case still running after this long is a hang
RATES = ("_rate", "_share", "share_closed_", "hotline_service_level")
EVALUATED = ("response_rate", "resolution_rate", "true_resolution_rate", "satisfaction_rate")

WRONG_TYPES = ["abc", [], {}, None, True, [1, 2], {"x": 1}, ""]
NUMBERS = [0, -1, -1e-9, 1e-300, 0.5, 1.5, 7, 1e6, 1e300, -1e300, 2 ** 63, 10 ** 30, math.nan, math.inf, -math.inf]
STRINGS = ["nan", "inf", "-30min", "1e999min", "0min", "3 hours", "三十分钟", "x" * 10_000, "\u202e\u200b", "none",
           "30min", "2h", "7d"]


def paths(data, prefix=()) -> list[tuple]:
    """Every key path of the resolved scenario, inner ones included."""
    found = []
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else []
    for key, value in items:
        found.append(prefix + (key,))
        found += paths(value, prefix + (key,))
    return found


PATHS = paths(BASE)


def parent(data, path):
    for key in path[:-1]:
        data = data[key]
    return data


@st.composite
def mutations(draw):
    """The base with one to three mutations, and the mutations in words."""
    data, said = copy.deepcopy(BASE), []
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        try:
            holder = parent(data, path)
            holder[path[-1]]
        except (KeyError, IndexError, TypeError):   # an earlier mutation removed or replaced it
            continue
        kind = draw(st.sampled_from(["delete", "type", "number", "string", "unknown", "shares"]))
        if kind == "delete":
            del holder[path[-1]]
        elif kind == "type":
            holder[path[-1]] = draw(st.sampled_from(WRONG_TYPES))
        elif kind == "number":
            holder[path[-1]] = draw(st.one_of(st.sampled_from(NUMBERS), st.floats(allow_nan=True)))
        elif kind == "string":
            holder[path[-1]] = draw(st.one_of(st.sampled_from(STRINGS), st.text(max_size=30)))
        elif kind == "unknown" and isinstance(holder[path[-1]], dict):
            holder[path[-1]][draw(st.sampled_from(["网格员", "householdz", "", "x" * 300]))] = 1
        elif kind == "shares" and isinstance(holder[path[-1]], list):
            for item in holder[path[-1]]:
                if isinstance(item, dict) and "share" in item and isinstance(item["share"], (int, float)):
                    item["share"] = item["share"] * draw(st.sampled_from([0, 2, 1.01, -1]))
        said.append(f"{kind} {'.'.join(map(str, path))}")
    return data, said


class Hang(BaseException):
    """Raised by the alarm in a case that runs too long (not an Exception: nothing in gridgov may catch it)."""


def _alarm(_signal, _frame):
    raise Hang


def check_case(data, said, folder: Path, capsys) -> str:
    """Run one mutated scenario through the command line; what happened: ``refused`` or ``ran``."""
    folder.mkdir(parents=True, exist_ok=True)
    scenario = folder / "mutated.yaml"
    scenario.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    out = folder / "out"
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(SECONDS)
    try:
        status = main(["run", str(scenario), "-r", "1", "--records", "--fresh", "--out", str(out), "-q"])
    except Hang:
        pytest.fail(f"still running after {SECONDS} s: {said}")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    captured = capsys.readouterr()
    if status == 2:
        assert captured.err.startswith("gridgov: error: ") and "Traceback" not in captured.err, (said, captured.err)
        assert "field '" in captured.err or "line " in captured.err, (said, captured.err)
        return "refused"
    assert status == 0, (said, captured.err[-2000:])
    metrics = pd.read_csv(out / "replications.csv").iloc[0]
    for name, value in metrics.items():
        if any(part in name for part in RATES) and not pd.isna(value):
            assert 0 <= value <= 1, (said, name, value)
    issues = pd.read_parquet(out / "issues.parquet")
    if issues["evaluated_min"].notna().any():
        for name in EVALUATED:
            assert not pd.isna(metrics[name]), (said, name)
    if metrics["hotline_calls"] > 0:
        assert not pd.isna(metrics["hotline_answer_rate"]) and not pd.isna(metrics["hotline_blocked_rate"]), said
    return "ran"


CASES = settings(derandomize=True, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                        HealthCheck.data_too_large])


def fuzz(cases: int, tmp_path_factory, capsys) -> collections.Counter:
    """Run ``cases`` mutated scenarios; how many were refused and how many ran (printed: ``pytest -s``)."""
    outcomes: collections.Counter = collections.Counter()

    @settings(CASES, max_examples=cases)
    @given(mutations())
    def one(case):
        outcomes[check_case(*case, tmp_path_factory.mktemp("case"), capsys)] += 1

    one()
    with capsys.disabled():
        print(f"\n{sum(outcomes.values())} mutated scenarios: {outcomes['refused']} refused with a message naming "
              f"the field, {outcomes['ran']} ran to the end; no crash, no hang")
    assert outcomes["refused"] >= cases // 10 and outcomes["ran"] >= cases // 10, outcomes   # both paths reached
    return outcomes


def test_a_mutated_scenario_is_refused_plainly_or_runs_sanely(tmp_path_factory, capsys):
    fuzz(200, tmp_path_factory, capsys)


@pytest.mark.slow
def test_thousands_of_mutated_scenarios(tmp_path_factory, capsys):
    fuzz(2000, tmp_path_factory, capsys)
