"""Every word a figure or a report shows, in English and Chinese.

Figures and the report never hold text of their own: they ask a :class:`Text`
for it, so ``--lang zh`` changes every title, label, heading and finding at
once; every entry has both languages (a test checks). Variant names are the
user's own and stay as given.
"""

from __future__ import annotations

import re

from sim.scenario.durations import format_duration

LANGS = ("en", "zh")

METRICS = {
    "requests": ("Requests", "诉求量"),
    "response_rate": ("Response rate", "响应率"),
    "resolution_rate": ("Resolution rate", "解决率"),
    "true_resolution_rate": ("True resolution rate", "真实解决率"),
    "satisfaction_rate": ("Satisfaction rate", "满意率"),
    "unheard_rate": ("Unheard demand", "未被听见的诉求"),
    "unheard_demand": ("Unheard problems (count)", "未被听见的诉求（件）"),
    "completion_rate": ("Completed in time", "按时办结率"),
    "mean_response_h": ("Mean time to respond (h)", "平均响应时间（小时）"),
    "mean_resolve_h": ("Mean time to resolve (h)", "平均办结时间（小时）"),
    "p90_resolve_h": ("90th percentile time to resolve (h)", "办结用时第90百分位数（小时）"),
    "hotline_mean_wait_min": ("Hotline mean wait (min)", "热线平均等待时长（分钟）"),
    "hotline_abandon_rate": ("Hotline abandonment rate", "来电放弃率"),
    "hotline_blocked_rate": ("Calls that heard a busy tone", "来电占线率"),
    "hotline_lost": ("Requests lost on the phone (count)", "电话中流失的诉求（件）"),
    "whistle_on_time_rate": ("Whistle reports on time", "吹哨按时报到率"),
    "proactive_share": ("Found before a complaint", "主动发现占比"),
    "share_closed_in_community": ("Closed in the community", "社区办结占比"),
    "backlog": ("Backlog", "积压工单数"),
}

# metrics as they read inside a finding's sentence
NOUNS = {
    "response_rate": ("response rate", "响应率"),
    "resolution_rate": ("resolution rate", "解决率"),
    "satisfaction_rate": ("satisfaction rate", "满意率"),
    "unheard_rate": ("share of problems left unheard", "未被听见的诉求占比"),
    "completion_rate": ("share completed in time", "按时办结率"),
    "mean_response_h": ("mean time to respond", "平均响应时间"),
    "mean_resolve_h": ("mean time to resolve", "平均办结时间"),
    "hotline_mean_wait_min": ("mean hotline wait", "热线平均等待时长"),
    "hotline_abandon_rate": ("hotline abandonment rate", "来电放弃率"),
    "hotline_blocked_rate": ("share of calls that heard a busy tone", "来电占线率"),
    "hotline_lost": ("number of requests lost on the phone", "电话中流失的诉求数"),
    "whistle_on_time_rate": ("share of whistle reports on time", "吹哨按时报到率"),
    "proactive_share": ("share found before a complaint", "主动发现占比"),
}

