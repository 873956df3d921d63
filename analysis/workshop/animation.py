"""The street, animated: a room watches requests appear in their grids, pass the hotline and the street's
centre, move up to the district and the city, and close; and watches a whistle being blown.

``animation_data`` turns one traced replication (``simulate(..., records=True, trace=True)``) into a small
JSON-able timeline for one street: where each problem is from minute to minute and at which level, when it
closes and whether it was solved, and each whistle with its teams. ``animation_html`` wraps that timeline and
the drawing code (``animation.js``, a 2-D canvas) into one self-contained page for
``st.iframe(page, height=ANIMATION_HEIGHT)``.

Consultations are left out: they never leave the hotline and would hide the problems. Each summoned team
arrives at the minute it reported (the trace's report delays); teams stay two simulated hours after the last
one reported, since the trace does not say when they leave.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections import defaultdict
from pathlib import Path
from typing import Optional

import pandas as pd

from sim.scenario.durations import DAY

from ..figures import ON_CALL_COLOUR, STATIONED_COLOUR
from ..style import cjk_font_face
from ..text import Text

ANIMATION_HEIGHT = 610
MAX_DAYS = 60            # the longest window shown, whatever the horizon
MAX_REQUESTS = 3000      # beyond this many problems the window ends early, to keep the page small
PLACES = ("grid", "hotline", "street", "district", "city")
LEVEL_PLACES = {"A": "grid", "B": "street", "C": "district", "D": "city"}
MAP_AREA = (412, 432)     # width and height of the drawing's room for the grids' squares (animation.js)
COMMUNITY_GAP = 0.25      # blank rows between communities on the map
MAX_SQUARE = 64           # the largest square drawn for a grid (animation.js)
SPEEDS = (0.5, 1, 6, 24)  # simulated hours per real second offered; the first is the whistle's slow motion
START_SPEED = 6           # a day in 4 seconds
SCRIPT = Path(__file__).with_name("animation.js")
# levels in colours of their own, so that green and red can mean solved and not solved; teams as in the
# whistle figure
COLOURS = {"new": "#98a2ad", "A": "#4393c3", "B": "#8e44ad", "C": "#e69f00", "D": "#8c510a",
           "solved": "#1a9850", "unsolved": "#d73027", "stationed": STATIONED_COLOUR, "on_call": ON_CALL_COLOUR,
           "late": "#d73027", "whistle": "#e31a1c"}
LEGEND = ("new", "A", "B", "C", "D", "solved", "unsolved", "stationed", "on_call", "late")

WORDS = {
    "title": ("{street}: {communities} communities, {grids} grids", "{street}：{communities}个社区，{grids}个网格"),
    "community": ("community {n}", "社区{n}"),
    "hotline": ("12345 hotline", "12345热线"),
    "street_centre": ("street centre (B)", "街道中心（B）"),
    "district": ("district (C)", "区级（C）"),
    "city": ("city and utilities (D)", "市级部门与公共企业（D）"),
    "stationed": ("stationed teams (1+4)", "下沉力量（1+4）"),
    "on_call": ("on call, district (N)", "区级派出力量（N）"),
    "play": ("Play", "播放"),
    "pause": ("Pause", "暂停"),
    "speed": ("Speed", "速度"),
    "speed_option": ("{h} h/s", "每秒{h}小时"),
    "next_whistle": ("Next whistle", "下一次吹哨"),
    "day": ("Day", "日期"),
    "clock": ("Day {day} {time}", "第{day}天 {time}"),
    "counters": ("open {open} · closed {closed} ({solved} solved) · whistles {whistles} · reports on time "
                 "{on_time}, late {late}",
                 "在办 {open} · 已办结 {closed}（已解决 {solved}）· 吹哨 {whistles} 次 · 按时报到 {on_time}，迟到 {late}"),
    "board": ("Whistles: report limit {limit} min", "吹哨：报到时限{limit}分钟"),
    "board_reference": ("Whistles: no report limit (judged against {limit} min)",
                        "吹哨：不设报到时限（按{limit}分钟评判）"),
    "list_sep": (", ", "、"),
    "whistle_badge": ("WHISTLE!", "吹哨！"),
    "no_whistle": ("none in the last hours", "近几小时无吹哨"),
    "travelling": ("{minutes} min: {kind} · {category}, {arrived} of {teams} on site",
                   "已{minutes}分钟：{kind} · {category}，到场{arrived}/{teams}"),
    "on_site": ("{minutes} min: {kind} · {category}, on site, {late} late",
                "{minutes}分钟：{kind} · {category}，全部到场，迟到{late}个"),
    "idle": (", present but idle", "，有人到场不履职"),
    "cut": ("(first {days} days of the run)", "（本次运行的前{days}天）"),
    "legend_new": ("raised, not yet assigned", "已提出，尚未分级"),
    "legend_A": ("community (A)", "社区（A）"),
    "legend_B": ("street (B)", "街道（B）"),
    "legend_C": ("district (C)", "区级（C）"),
    "legend_D": ("city (D)", "市级（D）"),
    "legend_solved": ("closed, solved", "办结，已解决"),
    "legend_unsolved": ("closed, not solved", "办结，未解决"),
    "legend_stationed": ("stationed team", "下沉力量"),
    "legend_on_call": ("on-call team", "区级力量"),
    "legend_late": ("late", "迟到"),
}

CSS = """
html,body{margin:0;padding:0;background:#fff}
body{font-family:"gridgov CJK","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;color:#222}
#gg-root{padding:4px 6px}
.bar{display:flex;align-items:center;gap:10px;font-size:14px;height:34px}
.bar button{font:inherit;padding:3px 12px;min-width:76px;cursor:pointer}
.bar select{font:inherit}
.scrub{flex:1;display:flex;align-items:center;gap:6px}.scrub input{flex:1}
#gg-clock{font-size:20px;font-weight:600;font-variant-numeric:tabular-nums;min-width:130px;text-align:right}
#gg-anim{display:block;width:100%;margin:2px 0}
#gg-counters{font-size:15px;height:22px;line-height:22px;font-variant-numeric:tabular-nums}
#gg-legend{font-size:12px;color:#444;line-height:18px}
.key{margin-right:10px;white-space:nowrap;display:inline-block}
.key i{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:-1px;box-sizing:border-box;
background:var(--c)}.key i.dot{border-radius:50%}
.key i.late{background:#fff;border:2px solid var(--c)}
"""


def animation_html(result, lang: str = "en", street: int = 0, days: Optional[float] = None) -> str:
    """A complete offline page animating ``street`` of a traced replication over its first ``days`` (default:
    the whole horizon, at most ``MAX_DAYS``), with every word in ``lang``."""
    text = Text(lang)
    data = animation_data(result, street, days)
    words = page_words(data, text)
    body = _body(data, words)
    shown = re.sub(r"[\x00-\x7f]", "", body + json.dumps(words, ensure_ascii=False))
    font = cjk_font_face(shown) if lang == "zh" else ""   # Chinese on a machine without a Chinese font
    script = (f"const GG_DATA = {_json(data)};\nconst GG_WORDS = {_json(words)};\n"
              f"const GG_COLOURS = {_json(COLOURS)};\n{SCRIPT.read_text(encoding='utf-8')}")
    return (f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n<meta charset="utf-8">\n'
            f"<style>{font}{CSS}</style>\n</head>\n<body>\n{body}\n<script>\n{script}\n</script>\n</body>\n</html>\n")


def animation_data(result, street: int = 0, days: Optional[float] = None) -> dict:
    """The timeline of one street's problems and whistles, language-free and JSON-able.

    The window runs from minute 0 to ``end``. ``requests``: one entry per problem raised in it, in order of
    raising: ``id``, ``grid`` (index
    into ``grids``), ``phases`` (``[minute, place index into PLACES, level letter or ""]`` from each move on,
    the level being the one handling it then), ``closed`` (minute or None), ``solved``, and when there are
    any, ``flashes`` (``[minute, "busy" | "abandoned" | "misdispatched"]``) and ``lost`` (minute the caller
    gave up for good). ``whistles``: ``request``, ``kind``, ``category``, ``blown``, ``on_site`` (minute all
    teams had reported, or None), ``late``, ``idle`` and ``teams`` (``[force, on call, minute arrived or None,
    late]``). ``grids``: ``[column, row, community index]``.
    """
    issues, trace = result.issues, result.trace
    if issues is None or not trace:
        raise ValueError("the animation needs a replication run with simulate(..., records=True, trace=True)")
    grids = result.grids[result.grids["street"] == street].sort_values("grid")
    if grids.empty:
        raise ValueError(f"street {street} is not in this run: it has streets 0 to {result.grids['street'].max()}")
    if days is not None and days <= 0:
        raise ValueError(f"days must be positive, not {days}")
    problems = issues[(issues["kind"] == "problem") & (issues["street"] == street)].sort_values("raised_min")
    end = _window_end(result.scenario.horizon, problems["raised_min"], days)
    problems = problems[problems["raised_min"] < end]
    events = _events_by_request(trace, set(problems["id"]), end)
    local = {g: i for i, g in enumerate(grids["grid"])}
    journeys = [_Journey(row, events[row.id], local[row.grid]) for row in problems.itertuples(index=False)]
    forces, limit = _forces(result.scenario), result.scenario.whistle.on_time_limit
    on_call = set(forces["on_call"])
    return {
        "street": street, "street_name": _street_name(result, street), "end": round(end, 1),
        "horizon": float(result.scenario.horizon), "places": list(PLACES), "speeds": list(SPEEDS),
        "limit": float(limit),
        "limit_is_reference": result.scenario.whistle.report_timeout is None,
        "communities": len(dict.fromkeys(grids["community"])), "grids": _grid_cells(grids),
        "forces": forces,
        "requests": [j.entry() for j in journeys],
        "whistles": sorted((j.whistle_entry(on_call, limit) for j in journeys if j.whistle is not None),
                           key=lambda w: w["blown"]),
    }


def page_words(data: dict, text: Text) -> dict:
    """Every word the page shows, in the language of ``text``, the names of this street's forces, whistle
    kinds and categories included."""
    words = {key: pair[text.index] for key, pair in WORDS.items()}
    words["street"] = text.street(data["street_name"])
    words["forces"] = {name: text.force(name) for group in data["forces"].values() for name in group}
    words["kinds"] = {w["kind"]: text.whistle(w["kind"]) for w in data["whistles"]}
    words["categories"] = {w["category"]: text.category(w["category"]) for w in data["whistles"]}
    return words


def _window_end(horizon: float, raised: pd.Series, days: Optional[float]) -> float:
    """The last minute shown: ``days`` (or the horizon, at most ``MAX_DAYS``), earlier if more than
    ``MAX_REQUESTS`` problems are raised by then."""
    end = min(horizon, MAX_DAYS * DAY, math.inf if days is None else days * DAY)
    if (raised < end).sum() > MAX_REQUESTS:
        end = float(raised.iloc[MAX_REQUESTS])
    return end


def _events_by_request(trace: list[tuple], ids: set, end: float) -> dict[int, list[tuple]]:
    """The steps of each chosen request before ``end``, in time order."""
    events: dict[int, list[tuple]] = defaultdict(list)
    for minute, request, event, values in trace:
        if minute >= end:
            break
        if request in ids:
            events[request].append((minute, event, values))
    return events


def _grid_cells(grids: pd.DataFrame) -> list[list[float]]:
    """Each grid's column and row on the street's map and its community's number: a community's grids left
    to right, wrapped only where that makes the squares clearly bigger, a small gap between communities."""
    sizes = list(grids.groupby("community", sort=False).size())
    widths = range(1, max(sizes) + 1)
    best = max(_square_size(sizes, width) for width in widths)
    across = max(width for width in widths if _square_size(sizes, width) >= 0.9 * best)
    cells, top = [], 0.0
    for number, size in enumerate(sizes):
        cells += [[k % across, top + k // across, number] for k in range(size)]
        top += math.ceil(size / across) + COMMUNITY_GAP
    return cells


def _square_size(sizes: list[int], across: int) -> float:
    """How big the squares can be with ``across`` to a row (the drawing's map area is ``MAP_AREA``)."""
    rows = sum(math.ceil(size / across) for size in sizes) + COMMUNITY_GAP * (len(sizes) - 1)
    return min(MAP_AREA[0] / across, MAP_AREA[1] / rows, MAX_SQUARE)


def _forces(scenario) -> dict[str, list[str]]:
    """The forces a street calls: stationed at the street (1+4) and on call from the district (N)."""
    forces = scenario.forces
    stationed = list(forces.stationed_at_street)
    return {"stationed": stationed, "on_call": list(forces.on_call) + [f for f in forces.stationed
                                                                        if f not in stationed]}


def _street_name(result, street: int) -> str:
    return str(result.streets.loc[result.streets["street"] == street, "street_name"].iloc[0])


class _Journey:
    """Where one problem is while the trace tells its steps: its phases, flashes, closure and whistle."""

    IGNORED = {"responded", "evaluated", "re-dispatched", "knowledge_base", "callback", "switched", "unheard"}

    def __init__(self, record, events: list[tuple], grid: int):
        self.id, self.grid, self.category = int(record.id), grid, record.category
        self.phases: list[list] = []
        self.flashes: list[list] = []
        self.level, self.closed, self.solved, self.whistle = "", None, False, None
        for minute, event, values in events:
            if event not in self.IGNORED:
                getattr(self, "_" + event.replace("-", "_"))(minute, *values)
        self.lost = events[-1][0] if record.outcome == "lost" else None   # the caller's last try

    def entry(self) -> dict:
        entry = {"id": self.id, "grid": self.grid, "phases": self.phases, "closed": _minute(self.closed),
                 "solved": self.solved}
        if self.flashes:
            entry["flashes"] = self.flashes
        if self.lost is not None:
            entry["lost"] = _minute(self.lost)
        return entry

    def whistle_entry(self, on_call: set[str], limit: float) -> dict:
        """The whistle with each team and the minute it reported (None while the run ended first); a team is
        on call if its force is in ``on_call``, and late after ``limit`` minutes."""
        w = self.whistle
        delays = w["delays"] or [None] * len(w["forces"])
        teams = [[force, force in on_call, None if delay is None else _minute(w["blown"] + delay),
                  delay is not None and delay > limit] for force, delay in zip(w["forces"], delays)]
        return {"request": self.id, "kind": w["kind"], "category": w["category"], "blown": _minute(w["blown"]),
                "on_site": _minute(w["on_site"]), "late": w["late"], "idle": w["idle"], "teams": teams}

    def _move(self, minute: float, place: str, level: Optional[str] = None) -> None:
        """From ``minute`` on the problem is at ``place``, handled at ``level`` (unchanged if None)."""
        self.level = self.level if level is None else level
        phase = [_minute(minute), PLACES.index(place), self.level]
        if self.phases and self.phases[-1][0] >= phase[0]:
            self.phases.pop()   # two moves in the same minute: the later one is where it is
        if not self.phases or self.phases[-1][1:] != phase[1:]:
            self.phases.append(phase)

    def _flash(self, minute: float, kind: str) -> None:
        self.flashes.append([_minute(minute), kind])

    def _raised(self, minute, channel):
        self._move(minute, "grid")

    def _busy(self, minute, attempt):
        self._flash(minute, "busy")

    def _queued(self, minute, waited):
        """At the hotline from when the call was put through (not before the problem's previous move)."""
        self._move(max(minute - waited, self.phases[-1][0] if self.phases else 0.0), "hotline")

    def _answered(self, minute, attempt, waited):
        self._queued(minute, waited)

    def _abandoned(self, minute, attempt, waited):
        self._queued(minute, waited)
        self._flash(minute, "abandoned")
        self._move(minute, "grid")

    def _ticket(self, minute):
        self._move(minute, "hotline")

    def _misdispatched(self, minute):
        self._flash(minute, "misdispatched")
        self._move(minute, "hotline")

    def _dispatched(self, minute, street):
        if street is None:   # precise dispatch, straight to the city department or utility
            self._move(minute, "city", "D")
        else:
            self._move(minute, "street")

    def _community(self, minute):
        self._move(minute, "grid", "A")

    def _referred(self, minute, street):
        self._move(minute, "street")

    def _forwarded(self, minute):
        self._move(minute, "city", "D")

    def _triaged(self, minute, level):
        self._move(minute, LEVEL_PLACES[level], level)

    _escalated = _triaged

    def _whistle(self, minute, kind, forces):
        self.whistle = {"kind": kind, "category": self.category, "forces": list(forces), "blown": minute,
                        "on_site": None, "late": 0, "idle": False, "delays": None}

    def _on_site(self, minute, after, late, idle, delays):
        self.whistle.update(on_site=minute, late=int(late), idle=bool(idle), delays=list(delays))

    def _closed(self, minute, level, solved, gamed, chance):
        self.closed, self.solved = minute, bool(solved)


def _minute(minute: Optional[float]) -> Optional[float]:
    return None if minute is None else round(float(minute), 1)


def _json(value) -> str:
    """JSON safe inside a script element."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


def _body(data: dict, words: dict) -> str:
    """The controls, the canvas, the counters and the one-line legend."""
    e = html.escape
    speeds = "".join(f'<option value="{s}"{" selected" if s == START_SPEED else ""}>'
                     f'{e(words["speed_option"].format(h=s))}</option>' for s in data["speeds"])
    days = data["end"] / DAY
    legend = "".join(f'<span class="key"><i class="{_swatch(key)}" style="--c:{COLOURS[key]}"></i>'
                     f'{e(words["legend_" + key])}</span>' for key in LEGEND)
    return (f'<div id="gg-root">\n<div class="bar"><button id="gg-play" type="button">{e(words["pause"])}</button>\n'
            f'<label>{e(words["speed"])} <select id="gg-speed">{speeds}</select></label>\n'
            f'<button id="gg-whistle" type="button">{e(words["next_whistle"])}</button>\n'
            f'<label class="scrub">{e(words["day"])} <input id="gg-day" type="range" min="0" max="{days:.4f}" '
            f'step="0.01" value="0"></label>\n<span id="gg-clock"></span></div>\n'
            '<canvas id="gg-anim" width="1000" height="480"></canvas>\n'
            '<div id="gg-counters"></div>\n'
            f'<div id="gg-legend">{legend}</div>\n</div>')


def _swatch(key: str) -> str:
    """The legend's mark: a dot for a request, a square for a team, an outline for lateness."""
    return "late" if key == "late" else "sq" if key in ("stationed", "on_call") else "dot"
