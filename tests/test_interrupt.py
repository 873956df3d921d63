"""A run interrupted half-way keeps every replication that had finished."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent


def test_ctrl_c_saves_finished_replications(tmp_path):
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "run.py", "run", "scenarios/teaching_street.yaml", "--replications", "500", "--out", str(out)],
        cwd=ROOT, stderr=subprocess.PIPE, text=True, start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    done = 0
    for line in process.stderr:  # wait until two replications have finished, then press Ctrl-C
        done += "done:" in line
        if done == 2:
            os.killpg(process.pid, signal.SIGINT)
            break
    rest = process.communicate(timeout=120)[1]
    assert process.returncode == 130, rest
    assert "Traceback" not in rest and "interrupted" in rest
    summary = json.loads((out / "summary.json").read_text())
    saved = summary["replications"]
    assert 2 <= saved < 500
    reps = pd.read_csv(out / "replications.csv")
    assert list(reps["replication"]) == list(range(saved))
    assert summary["metrics"]["requests"]["n"] == saved
    assert not (out / "replications.partial.csv").exists()
