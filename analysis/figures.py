"""Comparison figures for policymakers, built from a loaded results folder.

Each function takes :class:`analysis.results.Results` and returns a
matplotlib Figure sized for a slide; nothing is shown or saved until the
caller asks (:func:`save`). All figures share one style: a fixed colour per
variant (:func:`palette`, base always dark grey), 95% intervals drawn the
same way, units on every axis, rates in percent.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import PercentFormatter

from .results import Results

BASE_COLOUR = "#4d4d4d"
FIGSIZE = (10, 5.6)
FONTSIZE = 12
RATES = ("response_rate", "resolution_rate", "satisfaction_rate", "completion_rate")
LEVELS = {"A": "community", "B": "street", "C": "district", "D": "city"}
LEVEL_COLOURS = ("#1a9850", "#91cf60", "#fc8d59", "#d73027")
WARMUP_COLOUR = "#e0e0e0"
STYLE = {"font.size": FONTSIZE, "axes.titlesize": FONTSIZE + 1, "axes.labelsize": FONTSIZE,
         "xtick.labelsize": FONTSIZE - 1, "ytick.labelsize": FONTSIZE - 1,
         "legend.fontsize": FONTSIZE - 1, "figure.titlesize": FONTSIZE + 3}


def _house_style(plot: Callable[..., Figure]) -> Callable[..., Figure]:
    """Build the figure under the house font sizes, then fix the lazily made tick labels too."""
    @functools.wraps(plot)
    def styled(*args, **kwargs) -> Figure:
        with matplotlib.rc_context(STYLE):
            fig = plot(*args, **kwargs)
        for ax in fig.axes:
            _restyle(ax)
        return fig
    return styled


def palette(variants: Sequence[str]) -> dict[str, str]:
    """A fixed colour per variant: base dark grey, the others tab10 in order.

    tab10's own grey is skipped so no variant looks like base; beyond nine
    other variants the colours come from tab20 (without its greys), wrapping.
    """
    others = [v for v in variants if v != "base"]
    name, grey = ("tab10", {7}) if len(others) <= 9 else ("tab20", {14, 15})
    colours = [to_hex(c) for i, c in enumerate(matplotlib.colormaps[name].colors) if i not in grey]
    result = {v: colours[i % len(colours)] for i, v in enumerate(others)}
    return {"base": BASE_COLOUR, **result} if "base" in variants else result


@_house_style
def rates_figure(results: Results) -> Figure:
    """Response, resolution, satisfaction and completion rate per variant, mean and 95% CI."""
    fig, axes = _figure(1, len(RATES), "Service rates by variant (mean and 95% CI over replications)")
    colours, x = palette(results.variants), np.arange(len(results.variants))
    for ax, metric in zip(axes, RATES):
        for i, variant in enumerate(results.variants):
            stats = _stats(results, variant, metric)
            _point(ax, i, stats["mean"], stats["ci_low"], stats["ci_high"], colours[variant], variant,
                   vertical=True)
        ax.set(title=_label(metric), xticks=x, xlim=(-0.6, len(x) - 0.4), ylabel="share (%)")
        ax.set_xticklabels(results.variants, rotation=30, ha="right")
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.grid(axis="y", alpha=0.3)
    return fig


@_house_style
def differences_figure(results: Results, metrics: Sequence[str] = (
        "response_rate", "resolution_rate", "satisfaction_rate", "mean_resolve_h")) -> Figure:
    """Forest plot: each variant minus base, paired 95% CI over the unpaired (Welch) one."""
    differences = results.summary.get("differences")
    if not differences:
        raise ValueError(f"{results.folder} has no differences between variants: "
                         "it is not a comparison (write one with `run.py compare`)")
    variants = [v for v in results.variants if v in differences] or list(differences)
    colours, y = palette(results.variants), np.arange(len(variants))[::-1]
    fig, axes = _figure(1, len(metrics), "Difference from base (variant minus base, 95% CI)")
    for ax, metric in zip(axes, metrics):
        scale, unit = _scale(metric)
        for yi, variant in zip(y, variants):
            d = {k: v * scale for k, v in differences[variant][metric].items() if k != "n"}
            ax.hlines(yi, d["unpaired_ci_low"], d["unpaired_ci_high"], color="0.65", lw=1.2, zorder=1)
            _point(ax, yi, d["mean"], d["ci_low"], d["ci_high"], colours[variant], variant)
        ax.axvline(0, color="black", lw=0.9, zorder=0)
        ax.set(title=_label(metric), xlabel=f"difference\n({unit})", yticks=y,
               ylim=(-0.6, len(y) - 0.4))
        ax.set_yticklabels(variants if ax is axes[0] else [])
        ax.grid(axis="x", alpha=0.3)
    handles = [Line2D([], [], color="black", marker="o", lw=2.2, label="paired 95% CI"),
               Line2D([], [], color="0.65", lw=1.2, label="unpaired (Welch) 95% CI")]
    fig.legend(handles=handles, loc="outside lower center", ncol=2, frameon=False)
    return fig


@_house_style
def timeseries_figure(results: Results) -> Figure:
    """Daily backlog and hotline wait: mean over replications and 2.5-97.5% band per variant."""
    ts, colours = results.timeseries, palette(results.variants)
    fig, axes = _figure(1, 2, "Daily backlog and hotline wait (line: mean, band: 95% of replications)")
    panels = (("backlog", "open tickets at end of day"), ("hotline_mean_wait_min", "mean wait (minutes)"))
    warm = ts.loc[ts["warmup"].astype(bool), "day"] if "warmup" in ts else pd.Series(dtype=float)
    for ax, (metric, unit) in zip(axes, panels):
        if len(warm):
            ax.axvspan(ts["day"].min() - 0.5, warm.max() + 0.5, color=WARMUP_COLOUR, zorder=0,
                       label="warm-up (excluded)")
        for variant in results.variants:   # bands under every line, lines on top
            daily = ts[ts["variant"] == variant].groupby("day")[metric]
            ax.fill_between(daily.mean().index, daily.quantile(0.025), daily.quantile(0.975),
                            color=colours[variant], alpha=0.15, lw=0, zorder=1)
            ax.plot(daily.mean(), color=colours[variant], lw=2, label=variant, zorder=2)
        ax.set(title=_label(metric), xlabel="simulated day", ylabel=unit)
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
    axes[0].legend(loc="upper left", frameon=False)
    return fig


@_house_style
def funnel_figure(results: Results) -> Figure:
    """Where tickets are closed: share at community, street, district, city per variant."""
    fig, (ax,) = _figure(1, 1, "Where tickets are closed (share of closed tickets)")
    y = np.arange(len(results.variants))[::-1]
    left = np.zeros(len(y))
    for (level, name), colour in zip(LEVELS.items(), LEVEL_COLOURS):
        share = np.array([_stats(results, v, f"share_closed_{level}")["mean"] for v in results.variants])
        bars = ax.barh(y, share, left=left, color=colour, label=f"{name} ({level})", height=0.6)
        ax.bar_label(bars, labels=[f"{s:.0%}" if s >= 0.05 else "" for s in share],
                     label_type="center", fontsize=FONTSIZE - 1)
        left += share
    ax.set(xlim=(0, 1), yticks=y, xlabel="share of closed tickets (%)", ylabel="variant")
    ax.set_yticklabels(results.variants)
    _colour_ticks(ax.get_yticklabels(), palette(results.variants))
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=4, frameon=False)
    return fig


@_house_style
def rank_heatmap(results: Results, variant: str = "base") -> Figure:
    """Streets x months heat map of the mean monthly rank over replications (1 = best)."""
    streets = results.streets[results.streets["variant"] == variant]
    if streets.empty:
        raise ValueError(f"no street ranks for variant '{variant}' in {results.folder}")
    table = streets.pivot_table(index="street_name", columns="month", values="rank", aggfunc="mean")
    fig, (ax,) = _figure(1, 1, f"Monthly street ranking, {variant} (mean rank over replications)")
    image = ax.imshow(table.to_numpy(), cmap="RdYlGn_r", aspect="auto", vmin=1,
                      vmax=max(2, len(table)))
    if table.size <= 150:
        for (i, j), value in np.ndenumerate(table.to_numpy()):
            ax.text(j, i, f"{value:.1f}", ha="center", va="center", fontsize=FONTSIZE - 2)
    ax.set(xticks=range(table.shape[1]), yticks=range(len(table)),
           xlabel="simulated month (1 = first)", ylabel="street")
    ax.set_xticklabels([str(int(m) + 1) for m in table.columns])
    ax.set_yticklabels(table.index)
    fig.colorbar(image, ax=ax, label="rank (1 = best)")
    return fig


def save(fig: Figure, folder: Path, name: str) -> list[Path]:
    """Write ``name.png`` (150 dpi) and ``name.svg`` into folder; return both paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{name}.png", folder / f"{name}.svg"]
    fig.savefig(paths[0], dpi=150)
    fig.savefig(paths[1])
    return paths


