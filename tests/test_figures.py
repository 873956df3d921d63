"""Comparison figures: each renders something, colours follow the palette, save writes both formats."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.container import ErrorbarContainer
from matplotlib.figure import Figure

from analysis import figures, style
from analysis.results import load_results
from sim.errors import ScenarioError

ROOT = Path(__file__).resolve().parents[1]
FIGURES = [figures.rates_figure, figures.differences_figure, figures.timeseries_figure,
           figures.funnel_figure, figures.rank_heatmap]


def _run(*args: str) -> None:
    subprocess.run([sys.executable, "run.py", *args, "--quiet"], cwd=ROOT, check=True)


@pytest.fixture(scope="module")
def comparison(tmp_path_factory):
    out = tmp_path_factory.mktemp("compare")
    _run("compare", "scenarios/teaching_street.yaml", "--set", "horizon=10d", "-r", "3",
         "--variant", "grid-300", "--variant", "more-agents", "--out", str(out))
    return load_results(out)


def _pixels(fig: Figure) -> np.ndarray:
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[..., :3]


def _errorbar_colours(fig: Figure) -> dict[str, str]:
    return {c.get_label(): to_hex(c.lines[0].get_color())
            for ax in fig.axes for c in ax.containers if isinstance(c, ErrorbarContainer)}


def test_results_load_variants_base_first(comparison):
    assert comparison.variants == ["base", "grid-300", "more-agents"]
    assert str(comparison.timeseries["date"].dtype).startswith("datetime64")


@pytest.mark.parametrize("plot", FIGURES, ids=lambda f: f.__name__)
def test_every_figure_draws_something(comparison, plot):
    fig = plot(comparison)
    assert isinstance(fig, Figure)
    assert _pixels(fig).std() > 5


def test_palette_is_fixed_and_shared_between_figures(comparison):
    colours = style.palette(comparison.variants)
    assert colours == style.palette(comparison.variants)
    assert colours["base"] == "#4d4d4d" and len(set(colours.values())) == 3
    for plot in (figures.rates_figure, figures.differences_figure):
        drawn = _errorbar_colours(plot(comparison))
        assert drawn and all(colours[variant] == colour for variant, colour in drawn.items())


def test_palette_has_distinct_colours_beyond_tab10():
    names = ["base"] + [f"v{i}" for i in range(12)]
    assert len(set(style.palette(names).values())) == 13


def test_differences_refuse_a_single_run(tmp_path):
    _run("run", "scenarios/teaching_street.yaml", "-r", "2", "--set", "horizon=5d",
         "--out", str(tmp_path))
    single = load_results(tmp_path)
    figures.rates_figure(single)   # a single run still has rates to show
    with pytest.raises(ValueError, match="not a comparison"):
        figures.differences_figure(single)


def test_save_writes_png_and_svg(comparison, tmp_path):
    paths = style.save(figures.funnel_figure(comparison), tmp_path / "figs", "funnel")
    assert [p.suffix for p in paths] == [".png", ".svg"]
    assert all(p.is_file() and p.stat().st_size > 0 for p in paths)
    assert paths[0].read_bytes().startswith(b"\x89PNG")


def test_empty_folder_is_not_results(tmp_path):
    with pytest.raises(ScenarioError, match="not a results folder"):
        load_results(tmp_path)
