"""The street blows the whistle and departments report (MODEL.md 2.6).

Each force the category needs sends a team: a stationed team (1+4) from the
street, an on-call one (N) from the district; emergencies take the first
free team. A team's report delay is its wait for a free team plus its
travel. The limit itself pulls travel in: of the teams that would arrive
after the limit, a share hurry to make it by the limit (the compliance,
more as double assessment builds the department's discipline, see
``appraisal``), but no hurry saves the
share of a team's usual travel that is distance (``min_travel``); so a
tighter limit brings more teams earlier, far on-call teams least. A report
is on time if within ``whistle.report_timeout`` (with ``none``, within
``reference_timeout``, so that variants compare). A team may come and not
work ("present but not working"), less often once disciplined. What the crew brings to the matter is
its ``chance`` factor: for a matter that needs the street's joint action
(level B), the chance to act passes while the teams are on their way
(``window`` of the whistle's kind: the stall moves on, the leak spreads),
and a team present but not working adds nothing. Teams stay until
the on-site work is done (level B's effort, in ``handling``), so they are
busy from the moment they are sent until they stand down.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Generator

from sim.scenario.schema import LEVELS, Forces
from sim.scenario.distributions import upper_tail
from sim.scenario.schema import Whistle as WhistleSection

from .appraisal import Appraisal
from .categories import CategoryPlan
from .environment import Environment
from .observer import Observer
from .organisation import City
from .pool import Pool
from .request import TEAM_DRAWS, Request

JOINT = LEVELS.index("B")  # the level of matters that need the street's joint action


@dataclass(frozen=True, slots=True)
class Crew:
    """The teams a whistle brought: each one's pool and whether it came on call, when each set off, and the
    factor its arrival and work put on the chance the matter is solved."""

    teams: list[tuple[Pool, bool]]
    sent: list[float]
    chance: float


class Whistle:
    """The forces of every street, stationed (1+4) and on call (N), and how they report."""

    def __init__(self, env: Environment, section: WhistleSection, forces: Forces, city: City,
                 categories: list[CategoryPlan], priority: list[bool], appraisal: Appraisal, observer: Observer):
        self.env, self.observer, self.categories, self.priority = env, observer, categories, priority
        self.appraisal = appraisal
        self.report_delay = {False: section.report_delay_stationed.transform(),  # of the teams' own draws
                             True: section.report_delay_on_call.transform()}
        self.limit = section.on_time_limit
        self.timeout = math.inf if section.report_timeout is None else section.report_timeout
        self.compliance = 0.0 if section.report_timeout is None else section.compliance  # nothing to be late for
        self.min_travel, self.idle_solve_factor = section.min_travel, section.idle_solve_factor
        self.window = {kind: math.inf if window is None else window for kind, window in section.window.items()}
        self.present_not_working = section.present_not_working
        self.teams_out = {False: observer.station("stationed_teams_out"), True: observer.station("on_call_teams_out")}
        stationed_here = forces.stationed_at_street
        district_teams = []  # teams on call in each district: N, plus the 1+4 pooled when withdrawn from streets
        for district in city.districts:
            teams = dict(forces.on_call)
            if forces.all_on_call:
                teams.update(forces.withdrawn(len(district.streets)))
            district_teams.append(teams)
        district_pools = [{name: Pool(env, n, observer.station("on_call_force_queue")) for name, n in teams.items()}
                          for teams in district_teams]
        self.forces: list[dict[str, tuple[Pool, bool]]] = []  # per street, force name -> (pool, on call?)
        for street in city.streets:
            pools = {name: (pool, True) for name, pool in district_pools[street.district].items()}
            pools.update({name: (Pool(env, teams, observer.station("stationed_force_queue")), False)
                          for name, teams in stationed_here.items()})
            self.forces.append(pools)
        observer.capacity("stationed_forces", sum(stationed_here.values()) * len(city.streets))
        observer.capacity("on_call_forces", sum(sum(teams.values()) for teams in district_teams))

    def summon(self, req: Request) -> Generator:
        """Blow the whistle and wait until every summoned team has reported on site; return the crew."""
        env, obs = self.env, self.observer
        category = self.categories[req.category]
        req.whistle = category.whistle
        obs.whistle(env.now, req, category.whistle, category.forces)
        if req.respond(env.now):  # the street contacts the resident when it blows
            obs.responded(env.now, req)
        blown = env.now
        teams = [self.forces[req.street][force] for force in category.forces]  # (pool, on call?)
        sent = [blown] * len(teams)  # when each team was free to set off
        travels, idles, waiting = [], [], []
        first = self.priority[req.urgency]
        hurries = []
        for i, (pool, on_call) in enumerate(teams):
            turn = pool.acquire(first)
            travel, hurrying, idling = req.teams[TEAM_DRAWS * i:TEAM_DRAWS * (i + 1)]
            travels.append(self.report_delay[on_call](travel))
            discipline = self.appraisal.of(pool)  # the team's department
            hurries.append(upper_tail(hurrying) < self.compliance + (1.0 - self.compliance) * discipline)
            idles.append(upper_tail(idling) < self.present_not_working * (1.0 - discipline))  # P(Z > z): uniform
            if turn is None:
                self.teams_out[on_call].enter(blown)
            else:
                turn.callbacks.append(lambda _event, i=i, on_call=on_call: handed_over(i, on_call))
                waiting.append(turn)

        def handed_over(i: int, on_call: bool) -> None:
            sent[i] = env.now
            self.teams_out[on_call].enter(env.now)

        if waiting:
            yield env.all_of(waiting)
        reports = [start + (self.pulled(travel, start - blown) if hurry else travel)
                   for start, travel, hurry in zip(sent, travels, hurries)]
        yield env.timeout(max(reports) - env.now)
        delays = [reported - blown for reported in reports]
        on_time = [delay <= self.limit for delay in delays]
        for (pool, _on_call), in_time, idle in zip(teams, on_time, idles):  # the street rates each department
            self.appraisal.rate(pool, in_time, idle)
        req.reports += len(delays)
        req.late_reports += on_time.count(False)
        req.idle_reports += idles.count(True)
        obs.on_site(env.now, req, blown, category.forces, delays, on_time, idles)
        # the chance to act passes only for a matter that needs the street's joint action (level B); one the
        # community could solve, passed up, is worked by the teams without that hurry
        window = self.window[category.whistle] if req.needed == JOINT else math.inf
        chance = math.exp(-max(delays) / window)
        return Crew(teams, sent, chance * (self.idle_solve_factor if any(idles) else 1.0))

    def pulled(self, travel: float, waited: float) -> float:
        """The travel of a team that hurries to make the limit, having ``waited`` for a free team: by the limit
        if its distance allows, else as fast as the distance allows (never slower than usual)."""
        return min(travel, max(travel * self.min_travel, self.timeout - waited))

    def stand_down(self, crew: Crew) -> None:
        """The work is done: every team goes back and is free again."""
        now = self.env.now
        for (pool, on_call), left in zip(crew.teams, crew.sent):
            self.teams_out[on_call].leave(now, left)
            pool.release()
