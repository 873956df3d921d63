"""The workshop app: try a policy on a street and see what changes (``gridgov workshop`` serves it).

A Streamlit script, run from top to bottom on every click. Each browser tab
is its own Streamlit session, so a participant's levers, runs and results
(kept in ``st.session_state`` and a results folder per run) are theirs
alone. A run goes to the room's pool (``room``), shared by every
participant; while it is there the levers are locked, the page says how many
runs are ahead of it, and a redraw (a language switch, a second click) waits
for the same run instead of losing it. The latest run is drawn again in
whichever language is chosen, without simulating again.
"""

from __future__ import annotations

import dataclasses
import time
import uuid
from pathlib import Path

import pandas as pd
import streamlit as st

from analysis.findings import FINDING_METRICS, variant_findings
from analysis.narrate import narrate
from analysis.report import FIGURES, report_limits, write_report
from analysis.style import png_bytes
from analysis.text import Text
from analysis.workshop import animation, cards, fonts, policies, room, runner
from analysis.workshop.animation import ANIMATION_HEIGHT, animation_html
from analysis.workshop.cards import COLOURS, percent
from analysis.workshop.words import LANGUAGES, WORDS, words

SHOWN_FIGURES = ("rates", "differences", "timeseries", "funnel", "whistle")
KEPT_RUNS = 5  # a participant's runs kept (each a small results folder)
POLL = 0.2  # seconds between looks at a run in the pool
PAGE_FONT = "Source Sans"  # Streamlit's own font family


def lever(policy: policies.Policy, scenario, text: Text, prefix: str, locked: bool):
    """The control of one policy lever, starting at the scenario's own value (``locked`` while a run is going)."""
    label = policy.label[text.index] if policy.label else text.parameter(policy.key)
    label = label[0].upper() + label[1:]
    current, key, help_ = policy.current(scenario), f"{prefix}:{policy.key}", policy.help[text.index]
    if policy.control == policies.SWITCH:
        return st.toggle(label, value=current, key=key, help=help_, disabled=locked)
    if policy.control == policies.CHOICE:
        options = list(policy.options) if current in policy.options else sorted({*policy.options, current}, key=str)
        return st.select_slider(label, options, value=current, key=key, help=help_, format_func=text.value,
                                disabled=locked)
    low, high = policy.options
    return st.slider(label, low, max(high, 2 * current), value=current, key=key, help=help_, disabled=locked)


def sidebar(text: Text, locked: bool):
    """The scenario, the run's length and the levers, all ``locked`` while a run is going (what the page shows
    then is that run's); the chosen file, levers, months, replications and whether Run was pressed."""
    files = runner.scenario_files()
    chosen = st.selectbox(words(text, "scenario"), list(files), key="scenario", disabled=locked)
    months = st.slider(words(text, "months"), 1, 6, 3, key="months", disabled=locked)
    replications = st.slider(words(text, "replications"), 3, 20, 10, key="replications", disabled=locked)
    scenario = runner.load(files[chosen])
    st.subheader(words(text, "policies"))
    shown = {p.key: lever(p, scenario, text, chosen, locked) for p in policies.POLICIES}
    pressed = st.button(words(text, "run"), type="primary", width="stretch", key="run", disabled=locked)
    if locked:
        st.caption(words(text, "locked"))
    return files[chosen], shown, months, replications, pressed


def start_run(participant: str, clicked: float, path: str, shown: dict, months: int, replications: int,
              text: Text) -> None:
    """Check the run and put it in the room's pool, then redraw the page with the levers locked; or say
    plainly why it cannot run."""
    try:
        _base, _sets, seconds = runner.check(path, shown, months, replications, text.lang)
    except runner.WorkshopError as exc:
        st.error(words(text, "cannot_run", message=exc))
        return
    number = st.session_state.get("count", 0) + 1
    room.shared().submit(participant, clicked, {"r": replications, "s": seconds}, runner.run, path, shown, months,
                         replications, text.lang, number)
    st.rerun()


