"""Problem categories as the mechanisms use them: shares ready for drawing, and what each category summons.

Built once from ``demand.categories``: demand draws a problem's level and urgency from the running sums,
dispatch reads whether a utility owns it, the whistle which kind to blow and which forces to summon.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from sim.scenario.schema import LEVELS, Category


def cumulative(weights: Iterable[float]) -> list[float]:
    """Running sums, for ``Stream.choice``."""
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


@dataclass(frozen=True, slots=True)
class CategoryPlan:
    """A category as the processes use it: cumulative shares and flags ready for drawing."""

    name: str
    level_cum: list[float]  # over levels A..D
    urgency_index: list[int]
    urgency_cum: list[float]
    visible: float
    utility: bool
    whistle: str
    forces: tuple[str, ...]

    @classmethod
    def of(cls, category: Category, urgencies: list[str]) -> "CategoryPlan":
        """The plan of ``category``, its urgency classes numbered as in ``urgencies``."""
        return cls(category.name, cumulative(category.levels.get(level, 0.0) for level in LEVELS),
                   [urgencies.index(u) for u in category.urgency], cumulative(category.urgency.values()),
                   category.visible, category.owner == "utility", category.whistle, tuple(category.forces))
