"""A room pressing Run at once: time to result for N participants of one ``gridgov workshop`` server.

For each N, a fresh server (its pool warm, as a room finds it), N pages in
Debian's Chromium (``/usr/bin/chromium``, driven by Playwright), each moving
one lever on the teaching street (3 months, 10 replications: the page's
defaults) and all pressing Run within the same second. A participant's time
to result is from their click to the result's heading on their page, queue
included; the heading's own figure (the server's, click to result) is shown
beside it. Each page is closed once its result shows, so that finished
browsers on this machine do not take the cores from the server (in a room
they are on the laptops)::

    python bench/workshop_room.py --participants 1 4 10 30
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
TITLE = "gridgov workshop: try a policy on a street"
HEADING = re.compile(r"^Run 1: .* in (\d+\.\d) s$")
PATIENCE = 600_000  # ms a page waits to load, and for its result
LOADING = 4  # pages loading at once


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("localhost", 0))
        return probe.getsockname()[1]


def start_server(port: int, workers: int | None) -> subprocess.Popen:
    """``gridgov workshop`` on ``port``, once it answers."""
    options = ["--workers", str(workers)] if workers else []
    server = subprocess.Popen([sys.executable, "run.py", "workshop", "--port", str(port), "--quiet", *options],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://localhost:{port}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("gridgov workshop did not start")


async def ready_page(browser, url: str, loading: asyncio.Semaphore):
    """A participant's page, loaded, with one lever moved (hotline agents 2 -> 3); a few pages load at a time
    (thirty at once on two cores time out)."""
    async with loading:
        page = await browser.new_page(viewport={"width": 1400, "height": 1800})
        page.set_default_timeout(PATIENCE)
        await page.goto(url)
        await page.get_by_text(TITLE).wait_for()
        agents = page.locator('[data-testid="stSlider"]').filter(has_text="Hotline agents").locator('input[type="range"]')
        await agents.focus()
        await page.keyboard.press("ArrowRight")   # the Run click carries it even if its redraw is not over
        return page


async def press_and_wait(page) -> tuple[float, float]:
    """Press Run and wait for the result: seconds from the click to the heading on the page, and the heading's
    own seconds."""
    clicked = time.monotonic()
    await page.get_by_role("button", name="Run").click()
    heading = page.get_by_text(HEADING)
    await heading.wait_for()
    seen = time.monotonic() - clicked
    said = float(HEADING.match((await heading.inner_text()).strip())[1])
    await page.close()
    return seen, said


async def room(participants: int, workers: int | None) -> list[tuple[float, float]]:
    """One room of ``participants`` on a fresh server: each one's (time to result, heading's seconds)."""
    port = free_port()
    server = start_server(port, workers)
    try:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
            loading = asyncio.Semaphore(LOADING)
            pages = await asyncio.gather(*(ready_page(browser, f"http://localhost:{port}", loading)
                                           for _ in range(participants)))
            times = await asyncio.gather(*(press_and_wait(page) for page in pages))
            await browser.close()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    return sorted(times)


def row(participants: int, times: list[tuple[float, float]]) -> str:
    seen = [t for t, _ in times]
    return (f"{participants:>12} {seen[0]:>8.1f} {statistics.median(seen):>8.1f} {seen[-1]:>8.1f} "
            f"{max(s for _, s in times):>14.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, nargs="+", default=[1, 4, 10, 30])
    parser.add_argument("--workers", type=int, help="the server's --workers (default one per core)")
    args = parser.parse_args()
    print(f"teaching street, 3 months, 10 replications; {os.cpu_count()} cores, "
          f"{args.workers or os.cpu_count()} workers; seconds from the click to the result")
    print(f"{'participants':>12} {'first':>8} {'median':>8} {'slowest':>8} {'heading (max)':>14}")
    for participants in args.participants:
        print(row(participants, asyncio.run(room(participants, args.workers))), flush=True)


if __name__ == "__main__":
    main()
