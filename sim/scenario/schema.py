"""The scenario schema: every parameter of the model, its default and its bounds.

Defaults live here and nowhere else. The model only ever sees a validated
``Scenario``; unknown keys are errors, so a typo cannot silently fall back to
a default. Durations are held in minutes. Section names follow MODEL.md.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .distributions import DistributionSpec, OptionalDistributionSpec
from .durations import DAY
from .types import (
    Duration,
    LongDuration,
    NonNegativeFloat,
    NonNegativeInt,
    OptionalCount,
    OptionalDuration,
    PositiveFloat,
    PositiveInt,
    Probability,
    Share,
)

LEVELS = ("A", "B", "C", "D")  # community, street (whistle), district, city (MODEL.md 2.5)
WHISTLE_KINDS = ("enforcement", "emergency", "key_work")
CHANNELS = ("hotline", "online", "grid_worker", "group_chat")  # how a resident raises a problem (MODEL.md 2.2)
SUM_TOLERANCE = 1e-6
# The largest organisation a scenario may describe: about ten times Beijing (16 districts, 343 streets and
# townships, some 7,000 communities, 8.23 million households). Whether this machine can simulate it is asked
# separately, before a run (sim/scenario/size.py).
MAX_DISTRICTS, MAX_STREETS, MAX_COMMUNITIES, MAX_HOUSEHOLDS = 160, 5_000, 100_000, 100_000_000
MAX_COMMUNITY = 1_000_000  # households in one community or one grid
MAX_RATE = 1_000.0  # problems or questions per household a year (Beijing 2024: about 3)
MAX_LOG_ODDS = 100.0  # a term on the log-odds scale: beyond a few tens the probability is 0 or 1 anyway


class Section(BaseModel):
    """A block of a scenario file: unknown keys are refused, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True, allow_inf_nan=False)


def _check_sum(shares: dict[str, float], what: str) -> dict[str, float]:
    total = sum(shares.values())
    if abs(total - 1.0) > SUM_TOLERANCE:
        raise ValueError(f"{what} must sum to 1, they sum to {total:.6g}")
    return shares


class HouseholdSpread(Section):
    """How many households live in a community: lognormal spread around a mean."""

    mean: float = Field(2500.0, gt=0, le=MAX_COMMUNITY, description="mean households per community, at most "
                                                                     "1,000,000")
    cv: NonNegativeFloat = Field(0.6, le=10, description="coefficient of variation of community size, 0 (all alike) "
                                                         "to 10")
    min: PositiveInt = Field(300, le=MAX_COMMUNITY, description="smallest community, households (1 to 1,000,000)")


class Organisation(Section):
    """Districts, streets/townships and communities (MODEL.md section 1)."""

    districts: PositiveInt = Field(1, le=MAX_DISTRICTS, description="districts, 1 to 160 (Beijing: 16)")
    streets_per_district: Union[Annotated[int, Field(gt=0, le=MAX_STREETS)],
                                list[Annotated[int, Field(gt=0, le=MAX_STREETS)]]] = Field(
        1, description="streets/townships in each district: one number for all, or a list with one per district; "
                       "at most 5,000 streets in the city (Beijing: 343)")
    communities_per_street: PositiveInt = Field(
        4, le=MAX_COMMUNITIES, description="communities in each street; at most 100,000 communities in the city "
                                           "(Beijing: about 7,000)")
    households_per_community: HouseholdSpread = HouseholdSpread()
    total_households: Optional[Annotated[int, Field(gt=0, le=MAX_HOUSEHOLDS)]] = Field(
        None, description="scale community sizes so that the city has exactly this many households, at most "
                          "100,000,000 (Beijing: 8.23 million)")
    community_cap: OptionalCount = Field(
        None, description="split communities above this many households into equal parts, each with its own "
                          "grids and grid workers (3,000 proposed for Beijing's super-large communities [000]); "
                          "none to keep them whole")
    street_centre_staff: PositiveInt = Field(2, le=1_000, description="dispatchers on duty in each street's command "
                                                                      "centre, 1 to 1,000")
    district_coordinators: PositiveInt = Field(3, le=10_000, description="C-level coordinators in each district, 1 to "
                                                                         "10,000")
    city_department_staff: PositiveInt = Field(10, le=100_000, description="D-level handlers in city departments and "
                                                                           "utilities, 1 to 100,000")

    def streets_in(self, district: int) -> int:
        """Streets of one district."""
        per = self.streets_per_district
        return per[district] if isinstance(per, list) else per

    @property
    def streets(self) -> int:
        """Streets in the whole city."""
        return sum(self.streets_in(d) for d in range(self.districts))

    @model_validator(mode="after")
    def _one_count_per_district(self):
        per = self.streets_per_district
        if isinstance(per, list) and len(per) != self.districts:
            raise ValueError(f"streets_per_district: the list has {len(per)} numbers for {self.districts} districts")
        return self

    @model_validator(mode="after")
    def _not_too_large(self):
        streets = self.streets
        if streets > MAX_STREETS:
            raise ValueError(f"streets_per_district: the city would have {streets:,} streets; at most "
                             f"{MAX_STREETS:,} (about 15 times Beijing's 343)")
        communities = streets * self.communities_per_street
        if communities > MAX_COMMUNITIES:
            raise ValueError(f"communities_per_street: {streets:,} streets x {self.communities_per_street:,} = "
                             f"{communities:,} communities; at most {MAX_COMMUNITIES:,} (about 14 times Beijing's "
                             "7,000)")
        if self.total_households is None:
            spread = self.households_per_community
            households = communities * max(spread.mean, spread.min)
            if households > MAX_HOUSEHOLDS:
                raise ValueError(f"households_per_community: {communities:,} communities of about "
                                 f"{max(spread.mean, spread.min):,.0f} households make about {households:,.0f} "
                                 f"households; at most {MAX_HOUSEHOLDS:,} (about 12 times Beijing's 8.23 million)")
        return self

    @model_validator(mode="after")
    def _total_fits(self):
        count = self.streets * self.communities_per_street
        least = count * self.households_per_community.min
        if self.total_households is not None and self.total_households < least:
            raise ValueError(f"total_households: {self.total_households:,} is fewer than {count:,} communities "
                             f"x households_per_community.min {self.households_per_community.min:,} = {least:,}; "
                             f"raise it or lower the minimum")
        return self


