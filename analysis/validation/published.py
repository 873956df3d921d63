"""gridgov against published figures: the Beijing calibration, and the shape of closure times.

The calibration targets (``analysis.calibration``: Beijing's three rates,
volume and handling share in January 2019 and December 2024) are checked:
each rate within the calibration's 3 percentage points, the daily volume
within 2%. Most of them were fitted or set as inputs, which the table says;
the response rate is the independent one. Closure times of real 311 and 12345
requests are right-skewed, most closed quickly and a long tail late: in New
York's 311 data for 2004-2016 (24.5 million requests) the median time to
close was 2.9 days against a mean of 9.0 (Kanuri, "Back to basics - what's
the 'summary' stuff?", datatellsme.com, 2017), a median 0.32 of the mean.
The check asks for more skew than an exponential distribution has (median
= ln 2 = 0.69 of the mean) in a full scenario's closure times.
"""

from __future__ import annotations

import math

from ..calibration import FITTED, RATES, calibrate, render
from .checks import Check

SECTION = "Published figures"
RATE_TOLERANCE = 0.03
VOLUME_TOLERANCE = 0.02
EXPONENTIAL = math.log(2)  # median / mean of an exponential distribution
NEW_YORK_311 = 2.9 / 9.0   # median / mean days to close, 2004-2016


def calibration_checks(workers: int) -> tuple[list[Check], str]:
    """The calibration targets as checks, and the regenerated docs/calibration.md."""
    rows = calibrate(workers)
    out = []
    for target, values in rows:
        rate = target.metric in RATES
        tolerance = RATE_TOLERANCE if rate else VOLUME_TOLERANCE * target.value
        role = "fitted" if target.metric in FITTED else "check" if target.metric == "response_rate" else "input"
        out.append(Check(SECTION, f"Beijing {target.variant}, {target.month:%B %Y}",
                         f"{target.metric.replace('_', ' ')} ({role})", target.value, target.source, tuple(values),
                         "within", "%" if rate else "", below=tolerance, above=tolerance))
    return out, render(rows)


def skew_checks(name: str, runs: list) -> list[Check]:
    """Median over mean of the time from ticket to closure, in each replication of a full scenario."""
    ratios = tuple(rep.metrics["median_resolve_h"] / rep.metrics["mean_resolve_h"] for rep in runs)
    return [Check(SECTION, f"{name}: closure times right-skewed", "median / mean of time to closure", EXPONENTIAL,
                  f"ln 2, an exponential distribution (New York 311, 2004-2016: {NEW_YORK_311:.2f})",
                  ratios, "within", "", below=math.inf, above=0.0)]
