"""Monthly ranking of streets and the choice of monthly topics (MODEL.md 2.10-2.11).

Pure functions, shared by the live model (which names the bottom streets and
picks topics as months end) and by the tables written afterwards, so the
ranks a user reads are the ranks the model acted on.
"""

from __future__ import annotations

import math
from typing import Sequence


def score(responded: int, solved: int, satisfied: int, evaluated: int, weights: tuple[float, float, float]) -> float:
    """Weighted mean of a street's three rates over its evaluations; NaN if none were evaluated."""
    if evaluated == 0:
        return math.nan
    w_response, w_resolution, w_satisfaction = weights
    total = w_response * responded + w_resolution * solved + w_satisfaction * satisfied
    return total / (evaluated * (w_response + w_resolution + w_satisfaction))


def rank(scores: Sequence[float]) -> list[float]:
    """Rank 1 = best score; ties go to the lower street number; an unscored street gets NaN."""
    order = sorted((i for i, s in enumerate(scores) if not math.isnan(s)), key=lambda i: (-scores[i], i))
    ranks = [math.nan] * len(scores)
    for position, street in enumerate(order, start=1):
        ranks[street] = float(position)
    return ranks


def bottom(scores: Sequence[float], count: int) -> list[int]:
    """The ``count`` lowest-ranked streets among those ranked, worst first."""
    ranks = rank(scores)
    ranked = sorted((i for i, r in enumerate(ranks) if not math.isnan(r)), key=lambda i: -ranks[i])
    return ranked[:count]


def choose_topics(arrivals: Sequence[int], candidates: Sequence[int], chosen: set[int], count: int) -> list[int]:
    """The ``count`` candidate categories with the most requests last month, not chosen before.

    Ties go to the candidate listed first, so the choice is reproducible.
    """
    open_ = [c for c in candidates if c not in chosen]
    return sorted(open_, key=lambda c: (-arrivals[c], candidates.index(c)))[:count]
