"""Bad input through the real command line: exit status 2, a short message, never a traceback.

Every test writes a small scenario to pytest's ``tmp_path`` and runs
``python run.py validate|run ...`` in a subprocess. The message must name the
file (or the ``--set``/option the bad value came from), the dotted field path
where one applies, the line when the loader can know it, and what is allowed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUN = ROOT / "run.py"
EXIT_INPUT = 2


# --- helpers ----------------------------------------------------------------------------------

def gridgov(*args: object, cwd: Path | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run ``python run.py ARGS`` as a user would; GRIDGOV_DEBUG unset so no trace is asked for."""
    env = {k: v for k, v in os.environ.items() if k != "GRIDGOV_DEBUG"}
    return subprocess.run([sys.executable, str(RUN), *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=timeout)


def validate(path: Path, *extra: object, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return gridgov("validate", path, *extra, cwd=cwd)


def write(directory: Path, name: str, text: str) -> Path:
    """Write a dedented YAML file and return its path."""
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    """1-based number of the first line of ``path`` that contains ``needle``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def assert_refused(proc: subprocess.CompletedProcess, *, file: Path | str | None = None,
                   field: str | None = None, line: int | None = None, hints: tuple[str, ...] = ()) -> str:
    """Status 2, no traceback, one short paragraph naming file, field, line and what is allowed."""
    message = proc.stderr
    report = f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    assert "Traceback" not in proc.stdout and "Traceback" not in proc.stderr, report
    assert "internal error" not in message, report
    assert proc.returncode == EXIT_INPUT, report
    assert message.strip(), report
    assert "\n\n" not in message.strip(), "the message should be one paragraph\n" + report
    assert len(message) < 1200, "the message should be short\n" + report
    if file is not None:
        assert Path(file).name in message, f"message should name the file {Path(file).name}\n" + report
    if field is not None:
        assert field in message, f"message should name the field {field}\n" + report
    if line is not None:
        assert re.search(rf"\bline {line}\b", message), f"message should give line {line}\n" + report
    for hint in hints:
        assert hint.lower() in message.lower(), f"message should say {hint!r}\n" + report
    return message


# --- files that cannot be read as a scenario --------------------------------------------------

def test_missing_file(tmp_path):
    missing = tmp_path / "no_such_scenario.yaml"
    proc = validate(missing)
    assert_refused(proc, file=missing, hints=("no such file", "scenario"))


def test_yaml_syntax_error_bad_indentation(tmp_path):
    path = write(tmp_path, "indent.yaml", """\
        name: indent
        hotline:
          agents: 3
         lines: 6
        """)
    proc = validate(path)
    assert_refused(proc, file=path, line=4, hints=("yaml syntax", "indentation"))


def test_top_level_not_a_mapping(tmp_path):
    path = write(tmp_path, "list.yaml", """\
        - name: a
        - name: b
        """)
    proc = validate(path)
    assert_refused(proc, file=path, hints=("mapping",))


# --- keys -------------------------------------------------------------------------------------

def test_unknown_top_level_key(tmp_path):
    path = write(tmp_path, "typo.yaml", """\
        name: typo
        horizon: 3d
        horizn: 5d
        """)
    proc = validate(path)
    assert_refused(proc, file=path, field="horizn", line=3,
                   hints=("unknown key", "allowed keys", "horizon", "hotline", "demand"))


def test_unknown_nested_key_lists_allowed_keys(tmp_path):
    path = write(tmp_path, "nested.yaml", """\
        name: nested
        hotline:
          lines: 6
          agnets: 2
        """)
    proc = validate(path)
    assert_refused(proc, file=path, field="hotline.agnets", line=4,
                   hints=("unknown key", "allowed keys", "agents", "lines", "talk_time", "patience"))


def test_duplicate_key(tmp_path):
    path = write(tmp_path, "dup.yaml", """\
        name: dup
        hotline:
          agents: 3
          lines: 8
          agents: 4
        """)
    proc = validate(path)
    assert_refused(proc, file=path, field="hotline.agents", line=5, hints=("twice",))


def test_non_string_key_names_the_file(tmp_path):
    # YAML 1.1 reads `yes:` and `1:` as a boolean and an integer, not as key names
    path = write(tmp_path, "numeric_key.yaml", """\
        name: numeric
        1: 2
        """)
    proc = validate(path)
    assert_refused(proc, file=path, line=2, hints=("key",))


# --- values -----------------------------------------------------------------------------------

def test_wrong_type(tmp_path):
    path = write(tmp_path, "type.yaml", """\
        name: wrong-type
        hotline:
          lines: 6
          agents: many
        """)
    proc = validate(path)
    assert_refused(proc, file=path, field="hotline.agents", line=4, hints=("integer", "many"))


def test_negative_rate(tmp_path):
    path = write(tmp_path, "negative.yaml", """\
        name: negative
        demand:
          raise_prob: 0.8
          problems_per_household_per_year: -1
        """)
    proc = validate(path)
    assert_refused(proc, file=path, field="demand.problems_per_household_per_year", line=4,
                   hints=("greater than or equal to 0",))


def test_probability_above_one(tmp_path):
    path = write(tmp_path, "probability.yaml", """\
        name: probability
        horizon: 3d
        dispatch:
          mode: street
          accuracy: 1.5
        """)
    proc = validate(path)
    assert_refused(proc, file=path, field="dispatch.accuracy", line=5, hints=("less than or equal to 1", "1.5"))


def test_channel_shares_not_summing_to_one(tmp_path):
    path = write(tmp_path, "channels.yaml", """\
        name: channels
        demand:
          channels: {hotline: 0.5, online: 0.2, grid_worker: 0.1}
        """)
    proc = validate(path)
    assert_refused(proc, file=path, field="demand.channels", line=3, hints=("sum to 1", "0.8"))


def test_category_shares_not_summing_to_one(tmp_path):
    path = write(tmp_path, "categories.yaml", """\
        name: categories
        demand:
          raise_prob: 0.9
          categories:
            - {name: noise, share: 0.5}
            - {name: waste, share: 0.3}
        """)
    proc = validate(path)
    # the shares that are wrong are those of demand.categories (line 4), not the whole demand section
    assert_refused(proc, file=path, field="demand.categories", line=line_of(path, "categories:"),
                   hints=("category shares", "sum to 1", "0.8"))


def test_bad_duration_string(tmp_path):
    path = write(tmp_path, "duration.yaml", """\
        name: duration
        horizon: 3 fortnights
        """)
    proc = validate(path)
    assert_refused(proc, file=path, field="horizon", line=2,
                   hints=("3 fortnights", "not a duration", "min", "2h", "7d"))


def test_infinite_horizon(tmp_path):
    # `.inf` is a YAML float; a horizon must be a finite duration or the run can never end
    path = write(tmp_path, "forever.yaml", """\
        name: forever
        horizon: .inf
        """)
    proc = validate(path)
    message = assert_refused(proc, file=path, field="horizon", line=2)
    assert "finite" in message, message


@pytest.mark.parametrize("section, field, value", [
    ("demand", "problems_per_household_per_year", ".inf"),   # endless problems: `run` never finishes
    ("evaluation", "solved", ".nan"),                        # no resident could ever be satisfied
])
def test_non_finite_number(tmp_path, section, field, value):
    path = write(tmp_path, "nonfinite.yaml", f"""\
        name: non-finite
        {section}:
          {field}: {value}
        """)
    proc = validate(path)
    assert_refused(proc, file=path, field=f"{section}.{field}", line=3)


def test_impossible_calendar_date(tmp_path):
    # YAML builds dates itself; a date February does not have must still be a scenario error
    path = write(tmp_path, "date.yaml", """\
        name: date
        horizon: 3d
        start_date: 2019-02-30
        """)
    proc = validate(path)
    assert_refused(proc, file=path, line=3, hints=("2019-02-30",))


def test_bad_distribution_name(tmp_path):
    path = write(tmp_path, "dist.yaml", """\
        name: dist
        hotline:
          agents: 2
          lines: 4
          talk_time: {dist: weibull, mean: 2h}
        """)
    proc = validate(path)
    assert_refused(proc, file=path, field="hotline.talk_time", line=5,
                   hints=("weibull", "lognormal", "exponential", "gamma", "uniform", "fixed"))


def test_lines_fewer_than_agents(tmp_path):
    path = write(tmp_path, "lines.yaml", """\
        name: lines
        hotline:
          lines: 2
          agents: 5
        """)
    proc = validate(path)
    message = assert_refused(proc, file=path, field="hotline", hints=("lines", "agents", "at least"))
    numbers = {int(n) for n in re.findall(r"\bline (\d+)", message)}
    assert numbers & {2, 3, 4}, message


def test_category_names_unknown_force(tmp_path):
    path = write(tmp_path, "force.yaml", """\
        name: force
        demand:
          categories:
            - {name: noise, share: 1.0, forces: [police, navy]}
        """)
    proc = validate(path)
    assert_refused(proc, file=path, field="demand.categories.0.forces", line=4,
                   hints=("navy", "defined forces", "police", "urban_management"))


# --- variants ---------------------------------------------------------------------------------

def test_variant_overrides_key_that_does_not_exist(tmp_path):
    path = write(tmp_path, "variants.yaml", """\
        name: variants
        variants:
          more-agents:
            hotline: {agents: 20}
          lax-whistle:
            whistle:
              report_timout: 2h
        """)
    proc = validate(path)
    assert_refused(proc, file=path, field="report_timout", line=7,
                   hints=("lax-whistle", "unknown key", "report_timeout"))


@pytest.mark.parametrize("command", ["validate", "run"])
def test_unknown_variant(tmp_path, command):
    path = write(tmp_path, "two_variants.yaml", """\
        name: two-variants
        variants:
          fast: {hotline: {agents: 20}}
          slow: {hotline: {agents: 4}}
        """)
    extra = ["--out", tmp_path / "out", "--set", "horizon=1d"] if command == "run" else []
    proc = gridgov(command, path, "--variant", "medium", *extra)
    assert_refused(proc, file=path, hints=("medium", "fast", "slow"))


# --- extends ----------------------------------------------------------------------------------

def test_extends_cycle(tmp_path):
    first = write(tmp_path, "first.yaml", """\
        name: first
        extends: second.yaml
        """)
    write(tmp_path, "second.yaml", """\
        name: second
        extends: first.yaml
        """)
    proc = validate(first)
    # both files say `extends:` on line 2, so whichever one the message blames, that is the line
    assert_refused(proc, field="extends", line=2, hints=("cycle", "first.yaml", "second.yaml"))


def test_extends_missing_file(tmp_path):
    path = write(tmp_path, "orphan.yaml", """\
        name: orphan
        extends: parents/nobody.yaml
        """)
    proc = validate(path)
    assert_refused(proc, file=path, field="extends", line=2, hints=("nobody.yaml", "does not exist"))


def test_extends_is_relative_to_the_file_and_errors_name_the_parent(tmp_path):
    parent = write(tmp_path / "scenarios", "parent.yaml", """\
        name: parent
        hotline:
          agents: -2
        """)
    child = write(tmp_path / "scenarios" / "towns", "child.yaml", """\
        extends: ../parent.yaml
        name: child
        """)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    proc = validate(child, cwd=elsewhere)  # the parent is found next to the child, not the working folder
    assert_refused(proc, file=parent, field="hotline.agents", line=3, hints=("greater than 0",))


# --- command-line overrides and options -------------------------------------------------------

@pytest.fixture
def tiny(tmp_path) -> Path:
    return write(tmp_path, "tiny.yaml", """\
        name: tiny
        horizon: 1d
        hotline: {lines: 4, agents: 2}
        """)


def test_set_without_equals(tiny):
    proc = validate(tiny, "--set", "hotline.agents")
    assert_refused(proc, hints=("--set", "hotline.agents", "KEY=VALUE"))


def test_set_unknown_key_through_run(tmp_path, tiny):
    proc = gridgov("run", tiny, "--set", "hotline.agnets=3", "--out", tmp_path / "out")
    assert_refused(proc, field="hotline.agnets", hints=("--set", "unknown key", "agents", "lines"))
    assert not (tmp_path / "out").exists(), "nothing should be written for bad input"


def test_set_error_in_section_the_file_does_not_have_names_the_override(tmp_path):
    path = write(tmp_path, "bare.yaml", "name: bare\n")
    # the file has no hotline section: the bad combination comes only from --set (agents 50 > 30 lines)
    proc = validate(path, "--set", "hotline.agents=50")
    assert_refused(proc, field="hotline", hints=("--set hotline.agents=50", "lines", "agents"))


@pytest.mark.parametrize("option, value, hint", [
    ("--replications", "0", "1 or more"),
    ("--replications", "three", "whole number"),
    ("--workers", "0", "1 or more"),
    ("--seed", "-1", "0 or more"),
])
def test_run_bad_option_value(tmp_path, tiny, option, value, hint):
    proc = gridgov("run", tiny, "--out", tmp_path / "out", option, value)
    assert_refused(proc, hints=(option, hint))
    assert not (tmp_path / "out").exists()


def test_run_out_is_a_file(tmp_path, tiny):
    target = tmp_path / "results.txt"
    target.write_text("not a folder\n")
    proc = gridgov("run", tiny, "--out", target)
    assert_refused(proc, file=target, field="--out", hints=("folder",))


def test_run_out_cannot_be_created(tmp_path, tiny):
    blocker = tmp_path / "results.txt"
    blocker.write_text("not a folder\n")
    target = blocker / "inside"  # a folder cannot be made inside a file
    proc = gridgov("run", tiny, "--out", target)
    assert_refused(proc, file=target, hints=("--out",))


def test_extreme_but_valid_coefficient_runs_or_is_refused(tmp_path, tiny):
    # a very negative satisfaction intercept is allowed by the schema (any float);
    # it must then give a run (satisfaction near 0), or be refused as input, never an internal error
    proc = gridgov("run", tiny, "--out", tmp_path / "out", "--quiet", "--set", "evaluation.intercept=-1000",
                   "--set", "horizon=2d")
    report = f"exit {proc.returncode}\nstderr:\n{proc.stderr}"
    assert "Traceback" not in proc.stdout + proc.stderr, report
    assert "internal error" not in proc.stderr, report
    assert proc.returncode in (0, EXIT_INPUT), report


# --- found in review ----------------------------------------------------------------------------

def test_force_summoned_twice(tmp_path):
    path = write(tmp_path, "twice.yaml", """\
        name: twice
        demand:
          categories:
            - {name: x, share: 1, levels: {B: 1}, forces: [police, police]}
        """)
    assert_refused(validate(path), file=path, field="demand.categories.0.forces", line=4,
                   hints=("once", "police"))


def test_set_impossible_date():
    proc = validate(ROOT / "scenarios" / "teaching_street.yaml", "--set", "start_date=2019-02-30")
    assert_refused(proc, field="start_date", hints=("date",))


def test_horizon_past_the_calendar():
    proc = validate(ROOT / "scenarios" / "teaching_street.yaml", "--set", "start_date=9999-12-20")
    assert_refused(proc, field="horizon", hints=("9999",))


def test_grid_worker_over_committed(tmp_path):
    path = write(tmp_path, "busy.yaml", """\
        name: busy
        grid:
          households: 500
          data_chores_share: 0.9
        """)
    assert_refused(validate(path), file=path, field="grid.households", hints=("shift", "handling"))


def test_variant_named_base(tmp_path):
    path = write(tmp_path, "named_base.yaml", """\
        name: named-base
        variants:
          base: {grid: {households: 300}}
        """)
    assert_refused(validate(path), file=path, field="variants.base", line=3, hints=("base",))


def test_topic_candidate_listed_twice(tmp_path):
    path = write(tmp_path, "topics.yaml", """\
        name: topics
        topics:
          candidates: [general, general]
        """)
    assert_refused(validate(path), file=path, field="topics.candidates", hints=("once", "general"))


def test_streets_per_district_names_the_bad_item():
    proc = validate(ROOT / "scenarios" / "teaching_street.yaml", "--set", "organisation.districts=2",
                    "--set", "organisation.streets_per_district=[1, 0]")
    assert_refused(proc, field="organisation.streets_per_district.1", hints=("greater than 0",))


def test_an_error_inside_an_override_names_the_override_not_the_file_it_replaced(capsys):
    """``--set`` replaces a whole section the base file wrote: an error inside it is the override's."""
    from run import main

    status = main(["validate", "scenarios/teaching_street.yaml", "--set",
                   "demand.raise_delay={dist: lognormal, mean: 30min, cv: 1e155}"])
    said = capsys.readouterr().err
    assert status == 2 and said.startswith("gridgov: error: --set demand.raise_delay=") and "base.yaml" not in said
