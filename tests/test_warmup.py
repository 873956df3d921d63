"""Warm-up analysis: Welch's moving average by hand, replication averaging, MSER-5 on known shapes."""

import math

import numpy as np
import pandas as pd
import pytest

from analysis.warmup import advise, mser5, plot_welch, suggest, welch


def tidy(series_by_replication, metric="backlog", variant="base"):
    """A timeseries.csv-shaped frame: one row per replication and day."""
    rows = [{"scenario": "test", "variant": variant, "replication": r, "day": d, metric: v}
            for r, series in enumerate(series_by_replication) for d, v in enumerate(series)]
    return pd.DataFrame(rows)


def transient(seed=1, days=220):
    """Exponential decay from 100 to a noisy level of 10 over about 20 days, then stationary noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(days)
    return 10 + 90 * np.exp(-t / 5) + rng.normal(0, 1, days)


def test_welch_window_one_by_hand():
    table = welch(tidy([[1, 2, 3, 4, 5]]), "backlog", 1)
    assert list(table["day"]) == [0, 1, 2, 3, 4]
    assert list(table["moving"][:4]) == [1, 2, 3, 4]   # day 0: itself only; then (i-1, i, i+1)
    assert math.isnan(table["moving"][4])              # the window would run past the end
    assert list(table["replications"]) == [1] * 5


def test_welch_window_two_edges_by_hand():
    means = [4, 0, 8, 2, 6, 10, 1]
    table = welch(tidy([means]), "backlog", 2)
    expected = [4, (4 + 0 + 8) / 3, (4 + 0 + 8 + 2 + 6) / 5, (0 + 8 + 2 + 6 + 10) / 5, (8 + 2 + 6 + 10 + 1) / 5]
    assert table["moving"][:5].tolist() == pytest.approx(expected)
    assert table["moving"][5:].isna().all()


def test_welch_window_zero_is_the_daily_mean():
    table = welch(tidy([[3, 1, 4, 1, 5]]), "backlog", 0)
    assert table["moving"].tolist() == table["mean"].tolist() == [3, 1, 4, 1, 5]


def test_welch_averages_replications_and_skips_missing_days():
    frame = tidy([[1, 2, 3], [3, 4, float("nan")], [5, 6, 9]])
    table = welch(frame, "backlog", 0)
    assert table["mean"].tolist() == [3, 4, 6]
    assert table["replications"].tolist() == [3, 3, 2]


def test_welch_uses_base_variant_or_asks_to_filter():
    both = pd.concat([tidy([[1, 1, 1]]), tidy([[9, 9, 9]], variant="grid-300")])
    assert welch(both, "backlog", 0)["mean"].tolist() == [1, 1, 1]
    others = pd.concat([tidy([[1, 1, 1]], variant="a"), tidy([[9, 9, 9]], variant="b")])
    with pytest.raises(ValueError, match="filter"):
        welch(others, "backlog", 0)


def test_unknown_metric_names_the_available_columns():
    frame = tidy([[1, 2, 3]])
    frame["hotline_mean_wait_min"] = 0.5
    with pytest.raises(ValueError, match="backlog, hotline_mean_wait_min"):
        welch(frame, "backlgo", 1)
    with pytest.raises(ValueError, match="numeric columns"):
        suggest(frame, "variant")


def test_mser5_finds_the_initial_transient():
    assert 10 <= mser5(transient()) <= 50


def test_mser5_on_a_stationary_series_truncates_little():
    rng = np.random.default_rng(7)
    assert mser5(10 + rng.normal(0, 1, 220)) < 25


def test_mser5_returns_whole_batches_and_says_when_too_short():
    assert mser5(transient()) % 5 == 0
    assert mser5(transient(days=49)) is None and mser5([]) is None
    short = advise(transient(days=30))
    assert short.days is None and short.sentence.startswith("too short: run at least 50 days")


def test_a_curve_still_climbing_at_the_end_is_said_so():
    """A backlog that grows all run long: MSER-5's best cut is the latest it may take, which is no warm-up
    but a sign the run has not settled."""
    climbing = advise(np.arange(100.0) + np.random.default_rng(3).normal(0, 1, 100))
    assert climbing.still_moving and climbing.days == 50
    assert climbing.sentence.startswith("still moving at the end")
    assert not advise(transient()).still_moving


def test_mser5_nans_trailing_dropped_interior_filled():
    series = transient()
    padded = np.concatenate([series, [np.nan] * 40])
    assert mser5(padded) == mser5(series)
    holed = series.copy()
    holed[[0, 100]] = np.nan
    filled = series.copy()
    filled[0], filled[100] = series[1], series[99]
    assert mser5(holed) == mser5(filled)


def test_suggest_uses_the_mean_over_replications():
    frame = tidy([transient(seed=s) for s in range(3)])
    assert 10 <= suggest(frame, "backlog").days <= 50


def test_plot_welch_writes_a_png_and_returns_the_suggestion(tmp_path):
    frame = tidy([transient(seed=s) for s in range(3)])
    path = tmp_path / "welch.png"
    advice = plot_welch(frame, "backlog", 5, path, warmup_days=30)
    assert advice == suggest(frame, "backlog")
    assert path.stat().st_size > 1000
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