# (English, Chinese) names of the parameters variants usually change; others show their dotted path
PARAMETERS = {
    "grid.households": ("households per grid", "每个网格户数"),
    "grid.patrol_every": ("days between grid patrols", "网格巡查间隔（天）"),
    "grid.home_visit_target": ("home-visit target", "入户走访覆盖率目标"),
    "grid.data_chores_share": ("grid workers' time on data chores", "网格员填表报数等事务性工作时间占比"),
    "grid.workers_per_grid": ("grid workers per grid", "每网格配备网格员数"),
    "whistle.report_timeout": ("whistle report limit", "吹哨报到时限"),
    "whistle.assessment.enabled": ("double assessment of departments", "双考核"),
    "whistle.assessment.weight": ("weight of the street's rating in the appraisal", "街道评价在考核中的权重"),
    "forces.all_on_call": ("every force on call from the district (none stationed)", "执法力量全部由区级派出（不下沉街道）"),
    "dispatch.mode": ("dispatch", "派单方式"),
    "dispatch.accuracy": ("dispatch accuracy", "派单准确率"),
    "hotline.agents": ("hotline agents", "热线坐席数"),
    "hotline.lines": ("hotline lines", "热线线路数"),
    "consultation.knowledge_base_coverage": ("knowledge-base coverage", "知识库覆盖率"),
    "levels.A.escalate_after": ("time in the community before escalation", "社区办理时限（超时上提街道）"),
    "levels.B.escalate_after": ("time in the street before escalation", "街道办理时限（超时上提区级）"),
    "levels.C.escalate_after": ("time in the district before escalation", "区级办理时限（超时上提市级）"),
    "topics.enabled": ("monthly topics", "每月一题"),
    "ranking.pressure.enabled": ("pressure on the bottom-ranked streets", "对排名靠后街道的通报约谈压力"),
    "ranking.pressure.gaming": ("share of rushed closures under pressure", "考核压力下应付式办结比例"),
    "organisation.community_cap": ("largest community (households)", "社区规模上限（户）"),
    "volunteers.per_1000_households": ("volunteers per 1,000 households", "每千户志愿者数"),
    "horizon": ("simulated time", "模拟时长"),
    "warmup": ("warm-up", "预热期"),
}

VALUES = {True: ("on", "实行"), False: ("off", "未实行"), None: ("none", "不设"), "none": ("none", "不设"),
          "street": ("to the street", "派至街道"), "precise": ("precise, straight to the department", "精准派单")}

