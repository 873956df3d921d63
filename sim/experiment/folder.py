"""The results folder (CONTRACT.md) through its life: prepared, written, finished.

Preparing a folder creates it and opens its store of saved replications
(emptied first if ``fresh``); it deletes nothing else, and refuses a folder it
would spoil: one holding files gridgov did not write, or the per-request
records of an earlier run that this run would not write again. Writing puts
the reproducible part in it: the summary, the tidy tables of
``sim.observe.tables.TABLES``, the base scenario resolved
(``scenario.resolved.yaml``) and every variant's (``variants/<name>.yaml``),
and the per-request records when asked for, each file whole or not at all.
Finishing adds what ran and how, the provenance last: a folder without
``provenance.json`` is one whose writing was cut short, and readers refuse it.
Only then are the files of the earlier run that this one did not replace
removed, so that the folder never mixes two runs and a run that fails leaves
the earlier results as they were.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Optional

from sim._version import __version__
from sim.observe.tables import TABLES
from sim.scenario.errors import ScenarioError
from sim.scenario.schema import Scenario

from .records import merge_parquet
from .replication import Result
from .store import FOLDER, Store, Task, atomic_write
from .writer import Finished, provenance, resolved_yaml, write_json, write_table, write_tables

VARIANTS = "variants"  # every variant's resolved scenario, one file each
FILES = ("summary.json", "replications.csv", *(f"{table.name}.csv" for table in TABLES), "scenario.resolved.yaml",
         "issues.parquet", "provenance.json", "manifest.csv", "sensitivity.csv", "design.json")
UNSAFE = '/\\:*?"<>|%'  # characters a file name cannot hold on some system, and the escape itself
# what gridgov writes in a results folder (the report's and warm-up figures included), and the files that say a
# folder holds results: anything else is the user's, never deleted and, in a folder without results, refused
OURS = {*FILES, VARIANTS, FOLDER, "figures", "report.html", "report.zh.html"}
MARKS = ("summary.json", "provenance.json", "manifest.csv", FOLDER)


def variant_file(variant: str) -> str:
    """The file name of a variant's resolved scenario: its name, with characters no file name can hold (and a
    leading dot) written as %XX, so that two variants never share a file."""
    name = "".join(f"%{ord(c):02X}" if c in UNSAFE or ord(c) < 32 else c for c in variant)
    return ("%2E" + name[1:] if name.startswith(".") else name or "%00") + ".yaml"


class ResultsFolder:
    """One results folder: its path, its store of finished replications, and the writing of its files."""

    def __init__(self, path: Path, fresh: bool = False, records: bool = False):
        """Prepare ``path``: create it and open its store; ``fresh`` first discards the replications saved there.
        ``records``: whether this run writes ``issues.parquet``; if not, and an earlier run left one, refuse
        rather than lose it (``--records`` writes it again, ``--fresh`` starts over)."""
        if path.exists() and not path.is_dir():
            raise ScenarioError("is a file; --out must name a folder (it is created if missing)", path, "--out")
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ScenarioError(f"cannot be created ({exc.strerror}); --out must name a folder that can be made",
                                path, "--out") from None
        try:
            foreign = sorted(entry.name for entry in path.iterdir() if entry.name not in OURS)
        except OSError as exc:
            raise ScenarioError(f"cannot be read ({exc.strerror}); --out must name a folder gridgov can write in",
                                path, "--out") from None
        if foreign and not any((path / name).exists() for name in MARKS):
            raise ScenarioError(
                f"holds files gridgov did not write ({', '.join(foreign[:3])}{', ...' if len(foreign) > 3 else ''}) "
                "and no results: give --out a new or empty folder, or a results folder gridgov wrote", path, "--out")
        if (path / "issues.parquet").exists() and not records and not fresh:
            raise ScenarioError(
                "holds issues.parquet, every request's record from an earlier run, which this run (without "
                "--records) would not write again: add --records to write it afresh, --fresh to start over "
                "(deleting it), or --out another folder", path, "--out")
        if fresh:
            shutil.rmtree(path / FOLDER, ignore_errors=True)
        self.path = path
        try:
            self.store = Store(path, __version__)
        except OSError as exc:   # a read-only place (/proc, a mounted archive): said now, not after the run
            raise ScenarioError(f"cannot be written ({exc.strerror}); --out must name a folder gridgov can write in",
                                path, "--out") from None
        self.written: set[str] = set()   # the files of FILES, and variants, this run wrote

    def write(self, summary: dict[str, Any], base: Scenario, runs: Finished, values: Optional[dict[str, dict]] = None,
              records: bool = False) -> None:
        """Write the reproducible results: the base and every variant resolved, the summary, the tables of
        (variant, scenario, finished replications) ``runs`` (``values``: a sweep point's parameter values, as
        columns) and, with ``records``, the per-request records of every replication in one file."""
        (self.path / "provenance.json").unlink(missing_ok=True)   # incomplete until ``finish`` writes it again
        self._write("scenario.resolved.yaml", resolved_yaml(base, __version__).encode())
        (self.path / VARIANTS).mkdir(exist_ok=True)
        for variant, scenario, _reps in runs:
            self._write(f"{VARIANTS}/{variant_file(variant)}", resolved_yaml(scenario, __version__).encode())
        self.write_json("summary.json", {**summary, "gridgov_version": __version__})
        write_tables(self.path, runs, values)
        self.written |= {"replications.csv", *(f"{table.name}.csv" for table in TABLES)}
        if records:
            merge_parquet([rep.records for _variant, _scenario, reps in runs for rep in reps],
                          self.path / "issues.parquet")
            self.written.add("issues.parquet")

    def _write(self, name: str, data: bytes) -> None:
        atomic_write(self.path / name, data)
        self.written.add(name)

    def write_json(self, name: str, data: dict) -> None:
        write_json(self.path / name, data)
        self.written.add(name)

    def write_table(self, name: str, frame) -> None:
        write_table(self.path / name, frame)
        self.written.add(name)

    def finish(self, finished: list[tuple[Task, Result]], wall: float, engine: str, started: str,
               reused: int, stopped: str = "") -> None:
        """Write the manifest of the ``finished`` replications and the provenance of this run (``stopped``: why
        it ended early, "" if it did not)."""
        if not finished:   # nothing ran: the earlier results stay as they were, whole
            return
        manifest = self.store.manifest(finished).to_csv(index=False, lineterminator="\n")
        self._write("manifest.csv", manifest.encode())
        for name in FILES:   # the earlier run's files this one did not replace (a sweep's, after a compare)
            if name not in self.written and name != "provenance.json":
                (self.path / name).unlink(missing_ok=True)
        if (self.path / VARIANTS).is_dir():
            for path in (self.path / VARIANTS).glob("*.yaml"):
                if f"{VARIANTS}/{path.name}" not in self.written:
                    path.unlink()
        write_json(self.path / "provenance.json", provenance(
            __version__, wall, engine, len(finished), sum(rep.events for _, rep in finished), started, reused,
            stopped))
