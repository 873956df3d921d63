"""Log-odds, the scale on which gridgov adds up what makes an outcome more or less likely.

The solve chance (``handling``) and the resident's satisfaction (``followup``) are each a sum of terms on
this scale turned into a probability by the logistic function.
"""

from __future__ import annotations

import math


def log_odds(p: float) -> float:
    """log(p / (1 - p)), infinite for a certain outcome (0 or 1), which no finite shift moves."""
    if p <= 0.0 or p >= 1.0:
        return math.inf if p >= 1.0 else -math.inf
    return math.log(p / (1.0 - p))


def logistic(odds: float) -> float:
    """1 / (1 + exp(-odds)), the inverse of ``log_odds``, without overflow."""
    if odds >= 0:
        return 1.0 / (1.0 + math.exp(-odds))
    e = math.exp(odds)
    return e / (1.0 + e)
