"""The tutorial notebook runs end to end, shows what its text says, and is committed as it runs.

``notebooks/tutorial.ipynb`` is committed with its outputs (figures included), so that it reads without running
it; ``jupyter execute --inplace notebooks/tutorial.ipynb`` (nbclient's command) makes them again. Here it is
executed with nbclient in a fresh ``python3`` kernel, once from the repository's ``notebooks/`` folder (where a
reader opens it; it finds the repository by walking up, and nothing need be installed) and once from a temporary
folder outside the repository (where it finds the repository through the importable ``sim`` package, as after
``pip install -e .``). nbclient fails the execution if any cell raises or runs past its timeout; the tests then
read the outputs the reader would see, and check that the committed ones are the same (the simulation is
deterministic, so a notebook whose outputs differ from a fresh run's is stale). A probe cell appended to the
executed copy (never to the file) reports what the notebook prints nowhere: the folders it used, and what its
comparison figure plots.
"""

from __future__ import annotations

import base64
import json
import os
import re
import tempfile
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "tutorial.ipynb"
RATES = ("response_rate", "resolution_rate", "satisfaction_rate")
CELL_TIMEOUT = 60  # seconds, per cell
MAX_BYTES = 1_500_000  # the committed notebook, figures included
PNG = b"\x89PNG\r\n\x1a\n"  # the signature every PNG file starts with
NUMBER = r"([+-]?\d+\.\d+)"
RATE_LINE = re.compile(rf"^\s*(\w+)\s+{NUMBER}\s+\(95% CI {NUMBER} to {NUMBER}\)$", re.MULTILINE)
DIFFERENCE_LINE = re.compile(rf"^\s*(\w+)\s+{NUMBER}\s+paired 95% CI \[{NUMBER}, {NUMBER}\]"
                             rf"\s+unpaired \[{NUMBER}, {NUMBER}\]\s+(.+)$", re.MULTILINE)
PLOTTED_LINE = re.compile(rf"^\s*(\w+)\s+{NUMBER} pp\s+paired 95% CI \[{NUMBER}, {NUMBER}\]\s+(.+)$", re.MULTILINE)
# appended to the executed copy: the folders the notebook used, and the data of its last figure (the comparison)
PROBE = """import json as _json
from matplotlib.collections import LineCollection as _Segments
from matplotlib.container import ErrorbarContainer as _Errorbar
_bars = [c for c in ax.containers if isinstance(c, _Errorbar) and c.has_xerr and c.lines[0] is not None]
print(_json.dumps({
    "repository": str(ROOT), "scratch": str(OUT), "xlabel": ax.get_xlabel(),
    "vertical_lines_at": [float(x) for line in ax.get_lines() for x in set(line.get_xdata())
                          if len(set(line.get_xdata())) == 1],
    "points": [float(c.lines[0].get_xdata()[0]) for c in _bars],
    "intervals": [[float(v) for v in c.lines[2][0].get_segments()[0][:, 0]] for c in _bars],
    "unpaired": [[float(v) for v in s[:, 0]] for coll in ax.collections if isinstance(coll, _Segments)
                 and not any(coll is c.lines[2][0] for c in _bars) for s in coll.get_segments()],
    "labels": [t.get_text() for t in ax.texts],
    "differences": {name: {key: 100 * d[key] for key in
                           ("mean", "ci_low", "ci_high", "unpaired_ci_low", "unpaired_ci_high")}
                    for name, d in result["differences"][VARIANT].items()},
    "shown": globals().get("SHOWN"),
}))"""


def kernel_env(pythonpath: str | None) -> dict[str, str]:
    """This process's environment with PYTHONPATH set to ``pythonpath``, or removed if None."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    if pythonpath is not None:
        env["PYTHONPATH"] = pythonpath
    return env


@pytest.fixture(scope="module", params=["notebooks-folder", "outside-repository"])
def executed(request, tmp_path_factory):
    """The notebook executed from the given working directory, with the probe cell appended, and the files that
    directory held before."""
    if request.param == "notebooks-folder":
        cwd, env = NOTEBOOK.parent, kernel_env(None)
    else:
        cwd, env = tmp_path_factory.mktemp("cwd"), kernel_env(str(ROOT))
    before = sorted(cwd.iterdir())
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(PROBE, metadata={"tags": ["probe"]}))
    NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
                   resources={"metadata": {"path": str(cwd)}}).execute(env=env)
    return notebook, cwd, before


@pytest.fixture(scope="module")
def committed():
    return nbformat.read(NOTEBOOK, as_version=4)


def tagged(notebook, tag: str) -> list:
    """The code cells carrying ``tag`` in their metadata."""
    return [cell for cell in notebook.cells if tag in cell.metadata.get("tags", [])]


def code_cells(notebook) -> list:
    """The notebook's own code cells (not the probe)."""
    return [cell for cell in notebook.cells
            if cell.cell_type == "code" and "probe" not in cell.metadata.get("tags", [])]


def stdout(cell) -> str:
    """What a code cell printed (its stdout stream), as one string."""
    return "".join(out.text for out in cell.outputs if out.output_type == "stream" and out.name == "stdout")


def probed(notebook) -> dict:
    (cell,) = tagged(notebook, "probe")
    return json.loads(stdout(cell))


def images(cells) -> list[bytes]:
    return [base64.b64decode(out.data["image/png"]) for cell in cells for out in cell.outputs
            if "image/png" in out.get("data", {})]


