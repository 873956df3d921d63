"""Comparison figures for policymakers, built from a loaded results folder.

Each function takes :class:`analysis.results.Results` (and ``lang``, ``en``
or ``zh``) and returns a matplotlib Figure sized for a slide; nothing is
shown or saved until the caller asks (:func:`analysis.style.save`). All
figures share the house style of :mod:`analysis.style`: a fixed colour per
variant, 95% intervals drawn the same way, units on every axis, rates in
percent; every word comes from :mod:`analysis.text`.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Sequence
from typing import Optional

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from sim.experiment.stats import mean_ci
from sim.scenario.durations import DAY, HOUR, WEEK, format_duration
from sim.scenario.schema import LEVELS

from .findings import LOWER_IS_BETTER
from .results import Results
from .style import (FIGSIZE, FONTSIZE, LEVEL_COLOURS, WARMUP_COLOUR, colour_ticks, house_style, new_figure, palette,
                    point, readable)
from .text import Text, difference_unit

# unheard demand beside the three rates (a folder written before it was measured draws without it)
RATES = ("response_rate", "resolution_rate", "satisfaction_rate", "unheard_rate", "completion_rate")
DIFFERENCES = ("response_rate", "resolution_rate", "satisfaction_rate", "unheard_rate", "mean_resolve_h")
AGENTS = "hotline.agents"
STATIONED_COLOUR, ON_CALL_COLOUR = "#2b8cbe", "#e6550d"
SHORT_PERCENT = FuncFormatter(lambda share, _position: f"{100 * share:.4g}%")


@house_style
def rates_figure(results: Results, lang: str = "en") -> Figure:
    """Response, resolution and satisfaction rate, unheard demand and completion rate per variant, mean and
    95% CI."""
    text = Text(lang)
    colours, y = palette(results.variants), np.arange(len(results.variants))[::-1]
    metrics = results.present(RATES)
    fig, axes = new_figure(1, len(metrics), text("rates_title"), _size(len(y)))
    for ax, metric in zip(axes, metrics):
        for yi, variant in zip(y, results.variants):
            stats = results.stats(variant, metric)   # a t interval on few replications may pass 100%: cut it
            low, high = (None if stats[k] is None else min(max(stats[k], 0.0), 1.0) for k in ("ci_low", "ci_high"))
            point(ax, yi, stats["mean"], low, high, colours[variant], text.variant(variant))
        ax.set(title=_panel_title(metric, text, len(metrics)), yticks=y, ylim=(-0.6, len(y) - 0.4), xlabel=text("share_pct"))
        ax.set_yticklabels([text.variant(v) for v in results.variants] if ax is axes[0] else [])
        colour_ticks(ax.get_yticklabels(), colours)
        ax.xaxis.set_major_formatter(SHORT_PERCENT)   # "98.4%", not "98.40%": five panels side by side
        ax.xaxis.set_major_locator(MaxNLocator(3))
        ax.grid(axis="x", alpha=0.3)
    return fig


@house_style
def differences_figure(results: Results, metrics: Sequence[str] = DIFFERENCES, lang: str = "en") -> Figure:
    """Forest plot: each variant minus base, paired 95% CI over the unpaired (Welch) one, zero marked."""
    text = Text(lang)
    differences = results.differences()
    variants = [v for v in results.variants if v in differences]
    colours, y, metrics = palette(results.variants), np.arange(len(variants))[::-1], results.present(metrics)
    fig, axes = new_figure(1, len(metrics), text("differences_title"), _size(len(y)))
    for ax, metric in zip(axes, metrics):
        scale, unit = difference_unit(metric)
        for yi, variant in zip(y, variants):
            d = {k: None if v is None else v * scale for k, v in differences[variant][metric].items() if k != "n"}
            if d["unpaired_ci_low"] is not None:
                ax.hlines(yi, d["unpaired_ci_low"], d["unpaired_ci_high"], color="0.65", lw=1.2, zorder=1)
            point(ax, yi, d["mean"], d["ci_low"], d["ci_high"], colours[variant], text.variant(variant))
        ax.axvline(0, color="black", lw=0.9, zorder=0)
        axis_unit = text("points_axis") if unit == "points" else text(unit)
        ax.set(title=_panel_title(metric, text, len(metrics)), xlabel=text("difference_unit", unit=axis_unit), yticks=y,
               ylim=(-0.6, len(y) - 0.4))
        ax.set_yticklabels([text.variant(v) for v in variants] if ax is axes[0] else [])
        colour_ticks(ax.get_yticklabels(), colours)
        ax.grid(axis="x", alpha=0.3)
    handles = [Line2D([], [], color="black", marker="o", lw=2.2, label=text("paired_ci")),
               Line2D([], [], color="0.65", lw=1.2, label=text("unpaired_ci"))]
    fig.legend(handles=handles, loc="outside lower center", ncol=2, frameon=False)
    return fig


@house_style
def durations_figure(results: Results, lang: str = "en") -> Figure:
    """ECDFs of the time to first response and to closure per variant, the urgency classes' limits dashed."""
    text = Text(lang)
    fig, axes = new_figure(1, 2, text("durations_title"))
    limits = results.scenario.time_limits
    tickets = results.replications.groupby("variant")["tickets"].sum()   # open tickets never reach 100%
    for ax, measure, panel, kind in ((axes[0], "response", "response_panel", "response"),
                                     (axes[1], "resolve", "resolve_panel", "completion")):
        _ecdfs(ax, results, measure, text, tickets)
        by_limit: dict[float, list[str]] = {}
        for name, limit in limits.items():
            by_limit.setdefault(getattr(limit, kind), []).append(text.urgency(name))
        for minutes, names in sorted(by_limit.items()):
            ax.axvline(minutes, color="black", ls="--", lw=1)
            ax.annotate(text("limit", name="/".join(names)), (minutes, 0.02), xycoords=("data", "axes fraction"),
                        rotation=90, ha="right", va="bottom", fontsize=FONTSIZE - 2)
        ax.set(title=text(panel), xlabel=text("elapsed"), ylabel=text("share_within"), ylim=(0, 1.02))
        _duration_axis(ax, text)
    _variant_legend(fig, axes[0], "upper left")
    return fig