class Shift(Section):
    """Working hours of grid workers: from ``start`` to ``end`` on the working weekdays."""

    start: Duration = Field(510.0, description="start of the shift after midnight (8h30min = 510)")
    end: Duration = Field(1050.0, description="end of the shift after midnight (17h30min = 1050)")
    days: list[int] = Field(default_factory=lambda: [0, 1, 2, 3, 4],
                            description="working weekdays, Monday = 0 (assumption: Monday to Friday)")

    @model_validator(mode="after")
    def _sane(self):
        if not self.start < self.end <= DAY:
            raise ValueError("end: the shift must end after it starts and by midnight (at most 24h)")
        if not self.days or any(d not in range(7) for d in self.days):
            raise ValueError("days: list working weekdays as numbers 0 (Monday) to 6 (Sunday), at least one")
        return self


def doubling_odds(care: float, minutes: float, reference: float) -> float:
    """``care`` log-odds of solving for each doubling of the ``minutes`` a week a household gets over the
    ``reference`` minutes (negative below it): the time a worker or a committee can give its matters."""
    return care * math.log2(minutes / reference)


class GridConfig(Section):
    """Grids of households with their grid workers: shifts, duties, patrols and home visits.

    A grid worker's shift is shared between data-collection chores, patrols,
    home visits and handling A-level matters; what the duties leave is the
    handling share, so a matter's effort takes ``effort / share`` of working
    time. Smaller grids leave more time and are patrolled more thoroughly.
    """

    households: PositiveInt = Field(500, le=MAX_COMMUNITY, description="households per grid (300 before Wuchang's "
                                                                       "reform, 500 after [004]), 1 to 1,000,000")
    workers_per_grid: PositiveInt = Field(1, le=100, description="one grid, one worker [004]; at most 100")
    shift: Shift = Shift()
    data_chores_share: Share = Field(
        0.25, description="share of working time on data collection (Wuchang cut it by more than 20% [004]; "
                          "the level is an assumption)")
    patrol_every: PositiveInt = Field(1, le=365, description="working days between two patrols of a grid, 1 to 365")
    patrol_households: NonNegativeInt = Field(
        150, le=MAX_COMMUNITY, description="households a patrol passes (at most 1,000,000); a patrol sees a visible "
                                           "problem with probability patrol_households / households of the grid "
                                           "(assumption)")
    patrol_minutes_per_household: Duration = Field(0.3, description="patrol time per household passed (assumption)")
    home_visit_target: Share = Field(0.9, description="share of households visited a year (Beijing: at least 90% [003])")
    home_visit_minutes: Duration = Field(20.0, description="length of a home visit (assumption)")
    home_visit_detect: Probability = Field(
        0.3, description="probability a visited household mentions a problem it has not raised (assumption)")
    chat_pickup: Duration = Field(30.0, description="working time before a group-chat message is picked up (at "
                                                    "most 365d)")
    care: NonNegativeFloat = Field(
        0.5, le=10, description="log-odds of solving an A-level matter added for each doubling of the handling "
                                "minutes a worker has a week per household of the grid: the time a worker can "
                                "give each matter; heavy community burdens (社区负担重 [004]) lower it (assumption)")
    care_minutes: Duration = Field(
        3.7, gt=0, description="handling minutes a week per household at which A solves at levels.A.solve_prob: a "
                               "500-household grid with the default duties (assumption)")

    trust: NonNegativeFloat = Field(
        1.0, le=5, description="how much more often residents raise a matter with their grid worker rather than by "
                               "phone as their grid gets smaller, a worker with fewer households knowing them "
                               "better: the grid-worker channel's share is demand.channels.grid_worker x "
                               "(trust_households / households per grid) ^ trust, the extra taken from the hotline "
                               "(assumption)")
    trust_households: PositiveInt = Field(
        500, le=MAX_COMMUNITY, description="households per grid at which demand.channels hold (Wuchang's standard "
                                           "[004]), 1 to 1,000,000")

    def channel_shares(self, channels: dict[str, float], households: float) -> dict[str, float]:
        """The channels residents of a grid of ``households`` raise problems by: the grid worker's share
        scaled by trust, the difference taken from (or given to) the hotline."""
        worker, phone = channels.get("grid_worker", 0.0), channels.get("hotline", 0.0)
        more = min(worker * ((self.trust_households / households) ** self.trust - 1.0), phone)
        return {**channels, "hotline": phone - more, "grid_worker": worker + more}

    @property
    def working_week(self) -> float:
        """A worker's shift minutes in a week."""
        return len(set(self.shift.days)) * (self.shift.end - self.shift.start)

    def handling_share(self, households: float) -> float:
        """Share of a worker's shift left for A-level matters in a grid of ``households``."""
        per_week = len(set(self.shift.days))
        patrols = per_week / self.patrol_every * min(self.patrol_households, households) \
            * self.patrol_minutes_per_household
        visits = self.home_visit_target * households * self.home_visit_minutes * 7 / 365
        return 1.0 - self.data_chores_share - (patrols + visits) / self.working_week

    def care_odds(self, households: float) -> float:
        """What the time a worker can give each matter adds to the log-odds of solving it at A."""
        return doubling_odds(self.care, self.handling_share(households) * self.working_week / households,
                             self.care_minutes)

    @model_validator(mode="after")
    def _time_left(self):
        share = self.handling_share(self.households)
        if share < 0.05:
            raise ValueError(f"households: a {self.households}-household grid leaves its worker {share:.0%} of "
                             "the shift for handling matters after chores, patrols and home visits; at least 5% "
                             "is needed (fewer households, fewer chores, shorter visits or patrols)")
        return self


