"""Comparison figures: each renders something, colours follow the palette, save writes both formats."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.container import ErrorbarContainer
from matplotlib.figure import Figure

from analysis import figures, report, style
from analysis.results import load_results
from sim.scenario.errors import ScenarioError

ROOT = Path(__file__).resolve().parents[1]
FIGURES = [plot for name, plot, _ in report.FIGURES if name not in ("agents", "response", "sensitivity")]  # a sweep's


def _run(*args: str) -> None:
    subprocess.run([sys.executable, "run.py", *args, "--quiet"], cwd=ROOT, check=True)


@pytest.fixture(scope="module")
def comparison(tmp_path_factory):
    out = tmp_path_factory.mktemp("compare")
    _run("compare", "scenarios/teaching_street.yaml", "--set", "horizon=10d", "-r", "3",
         "--variant", "grid-300", "--variant", "one-agent", "--out", str(out))
    return load_results(out)


@pytest.fixture(scope="module")
def agents_sweep(tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep")
    _run("sweep", "scenarios/teaching_street.yaml", "--vary", "hotline.agents=1,2,3", "--set", "hotline.lines=8",
         "--set", "horizon=7d", "-r", "3", "--out", str(out))
    return load_results(out)


def _pixels(fig: Figure) -> np.ndarray:
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[..., :3]


def _errorbar_colours(fig: Figure) -> dict[str, str]:
    return {c.get_label(): to_hex(c.lines[0].get_color())
            for ax in fig.axes for c in ax.containers if isinstance(c, ErrorbarContainer)}


def test_results_load_variants_base_first(comparison):
    assert comparison.variants == ["base", "grid-300", "one-agent"]
    assert str(comparison.timeseries["date"].dtype).startswith("datetime64")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("plot", FIGURES, ids=lambda f: f.__name__)
def test_every_figure_draws_something(comparison, plot, lang):
    fig = plot(comparison, lang=lang)
    assert isinstance(fig, Figure)
    assert _pixels(fig).std() > 5


def test_unheard_demand_is_drawn_beside_the_three_rates_and_marked_lower_is_better(unheard_comparison,
                                                                                  older_comparison):
    """The rates and differences figures draw unheard demand after the three rates, titled so that a fall reads as
    good news; a folder written before it was measured draws the panels it has."""
    assert figures.RATES[:4] == figures.DIFFERENCES[:4] == ("response_rate", "resolution_rate",
                                                            "satisfaction_rate", "unheard_rate")
    unheard = "Unheard demand\n(lower is better)"
    for plot in (figures.rates_figure, figures.differences_figure):
        titles = [ax.get_title() for ax in plot(load_results(unheard_comparison)).axes]
        assert len(titles) == 5 and titles[3] == unheard and titles[:3] == [
            "Response rate", "Resolution rate", "Satisfaction\nrate"]
        assert "未被听见的诉求\n（越低越好）" in [ax.get_title() for ax in
                                          plot(load_results(unheard_comparison), lang="zh").axes]
        older = plot(load_results(older_comparison))
        assert len(older.axes) == 4 and unheard not in [ax.get_title() for ax in older.axes]
        assert _pixels(older).std() > 5


def test_agents_figure_draws_abandonment_and_wait_against_agents(agents_sweep):
    fig = figures.agents_figure(agents_sweep)
    assert _pixels(fig).std() > 5
    abandon, wait = fig.axes[:2]
    x, y = abandon.lines[0].get_data()
    assert list(x) == [1, 2, 3]
    assert y[0] > y[-1]   # more agents, fewer calls abandoned
    assert "agents" in abandon.get_xlabel() and "%" in abandon.get_ylabel() and "minutes" in wait.get_ylabel()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_sweeps_response_figure_puts_each_parameter_on_its_axis(agents_sweep, comparison, lang):
    fig = report.sweep_view.response_figure(agents_sweep, lang=lang)
    assert _pixels(fig).std() > 5 and len(fig.axes) == len(report.sweep_view.RESPONSE_METRICS)
    assert fig.axes[-1].get_xlabel() == ("hotline agents" if lang == "en" else "热线坐席数")
    with pytest.raises(ValueError, match="is not a sweep"):
        report.sweep_view.response_figure(comparison)
    with pytest.raises(ValueError, match="has no sensitivity indices"):
        report.sweep_view.sensitivity_figure(agents_sweep)


def test_agents_figure_needs_an_agents_sweep(comparison):
    with pytest.raises(ValueError, match="hotline.agents"):
        figures.agents_figure(comparison)


def test_every_axis_has_a_unit_or_names_its_categories(comparison):
    for name, plot, applies in report.FIGURES:
        if name == "agents" or not applies(comparison):
            continue
        for ax in plot(comparison).axes:
            if not (len(ax.get_xticks()) or len(ax.get_yticks())):   # a map: its colour bar has the unit
                continue
            labelled = ax.get_xlabel() or ax.get_ylabel()
            assert labelled, f"{name}: an axis without a label"


def _line_colours(fig: Figure) -> dict[str, str]:
    return {line.get_label(): to_hex(line.get_color()) for ax in fig.axes for line in ax.get_lines()
            if not line.get_label().startswith("_")}


def test_palette_is_fixed_and_shared_between_figures(comparison):
    colours = style.palette(comparison.variants)
    assert colours == style.palette(comparison.variants)
    assert colours["base"] == "#4d4d4d" and len(set(colours.values())) == 3
    for plot in (figures.rates_figure, figures.differences_figure):
        drawn = _errorbar_colours(plot(comparison))
        assert set(drawn) == set(comparison.variants) - ({"base"} if plot is figures.differences_figure else set())
        assert all(colours[variant] == colour for variant, colour in drawn.items())
    for plot in (figures.timeseries_figure, figures.durations_figure, figures.whistle_figure):
        drawn = _line_colours(plot(comparison))
        assert set(drawn) == set(comparison.variants)
        assert all(colours[variant] == colour for variant, colour in drawn.items())


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


def test_the_grid_maps_colours_do_not_make_chance_look_like_hotspots(comparison):
    """Demand is coloured from half to one and a half times the average grid's (chance stays pale), the share
    found from 0 to 100%, whatever the spread in this run."""
    fig = figures.grid_map(comparison)
    demand, found = (ax.collections[0] for ax in fig.axes[:2])
    grids = comparison.grids[comparison.grids["variant"] == "base"]
    per_grid = grids.groupby(["street", "community", "grid"])[["households", "requests"]].mean()
    average = (100 * per_grid["requests"] / per_grid["households"]).mean()
    assert demand.get_clim() == pytest.approx((0.5 * average, 1.5 * average))
    assert found.get_clim() == (0.0, 1.0)


def test_the_rates_figures_tick_labels_do_not_overlap(unheard_comparison):
    """Five narrow panels side by side: each panel's percent labels are short enough not to run into each other."""
    fig = figures.rates_figure(load_results(unheard_comparison))
    style.draw(fig)
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        boxes = sorted((label.get_window_extent(renderer) for label in ax.get_xticklabels()
                        if label.get_visible() and label.get_text()), key=lambda box: box.x0)
        assert len(boxes) >= 2
        assert all(left.x1 <= right.x0 for left, right in zip(boxes, boxes[1:])), ax.get_title()