@house_style
def timeseries_figure(results: Results, lang: str = "en") -> Figure:
    """Daily backlog and hotline wait: mean over replications and 2.5-97.5% band per variant."""
    text = Text(lang)
    ts, colours = results.timeseries, palette(results.variants)
    fig, axes = new_figure(1, 2, text("timeseries_title"))
    panels = (("backlog", "open_tickets"), ("hotline_mean_wait_min", "wait_minutes"))
    warm = ts.loc[ts["warmup"].astype(bool), "day"] if "warmup" in ts else pd.Series(dtype=float)
    for ax, (metric, unit) in zip(axes, panels):
        if len(warm):
            ax.axvspan(ts["day"].min() + 0.5, warm.max() + 1.5, color=WARMUP_COLOUR, zorder=0,
                       label=text("warmup_excluded"))
        for variant in results.variants:   # bands under every line, lines on top; days counted from 1
            daily = ts[ts["variant"] == variant].groupby(ts["day"] + 1)[metric]
            ax.fill_between(daily.mean().index, daily.quantile(0.025), daily.quantile(0.975),
                            color=colours[variant], alpha=0.15, lw=0, zorder=1)
            ax.plot(daily.mean(), color=colours[variant], lw=2, label=text.variant(variant), zorder=2)
        ax.set(title=text.metric(metric), xlabel=text("simulated_day"), ylabel=text(unit))
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
    _variant_legend(fig, axes[0], "upper left")
    return fig