def shown(cell) -> list:
    """What a code cell shows in words: its streams (consecutive pieces of one stream joined, as the kernel may
    split them anywhere), results and displays without their PNG bytes (which vary with matplotlib's version;
    the figure's size and axes are in its text), and errors."""
    out: list = []
    for output in cell.outputs:
        if output.output_type == "stream":
            if out and out[-1][:2] == ("stream", output.name):
                out[-1] = ("stream", output.name, out[-1][2] + output.text)
            else:
                out.append(("stream", output.name, output.text))
        elif output.output_type in ("execute_result", "display_data"):
            out.append((output.output_type, sorted(output.data),
                        {kind: value for kind, value in output.data.items() if kind != "image/png"}))
        else:
            out.append((output.output_type, output.get("ename"), output.get("evalue")))
    return out


def flat(pairs) -> list[float]:
    return [x for pair in pairs for x in pair]


def test_committed_with_outputs_in_order_and_small(committed):
    nbformat.validate(committed)
    code = code_cells(committed)
    assert code and all(cell.outputs for cell in code), "run `jupyter execute --inplace notebooks/tutorial.ipynb`"
    assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1))  # top to bottom, once
    assert not [out for cell in code for out in cell.outputs if out.output_type == "error"]
    figures = images(tagged(committed, "figure"))
    assert len(figures) == 2 and all(png.startswith(PNG) for png in figures)
    assert NOTEBOOK.stat().st_size < MAX_BYTES
    printed = json.dumps([cell.outputs for cell in code])
    assert str(ROOT) not in printed and tempfile.gettempdir() + os.sep not in printed  # no path of the machine


def test_committed_outputs_are_what_a_run_prints(executed, committed):
    notebook, _cwd, _before = executed
    ran, kept = code_cells(notebook), code_cells(committed)
    assert [cell.source for cell in ran] == [cell.source for cell in kept]
    assert [cell.execution_count for cell in ran] == [cell.execution_count for cell in kept]
    for run_cell, kept_cell in zip(ran, kept):
        assert shown(run_cell) == shown(kept_cell), (
            f"the committed outputs of the cell starting {kept_cell.source.splitlines()[0]!r} are stale: "
            "run `jupyter execute --inplace notebooks/tutorial.ipynb`")


def test_finds_the_repository_and_writes_only_to_a_removed_temporary_folder(executed):
    notebook, cwd, before = executed
    probe = probed(notebook)
    scratch = Path(probe["scratch"])
    assert Path(probe["repository"]) == ROOT
    assert not scratch.is_relative_to(ROOT) and not scratch.exists()  # the last cell removed it
    assert stdout(code_cells(notebook)[-1]) == "removed the temporary folder\n"
    assert sorted(cwd.iterdir()) == before


def test_prints_the_three_rates_with_intervals(executed):
    notebook, _cwd, _before = executed
    (cell,) = tagged(notebook, "rates")
    rates = {name: tuple(map(float, values)) for name, *values in RATE_LINE.findall(stdout(cell))}
    assert set(rates) == set(RATES)
    for mean, low, high in rates.values():
        assert 0 <= mean <= 1 and low <= mean <= high


def differences(notebook) -> dict:
    (cell,) = tagged(notebook, "differences")
    return {name: (tuple(map(float, numbers)), verdict.strip())
            for name, *numbers, verdict in DIFFERENCE_LINE.findall(stdout(cell))}


def test_paired_differences_are_narrower_than_unpaired_and_match_the_text(executed):
    notebook, _cwd, _before = executed
    rows = differences(notebook)
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
    pngs = images(figures)
    assert len(figures) == 2 and len(pngs) == 2 and all(png.startswith(PNG) for png in pngs)


def test_comparison_figure_draws_the_paired_differences_in_points_against_zero(executed):
    """The second figure answers section 3's question: each metric's paired difference (variant minus base,
    replication by replication) with its paired 95% interval, in percentage points, a line at zero, and each
    labelled clear or not as the printed verdict says; not each arm's rate with its own interval."""
    notebook, _cwd, _before = executed
    probe = probed(notebook)
    assert probe["shown"] == [*RATES, "proactive_share"]
    expected = [probe["differences"][name] for name in probe["shown"]]
    assert probe["points"] == pytest.approx([d["mean"] for d in expected], abs=1e-9)
    assert flat(probe["intervals"]) == pytest.approx(flat([d["ci_low"], d["ci_high"]] for d in expected), abs=1e-9)
    assert flat(probe["unpaired"]) == pytest.approx(
        flat([d["unpaired_ci_low"], d["unpaired_ci_high"]] for d in expected), abs=1e-9)
    assert 0.0 in probe["vertical_lines_at"] and "percentage points" in probe["xlabel"]
    # what the cell prints is what it plots, and agrees with the differences printed in section 3
    (cell,) = tagged(notebook, "paired-figure")
    plotted = {name: (tuple(map(float, numbers)), verdict.strip())
               for name, *numbers, verdict in PLOTTED_LINE.findall(stdout(cell))}
    rows = differences(notebook)
    assert list(plotted) == probe["shown"]
    for name, (numbers, verdict) in plotted.items():
        assert numbers == pytest.approx([100 * x for x in rows[name][0][:3]], abs=0.006)
        assert verdict == rows[name][1]
        label = next(text for text in probe["labels"] if text.startswith(f"{numbers[0]:+.2f} pp"))
        assert label.endswith(verdict if verdict == "no clear difference" else f"clearly {verdict}")
