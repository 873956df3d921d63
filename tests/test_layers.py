"""The layers of ``sim`` and who may import whom (README, "The code"): scenario -> model -> observe ->
experiment, then ``analysis`` and the command line. Imports are read from the code (``ast``), so a test fails
on the first import against these directions; a model watched by nobody runs exactly as a recorded one."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from sim import load_scenario, load_variants, simulate
from sim.model import Model, Observer, Setting
from sim.model.observer import TRACE
from sim.observe.tables import TABLES

ROOT = Path(__file__).resolve().parent.parent

# what each part of the code may import of gridgov: a layer's modules, or with "sim" the package's face alone
# (``from sim import load_scenario``); ``sim._version`` imports nothing and is open to all
ALLOWED = {
    "sim.scenario": ("sim.scenario",),
    "sim.model": ("sim.scenario", "sim.model"),
    "sim.observe": ("sim.scenario", "sim.model", "sim.observe"),
    "sim.experiment": ("sim.scenario", "sim.model", "sim.observe", "sim.experiment"),
    "sim": ("sim", "sim.scenario", "sim.experiment"),  # the face, and the one-version path sim.engines
    # analysis reads results and runs experiments; of the model it knows only the vocabulary its observers read
    "analysis": ("sim", "sim.scenario", "sim.model.observer", "sim.model.request", "sim.observe", "sim.experiment",
                 "analysis"),
    "run": ("sim", "sim.scenario", "sim.experiment", "analysis"),
    "bench": ("sim", "sim.scenario", "sim.model", "sim.experiment", "analysis", "bench"),
}
FORBIDDEN_THIRD_PARTY = {"analysis": ("simpy",)}  # analysis never drives the model


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in a file, relative imports resolved; ``from x import y`` also yields
    ``x.y`` (y may be a module)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([node.module] if node.module else []))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def part_of(name: str) -> str:
    """The part of ``ALLOWED`` a module belongs to: the longest prefix that is a part."""
    if name.startswith("bench"):
        return "bench"
    return max((part for part in ALLOWED if name == part or name.startswith(part + ".")), key=len)


def gridgov_module(target: str) -> str | None:
    """The module of this repository an import names (``sim.experiment.Experiment`` -> ``sim.experiment``), or
    None for another package's."""
    parts = target.split(".")
    for end in range(len(parts), 0, -1):
        base = ROOT.joinpath(*parts[:end])
        if base.with_suffix(".py").is_file() or (base / "__init__.py").is_file():
            return ".".join(parts[:end])
    return None


def may_import(part: str, module: str) -> bool:
    if module == "sim._version":
        return True
    return any(module == "sim" if allowed == "sim" else module == allowed or module.startswith(allowed + ".")
               for allowed in ALLOWED[part])


def sources() -> list[Path]:
    return sorted([*ROOT.joinpath("sim").rglob("*.py"), *ROOT.joinpath("analysis").rglob("*.py"),
                   ROOT / "run.py", *ROOT.joinpath("bench").glob("*.py")])


def test_every_import_goes_down_the_layers():
    wrong = []
    for path in sources():
        part = part_of(module_name(path))
        for line, target in imports(path):
            module = gridgov_module(target) if target.split(".")[0] in ("sim", "analysis", "run", "bench") \
                else None
            forbidden = target.split(".")[0] in FORBIDDEN_THIRD_PARTY.get(part, ())
            if forbidden or (module is not None and not may_import(part, module)):
                wrong.append(f"{path.relative_to(ROOT)}:{line} ({part}) imports {target}")
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)


def test_the_layers_are_folders_with_their_rules_written_down():
    for layer in ("scenario", "model", "observe", "experiment"):
        doc = ast.get_docstring(ast.parse((ROOT / "sim" / layer / "__init__.py").read_text(encoding="utf-8")))
        assert doc and "Imports:" in doc, f"sim/{layer}/__init__.py does not say what it may import"
    loose = sorted(p.name for p in (ROOT / "sim").glob("*.py"))
    assert loose == ["__init__.py", "_version.py", "engines.py"], loose


def test_the_checker_catches_an_import_against_the_layers():
    """The walk above sees a model module importing the observer's layer (relative imports resolved)."""
    fake = ROOT / "sim" / "model" / "_layer_probe.py"
    fake.write_text("from ..observe import recorder\nimport simpy\n", encoding="utf-8")
    try:
        part = part_of(module_name(fake))
        modules = [gridgov_module(target) for _line, target in imports(fake)]
        assert modules == ["sim.observe.recorder", None] and part == "sim.model"
        assert not may_import(part, "sim.observe.recorder") and may_import(part, "sim.scenario.schema")
        assert may_import("analysis", "sim") and not may_import("analysis", "sim.model.model")
    finally:
        fake.unlink()


def _same(a, b) -> bool:
    return a == b or (a != a and b != b)  # NaN: has not happened, in both


# a request's attributes and the columns of its record (issues.parquet) that hold them
LIFE = {"raised": "raised_min", "ticket": "ticket_min", "response": "response_min", "closed": "closed_min",
        "evaluated": "evaluated_min", "attempts": "call_attempts", "wait": "call_wait_min", "path": "path",
        "bounces": "bounces", "whistle": "whistle", "reports": "whistle_reports", "late_reports": "whistle_late",
        "idle_reports": "whistle_idle", "solved": "solved", "satisfied": "satisfied", "outcome": "outcome"}


@pytest.mark.parametrize("variant", ["base", "whistle-2h", "precise-dispatch"])
def test_a_model_nobody_watches_runs_as_a_recorded_one(variant):
    """The observer only watches: with the do-nothing ``Observer`` the model schedules the same events, and
    every request gets the same timestamps and outcomes, as with the recorder."""
    scenario = load_variants(ROOT / "scenarios/teaching_street.yaml", ["horizon=20d"])[variant]
    recorded = simulate(scenario, records=True)
    silent = Model(Setting.of(scenario), Observer())
    silent.run()
    assert next(silent.env._eid) == recorded.events
    lives = []

    class Keeper(Observer):  # does nothing either, but keeps each request to read it at the end
        def raised(self, now, req):
            lives.append(req)

        def asked(self, now, req):
            lives.append(req)

    kept = Model(Setting.of(scenario), Keeper())
    kept.run()
    assert next(kept.env._eid) == recorded.events
    assert kept.governance.evaluations == silent.governance.evaluations
    assert sorted(req.id for req in lives) == sorted(recorded.issues["id"])
    rows = recorded.issues.set_index("id")
    for req in lives:
        row = rows.loc[req.id]
        for attribute, column in LIFE.items():
            assert _same(getattr(req, attribute), row[column]), (req.id, attribute, getattr(req, attribute),
                                                                 row[column])


def test_a_trace_speaks_only_the_declared_vocabulary():
    scenario = load_scenario(ROOT / "scenarios/teaching_street.yaml", ["horizon=20d"])
    trace = simulate(scenario, trace=True).trace
    seen = set()
    for _minute, _request, event, values in trace:
        assert event in TRACE, event
        assert len(values) == len(TRACE[event]), (event, values)
        seen.add(event)
    assert {"raised", "ticket", "responded", "closed", "evaluated", "whistle", "on_site"} <= seen


def test_every_table_is_built_with_the_columns_it_declares():
    scenario = load_scenario(ROOT / "scenarios/teaching_street.yaml", ["horizon=10d"])
    result = simulate(scenario)
    assert list(result.tables) == [table.name for table in TABLES]
    for table in TABLES:
        assert tuple(result.tables[table.name].columns) == table.columns, table.name
        assert getattr(result, table.name) is result.tables[table.name]
