"""Every word the workshop app shows, in English and Chinese (``WORDS[key][0 or 1]``).

The policy levers' names come from ``analysis.text`` (as in the report);
what is only on the app's screen is here, so the language switch changes
all of it at once (a test checks both languages are filled in).
"""

from ..text import Text

LANGUAGES = {"English": "en", "中文": "zh"}

WORDS = {
    "title": ("gridgov workshop: try a policy on a street", "gridgov 工作坊：在一条街道上试一项政策"),
    "intro": ("Pick a scenario, move the levers on the left and press Run. The street is simulated with your policy "
              "and without it, on the same problems (common random numbers), several times over, and you see what "
              "changes, with 95% confidence intervals.",
              "选择场景，调整左侧的政策杠杆，然后点击“运行”。模型会在相同的问题上（共同随机数）分别模拟实行和不实行你的政策，"
              "重复多次，并给出变化及其95%置信区间。"),
    "language": ("Language / 语言", "Language / 语言"),
    "scenario": ("Scenario", "场景"),
    "months": ("Months to simulate", "模拟月数"),
    "replications": ("Replications (more: narrower intervals, slower)", "重复次数（越多区间越窄，也越慢）"),
    "policies": ("Policy levers", "政策杠杆"),
    "run": ("Run", "运行"),
    "running": ("Simulating the base and your policy, {r} replications each...",
                "正在模拟基准方案和你的方案，各{r}次……"),
    "slow": ("This run will take about {s:.0f} seconds.", "本次运行约需{s:.0f}秒。"),
    "queued_one": ("Queued behind another participant's run: 1 run ahead of yours (this server simulates {w} at a "
                   "time).", "正在排队：前面还有1个其他参与者的运行（本服务器同时模拟{w}个）。"),
    "queued": ("Queued behind other participants' runs: {n} runs ahead of yours (this server simulates {w} at a "
               "time).", "正在排队：前面还有{n}个其他参与者的运行（本服务器同时模拟{w}个）。"),
    "waiting": ("{s:.0f} s since you pressed Run.", "自点击“运行”已过{s:.0f}秒。"),
    "locked": ("The levers are locked until your run is done.", "运行完成前，政策杠杆暂时锁定。"),
    "queued_for": ("{s:.0f} s of that queued behind other participants' runs.", "其中{s:.0f}秒在排队等候其他参与者的运行。"),
    "warmup_dropped": ("Runs this short measure from day one: the scenario's warm-up is left out.",
                       "运行时间较短，从第一天开始统计（不设预热期）。"),
    "no_change": ("No lever differs from the scenario: your policy is the base, so every difference is zero. "
                  "Move a lever to try something.", "所有杠杆都与场景相同：你的方案就是基准方案，差异均为零。请调整杠杆再试。"),
    "press_run": ("Move a lever and press Run.", "调整杠杆后点击“运行”。"),
    "agents_lines": ("{agents} hotline agents need at least {agents} lines (each agent talks on a line), but there "
                     "are {lines}. Add lines or take agents away.",
                     "{agents}个坐席至少需要{agents}条线路（每个坐席占用一条线路），现在只有{lines}条。请增加线路或减少坐席。"),
    "too_large": ("{scenario} is too large for a workshop run: {months} month(s) x {r} replications would take about "
                  "{minutes:.0f} minutes. Take fewer months or replications, or run it from the command line: "
                  "python run.py compare {file} ...",
                  "{scenario}规模太大，不适合在工作坊中运行：{months}个月×{r}次重复约需{minutes:.0f}分钟。"
                  "请减少月数或重复次数，或在命令行运行：python run.py compare {file} ..."),
    "topics_too_short": ("Monthly topics: the first topic is chosen when month 1 ends, so in {months} month(s) none "
                         "acts yet. Simulate at least {need} months to see it (its root-cause fix cuts arrivals "
                         "{lag} days after it is chosen).",
                         "每月一题：第一个主题在第1个月末选定，{months}个月内尚未起作用。请至少模拟{need}个月"
                         "（选定{lag}天后根源治理使此类诉求减少）。"),
    "pressure_too_short": ("Ranking pressure starts after the first monthly ranking: simulate at least 2 months to see "
                           "it.", "排名压力从第一次月度排名之后才开始：请至少模拟2个月。"),
    "cannot_run": ("This cannot run: {message}", "无法运行：{message}"),
    "result_head": ("Run {n}: {scenario}, {months} month(s), {r} replications each, in {s:.1f} s",
                    "第{n}次运行：{scenario}，{months}个月，各{r}次，用时{s:.1f}秒"),  # s: from the click to the result
    "your_policy": ("Your policy: {changes}", "你的方案：{changes}"),
    "same_as_base": ("the same as the base", "与基准相同"),
    "base_value": ("base {value}", "基准 {value}"),
    "ci": ("95% CI {low} to {high}", "95%置信区间 {low}～{high}"),
    "difference": ("{sign}{value} points", "{sign}{value}个百分点"),
    "no_clear": ("no clear difference", "无明显差异"),
    "rates_help": ("Share of evaluated handling requests responded to in time / reported solved / reported "
                   "satisfied, as the hotline counts them (docs/metrics.md): residents who gave up without being "
                   "heard are in none of these rates (see Unheard demand). Arrow: your policy minus the base, "
                   "paired over replications.",
                   "按热线口径，参与回访的办理类诉求中按时响应／表示已解决／表示满意的比例（见 docs/metrics.md）："
                   "未被听见就放弃的居民不在这些比率之中（见“未被听见的诉求”）。箭头：你的方案减基准方案，按重复配对。"),
    "unheard_help": ("Share of the problems residents raised whose resident gave up without being heard: every call "
                     "failed and no other channel was tried (docs/metrics.md). They are in none of the three rates. "
                     "Lower is better: a rise shows red. Arrow: your policy minus the base, paired over "
                     "replications.",
                     "居民提出的问题中，每次来电都未接通、也未尝试其他渠道，未被听见就放弃的比例（见 docs/metrics.md）。"
                     "这些居民不在三项比率之中。越低越好：上升显示为红色。箭头：你的方案减基准方案，按重复配对。"),
    "finding": ("What changed", "有何变化"),
    "tab_figures": ("Figures", "图表"),
    "tab_watch": ("Watch the street", "观看街道运行"),
    "tab_stories": ("Stories of requests", "诉求的故事"),
    "tab_history": ("My runs", "我的运行记录"),
    "tab_report": ("Report", "报告"),
    "watch_note": ("One run of your policy, replication 1. Watch the dots: a request appears in its grid, goes "
                   "through the hotline and the street's centre, and is closed, or moves up to the district and the "
                   "city. A ring at the street's centre is a whistle.",
                   "你的方案的一次运行（第1次重复）。每个点是一件诉求：出现在所在网格，经热线和街道中心，办结或上提到区、市。"
                   "街道中心的圆环表示吹哨。"),
    "stories_note": ("The same run told request by request, with the simulated time of each step "
                     "(also on the command line: python run.py trace SCENARIO).",
                     "同一次运行中几件诉求的经过，附每一步的模拟时间（命令行：python run.py trace SCENARIO）。"),
    "history_note": ("Your runs in this browser tab only; nobody else sees them.", "仅显示你在本页面中的运行，他人看不到。"),
    "report_note": ("The full report of this run (tables, findings, every figure) as one file to keep or forward.",
                    "本次运行的完整报告（表格、结论、全部图表），单个文件，可保存或转发。"),
    "make_report": ("Prepare the report", "生成报告"),
    "download": ("Download report.html", "下载 report.html"),
    "run_col": ("run", "运行"),
    "changes_col": ("your policy", "你的方案"),
}


def words(text: Text, key: str, **values) -> str:
    """The app's own words (``WORDS[key]``) in the language of ``text``, filled in with ``values``."""
    return WORDS[key][text.index].format(**values)
