"""The hotline against queueing theory: Erlang C (M/M/c) and Erlang A (M/M/c+M).

Every variant of ``scenarios/hotline_theory.yaml`` isolates the hotline:
Poisson calls at a constant rate, exponential talk times, ``c`` agents, no
busy lines or redials, and callers who never hang up (Erlang C) or whose
patience is exponential (Erlang A). The exact values are computed from the
scenario's own parameters (``analysis.queueing``) and each measured
quantity must match them within its confidence interval: the probability
of waiting, the mean wait of answered calls, the share answered within the
service-level threshold, the probability of abandonment, the time-weighted
mean number of callers waiting and the agents' occupancy. The variant with
very patient callers is checked against both: Erlang A tends to Erlang C
as patience grows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sim import load_variants
from sim.experiment import organisation
from sim.scenario.distributions import Exponential
from sim.scenario.schema import Scenario

from ..queueing import Queue, erlang_a, erlang_a_service_level, erlang_c, erlang_c_service_level
from . import YEAR, first_day, replicate
from .checks import Check
from .little import window

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "hotline_theory.yaml"
SECTION = "Hotline against queueing theory"
REPLICATIONS = 20
PATIENT = 1000  # patience of this many talk times or more: Erlang C applies as well as Erlang A


@dataclass(frozen=True)
class Hotline:
    """The queue a hotline scenario describes: rates per minute, ``theta`` 0 when callers never hang up."""

    lam: float
    mu: float
    agents: int
    theta: float
    threshold: float

    @classmethod
    def of(cls, scenario: Scenario) -> "Hotline":
        """Read the queue off a scenario, refusing one that is not the textbook queue (busy lines are checked
        on the runs: ``checks``)."""
        h, d, c = scenario.hotline, scenario.demand, scenario.consultation
        if not isinstance(h.talk_time, Exponential) or not (h.patience is None or isinstance(h.patience, Exponential)):
            raise ValueError(f"{scenario.name}: talk time and patience must be exponential (or patience none)")
        if (d.problems_per_household_per_year or c.online_share or c.knowledge_base_coverage < 1
                or h.redial_prob or len(set(d.daily_profile)) > 1 or len(set(d.weekly_profile)) > 1):
            raise ValueError(f"{scenario.name}: the hotline is not isolated (problems, online or uncovered "
                             "questions, redials, or a varying arrival rate)")
        households = organisation(scenario)["households"]
        lam = households * c.per_household_per_year / YEAR
        return cls(lam, 1 / h.talk_time.mean, h.agents, 0.0 if h.patience is None else 1 / h.patience.mean,
                   h.service_level_threshold)

    @property
    def occupancy(self) -> float:
        """Offered load per agent, rho = lambda / (c mu)."""
        return self.lam / (self.agents * self.mu)

    def describe(self) -> str:
        patience = "never hang up" if self.theta == 0 else f"patience {1 / self.theta:g} min"
        return f"c = {self.agents}, rho = {self.occupancy:.2f}, talk {1 / self.mu:g} min, {patience}"

    def erlang_c(self) -> tuple[Queue, float]:
        return (erlang_c(self.lam, self.mu, self.agents),
                erlang_c_service_level(self.lam, self.mu, self.agents, self.threshold))

    def erlang_a(self) -> tuple[Queue, float]:
        return (erlang_a(self.lam, self.mu, self.agents, self.theta),
                erlang_a_service_level(self.lam, self.mu, self.agents, self.theta, self.threshold))


def scenarios() -> dict[str, Scenario]:
    """The base and variants of ``scenarios/hotline_theory.yaml``."""
    return load_variants(SCENARIO)


def checks(name: str, scenario: Scenario, runs: list) -> list[Check]:
    """The variant's measured quantities against Erlang C or Erlang A (against both when patience is long)."""
    queue = Hotline.of(scenario)
    models = []
    if queue.theta * PATIENT <= queue.mu:  # callers who (almost) never hang up
        models.append(("Erlang C", *queue.erlang_c()))
    if queue.theta > 0:
        models.append(("Erlang A", *queue.erlang_a()))
    if any(rep.metrics["hotline_blocked_rate"] > 0 for rep in runs):
        raise ValueError(f"{name}: some calls found every line busy, which neither Erlang model has; add lines")
    days = (first_day(scenario.warmup), first_day(scenario.horizon))
    waiting = tuple(window(rep.queues, "hotline_queue", *days, scenario.horizon).mean_number for rep in runs)
    measured = {key: tuple(rep.metrics[key] for rep in runs) for key in (
        "hotline_delayed_rate", "hotline_mean_wait_min", "hotline_service_level", "hotline_abandon_rate",
        "hotline_agent_utilisation")}
    case = f"{name}: {queue.describe()}"
    out = []
    for source, exact, service_level in models:
        busy = queue.lam * (1 - exact.p_abandon) / (queue.agents * queue.mu)
        rows = [
            ("probability of waiting", exact.p_wait, measured["hotline_delayed_rate"], "%"),
            ("mean wait of answered calls", exact.mean_wait_answered, measured["hotline_mean_wait_min"], "min"),
            (f"answered within {queue.threshold * 60:g} s", service_level, measured["hotline_service_level"], "%"),
            ("mean number of callers waiting", exact.mean_queue, waiting, ""),
            ("agent occupancy", busy, measured["hotline_agent_utilisation"], "%"),
        ]
        if source == "Erlang A":
            rows.insert(2, ("probability of abandonment", exact.p_abandon, measured["hotline_abandon_rate"], "%"))
        out += [Check(SECTION, case, quantity, reference, source, samples, "equal", unit)
                for quantity, reference, samples, unit in rows]
    return out


def run(workers: int, replications: int = REPLICATIONS) -> list[Check]:
    """Every variant of the hotline scenario, ``replications`` times, against theory."""
    variants = scenarios()
    runs = replicate(variants, replications, workers)
    return [check for name, scenario in variants.items() for check in checks(name, scenario, runs[name])]


def convergence(theta_means: tuple[float, ...] = (10.0, 100.0, 1e3, 1e4, 1e5)) -> list[tuple[float, Queue]]:
    """Erlang A for ever more patient callers, on the patient variant's queue: the limit is Erlang C."""
    queue = Hotline.of(scenarios()["erlang-a-patient"])
    return [(mean, erlang_a(queue.lam, queue.mu, queue.agents, 1 / mean)) for mean in theta_means]
