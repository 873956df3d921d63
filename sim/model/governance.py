"""The city's monthly cycle: rank the streets, name the bottom ones, pick a topic (MODEL.md 2.10-2.11).

The city keeps the figures it acts on: each street's evaluations of each
month (responded in time, reported solved, satisfied) and each category's
problems of each month. At the end of every calendar month the streets are
scored on that month's evaluations; with ``ranking.pressure`` on, the bottom
ones are named and work under pressure the next month (faster at A and B,
solving more, perhaps rushing closures). With ``topics`` on, the city picks
the month's topic: at once its matters get easier to solve (the bureaus
concerned join the push and give the lower levels the powers and support
they lacked [002]), and after a lag the root-cause fixes cut the category's
arrivals. What it chose is kept for the results.
"""

from __future__ import annotations

from typing import Generator

from .environment import Environment
from .ranking import bottom, choose_topics, score
from .request import Request
from .setting import Setting

EVALUATIONS = ("evaluated", "responded", "solved", "satisfied")


class Governance:
    """The monthly meeting's figures and decisions, and the pressure and topics they put into effect."""

    def __init__(self, env: Environment, setting: Setting):
        s = setting.scenario
        self.env, self.setting = env, setting
        self.ranking, self.topics_section = s.ranking, s.topics
        pressure = s.ranking.pressure
        self.solve_boost, self.gaming = pressure.solve_boost, pressure.gaming
        self.category_names = [c.name for c in s.demand.categories]
        streets, months = len(setting.city.streets), setting.months
        # street-month figures of the evaluations: the three rates the streets are ranked on
        self.evaluations = {key: [0] * (streets * months) for key in EVALUATIONS}
        self.arrivals = [[0] * months for _ in self.category_names]  # problems of each category and month
        self.pace = [1.0] * streets  # handling-time factor (1 - speedup when named)
        self.pressured = [False] * streets
        self.topic_factor = [1.0] * len(self.category_names)  # share of a category's problems still arising
        self.easier = [0.0] * len(self.category_names)  # log-odds of solving a topic's fix adds to its category
        self.chosen: set[int] = set()
        self.named: list[tuple[int, list[int]]] = []  # (month, streets named at its end)
        self.topics: list[tuple[int, float, str, float]] = []  # (month, chosen at, category, in effect from)

    def arrived(self, now: float, req: Request) -> None:
        """A problem entered at ``now``: one more of its category this month."""
        self.arrivals[req.category][self.setting.month_at(now)] += 1

    def evaluated(self, now: float, req: Request, in_time: bool) -> None:
        """A resident's follow-up answer at ``now``, counted in their street's figures of the month."""
        cell = self.setting.cell(req.street, now)
        e = self.evaluations
        e["evaluated"][cell] += 1
        e["responded"][cell] += in_time
        e["solved"][cell] += req.reported_solved
        e["satisfied"][cell] += bool(req.satisfied)

    def monthly(self) -> Generator:
        """Run the monthly meeting at each month's end."""
        env = self.env
        for month, end in enumerate(self.setting.month_ends):
            yield env.timeout(end - env.now)
            if self.ranking.pressure.enabled:
                self.name_bottom_streets(month)
            if self.topics_section.enabled:
                self.pick_topics(month)

    def scores(self, month: int) -> list[float]:
        """Each street's score for ``month``."""
        e, months = self.evaluations, self.setting.months
        cells = [street * months + month for street in range(len(self.pace))]
        return [score(e["responded"][c], e["solved"][c], e["satisfied"][c], e["evaluated"][c], self.ranking.weights)
                for c in cells]

    def name_bottom_streets(self, month: int) -> None:
        """Name the month's bottom streets: they work under pressure until the next meeting."""
        pressure = self.ranking.pressure
        named = bottom(self.scores(month), pressure.bottom)
        self.pace = [1.0] * len(self.pace)
        self.pressured = [False] * len(self.pressured)
        for street in named:
            self.pace[street] = 1.0 - pressure.speedup
            self.pressured[street] = True
        self.named.append((month, named))

    def pick_topics(self, month: int) -> None:
        """Choose the month's topics: their matters are easier to solve from now on, and their categories'
        arrivals fall once the root-cause fixes take effect."""
        t, env = self.topics_section, self.env
        arrivals = [counts[month] for counts in self.arrivals]
        candidates = [self.category_names.index(c) for c in t.candidates] or list(range(len(self.category_names)))
        for category in choose_topics(arrivals, candidates, self.chosen, t.per_month):
            self.chosen.add(category)
            self.easier[category] = t.easier
            self.topics.append((month, env.now, self.category_names[category], env.now + t.lag))
            env.timeout(t.lag).callbacks.append(lambda _event, c=category: self.fixed(c))

    def fixed(self, category: int) -> None:
        """A topic's root-cause fix takes effect: fewer of its problems arise."""
        self.topic_factor[category] = 1.0 - self.topics_section.reduction