STRINGS = {
    # figures
    "rates_title": ("Service rates by variant (mean and 95% CI over replications)",
                    "各方案服务指标（重复实验均值及95%置信区间）"),
    "share_pct": ("share (%)", "比例（%）"),
    "differences_title": ("Difference from base (variant minus base, 95% CI)", "与基准方案之差（方案减基准，95%置信区间）"),
    "lower_better": ("(lower is better)", "（越低越好）"),
    "difference_unit": ("difference\n({unit})", "差值\n（{unit}）"),
    "paired_ci": ("paired 95% CI", "配对95%置信区间"),
    "unpaired_ci": ("unpaired (Welch) 95% CI", "非配对（Welch）95%置信区间"),
    "timeseries_title": ("Daily backlog and hotline wait (line: mean; band: 2.5th to 97.5th percentile of replications)",
                         "每日积压与热线等待（线：均值；阴影：各次重复运行的2.5至97.5百分位）"),
    "open_tickets": ("open tickets at end of day", "日末未结工单数"),
    "wait_minutes": ("mean wait (minutes)", "平均等待（分钟）"),
    "simulated_day": ("simulated day (1 = first)", "模拟日（1 = 第一天）"),
    "warmup_excluded": ("warm-up (excluded)", "预热期（不计入）"),
    "funnel_title": ("Where tickets are closed (share of closed tickets)", "工单办结层级分布（占已办结工单比例）"),
    "closed_share": ("share of closed tickets (%)", "占已办结工单比例（%）"),
    "variant": ("variant", "方案"),
    "changes_column": ("what it changes from the base", "相对基准方案的改变"),
    "level_A": ("community (A)", "社区（A）"),
    "level_B": ("street (B)", "街道（B）"),
    "level_C": ("district (C)", "区级（C）"),
    "level_D": ("city (D)", "市级（D）"),
    "ranks_title": ("Monthly street ranking, {variant} (mean rank over replications)",
                    "街道月度排名，{variant}（重复实验平均名次）"),
    "month": ("simulated month (1 = first)", "模拟月份（1 = 第一个月）"),
    "street": ("street", "街道"),
    "rank": ("rank (1 = best)", "名次（1 = 第一名）"),
    "durations_title": ("How long tickets take (all replications pooled; dashed: time limits)",
                        "工单用时分布（合并全部重复实验；虚线：时限）"),
    "response_panel": ("Time to first response", "首次响应用时"),
    "resolve_panel": ("Time to close", "办结用时"),
    "elapsed": ("time since the ticket was opened (log scale)", "自受理起的时间（对数刻度）"),
    "share_within": ("share of tickets done within (%)", "在此时间内完成的工单比例（%）"),
    "limit": ("{name} limit", "{name}时限"),
    "map_title": ("Grids of {variant}, by street and community (one square a grid, mean over replications)",
                  "{variant}的网格，按街道与社区排列（每格一个网格，重复实验均值）"),
    "per_100": ("requests per 100 households in {days}", "{days}内每百户诉求量"),
    "found_share": ("share of problems found before a complaint (%)", "投诉前主动发现的问题占比（%）"),
    "whistle_title": ("Whistle reports: how soon departments arrive, and who is on time",
                      "吹哨报到：部门报到用时与按时报到率"),
    "report_delay": ("time from the whistle to the report (log scale)", "吹哨至报到用时（对数刻度）"),
    "share_reports": ("share of reports (%)", "累计报到比例（%）"),
    "report_limit": ("report limit {limit}", "报到时限 {limit}"),
    "on_time_by_force": ("on time, by department ({variant})", "各部门按时报到率（{variant}）"),
    "on_time_pct": ("reports on time (%)", "按时报到比例（%）"),
    "stationed": ("stationed at the street (1+4)", "下沉街道（1+4）"),
    "on_call": ("on call from the district (N)", "区级部门派出（N）"),
    "agents_title": ("Hotline agents: abandonment and waiting (mean and 95% CI)", "热线坐席：放弃率与等待（均值及95%置信区间）"),
    "agents": ("hotline agents", "热线坐席数"),
    "abandon_pct": ("calls abandoned (%)", "放弃的来电（%）"),
    # units
    "points": ("percentage points", "个百分点"),
    "points_axis": ("percentage points", "百分点"),
    "hours": ("hours", "小时"),
    "minutes": ("minutes", "分钟"),
    "days": ("days", "天"),
    "count": ("count", "数量"),
    "count_unit": ("requests", "件"),  # a difference in a count (of requests: the findings' only counts)
    # findings
    "raises": ("{variant} raises the {metric} by {value} {unit} (95% CI {low} to {high}).",
               "{variant}使{metric}提高{value}{unit}（95%置信区间 {low} 至 {high}）。"),
    "lowers": ("{variant} lowers the {metric} by {value} {unit} (95% CI {low} to {high}).",
               "{variant}使{metric}降低{value}{unit}（95%置信区间 {low} 至 {high}）。"),
    "lengthens": ("{variant} lengthens the {metric} by {value} {unit} (95% CI {low} to {high}).",
                  "{variant}使{metric}延长{value}{unit}（95%置信区间 {low} 至 {high}）。"),
    "shortens": ("{variant} shortens the {metric} by {value} {unit} (95% CI {low} to {high}).",
                 "{variant}使{metric}缩短{value}{unit}（95%置信区间 {low} 至 {high}）。"),
    "no_clear": ("{variant}: no clear difference in the {metric} (95% CI {low} to {high} {unit} spans zero).",
                 "{variant}与基准方案相比，{metric}未见明显差异（95%置信区间 {low} 至 {high}{unit}，包含零）。"),
    "losing": ("{variant} loses residents: more of them give up on the phone without being heard (below). "
               "Whatever the rates over the residents who got through say, this variant is worse for those it "
               "loses.",
               "{variant}流失了居民：更多人打不通电话而放弃，诉求未被听见（见下）。无论打通者的各项比率如何，"
               "对被流失的居民而言，这一方案更差。"),
    "fewer": (" This counts only the residents who got through; the variant loses others.",
              "此项只计入打通的居民；该方案流失了其他居民。"),
    "uncertain": ("{variant}: too uncertain to tell for the {metric}: somewhere between {low} and {high} {unit} "
                  "(95% CI); more replications would narrow it.",
                  "{variant}对{metric}的影响尚不确定：介于 {low} 至 {high}{unit} 之间（95%置信区间），需要更多重复运行才能判断。"),
    "unclear_many": ("{variant}: no clear difference in the {metrics}.", "{variant}与基准方案相比，{metrics}未见明显差异。"),
    "negligible_many": ("{variant}: differences too small to matter in the {metrics}.",
                        "{variant}与基准方案相比，{metrics}差异极小，可以忽略。"),
    "same": ("{variant}: the {metric} is identical to the base in every run.", "{variant}的{metric}在每次运行中都与基准方案相同。"),
    "same_many": ("{variant}: the same as the base in every run for the {metrics}.",
                  "{variant}的{metrics}在每次运行中都与基准方案相同。"),
    "unknown": ("{variant}: the {metric} cannot be judged (measured in fewer than two replications).",
                "{variant}的{metric}无法判断（有效重复运行少于两次）。"),
    "unknown_many": ("{variant}: the {metrics} cannot be judged (measured in fewer than two replications).",
                     "{variant}的{metrics}无法判断（有效重复运行少于两次）。"),
    "yardstick": ("{variant}: whistle reports are judged against {limit} instead of {base_limit}, so the share on "
                  "time ({value} percentage points, 95% CI {low} to {high}) moves with the limit itself, not only "
                  "with how soon departments arrive.",
                  "{variant}的吹哨报到以{limit}（而非{base_limit}）为时限，按时报到率的变化（{value}个百分点，95%置信区间 "
                  "{low} 至 {high}）部分来自时限本身，而不只是部门到场更快。"),
    "and": (" and ", "和"),
    "list_sep": (", ", "、"),
    "change": ("{name}: {base} → {value}", "{name}：{base} → {value}"),
    "no_change": ("no parameter differs from the base", "与基准方案参数相同"),
    # report
    "report_title": ("gridgov report: {scenario}", "gridgov 报告：{scenario}"),
    "lead": ("The base and {others}, each run on the same random numbers as the base: the nth run of every "
             "variant meets the same residents raising the same problems, so the differences between variants are "
             "measured with less noise. {replications} runs of {horizon} each{warmup}.",
             "基准方案与{others}，均使用与基准方案相同的随机数：各方案的第n次运行面对相同的居民和问题，"
             "因此方案间差异的估计受随机波动影响更小。每个方案重复运行{replications}次，每次模拟{horizon}{warmup}。"),
    "lead_run": ("One scenario, {replications} run(s) of {horizon} each{warmup}.",
                 "单一情景，运行{replications}次，每次模拟{horizon}{warmup}。"),
    "lead_sweep": ("A sweep of {variants} points over {keys}, each run on the same random numbers: {replications} "
                   "runs of {horizon} each{warmup}.",
                   "参数扫描：{keys}共{variants}个取值点，各点使用相同的随机数，各运行{replications}次，"
                   "每次模拟{horizon}{warmup}。"),
    "lead_warmup": (", the first {warmup} left out of the metrics as warm-up", "，前{warmup}为预热期，不计入指标"),
    "headline": ("Headline metrics (mean and 95% CI over replications)", "主要指标（重复实验均值及95%置信区间）"),
    "rates_note": ("The response, resolution and satisfaction rates are defined as the hotline defines them: over "
                   "evaluated handling requests, the problems whose resident answered the follow-up call. A resident "
                   "who gave up without being heard is in none of them.",
                   "响应率、解决率和满意率按热线的口径计算：分母是参与回访的办理类诉求，即居民接受了回访的问题。"
                   "未被听见就放弃的居民不在这三项比率之中。"),
    "unheard_note": ("Unheard demand counts those residents: the problems whose resident gave up because every call "
                     "failed and no other channel was tried, as a share of the problems residents raised (lower is "
                     "better). A policy can look better on the three rates while more residents go unheard.",
                     "“未被听见的诉求”统计的正是这些居民：每次来电都未接通、也未尝试其他渠道而放弃的问题，"
                     "占居民提出问题的比例（越低越好）。一项政策可能使三项比率更好看，同时却有更多居民的诉求未被听见。"),
    "true_resolution_note": ("The true resolution rate counts the evaluated requests whose problem was really solved; "
                             "the resolution rate counts what residents report, which under ranking pressure with "
                             "gaming includes rushed closures they were talked into reporting solved.",
                             "真实解决率统计参与回访的诉求中问题确实得到解决的比例；解决率统计的是居民的回答，"
                             "在排名压力下若有应付式办结，其中包括居民被劝说答成“已解决”的仓促办结。"),
    "findings": ("Findings: each variant against the base", "主要发现：各方案与基准方案相比"),
    "findings_note": ("Each variant is compared with the base run by run (paired differences). A difference whose 95% "
                      "interval spans zero is reported as no clear difference; one under 0.1 percentage points, "
                      "0.1 hours or 0.1 minutes as too small to matter. With this many comparisons, about one "
                      "interval in twenty misses the true difference by chance.",
                      "各方案与基准方案逐次配对比较。95%置信区间包含零的差异记为未见明显差异；小于0.1个百分点、"
                      "0.1小时或0.1分钟的差异视为可以忽略。比较项目较多时，约每二十个区间中会有一个因偶然而偏离真实差异。"),
    "no_findings": ("One scenario only: nothing to compare.", "仅有一个情景，无可比较的方案。"),
    "metric_column": ("metric", "指标"),
    "one_variant": ("{n} variant", "{n}个比较方案"),
    "variants_n": ("{n} variants", "{n}个比较方案"),
    "point": ("point {n}", "点{n}"),
    "point_column": ("point of the sweep", "扫描点"),
    "sensitivity": ("Sensitivity: what each metric responds to", "敏感性：各指标对哪些参数敏感"),
    "sensitivity_note": ("Every point ran on the same random numbers. A metric responds clearly to a parameter when "
                         "the 95% interval of its sensitivity index stays off zero; with few points the intervals are "
                         "wide, and a response can be real yet unclear. The figures show each point.",
                         "各点使用相同的随机数。敏感性指数的95%置信区间不含零时，认为该指标对该参数有明显响应；"
                         "取值点较少时区间较宽，真实存在的响应也可能不明显。各点的结果见下图。"),
    "sensitivity_factorial": ("A full factorial has no sensitivity indices: read each metric at each point in the "
                              "table above and the response figure below (a sampled design, --range with --design "
                              "lhs, sobol or morris, adds the indices).",
                              "全因子设计不计算敏感性指数：各点的指标见上表和下方的响应图"
                              "（抽样设计，即 --range 配合 --design lhs、sobol 或 morris，会给出敏感性指数）。"),
    "sensitivity_unfinished": ("The sensitivity indices are computed once every point has the same replications; "
                               "run the same command again to finish the sweep.",
                               "所有点的重复运行次数相同后才计算敏感性指数；再次运行同一命令即可完成扫描。"),
    "sensitivity_none": ("{metric}: no clear response to {keys} within the ranges swept.",
                         "{metric}：在扫描范围内对{keys}均无明显响应。"),
    "sensitivity_clear": ("{metric} responds clearly to {parts}.", "{metric}对以下参数有明显响应：{parts}。"),
    "sensitivity_lhs": ("{name} (rises with it: Spearman ρ = {value}, 95% CI {low} to {high})",
                        "{name}（随之上升：斯皮尔曼ρ = {value}，95%置信区间 {low} 至 {high}）"),
    "sensitivity_lhs_down": ("{name} (falls as it rises: Spearman ρ = {value}, 95% CI {low} to {high})",
                             "{name}（随之下降：斯皮尔曼ρ = {value}，95%置信区间 {low} 至 {high}）"),
    "sensitivity_sobol": ("{name} (total Sobol index ST = {value}, 95% CI {low} to {high})",
                          "{name}（Sobol总效应指数ST = {value}，95%置信区间 {low} 至 {high}）"),
    "sensitivity_morris": ("{name} (Morris μ* = {value}, 95% CI {low} to {high})",
                           "{name}（Morris μ* = {value}，95%置信区间 {low} 至 {high}）"),
    "sensitivity_title": ("Sensitivity of each metric to each parameter: {index} and 95% interval",
                          "各指标对各参数的敏感性：{index}及95%置信区间"),
    "index_lhs": ("Spearman rank correlation", "斯皮尔曼秩相关系数"),
    "index_sobol": ("total Sobol index ST", "Sobol总效应指数ST"),
    "index_morris": ("Morris μ*", "Morris μ*（基本效应绝对值的均值）"),
    "response_title": ("Each metric at each point of the sweep (mean and 95% CI over replications)",
                       "扫描各点的指标（重复实验均值及95%置信区间）"),
    "changes_unknown": ("This results folder does not record the parameters of its variants.",
                        "该结果文件夹未记录各方案的参数。"),
    "changes": ("What each variant changes from the base", "各方案相对基准方案的参数变化"),
    "figures": ("Figures", "图表"),
    "provenance": ("Provenance", "运行与复现信息"),
    "mean_ci": ("{mean} ({low} to {high})", "{mean}（{low} 至 {high}）"),
    "prov_version": ("gridgov version", "gridgov 版本"),
    "prov_scenario": ("scenario", "情景"),
    "prov_seed": ("seed", "随机种子"),
    "prov_replications": ("replications per variant", "每个方案重复运行次数"),
    "prov_horizon": ("simulated time", "模拟时长"),
    "horizon_warmup": ("{horizon} ({warmup} of warm-up)", "{horizon}（含预热期{warmup}）"),
    "workers": ("{n} worker process(es) on one machine", "单机{n}个工作进程"),
    "reused": ("; {n} replications reused, saved by an earlier run of the same code and scenario",
               "；其中{n}次运行沿用先前以相同代码和情景保存的结果"),
    "prov_started": ("run started", "运行开始时间"),
    "prov_code": ("model code hash", "模型代码哈希"),
    "prov_engine": ("ran on", "运行环境"),
    "prov_files": ("reproduce", "复现"),
    "reproduce": ("scenario.resolved.yaml and manifest.csv in the results folder rerun every replication bit for bit",
                  "结果文件夹中的 scenario.resolved.yaml 与 manifest.csv 可逐位复现每次运行"),
    "figure_files": ("({name}.png and .svg in the results folder)", "（结果文件夹中的 {name}.png 与 .svg）"),
}

