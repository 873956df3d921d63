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

A file holds data only, never code: a ZIP archive (uncompressed) of ``meta.json`` (its layout, its key, the
replication, the metrics, events and code hash) and one Arrow IPC stream per table of ``TABLES``. A results
folder may come from someone else, and unpickling a file runs whatever its author chose; reading these runs
nothing. A file that cannot be read or is not the replication its name says (damaged, another layout, another
key) is set aside in ``.replications/rejected/`` and the replication run again; the pickles (``.pkl``) of
earlier versions are never read.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

from sim.observe.tables import TABLES
from sim.scenario.schema import Scenario

FOLDER = ".replications"
REJECTED = "rejected"  # below FOLDER: the files set aside, kept for the curious rather than deleted
SUFFIX = ".zip"
LAYOUT = "gridgov-replication/1"  # meta.json's "layout": changed whenever what a file holds changes


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


def encode_table(frame: pd.DataFrame) -> bytes:
    """A table as an Arrow IPC stream, which keeps its dtypes (pandas' ``str``, ``Int64``, datetimes, booleans)
    and values exactly through the pandas metadata Arrow stores with it."""
    table = pa.Table.from_pandas(frame, nthreads=1)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def decode_table(data: bytes) -> pd.DataFrame:
    """The table ``encode_table`` wrote, validated in full before it is converted, so that a crafted stream is
    refused rather than read out of bounds."""
    table = pa.ipc.open_stream(data).read_all()
    table.validate(full=True)
    return table.to_pandas(use_threads=False)


def encode(key: str, rep) -> bytes:
    """A replication's file: ``meta.json`` and each table; the scenario is not kept, its hash is in ``key``.
    Metrics go to JSON as Python writes them (``repr``: floats exact; NaN and infinities as ``NaN`` and
    ``Infinity``)."""
    meta = {"layout": LAYOUT, "key": key, "replication": rep.replication, "metrics": rep.metrics,
            "events": rep.events, "code": rep.code}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("meta.json", json.dumps(meta))
        for name, frame in rep.tables.items():
            archive.writestr(f"{name}.arrow", encode_table(frame))
    return buffer.getvalue()


def member(archive: zipfile.ZipFile, name: str) -> bytes:
    """A member of a replication's file; stored, never compressed, so that no small file unpacks into a huge one."""
    info = archive.getinfo(name)
    if info.compress_type != zipfile.ZIP_STORED:
        raise ValueError(f"{name} is compressed")
    return archive.read(info)


def decode(path: Path, key: str, replication: int) -> tuple[dict, dict[str, pd.DataFrame]]:
    """The meta and tables of the file ``path``, which must be replication ``replication`` under ``key``;
    raises on anything else."""
    with zipfile.ZipFile(path) as archive:
        meta = json.loads(member(archive, "meta.json"))
        if (meta["layout"], meta["key"], meta["replication"]) != (LAYOUT, key, replication):
            raise ValueError("not this replication")
        if not (isinstance(meta["events"], int) and all(isinstance(value, (int, float))
                                                        for value in meta["metrics"].values())):
            raise ValueError("counts or metrics that are not numbers")
        return meta, {table.name: decode_table(member(archive, f"{table.name}.arrow")) for table in TABLES}


class Store:
    """The finished replications of one results folder, keyed by scenario hash, version and replication;
    ``rejected`` counts the files it has set aside."""

    def __init__(self, out: Path, version: str):
        self.folder = out.resolve() / FOLDER  # absolute: workers elsewhere write records here
        self.folder.mkdir(parents=True, exist_ok=True)
        for leftover in self.folder.glob(".*.tmp"):  # what a killed run was writing
            leftover.unlink(missing_ok=True)
        self.version = version
        self.rejected = 0
        self._hashes: dict[int, tuple[Scenario, str]] = {}

    def hash(self, scenario: Scenario) -> str:
        """The scenario's hash, computed once per scenario object."""
        kept = self._hashes.get(id(scenario))
        if kept is None or kept[0] is not scenario:
            kept = self._hashes[id(scenario)] = (scenario, scenario_hash(scenario))
        return kept[1]

    def key(self, task: Task) -> str:
        """SHA-256 of what decides a task's numbers besides its replication: version, code and scenario."""
        return hashlib.sha256(f"{self.version}\n{source_hash()}\n{self.hash(task.scenario)}".encode()).hexdigest()

    def stem(self, task: Task) -> str:
        """The file name (without suffix) of a task's results."""
        return f"{self.key(task)[:20]}-r{task.replication:05d}"

    def path(self, task: Task) -> Path:
        """Where a task's finished replication is saved."""
        return self.folder / f"{self.stem(task)}{SUFFIX}"

    def records_path(self, task: Task) -> Path:
        """Where a task's per-request records go, if they are asked for."""
        return self.folder / f"{self.stem(task)}.parquet"

    def load(self, task: Task, records: bool = False):
        """The task's saved replication, or None if it has not finished (or lacks the records asked for). A file
        that fails to load, whatever the error, is set aside, so that the replication is run again."""
        from .replication import Result  # imported here, not above: replication imports this module

        path = self.path(task)
        if not path.exists() or (records and not self.records_path(task).exists()):
            return None
        try:
            meta, tables = decode(path, self.key(task), task.replication)
        except Exception:
            self.set_aside(path)
            return None
        return Result(task.scenario, task.replication, meta["metrics"], tables, events=meta["events"],
                      records=self.records_path(task) if records else None, code=meta["code"])

    def set_aside(self, path: Path) -> None:
        """Move a file that failed to load to ``rejected/`` (its place is taken when the replication is saved
        again) and count it."""
        (self.folder / REJECTED).mkdir(exist_ok=True)
        os.replace(path, self.folder / REJECTED / path.name)
        self.rejected += 1

    def save(self, task: Task, rep) -> None:
        """Keep a finished replication (atomically): its metrics, tables, events and code hash, all a worker
        returns (``run_one`` keeps no requests or trace in memory)."""
        atomic_write(self.path(task), encode(self.key(task), rep))

    def manifest(self, finished: list[tuple[Task, object]]) -> pd.DataFrame:
        """One row per finished task: which run it is and exactly what produced it."""
        return pd.DataFrame([{
            "variant": task.variant, "replication": task.replication, "scenario": task.scenario.name,
            "scenario_hash": self.hash(task.scenario), "gridgov_version": self.version, "code_hash": source_hash(),
            "seed": task.scenario.seed, "seed_tree": seed_tree(task),
            "file": f"{FOLDER}/{self.path(task).name}",
        } for task, _ in finished], columns=["variant", "replication", "scenario", "scenario_hash",
                                             "gridgov_version", "code_hash", "seed", "seed_tree", "file"])
