"""Nothing lost, resumable: an interrupted run keeps what finished, and the same command finishes the rest."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from sim import load_scenario
from sim.experiment.replication import run_one
from sim.experiment.store import atomic_write

ROOT = Path(__file__).resolve().parent.parent
SWEEP = ["sweep", "scenarios/teaching_street.yaml", "--vary", "grid.households=300,400,500",
         "--vary", "whistle.report_timeout=30min,2h", "--replications", "5"]


def gridgov(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "run.py", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, **kwargs)


def start(args: list[str], out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "run.py", *args, "--out", str(out)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def wait_for_saved(process: subprocess.Popen, out: Path, saved: int) -> None:
    deadline = time.monotonic() + 300
    while len(list((out / ".replications").glob("*.zip"))) < saved:
        assert process.poll() is None, process.communicate()[1]
        assert time.monotonic() < deadline
        time.sleep(0.02)


def interrupt_after(args: list[str], out: Path, saved: int, sign: int = signal.SIGINT,
                    timeout: float = 120) -> subprocess.CompletedProcess:
    """Start the command, press Ctrl-C (or send ``sign``) once ``saved`` replications are on disk, and wait for
    it to stop."""
    process = start(args, out)
    wait_for_saved(process, out, saved)
    if sign == signal.SIGINT:
        os.killpg(process.pid, signal.SIGINT)  # the whole process group, as a terminal's Ctrl-C does
    else:
        process.send_signal(sign)  # the main process only, as ``kill`` does
    stdout, stderr = process.communicate(timeout=timeout)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def children(pid: int) -> set[int]:
    """The processes ``pid`` started that are still alive (Linux's /proc)."""
    tasks = Path(f"/proc/{pid}/task")
    return {int(child) for task in tasks.iterdir() for child in (task / "children").read_text().split()}


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


def test_ctrl_c_saves_finished_replications(tmp_path):
    out = tmp_path / "out"
    stopped = interrupt_after(["run", "scenarios/teaching_street.yaml", "--replications", "500"], out, 2)
    assert stopped.returncode == 130, stopped.stderr
    assert "Traceback" not in stopped.stderr and "interrupted" in stopped.stderr
    summary = json.loads((out / "summary.json").read_text())
    saved = summary["replications"]
    assert 2 <= saved < 500
    reps = pd.read_csv(out / "replications.csv")
    assert list(reps["replication"]) == list(range(saved))
    assert summary["metrics"]["requests"]["n"] == saved
    assert list(pd.read_csv(out / "manifest.csv")["replication"]) == list(range(saved))
    # the results say they are partial, not only the terminal
    assert summary["partial"].startswith("interrupted: results of the replications that finished")
    provenance = json.loads((out / "provenance.json").read_text())
    assert provenance["complete"] is False and provenance["stopped"] == "interrupted"


def test_interrupted_sweep_resumes_to_the_uninterrupted_table(tmp_path):
    whole = gridgov([*SWEEP, "--workers", "2", "--out", str(tmp_path / "whole")])
    assert whole.returncode == 0, whole.stderr

    out = tmp_path / "resumed"
    stopped = interrupt_after([*SWEEP, "--workers", "2"], out, 5)
    assert stopped.returncode == 130, stopped.stderr
    assert "Traceback" not in stopped.stderr
    before = len(pd.read_csv(out / "manifest.csv"))
    assert 5 <= before < 30
    assert not list((out / ".replications").glob(".*.tmp"))  # nothing half-written

    again = gridgov([*SWEEP, "--workers", "2", "--out", str(out)])
    assert again.returncode == 0, again.stderr
    provenance = json.loads((out / "provenance.json").read_text())
    assert provenance["reused"] == before and provenance["replications"] == 30 and provenance["complete"] is True
    assert "partial" not in json.loads((out / "summary.json").read_text())
    for table in ("replications.csv", "timeseries.csv", "streets.csv", "summary.json"):
        assert (out / table).read_bytes() == (tmp_path / "whole" / table).read_bytes(), table
    manifest = pd.read_csv(out / "manifest.csv")
    assert len(manifest) == 30 and not manifest.duplicated(["variant", "replication"]).any()
    assert manifest["scenario_hash"].nunique() == 6 and set(manifest["seed_tree"].str.split("/").str[1]) == {
        "1", "2", "3", "4", "5"}


def test_changed_parameters_are_not_resumed(tmp_path):
    out = tmp_path / "out"
    first = gridgov(["run", "scenarios/teaching_street.yaml", "--replications", "2", "--out", str(out)])
    assert first.returncode == 0, first.stderr
    changed = gridgov(["run", "scenarios/teaching_street.yaml", "--replications", "2", "--set",
                       "hotline.agents=3", "--out", str(out)])
    assert changed.returncode == 0, changed.stderr
    assert json.loads((out / "provenance.json").read_text())["reused"] == 0
    extended = gridgov(["run", "scenarios/teaching_street.yaml", "--replications", "3", "--out", str(out)])
    assert json.loads((out / "provenance.json").read_text())["reused"] == 2, extended.stderr
    fresh = gridgov(["run", "scenarios/teaching_street.yaml", "--replications", "3", "--fresh", "--out", str(out)])
    assert json.loads((out / "provenance.json").read_text())["reused"] == 0, fresh.stderr


def test_a_sweep_with_one_more_level_reuses_the_points_it_has(tmp_path):
    args = ["sweep", "scenarios/teaching_street.yaml", "--set", "horizon=3d", "-r", "2", "--out", str(tmp_path)]
    first = gridgov([*args, "--vary", "grid.households=300,500"])
    assert first.returncode == 0, first.stderr
    wider = gridgov([*args, "--vary", "grid.households=300,400,500"])
    assert wider.returncode == 0, wider.stderr
    assert json.loads((tmp_path / "provenance.json").read_text())["reused"] == 4  # 300 and 500, two each
    table = pd.read_csv(tmp_path / "replications.csv")
    assert list(table["grid.households"]) == [300, 300, 400, 400, 500, 500]


def test_ctrl_c_in_the_middle_of_a_save_leaves_no_temporary_file(tmp_path, monkeypatch):
    def interrupted(_fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    target = tmp_path / "r00000.pkl"
    try:
        atomic_write(target, b"half a replication")
    except KeyboardInterrupt:
        pass
    assert list(tmp_path.iterdir()) == []  # neither the file nor its temporary


def test_ctrl_c_in_the_middle_of_a_replication_leaves_no_partial_records(tmp_path):
    def interrupted(day):
        if day == 2:
            raise KeyboardInterrupt

    scenario = load_scenario(ROOT / "scenarios" / "teaching_street.yaml")
    try:
        run_one(scenario, 0, tmp_path / "r00000.parquet", interrupted)
    except KeyboardInterrupt:
        pass
    assert list(tmp_path.iterdir()) == []


def test_sigterm_is_handled_as_ctrl_c(tmp_path):
    """``kill`` on a run with workers saves and writes what finished, says so, exits 143, and leaves no worker."""
    out = tmp_path / "out"
    process = start(["run", "scenarios/teaching_street.yaml", "--replications", "500", "--workers", "2"], out)
    wait_for_saved(process, out, 2)
    workers = children(process.pid)
    assert len(workers) == 2
    process.terminate()
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 143, stderr
    assert "Traceback" not in stderr and "gridgov: terminated; the" in stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["partial"].startswith("terminated: results of the replications that finished")
    assert json.loads((out / "provenance.json").read_text())["stopped"] == "terminated"
    assert len(pd.read_csv(out / "replications.csv")) == summary["replications"] >= 2
    assert not any(alive(pid) for pid in workers)


def test_workers_exit_when_their_parent_is_killed(tmp_path):
    """SIGKILL cannot be handled, but the pool's workers notice their parent is gone and stop within seconds
    instead of running on under PID 1."""
    out = tmp_path / "out"
    process = start(["run", "scenarios/teaching_street.yaml", "--replications", "500", "--workers", "2"], out)
    wait_for_saved(process, out, 1)
    workers = children(process.pid)
    assert len(workers) == 2
    process.kill()
    process.communicate(timeout=60)
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(pid) for pid in workers)


def test_ctrl_c_always_stops_a_pool_promptly(tmp_path):
    """Ctrl-C at any moment, a worker perhaps in the middle of sending a replication home, stops the run within
    seconds every time (the executor it replaced could be left waiting for the rest of a message forever)."""
    for attempt in range(6):
        out = tmp_path / str(attempt)
        stopped = interrupt_after(["run", "scenarios/teaching_street.yaml", "--set", "horizon=10d",
                                   "--replications", "500", "--workers", "2"], out, 3 + 2 * attempt, timeout=30)
        assert stopped.returncode == 130, stopped.stderr


def test_ctrl_c_waits_for_a_save_to_finish():
    """Ctrl-C pressed while a replication is being saved takes effect once the save is whole: never halfway
    through the ZIP (which turned it into an unrelated error) and never lost (which let the run go on)."""
    from sim.experiment.signals import held

    steps = []
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)  # as at a terminal, however pytest started
    try:
        with held():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)
            steps.append("saved")
        steps.append("after")
    except KeyboardInterrupt:
        steps.append("stopped")
    finally:
        signal.signal(signal.SIGINT, previous)
    assert steps == ["saved", "stopped"]


def test_an_ignored_ctrl_c_stays_ignored():
    """A run started with Ctrl-C ignored (a background job of a script) is not stopped by it while a step is
    held, and the handlers are as they were afterwards."""
    from sim.experiment.signals import held

    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with held() as hold:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)
        assert hold.caught == []
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)