class Volunteers(Section):
    """Alley stewards and street chiefs (小巷管家, 街巷长): extra eyes that report visible problems.

    A visible problem is reported by a volunteer after an exponential time
    with rate ``per_1000_households * sighting_rate`` a day. Beijing: 23,000
    alley stewards and 15,000 street chiefs [003]; a steward walks the alley
    they claimed every day (日常寻访) and reports what they see to its street
    chief [003].
    """

    per_1000_households: NonNegativeFloat = Field(0.0, le=1000, description="volunteers per 1,000 households (0: "
                                                                            "none; at most 1,000, one a household)")
    sighting_rate: NonNegativeFloat = Field(
        0.25, le=100, description="daily rate (at most 100) at which one volunteer per 1,000 households reports a "
                                  "visible problem: a daily walk (日常寻访 [003]) past a quarter of them (assumption: "
                                  "the share)")


class Committee(Section):
    """The residents' committee of each community (社区居委会): finite staff time for residents' matters.

    The committee works with the grid worker on the community's matters; the
    minutes its staff have a week for each household add to the log-odds of
    solving a matter at A. A community above 3,000 households is too large
    for its committee to keep in touch with residents and solve problems at
    first hand [000]; splitting it gives each part a committee of its own.
    Committees spend most of their time on administrative work passed down
    to them [003].
    """

    staff: PositiveInt = Field(5, le=1000, description="committee members of a community (assumption)")
    hours: PositiveFloat = Field(
        8.0, le=168, description="hours a week each member gives residents' matters, the rest going on "
                                 "administrative work passed down by the street [003] (assumption)")
    care: NonNegativeFloat = Field(
        0.5, le=10, description="log-odds of solving an A-level matter added for each doubling of the "
                                "committee's minutes a week per household (assumption)")
    care_minutes: Duration = Field(
        0.8, gt=0, description="committee minutes a week per household at which the term is zero: a "
                               "3,000-household community with the default staff and hours, the size above which "
                               "[000] calls a community too large (assumption)")

    def care_odds(self, households: float) -> float:
        """What the committee's time for each household adds to the log-odds of solving a matter at A."""
        return doubling_odds(self.care, self.staff * self.hours * 60.0 / households, self.care_minutes)


class Category(Section):
    """A kind of problem: its share, the level it needs, who owns it, how urgent."""

    name: str
    share: Share
    levels: dict[Literal[LEVELS], Share] = Field(
        default_factory=lambda: {"A": 1.0}, description="shares of problems needing each level")
    urgency: dict[str, Share] = Field(default_factory=lambda: {"ordinary": 1.0})
    visible: Probability = Field(0.5, description="probability a patrol can see the problem")
    owner: Literal["street", "utility"] = Field(
        "street", description="utility: the ticket belongs to a city department or utility")
    whistle: Literal[WHISTLE_KINDS] = "enforcement"
    forces: list[str] = Field(default_factory=lambda: ["urban_management"], min_length=1,
                              description="departments summoned when the whistle blows")
    difficulty: float = Field(0.0, ge=-5, le=5,
                              description="how much harder than average its matters are to solve: subtracted "
                                          "from the log-odds of solving (0: average)")

    @field_validator("levels", "urgency")
    @classmethod
    def _sums_to_one(cls, shares: dict[str, float]) -> dict[str, float]:
        return _check_sum(shares, "the shares")

    @field_validator("forces")
    @classmethod
    def _each_once(cls, forces: list[str]) -> list[str]:
        repeated = sorted({f for f in forces if forces.count(f) > 1})
        if repeated:
            raise ValueError(f"each force is summoned once; repeated: {', '.join(repeated)}")
        return forces