FIGURE_CAPTIONS = {
    "rates": ("The three rates residents are asked about, and completion within the time limit, for each variant. "
              "Beside them, unheard demand: the share of problems whose resident gave up without being heard, which "
              "the three rates do not see (lower is better).",
              "居民评价的三项比率及按时办结率，按方案列出。旁边是三项比率看不到的“未被听见的诉求”："
              "居民未被听见就放弃的问题所占比例（越低越好）。"),
    "differences": ("Each variant minus the base. Coloured bar: the paired interval; grey: the unpaired interval, "
                    "which ignores that both met the same problems and is usually wider.",
                    "各方案减基准方案之差。彩色：配对区间；灰色：非配对区间（未利用双方面对相同问题，通常更宽）。"),
    "durations": ("Share of tickets responded to and closed within a given time, all urgency classes together "
                  "(tickets still open at the end never reach 100%); the dashed lines are the time limits, each of "
                  "which applies to its own class only.",
                  "在给定时间内得到响应和办结的工单比例，合并所有紧急程度（期末仍未办结的工单使曲线达不到100%）；"
                  "虚线为时限，每条只适用于相应紧急程度的工单。"),
    "timeseries": ("Open tickets and hotline waiting day by day, with the spread over replications; the grey days are "
                   "the warm-up.",
                   "每日未结工单与热线等待；灰色部分为预热期。"),
    "funnel": ("The level at which tickets are closed: community (A), street (B), district (C), city (D).",
               "工单办结的层级：社区（A）、街道（B）、区（C）、市（D）。"),
    "ranks": ("Each street's monthly rank in {variant}, averaged over the runs (green: near the top). Read single "
              "months with care: under the same policies, much of the month-to-month movement is chance.",
              "{variant}中各街道的月度排名，取各次运行的平均（绿色表示排名靠前）。单月名次需谨慎解读：政策不变时，"
              "逐月的名次变动很大程度上来自偶然。"),
    "grid-map": ("Every grid of {variant} as a square, grouped by community and street. Demand per household is the "
                 "same everywhere in the model, so the spread between grids is mostly chance: the demand colours run "
                 "from half to one and a half times the average grid's, pale near the average, and the share found "
                 "from 0 to 100%, so that chance does not look like hotspots.",
                 "{variant}的每个网格为一格，按社区和街道排列。模型中每户的诉求率处处相同，网格间的差异主要来自偶然："
                 "诉求量的色标从平均网格的一半到一倍半，接近平均时颜色浅；主动发现占比的色标从0到100%，"
                 "以免偶然差异看似热点。"),
    "whistle": ("When departments report after a whistle, against the limit, and who reports on time.",
                "吹哨后各部门的报到时间与时限，以及各部门的按时率。"),
    "response": ("Each metric at every point of the sweep against each parameter varied, with its 95% interval over "
                 "replications; a point's other parameters differ too, so read the trend, not one point.",
                 "扫描各点的指标随各参数的变化及其95%置信区间；各点的其他参数也不同，应看整体趋势而非单个点。"),
    "sensitivity": ("The sensitivity indices: blue bars have an interval off zero (a clear response), grey ones do "
                    "not.",
                    "敏感性指数：蓝色条的置信区间不含零（明显响应），灰色条则不然。"),
    "agents": ("Hotline abandonment and mean wait as the number of agents changes.",
               "热线放弃率和平均等待随坐席数的变化。"),
}

