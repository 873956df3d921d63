"""The workshop app in a real browser: Playwright drives Debian's Chromium against ``gridgov workshop``.

A participant moves a lever, presses Run and reads the three rates and
unheard demand beside them; switches
to Chinese and the labels change; watches the street; sets a combination
that cannot run and is told why. Screenshots go to ``results/browser/``
(git-ignored). The test needs ``/usr/bin/chromium`` (``apt install
chromium``; Playwright's own browser download does not work everywhere): it
skips without it, unless ``GRIDGOV_REQUIRE_BROWSER=1`` (set by ``.ci/run``)
makes a missing browser a failure.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "results" / "browser"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
RATE = re.compile(r"^\d{1,3}\.\d%$")
WAIT = 90_000  # ms: a run answers in seconds; generous for a loaded CI machine

if not CHROMIUM.exists():
    if os.environ.get("GRIDGOV_REQUIRE_BROWSER"):
        pytest.fail(f"{CHROMIUM} is missing: install it with apt install chromium", pytrace=False)
    pytest.skip(f"{CHROMIUM} is not installed (apt install chromium)", allow_module_level=True)
playwright = pytest.importorskip("playwright.sync_api")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("localhost", 0))
        return probe.getsockname()[1]


def serve(*options: str):
    """``gridgov workshop`` serving on a free port with ``options``, until the caller is done: its address."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "run.py", "workshop", "--port", str(port), "--quiet", *options],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://localhost:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"gridgov workshop did not start: {server.stdout.read()}", pytrace=False)
            time.sleep(0.3)
    yield url
    server.terminate()
    server.wait(timeout=20)


@pytest.fixture(scope="module")
def app():
    """``gridgov workshop`` serving on a free port, until the tests are done."""
    yield from serve()


@pytest.fixture(scope="module")
def one_worker():
    """``gridgov workshop --workers 1``: a room whose runs queue behind each other."""
    yield from serve("--workers", "1")


@pytest.fixture()
def browser():
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        yield chromium
        chromium.close()


def open_page(browser, url: str):
    """A participant's page of the workshop at ``url``, loaded."""
    tab = browser.new_page(viewport={"width": 1400, "height": 1800})
    tab.goto(url)
    tab.get_by_text("gridgov workshop: try a policy on a street").wait_for(timeout=WAIT)
    return tab


@pytest.fixture()
def page(app, browser):
    yield open_page(browser, app)


def slider(page, label: str):
    """The range input of the sidebar slider whose label is ``label``."""
    return page.locator('[data-testid="stSlider"]').filter(has_text=label).locator('input[type="range"]')


def rates(page) -> dict[str, str]:
    """The headline cards (the three rates, unheard demand): label -> value shown."""
    cards = page.locator('[data-testid="stMetric"]')
    cards.nth(2).wait_for(timeout=WAIT)
    return {cards.nth(i).locator('[data-testid="stMetricLabel"]').inner_text().strip():
            cards.nth(i).locator('[data-testid="stMetricValue"]').inner_text().strip() for i in range(cards.count())}


def test_move_a_lever_run_read_the_rates_and_switch_to_chinese(page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    agents = slider(page, "Hotline agents")
    assert agents.input_value() == "2"
    agents.focus()
    page.keyboard.press("ArrowRight")
    assert agents.input_value() == "3"
    page.get_by_role("button", name="Run").click()
    shown = rates(page)
    assert list(shown) == ["Response rate", "Resolution rate", "Satisfaction rate", "Unheard demand"]
    assert all(RATE.match(value) for value in shown.values()), shown
    assert page.get_by_text("Your policy: hotline agents: 2 → 3").is_visible()
    assert page.get_by_text(re.compile(r"95% CI \d+\.\d% to \d+\.\d% · base \d+\.\d%")).count() == len(shown)
    figure = page.locator('[data-testid="stImage"] img').first
    figure.wait_for(timeout=WAIT)
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=figure.element_handle())
    page.screenshot(path=str(SHOTS / "workshop-en.png"), full_page=True)

    page.get_by_text("中文", exact=True).click()
    page.get_by_text("gridgov 工作坊：在一条街道上试一项政策").wait_for(timeout=WAIT)
    page.locator('[data-testid="stMetricLabel"]').filter(has_text="响应率").wait_for(timeout=WAIT)   # not the old cards
    chinese = rates(page)
    assert list(chinese) == ["响应率", "解决率", "满意率", "未被听见的诉求"]
    assert list(chinese.values()) == list(shown.values())   # the same run, now in Chinese
    assert page.get_by_role("button", name="运行").is_visible()
    playwright.expect(page.get_by_text("Response rate")).to_have_count(0, timeout=WAIT)  # the English page is gone
    assert page.get_by_text("你的方案使来电放弃率降低").count() == 1   # the findings speak of "your policy" in Chinese
    page.get_by_text("居民评价的三项比率及按时办结率，按方案列出。").wait_for(timeout=WAIT)   # figures redrawn
    page.screenshot(path=str(SHOTS / "workshop-zh.png"), full_page=True)


