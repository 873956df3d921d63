"""The headline cards of a workshop run: the three rates and unheard demand beside them.

Each card shows the policy's value, the paired difference from the base
(green good news, red bad news, gray when the interval spans zero), its 95%
interval and the base's value. Unheard demand sits beside the three rates
because the rates, as the hotline counts them, do not see residents who gave
up without being heard; lower is better, so a rise is red. What a card says
is worked out here, apart from the Streamlit script (which runs on import),
so that tests can check it without a browser.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..findings import better, clear
from ..text import Text
from .runner import Run
from .words import words

CARDS = ("response_rate", "resolution_rate", "satisfaction_rate", "unheard_rate")
HELP = {"unheard_rate": "unheard_help"}   # the key of a card's tooltip in ``words.WORDS``; else "rates_help"
COLOURS = {"better": "green", "worse": "red", "uncertain": "orange", "unclear": "gray"}


@dataclass
class Card:
    """What ``st.metric`` shows for one metric (``colour`` and ``arrow`` are its ``delta_color`` and
    ``delta_arrow``), and the caption under it."""

    label: str
    value: str
    delta: str
    colour: str
    arrow: str
    help: str
    caption: str


def percent(value: float) -> str:
    """A share in percent, cut to 0..100%: a t interval on few replications can pass either end (a rate near
    zero, as unheard demand often is, would otherwise show an interval from -0.1%)."""
    return f"{100 * min(max(value, 0.0), 1.0):.1f}%"


def shown(run: Run) -> list[str]:
    """The cards' metrics the run measured: a results folder written before unheard demand was measured has
    no card for it."""
    return run.results.present(CARDS)


def card(run: Run, metric: str, text: Text) -> Card:
    """The card of one metric: the policy's value, the paired difference coloured as good or bad news when its
    interval excludes zero, the interval and the base's value."""
    mine, base, diff = run.rate(run.variant, metric), run.rate("base", metric), run.difference(metric)
    points = 100 * diff["mean"]
    change = words(text, "difference", sign="+" if points >= 0 else "",
                   value=f"{points:.1f}" if abs(points) >= 0.05 else f"{points:.2f}")
    sure = clear(diff)
    return Card(text.metric(metric), percent(mine["mean"]), change if sure else words(text, "no_clear"),
                COLOURS["better" if better(metric, diff) else "worse"] if sure else "off", "auto" if sure else "off",
                words(text, HELP.get(metric, "rates_help")),
                words(text, "ci", low=percent(mine["ci_low"]), high=percent(mine["ci_high"])) + " · "
                + words(text, "base_value", value=percent(base["mean"])))
