"""The workshop app's parts without a browser: levers, runs, words and the Chinese font.

(``test_browser.py`` drives the app itself in Chromium.)
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from analysis.results import load_results
from analysis.text import Text
from analysis.workshop import cards, fonts, policies, room, runner
from analysis.workshop.words import WORDS
from run import main
from sim import load_scenario

TEACHING = "scenarios/teaching_street.yaml"
CJK = re.compile(r"[\u4e00-\u9fff]")
FIELDS = re.compile(r"{(\w+)")


def teaching():
    return load_scenario(TEACHING)


def test_every_word_is_in_both_languages_with_the_same_blanks():
    for key, (en, zh) in WORDS.items():
        assert en and zh, key
        assert set(FIELDS.findall(en)) == set(FIELDS.findall(zh)), key
        assert key == "language" or CJK.search(zh), key


def test_levers_start_at_the_scenario_and_only_moved_ones_become_overrides():
    scenario = teaching()
    shown = {p.key: p.current(scenario) for p in policies.POLICIES}
    assert shown == {"grid.households": 500, "whistle.report_timeout": "30min", "whistle.assessment.enabled": False,
                     "forces.all_on_call": False,
                     "dispatch.mode": False, "hotline.agents": 2, "hotline.lines": 6, "topics.enabled": False,
                     "ranking.pressure.enabled": False}
    assert policies.overrides(scenario, shown) == []
    moved = {**shown, "grid.households": 300, "whistle.report_timeout": "none", "dispatch.mode": True,
             "ranking.pressure.enabled": True}
    assert policies.overrides(scenario, moved) == ["grid.households=300", "whistle.report_timeout=none",
                                                   "dispatch.mode=precise", "ranking.pressure.enabled=true"]


@pytest.mark.parametrize("policy", policies.POLICIES, ids=lambda p: p.key)
def test_every_position_of_every_lever_is_a_valid_scenario(policy):
    scenario = teaching()
    positions = {True, False} if policy.control == policies.SWITCH else \
        set(policy.options) if policy.control == policies.CHOICE else {2, 6}   # with 2 agents on 6 lines
    for shown in positions:
        changed = runner.derive(scenario, [policy.setting(shown)])
        assert policy.current(changed) == shown
        assert changed != scenario or shown == policy.current(scenario)


def test_a_run_too_short_for_a_lever_says_so():
    scenario = teaching()
    assert policies.caveats(scenario, {"topics.enabled": True}, 1) == [
        ("topics_too_short", {"lag": 30, "months": 1, "need": 2})]
    assert policies.caveats(scenario, {"topics.enabled": True}, 2) == []
    assert policies.caveats(scenario, {"ranking.pressure.enabled": True}, 1) == [("pressure_too_short", {})]
    assert policies.caveats(scenario, {"ranking.pressure.enabled": True}, 2) == []
    assert "at least 2 months" in WORDS["topics_too_short"][0].format(lag=60, months=1, need=2)


def test_more_agents_than_lines_is_explained_in_the_chosen_language():
    shown = {"hotline.agents": 7, "hotline.lines": 6}
    assert policies.combination_problem(shown, "en") == (
        "7 hotline agents need at least 7 lines (each agent talks on a line), but there are 6. Add lines or take "
        "agents away.")
    assert "7个坐席至少需要7条线路" in policies.combination_problem(shown, "zh")
    with pytest.raises(runner.WorkshopError, match="need at least 7 lines"):
        runner.check(TEACHING, shown, 1, 3, "en")


def test_a_city_too_large_for_a_workshop_points_to_the_command_line():
    with pytest.raises(runner.WorkshopError) as refused:
        runner.check("scenarios/beijing.yaml", {}, 1, 3, "en")
    assert "too large for a workshop run" in str(refused.value)
    assert "python run.py compare scenarios/beijing.yaml" in str(refused.value)
    _base, _sets, seconds = runner.check(TEACHING, {}, 3, 10, "en")
    assert seconds < policies.SLOW


def test_an_invalid_value_is_a_message_not_a_traceback():
    with pytest.raises(runner.WorkshopError, match="hotline.agents"):
        runner.check(TEACHING, {"hotline.agents": 0, "hotline.lines": 6}, 1, 3, "en")


def test_short_runs_of_a_scenario_with_a_long_warm_up_measure_from_day_one():
    wuchang = load_scenario("scenarios/wuchang.yaml")
    assert policies.horizon_sets(wuchang, 1) == (["horizon=30d", "warmup=0"], True)
    assert policies.horizon_sets(wuchang, 3) == (["horizon=90d"], False)
    assert policies.horizon_sets(teaching(), 1) == (["horizon=30d"], False)


def test_a_run_compares_the_policy_with_the_base_on_the_same_problems():
    scenario = teaching()
    shown = {p.key: p.current(scenario) for p in policies.POLICIES}
    same = runner.run(TEACHING, shown, 1, 3, "en")
    assert same.overrides == [] and same.variant == "your policy"
    for metric in ("response_rate", "resolution_rate", "satisfaction_rate"):
        assert same.difference(metric)["mean"] == 0 == same.difference(metric)["ci_low"]   # common random numbers
    moved = runner.run(TEACHING, {**shown, "grid.households": 300}, 1, 3, "zh", number=2)
    assert moved.overrides == ["grid.households=300"] and moved.variant == "你的方案"
    assert moved.rate("base", "satisfaction_rate") == same.rate("base", "satisfaction_rate")
    assert moved.results.replications.groupby("variant").size().to_dict() == {"base": 3, "你的方案": 3}
    assert (moved.folder / "summary.json").is_file() and moved.number > same.number
    assert moved.traced.scenario.grid.households == 300 and moved.traced.trace
    runner.forget(same)
    assert not same.folder.exists()


class Policy:
    """A run whose policy has 3.0% (95% CI 2.0% to 4.0%) against the base's 5.0%, and the given difference."""

    variant = "your policy"

    def __init__(self, difference: dict):
        self.diff = difference

    def rate(self, variant: str, metric: str) -> dict:
        return {"mean": 0.05 if variant == "base" else 0.03, "ci_low": 0.02, "ci_high": 0.04}

    def difference(self, metric: str) -> dict:
        return self.diff


