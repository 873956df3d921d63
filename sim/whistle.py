"""The street blows the whistle and departments report (MODEL.md 2.6).

Each force the category needs sends a team: a stationed team (1+4) from the
street, an on-call one (N) from the district. A team's report delay is its
wait for a free team plus its travel; it is on time if within
``whistle.report_timeout`` (always, with ``none``). A team may come and not
work ("present but not working"), which lowers the chance the matter is
solved. Teams stay until the on-site work is done, so they are busy from
the moment they are sent until the effort ends.
"""

from __future__ import annotations

from .request import Request


def blow(model, req: Request):
    """Summon the forces, wait for every report, and work the matter; return True if someone idled."""
    env, rec, w = model.env, model.recorder, model.scenario.whistle
    category = model.categories[req.category]
    req.whistle = category.whistle
    rec.whistle(category.whistle)
    rec.note(env.now, req, "whistle", f"{category.whistle} whistle: {', '.join(category.forces)} summoned")
    rec.responded(env.now, req)  # the street contacts the resident when it blows
    blown = env.now
    teams, sent = [], [blown] * len(category.forces)
    for i, force in enumerate(category.forces):
        pool, on_call = model.forces[req.street][force]
        turn = pool.acquire()
        travel = (model.report_on_call if on_call else model.report_stationed)()
        idle = model.whistling.uniform() < w.present_not_working
        if turn is not None:
            turn.callbacks.append(lambda _event, i=i: sent.__setitem__(i, env.now))
        teams.append((force, pool, turn, travel, idle, on_call))
    waiting = [turn for _, _, turn, _, _, _ in teams if turn is not None]
    if waiting:
        yield env.all_of(waiting)
    reports = [sent[i] + team[3] for i, team in enumerate(teams)]
    any_idle = False
    for (force, _, _, _, idle, _), reported in zip(teams, reports):
        delay = reported - blown
        on_time = w.report_timeout is None or delay <= w.report_timeout
        rec.report(delay, on_time, idle)
        req.reports += 1
        req.late_reports += not on_time
        req.idle_reports += idle
        any_idle |= idle
    yield env.timeout(max(reports) - env.now)
    rec.note(env.now, req, "reported", f"all teams on site after {env.now - blown:.0f} min"
             f"{', some late' if req.late_reports else ''}{', one present but not working' if any_idle else ''}")
    effort = model.effort[1]()
    yield env.timeout(effort)
    for i, (_, pool, turn, _, _, on_call) in enumerate(teams):
        rec.work("on_call_forces" if on_call else "stationed_forces", sent[i], env.now - sent[i])
        pool.release()
    return any_idle
