"""Double assessment (双考核): the street rates each department that reports to its whistle (MODEL.md 2.6).

A department is one force's teams at a street (stationed, 1+4) or in a
district (on call, N). Each of its reports is rated poor when late or when
its team came but did not work. At each month's end the ratings build the
department's discipline ``D``: it grows by ``(1 - D) x response x weight x
poor share`` of the month, ``weight`` being the rating's share of the
department's appraisal (30% in Wuchang [004]). Discipline decides how the
department's teams behave from then on: of those that would report after
the limit, a share ``compliance + (1 - compliance) x D`` hurry to make it,
and a team is present but not working with probability
``present_not_working x (1 - D)``. Without assessment, or without a limit
to rate against, ``D`` stays 0.
"""

from __future__ import annotations

from typing import Generator, Hashable

from sim.scenario.schema import Whistle as WhistleSection

from .environment import Environment


class Appraisal:
    """Each department's ratings of the month and the discipline they have built."""

    def __init__(self, env: Environment, section: WhistleSection, month_ends: list[float]):
        a = section.assessment
        self.env, self.month_ends = env, month_ends
        self.rated = a.enabled and section.report_timeout is not None
        self.start = a.start if self.rated else 0.0
        self.strength = a.response * a.weight
        self.discipline: dict[Hashable, float] = {}
        self.month: dict[Hashable, list[int]] = {}  # department -> [reports, poor reports] this month

    def of(self, department: Hashable) -> float:
        """The department's discipline now."""
        return self.discipline.get(department, self.start)

    def rate(self, department: Hashable, on_time: bool, idle: bool) -> None:
        """The street rates one report of the department: poor if late or not working."""
        if self.rated:
            tally = self.month.setdefault(department, [0, 0])
            tally[0] += 1
            tally[1] += not on_time or idle

    def monthly(self) -> Generator:
        """At each month's end, the month's ratings build each rated department's discipline."""
        env = self.env
        for end in self.month_ends:
            yield env.timeout(end - env.now)
            for department, (reports, poor) in self.month.items():
                d = self.of(department)
                self.discipline[department] = d + (1.0 - d) * min(1.0, self.strength * poor / reports)
            self.month = {}