def test_a_card_shows_a_fall_in_unheard_demand_as_good_news_and_a_rise_as_bad():
    en, fall, rise = Text("en"), {"mean": -0.02, "ci_low": -0.03, "ci_high": -0.01}, \
        {"mean": 0.02, "ci_low": 0.01, "ci_high": 0.03}
    unheard = cards.card(Policy(fall), "unheard_rate", en)
    assert (unheard.label, unheard.value, unheard.delta, unheard.colour, unheard.arrow) == (
        "Unheard demand", "3.0%", "-2.0 points", "green", "auto")
    assert unheard.caption == "95% CI 2.0% to 4.0% · base 5.0%"
    assert "in none of the three rates" in unheard.help and "Lower is better: a rise shows red" in unheard.help
    assert cards.card(Policy(rise), "unheard_rate", en).colour == "red"
    assert cards.card(Policy(rise), "satisfaction_rate", en).colour == "green"   # a rate: a rise is good news
    satisfaction = cards.card(Policy(fall), "satisfaction_rate", en)
    assert satisfaction.colour == "red" and "(see Unheard demand)" in satisfaction.help
    unclear = cards.card(Policy({"mean": 0.01, "ci_low": -0.01, "ci_high": 0.03}), "unheard_rate", en)
    assert (unclear.delta, unclear.colour, unclear.arrow) == ("no clear difference", "off", "off")
    assert cards.percent(-0.0004) == "0.0%" and cards.percent(1.002) == "100.0%"   # an interval cut to 0..100%
    chinese = cards.card(Policy(rise), "unheard_rate", Text("zh"))
    assert chinese.label == "未被听见的诉求" and chinese.delta == "+2.0个百分点" and "越低越好" in chinese.help


