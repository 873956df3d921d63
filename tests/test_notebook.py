"""The tutorial notebook runs end to end and shows what its text says.

``notebooks/tutorial.ipynb`` is executed with nbclient in a fresh ``python3``
kernel, once from the repository's ``notebooks/`` folder (where a reader opens
it; it finds the repository by walking up, and nothing need be installed) and
once from a temporary folder outside the repository (where it finds the
repository through the importable ``sim`` package, as after
``pip install -e .``). nbclient fails the execution if any cell raises or runs
past its timeout; the tests then read the outputs the reader would see.
"""

from __future__ import annotations

import base64
import os
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "tutorial.ipynb"
RATES = ("response_rate", "resolution_rate", "satisfaction_rate")
CELL_TIMEOUT = 60  # seconds, per cell
PNG = b"\x89PNG\r\n\x1a\n"  # the signature every PNG file starts with
NUMBER = r"([+-]?\d+\.\d+)"
RATE_LINE = re.compile(rf"^\s*(\w+)\s+{NUMBER}\s+\(95% CI {NUMBER} to {NUMBER}\)$", re.MULTILINE)
DIFFERENCE_LINE = re.compile(rf"^\s*(\w+)\s+{NUMBER}\s+paired 95% CI \[{NUMBER}, {NUMBER}\]"
                             rf"\s+unpaired \[{NUMBER}, {NUMBER}\]\s+(.+)$", re.MULTILINE)


def kernel_env(pythonpath: str | None) -> dict[str, str]:
    """This process's environment with PYTHONPATH set to ``pythonpath``, or removed if None."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    if pythonpath is not None:
        env["PYTHONPATH"] = pythonpath
    return env


@pytest.fixture(scope="module", params=["notebooks-folder", "outside-repository"])
def executed(request, tmp_path_factory):
    """The notebook executed from the given working directory, with the files that directory held before."""
    if request.param == "notebooks-folder":
        cwd, env = NOTEBOOK.parent, kernel_env(None)
    else:
        cwd, env = tmp_path_factory.mktemp("cwd"), kernel_env(str(ROOT))
    before = sorted(cwd.iterdir())
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
                   resources={"metadata": {"path": str(cwd)}}).execute(env=env)
    return notebook, cwd, before


def tagged(notebook, tag: str) -> list:
    """The code cells carrying ``tag`` in their metadata."""
    return [cell for cell in notebook.cells if tag in cell.metadata.get("tags", [])]


def stdout(cell) -> str:
    """What a code cell printed (its stdout stream), as one string."""
    return "".join(out.text for out in cell.outputs if out.output_type == "stream" and out.name == "stdout")


def test_committed_without_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(cell.outputs == [] and cell.execution_count is None for cell in code)


def test_finds_the_repository_and_writes_only_to_a_removed_temporary_folder(executed):
    notebook, cwd, before = executed
    (cell,) = tagged(notebook, "setup")
    printed = stdout(cell)
    repository = re.search(r"^repository: (.+)$", printed, re.MULTILINE).group(1)
    scratch = Path(re.search(r"^writing to: (.+)$", printed, re.MULTILINE).group(1))
    assert Path(repository) == ROOT
    assert not scratch.is_relative_to(ROOT) and not scratch.exists()  # the last cell removed it
    assert sorted(cwd.iterdir()) == before


def test_prints_the_three_rates_with_intervals(executed):
    notebook, _cwd, _before = executed
    (cell,) = tagged(notebook, "rates")
    rates = {name: tuple(map(float, values)) for name, *values in RATE_LINE.findall(stdout(cell))}
    assert set(rates) == set(RATES)
    for mean, low, high in rates.values():
        assert 0 <= mean <= 1 and low <= mean <= high


def test_paired_differences_are_narrower_than_unpaired_and_match_the_text(executed):
    notebook, _cwd, _before = executed
    (cell,) = tagged(notebook, "differences")
    rows = {name: (tuple(map(float, numbers)), verdict.strip())
            for name, *numbers, verdict in DIFFERENCE_LINE.findall(stdout(cell))}
    assert set(rows) == {*RATES, "proactive_share"}
    for (mean, low, high, unpaired_low, unpaired_high), _verdict in rows.values():
        assert low <= mean <= high
        assert high - low < unpaired_high - unpaired_low  # common random numbers cancel shared noise
    # the markdown after the cell: smaller grids find more problems first, solve more, satisfy more, and the
    # response rate rises a little (more matters raised with the grid worker, whose intake is the response)
    (_mean, low, _high, *_), verdict = rows["proactive_share"]
    assert low > 0 and verdict == "higher"
    assert [rows[name][1] for name in RATES] == ["higher", "higher", "higher"]


def test_draws_two_figures(executed):
    notebook, _cwd, _before = executed
    figures = tagged(notebook, "figure")
    images = [out for cell in figures for out in cell.outputs if "image/png" in out.get("data", {})]
    assert len(figures) == 2 and len(images) == 2
    assert all(base64.b64decode(out.data["image/png"]).startswith(PNG) for out in images)