class ScriptedProblem(Section):
    """One problem placed by hand, for teaching and for exact-trace tests."""

    at: LongDuration = Field(description="when the problem appears (at most 3650d, the longest horizon)")
    category: str
    street: NonNegativeInt = Field(0, le=MAX_STREETS, description="street, numbered from 0")
    household: NonNegativeInt = Field(0, le=MAX_HOUSEHOLDS, description="number of the household within its street "
                                                                        "(taken modulo the street's households)")
    level: Optional[Literal[LEVELS]] = None
    urgency: Optional[str] = None
    channel: Literal[CHANNELS] = "hotline"


class Demand(Section):
    """Problems appearing in grids and residents raising them (MODEL.md 2.1-2.2)."""

    problems_per_household_per_year: NonNegativeFloat = Field(
        0.8, le=MAX_RATE, description="problems appearing in a household a year, 0 to 1,000")
    raise_prob: Probability = Field(0.9, description="probability that a resident raises a problem at all")
    raise_delay: DistributionSpec = Field(
        default_factory=lambda: {"dist": "lognormal", "mean": 720.0, "cv": 1.5})
    daily_profile: list[Annotated[float, Field(ge=0, le=1e6)]] = Field(
        default_factory=lambda: [0.2, 0.1, 0.1, 0.1, 0.2, 0.4, 0.8, 1.2, 1.6, 1.8, 1.8, 1.6,
                                 1.3, 1.4, 1.6, 1.6, 1.5, 1.4, 1.3, 1.2, 1.1, 0.9, 0.6, 0.3],
        min_length=24, max_length=24, description="relative arrival rate in each hour of the day (weights 0 to "
                                                  "1,000,000)")
    weekly_profile: list[Annotated[float, Field(ge=0, le=1e6)]] = Field(
        default_factory=lambda: [1.1, 1.05, 1.0, 1.0, 1.0, 0.95, 0.9],
        min_length=7, max_length=7, description="relative arrival rate Monday..Sunday (weights 0 to 1,000,000)")
    channels: dict[Literal[CHANNELS], Share] = Field(
        default_factory=lambda: {"hotline": 0.75, "online": 0.15, "grid_worker": 0.10})
    categories: list[Category] = Field(default_factory=lambda: [Category(name="general", share=1.0)],
                                       min_length=1)
    script: list[ScriptedProblem] = Field(default_factory=list)

    @field_validator("channels")
    @classmethod
    def _channels_sum(cls, shares: dict[str, float]) -> dict[str, float]:
        return _check_sum(shares, "the channel shares")

    @field_validator("daily_profile", "weekly_profile")
    @classmethod
    def _not_all_zero(cls, profile: list[float]) -> list[float]:
        if max(profile) <= 0:
            raise ValueError("at least one weight must be above 0")
        return profile

    @field_validator("categories")
    @classmethod
    def _categories(cls, categories: list[Category]) -> list[Category]:
        _check_sum({c.name: c.share for c in categories}, "the category shares")
        names = [c.name for c in categories]
        if len(set(names)) != len(names):
            raise ValueError("category names must be unique")
        return categories

    @model_validator(mode="after")
    def _script_categories(self):
        names = [c.name for c in self.categories]
        for index, item in enumerate(self.script):
            if item.category not in names:
                raise ValueError(f"script.{index}.category: '{item.category}' is not a category; "
                                 f"the categories are: {', '.join(names)}")
        return self


class Consultation(Section):
    """Questions rather than problems: answered on the call from the knowledge base when it covers them.

    A question the knowledge base does not cover is written up and passed, through the street centre (a
    dispatcher's triage time), to a department that calls back; meanwhile a share of residents call again.
    """

    per_household_per_year: NonNegativeFloat = Field(1.0, le=MAX_RATE, description="questions a household asks a "
                                                                                  "year, 0 to 1,000")
    online_share: Share = 0.1
    knowledge_base_coverage: Probability = 0.85
    callback: DistributionSpec = Field(
        default_factory=lambda: {"dist": "lognormal", "mean": DAY, "cv": 1.0},
        description="time for a department to answer a question the knowledge base does not cover")
    ask_again: Probability = Field(0.3, description="share of residents waiting for a callback who call the "
                                                    "hotline again (assumption)")
    ask_again_delay: DistributionSpec = Field(
        default_factory=lambda: {"dist": "lognormal", "mean": 240.0, "cv": 1.0},
        description="time from the first call to the second, for those who call again (assumption)")