def await_run(participant: str, ticket: room.Ticket, text: Text) -> None:
    """Wait for this participant's run, saying whether it is queued behind others and for how long so far; then
    keep it and redraw the page with the levers free."""
    shown, said = st.empty(), None
    while not ticket.future.done():
        message = waiting(ticket, text)
        if message != said:   # about once a second; also where a page redrawn meanwhile stops this wait
            shown.info(message)
            said = message
        time.sleep(POLL)
    collected = room.shared().collect(participant)
    if collected:   # None: another redraw of this page took it
        keep(collected, text)
    st.rerun()


def waiting(ticket: room.Ticket, text: Text) -> str:
    """What the page says while the run is in the pool: the runs ahead of it if it is queued, else that it is
    simulating (and how long it should take, if long); with the seconds since the click."""
    workers, ahead = room.shared().workers, room.shared().ahead(ticket)
    if ahead >= workers:
        state = words(text, "queued_one" if ahead == 1 else "queued", n=ahead, w=workers)
    else:
        state = words(text, "running", r=ticket.about["r"])
        if ticket.about["s"] > policies.SLOW:
            state += " " + words(text, "slow", s=ticket.about["s"])
    return state + " " + words(text, "waiting", s=ticket.waited())


def keep(ticket: room.Ticket, text: Text) -> None:
    """Keep a finished run in this participant's session (the last ``KEPT_RUNS``) with how long they waited,
    or why it could not run, to say after the redraw."""
    try:
        done = ticket.future.result()
    except runner.WorkshopError as exc:
        st.session_state["failed"] = words(text, "cannot_run", message=exc)
        return
    done = dataclasses.replace(done, waited=ticket.waited(), queued=ticket.queued())
    st.session_state["count"] = done.number
    runs = st.session_state.setdefault("runs", [])
    runs.append(done)
    while len(runs) > KEPT_RUNS:
        runner.forget(runs.pop(0))
    kept = {run.number for run in runs}
    for drawn in ("pictures", "reports"):   # figures and reports of forgotten runs go with them
        st.session_state[drawn] = {k: v for k, v in st.session_state.get(drawn, {}).items() if k[0] in kept}


def rate_cards(run: runner.Run, text: Text) -> None:
    """The three rates of the policy and unheard demand beside them (``cards``), side by side."""
    metrics = cards.shown(run)
    for column, metric in zip(st.columns(len(metrics)), metrics):
        card = cards.card(run, metric, text)
        with column:
            st.metric(card.label, card.value, card.delta, delta_color=card.colour, delta_arrow=card.arrow,
                      help=card.help, border=True)
            st.caption(card.caption)


def findings(run: runner.Run, text: Text) -> None:
    """The plain-language findings of the report, coloured good / bad / unclear."""
    results = run.results
    base = {m: results.stats("base", m)["mean"] for m in results.present(FINDING_METRICS)}
    for item in variant_findings(runner.POLICY[text.lang], results.differences()[run.variant], text, base,
                                 report_limits(results, run.variant, text)):   # named in the page's language
        st.markdown(f"- :{COLOURS.get(item.tone, 'gray')}[{item.sentence}]")


def figures(run: runner.Run, text: Text) -> None:
    """The report's key figures in the chosen language, drawn once per run and language."""
    cache = st.session_state.setdefault("pictures", {})
    drawn = (run.number, text.lang)
    if drawn not in cache:
        cache[drawn] = [(name, png_bytes(plot(run.results, lang=text.lang))) for name, plot, applies in FIGURES
                        if name in SHOWN_FIGURES and applies(run.results)]
    for name, png in cache[drawn]:
        st.image(png, caption=text.caption(name, variant=run.variant))


def stories(run: runner.Run, text: Text) -> None:
    told, missing = narrate(run.traced, 4, text.lang)
    for story in told:
        st.markdown(f"**{story.title}**")
        st.code("\n".join(story.lines), language=None, wrap_lines=True)
    for line in missing:
        st.caption(line)


