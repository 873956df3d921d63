"""A results folder keeps what gridgov cannot write again: nothing is deleted before a run, nothing of the user's
ever, and a run that fails leaves the earlier results whole."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.results import load_results
from sim import ScenarioError, load_scenario
from sim.experiment import ResultsFolder
from sim.experiment.execute import RunPlan, execute

ROOT = Path(__file__).resolve().parents[1]
TEACHING = ROOT / "scenarios" / "teaching_street.yaml"
SHORT = ["--set", "horizon=5d"]


def gridgov(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "run.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and ".replications" not in p.parts}


def test_a_run_without_records_refuses_to_lose_the_records_of_an_earlier_one(tmp_path):
    """The README's examples in order once deleted issues.parquet: a later run without --records into the same
    folder. It now refuses, keeps the file, and says how to go on; --records or --fresh go on."""
    out = str(tmp_path / "out")
    first = gridgov("run", str(TEACHING), *SHORT, "-r", "2", "--records", "--out", out, "-q")
    assert first.returncode == 0, first.stderr
    records = (tmp_path / "out" / "issues.parquet").read_bytes()
    again = gridgov("run", str(TEACHING), *SHORT, "-r", "3", "--out", out)
    assert again.returncode == 2 and "Traceback" not in again.stderr
    assert "issues.parquet" in again.stderr and "--records" in again.stderr and "--fresh" in again.stderr
    assert (tmp_path / "out" / "issues.parquet").read_bytes() == records
    kept = gridgov("run", str(TEACHING), *SHORT, "-r", "3", "--records", "--out", out, "-q")
    assert kept.returncode == 0, kept.stderr and (tmp_path / "out" / "issues.parquet").is_file()
    fresh = gridgov("run", str(TEACHING), *SHORT, "-r", "2", "--fresh", "--out", out, "-q")
    assert fresh.returncode == 0, fresh.stderr
    assert not (tmp_path / "out" / "issues.parquet").exists()   # asked to start over: not rewritten, so gone


def test_a_folder_of_other_files_is_refused_and_left_alone(tmp_path):
    (tmp_path / "thesis.docx").write_bytes(b"years of work")
    done = gridgov("run", str(TEACHING), *SHORT, "-r", "2", "--out", str(tmp_path))
    assert done.returncode == 2 and "thesis.docx" in done.stderr and "gridgov did not write" in done.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["thesis.docx"]


def test_the_users_files_in_a_results_folder_stay_and_the_earlier_runs_leftovers_go(tmp_path):
    """A sweep then a compare into one folder: the compare's tables replace the sweep's, the sweep's own files
    (sensitivity.csv, design.json, its points' scenarios, its report) go, the user's notes stay."""
    out = str(tmp_path)
    sweep = gridgov("sweep", str(TEACHING), *SHORT, "--range", "grid.households=300:500", "--points", "4", "-r", "2",
                    "--out", out, "-q")
    assert sweep.returncode == 0, sweep.stderr
    assert gridgov("report", out).returncode == 0
    (tmp_path / "notes.md").write_text("what I saw")
    (tmp_path / "figures" / "mine.png").write_bytes(b"my own figure")
    compare = gridgov("compare", str(TEACHING), *SHORT, "--variant", "grid-300", "-r", "2", "--out", out, "-q")
    assert compare.returncode == 0, compare.stderr
    assert (tmp_path / "notes.md").read_text() == "what I saw"
    assert (tmp_path / "figures" / "mine.png").read_bytes() == b"my own figure"
    assert not (tmp_path / "sensitivity.csv").exists() and not (tmp_path / "design.json").exists()
    assert sorted(p.name for p in (tmp_path / "variants").iterdir()) == ["base.yaml", "grid-300.yaml"]
    assert load_results(tmp_path).variants == ["base", "grid-300"]


class Broken:
    """An engine that fails after the folder was prepared, as a crashing variant or a lost machine would."""

    def run(self, jobs, done, tick=None):
        raise RuntimeError("the engine broke")

    def describe(self) -> str:
        return "broken"

    def close(self) -> None:
        pass


def test_a_run_that_fails_leaves_the_earlier_results_whole(tmp_path):
    plan = RunPlan(load_scenario(TEACHING, ["horizon=5d"]))
    execute(plan, 2, ResultsFolder(tmp_path))
    before = snapshot(tmp_path)
    with pytest.raises(RuntimeError, match="the engine broke"):
        execute(RunPlan(load_scenario(TEACHING, ["horizon=6d"])), 2, ResultsFolder(tmp_path), Broken())
    assert snapshot(tmp_path) == before


def test_a_folder_cut_short_while_being_written_is_refused_as_incomplete(tmp_path):
    """Written whole file by file, provenance.json last: without it the folder is one whose writing stopped."""
    execute(RunPlan(load_scenario(TEACHING, ["horizon=5d"])), 2, ResultsFolder(tmp_path))
    assert json.loads((tmp_path / "provenance.json").read_text())["complete"] is True
    (tmp_path / "provenance.json").unlink()
    with pytest.raises(ScenarioError, match="is incomplete: gridgov stopped while writing it"):
        load_results(tmp_path)
    done = gridgov("report", str(tmp_path))
    assert done.returncode == 2 and "incomplete" in done.stderr and "Traceback" not in done.stderr
    assert not list(tmp_path.glob(".*.tmp"))


class FailsAfterOne:
    """An engine whose first replication finishes and whose second fails (a variant whose parameters crash)."""

    def run(self, jobs, done, tick=None):
        from sim.experiment.replication import run_one

        task, records = jobs[0]
        done(0, run_one(task.scenario, task.replication, records))
        raise ZeroDivisionError("a variant crashed")

    def describe(self) -> str:
        return "failing"

    def close(self) -> None:
        pass


def test_a_failing_replication_does_not_cost_what_finished(tmp_path):
    """What finished is written, marked partial, before the failure is raised; the same command resumes it."""
    plan = RunPlan(load_scenario(TEACHING, ["horizon=5d"]))
    with pytest.raises(ZeroDivisionError):
        execute(plan, 3, ResultsFolder(tmp_path), FailsAfterOne())
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["replications"] == 1 and summary["partial"].startswith("stopped: a replication failed")
    assert json.loads((tmp_path / "provenance.json").read_text())["complete"] is False
    assert load_results(tmp_path).replications["replication"].tolist() == [0]


def test_a_full_disk_never_leaves_a_table_cut_mid_row(tmp_path, monkeypatch):
    """The disk fills up while the tables are written: every file there is whole (the old one or the new one),
    nothing temporary is left, and the folder, without provenance.json, is refused as incomplete."""
    execute(RunPlan(load_scenario(TEACHING, ["horizon=5d"])), 2, ResultsFolder(tmp_path))
    import errno
    import os

    from sim.experiment import store

    calls = {"n": 0}
    real = os.fsync

    def full(fd):
        calls["n"] += 1
        if calls["n"] > 4:   # a few files written, then no space left
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fd)

    monkeypatch.setattr(store.os, "fsync", full)
    with pytest.raises(OSError):
        execute(RunPlan(load_scenario(TEACHING, ["horizon=6d"])), 2, ResultsFolder(tmp_path))
    assert not list(tmp_path.rglob(".*.tmp"))
    for table in tmp_path.glob("*.csv"):
        assert table.read_bytes().endswith(b"\n"), table.name
    with pytest.raises(ScenarioError, match="is incomplete"):
        load_results(tmp_path)


def test_a_full_disk_is_said_plainly(tmp_path, monkeypatch, capsys):
    import errno

    from run import main
    from sim.experiment import store

    def full(_fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store.os, "fsync", full)
    status = main(["run", str(TEACHING), "--set", "horizon=2d", "-r", "1", "--out", str(tmp_path / "out"), "-q"])
    said = capsys.readouterr().err
    assert status == 1 and "No space left on device" in said and "run the same command again" in said
    assert "internal error" not in said and not list((tmp_path / "out").rglob(".*.tmp"))
