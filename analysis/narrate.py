"""The life of a request told in plain sentences, in English or Chinese (``gridgov trace``).

The model records facts when it traces (``simulate(..., trace=True)``): each
step of a request's life as ``(minute, request id, event, values)``. This
module puts them into words with simulated timestamps, for teaching: "Day 3
09:12 a resident of grid 14 calls 12345 about parking". ``pick`` chooses
requests so that a handful of stories shows the system's main paths: a
matter kept in the community (A), a whistle blown by the street (B), a
matter escalated to the district or city, and a call abandoned at the
hotline.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sim.model.request import COMMUNITY_INTAKE
from sim.scenario.durations import DAY
from sim.scenario.schema import LEVELS

from .text import DURATION_WORDS, Text

# the paths a set of stories should cover, in the order they are picked, then the rest of the system's ways
PATHS = ("A", "whistle", "escalated", "abandoned")
OTHER_PATHS = ("precise", "utility", "proactive", "consultation")
PATH_NAMES = {
    "A": ("kept in the community (A)", "社区办结（A级）"),
    "whistle": ("the street blows the whistle (B)", "街道吹哨（B级）"),
    "escalated": ("escalated up a level", "逐级上提"),
    "abandoned": ("a call abandoned at the hotline", "热线来电放弃"),
    "precise": ("precise dispatch to a city department", "精准派单至市级部门"),
    "utility": ("a utility matter (D)", "水电气热等公共服务事项（D级）"),
    "proactive": ("found before anyone complained", "未诉先办：主动发现"),
    "consultation": ("a question answered", "咨询答复"),
}
CHANNELS = {
    "hotline": ("calls 12345 about {what}", "拨打12345热线反映{what}问题"),
    "online": ("reports {what} online (app or mini-program)", "通过网上渠道（App、小程序）反映{what}问题"),
    "grid_worker": ("tells the grid worker about {what}", "向网格员反映{what}问题"),
    "group_chat": ("raises {what} in the community's group chat", "在社区微信群里反映{what}问题"),
}
FINDERS = {
    "patrol": ("The grid worker of {where} finds a problem of {what} on patrol, before anyone complains.",
               "{where}的网格员巡查时发现{what}问题，居民尚未反映。"),
    "home_visit": ("On a home visit in {where}, the grid worker hears of a problem of {what}.",
                   "{where}的网格员入户走访时了解到{what}问题。"),
    "volunteer": ("A volunteer in {where} spots a problem of {what} and tells the grid worker.",
                  "{where}的志愿者发现{what}问题并告知网格员。"),
}
LEVEL_PLACES = {"A": ("the community", "社区"), "B": ("the street", "街道"), "C": ("the district", "区级"),
                "D": ("the city", "市级")}
TRIAGE = {
    "A": ("the community can solve it", "社区可以解决"),
    "B": ("the street must coordinate departments", "需要街道协调部门"),
    "C": ("district leaders must coordinate", "需要区级领导协调"),
    "D": ("it needs the city's departments or a change of policy", "需要市级部门或政策调整"),
}
WORDS = {
    "header": ("gridgov trace: {scenario}, seed {seed}, days 1-{days}; {n} of {total} requests",
               "gridgov 诉求追踪：{scenario}，随机种子 {seed}，第1-{days}天；共{total}件诉求，讲述其中{n}件"),
    "story": ("Request {id} · {path} · {about}{where}, {street}", "诉求{id} · {path} · {about}{street}{where}"),
    "about": ("{what} · ", "{what} · "),
    "day": ("Day {day} {clock}", "第{day}天 {clock}"),
    "grid": ("grid {grid}, community {community}", "第{community}社区第{grid}网格"),
    "resident": ("A resident of {where} {how}.", "{where}的一位居民{how}。"),
    "appeared": (" (The problem appeared {ago} earlier.)", "（问题出现于{ago}之前。）"),
    "question": ("A resident of {where} calls 12345 with a question.", "{where}的一位居民拨打12345热线咨询。"),
    "busy": ("Every line is busy (attempt {n}).", "所有线路占线（第{n}次拨打）。"),
    "answered_at_once": ("An agent answers at once.", "话务员立即接听。"),
    "answered": ("An agent answers after {wait} waiting.", "等待{wait}后，话务员接听。"),
    "again": ("The resident calls again (attempt {n}). ", "居民再次拨打（第{n}次）。"),
    "abandoned": ("After {wait} waiting, the caller hangs up (attempt {n}).", "等待{wait}后，来电者挂断（第{n}次拨打）。"),
    "lost": ("The resident gives up: the request never reaches the system.", "居民放弃反映，诉求未能进入办理系统。"),
    "unheard": ("The resident gives up and tries no other way: the problem goes unheard.",
                "居民放弃，也没有改用其他渠道：问题未被听见。"),
    "knowledge_base": ("The agent answers the question on the call from the knowledge base.",
                       "话务员依据知识库当场答复。"),
    "callback": ("A department calls back with the answer.", "相关部门回电答复。"),
    "ticket": ("The hotline writes a ticket ({urgency}; respond within {response}, complete within {completion}).",
               "热线中心生成工单（{urgency}；{response}内响应，{completion}内办结）。"),
    "misdispatched": ("The ticket goes to the wrong receiver, who files an objection.", "工单派错，接单方提出异议。"),
    "re-dispatched": ("The objection is upheld after review; the ticket is dispatched again.",
                      "异议经审核成立，工单重新派发。"),
    "dispatched": ("The ticket is dispatched straight to {street}.", "工单直派{street}。"),
    "dispatched_precise": ("Precise dispatch: the ticket goes straight to the city department or utility, and the "
                           "street is informed.", "精准派单：工单直接派给市级部门或公共服务企业，并告知街道。"),
    "responded": ("The handler contacts the resident: a response {after} after the ticket, {verdict} the limit of "
                  "{limit}.", "承办人联系居民：工单生成后{after}响应，{verdict}{limit}时限。"),
    "responded_at_once": ("The grid worker takes the matter in hand: that counts as the response.",
                          "网格员当即受理，视为响应。"),
    "within": ("within", "未超过"),
    "over": ("over", "超过"),
    "community": ("The grid worker keeps it in the community (level A).", "网格员将其留在社区办理（A级）。"),
    "referred": ("The grid worker reports it to {street}.", "网格员将其上报{street}。"),
    "forwarded": ("The street's centre passes it on to the utility.", "街道中心将其转给公共服务企业。"),
    "triaged": ("The street's centre triages it to level {level}: {meaning}.", "街道中心将其分级为{level}级：{meaning}。"),
    "whistle": ("The street blows the {kind} whistle: {forces} must report {limit}.",
                "街道吹响{kind}哨：{forces}须{limit}报到。"),
    "within_limit": ("within {limit}", "在{limit}内"),
    "no_limit": ("with no time limit", "（不设时限）"),
    "on_site": ("Every team is on site {after} after the whistle{late}{idle}.", "吹哨后{after}，各部门全部到场{late}{idle}。"),
    "late": ("; {names} came late", "；{names}迟到"),
    "idle": ("; one is present but not working", "；有部门到而不干"),
    "escalated": ("Not done in time at {place}: escalated to {higher} (level {level}).",
                  "{place}未能按时办结，上提至{higher}（{level}级）。"),
    "closed_solved": ("Closed at level {level}: solved{chance}.", "在{level}级办结：问题已解决{chance}。"),
    "closed_unsolved": ("Closed at level {level}, but not solved{chance}.", "在{level}级办结，但问题未解决{chance}。"),
    "chance": (" (its chance here was {chance}{why})", "（此级解决的可能性为{chance}{why}）"),
    "why_late": ("; the last team came {after} after the whistle, and the chance to act had passed",
                 "；最后一个部门在吹哨后{after}才到，处置时机已过"),
    "why_idle": ("; a team came but did not work", "；有部门到而不干"),
    "switched": ("Unable to get through, the resident raises it {how} instead.", "电话打不进，居民改为{how}反映。"),
    "switched_online": ("online", "在网上"),
    "switched_grid_worker": ("with their grid worker", "向网格员"),
    "closed_gamed": ("Closed in a rush under ranking pressure at level {level}: reported solved, but the problem "
                     "remains.", "迫于排名压力在{level}级仓促办结：上报已解决，问题实际仍在。"),
    "evaluated": ("Follow-up call: the resident says it is {solved} and is {satisfied}.",
                  "回访：居民表示问题{solved}，{satisfied}。"),
    "solved": ("solved", "已解决"), "not_solved": ("not solved", "未解决"),
    "satisfied": ("satisfied", "满意"), "not_satisfied": ("not satisfied", "不满意"),
    "missing": ("No request took this path in this run: {paths}.", "本次运行中没有诉求经过：{paths}。"),
}


@dataclass
class Story:
    """One request's life: its number, the path kind it was picked for, and its sentences."""

    request: int
    path: str
    title: str
    lines: list[str] = field(default_factory=list)


