"""The lever audit: does each policy lever move the outcomes the way the sources say it should?

MODEL.md section 4 holds that a lever is modelled only when it reaches the
outcomes users compare. ``LEVERS`` states, for each lever, the scenario
overrides of its base and variant sides, the direction the sources imply for
the headline outcomes and the source; ``audit`` runs every lever on the
``REFERENCES`` with common random numbers (replication r of base and variant
on branch r of the seed tree) and judges the paired differences; ``python -m
analysis.levers`` writes ``docs/levers.md`` and, with ``--check``, exits 1
when a lever fails. A lever passes on a reference when at least one outcome
it should move moves that way with a 95% interval excluding zero, and no
outcome with a stated direction moves, so judged, against it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

from sim import __version__, load_scenario
from sim.experiment.compare import differences
from sim.experiment.store import source_hash
from sim.scenario import with_sets
from sim.scenario.durations import DAY
from sim.scenario.loader import DEFAULTS
from sim.scenario.schema import Scenario

from .findings import negligible
from .validation import replicate
from .validation.__main__ import workers_option
from .validation.checks import Interval
from .validation.document import anchor, digits_of

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "levers.md"
COMMAND = "python -m analysis.levers"
# what a resident and a mayor compare (sim/observe/metrics.py); unheard_rate and true_resolution_rate are
# shown once the model measures them
HEADLINE = ("response_rate", "resolution_rate", "satisfaction_rate", "unheard_rate", "mean_resolve_h",
            "mean_appearance_to_close_h", "completion_rate", "true_resolution_rate")
UP, DOWN = 1, -1
PENDING = "parameter not in the model yet"


@dataclass(frozen=True)
class Reference:
    """A scenario every lever is tried on: a file with ``KEY=VALUE`` overrides, and its replications."""

    name: str
    file: str
    sets: tuple[str, ...]
    replications: int

    def scenario(self) -> Scenario:
        return load_scenario(ROOT / self.file, self.sets)


# the district's on-call teams (N) serve each of its streets: four streets get four times the teaching street's,
# as beijing.yaml scales Wuchang's to a district's volume; with one team of each for four streets the housing
# team's queue grows without end and holds the stationed teams summoned with it
DISTRICT_ON_CALL = tuple(f"forces.on_call.{force}=4"
                         for force in ("housing", "planning", "ecology", "parks", "culture"))
REFERENCES = (
    Reference("teaching street", "scenarios/teaching_street.yaml", ("horizon=90d",), 60),
    Reference("district of 4 streets", "scenarios/teaching_street.yaml",
              ("horizon=90d", "organisation.streets_per_district=4", *DISTRICT_ON_CALL), 24),
)


@dataclass(frozen=True)
class Lever:
    """One policy lever: the base side's overrides, the variant's (laid over the base's), and what the
    sources imply for the variant minus the base: ``moves`` the outcomes that must move this way (UP or
    DOWN; at least one must show it), ``holds`` those that must not move against it."""

    name: str
    source: str
    base: tuple[str, ...]
    variant: tuple[str, ...]
    moves: dict[str, int]
    holds: dict[str, int] = field(default_factory=dict)

    @property
    def stated(self) -> dict[str, int]:
        """Every outcome with a direction the sources imply."""
        return {**self.holds, **self.moves}

    @property
    def parameters(self) -> list[str]:
        """The dotted paths the lever sets, in order, each once."""
        return list(dict.fromkeys(s.partition("=")[0] for s in (*self.base, *self.variant)))


def _limit(variant: str, assessed: bool, moves: dict, holds: dict) -> Lever:
    """The report limit 30 min against ``variant``, with double assessment on or off on both sides."""
    return Lever(f"report limit {variant} vs 30min, assessment {'on' if assessed else 'off'}",
                 "[003] departments must report within 30 minutes of the whistle (Pinggu 2017)"
                 + ("; [004] the street's rating is 30% of a department's appraisal" if assessed else ""),
                 ("whistle.report_timeout=30min", f"whistle.assessment.enabled={str(assessed).lower()}"),
                 (f"whistle.report_timeout={variant}",), moves, holds)


# departments that come sooner can act before a passing violation moves on or an emergency spreads [003]: what a
# report limit changes is whether whistle matters are solved; it must not make handling slower either
LAXER = dict(moves={"resolution_rate": DOWN, "satisfaction_rate": DOWN},
             holds={"mean_resolve_h": UP, "completion_rate": DOWN})
STRICTER = dict(moves={"resolution_rate": UP, "satisfaction_rate": UP},
                holds={"mean_resolve_h": DOWN, "completion_rate": UP})
HOTLINE = ("hotline.agents=2", "hotline.lines=6")  # the teaching street's share of the city hotline

LEVERS = (
    *(_limit(variant, assessed, **effect) for assessed in (False, True)
      for variant, effect in (("2h", LAXER), ("15min", STRICTER), ("none", LAXER))),
    Lever("double assessment", "[004] Wuchang: the street's rating is 30% of a department's appraisal",
          ("whistle.report_timeout=30min", "whistle.assessment.enabled=false"), ("whistle.assessment.enabled=true",),
          {"resolution_rate": UP, "satisfaction_rate": UP}, {"mean_resolve_h": DOWN, "completion_rate": UP}),
    # (unsolved whistle matters come back as repeats, whose tickets are quicker than the average, so the mean time
    # over closed tickets need not rise although every path takes longer: no direction for it)
    Lever("all forces on call", "[003] 1+4+N: urban management and four forces stationed at the street",
          ("forces.all_on_call=false",), ("forces.all_on_call=true",),
          {"resolution_rate": DOWN, "satisfaction_rate": DOWN}, {"response_rate": DOWN, "completion_rate": DOWN}),
    Lever("grid of 300 households", "[004] Wuchang: one worker a grid, grids raised from 300 to 500 households",
          ("grid.households=500",), ("grid.households=300",),
          {"mean_resolve_h": DOWN, "response_rate": UP, "resolution_rate": UP},
          {"satisfaction_rate": UP, "unheard_rate": DOWN}),
    Lever("community cap 3,000", "[000] 18.9% of Beijing communities exceed 3,000 households, too many for their "
          "residents' committees to solve problems at first hand; split them",
          ("organisation.community_cap=none",), ("organisation.community_cap=3000",),
          {"resolution_rate": UP}, {"satisfaction_rate": UP, "mean_resolve_h": DOWN}),
    Lever("hotline 1 agent, 1 line", "[001] the hotline is hard to get through; [000] lines cannot cope at peak",
          HOTLINE, ("hotline.agents=1", "hotline.lines=1"), {"unheard_rate": UP}),
    Lever("hotline 3 agents, 8 lines", "[001] the hotline is hard to get through; [000] lines cannot cope at peak",
          HOTLINE, ("hotline.agents=3", "hotline.lines=8"), {"unheard_rate": DOWN}),
    # on a hotline as hard to get through as [001] says: where agents stand idle (the teaching street's two are busy
    # 4% of the time) an uncovered question's calls cost no other caller their call
    Lever("knowledge base 30%, busy hotline", "[000] the hotline's knowledge base is incomplete: an uncovered "
          "question takes a street dispatcher's time, and its resident may call again; [001] the hotline is hard "
          "to get through",
          ("consultation.knowledge_base_coverage=0.85", "hotline.agents=1", "hotline.lines=1"),
          ("consultation.knowledge_base_coverage=0.3",),
          {"unheard_rate": UP, "mean_resolve_h": UP}, {"satisfaction_rate": DOWN}),
    Lever("triage accuracy 50%", "[004] matters are sorted to community, street, district or city (A-D)",
          ("triage.accuracy=0.9",), ("triage.accuracy=0.5",),
          {"mean_resolve_h": UP, "completion_rate": DOWN}, {"resolution_rate": DOWN, "satisfaction_rate": DOWN}),
    Lever("whistle as a basket 30%", "[000] some streets treat the whistle as a basket for everything "
          "(当成一个筐): departments' teams tied up on community matters",
          ("triage.overreach=0",), ("triage.overreach=0.3",), {"resolution_rate": DOWN}, {"satisfaction_rate": DOWN}),
    Lever("dispatch accuracy 70%", "[001] dispatch is not yet precise; [000] raise the platform's precision",
          ("dispatch.accuracy=0.95",), ("dispatch.accuracy=0.7",),
          {"mean_resolve_h": UP, "satisfaction_rate": DOWN, "completion_rate": DOWN}, {"response_rate": DOWN}),
    Lever("precise dispatch", "[000] send city departments' and utilities' matters straight to them",
          ("dispatch.mode=street",), ("dispatch.mode=precise",),
          {"mean_resolve_h": DOWN, "completion_rate": UP}, {"response_rate": UP, "satisfaction_rate": UP}),
    Lever("escalation limits halved", "[004] each level (A-D) has its time before a matter goes up; [002] the "
          "higher levels hold the powers: passing a matter up early costs its time there and their capacity",
          ("levels.A.escalate_after=3d", "levels.B.escalate_after=7d"),
          ("levels.A.escalate_after=36h", "levels.B.escalate_after=84h"),
          {"mean_resolve_h": UP, "completion_rate": DOWN}),
    Lever("ranking pressure", "[002] the bottom streets are named at the monthly meeting",
          ("ranking.pressure.enabled=false",), ("ranking.pressure.enabled=true",),
          {"mean_resolve_h": DOWN, "resolution_rate": UP}, {"completion_rate": UP}),
    Lever("ranking gaming 30%", "[000] guard against ranking over solving",
          ("ranking.pressure.enabled=true", "ranking.pressure.gaming=0"), ("ranking.pressure.gaming=0.3",),
          {"resolution_rate": UP, "true_resolution_rate": DOWN}),
    # (fewer arrivals of the topic's category change the mix of matters, so no direction for the mean time)
    Lever("monthly topic", "[001][002] each month the city takes on a hard problem: the bureaus concerned join, "
          "and its root is fixed (27 problems in 2021)",
          ("topics.enabled=false",), ("topics.enabled=true",),
          {"resolution_rate": UP}, {"satisfaction_rate": UP}),
    # (the grid worker's first contact is the intake itself, so chores leave the response alone: what they take is
    # the time the worker can give each matter, and so how fast and how often it is solved)
    Lever("data chores 50%", "[004] Wuchang cut grid workers' data collection to free them for residents",
          ("grid.data_chores_share=0.25",), ("grid.data_chores_share=0.5",),
          {"mean_resolve_h": UP, "resolution_rate": DOWN}, {"satisfaction_rate": DOWN, "completion_rate": DOWN}),
    # (the problems volunteers find first are the visible ones, and leave the rated requests: the three rates
    # over what residents raise need not rise; what residents gain is a fix sooner after the problem appears)
    Lever("volunteers 2 per 1,000", "[003] alley stewards walk their alleys daily and report what they see",
          ("volunteers.per_1000_households=0",), ("volunteers.per_1000_households=2",),
          {"mean_appearance_to_close_h": DOWN}, {"unheard_rate": DOWN}),
)


def in_model(path: str) -> bool:
    """Whether the scenario schema has the parameter at this dotted path."""
    node = DEFAULTS
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


@dataclass(frozen=True)
class Effect:
    """The paired difference of one outcome, variant minus base, in the metric's own unit (None: unmeasured)."""

    mean: Optional[float]
    low: Optional[float]
    high: Optional[float]

    @property
    def sign(self) -> int:
        """UP or DOWN when the 95% interval excludes zero, else 0."""
        if self.low is None or self.high is None:
            return 0
        return UP if self.low > 0 else DOWN if self.high < 0 else 0


@dataclass(frozen=True)
class Row:
    """One lever on one reference: the effects measured (outcomes the model has), or the parameters the
    model lacks."""

    lever: Lever
    reference: str
    effects: dict[str, Effect]
    missing: tuple[str, ...] = ()

    @property
    def agreeing(self) -> list[str]:
        return [m for m, s in self.lever.moves.items() if m in self.effects and self.effects[m].sign == s]

    @property
    def against(self) -> list[str]:
        """Outcomes that move against the sources, clearly and by more than the findings' negligible band: a
        smaller move is composition or rounding, not a contradiction (more matters solved at first leave fewer,
        harder repeats, which shifts per-ticket means by minutes)."""
        return [m for m, s in self.lever.stated.items()
                if m in self.effects and self.effects[m].sign == -s and abs(self.effects[m].mean) >= negligible(m)]

    @property
    def passed(self) -> bool:
        return not self.missing and bool(self.agreeing) and not self.against

    @property
    def verdict(self) -> str:
        if self.missing:
            return "pending"
        return "pass" if self.passed else "**FAIL**"

    @property
    def reason(self) -> str:
        """Why the verdict, in a few words."""
        if self.missing:
            return f"{PENDING}: {', '.join(self.missing)}"
        parts = []
        if self.agreeing:
            parts.append(f"moves {', '.join(self.agreeing)} as implied")
        else:
            unmeasured = [m for m in self.lever.moves if m not in self.effects]
            parts.append("no outcome it should move does so" +
                         (f" ({', '.join(unmeasured)} not measured by the model yet)" if unmeasured else ""))
        if self.against:
            parts.append(f"moves {', '.join(self.against)} against the sources")
        return "; ".join(parts)


def audit(levers: Sequence[Lever] = LEVERS, references: Sequence[Reference] = REFERENCES,
          workers: int = 1) -> list[Row]:
    """Every lever on every reference (reference by reference, in the levers' order)."""
    rows = []
    for reference in references:
        rows += _audit_reference(levers, reference, workers)
    return rows


def _audit_reference(levers: Sequence[Lever], reference: Reference, workers: int) -> list[Row]:
    """Run each distinct scenario the levers need once, on ``workers`` processes, and pair them up."""
    start = reference.scenario()
    ready = [lever for lever in levers if all(in_model(p) for p in lever.parameters)]
    distinct: dict[str, Scenario] = {}
    pairs = {lever.name: tuple(_named(distinct, with_sets(start, sets, f"{start.name}:{lever.name}:{side}"))
                               for side, sets in (("base", lever.base), ("variant", (*lever.base, *lever.variant))))
             for lever in ready}
    scenarios = {scenario.name: scenario for scenario in distinct.values()}
    runs = replicate(scenarios, reference.replications, workers) if scenarios else {}
    rows = []
    for lever in levers:
        if lever.name not in pairs:
            rows.append(Row(lever, reference.name, {}, tuple(p for p in lever.parameters if not in_model(p))))
            continue
        base, variant = ([rep.metrics for rep in runs[name]] for name in pairs[lever.name])
        names = [m for m in HEADLINE if m in base[0]]
        found = differences(base, variant, names)
        rows.append(Row(lever, reference.name, {m: Effect(found[m]["mean"], found[m]["ci_low"], found[m]["ci_high"])
                                                for m in names}))
    return rows


def _named(distinct: dict[str, Scenario], scenario: Scenario) -> str:
    """The name under which ``scenario`` runs: that of an identical scenario met before (levers share their
    base), else its own; ``distinct`` maps each scenario's parameters to the first scenario with them."""
    content = json.dumps(scenario.model_dump(mode="json", exclude={"name"}), sort_keys=True)
    return distinct.setdefault(content, scenario).name


# --- the document ----------------------------------------------------------------------------------

def render(rows: Sequence[Row], references: Sequence[Reference] = REFERENCES) -> str:
    """``docs/levers.md``: how it was made, the summary table, then each lever in detail."""
    names = [r.name for r in references]
    by = {(row.lever.name, row.reference): row for row in rows}
    levers = list({row.lever.name: row.lever for row in rows}.values())
    passed = sum(all(by[lever.name, n].passed for n in names) for lever in levers)
    lines = [
        "# Lever audit",
        "",
        f"Generated by `{COMMAND}` (do not edit by hand). {_provenance(references)}",
        "",
        "Each lever of MODEL.md section 4 is a base and a variant scenario (its source is one of those listed "
        "in [`scenarios/base.yaml`](../scenarios/base.yaml)); "
        "the table gives what the sources imply for the variant minus the base (↑ up, ↓ down; in parentheses "
        "a direction that need not show but must not be contradicted). A lever **passes** on a reference "
        "scenario when at least one outcome it should move moves that way with a 95% interval (paired, over "
        "replications) excluding zero, and no outcome with a stated direction moves against it with an "
        "interval excluding zero by more than the findings' negligible band (0.1 pp, 0.1 h: smaller moves, "
        "such as the minutes by which fewer and harder repeats shift a mean over tickets, are marked "
        "\"slightly against\"); it is pending while a parameter it sets is not in the model. Rates are in "
        "percentage points (pp), times in hours.",
        "",
        f"**{passed} of {len(levers)} levers pass on every reference scenario.**",
        "",
        f"| lever | source | implied (variant − base) | {' | '.join(names)} |",
        "|---|---|---|" + "---|" * len(names),
        *(f"| [{lever.name}](#{anchor(lever.name)}) | {lever.source} | {_implied(lever)} | "
          f"{' | '.join(by[lever.name, n].verdict for n in names)} |" for lever in levers),
        "",
    ]
    for lever in levers:
        lines += _detail(lever, [by[lever.name, n] for n in names])
    return "\n".join(lines)


def _provenance(references: Sequence[Reference]) -> str:
    parts = []
    for reference in references:
        scenario = reference.scenario()
        parts.append(f"{reference.name}: `{reference.file}` with {', '.join(f'`{s}`' for s in reference.sets)} "
                     f"({scenario.horizon / DAY:g} days), seed {scenario.seed}, {reference.replications} "
                     "replications of each side")
    return (f"gridgov {__version__}, model code {source_hash()[:12]}; {'; '.join(parts)}. Replication r of base "
            "and variant uses branch r of the seed tree (common random numbers), so the numbers do not depend on "
            "the number of workers.")


def _implied(lever: Lever) -> str:
    arrows = {UP: "↑", DOWN: "↓"}
    return ", ".join([*(f"{arrows[s]} {m}" for m, s in lever.moves.items()),
                      *(f"({arrows[s]} {m})" for m, s in lever.holds.items())])


def _detail(lever: Lever, rows: Sequence[Row]) -> list[str]:
    lines = [f"## {lever.name}", "", f"Source: {lever.source}.", "",
             f"Base: {_sets(lever.base)}. Variant: the base with {_sets(lever.variant)}.", ""]
    lines += [f"| outcome | implied | {' | '.join(row.reference for row in rows)} |",
              "|---|---|" + "---|" * len(rows)]
    for metric in HEADLINE:
        implied = {UP: "↑", DOWN: "↓"}.get(lever.moves.get(metric), "")
        if metric in lever.holds:
            implied = f"({'↑' if lever.holds[metric] == UP else '↓'})"
        lines.append(f"| {metric} | {implied} | {' | '.join(cell(row, metric) for row in rows)} |")
    lines += ["", *(f"- {row.reference}: {row.verdict}, {row.reason}." for row in rows), ""]
    return lines


def _sets(sets: Sequence[str]) -> str:
    return ", ".join(f"`{s}`" for s in sets)


def cell(row: Row, metric: str) -> str:
    """One outcome's effect on one reference as the audit shows it: the mean with its interval, and whether it
    agrees with the sources or goes against them (slightly: inside the negligible band)."""
    if row.missing:
        return ""
    effect = row.effects.get(metric)
    if effect is None:
        return "not in the model yet"
    if effect.mean is None:
        return "not measured"
    unit, scale = ("h", 1.0) if metric.endswith("_h") else ("pp", 100.0)
    if effect.low is None:
        return f"{effect.mean * scale:+.2f} {unit}"
    if effect.low == effect.high == 0:
        return "0 (the same in every replication)"
    digits = digits_of(Interval(effect.mean * scale, effect.low * scale, effect.high * scale), "")
    text = (f"{effect.mean * scale:+.{digits}f} {unit} ({effect.low * scale:+.{digits}f} to "
            f"{effect.high * scale:+.{digits}f})")
    stated = row.lever.stated.get(metric)
    if stated and effect.sign == stated:
        return f"{text} agrees"
    if stated and effect.sign == -stated:
        return f"{text} **against**" if abs(effect.mean) >= negligible(metric) else f"{text} slightly against"
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=workers_option, default=os.cpu_count() or 1,
                        help="worker processes (default: every core); the results do not depend on it")
    parser.add_argument("--check", action="store_true", help="exit with status 1 when a lever fails or is pending")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rows = audit(workers=args.workers)
    DOC.write_text(render(rows), encoding="utf-8")
    failed = [row for row in rows if not row.passed]
    print(f"wrote {DOC} in {time.perf_counter() - started:.0f} s: {len(rows) - len(failed)} of {len(rows)} "
          "lever runs pass", file=sys.stderr)
    for row in failed:
        print(f"  {row.verdict.strip('*')}: {row.lever.name} on {row.reference}: {row.reason}", file=sys.stderr)
    return 1 if args.check and failed else 0


if __name__ == "__main__":
    sys.exit(main())
