"""Pathological scenario files through the real command line: refused quickly with exit status 2, never hung,
never out of memory, never a traceback (issue 19, items 1 and 4).

Each case runs ``python run.py validate FILE`` and ``python run.py run FILE ...`` in a subprocess with a
timeout and an address-space limit, so that a regression (a YAML bomb expanded, a FIFO read) fails the test
instead of exhausting the machine. Messages must name the file and, where one applies, the field.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUN = ROOT / "run.py"
EXIT_INPUT = 2
TIMEOUT = 20  # seconds: each case is refused in about one (mostly Python's start-up)
MEMORY = 2 * 1024 ** 3  # bytes of address space a case may use


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def gridgov(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``python run.py ARGS``, bounded in time and memory; a case that exceeds either fails its test."""
    env = {k: v for k, v in os.environ.items() if k != "GRIDGOV_DEBUG"}
    try:
        return subprocess.run([sys.executable, str(RUN), *map(str, args)], capture_output=True, text=True,
                              cwd=cwd, env=env, timeout=TIMEOUT, preexec_fn=_limit_memory)
    except subprocess.TimeoutExpired:
        pytest.fail(f"gridgov {' '.join(map(str, args))} did not finish within {TIMEOUT} s")


def write(directory: Path, name: str, text: str | bytes) -> Path:
    """Write a file (dedented when text) and return its path."""
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def both_commands(path: Path, tmp_path: Path, cwd: Path | None = None):
    """The same file through ``validate`` and through ``run`` (one replication, one day)."""
    yield gridgov("validate", path, cwd=cwd)
    yield gridgov("run", path, "--replications", "1", "--set", "horizon=1d", "--out", tmp_path / "out", cwd=cwd)


def assert_refused(proc: subprocess.CompletedProcess, *names: str, hints: tuple[str, ...] = ()) -> str:
    """Exit 2, no traceback, a short message naming each of ``names`` and saying each hint (outside paths)."""
    message = proc.stderr
    report = f"exit {proc.returncode}\nstdout:\n{proc.stdout[:2000]}\nstderr:\n{proc.stderr[:2000]}"
    assert "Traceback" not in proc.stdout + message, report
    assert "internal error" not in message, report
    assert proc.returncode == EXIT_INPUT, report
    assert len(message) < 1200, "the message should be short\n" + report
    for name in names:
        assert name in message, f"message should name {name!r}\n" + report
    words = re.sub(r"/\S*", "", message).lower()  # not the paths: pytest's folders are named after the tests
    for hint in hints:
        assert hint.lower() in words, f"message should say {hint!r}\n" + report
    return message


