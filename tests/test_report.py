"""report.html and its languages: self-contained, complete, reproducible, honest findings, Chinese that renders."""

import base64
import io
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from fontTools.ttLib import TTFont
from matplotlib import font_manager
from matplotlib.text import Text

from analysis import report, text
from analysis.findings import FINDING_METRICS, LOWER_IS_BETTER, finding, variant_findings
from analysis.results import load_results
from analysis.style import cjk_font, draw
from sim import load_variants
from sim.experiment.compare import parameter_changes

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u4e00-\u9fff]")


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "run.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("compare")
    done = _run("compare", "scenarios/teaching_street.yaml", "--set", "horizon=10d", "-r", "3", "--variant",
                "grid-300", "--variant", "whistle-2h", "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def chinese(folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("zh") / "compare"
    shutil.copytree(folder, out)
    done = _run("report", str(out), "--lang", "zh")
    assert done.returncode == 0, done.stderr
    return out


def _figures(page: str) -> list[str]:
    return re.findall(r'<img alt="([^"]+)" src="data:image/png;base64,[A-Za-z0-9+/=]{1000,}">', page)


def test_compare_writes_the_report_with_table_findings_and_figures(folder):
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert "Headline metrics" in page and "<table>" in page
    for variant in ("base", "grid-300", "whistle-2h"):
        assert f"</span>{variant}</th>" in page
    assert re.search(r"<td>\d+\.\d% \(\d+\.\d to \d+\.\d\)</td>", page)   # mean (95% CI) cells
    assert "whistle-2h: whistle reports are judged against 2 hours instead of 30 minutes" in page   # the yardstick
    assert "the share found before a complaint by" in page   # grid-300's clear finding
    assert "no clear difference" in page
    assert "households per grid: 500 → 300" in page and "whistle report limit: 30min → 2h" in page
    headers = [re.findall(r"<th[^>]*>([^<]*)</th>", row) for row in re.findall(r"<table><tr>(.*?)</tr>", page)]
    assert ["variant", "what it changes from the base"] in headers
    assert all(all(header) for header in headers)   # every column of every table is named
    drawn = _figures(page)
    assert drawn == [name for name, _plot, applies in report.FIGURES if applies(load_results(folder))]
    assert {"rates", "differences", "durations", "timeseries", "funnel", "whistle", "grid-map"} <= set(drawn)
    assert "ranks" not in drawn   # the teaching street is alone: first every month, nothing to rank
    for name in drawn:
        assert (folder / "figures" / f"{name}.png").is_file() and (folder / "figures" / f"{name}.svg").is_file()
    assert "20190101" in page and "Provenance" in page


def test_unheard_demand_and_the_true_resolution_rate_stand_beside_the_three_rates(unheard_comparison, tmp_path):
    """The hotline's three rates do not see residents who gave up unheard: the report shows unheard demand beside
    them, the true resolution rate beside the reported one, and says plainly what the rates count."""
    assert report.HEADLINE[:6] == ("response_rate", "resolution_rate", "true_resolution_rate", "satisfaction_rate",
                                   "unheard_rate", "unheard_demand")
    assert FINDING_METRICS[:4] == ("response_rate", "resolution_rate", "satisfaction_rate", "unheard_rate")
    assert {"unheard_rate", "unheard_demand"} <= LOWER_IS_BETTER
    page = report.write_report(unheard_comparison).read_text(encoding="utf-8")
    table = re.search(r"<table>(.*?)</table>", page, flags=re.S)[1]
    assert re.findall(r'<tr><td class="name">([^<]+)</td>', table)[:6] == [
        "Response rate", "Resolution rate", "True resolution rate", "Satisfaction rate", "Unheard demand",
        "Unheard problems (count)"]
    assert "</span>base</th>" in table and "</span>one-agent</th>" in table
    assert len(re.findall(r"<td>\d+\.\d+%? \(", table)) == 2 * len(report.HEADLINE)   # a value in every cell
    note = re.search(r'</table>\n<p class="note">([^<]+)</p>', page)[1]
    assert note.startswith("The response, resolution and satisfaction rates are defined as the hotline defines them: "
                           "over evaluated handling requests")
    assert "gave up without being heard is in none of them" in note and "Unheard demand counts those residents" in note
    assert "The true resolution rate counts the evaluated requests whose problem was really solved" in note
    told = re.findall(r'<li class="(\w+)">one-agent:? ([^<]*share of problems left unheard[^<]*)</li>', page)
    assert told, "a finding on unheard demand"
    for kind, sentence in told:   # a rise of unheard demand is bad news, a fall good news
        assert kind == {"raises": "worse", "lowers": "better"}.get(sentence.split()[0], kind)
    chinese = tmp_path / "zh"
    shutil.copytree(unheard_comparison, chinese)
    page = report.write_report(chinese, "zh").read_text(encoding="utf-8")
    for words in ('<td class="name">真实解决率</td>', '<td class="name">未被听见的诉求（件）</td>',
                  '<th class="name">指标</th>',
                  "响应率、解决率和满意率按热线的口径计算", "未被听见就放弃的居民不在这三项比率之中",
                  "“未被听见的诉求”统计的正是这些居民", "真实解决率统计参与回访的诉求中问题确实得到解决的比例",
                  "one-agent使未被听见的诉求占比"):
        assert words in page, words


def test_a_hotline_that_loses_residents_reads_as_worse(unheard_comparison):
    """One agent on one line: the report says first that the variant loses residents, in red, shows the busy
    tones and lost requests among the headline metrics, and shows no rate over the residents who got through
    as good news."""
    page = report.write_report(unheard_comparison).read_text(encoding="utf-8")
    head = re.findall(r'<tr><td class="name">([^<]+)</td>', re.search(r"<table>(.*?)</table>", page, flags=re.S)[1])
    assert {"Calls that heard a busy tone", "Requests lost on the phone (count)"} <= set(head)
    told = re.findall(r'<li class="(\w+)">(one-agent[^<]*)</li>', page)
    assert told[0] == ("worse", told[0][1]) and "one-agent loses residents" in told[0][1]
    heard_only = ("response rate", "resolution rate", "satisfaction rate", "share completed in time",
                  "hotline abandonment rate", "mean hotline wait", "mean time to resolve")
    for kind, sentence in told:
        if kind == "better":
            assert not any(f"the {noun} " in sentence for noun in heard_only), sentence


def test_a_variant_that_loses_residents_is_worse_whatever_the_rates_say():
    words = text.Text("en")
    found = variant_findings("one-agent", {
        "resolution_rate": {"mean": 0.012, "ci_low": 0.008, "ci_high": 0.016},       # better among fewer
        "unheard_rate": {"mean": 0.02, "ci_low": 0.015, "ci_high": 0.025},
        "hotline_lost": {"mean": 25.0, "ci_low": 22.0, "ci_high": 28.0},
        "hotline_blocked_rate": {"mean": 0.09, "ci_low": 0.085, "ci_high": 0.095},
        "hotline_abandon_rate": {"mean": -0.004, "ci_low": -0.006, "ci_high": -0.002},  # callers blocked instead
    }, words)
    assert found[0].kind == "losing" and found[0].better is False
    kinds = {f.sentence.split(" by ")[0]: f for f in found}
    assert kinds["one-agent raises the resolution rate"].kind == "fewer"
    assert kinds["one-agent lowers the hotline abandonment rate"].kind == "fewer"
    assert "counts only the residents who got through" in kinds["one-agent raises the resolution rate"].sentence
    assert kinds["one-agent raises the number of requests lost on the phone"].better is False
    assert "lost on the phone by 25.0 requests (95% CI 22.0 to 28.0)." in kinds[
        "one-agent raises the number of requests lost on the phone"].sentence
    assert not any(f.better for f in found)
    kept = variant_findings("more-agents", {"resolution_rate": {"mean": 0.012, "ci_low": 0.008, "ci_high": 0.016},
                                            "unheard_rate": {"mean": -0.02, "ci_low": -0.025, "ci_high": -0.015}},
                            words)
    assert [f.kind for f in kept] == ["clear", "clear"] and all(f.better for f in kept)


def test_an_interval_inside_the_negligible_band_is_too_small_to_matter_not_too_uncertain():
    """-0.02 to 0.02 points of abandonment, or -0.001 to 0.0003 minutes of wait, straddle zero but cannot
    matter: no practical difference, not "more replications would narrow it"."""
    words = text.Text("en")
    found = variant_findings("v", {
        "hotline_abandon_rate": {"mean": 0.0, "ci_low": -0.0002, "ci_high": 0.0002},
        "hotline_mean_wait_min": {"mean": -0.0003, "ci_low": -0.001, "ci_high": 0.0003},
        "resolution_rate": {"mean": 0.001, "ci_low": -0.003, "ci_high": 0.005},    # -0.3 to 0.5 points: unclear
    }, words, base={"hotline_abandon_rate": 0.0009, "hotline_mean_wait_min": 0.002})
    assert [f.kind for f in found] == ["negligible", "unclear"]
    assert found[0].sentence == ("v: differences too small to matter in the mean hotline wait and hotline "
                                 "abandonment rate.")


def test_a_folder_without_unheard_demand_reports_without_it(older_comparison):
    """A results folder written before unheard demand was measured still reports: no column, no note on it."""
    results = load_results(older_comparison)
    words = text.Text("en")
    table = report.headline_table(results, words)
    assert "Satisfaction rate" in table and "Unheard" not in table and "True resolution" not in table
    note = report.rates_note(results, words)
    assert "defined as the hotline defines them" in note and "Unheard demand counts" not in note
    assert "true resolution rate" not in note
    assert "unheard" not in report.findings_html(results, words)
    assert report.write_report(results.folder).is_file()


def test_the_ranks_figure_is_drawn_only_for_streets_to_rank():
    applies = {name: test for name, _plot, test in report.FIGURES}["ranks"]
    assert applies(SimpleNamespace(swept=[], streets=pd.DataFrame({"street": [0, 1, 0, 1]})))
    assert not applies(SimpleNamespace(swept=[], streets=pd.DataFrame({"street": [0, 0, 0]})))
    assert not applies(SimpleNamespace(swept=[], streets=pd.DataFrame({"street": []})))


def test_report_is_self_contained(folder):
    page = (folder / "report.html").read_text(encoding="utf-8")
    outside = re.sub(r"data:(?:image/png|font/otf);base64,[A-Za-z0-9+/=]+", "", page)
    assert not re.search(r"(?:https?:)?//[\w.-]+", outside)
    assert not re.search(r"<(?:link|script|iframe)\b", page)
    assert all(src.startswith("data:") for src in re.findall(r'src="([^"]*)"', page))
    assert all(url.startswith("data:") for url in re.findall(r"url\(([^)]*)\)", page)) and "@import" not in page


def test_report_rebuilds_from_the_folder_without_running(folder, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    saved = sorted(p.name for p in (copy / ".replications").iterdir())
    tables = (copy / "replications.csv").read_bytes()
    (copy / "report.html").unlink()
    shutil.rmtree(copy / "figures")
    done = _run("report", str(copy))
    assert done.returncode == 0, done.stderr
    assert (copy / "report.html").read_text(encoding="utf-8").count("<figure>") == 7
    assert (copy / "report.html").read_bytes() == (folder / "report.html").read_bytes()   # same results, same file
    for figure in (folder / "figures").iterdir():
        assert (copy / "figures" / figure.name).read_bytes() == figure.read_bytes(), figure.name
    assert sorted(p.name for p in (copy / ".replications").iterdir()) == saved
    assert (copy / "replications.csv").read_bytes() == tables


def test_chinese_report_has_chinese_headings_and_findings(chinese):
    page = (chinese / "report.zh.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page
    for heading in ("主要指标", "主要发现", "参数变化", "图表", "运行与复现信息"):
        assert heading in page
    assert "whistle-2h的吹哨报到以2小时（而非30分钟）为时限" in page and "未见明显差异" in page
    assert "每个网格户数：500 → 300" in page and "吹哨报到时限：30分钟 → 2小时" in page
    assert "Headline" not in page and "no clear difference" not in page
    assert len(_figures(page)) == 7
    embedded = re.search(r"url\(data:font/otf;base64,([A-Za-z0-9+/=]+)\)", page)   # readable without a CJK font
    font = TTFont(io.BytesIO(base64.b64decode(embedded[1])))
    shown = set(re.sub(r"<[^>]+>", "", re.sub(r"<style>.*?</style>", "", page, flags=re.S)))
    assert {c for c in shown if CJK.match(c)} <= {chr(code) for code in font.getBestCmap()}


def test_both_languages_sit_side_by_side(folder, chinese):
    """``report --lang zh`` writes report.zh.html and figures/zh/ beside the English ones instead of over them, and
    the English report rebuilt afterwards leaves the Chinese in place."""
    english = (folder / "report.html").read_bytes()
    assert (chinese / "report.html").read_bytes() == english
    for figure in (folder / "figures").glob("*.png"):
        assert (chinese / "figures" / figure.name).read_bytes() == figure.read_bytes(), figure.name
    zh = sorted(p.name for p in (chinese / "figures" / "zh").iterdir())
    assert len(zh) == 14 and zh == sorted(p.name for p in (folder / "figures").iterdir() if p.is_file())
    page = (chinese / "report.zh.html").read_text(encoding="utf-8")
    assert "figures/zh/rates.png" in page
    assert _run("report", str(chinese)).returncode == 0
    assert (chinese / "report.html").read_bytes() == english and (chinese / "report.zh.html").read_text(
        encoding="utf-8") == page


def test_arms_gridgov_names_are_named_in_the_reports_language(chinese):
    """The base (and the workshop's "your policy") read 基准 (你的方案) in a Chinese report and its figures; a
    scenario's own variant names stay as written."""
    page = (chinese / "report.zh.html").read_text(encoding="utf-8")
    assert "</span>基准</th>" in page and "</span>base</th>" not in page and "</span>grid-300</th>" in page
    results = load_results(chinese)
    labels = {t.get_text() for t in report.figures.rates_figure(results, lang="zh").axes[0].get_yticklabels()}
    assert labels == {"基准", "grid-300", "whistle-2h"}
    assert text.Text("zh").variant("your policy") == "你的方案" and text.Text("en").variant("你的方案") == "your policy"


def test_a_new_run_removes_the_reports_of_both_languages(chinese, tmp_path):
    """The reports and figures describe results a new run replaces: both languages' go, a user's own file stays."""
    copy = tmp_path / "copy"
    shutil.copytree(chinese, copy)
    (copy / "figures" / "mine.txt").write_text("kept")
    report.remove_report(copy)
    assert not (copy / "report.html").exists() and not (copy / "report.zh.html").exists()
    assert [p.name for p in (copy / "figures").iterdir()] == ["mine.txt"]


def test_chinese_figures_use_the_cjk_font_and_miss_no_glyph(chinese):
    results = load_results(chinese)
    cjk_path = Path(font_manager.findfont(font_manager.FontProperties(family=cjk_font()))).name
    assert cjk_path == "NotoSansCJKsc-Regular.otf"
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r"(?i).*glyph.*missing")
        for name, plot, applies in report.FIGURES:
            if not applies(results):
                continue
            fig = plot(results, lang="zh")
            draw(fig)
            labels = [t for t in fig.findobj(Text) if CJK.search(t.get_text())]
            assert labels, f"{name}: no Chinese text"
            for label in labels:
                used = Path(font_manager.findfont(label.get_fontproperties())).name
                assert used == "NotoSansCJKsc-Regular.otf", f"{name}: '{label.get_text()}' drawn in {used}"


def test_a_missing_glyph_would_fail_the_test():
    """The control for the test above: Chinese in the default font does warn, so the filter would catch it."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure()
    FigureCanvasAgg(fig)
    fig.suptitle("满意率", family="DejaVu Sans")
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r"(?i).*glyph.*missing")
        with pytest.raises(UserWarning, match="missing"):
            fig.canvas.draw()


@pytest.mark.parametrize("lang", text.LANGS)
def test_every_text_exists_in_both_languages(lang):
    words = text.Text(lang)
    tables = (text.STRINGS, text.METRICS, text.NOUNS, text.PARAMETERS, text.FIGURE_CAPTIONS, text.FORCES,
              text.URGENCY, text.VALUES, text.DURATION_WORDS, text.DURATION_UNITS)
    for table in tables:
        for key, pair in table.items():
            assert len(pair) == len(text.LANGS) and all(pair), key
            if lang == "zh" and key not in ("change", "list_sep"):   # punctuation only
                assert CJK.search(pair[words.index]), f"{key} has no Chinese"
            if lang == "en":
                assert not CJK.search(pair[words.index]), f"{key} has Chinese in English"
    assert set(text.FIGURE_CAPTIONS) == {name for name, _plot, _applies in report.FIGURES}


def test_finding_flips_to_no_clear_difference_when_the_interval_spans_zero():
    words = text.Text("en")
    clear = finding("precise-dispatch", "resolution_rate", {"mean": 0.031, "ci_low": 0.024, "ci_high": 0.038},
                    words)
    assert clear.clear and clear.better
    assert clear.sentence == ("precise-dispatch raises the resolution rate by 3.1 percentage points "
                              "(95% CI 2.4 to 3.8).")
    spans = finding("precise-dispatch", "resolution_rate", {"mean": 0.031, "ci_low": -0.002, "ci_high": 0.064},
                    words)
    assert not spans.clear and "no clear difference in the resolution rate" in spans.sentence
    assert "raises" not in spans.sentence
    lower = finding("grid-300", "mean_resolve_h", {"mean": -0.4, "ci_low": -0.45, "ci_high": -0.34}, words)
    assert lower.clear and lower.better
    assert lower.sentence == "grid-300 shortens the mean time to resolve by 0.40 hours (95% CI 0.34 to 0.45)."
    fewer = finding("one-agent", "unheard_rate", {"mean": -0.02, "ci_low": -0.03, "ci_high": -0.01}, words)
    assert fewer.clear and fewer.better   # lower unheard demand is good news
    assert fewer.sentence == ("one-agent lowers the share of problems left unheard by 2.0 percentage points "
                              "(95% CI 1.0 to 3.0).")
    more = finding("one-agent", "unheard_rate", {"mean": 0.02, "ci_low": 0.01, "ci_high": 0.03}, words)
    assert more.clear and more.better is False and "raises the share of problems left unheard" in more.sentence
    single = finding("x", "resolution_rate", {"mean": 0.01, "ci_low": None, "ci_high": None, "n": 1}, words)
    assert single.kind == "unknown" and "cannot be judged" in single.sentence
    zh = finding("x", "resolution_rate", {"mean": 0.001, "ci_low": -0.002, "ci_high": 0.004}, text.Text("zh"))
    assert "未见明显差异" in zh.sentence


def test_variant_findings_sort_differences_by_what_they_can_tell():
    words = text.Text("en")
    same = {"mean": 0.0, "ci_low": 0.0, "ci_high": 0.0}
    found = variant_findings("v", {
        "response_rate": same,
        "resolution_rate": {"mean": 0.0002, "ci_low": 0.0001, "ci_high": 0.0003},   # clear but 0.02 points
        "satisfaction_rate": {"mean": 0.001, "ci_low": -0.002, "ci_high": 0.004},
        "mean_resolve_h": {"mean": 44.6, "ci_low": -2.0, "ci_high": 91.2},          # spans zero, but wide
        "hotline_mean_wait_min": {"mean": 2.0, "ci_low": 1.5, "ci_high": 2.5},
        "completion_rate": {"mean": 0.01, "ci_low": None, "ci_high": None},
    }, words, base={"mean_resolve_h": 70.7, "satisfaction_rate": 0.72})
    assert [f.kind for f in found] == ["uncertain", "clear", "negligible", "same", "unclear", "unknown"]
    assert found[0].sentence.startswith("v: too uncertain to tell for the mean time to resolve: somewhere between "
                                        "-2.0 and 91.2 hours")
    assert found[1].better is False   # a longer wait is bad news
    assert found[2].sentence == "v: differences too small to matter in the resolution rate."
    assert found[3].sentence == "v: the same as the base in every run for the response rate."
    assert found[4].sentence == "v: no clear difference in the satisfaction rate."
    assert "cannot be judged" in found[5].sentence


def test_a_changed_report_limit_is_a_yardstick_not_an_improvement():
    words = text.Text("en")
    found = variant_findings("whistle-2h", {"whistle_on_time_rate": {"mean": 0.262, "ci_low": 0.258,
                                                                     "ci_high": 0.266}},
                             words, limits=("30 minutes", "2 hours"))
    assert [f.kind for f in found] == ["yardstick"] and found[0].better is None
    assert "judged against 2 hours instead of 30 minutes" in found[0].sentence and "+26.2" in found[0].sentence


def test_an_interval_bound_never_rounds_to_zero():
    found = finding("p", "response_rate", {"mean": 0.00045, "ci_low": 0.000041, "ci_high": 0.00086},
                    text.Text("en"))
    assert "(95% CI 0.004 to 0.086)" in found.sentence


def test_parameter_changes_name_each_changed_path():
    variants = load_variants(ROOT / "scenarios" / "wuchang.yaml")
    assert parameter_changes(variants["base"], variants["grid-300"]) == {
        "grid.households": {"base": 500, "variant": 300}}
    assert parameter_changes(variants["base"], variants["more-agents"]) == {
        "hotline.lines": {"base": 24, "variant": 32}, "hotline.agents": {"base": 12, "variant": 16}}
    assert parameter_changes(variants["base"], variants["base"]) == {}


def test_report_refuses_a_folder_that_is_not_results(folder, tmp_path):
    damaged = tmp_path / "damaged"
    shutil.copytree(folder, damaged)
    (damaged / "summary.json").write_text("{not json", encoding="utf-8")
    half = tmp_path / "half"
    shutil.copytree(folder, half)
    (half / "provenance.json").write_text('{"started": ', encoding="utf-8")
    (tmp_path / "empty").mkdir()
    for target, says in ((tmp_path / "empty", "missing summary.json"), (tmp_path / "missing", "does not exist"),
                         (damaged, "summary.json: is not valid JSON"), (half, "provenance.json: is not valid JSON")):
        done = _run("report", str(target))
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert "results folder" in done.stderr and says in done.stderr


def test_whistle_limit_is_each_variants_own(folder, tmp_path):
    results = load_results(folder)
    assert results.report_limit("base") == 30 and results.report_limit("whistle-2h") == 120
    scenario = tmp_path / "limits.yaml"
    scenario.write_text(f"extends: {ROOT / 'scenarios' / 'teaching_street.yaml'}\nvariants:\n"
                        "  no-limit: {whistle: {report_timeout: none, reference_timeout: 45min}}\n", encoding="utf-8")
    done = _run("compare", str(scenario), "--set", "horizon=3d", "-r", "2", "--out", str(tmp_path / "out"), "--quiet")
    assert done.returncode == 0, done.stderr
    assert load_results(tmp_path / "out").report_limit("no-limit") == 45


def test_every_variant_keeps_its_resolved_scenario(folder, tmp_path):
    """The folder holds each variant's scenario as it ran; a folder written before they were kept still
    reports a single run (from its base), and refuses a comparison with a clear message."""
    results = load_results(folder)
    assert sorted(p.name for p in (folder / "variants").iterdir()) == sorted(f"{v}.yaml" for v in results.variants)
    assert results.scenario_of("whistle-2h").whistle.report_timeout == 120
    assert results.scenario_of("base") == results.scenario
    old = tmp_path / "old"
    shutil.copytree(folder, old)
    shutil.rmtree(old / "variants")
    done = _run("report", str(old))
    assert done.returncode == 2 and "Traceback" not in done.stderr and "rerun the command" in done.stderr
    single = tmp_path / "single"
    done = _run("run", "scenarios/teaching_street.yaml", "--set", "horizon=2d", "--out", str(single), "--quiet")
    assert done.returncode == 0, done.stderr
    shutil.rmtree(single / "variants")
    assert _run("report", str(single)).returncode == 0


def test_a_horizon_too_short_for_any_rating_still_reports(tmp_path):
    done = _run("compare", "scenarios/teaching_street.yaml", "--set", "horizon=12h", "-r", "2", "--variant",
                "grid-300", "--out", str(tmp_path), "--quiet")
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "cannot be judged" in page and "<figure>" in page


def test_a_rerun_keeps_the_users_own_files_in_figures(folder, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    (copy / "figures" / "mine.txt").write_text("keep me", encoding="utf-8")
    done = _run("run", "scenarios/teaching_street.yaml", "--set", "horizon=2d", "--out", str(copy), "--quiet")
    assert done.returncode == 0, done.stderr
    assert [p.name for p in (copy / "figures").iterdir()] == ["mine.txt"]   # stale figures gone, the user's kept


def test_the_command_line_offers_the_languages_the_text_has():
    import run

    assert run.LANGS == text.LANGS


def test_the_command_line_states_the_precision_defaults_of_the_procedure():
    import run
    from sim.experiment import precision

    assert run.PRECISION_METRICS == precision.METRICS and run.MAX_REPLICATIONS == precision.CAP


@pytest.mark.parametrize("name", ["base", "teaching-street"])
def test_compared_files_need_names_of_their_own(tmp_path, name):
    other = tmp_path / "other.yaml"
    other.write_text(f"extends: {ROOT / 'scenarios' / 'teaching_street.yaml'}\nname: {name}\n", encoding="utf-8")
    done = _run("compare", "scenarios/teaching_street.yaml", str(other), str(other), "--set", "horizon=1d",
                "--out", str(tmp_path / "out"), "--quiet")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"is named '{name}'" in done.stderr and "its own name" in done.stderr


# --- a sweep's report ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def lhs_sweep(tmp_path_factory):
    out = tmp_path_factory.mktemp("lhs")
    done = _run("sweep", "scenarios/teaching_street.yaml", "--set", "horizon=20d", "--range",
                "grid.households=300:500", "--range", "whistle.report_timeout=30min:4h", "--design", "lhs",
                "--points", "12", "-r", "2", "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    assert _run("report", str(out)).returncode == 0
    return out


def test_a_sweeps_report_shows_the_sensitivity_and_the_response(lhs_sweep):
    """The sensitivity indices as a bar chart and in words, each metric against each parameter, points named
    from 1 by their values with units; not the per-variant figures whose colours repeat, and no empty findings."""
    page = (lhs_sweep / "report.html").read_text(encoding="utf-8")
    assert _figures(page) == ["response", "sensitivity"]
    assert "Findings" not in page and "Sensitivity: what each metric responds to" in page
    assert "p000" not in page and '<td class="name">point 1</td>' in page and "point 12" in page
    assert re.search(r"<td>\d+(\.\d+)?h</td>", page)   # the report limit with its unit
    # the whistle's limit drives reports on time, and says so with its interval
    assert re.search(r"Whistle reports on time responds clearly to whistle report limit \(rises with it: "
                     r"Spearman ρ = 0\.9\d, 95% CI 0\.\d\d to 1\.00\)", page)
    results = load_results(lhs_sweep)
    fig = report.sweep_view.sensitivity_figure(results)
    assert [ax.get_title() for ax in fig.axes if ax.get_visible()][:3] == [
        "Satisfaction rate", "Resolution rate", "Response rate"]
    response = report.sweep_view.response_figure(results)
    assert {ax.get_xlabel() for ax in response.axes} >= {"households per grid", "whistle report limit (h)"}


def test_a_factorial_sweep_says_why_it_has_no_indices(tmp_path):
    done = _run("sweep", "scenarios/teaching_street.yaml", "--set", "horizon=5d", "--vary", "grid.households=300,500",
                "--vary", "whistle.report_timeout=30min,2h", "-r", "2", "--out", str(tmp_path), "--quiet")
    assert done.returncode == 0, done.stderr
    page = report.write_report(tmp_path).read_text(encoding="utf-8")
    assert "A full factorial has no sensitivity indices" in page and _figures(page) == ["response"]
    assert "<td>30min</td>" in page and "<td>2h</td>" in page and "point 4" in page


def test_spearman_interval_is_fishers():
    index = report.sweep_view._fisher(0.5, 20)
    assert index == pytest.approx((0.0598, 0.7775), abs=5e-4)
    assert report.sweep_view._fisher(0.5, 3) == (None, None)