@house_style
def funnel_figure(results: Results, lang: str = "en") -> Figure:
    """Where tickets are closed: share at community, street, district, city per variant."""
    text = Text(lang)
    y = np.arange(len(results.variants))[::-1]
    fig, (ax,) = new_figure(1, 1, text("funnel_title"), _size(len(y)))
    left = np.zeros(len(y))
    for level, colour in zip(LEVELS, LEVEL_COLOURS):
        share = np.array([results.stats(v, f"share_closed_{level}")["mean"] for v in results.variants], dtype=float)
        share = np.nan_to_num(share)   # nothing closed yet: an empty bar
        bars = ax.barh(y, share, left=left, color=colour, label=text(f"level_{level}"), height=0.6)
        ax.bar_label(bars, labels=[f"{s:.0%}" if s >= 0.05 else "" for s in share],
                     label_type="center", fontsize=FONTSIZE - 1)
        left += share
    ax.set(xlim=(0, 1), yticks=y, xlabel=text("closed_share"), ylabel=text("variant"))
    ax.set_yticklabels([text.variant(v) for v in results.variants])
    colour_ticks(ax.get_yticklabels(), palette(results.variants))
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=4, frameon=False)
    return fig


@house_style
def rank_heatmap(results: Results, variant: Optional[str] = None, lang: str = "en") -> Figure:
    """Streets x months heat map of the mean monthly rank over replications (1 = best), of the base (or the
    first variant) unless ``variant`` is given."""
    text = Text(lang)
    variant = variant or results.variants[0]
    streets = results.streets[results.streets["variant"] == variant]
    if streets.empty:
        raise ValueError(f"no street ranks for variant '{variant}' in {results.folder}")
    table = streets.pivot_table(index="street_name", columns="month", values="rank", aggfunc="mean")
    table = table.loc[sorted(table.index, key=_natural)]
    fig, (ax,) = new_figure(1, 1, text("ranks_title", variant=text.variant(variant)))
    image = ax.imshow(table.to_numpy(), cmap="RdYlGn_r", aspect="auto", vmin=1, vmax=max(2, len(table)))
    if table.size <= 150:
        for (i, j), value in np.ndenumerate(table.to_numpy()):
            ax.text(j, i, f"{value:.1f}", ha="center", va="center", fontsize=FONTSIZE - 2)
    ax.set(xticks=range(table.shape[1]), yticks=range(len(table)), xlabel=text("month"), ylabel=text("street"))
    ax.set_xticklabels([str(int(m) + 1) for m in table.columns])
    ax.set_yticklabels([text.street(name) for name in table.index])
    fig.colorbar(image, ax=ax, label=text("rank"))
    return fig


