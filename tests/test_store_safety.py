"""Saved replications are data, never code: a crafted file in a results folder runs nothing, a damaged one is
set aside and run again, and what is saved comes back exactly."""

from __future__ import annotations

import io
import math
import os
import pickle
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd

from sim import __version__, load_scenario
from sim.experiment.replication import run_one
from sim.experiment.store import Store, Task

ROOT = Path(__file__).resolve().parent.parent
RUN = ["run", "scenarios/teaching_street.yaml", "--set", "horizon=20d"]
RESULTS = ("replications.csv", "timeseries.csv", "streets.csv", "summary.json")


class Crafted:
    """What an attacker leaves in a folder: unpickling it creates ``marker`` (os.system could run anything)."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


def gridgov(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "run.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def run_into(out: Path, replications: int) -> subprocess.CompletedProcess:
    done = gridgov([*RUN, "--replications", str(replications), "--out", str(out)])
    assert done.returncode == 0, done.stderr
    return done


def saved(out: Path) -> list[Path]:
    """The saved replications of a results folder, in replication order (whatever their suffix)."""
    return sorted(path for path in (out / ".replications").iterdir() if path.is_file() and "-r" in path.stem)


def clean_results(out: Path, keep: Path) -> None:
    """Copy the results a clean run wrote, to compare the resumed run's with."""
    keep.mkdir()
    for name in RESULTS:
        shutil.copy(out / name, keep / name)


def assert_same_results(out: Path, clean: Path) -> None:
    for name in RESULTS:
        assert (out / name).read_bytes() == (clean / name).read_bytes(), name


def test_a_crafted_pickle_in_the_folder_is_never_run(tmp_path):
    out, marker = tmp_path / "out", tmp_path / "marker"
    run_into(out, 2)
    clean_results(out, tmp_path / "clean")
    crafted = pickle.dumps(Crafted(marker))
    for path in saved(out):   # in every saved replication's place, and where earlier versions kept them
        path.write_bytes(crafted)
        path.with_suffix(".pkl").write_bytes(crafted)
    again = run_into(out, 2)
    assert not marker.exists()
    assert "set aside 2 saved replication(s)" in again.stderr
    assert_same_results(out, tmp_path / "clean")


def another_layout() -> bytes:
    """A well-formed archive that is not a replication of this layout."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("meta.json", '{"layout": "something else", "metrics": {}}')
    return buffer.getvalue()


def test_a_damaged_saved_replication_is_set_aside_and_run_again(tmp_path):
    out = tmp_path / "out"
    run_into(out, 4)
    clean_results(out, tmp_path / "clean")
    files = saved(out)
    whole = [path.read_bytes() for path in files]
    files[0].write_bytes(os.urandom(len(whole[0])))          # random bytes
    files[1].write_bytes(whole[1][: len(whole[1]) // 2])      # cut short
    files[2].write_bytes(another_layout())                    # a valid file of another layout
    files[3].write_bytes(whole[0])                            # a valid file, of another replication
    again = run_into(out, 4)
    assert "set aside 4 saved replication(s)" in again.stderr and "Traceback" not in again.stderr
    assert sorted(path.name for path in (out / ".replications" / "rejected").iterdir()) == [f.name for f in files]
    assert_same_results(out, tmp_path / "clean")
    assert run_into(out, 4).stderr.count("set aside") == 0   # the replications run again were saved whole


def test_a_saved_replication_comes_back_exactly_without_unpickling(tmp_path, monkeypatch):
    scenario = load_scenario(ROOT / "scenarios" / "teaching_street.yaml")
    rep = run_one(scenario, 1)
    rep.metrics.update(nan=math.nan, inf=math.inf, minus_inf=-math.inf, tenth=0.1 + 0.2, tiny=5e-324, zero=-0.0)
    task = Task("base", scenario, 1)
    store = Store(tmp_path, __version__)
    store.save(task, rep)

    def refused(*args, **kwargs):
        raise AssertionError("a saved replication was unpickled")

    monkeypatch.setattr(pickle, "loads", refused)
    monkeypatch.setattr(pickle, "load", refused)
    back = store.load(task)
    assert back.scenario is scenario and back.replication == 1
    assert (back.events, back.code, back.records) == (rep.events, rep.code, None)
    assert list(back.metrics) == list(rep.metrics)
    for name, value in rep.metrics.items():
        kept = back.metrics[name]
        assert type(kept) is type(value) and (math.isnan(value) and math.isnan(kept) or
                                              math.copysign(1, kept) == math.copysign(1, value) and kept == value), name
    assert list(back.tables) == list(rep.tables)
    for name, table in rep.tables.items():
        pd.testing.assert_frame_equal(back.tables[name], table, check_exact=True)
        assert list(back.tables[name].dtypes) == list(table.dtypes), name
        assert back.tables[name].to_csv() == table.to_csv(), name
    assert store.rejected == 0