URGENCY = {"emergency": ("emergency", "紧急"), "utility": ("utility", "水电气热"),
           "ordinary": ("ordinary", "一般"), "complex": ("complex", "疑难复杂")}

FORCES = {"urban_management": ("urban management", "城管执法"), "police": ("police", "公安"), "fire": ("fire", "消防"),
          "traffic": ("traffic", "交通"), "market_regulation": ("market regulation", "市场监管"),
          "housing": ("housing", "住建"), "planning": ("planning", "规划自然资源"), "parks": ("parks", "园林绿化"),
          "ecology": ("ecology", "生态环境"), "culture": ("culture", "文化旅游")}

CATEGORIES = {"property_management": ("property management", "物业管理"),
              "community_services": ("community services", "社区服务"),
              "parking_traffic": ("parking and traffic", "停车与交通"),
              "noise_disturbance": ("noise", "噪声扰民"),
              "sanitation_waste": ("sanitation and rubbish", "环境卫生与垃圾分类"),
              "market_consumer": ("a consumer complaint", "市场消费"),
              "road_facilities": ("roads and facilities", "道路与市政设施"),
              "other": ("another matter", "其他事项"),
              "water_supply": ("the water supply", "供水"),
              "employment_social": ("employment and social security", "就业与社保"),
              "power_supply": ("the power supply", "供电"),
              "heating_gas": ("heating and gas", "供暖与燃气"),
              "illegal_construction": ("illegal construction", "违法建设"),
              "group_rental": ("group rentals", "群租房"),
              "fire_safety": ("fire safety", "消防安全")}