@house_style
def grid_map(results: Results, variant: Optional[str] = None, lang: str = "en") -> Figure:
    """Every grid as a square, grouped into community rows inside street blocks: requests per 100
    households, and the share of problems found before a complaint (mean over replications); of the base
    (or the first variant) unless ``variant`` is given."""
    text = Text(lang)
    variant = variant or results.variants[0]
    grids = results.grids[results.grids["variant"] == variant]
    if grids.empty:
        raise ValueError(f"no grid table for variant '{variant}' in {results.folder}")
    per_grid = grids.groupby(["street", "community", "grid"], sort=True)[
        ["households", "requests", "first_time", "proactive"]].mean().reset_index()
    per_grid["per_100"] = 100 * per_grid["requests"] / per_grid["households"]
    per_grid["found"] = per_grid["proactive"] / per_grid["first_time"].where(per_grid["first_time"] > 0)
    cells = _grid_layout(per_grid)
    across, down = np.ptp(cells[:, 0]) + 2, np.ptp(cells[:, 1]) + 3
    wide = across > 40   # a big map: the two one above the other, each the figure's width, to keep grids visible
    size = (FIGSIZE[0], min(14.0, 1.8 + 2 * 8.2 * down / across)) if wide else FIGSIZE
    fig, axes = new_figure(2 if wide else 1, 1 if wide else 2, text("map_title", variant=text.variant(variant)), size)
    days = text.duration(results.scenario.horizon - results.scenario.warmup)
    # fixed, meaningful colour ranges, so that chance does not look like hotspots: demand from half to one and a
    # half times the average grid's (pale near the average), the share found from 0 to 100%
    average = per_grid["per_100"].mean()
    for ax, column, label, cmap, limits, formatter in (
            (axes[0], "per_100", text("per_100", days=days), "RdBu_r", (0.5 * average, 1.5 * average), None),
            (axes[1], "found", text("found_share"), "YlGnBu", (0.0, 1.0), PercentFormatter(1.0, decimals=0))):
        squares = PatchCollection([Rectangle(xy, 0.9, 0.9) for xy in cells], linewidth=0,
                                  cmap=colormaps[cmap].with_extremes(bad="0.85"))   # grey: nothing to show
        squares.set_array(per_grid[column].to_numpy(dtype=float))
        squares.set_clim(*limits)
        ax.add_collection(squares)
        _street_labels(ax, per_grid, cells, results, text)
        ax.set(xlim=(-1, cells[:, 0].max() + 2), ylim=(cells[:, 1].min() - 1, 2.5), aspect="equal",
               xticks=[], yticks=[])
        ax.spines[:].set_visible(False)
        bar = fig.colorbar(squares, ax=ax, orientation="vertical" if wide else "horizontal", fraction=0.05,
                           pad=0.02, label=label)
        bar.locator = MaxNLocator(5)
        if formatter is not None:
            bar.formatter = formatter
    return fig


@house_style
def whistle_figure(results: Results, lang: str = "en") -> Figure:
    """Left: when departments report after a whistle, per variant, with each variant's report limit;
    right: the share of reports on time per department in the base, stationed (1+4) or on call (N)."""
    text = Text(lang)
    fig, (left, right) = new_figure(1, 2, text("whistle_title"), width_ratios=(1.5, 1))
    colours = palette(results.variants)
    _ecdfs(left, results, "report", text)
    base_limit = results.report_limit(results.variants[0])
    drawn = set()
    for variant in results.variants:
        limit = results.report_limit(variant)
        if limit not in drawn:
            drawn.add(limit)
            left.axvline(limit, color=readable(colours[variant]) if limit != base_limit else "black", ls="--", lw=1.2)
            left.annotate(text("report_limit", limit=text.value(format_duration(round(limit)))), (limit, 0.02),
                          xycoords=("data", "axes fraction"), rotation=90, ha="right", va="bottom",
                          fontsize=FONTSIZE - 2)
    left.set(xlabel=text("report_delay"), ylabel=text("share_reports"), ylim=(0, 1.02))
    _duration_axis(left, text)
    _variant_legend(fig, left, "upper left")
    forces = results.departments[results.departments["variant"] == results.variants[0]]
    forces = forces.groupby(["force", "on_call"], sort=False)[["reports", "on_time"]].sum().reset_index()
    forces = forces[forces["reports"] > 0].sort_values(["on_call", "force"])
    if forces.empty:
        raise ValueError(f"no whistle was blown in the measured period of {results.variants[0]} in {results.folder}")
    share = forces["on_time"] / forces["reports"]
    y = np.arange(len(forces))[::-1]
    right.barh(y, share, color=[ON_CALL_COLOUR if c else STATIONED_COLOUR for c in forces["on_call"]], height=0.6)
    right.bar_label(right.containers[0], labels=[f"{s:.0%}" for s in share], padding=3, fontsize=FONTSIZE - 1)
    right.set(yticks=y, xlim=(0, 1.15), title=text("on_time_by_force", variant=text.variant(results.variants[0])), xlabel=text("on_time_pct"))
    right.set_yticklabels([text.force(name) for name in forces["force"]])
    right.xaxis.set_major_formatter(PercentFormatter(1.0))
    right.legend(handles=[Patch(color=STATIONED_COLOUR, label=text("stationed")),
                          Patch(color=ON_CALL_COLOUR, label=text("on_call"))],
                 loc="upper center", bbox_to_anchor=(0.4, -0.14), frameon=False, fontsize=FONTSIZE - 2)
    return fig