def billion_laughs(levels: int = 9) -> str:
    """A scenario whose aliases expand to 9 ** levels values."""
    lines = ["name: laughs", 'lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels + 1):
        lines.append(f"lol{level}: &lol{level} [{', '.join([f'*lol{level - 1}'] * 9)}]")
    lines.append(f"hotline: {{agents: 2, lines: 4, talk_time: *lol{levels}}}")
    return "\n".join(lines) + "\n"


# --- item 1: YAML bombs and pathological files ------------------------------------------------

def test_billion_laughs_is_refused(tmp_path):
    path = write(tmp_path, "laughs.yaml", billion_laughs())
    for proc in both_commands(path, tmp_path):
        assert_refused(proc, path.name, hints=("alias", "10,000"))
    assert not (tmp_path / "out").exists()


def test_alias_inside_the_value_it_names_is_refused(tmp_path):
    path = write(tmp_path, "endless.yaml", """\
        name: endless
        demand: &loop
          more: *loop
        """)
    for proc in both_commands(path, tmp_path):
        assert_refused(proc, path.name, "line 3", hints=("alias", "inside"))


def test_modest_aliases_are_allowed(tmp_path):
    # anchors and aliases are legitimate YAML: a shared distribution written once must still load
    path = write(tmp_path, "shared.yaml", """\
        name: shared
        hotline:
          talk_time: &talk {dist: lognormal, mean: 6min, cv: 0.5}
          patience: *talk
        """)
    proc = gridgov("validate", path)
    assert proc.returncode == 0, proc.stderr


def test_merge_key_may_override_what_it_merges(tmp_path):
    # `<<: *talk` then `mean:` is ordinary YAML, not a key written twice
    path = write(tmp_path, "merged.yaml", """\
        name: merged
        hotline:
          talk_time: &talk {dist: lognormal, mean: 6min, cv: 0.5}
          patience: {<<: *talk, mean: 9min}
        """)
    proc = gridgov("validate", path)
    assert proc.returncode == 0, proc.stderr
    assert "mean: 9min" in proc.stdout, proc.stdout


def test_nul_byte_names_the_file(tmp_path):
    path = write(tmp_path, "binary.yaml", b"name: binary\nhorizon: 3d\x00\n")
    for proc in both_commands(path, tmp_path):
        message = assert_refused(proc, path.name, "line 2", hints=("NUL",))
        assert "<unicode string>" not in message


def test_control_character_names_the_file(tmp_path):
    path = write(tmp_path, "bell.yaml", b"name: bell\nhorizon: 3d\x07\n")
    assert_refused(gridgov("validate", path), path.name, "line 2", hints=("control character",))


def test_invalid_utf8_names_the_file(tmp_path):
    path = write(tmp_path, "latin1.yaml", "name: caf\xe9\n".encode("latin-1"))
    assert_refused(gridgov("validate", path), path.name, "line 1", hints=("UTF-8",))


def test_extends_proc_self_environ_names_both_files(tmp_path):
    path = write(tmp_path, "environ.yaml", """\
        name: environ
        extends: /proc/self/environ
        """)
    for proc in both_commands(path, tmp_path):
        message = assert_refused(proc, path.name, "/proc/self/environ", "extends", "line 2")
        assert "<unicode string>" not in message


@pytest.mark.parametrize("style", ["flow", "block"])
def test_deep_nesting_is_refused(tmp_path, style):
    if style == "flow":
        text = "name: deep\nhotline: " + "[" * 1000 + "]" * 1000 + "\n"
    else:
        text = "name: deep\n" + "".join("  " * level + f"k{level}:\n" for level in range(1000)) + "  " * 1000 + "v\n"
    path = write(tmp_path, "deep.yaml", text)
    for proc in both_commands(path, tmp_path):
        assert_refused(proc, path.name, hints=("nested", "50 levels"))


def test_aliases_cannot_nest_past_the_depth_bound(tmp_path):
    # each anchor nests the one before: 60 short lines, 60 levels once the aliases are expanded
    lines = ["name: tower", "a0: &a0 1"] + [f"a{i}: &a{i} [*a{i - 1}]" for i in range(1, 61)]
    path = write(tmp_path, "tower.yaml", "\n".join(lines) + "\n")
    assert_refused(gridgov("validate", path), path.name, hints=("nested", "50 levels"))


def test_dev_zero_is_refused():
    assert_refused(gridgov("validate", "/dev/zero"), "/dev/zero", hints=("device", "regular file"))


def test_fifo_is_refused_without_blocking(tmp_path):
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    for proc in both_commands(path, tmp_path):
        assert_refused(proc, path.name, hints=("FIFO", "regular file"))


def test_extends_a_fifo_names_both_files(tmp_path):
    os.mkfifo(tmp_path / "pipe.yaml")
    path = write(tmp_path, "child.yaml", """\
        name: child
        extends: pipe.yaml
        """)
    assert_refused(gridgov("validate", path), path.name, "pipe.yaml", "extends", hints=("FIFO",))


def test_folder_is_refused(tmp_path):
    assert_refused(gridgov("validate", tmp_path), tmp_path.name, hints=("folder",))


def test_file_over_one_megabyte_is_refused(tmp_path):
    path = write(tmp_path, "huge.yaml", "name: huge\n" + "# padding\n" * 120_000)
    for proc in both_commands(path, tmp_path):
        assert_refused(proc, path.name, hints=("1 MB",))


def test_file_of_too_many_values_is_refused(tmp_path):
    # under 1 MB, but 60,000 list items would keep the pure-Python YAML parser busy for seconds
    path = write(tmp_path, "many.yaml", "name: many\nhotline: {agents: [" + ", ".join(["1"] * 60_000) + "]}\n")
    assert_refused(gridgov("validate", path), path.name, "line 2", hints=("50,000",))


def test_every_file_of_an_extends_chain_is_bounded(tmp_path):
    write(tmp_path, "parent.yaml", billion_laughs())
    path = write(tmp_path, "child.yaml", """\
        name: child
        extends: parent.yaml
        """)
    assert_refused(gridgov("validate", path), "parent.yaml", "child.yaml", "extends", hints=("alias",))


def test_set_value_is_bounded(tmp_path):
    path = write(tmp_path, "plain.yaml", "name: plain\n")
    proc = gridgov("validate", path, "--set", "hotline.talk_time=" + "[" * 1000 + "]" * 1000)
    assert_refused(proc, "--set", hints=("nested",))


# --- item 4: messages in the user's language --------------------------------------------------

def test_section_given_a_number_names_no_class(tmp_path):
    path = write(tmp_path, "grid_number.yaml", """\
        name: grid-number
        grid: 5
        """)
    message = assert_refused(gridgov("validate", path), path.name, "line 2", "'grid'",
                             hints=("section", "households"))
    assert "instance of" not in message and "GridConfig" not in message, message


def test_dotted_key_in_a_variant_gets_a_hint_to_nest_it(tmp_path):
    path = write(tmp_path, "dotted.yaml", """\
        name: dotted
        variants:
          grid-300:
            grid.households: 300
        """)
    assert_refused(gridgov("validate", path), path.name, "line 4", "grid-300",
                   hints=("write it nested: grid: {households: 300}",))


def test_dotted_key_at_the_top_gets_the_same_hint(tmp_path):
    path = write(tmp_path, "dotted_top.yaml", """\
        name: dotted
        hotline.agents: 3
        """)
    assert_refused(gridgov("validate", path), path.name, "line 2", hints=("hotline: {agents: 3}",))


def test_extends_error_names_the_file_that_extends_and_the_field(tmp_path):
    write(tmp_path, "parent.yaml", """\
        name: parent
        hotline:
          agents: 3
         lines: 6
        """)
    path = write(tmp_path, "child.yaml", """\
        name: child
        extends: parent.yaml
        """)
    assert_refused(gridgov("validate", path), "parent.yaml", "line 4", "child.yaml", "'extends'", "line 2",
                   hints=("syntax",))


@pytest.mark.parametrize("field, text", [
    ("horizon", "horizon: {value}"),                         # the schema's own message quotes the value
    ("hotline.agents", "hotline: {{agents: {value}}}"),      # pydantic's "(got ...)"
    ("grid", "grid: {value}"),                               # a section given text
])
def test_megabyte_value_is_not_echoed_whole(tmp_path, field, text):
    value = "x" * 1_000_000
    path = write(tmp_path, "long.yaml", "name: long\n" + text.format(value=value) + "\n")
    message = assert_refused(gridgov("validate", path), path.name, field)
    assert "x" * 101 not in message, message[:300]


def test_huge_number_is_not_echoed_whole(tmp_path):
    path = write(tmp_path, "digits.yaml", "name: digits\nhotline: {agents: " + "9" * 500_000 + "}\n")
    message = assert_refused(gridgov("validate", path), path.name, "line 2")
    assert "9" * 101 not in message, message[:300]


def test_megabyte_key_is_not_echoed_whole(tmp_path):
    # an explicit key ("? KEY"), since YAML's plain keys stop at 1,024 characters
    path = write(tmp_path, "long_key.yaml", "name: long\n? " + "k" * 1_000_000 + "\n: 1\n")
    message = assert_refused(gridgov("validate", path), path.name, "line 2", hints=("unknown key",))
    assert "k" * 101 not in message, message[:300]


def test_symlinked_scenario_extends_from_the_file_it_points_to(tmp_path):
    # the real scenario lives next to its parent; a link to it elsewhere must find the same parent
    real = tmp_path / "scenarios"
    write(real, "parent.yaml", """\
        name: parent
        hotline: {lines: 4, agents: 3}
        """)
    write(real, "child.yaml", """\
        name: child
        extends: parent.yaml
        """)
    links = tmp_path / "links"
    links.mkdir()
    (links / "child.yaml").symlink_to(real / "child.yaml")
    proc = gridgov("validate", links / "child.yaml")
    assert proc.returncode == 0, proc.stderr
    assert "agents: 3" in proc.stdout, proc.stdout
