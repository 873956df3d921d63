"""What a validation case compares, and how it passes.

A check holds the simulated value of one quantity in each replication and
a reference to compare it with. Two kinds of rule:

* **equal**: theory, or a peer simulator, says what the quantity's expected
  value is; the check passes when that value lies inside the simulated
  mean's confidence interval (for a peer, when zero lies inside the Welch
  interval of the difference). The table holds many such checks, so their
  intervals are simultaneous: each at level 1 - 0.05 / m (Bonferroni over
  the m equal-checks), so that a correct simulator passes every one of
  them with probability of about 95% or more (the replication means being
  close to normal). The ordinary 95% interval is kept too, for the reader.
* **within**: the quantity must lie within a stated tolerance of the
  reference (Little's law, published figures, a bound): the check passes
  when the simulated mean's 95% interval lies inside the tolerance.
* **exact**: a quantity with no noise (an identity that holds on every
  sample path) must lie within the tolerance in every replication.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Optional, Sequence

from sim.experiment.stats import mean_ci, welch

FAMILY = 0.95  # the chance that a correct simulator passes every equal-check
LEVEL = 0.95


@dataclass(frozen=True)
class Interval:
    """A mean and its two-sided confidence interval."""

    mean: float
    low: float
    high: float

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


def t_interval(values: Sequence[float], level: float) -> Interval:
    """Student-t interval of the mean of independent replications; needs two or more, none of them NaN."""
    ci = mean_ci(values, level)
    if ci["n"] < 2 or ci["n"] < len(values):
        raise ValueError(f"an interval needs two or more measured replications, got {list(values)}")
    return Interval(ci["mean"], ci["ci_low"], ci["ci_high"])


def welch_interval(a: Sequence[float], b: Sequence[float], level: float) -> Interval:
    """Welch interval of mean(a) - mean(b) for two independent sets of replications."""
    return Interval(*welch(list(a), list(b), level))


@dataclass(frozen=True)
class Check:
    """One quantity of one case, its simulated replications and what they are compared with.

    ``rule`` is ``equal``, ``within`` or ``exact``. For ``equal``, ``peer``
    holds a peer simulator's replications when the reference is its mean.
    For ``within`` and ``exact``, the band is ``reference - below`` to
    ``reference + above``.
    ``unit`` says how to show the numbers: ``%`` (fractions shown as
    percentages), ``min``, ``h`` or a plain number.
    """

    section: str
    case: str
    quantity: str
    reference: float
    source: str
    samples: tuple[float, ...]
    rule: str = "equal"
    unit: str = ""
    peer: tuple[float, ...] = ()
    below: float = 0.0
    above: float = 0.0
    note: str = ""


@dataclass(frozen=True)
class Verdict:
    """A judged check: its intervals (of the difference from the peer, for a peer check) and the outcome."""

    check: Check
    estimate: Interval           # ordinary 95% interval of the simulated mean
    judged: Interval             # the interval the rule used
    passed: bool
    level: float = LEVEL
    peer_estimate: Optional[Interval] = field(default=None)


def judge(checks: Sequence[Check]) -> list[Verdict]:
    """Judge every check; equal-checks share the family-wise (Bonferroni) level."""
    equal = sum(c.rule == "equal" for c in checks)
    simultaneous = 1 - (1 - FAMILY) / max(equal, 1)
    return [_judge(c, simultaneous) for c in checks]


def _judge(check: Check, simultaneous: float) -> Verdict:
    band = (check.reference - check.below, check.reference + check.above)
    if check.rule == "exact":
        values = check.samples
        spread = Interval(math.fsum(values) / len(values), min(values), max(values))
        return Verdict(check, spread, spread, band[0] <= spread.low and spread.high <= band[1], 1.0)
    estimate = t_interval(check.samples, LEVEL)
    if check.rule == "within":
        return Verdict(check, estimate, estimate, band[0] <= estimate.low and estimate.high <= band[1])
    if check.rule != "equal":
        raise ValueError(f"unknown rule {check.rule!r}")
    if check.peer:
        difference = welch_interval(check.samples, check.peer, simultaneous)
        return Verdict(check, estimate, difference, difference.contains(0.0), simultaneous,
                       t_interval(check.peer, LEVEL))
    judged = t_interval(check.samples, simultaneous)
    return Verdict(check, estimate, judged, judged.contains(check.reference), simultaneous)
