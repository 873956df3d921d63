"""The policy levers a workshop can pull (MODEL.md section 4), as scenario overrides.

Each lever is one scenario parameter: the app shows it as a switch, a choice
or a number, starting from the chosen scenario's own value, and a run is the
scenario with the levers that moved as ``--set KEY=VALUE`` overrides, so
what a participant tries is exactly what ``python run.py compare ... --set``
would run. Labels come from ``analysis.text`` (the report's words for the
same parameters), so the app and the report name a policy alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from sim.experiment import organisation
from sim.scenario.durations import DAY, format_duration
from sim.scenario.schema import Scenario

from .words import WORDS

SWITCH, CHOICE, NUMBER = "switch", "choice", "number"
# one core, this machine: a replication costs about this much to start, and this much per household and day
# (measured: teaching street 3 months 0.13 s, Wuchang a month 3.3 s)
SECONDS_PER_RUN, SECONDS_PER_HOUSEHOLD_DAY = 0.05, 1.8e-7
SLOW, TOO_SLOW = 15.0, 120.0        # seconds: warn; refuse and point to the command line


@dataclass(frozen=True)
class Policy:
    """One lever: the parameter it sets, how it is shown, and what it means (English, Chinese)."""

    key: str
    control: str
    options: tuple = ()
    help: tuple[str, str] = ("", "")
    on: Any = True       # a switch's value when on, and when off
    off: Any = False
    label: Optional[tuple[str, str]] = None  # when the report's name of the parameter does not suit the control

    def current(self, scenario: Scenario) -> Any:
        """The scenario's own value of this lever, as the control shows it."""
        value: Any = scenario
        for part in self.key.split("."):
            value = getattr(value, part)
        if self.control == SWITCH:
            return value == self.on
        if self.key == "whistle.report_timeout":
            return "none" if value is None else format_duration(value)
        return value

    def setting(self, shown: Any) -> str:
        """The ``KEY=VALUE`` override for what the control shows."""
        value = (self.on if shown else self.off) if self.control == SWITCH else shown
        return f"{self.key}={str(value).lower() if isinstance(value, bool) else value}"


POLICIES = (
    Policy("grid.households", CHOICE, (300, 400, 500),
           ("The same households in fewer, larger grids need fewer grid workers (Wuchang moved from 300 to 500), "
            "but each worker has less time for each household's matters: slower, and fewer solved.",
            "同样的住户，网格越大，网格员越少（武昌区由300户调整为500户），但每位网格员分给每户的时间更少："
            "办得更慢，解决得更少。")),
    Policy("whistle.report_timeout", CHOICE, ("15min", "30min", "1h", "2h", "4h", "none"),
           ("How soon departments must report after the street blows the whistle (30 minutes in Pinggu's rule). "
            "A tighter limit makes more of the teams that would be late hurry, as far as their distance allows; "
            "the sooner they arrive, the better the chance to act before a passing violation moves on or an "
            "emergency spreads. Double assessment makes more of them hurry.",
            "街道吹哨后，部门须在多长时间内报到（平谷最初规定30分钟）。时限越紧，本会迟到的部门中赶来的越多"
            "（路远的除外）；到得越早，越能在违法行为消失、险情扩大之前处置。实行双考核时赶来的更多。")),
    Policy("whistle.assessment.enabled", SWITCH, (),
           ("Streets rate the departments that report to their whistles, and the rating counts in the "
            "departments' appraisal (30% in Wuchang): with a report limit, month by month the departments rated "
            "late or idle learn, more of their teams hurry and fewer come without working, so more whistle "
            "matters are solved.",
            "街道对吹哨报到的部门打分，计入部门考核（武昌占30%）：有报到时限时，被评为迟到或到而不干的部门"
            "逐月改进，赶来的更多，到而不干更少，吹哨事项解决得更多。")),
    Policy("forces.all_on_call", SWITCH, (),
           ("Withdraw the forces stationed at the street (1+4): every department comes from the district, "
            "later and only when its own work allows, and the chance to act passes meanwhile.",
            "撤回下沉街道的“1+4”力量：所有部门都从区里派出，到得更晚，且要先顾本部门的工作，处置时机随之流失。")),
    Policy("dispatch.mode", SWITCH, (),
           ("Send utility tickets straight to the city department or utility instead of through the street.",
            "水电气热等工单直接派给市级部门或企业，不再经过街道。"), on="precise", off="street",
           label=("precise dispatch", "精准派单")),
    Policy("hotline.agents", NUMBER, (1, 30),
           ("Hotline agents answering calls at the same time. Callers who cannot get through try the app or "
            "their grid worker, or give up: unheard demand, which the three rates do not see.",
            "同时接听电话的热线坐席数。打不进的来电者或改用网上、网格员渠道，或放弃：未被听见的诉求，"
            "三率看不到它。")),
    Policy("hotline.lines", NUMBER, (1, 60),
           ("Telephone lines: callers beyond them hear a busy tone, and some give up unheard.",
            "热线线路数：超出的来电听到忙音，有些人就此放弃，诉求未被听见。")),
    Policy("topics.enabled", SWITCH, (),
           ("Each month the city picks the most frequent hard problem: the bureaus concerned join at once, so "
            "its matters are easier to solve (the lower levels get the powers they lacked), and after a lag the "
            "root-cause fix means fewer such requests.", "每月选取高频难点问题：相关委办局随即加入，此类诉求更好解决"
            "（基层获得了原先缺少的权限）；一段时间后根源治理使此类诉求减少。")),
    Policy("ranking.pressure.enabled", SWITCH, (),
           ("Streets at the bottom of the monthly ranking are named and their leaders interviewed: they work "
            "faster and solve more, and may rush closures that residents are talked into calling solved. A "
            "street alone (the teaching street) is always at the bottom, so "
            "the pressure is on from its second month.",
            "月度排名靠后的街道被通报、约谈：办理更快，也可能应付式办结。只有一条街道时（教学街道），"
            "它总是排在末位，从第二个月起始终承受压力。")),
)