WHISTLES = {"enforcement": ("enforcement", "综合执法"), "emergency": ("emergency", "应急处置"),
            "key_work": ("key-work", "重点工作")}

# the arms gridgov names itself, as each language names them (a scenario's own variants keep the names it gives)
ARMS = (("base", "基准"), ("your policy", "你的方案"))

DURATION_WORDS = {"min": ("minutes", "分钟"), "h": ("hours", "小时"), "d": ("days", "天")}

DURATION_UNITS = {"min": ("min", "分钟"), "h": ("h", "小时"), "d": ("d", "天")}


def difference_unit(metric: str) -> tuple[float, str]:
    """Factor and unit (a key of ``analysis.text``) for a difference: rates in percentage points."""
    for suffix, unit in (("_rate", "points"), ("_share", "points"), ("_h", "hours"), ("_min", "minutes"),
                         ("_days", "days")):
        if metric.endswith(suffix):
            return (100.0 if unit == "points" else 1.0), unit
    return 1.0, "count"


class Text:
    """The words of one language; ``text("key", name=...)`` fills a template."""

    def __init__(self, lang: str = "en"):
        if lang not in LANGS:
            raise ValueError(f"unknown language '{lang}': choose one of {', '.join(LANGS)}")
        self.lang, self.index = lang, LANGS.index(lang)

    def __call__(self, key: str, **values) -> str:
        return STRINGS[key][self.index].format(**values)

    def metric(self, name: str) -> str:
        """A metric's label; a metric without one shows its name."""
        return METRICS[name][self.index] if name in METRICS else name

    def noun(self, name: str) -> str:
        """A metric as it reads in a sentence ("the resolution rate")."""
        return NOUNS[name][self.index] if name in NOUNS else name

    def caption(self, figure: str, **values) -> str:
        return FIGURE_CAPTIONS[figure][self.index].format(**values)

    def engine(self, engine: str) -> str:
        """How it ran (``2 workers``, a cluster address) in this language."""
        match = re.fullmatch(r"(\d+) workers?", engine)
        return self("workers", n=match[1]) if match else engine

    def variant(self, name: str) -> str:
        """An arm's name in this language if gridgov named it (``base``, the workshop's ``your policy``), so that
        a Chinese report of an English run reads 基准 and 你的方案; a scenario's own names stay."""
        return next((pair[self.index] for pair in ARMS if name in pair), name)

    def parameter(self, path: str) -> str:
        return PARAMETERS[path][self.index] if path in PARAMETERS else path

    def urgency(self, name: str) -> str:
        return URGENCY[name][self.index] if name in URGENCY else name

    def category(self, name: str) -> str:
        """A request category by name; one the scenario invented shows its name."""
        return CATEGORIES[name][self.index] if name in CATEGORIES else name.replace("_", " ")

    def whistle(self, kind: str) -> str:
        """A whistle kind (enforcement, emergency, key work)."""
        return WHISTLES[kind][self.index] if kind in WHISTLES else kind.replace("_", " ")

    def force(self, name: str) -> str:
        """A department (force) by name; one the scenario invented shows its name."""
        return FORCES[name][self.index] if name in FORCES else name.replace("_", " ")

    def street(self, name: str) -> str:
        """A generated street name (``street-3``) in this language."""
        return re.sub(r"^street-(\d+)$", r"街道\1", name) if self.lang == "zh" else name

    def value(self, value) -> str:
        """A parameter value in words: on/off, none, a duration with its unit in this language."""
        if isinstance(value, bool) or value is None or (isinstance(value, str) and value in VALUES):
            return VALUES[value][self.index]
        if isinstance(value, str):
            return re.sub(r"(\d+(?:\.\d+)?)(min|h|d)\b", lambda m: m[1] + DURATION_UNITS[m[2]][self.index], value)
        return f"{value:,}" if isinstance(value, int) else f"{value:g}"

    def duration(self, minutes: float) -> str:
        """A length of time in words: ``181 days``, ``2 hours`` (``181天``, ``2小时``)."""
        amount, unit = re.fullmatch(r"([\d.]+)(min|h|d)", format_duration(minutes)).groups()
        words = DURATION_WORDS[unit][self.index]
        return f"{amount}{words}" if self.lang == "zh" else f"{amount} {words.rstrip('s') if amount == '1' else words}"

    def join(self, items: list[str]) -> str:
        """``a, b and c`` (``a、b和c``)."""
        if len(items) < 2:
            return "".join(items)
        return self("list_sep").join(items[:-1]) + self("and") + items[-1]
