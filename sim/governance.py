"""The city's monthly cycle: rank the streets, name the bottom ones, pick a topic (MODEL.md 2.10-2.11).

At the end of every calendar month the streets are scored on that month's
evaluations; with ``ranking.pressure`` on, the bottom ones are named and
work under pressure the next month. With ``topics`` on, the city picks the
month's topic, whose root-cause fixes cut that category's arrivals after a
lag. Everything chosen is recorded for the results.
"""

from __future__ import annotations

import datetime as dt

from .ranking import bottom, choose_topics, score


def month_ends(start: dt.date, horizon: float) -> list[float]:
    """Simulated minutes at which each calendar month ends, before the horizon."""
    ends, year, month = [], start.year, start.month
    while True:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        minutes = (dt.date(year, month, 1) - start).days * 1440.0
        if minutes >= horizon:
            return ends
        ends.append(minutes)


def monthly(model):
    """Run the monthly meeting at each month's end."""
    env = model.env
    for month, end in enumerate(month_ends(model.scenario.start_date, model.horizon)):
        yield env.timeout(end - env.now)
        if model.scenario.ranking.pressure.enabled:
            name_bottom_streets(model, month)
        if model.scenario.topics.enabled:
            pick_topics(model, month)


def street_scores(rec, month: int, weights) -> list[float]:
    """Each street's score for ``month`` from the recorder's street-month counts."""
    sm, cells = rec.street_month, [s * rec.months + month for s in range(rec.streets)]
    return [score(sm["responded"][c], sm["solved"][c], sm["satisfied"][c], sm["evaluated"][c], weights)
            for c in cells]


def name_bottom_streets(model, month: int) -> None:
    """Name the month's bottom streets: they work under pressure until the next meeting."""
    r = model.scenario.ranking
    named = bottom(street_scores(model.recorder, month, r.weights), r.pressure.bottom)
    model.pace = [1.0] * len(model.pace)
    model.pressured = [False] * len(model.pressured)
    for street in named:
        model.pace[street] = 1.0 - r.pressure.speedup
        model.pressured[street] = True
    model.recorder.named.append((month, named))


def pick_topics(model, month: int) -> None:
    """Choose the month's topics; their categories' arrivals fall once the fixes take effect."""
    t = model.scenario.topics
    rec = model.recorder
    arrivals = [counts[month] for counts in rec.category_month]
    candidates = [model.category_names.index(c) for c in t.candidates] or list(range(len(model.categories)))
    for category in choose_topics(arrivals, candidates, model.topics_chosen, t.per_month):
        model.topics_chosen.add(category)
        rec.topics.append((month, model.env.now, model.category_names[category], model.env.now + t.lag))
        model.env.timeout(t.lag).callbacks.append(
            lambda _event, c=category: model.topic_factor.__setitem__(c, 1.0 - t.reduction))
