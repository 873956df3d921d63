"""Finished replications on disk: what makes a long experiment safe to interrupt and resume.

Each replication is saved the moment it finishes, in a file of its own under
``<results>/.replications/``, written to a temporary name and renamed, so a
crash never leaves half a file. A file is named by the hash of everything
that determines its numbers (the resolved scenario, the package version and
the code that decides the numbers, ``MODEL_CODE``) and its replication, so
rerunning the same command finds it and skips the work, while a changed
parameter, version or model never reuses a stale result. The
manifest (``manifest.csv``) lists, for every row of the results, the
scenario hash, version, code hash and branch of the seed tree it came from.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.scenario.schema import Scenario

FOLDER = ".replications"


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of what in a resolved scenario shapes its numbers (not its name, description or variants)."""
    data = scenario.model_dump(mode="json", exclude={"name", "description", "variants", "gridgov_version"})
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=True).encode()).hexdigest()


# What decides a replication's numbers, besides its resolved scenario (hashed apart): the model, the observer
# that computes the metrics and tables, and the scenario code that fills defaults, draws durations and fixes
# the clock's units. Not the experiment machinery (engines, store, writer, progress), whose edits never change a
# number.
MODEL_CODE = ("model/*.py", "observe/*.py", "scenario/schema.py", "scenario/distributions.py",
              "scenario/durations.py")


@functools.cache
def source_hash() -> str:
    """SHA-256 of the code that decides the numbers (``MODEL_CODE``): a result is reused only by the code that
    made it, and a cluster worker running other code is caught (the version number alone misses edits between
    releases)."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent.parent
    for path in sorted(path for pattern in MODEL_CODE for path in root.glob(pattern)):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class Task:
    """One replication of one named scenario (a variant, or a point of a sweep)."""

    variant: str
    scenario: Scenario
    replication: int


def seed_tree(task: Task) -> str:
    """Where the task's random numbers come from: ``seed/branch``, each purpose a stream below it (streams.py)."""
    return f"{task.scenario.seed}/{task.replication + 1}"


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``path`` so that it is either absent or complete, never half-written; interrupted (Ctrl-C in the
    middle of a save), the temporary file goes too."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


class Store:
    """The finished replications of one results folder, keyed by scenario hash, version and replication."""

    def __init__(self, out: Path, version: str):
        self.folder = out.resolve() / FOLDER  # absolute: workers elsewhere write records here
        self.folder.mkdir(parents=True, exist_ok=True)
        for leftover in self.folder.glob(".*.tmp"):  # what a killed run was writing
            leftover.unlink(missing_ok=True)
        self.version = version
        self._hashes: dict[int, tuple[Scenario, str]] = {}

    def hash(self, scenario: Scenario) -> str:
        """The scenario's hash, computed once per scenario object."""
        kept = self._hashes.get(id(scenario))
        if kept is None or kept[0] is not scenario:
            kept = self._hashes[id(scenario)] = (scenario, scenario_hash(scenario))
        return kept[1]

    def stem(self, task: Task) -> str:
        """The file name (without suffix) of a task's results."""
        key = f"{self.version}\n{source_hash()}\n{self.hash(task.scenario)}"
        return f"{hashlib.sha256(key.encode()).hexdigest()[:20]}-r{task.replication:05d}"

    def records_path(self, task: Task) -> Path:
        """Where a task's per-request records go, if they are asked for."""
        return self.folder / f"{self.stem(task)}.parquet"

    def load(self, task: Task, records: bool = False):
        """The task's saved replication, or None if it has not finished (or lacks the records asked for)."""
        path = self.folder / f"{self.stem(task)}.pkl"
        if not path.exists():
            return None
        try:
            rep = pickle.loads(path.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None  # unreadable (another version's layout): run it again
        if records:
            if not self.records_path(task).exists():
                return None
            rep.records = self.records_path(task)  # wherever the folder is now
        return rep

    def save(self, task: Task, rep) -> None:
        """Keep a finished replication (atomically)."""
        atomic_write(self.folder / f"{self.stem(task)}.pkl", pickle.dumps(rep, protocol=pickle.HIGHEST_PROTOCOL))

    def manifest(self, finished: list[tuple[Task, object]]) -> pd.DataFrame:
        """One row per finished task: which run it is and exactly what produced it."""
        return pd.DataFrame([{
            "variant": task.variant, "replication": task.replication, "scenario": task.scenario.name,
            "scenario_hash": self.hash(task.scenario), "gridgov_version": self.version, "code_hash": source_hash(),
            "seed": task.scenario.seed, "seed_tree": seed_tree(task),
            "file": f"{FOLDER}/{self.stem(task)}.pkl",
        } for task, _ in finished], columns=["variant", "replication", "scenario", "scenario_hash",
                                             "gridgov_version", "code_hash", "seed", "seed_tree", "file"])