def test_the_street_animates_and_stories_are_told(page):
    slider(page, "Months to simulate").focus()
    page.keyboard.press("ArrowLeft")   # one month: the quickest run
    page.get_by_role("button", name="Run").click()
    rates(page)
    page.get_by_role("tab", name="Watch the street").click()
    frame = page.frame_locator("iframe").first
    clock = frame.locator("#gg-clock")
    clock.wait_for(timeout=WAIT)
    first = clock.inner_text()
    time.sleep(2.0)
    assert clock.inner_text() != first, "the animation's clock should move while it plays"
    assert frame.locator("#gg-anim").is_visible()
    frame.locator("#gg-whistle").click()   # jump to just before the next whistle, in slow motion
    time.sleep(2.0)
    whistles = re.search(r"whistles (\d+)", frame.locator("#gg-counters").inner_text())
    assert whistles and int(whistles[1]) >= 1, "after Next whistle, a whistle should have been blown"
    page.screenshot(path=str(SHOTS / "workshop-animation.png"), full_page=False)
    page.get_by_role("tab", name="Stories of requests").click()
    assert page.get_by_text(re.compile(r"the street blows the whistle \(B\)")).first.is_visible()


def test_a_combination_that_cannot_run_is_explained(page):
    agents = slider(page, "Hotline agents")
    agents.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")   # 7 agents on the teaching street's 6 lines
    page.get_by_role("button", name="Run").click()
    alert = page.locator('[data-testid="stAlert"]').filter(has_text="cannot run")
    alert.wait_for(timeout=WAIT)
    assert "7 hotline agents need at least 7 lines" in alert.inner_text()
    assert page.get_by_text("Traceback").count() == 0
    assert page.locator('[data-testid="stMetric"]').count() == 0


def test_the_levers_are_locked_during_a_run_and_no_run_is_lost_or_doubled(page):
    """A double click runs once; while the run is in the pool the levers and Run are locked; switching the
    language meanwhile redraws the page, which waits for the same run instead of dropping it."""
    agents = slider(page, "Hotline agents")
    page.get_by_role("button", name="Run").dblclick()
    page.get_by_text("since you pressed Run").wait_for(timeout=WAIT)
    assert agents.is_disabled() and slider(page, "Months to simulate").is_disabled()
    assert page.get_by_role("button", name="Run").is_disabled()
    assert page.get_by_text("The levers are locked until your run is done.").is_visible()
    page.get_by_text("中文", exact=True).click()
    chinese = rates(page)
    assert list(chinese) == ["响应率", "解决率", "满意率", "未被听见的诉求"]
    assert page.get_by_text(re.compile(r"^第1次运行：teaching-street")).count() == 1   # one run, not two
    assert not slider(page, "热线坐席数").is_disabled() and not page.get_by_role("button", name="运行").is_disabled()


def test_a_run_queued_behind_another_says_how_many_runs_are_ahead(one_worker, browser):
    """With one worker, a participant pressing Run while another's run simulates is told that 1 run is ahead
    of theirs (the other's double click added no second one), and the heading says how long of the wait was
    queueing; the first participant's run was not queued."""
    first, second = open_page(browser, one_worker), open_page(browser, one_worker)
    replications = slider(first, "Replications")
    replications.focus()
    first.keyboard.press("End")   # 20 replications: the longest run of the teaching street's 3 months
    first.get_by_role("button", name="Run").dblclick()
    first.get_by_text("since you pressed Run").wait_for(timeout=WAIT)
    second.get_by_role("button", name="Run").click()
    second.get_by_text("Queued behind another participant's run: 1 run ahead of yours").wait_for(timeout=WAIT)
    assert second.get_by_text(re.compile(r"\b2 runs ahead")).count() == 0
    rates(first)
    assert first.get_by_text("queued behind other participants' runs").count() == 0
    rates(second)
    assert second.get_by_text(re.compile(r"^\d+ s of that queued behind other participants' runs\.$")).count() == 1
    assert second.get_by_text(re.compile(r"^Run 1: teaching-street")).count() == 1