@house_style
def agents_figure(results: Results, lang: str = "en") -> Figure:
    """For a sweep over ``hotline.agents``: abandonment and mean wait against agents, mean and 95% CI;
    one line for each combination of the other parameters swept."""
    text = Text(lang)
    table = results.replications
    if AGENTS not in table:
        raise ValueError(f"{results.folder} is not a sweep over {AGENTS} (sweep --vary {AGENTS}=...)")
    others = [c for c in results.swept if c != AGENTS]
    groups = list(table.groupby(others, sort=True)) if others else [((), table)]
    if len(groups) > 6:   # a sampled design, not a grid: show agents' effect averaged over the rest
        others, groups = [], [((), table)]
    fig, axes = new_figure(1, 2, text("agents_title"))
    shades = colormaps["viridis"](np.linspace(0, 0.85, len(groups)))   # levels of a parameter, not variants
    for (key, rows), colour in zip(groups, shades):
        label = ", ".join(f"{text.parameter(k)} = {v:.4g}" if isinstance(v, float) else f"{text.parameter(k)} = {v}"
                          for k, v in zip(others, np.atleast_1d(key))) or None
        for ax, metric in zip(axes, ("hotline_abandon_rate", "hotline_mean_wait_min")):
            points = [(agents, mean_ci(group[metric])) for agents, group in rows.groupby(AGENTS, sort=True)]
            x = [a for a, _ in points]
            mean = np.array([ci["mean"] for _, ci in points], dtype=float)
            low = np.array([ci["ci_low"] if ci["ci_low"] is not None else ci["mean"] for _, ci in points], float)
            high = np.array([ci["ci_high"] if ci["ci_high"] is not None else ci["mean"] for _, ci in points], float)
            ax.fill_between(x, low, high, color=colour, alpha=0.2, lw=0)
            ax.plot(x, mean, "o-", color=colour, lw=2, label=label)
    axes[0].set(ylabel=text("abandon_pct"), title=text.metric("hotline_abandon_rate"))
    axes[0].yaxis.set_major_formatter(PercentFormatter(1.0))
    axes[1].set(ylabel=text("wait_minutes"), title=text.metric("hotline_mean_wait_min"))
    for ax in axes:
        ax.set(xlabel=text("agents"))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
    if others:
        axes[0].legend(frameon=False)
    return fig


# shared bits ---------------------------------------------------------------