class Hotline(Section):
    """The 12345 centre: lines, agents, talk time, caller patience and redials (MODEL.md 2.3)."""

    lines: PositiveInt = Field(30, le=1_000_000, description="telephone lines, 1 to 1,000,000")
    agents: PositiveInt = Field(12, le=100_000, description="agents answering at once, 1 to 100,000")
    talk_time: DistributionSpec = Field(default_factory=lambda: {"dist": "lognormal", "mean": 5.0, "cv": 0.6})
    patience: OptionalDistributionSpec = Field(
        default_factory=lambda: {"dist": "exponential", "mean": 3.0},
        description="how long a caller waits for an agent before hanging up; none: callers never hang up")
    redial_prob: Probability = 0.6
    redial_delay: DistributionSpec = Field(default_factory=lambda: {"dist": "exponential", "mean": 20.0})
    max_attempts: PositiveInt = Field(5, le=100, description="calls a resident makes at most, 1 to 100")
    service_level_threshold: Duration = Field(0.25, description="answered within this counts for the service level")
    switch: dict[Literal["online", "grid_worker"], Share] = Field(
        default_factory=lambda: {"online": 0.2, "grid_worker": 0.1},
        description="shares of residents who, having given up on the phone, raise the problem online or with "
                    "their grid worker instead; the rest give up unheard")

    @field_validator("switch")
    @classmethod
    def _switch_at_most_all(cls, shares: dict[str, float]) -> dict[str, float]:
        if sum(shares.values()) > 1.0 + SUM_TOLERANCE:
            raise ValueError(f"the shares sum to {sum(shares.values()):.6g}; at most 1 (the rest give up)")
        return shares

    @model_validator(mode="after")
    def _lines_hold_agents(self):
        if self.lines < self.agents:
            raise ValueError(f"lines: {self.lines} lines cannot serve {self.agents} agents; lines must be at least "
                             "agents (every agent talks on a line)")
        return self


class Online(Section):
    """App, mini-program and web requests: read and turned into a ticket after a delay."""

    processing_delay: DistributionSpec = Field(default_factory=lambda: {"dist": "lognormal", "mean": 60.0, "cv": 1.0})


class Dispatch(Section):
    """From the centre to the receiver (MODEL.md 2.4)."""

    mode: Literal["street", "precise"] = Field(
        "street", description="precise: utility tickets go straight to the city department, street informed")
    delay: DistributionSpec = Field(default_factory=lambda: {"dist": "lognormal", "mean": 30.0, "cv": 0.8})
    accuracy: Probability = Field(0.95, description="probability a ticket reaches the right receiver")
    objection_delay: DistributionSpec = Field(default_factory=lambda: {"dist": "lognormal", "mean": 240.0, "cv": 0.8})
    review_delay: DistributionSpec = Field(default_factory=lambda: {"dist": "lognormal", "mean": 720.0, "cv": 0.8})
    forward_delay: DistributionSpec = Field(
        default_factory=lambda: {"dist": "lognormal", "mean": 240.0, "cv": 0.8},
        description="street dispatch only: time for a street to pass a utility ticket on")


class Triage(Section):
    """The street centre sorts a ticket to level A, B, C or D (MODEL.md 2.5)."""

    time: DistributionSpec = Field(default_factory=lambda: {"dist": "lognormal", "mean": 10.0, "cv": 0.5})
    accuracy: Probability = Field(0.9, description="probability of the right level; otherwise one level too low")
    overreach: Probability = Field(
        0.0, description="share of the matters the street centre would leave to the community that it sends to "
                         "the whistle all the same, the street treating the whistle as a basket for everything "
                         "(当成一个筐 [000]): departments' teams spent on community matters (assumption: 0)")
    community_report_delay: DistributionSpec = Field(
        default_factory=lambda: {"dist": "lognormal", "mean": 120.0, "cv": 1.0},
        description="a grid worker passing a matter beyond the community to the street centre")


class Level(Section):
    """How one level handles a matter: work that holds a handler, then calendar time."""

    effort: DistributionSpec
    lead_time: DistributionSpec
    solve_prob: Probability = Field(description="chance that a matter of average difficulty needing this level is "
                                                "solved when this level closes it")
    escalate_after: OptionalDuration = Field(description="time at this level before the matter goes up; none at D")


def _level(effort: float, lead: float, solve: float, after: float | None) -> Level:
    return Level(effort={"dist": "lognormal", "mean": effort, "cv": 1.0},
                 lead_time={"dist": "lognormal", "mean": lead, "cv": 1.5},
                 solve_prob=solve, escalate_after=after)


class Levels(Section):
    """A community, B street (whistle), C district, D city (MODEL.md 2.5, 2.7)."""

    A: Level = _level(90.0, DAY, 0.9, 3 * DAY)
    B: Level = _level(120.0, 2 * DAY, 0.85, 7 * DAY)
    C: Level = _level(120.0, 4 * DAY, 0.8, 15 * DAY)
    D: Level = _level(120.0, 5 * DAY, 0.75, None)
    powers: NonNegativeFloat = Field(
        0.7, le=10, description="log-odds of solving added for each level the handler stands above the level the "
                                "matter needs: higher levels hold powers and resources the street lacks [002] "
                                "(assumption: the size)")

    def __getitem__(self, level: str) -> Level:
        return getattr(self, level)

    @model_validator(mode="after")
    def _top_level_closes(self):
        if self.D.escalate_after is not None:
            raise ValueError("D.escalate_after: D is the top level and has nowhere to escalate; write none")
        return self