def overrides(scenario: Scenario, shown: dict[str, Any]) -> list[str]:
    """The ``KEY=VALUE`` overrides of the levers moved away from the scenario's own values."""
    return [policy.setting(shown[policy.key]) for policy in POLICIES
            if policy.key in shown and shown[policy.key] != policy.current(scenario)]


def combination_problem(shown: dict[str, Any], lang: str) -> Optional[str]:
    """A message for a combination of levers that cannot run, in the app's language; None if it can."""
    agents, lines = shown.get("hotline.agents"), shown.get("hotline.lines")
    if agents is not None and lines is not None and agents > lines:
        return WORDS["agents_lines"][lang == "zh"].format(agents=agents, lines=lines)
    return None


def caveats(scenario: Scenario, shown: dict[str, Any], months: int) -> list[tuple[str, dict]]:
    """Why a lever cannot show in a run this short: (key of ``WORDS``, its values) for each."""
    notes = []
    if shown.get("topics.enabled") and not scenario.topics.enabled:
        if months <= 1:  # the first topic is chosen when month 1 ends
            notes.append(("topics_too_short", {"lag": round(scenario.topics.lag / DAY), "months": months,
                                               "need": 2}))
    if shown.get("ranking.pressure.enabled") and not scenario.ranking.pressure.enabled and months == 1:
        notes.append(("pressure_too_short", {}))
    return notes


def horizon_sets(scenario: Scenario, months: int) -> tuple[list[str], bool]:
    """Overrides for a run of ``months`` (30 days each), and whether the scenario's warm-up was dropped
    because the run is less than twice as long (a short workshop run then measures from day one)."""
    days = 30 * months
    dropped = scenario.warmup > 0 and 2 * scenario.warmup > days * DAY
    return [f"horizon={days}d", *(["warmup=0"] if dropped else [])], dropped


def estimated_seconds(scenario: Scenario, months: int, replications: int) -> float:
    """About how long a workshop run takes on one core, from the households simulated: base and policy
    ``replications`` times each, and the policy once more with its trace (for the animation and stories)."""
    households = organisation(scenario)["households"]
    return (2 * replications + 1) * (SECONDS_PER_RUN + SECONDS_PER_HOUSEHOLD_DAY * households * 30 * months)