def test_a_run_shows_unheard_demand_beside_the_three_rates_when_measured(older_comparison):
    scenario = teaching()
    shown = {p.key: p.current(scenario) for p in policies.POLICIES}
    run = runner.run(TEACHING, {**shown, "hotline.agents": 1, "hotline.lines": 1}, 1, 5, "en")
    assert cards.shown(run) == list(cards.CARDS) == ["response_rate", "resolution_rate", "satisfaction_rate",
                                                     "unheard_rate"]
    unheard = cards.card(run, "unheard_rate", Text("en"))
    assert unheard.label == "Unheard demand" and re.fullmatch(r"\d+\.\d%", unheard.value)
    assert unheard.colour == "red"   # one agent on one line instead of two on six: more residents unheard
    older = dataclasses.replace(run, results=load_results(older_comparison))   # a folder from before
    assert cards.shown(older) == ["response_rate", "resolution_rate", "satisfaction_rate"]
    runner.forget(run)


def test_the_chinese_font_covers_every_chinese_word_of_the_app():
    characters = fonts.chinese_characters()
    for _en, zh in WORDS.values():
        assert set(CJK.findall(zh)) <= set(characters)
    css = fonts.font_face("Source Sans")
    assert css.startswith('@font-face{font-family:"Source Sans";src:url(data:font/otf;base64,')
    assert "unicode-range:U+2E80" in css and len(css) < 400_000