class Forces(Section):
    """The 1+4+N forces: stationed at the street, or on call from the district."""

    stationed: dict[str, Annotated[int, Field(gt=0, le=1_000)]] = Field(
        default_factory=lambda: {"urban_management": 2, "police": 1, "fire": 1, "traffic": 1, "market_regulation": 1},
        description="teams of each force stationed at every street (1+4), 1 to 1,000 each")
    on_call: dict[str, Annotated[int, Field(gt=0, le=10_000)]] = Field(
        default_factory=lambda: {"housing": 2, "planning": 1, "parks": 1, "ecology": 1, "culture": 1},
        description="teams of each department on call from the district (N), 1 to 10,000 each")
    all_on_call: bool = Field(False, description="withdraw stationed forces: every force comes from the district")
    withdrawn_availability: Share = Field(
        0.5, description="with all_on_call, the share of the withdrawn 1+4 teams the streets' whistles can count on, "
                         "the rest being on their departments' own work; stationed, the teams are district-owned "
                         "but street-managed and street-used, with staff and workplace fixed at the street "
                         "(区属、街管、街用 [003]) (assumption: the share)")

    @model_validator(mode="after")
    def _disjoint(self):
        both = sorted(set(self.stationed) & set(self.on_call))
        if both:
            raise ValueError(f"a force is either stationed or on call, not both: {', '.join(both)}")
        return self

    def withdrawn(self, streets: int) -> dict[str, int]:
        """Teams of each 1+4 force a district of ``streets`` streets has for whistles once they are withdrawn
        from the streets: the street's teams times the share available, at least one."""
        return {name: max(1, math.floor(n * streets * self.withdrawn_availability + 0.5))
                for name, n in self.stationed.items()}

    @property
    def stationed_at_street(self) -> dict[str, int]:
        """Teams of each force stationed at every street: the 1+4, or none when all are on call."""
        return {} if self.all_on_call else self.stationed


class Whistle(Section):
    """The street blows the whistle; departments must report within a limit (MODEL.md 2.6)."""

    report_timeout: OptionalDuration = Field(30.0, description="report limit; none for no limit")
    report_delay_stationed: DistributionSpec = Field(
        default_factory=lambda: {"dist": "lognormal", "mean": 20.0, "cv": 0.6})
    report_delay_on_call: DistributionSpec = Field(
        default_factory=lambda: {"dist": "lognormal", "mean": 60.0, "cv": 0.8})
    reference_timeout: Duration = Field(
        30.0, description="on-time is judged against this when report_timeout is none, so variants compare")
    present_not_working: Probability = Field(0.1, description="probability a department comes but does not work")
    idle_solve_factor: Probability = Field(0.6, description="solve probability multiplier when someone does not work")
    compliance: Share = Field(
        0.4, description="share of the teams that would report after the limit that hurry to make it by the limit, "
                         "as far as their distance allows, when a report limit is in force (assumption)")
    min_travel: Share = Field(
        0.5, description="share of a team's usual report delay that no hurry can save: the distance (assumption)")
    window: dict[Literal[WHISTLE_KINDS], OptionalDuration] = Field(
        default_factory=lambda: {"enforcement": 120.0, "emergency": 60.0, "key_work": None},
        description="mean time over which the chance to act passes after the whistle (the stall moves on, the leak "
                    "spreads): the solve chance is multiplied by exp(-last report delay / window); none: it waits "
                    "(assumption)")
    stay_until_done: bool = Field(True, description="teams stay until the on-site work is done (事不完、人不撤 [003])")
    leave_after: Duration = Field(
        60.0, description="without stay_until_done, teams leave after this much work on site; the solve chance "
                          "falls with the share of the work left undone (assumption)")
    assessment: "Assessment" = Field(default_factory=lambda: Assessment())

    @property
    def on_time_limit(self) -> float:
        """Minutes within which a report counts as on time: the limit, or with none the reference."""
        return self.reference_timeout if self.report_timeout is None else self.report_timeout

    @model_validator(mode="after")
    def _every_kind_has_a_window(self):
        missing = [kind for kind in WHISTLE_KINDS if kind not in self.window]
        if missing:
            raise ValueError(f"window: give every whistle kind a window (a duration or none); missing: "
                             f"{', '.join(missing)}")
        shut = [kind for kind, window in self.window.items() if window is not None and window <= 0]
        if shut:
            raise ValueError(f"window: must be longer than 0 (or none: the chance waits); {', '.join(shut)} is 0")
        return self


class Assessment(Section):
    """Double assessment (双考核): streets rate the departments that report to their whistles.

    With a report limit in force, each report is rated (poor when late or
    not working), and month by month a department's poor ratings, times the
    rating's ``weight`` in its appraisal, build its discipline ``D``: more of
    its would-be-late teams hurry, fewer come without working (see
    ``sim/model/appraisal.py``). Without a limit there is nothing to rate
    against, and no effect.
    """

    enabled: bool = False
    weight: Share = Field(0.3, description="weight of the street's rating in a department's appraisal "
                                           "(Wuchang 2019: 30% [004])")
    response: NonNegativeFloat = Field(
        3.0, le=100, description="discipline a department gains in a month per unit of appraisal it lost: D grows "
                                 "by (1 - D) x response x weight x its share of poor ratings (assumption)")
    start: Share = Field(
        0.0, description="departments' discipline when the run starts: 0 for an assessment just introduced, more "
                         "where it has been in force for years (assumption)")