def history(text: Text) -> None:
    """This participant's runs, one row each: what changed, and the policy's three rates and unheard demand."""
    rows = []
    for run in st.session_state.get("runs", []):
        row = {words(text, "run_col"): run.number, words(text, "scenario"): Path(run.scenario_file).name,
               words(text, "changes_col"): changes(run, text)}
        for metric in cards.shown(run):
            row[text.metric(metric)] = percent(run.rate(run.variant, metric)["mean"])
        rows.append(row)
    st.dataframe(pd.DataFrame(rows[::-1]), hide_index=True)


def changes(run: runner.Run, text: Text) -> str:
    """The levers a run moved, in the report's words ("households per grid: 500 → 300")."""
    moved = run.results.changes(run.variant) or {}
    return "; ".join(text("change", name=text.parameter(path), base=text.value(c["base"]), value=text.value(c["variant"]))
                     for path, c in moved.items()) or words(text, "same_as_base")


def report(run: runner.Run, text: Text) -> None:
    """The whole report.html of the run, built on request (a few seconds) and offered for download."""
    st.caption(words(text, "report_note"))
    built, lang = st.session_state.setdefault("reports", {}), text.lang
    if st.button(words(text, "make_report"), key=f"report-{run.number}-{lang}"):
        built[(run.number, lang)] = write_report(run.folder, lang).read_bytes()
    if (run.number, lang) in built:
        st.download_button(words(text, "download"), built[(run.number, lang)],
                           file_name=f"gridgov-report-run{run.number}-{lang}.html", mime="text/html")


def show(run: runner.Run, text: Text) -> None:
    """The latest run: headline, the three rates and unheard demand, findings, then figures, animation, stories,
    history."""
    st.subheader(words(text, "result_head", n=run.number, scenario=run.results.scenario.name, months=run.months,
                       r=run.replications, s=run.waited))
    if run.queued > 0:
        st.caption(words(text, "queued_for", s=run.queued))
    st.markdown(words(text, "your_policy", changes=changes(run, text)))
    if not run.overrides:
        st.warning(words(text, "no_change"))
    for key, values in run.caveats:
        st.warning(words(text, key, **values))
    if run.warmup_dropped:
        st.caption(words(text, "warmup_dropped"))
    rate_cards(run, text)
    st.markdown(f"#### {words(text, 'finding')}")
    findings(run, text)
    tabs = st.tabs([words(text, k) for k in ("tab_figures", "tab_watch", "tab_stories", "tab_history", "tab_report")])
    with tabs[0]:
        figures(run, text)
    with tabs[1]:
        st.caption(words(text, "watch_note"))
        st.iframe(animation_html(run.traced, text.lang), height=ANIMATION_HEIGHT)
    with tabs[2]:
        st.caption(words(text, "stories_note"))
        stories(run, text)
    with tabs[3]:
        st.caption(words(text, "history_note"))
        history(text)
    with tabs[4]:
        report(run, text)


def main() -> None:
    clicked = time.monotonic()   # the click, if Run was pressed: the participant's wait starts here
    st.set_page_config(page_title="gridgov workshop", layout="wide")
    participant = st.session_state.setdefault("participant", uuid.uuid4().hex)
    ticket = room.shared().ticket(participant)   # this participant's run in the pool, if any
    with st.sidebar:
        choice = st.radio(WORDS["language"][0], list(LANGUAGES), horizontal=True, key="language")
        text = Text(LANGUAGES[choice])
        path, shown, months, replications, pressed = sidebar(text, locked=ticket is not None)
    st.html(f"<style>{fonts.font_face(PAGE_FONT, animation)}</style>")   # Chinese on any machine (language switch too)
    st.title(words(text, "title"))
    st.caption(words(text, "intro"))
    if ticket is not None:
        await_run(participant, ticket, text)
    elif pressed:
        start_run(participant, clicked, path, shown, months, replications, text)
    if "failed" in st.session_state:
        st.error(st.session_state.pop("failed"))
    runs = st.session_state.get("runs")
    if runs:
        show(runs[-1], text)
    else:
        st.info(words(text, "press_run"))


if __name__ == "__main__":  # Streamlit runs the page as __main__; a pool worker importing this module does not
    main()