def test_workshop_refuses_a_port_in_use(capsys):
    with socket.socket() as taken:
        taken.bind(("localhost", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["workshop", "--port", str(port)]) == 2
    assert f"cannot serve on localhost:{port}" in capsys.readouterr().err


def test_the_scenario_menu_offers_only_scenarios_a_participant_can_run():
    """Not base.yaml (a building block), not the validation's hotline, not a city of millions."""
    files = runner.scenario_files()
    assert list(files) == ["scenarios/teaching_street.yaml", "scenarios/wuchang.yaml"]
    assert all(os.path.isfile(path) for path in files.values())


def test_importing_the_app_draws_no_page():
    """Pool workers that import the app's module (to unpickle a task) must not run the page outside Streamlit:
    that printed about 180 "missing ScriptRunContext" lines in the teacher's terminal."""
    done = subprocess.run([sys.executable, "-c", "import analysis.workshop.app"], cwd=Path(__file__).parents[1],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "ScriptRunContext" not in done.stdout + done.stderr



def _serving(port: int) -> list[int]:
    """The processes serving the workshop on ``port``: their ids (read from /proc)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            words = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if any(b"streamlit" in word or word == b"analysis.workshop.serve" for word in words) and \
                str(port).encode() in words:
            found.append(int(cmdline.parent.name))
    return found


def _workers(server: int) -> list[int]:
    """The pool workers of the server process ``server``: spawned children (read from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if parent == server and b"spawn_main" in cmdline:
            found.append(int(stat.parent.name))
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("localhost", 0))
        return probe.getsockname()[1]


def _start(port: int, *options: str, env: dict | None = None) -> subprocess.Popen:
    """``gridgov workshop --port port options`` started, once it serves (its Streamlit process is up)."""
    server = subprocess.Popen([sys.executable, "run.py", "workshop", "--port", str(port), "--quiet", *options],
                              cwd=Path(__file__).parents[1], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env=env)
    deadline = time.monotonic() + 60
    while not _serving(port) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _serving(port), "the workshop did not start"
    return server


def _stop(server: subprocess.Popen, port: int) -> None:
    """Stop a test's server, killing what is left of it."""
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
    for pid in _serving(port):
        os.kill(pid, signal.SIGKILL)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the processes from /proc")
def test_sigterm_stops_the_workshop_server_too(tmp_path):
    """``kill -TERM`` on ``gridgov workshop`` stops its Streamlit server as Ctrl-C does, instead of leaving it
    running under PID 1; the command exits 143. The server's runs were in a folder of its own (in the system's
    temporary folder, here ``tmp_path``), and the folder goes with it."""
    port = _free_port()
    server = _start(port, env={**os.environ, "TMPDIR": str(tmp_path)})
    try:
        own = list(tmp_path.glob("gridgov-workshop-*"))
        assert len(own) == 1 and own[0].is_dir(), "the server should make a runs folder of its own"
        time.sleep(1.0)  # let the command take its signal handler
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 143
        deadline = time.monotonic() + 20
        while _serving(port) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _serving(port), "the Streamlit server outlived the command"
        assert not own[0].exists(), "the server's runs folder outlived it"
    finally:
        _stop(server, port)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the processes from /proc")
def test_the_pool_is_started_before_the_first_participant():
    """The first run after start-up does not pay for starting the pool: by the time the server answers, its
    workers (``--workers 2``) are running, before any browser has opened the page."""
    port = _free_port()
    server = _start(port, "--workers", "2")
    try:
        deadline = time.monotonic() + 60
        while not _health(port) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _health(port), "the workshop did not answer"
        (serving,) = _serving(port)
        assert len(_workers(serving)) == 2
    finally:
        _stop(server, port)


def _health(port: int) -> bool:
    """Whether the workshop on ``port`` answers Streamlit's health check."""
    try:
        with urllib.request.urlopen(f"http://localhost:{port}/_stcore/health", timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


def test_a_run_goes_to_the_servers_own_runs_folder(monkeypatch, tmp_path):
    """A run's results folder is made in the folder ``gridgov workshop`` gave its server (``GRIDGOV_WORKSHOP_RUNS``),
    not in one folder shared by every server on the machine."""
    monkeypatch.setenv(runner.RUNS, str(tmp_path))
    scenario = teaching()
    run = runner.run(TEACHING, {p.key: p.current(scenario) for p in policies.POLICIES}, 1, 3, "en")
    assert run.folder.parent == tmp_path


@pytest.mark.skipif(not shutil.which("ip"), reason="lists the machine's addresses with ip -o -4 addr")
def test_serving_a_room_prints_the_machines_addresses():
    """``--host 0.0.0.0`` prints an address a laptop of the room can open for each of the machine's IPv4
    addresses (as ``ip`` lists them), and localhost; not the machine's name, which often resolves to itself only."""
    listed = subprocess.run(["ip", "-o", "-4", "addr"], capture_output=True, text=True, check=True).stdout
    addresses = [a for a in re.findall(r"\binet (\d+\.\d+\.\d+\.\d+)/", listed) if not a.startswith("127.")]
    port = _free_port()
    server = subprocess.Popen([sys.executable, "run.py", "workshop", "--host", "0.0.0.0", "--port", str(port),
                               "--quiet"], cwd=Path(__file__).parents[1], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    try:
        line = server.stdout.readline()
    finally:
        server.terminate()
        server.wait(timeout=30)
        _stop(server, port)
    assert line.startswith("gridgov workshop: open http://"), line
    assert all(f"http://{address}:{port}" in line for address in addresses), line
    assert f"http://localhost:{port}" in line
    assert f"http://{socket.gethostname()}:" not in line or socket.gethostname() in addresses


def _sleeper(seconds: float) -> float:
    """A stand-in for a run: ``seconds`` of a worker's time."""
    time.sleep(seconds)
    return seconds


def test_a_participant_has_one_run_in_the_pool_and_it_is_handed_out_once():
    """A double click (or two redraws of a page) gets the same run back and adds no work; another participant's
    run counts the runs ahead of it; a finished run is collected once, never twice nor lost."""
    queue = room.Room(1)
    try:
        first = queue.submit("ana", time.monotonic(), {}, _sleeper, 3.0)
        assert queue.submit("ana", time.monotonic(), {}, _sleeper, 3.0) is first
        second = queue.submit("bo", time.monotonic(), {}, _sleeper, 0.0)
        assert queue.ahead(first) == 0 and queue.ahead(second) == 1
        assert first.queued() == 0 and second.started is None   # a worker was free for ana's run, not for bo's
        assert queue.collect("ana") is None and queue.ticket("ana") is first   # still simulating: kept
        second.future.result(timeout=60)
        assert queue.collect("ana") is first and queue.collect("ana") is None
        assert queue.ahead(second) == 0 and second.queued() > 0
        assert queue.collect("bo") is second and queue.ticket("bo") is None
    finally:
        queue.close()