class TimeLimit(Section):
    """Response and completion limits of one urgency class."""

    response: Duration
    completion: Duration
    immediate: bool = Field(False, description="dispatched at once, without the centre's usual delay "
                                               "(urgent requests are handled immediately [001])")
    priority: bool = Field(False, description="goes ahead of the other classes in every queue it waits in "
                                              "(提级响应，优先办理 [001])")
    lead_share: Share = Field(1.0, description="share of a level's lead time this class's matters take: an "
                                               "emergency is worked at once, not scheduled")


class Evaluation(Section):
    """Follow-up call: was it solved, is the resident satisfied (MODEL.md 2.9).

    P(satisfied) = 1 / (1 + exp(-z)), z = intercept + solved * [reported solved]
    + late_response * [response late] + late_completion * [closed after the completion limit]
    + per_day_open * days open + per_bounce * bounces + per_failed_call * failed calls.
    """

    delay: DistributionSpec = Field(default_factory=lambda: {"dist": "lognormal", "mean": DAY, "cv": 0.5})
    reach_prob: Probability = Field(0.9, description="probability the resident answers the follow-up call")
    intercept: float = Field(-1.5, ge=-MAX_LOG_ODDS, le=MAX_LOG_ODDS,
                             description="log-odds of satisfaction before the terms below, -100 to 100")
    solved: float = Field(3.5, ge=-MAX_LOG_ODDS, le=MAX_LOG_ODDS,
                          description="log-odds added when reported solved, -100 to 100")
    late_response: float = Field(-0.8, ge=-MAX_LOG_ODDS, le=MAX_LOG_ODDS,
                                 description="log-odds added when the response was late, -100 to 100")
    per_day_open: float = Field(-0.05, ge=-MAX_LOG_ODDS, le=MAX_LOG_ODDS,
                                description="log-odds added for each day open, -100 to 100")
    per_bounce: float = Field(-0.3, ge=-MAX_LOG_ODDS, le=MAX_LOG_ODDS,
                              description="log-odds added for each bounce, -100 to 100")
    late_completion: float = Field(-0.5, ge=-MAX_LOG_ODDS, le=MAX_LOG_ODDS,
                                   description="closed after its class's completion limit, -100 to 100 (assumption)")
    per_failed_call: float = Field(-0.2, ge=-MAX_LOG_ODDS, le=MAX_LOG_ODDS,
                                   description="each busy tone or hang-up before getting through: \"hard to get "
                                               "through\" [001], -100 to 100 (assumption)")
    repeat_prob: Probability = Field(0.5, description="probability an unsolved problem is raised again")
    repeat_delay: DistributionSpec = Field(default_factory=lambda: {"dist": "lognormal", "mean": 4320.0, "cv": 1.0})


class Pressure(Section):
    """What naming the bottom streets does to them the following month (MODEL.md 2.10).

    Named streets work harder at A and B: handling and lead times shrink by
    ``speedup`` and, with the extra effort, a matter that would have stayed
    unsolved is solved with probability ``solve_boost``. They may also game
    the ranking ("ranking over solving" [000]): a share ``gaming`` of their
    closures are rushed, not really solved but reported solved, which lifts
    their resolution rate now and brings repeat requests later.
    """

    enabled: bool = False
    bottom: NonNegativeInt = Field(3, le=MAX_STREETS, description="streets named at the monthly meeting [002], 0 to "
                                                                  "5,000")
    speedup: Share = Field(0.2, description="cut in named streets' handling times next month (assumption)")
    solve_boost: Share = Field(0.3, description="share of would-be unsolved matters a named street solves with "
                                                "extra effort (assumption)")
    gaming: Probability = Field(0.0, description="share of named streets' closures rushed and reported solved "
                                                 "without being solved (assumption; 0: off)")


class Ranking(Section):
    """Monthly ranking of streets by a weighted score of the three rates (MODEL.md 2.10)."""

    response: NonNegativeFloat = Field(1.0, le=1000, description="weight of the response rate, 0 to 1,000")
    resolution: NonNegativeFloat = Field(1.0, le=1000, description="weight of the resolution rate, 0 to 1,000")
    satisfaction: NonNegativeFloat = Field(1.0, le=1000, description="weight of the satisfaction rate, 0 to 1,000")
    pressure: Pressure = Pressure()

    @property
    def weights(self) -> tuple[float, float, float]:
        return self.response, self.resolution, self.satisfaction

    @model_validator(mode="after")
    def _some_weight(self):
        if self.response + self.resolution + self.satisfaction <= 0:
            raise ValueError("at least one ranking weight must be above 0")
        return self


