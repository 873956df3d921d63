"""The street blows the whistle and departments report (MODEL.md 2.6).

Each force the category needs sends a team: a stationed team (1+4) from the
street, an on-call one (N) from the district. A team's report delay is its
wait for a free team plus its travel; it is on time if within
``whistle.report_timeout`` (with ``none``, within ``reference_timeout``, so
that variants compare). Double assessment shortens travel and idling while a
limit is in force (travel only: a wait for a free team is not shortened). A
team may come and not work ("present but not working"),
which lowers the chance the matter is solved. Teams stay until the on-site work is done (level B's effort, in
``handling``), so they are busy from the moment they are sent until they stand down.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generator

from sim.scenario.schema import Forces
from sim.scenario.schema import Whistle as WhistleSection

from .categories import CategoryPlan
from .environment import Environment
from .observer import Observer
from .organisation import City
from .pool import Pool
from .request import Request
from .streams import Streams


@dataclass(frozen=True, slots=True)
class Crew:
    """The teams a whistle brought: each one's pool and whether it came on call, when each set off, and
    whether any of them is present but not working."""

    teams: list[tuple[Pool, bool]]
    sent: list[float]
    idle: bool


class Whistle:
    """The forces of every street, stationed (1+4) and on call (N), and how they report."""

    def __init__(self, env: Environment, section: WhistleSection, forces: Forces, city: City,
                 categories: list[CategoryPlan], streams: Streams, observer: Observer):
        self.env, self.observer, self.categories = env, observer, categories
        self.stream = streams["whistle"]
        self.report_stationed = section.report_delay_stationed.sampler(self.stream)
        self.report_on_call = section.report_delay_on_call.sampler(self.stream)
        self.limit = section.on_time_limit
        self.delay_factor, self.idle_factor = section.assessment.factors(section.report_timeout)
        self.present_not_working = section.present_not_working
        self.teams_out = {False: observer.station("stationed_teams_out"), True: observer.station("on_call_teams_out")}
        stationed_here = forces.stationed_at_street
        district_teams = []  # teams on call in each district: N, plus the 1+4 pooled when withdrawn from streets
        for district in city.districts:
            teams = dict(forces.on_call)
            if forces.all_on_call:
                teams.update({name: n * len(district.streets) for name, n in forces.stationed.items()})
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
        for i, (pool, on_call) in enumerate(teams):
            turn = pool.acquire()
            travels.append((self.report_on_call if on_call else self.report_stationed)() * self.delay_factor)
            idles.append(self.stream.uniform() < self.present_not_working * self.idle_factor)
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
        reports = [start + travel for start, travel in zip(sent, travels)]
        yield env.timeout(max(reports) - env.now)
        delays = [reported - blown for reported in reports]
        on_time = [delay <= self.limit for delay in delays]
        req.reports += len(delays)
        req.late_reports += on_time.count(False)
        req.idle_reports += idles.count(True)
        obs.on_site(env.now, req, blown, category.forces, delays, on_time, idles)
        return Crew(teams, sent, any(idles))

    def stand_down(self, crew: Crew) -> None:
        """The work is done: every team goes back and is free again."""
        now = self.env.now
        for (pool, on_call), left in zip(crew.teams, crew.sent):
            self.teams_out[on_call].leave(now, left)
            pool.release()