def _panel_title(metric: str, text: Text, panels: int) -> str:
    """A metric's panel title, on more lines if too long for one of ``panels`` side by side, marked when lower is
    better (unheard demand beside the three rates, a time to resolve) so that no panel is misread."""
    title = textwrap.fill(text.metric(metric), 80 // panels)
    return f"{title}\n{text('lower_better')}" if metric in LOWER_IS_BETTER else title


def _variant_legend(fig: Figure, ax, where: str, inside: int = 6) -> None:
    """The variants' legend: inside the panel when there are few, under the figure otherwise."""
    handles, labels = ax.get_legend_handles_labels()
    if len(handles) <= inside:
        ax.legend(handles, labels, loc=where, frameon=False)
        return
    columns = 4
    width, height = fig.get_size_inches()
    fig.set_size_inches(width, height + 0.28 * math.ceil(len(handles) / columns))   # room below for the legend
    fig.legend(handles, labels, loc="outside lower center", ncol=columns, frameon=False, fontsize=FONTSIZE - 2)


def _size(rows: int) -> tuple[float, float]:
    """Slide size, taller when there are many variants to list down the side."""
    return FIGSIZE[0], max(FIGSIZE[1], 2.4 + 0.3 * rows)


def _ecdfs(ax, results: Results, measure: str, text: Text, totals: Optional[pd.Series] = None) -> None:
    """One ECDF per variant of a duration, all replications pooled, from the binned histograms: the share
    rises across each bin (straight on the log axis) and stays flat over empty ones. The shares are of
    ``totals[variant]`` if given (tickets, of which some are never done), else of the durations counted."""
    table = results.distributions
    colours = palette(results.variants)
    for variant in results.variants:
        rows = table[(table["variant"] == variant) & (table["measure"] == measure)]
        bins = rows.groupby(["low_min", "high_min"])["count"].sum().sort_index()
        total = bins.sum() if totals is None else totals.get(variant, 0)
        if bins.sum() == 0 or total == 0:
            continue
        after = bins.cumsum().to_numpy() / total
        before = np.concatenate([[0.0], after[:-1]])
        lows, highs = (bins.index.get_level_values(level).to_numpy() for level in ("low_min", "high_min"))
        x = np.column_stack([np.maximum(lows, 1.0), highs]).ravel()   # the first bin: under a minute
        y = np.column_stack([np.where(lows < 1.0, after, before), after]).ravel()
        ax.plot(x, y, color=colours[variant], lw=2, label=text.variant(variant))


def _duration_axis(ax, text: Text) -> None:
    """A log time axis from a minute to weeks, ticked in readable units, the share in percent."""
    ax.set_xscale("log")
    ticks = [m for m in (1, 10, HOUR, 4 * HOUR, DAY, WEEK, 30 * DAY) if m <= ax.get_xlim()[1] * 1.5]
    ax.set_xticks(ticks)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda m, _pos: text.value(format_duration(m))))
    ax.xaxis.set_minor_formatter(FuncFormatter(lambda _m, _pos: ""))
    ax.set_xlim(left=1)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.grid(alpha=0.3)


def _grid_layout(grids: pd.DataFrame) -> np.ndarray:
    """Lower-left corners of one square per grid: each street a block of community rows (its grids left to
    right), the blocks placed left to right in rows of about the square root of the streets."""
    streets = list(dict.fromkeys(grids["street"]))
    across = max(1, math.ceil(math.sqrt(len(streets))))
    widths, heights = {}, {}
    for street, rows in grids.groupby("street", sort=False):
        per_community = rows.groupby("community", sort=False).size()
        widths[street], heights[street] = int(per_community.max()), len(per_community)
    width = max(widths.values()) + 1
    corners = {}
    top = 0.0
    for start in range(0, len(streets), across):
        band = streets[start:start + across]
        for k, street in enumerate(band):
            corners[street] = (k * width, top)
        top -= max(heights[s] for s in band) + 3   # room for the street names
    cells = np.zeros((len(grids), 2))
    rows_in_street: dict = {}
    row_of, column_of = {}, {}
    for i, (street, community) in enumerate(zip(grids["street"], grids["community"])):
        if community not in row_of:
            row_of[community] = rows_in_street.get(street, 0)
            rows_in_street[street] = row_of[community] + 1
        column = column_of.get(community, 0)
        column_of[community] = column + 1
        x0, y0 = corners[street]
        cells[i] = (x0 + column, y0 - row_of[community])
    return cells


def _street_labels(ax, grids: pd.DataFrame, cells: np.ndarray, results: Results, text: Text) -> None:
    """Name each street block above its top-left grid (only when few enough to read)."""
    names = results.street_names()
    streets = grids["street"].to_numpy()
    if len(set(streets)) > 30:
        return
    for street in dict.fromkeys(streets):
        block = cells[streets == street]
        ax.text(block[:, 0].min(), block[:, 1].max() + 1.2, text.street(names.get(street, str(street))),
                fontsize=FONTSIZE - 3, va="bottom")


def _natural(name: str) -> tuple:
    """street-2 before street-10."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", str(name)))