class Topics(Section):
    """Monthly topic (每月一题, MODEL.md 2.11): the city fixes the root causes of one hard category a month.

    At each month's end the city picks, among ``candidates`` not chosen before,
    the category with the most requests that month. From then on its matters
    are easier to solve by ``easier`` (the high-level push: the bureaus
    concerned join and give the lower levels powers and support [002]);
    ``lag`` later its arrival rate is cut by ``reduction``. Published: 27 problems in 2021 [002], 17 in
    2022, 18 in 2023, 13 in 2024 (issue 3).
    """

    enabled: bool = False
    candidates: list[str] = Field(default_factory=list, description="categories the city may pick; empty: any")
    per_month: PositiveInt = Field(1, le=1000, description="topics chosen each month (2021: 27 problems in 12 "
                                                           "months), 1 to 1,000")
    lag: Duration = Field(60 * DAY, description="time for root-cause fixes to take effect (assumption)")
    reduction: Share = Field(0.3, description="cut in the category's arrival rate once in effect (assumption)")
    easier: NonNegativeFloat = Field(
        1.0, le=10, description="log-odds of solving added to the category's matters from the month it is chosen: "
                                "the bureaus concerned join and give the lower levels the powers they lacked [002] "
                                "(assumption: the size)")


def _default_limits() -> dict[str, TimeLimit]:
    return {
        "emergency": TimeLimit(response=30.0, completion=120.0, immediate=True, priority=True, lead_share=0.02),
        "utility": TimeLimit(response=120.0, completion=DAY),
        "ordinary": TimeLimit(response=DAY, completion=7 * DAY),
        "complex": TimeLimit(response=DAY, completion=15 * DAY),
    }


class Scenario(Section):
    """A whole scenario: the organisation, demand, and every policy parameter."""

    name: str = "scenario"
    description: str = ""
    gridgov_version: Optional[str] = Field(None, description="written into resolved scenarios, for provenance")
    seed: NonNegativeInt = Field(20190101, lt=2**64, description="seed of every random stream, 0 to 2^64 - 1")
    start_date: dt.date = Field(dt.date(2019, 1, 1), description="first simulated day: sets weekdays and months")
    horizon: LongDuration = Field(30 * DAY, gt=0, description="simulated time, at most 3650d (ten years)")
    warmup: LongDuration = Field(0.0, description="requests that appear before this are simulated but left out of "
                                                  "the metrics, so they describe the system once it has filled up")
    organisation: Organisation = Organisation()
    grid: GridConfig = GridConfig()
    volunteers: Volunteers = Volunteers()
    committee: Committee = Committee()
    demand: Demand = Demand()
    consultation: Consultation = Consultation()
    hotline: Hotline = Hotline()
    online: Online = Online()
    dispatch: Dispatch = Dispatch()
    triage: Triage = Triage()
    levels: Levels = Levels()
    forces: Forces = Forces()
    whistle: Whistle = Whistle()
    time_limits: dict[str, TimeLimit] = Field(default_factory=_default_limits)
    evaluation: Evaluation = Evaluation()
    ranking: Ranking = Ranking()
    topics: Topics = Topics()
    variants: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="named overrides of this scenario, stating only what changes")

    @model_validator(mode="after")
    def _calendar(self):
        try:
            self.start_date + dt.timedelta(minutes=self.horizon + 60 * DAY)
        except OverflowError:
            raise ValueError("horizon: start_date + horizon runs past the year 9999") from None
        return self

    @model_validator(mode="after")
    def _warmup(self):
        if self.warmup >= self.horizon:
            raise ValueError("warmup: must be shorter than the horizon, which has to leave time to measure "
                             "(with a short horizon, add --set warmup=0)")
        return self

    @model_validator(mode="after")
    def _references(self):
        forces = set(self.forces.stationed) | set(self.forces.on_call)
        for index, category in enumerate(self.demand.categories):
            unknown = [f for f in category.forces if f not in forces]
            if unknown:
                raise ValueError(f"demand.categories.{index}.forces: unknown force {', '.join(unknown)}; "
                                 f"defined forces are: {', '.join(sorted(forces))}")
            classes = [u for u in category.urgency if u not in self.time_limits]
            if classes:
                raise ValueError(f"demand.categories.{index}.urgency: unknown class {', '.join(classes)}; "
                                 f"time_limits defines: {', '.join(self.time_limits)}")
        names = [c.name for c in self.demand.categories]
        repeated = sorted({c for c in self.topics.candidates if self.topics.candidates.count(c) > 1})
        if repeated:
            raise ValueError(f"topics.candidates: each category is listed once; repeated: {', '.join(repeated)}")
        unknown = [c for c in self.topics.candidates if c not in names]
        if unknown:
            raise ValueError(f"topics.candidates: unknown category {', '.join(unknown)}; "
                             f"the categories are: {', '.join(names)}")
        streets = self.organisation.streets
        for index, item in enumerate(self.demand.script):
            if item.street >= streets:
                raise ValueError(f"demand.script.{index}.street: {item.street} but the city has {streets} streets "
                                 f"(numbered from 0)")
            if item.urgency is not None and item.urgency not in self.time_limits:
                raise ValueError(f"demand.script.{index}.urgency: unknown class {item.urgency}")
        return self


Whistle.model_rebuild()