class Narrator:
    """Tells the stories of one traced run in one language."""

    def __init__(self, result, lang: str = "en"):
        self.text = Text(lang)
        self.index = self.text.index
        self.result = result
        self.rows = result.issues.set_index("id")
        self.steps: dict[int, list[tuple]] = defaultdict(list)
        for minute, rid, event, values in result.trace:
            self.steps[rid].append((minute, event, values))
        self.streets = dict(zip(result.streets["street"], result.streets["street_name"]))
        self.width = len(self._clock(result.scenario.horizon))  # timestamps right-aligned

    def __call__(self, key: str, **values) -> str:
        return WORDS[key][self.index].format(**values)

    def pick(self, n: int) -> tuple[list[tuple[str, int]], list[str]]:
        """``n`` requests (path kind, id) covering the main paths first, then the others, then more of the main
        ones; and the main paths no request took."""
        candidates = {kind: [] for kind in PATHS + OTHER_PATHS}
        for rid, steps in self.steps.items():
            for kind in self.kinds(rid, steps):
                candidates[kind].append(rid)
        candidates["abandoned"].sort(key=lambda rid: self.rows.loc[rid, "outcome"] != "lost")  # gave up: first
        missing = [kind for kind in PATHS if not candidates[kind]]
        chosen: list[tuple[str, int]] = []
        taken: set[int] = set()
        rounds = [PATHS + OTHER_PATHS] + [PATHS] * n
        for kinds in rounds:
            for kind in kinds:
                rid = next((r for r in candidates[kind] if r not in taken), None)
                if rid is not None and len(chosen) < n:
                    chosen.append((kind, rid))
                    taken.add(rid)
        return chosen, missing

    def kinds(self, rid: int, steps: list[tuple]) -> list[str]:
        """The path kinds a request's life shows, best stories first: whole lives (closed and evaluated, or
        the caller lost) only."""
        row = self.rows.loc[rid]
        events = {event for _minute, event, _values in steps}
        if row["kind"] == "consultation":
            return ["consultation"] if row["outcome"] in ("answered", "callback") and row["channel"] == "hotline" else []
        if "abandoned" in events and (row["outcome"] == "lost" or "evaluated" in events):
            return ["abandoned"]
        if "evaluated" not in events:
            return []
        found = ["escalated" if "escalated" in events else "whistle" if "whistle" in events else
                 "A" if row["path"] == "A" else ""]
        if any(event == "dispatched" and values == (None,) for _m, event, values in steps):
            found.append("precise")
        elif "forwarded" in events:
            found.append("utility")
        if row["proactive"]:
            found.append("proactive")
        return [kind for kind in found if kind]

    def tell(self, kind: str, rid: int) -> Story:
        """The sentences of one request's life."""
        row, t = self.rows.loc[rid], self.text
        where = self("grid", grid=int(row["grid"]) + 1, community=int(row["community"]) + 1)
        what = t.category(row["category"]) if isinstance(row["category"], str) and row["category"] else ""
        title = self("story", id=rid + 1, path=PATH_NAMES[kind][self.index], about=self("about", what=what) if what else "",
                     where=where, street=t.street(self.streets[int(row["street"])]))
        story = Story(rid, kind, title)
        state: dict = {}   # what a later step needs of an earlier one (the forces a whistle summoned)
        if row["kind"] == "consultation":
            story.lines.append(self._stamp(row["raised_min"], self("question", where=where)))
        for minute, event, values in self.steps[rid]:
            sentence = self._sentence(event, values, row, where, what, state, minute)
            if sentence:
                story.lines.append(self._stamp(minute, sentence))
        if row["outcome"] == "lost" and row["kind"] == "consultation":  # a problem's ends in its "unheard" step
            story.lines.append(" " * self.width + "  " + self("lost"))
        return story

    def _sentence(self, event: str, values: tuple, row, where: str, what: str, state: dict, minute: float) -> str:
        """One step in words (empty for a step not worth a sentence)."""
        t, i = self.text, self.index
        if event == "raised":
            channel = values[0]
            if channel in FINDERS:
                return FINDERS[channel][i].format(where=where, what=what)
            sentence = self("resident", where=where, how=CHANNELS[channel][i].format(what=what))
            ago = minute - row["appeared_min"]
            return sentence + (self("appeared", ago=self._duration(ago)) if ago >= 60 else "")
        if event == "busy":
            return self("busy", n=values[0])
        if event in ("answered", "abandoned"):
            attempt, wait = values
            again = self("again", n=attempt) if attempt > 1 else ""
            if event == "abandoned":
                return again + self("abandoned", wait=self._duration(wait), n=attempt)
            return again + (self("answered_at_once") if wait < 0.5 else self("answered", wait=self._duration(wait)))
        if event == "ticket":
            limit = self.result.scenario.time_limits[row["urgency"]]
            return self("ticket", urgency=t.urgency(row["urgency"]), response=self._duration(limit.response),
                        completion=self._duration(limit.completion))
        if event == "dispatched":
            if values[0] is None:
                return self("dispatched_precise")
            return self("dispatched", street=t.street(self.streets[values[0]]))
        if event == "referred":
            return self("referred", street=t.street(self.streets[values[0]]))
        if event == "responded":
            if (row["switched"] or row["channel"]) in COMMUNITY_INTAKE:
                return self("responded_at_once")
            limit, after = self.result.scenario.time_limits[row["urgency"]].response, minute - row["ticket_min"]
            return self("responded", after=self._duration(after), verdict=self("within" if after <= limit else "over"),
                        limit=self._duration(limit))
        if event == "triaged":
            return self("triaged", level=values[0], meaning=TRIAGE[values[0]][i])
        if event == "whistle":
            kind, forces = values
            state["forces"], state["kind"] = forces, kind
            limit = self.result.scenario.whistle.report_timeout
            return self("whistle", kind=t.whistle(kind), forces=t.join([t.force(f) for f in forces]),
                        limit=self("no_limit") if limit is None else self("within_limit", limit=self._duration(limit)))
        if event == "on_site":
            after, _late, idle, delays = values
            window = self.result.scenario.whistle.window[state["kind"]]
            if window is not None and after / window >= 0.35:   # at least 30% of the chance to act had passed
                state["why"] = self("why_late", after=self._duration(after))
            elif idle:
                state["why"] = self("why_idle")
            limit = self.result.scenario.whistle.on_time_limit
            late = [t.force(force) for force, delay in zip(state["forces"], delays) if delay > limit]
            return self("on_site", after=self._duration(after), late=self("late", names=t.join(late)) if late else "",
                        idle=self("idle") if idle else "")
        if event == "escalated":   # one level up: from the one before it
            lower = LEVELS[LEVELS.index(values[0]) - 1]
            return self("escalated", place=LEVEL_PLACES[lower][i], higher=LEVEL_PLACES[values[0]][i], level=values[0])
        if event == "closed":
            level, solved, gamed, chance = values
            key = "closed_gamed" if gamed else "closed_solved" if solved else "closed_unsolved"
            why = "" if solved or gamed else state.get("why", "")
            told = self("chance", chance=f"{chance:.0%}", why=why) if chance < 1 else ""
            return self(key, level=level, chance=told)
        if event == "switched":
            return self("switched", how=self("switched_" + values[0]))
        if event == "evaluated":
            solved, satisfied = values
            return self("evaluated", solved=self("solved" if solved else "not_solved"),
                        satisfied=self("satisfied" if satisfied else "not_satisfied"))
        if event in ("knowledge_base", "callback", "misdispatched", "re-dispatched", "community", "forwarded",
                     "unheard"):
            return self(event)
        return ""

    def _clock(self, minute: float) -> str:
        day, rest = divmod(int(minute), int(DAY))
        return self("day", day=day + 1, clock=f"{rest // 60:02d}:{rest % 60:02d}")

    def _stamp(self, minute: float, sentence: str) -> str:
        return f"{self._clock(minute):>{self.width}}  {sentence}"

    def _duration(self, minutes: float) -> str:
        """A duration in words, as precise as a story needs: ``16 seconds``, ``42 minutes``, ``2.5 hours``,
        ``3 days``."""
        if minutes < 1:
            amount, unit = str(max(1, round(minutes * 60))), ("seconds", "秒")
        elif minutes < 90:
            amount, unit = str(round(minutes)), DURATION_WORDS["min"]
        elif minutes < 2880:
            amount, unit = f"{round(minutes / 30) / 2:g}", DURATION_WORDS["h"]
        else:
            amount, unit = f"{round(minutes / 720) / 2:g}", DURATION_WORDS["d"]
        word = unit[self.index]
        return f"{amount}{word}" if self.index else f"{amount} {word.rstrip('s') if amount == '1' else word}"

def narrate(result, n: int = 4, lang: str = "en") -> tuple[list[Story], list[str]]:
    """The stories of ``n`` requests of a traced run (``simulate(..., records=True, trace=True)``) covering
    the main paths, and the words for the main paths no request took."""
    narrator = Narrator(result, lang)
    chosen, missing = narrator.pick(n)
    stories = [narrator.tell(kind, rid) for kind, rid in chosen]
    names = [PATH_NAMES[kind][narrator.index] for kind in missing]
    return stories, ([narrator("missing", paths=narrator.text.join(names))] if names else [])


def header(result, shown: int, lang: str = "en") -> str:
    """The first line of a trace: what ran and how many requests there were."""
    text = Text(lang)
    return WORDS["header"][text.index].format(
        scenario=result.scenario.name, seed=result.scenario.seed, days=round(result.scenario.horizon / DAY),
        n=shown, total=len(result.issues))