# shared bits ---------------------------------------------------------------

def _figure(rows: int, cols: int, title: str) -> tuple[Figure, list]:
    """A slide-sized, constrained-layout figure with one row of panels."""
    fig = Figure(figsize=FIGSIZE, layout="constrained")
    FigureCanvasAgg(fig)   # a canvas of its own: drawable without pyplot or a GUI backend
    axes = fig.subplots(rows, cols, squeeze=False).ravel().tolist()
    fig.suptitle(title)
    return fig, axes


def _restyle(ax) -> None:
    """Tick labels are made at draw time, outside the rc context: size them explicitly."""
    ax.tick_params(labelsize=FONTSIZE - 1)
    ax.spines[["top", "right"]].set_visible(False)


def _stats(results: Results, variant: str, metric: str) -> dict:
    """mean / ci_low / ci_high of a metric for a variant (single runs: summary["metrics"])."""
    by_variant = results.summary.get("variants")
    return by_variant[variant][metric] if by_variant else results.summary["metrics"][metric]


def _point(ax, at: float, mean: float, low: float, high: float, colour: str, label: str,
           vertical: bool = False) -> None:
    """A mean as a dot with its 95% interval as a bar, labelled with the variant."""
    xy, err = ((at, mean), "yerr") if vertical else ((mean, at), "xerr")
    ax.errorbar(*xy, **{err: [[mean - low], [high - mean]]}, fmt="o", color=colour, ms=8,
                elinewidth=2.2, capsize=4, label=label, zorder=3)


def _scale(metric: str) -> tuple[float, str]:
    """Factor and unit for a difference: rates in percentage points, durations as they come."""
    for suffix, unit in (("_rate", "percentage points"), ("_h", "hours"), ("_min", "minutes"),
                         ("_days", "days")):
        if metric.endswith(suffix):
            return (100.0 if suffix == "_rate" else 1.0), unit
    return 1.0, "count"


def _label(metric: str) -> str:
    """A metric name as a panel title: ``mean_resolve_h`` -> ``Mean resolve (h)``."""
    for suffix, unit in (("_h", " (h)"), ("_min", " (min)"), ("_days", " (days)")):
        if metric.endswith(suffix):
            metric = metric[: -len(suffix)] + unit
    return metric.replace("_", " ").capitalize()


def _colour_ticks(labels, colours: dict[str, str]) -> None:
    for label in labels:
        label.set_color(colours.get(label.get_text(), "black"))
