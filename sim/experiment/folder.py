"""The results folder (CONTRACT.md) through its life: prepared, written, finished.

Preparing a folder creates it, opens its store of saved replications and
clears the results an earlier run left there (the saved replications stay,
to be resumed from, unless ``fresh``). Writing puts the reproducible part in
it: the summary, the tidy tables of ``sim.observe.tables.TABLES``, the base
scenario resolved (``scenario.resolved.yaml``) and every variant's
(``variants/<name>.yaml``), and the per-request records when asked for.
Finishing adds what ran and how: the manifest and the provenance.
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


def variant_file(variant: str) -> str:
    """The file name of a variant's resolved scenario: its name, with characters no file name can hold (and a
    leading dot) written as %XX, so that two variants never share a file."""
    name = "".join(f"%{ord(c):02X}" if c in UNSAFE or ord(c) < 32 else c for c in variant)
    return ("%2E" + name[1:] if name.startswith(".") else name or "%00") + ".yaml"


class ResultsFolder:
    """One results folder: its path, its store of finished replications, and the writing of its files."""

    def __init__(self, path: Path, fresh: bool = False):
        """Prepare ``path``: create it, clear the results of an earlier run (a reused folder must not mix two
        runs) and open its store; ``fresh`` also discards the replications saved there."""
        if path.exists() and not path.is_dir():
            raise ScenarioError("is a file; --out must name a folder (it is created if missing)", path, "--out")
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ScenarioError(f"cannot be created ({exc.strerror}); --out must name a folder that can be made",
                                path, "--out") from None
        for stale in FILES:
            (path / stale).unlink(missing_ok=True)
        shutil.rmtree(path / VARIANTS, ignore_errors=True)
        if fresh:
            shutil.rmtree(path / FOLDER, ignore_errors=True)
        self.path = path
        self.store = Store(path, __version__)

    def write(self, summary: dict[str, Any], base: Scenario, runs: Finished, values: Optional[dict[str, dict]] = None,
              records: bool = False) -> None:
        """Write the reproducible results: the base and every variant resolved, the summary, the tables of
        (variant, scenario, finished replications) ``runs`` (``values``: a sweep point's parameter values, as
        columns) and, with ``records``, the per-request records of every replication in one file."""
        (self.path / "scenario.resolved.yaml").write_text(resolved_yaml(base, __version__), encoding="utf-8")
        (self.path / VARIANTS).mkdir(exist_ok=True)
        for variant, scenario, _reps in runs:
            (self.path / VARIANTS / variant_file(variant)).write_text(resolved_yaml(scenario, __version__),
                                                                      encoding="utf-8")
        write_json(self.path / "summary.json", {**summary, "gridgov_version": __version__})
        write_tables(self.path, runs, values)
        if records:
            merge_parquet([rep.records for _variant, _scenario, reps in runs for rep in reps],
                          self.path / "issues.parquet")

    def write_json(self, name: str, data: dict) -> None:
        write_json(self.path / name, data)

    def write_table(self, name: str, frame) -> None:
        write_table(self.path / name, frame)

    def finish(self, finished: list[tuple[Task, Result]], wall: float, engine: str, started: str,
               reused: int, stopped: str = "") -> None:
        """Write the manifest of the ``finished`` replications and the provenance of this run (``stopped``: why
        it ended early, "" if it did not)."""
        manifest = self.store.manifest(finished).to_csv(index=False, lineterminator="\n")
        atomic_write(self.path / "manifest.csv", manifest.encode())
        write_json(self.path / "provenance.json", provenance(
            __version__, wall, engine, len(finished), sum(rep.events for _, rep in finished), started, reused,
            stopped))
