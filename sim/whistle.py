"""The street blows the whistle and departments report (MODEL.md 2.6).

Each force the category needs sends a team: a stationed team (1+4) from the
street, an on-call one (N) from the district. A team's report delay is its
wait for a free team plus its travel; it is on time if within
``whistle.report_timeout`` (with ``none``, within ``reference_timeout``, so
that variants compare). Double assessment shortens travel and idling while a
limit is in force (travel only: a wait for a free team is not shortened). A
team may come and not work ("present but not working"),
which lowers the chance the matter is solved. Teams stay until the on-site work is done, so they are busy from
the moment they are sent until the effort ends.
"""

from __future__ import annotations

from .request import Request


def blow(model, req: Request):
    """Summon the forces, wait for every report, and work the matter; return True if someone idled."""
    env, rec, w = model.env, model.recorder, model.scenario.whistle
    category = model.categories[req.category]
    req.whistle = category.whistle
    rec.whistle(req, category.whistle)
    rec.note(env.now, req, "whistle", category.whistle, tuple(category.forces))
    rec.responded(env.now, req)  # the street contacts the resident when it blows
    blown = env.now
    teams = [model.forces[req.street][force] for force in category.forces]  # (pool, on call?)
    sent = [blown] * len(teams)  # when each team was free to set off
    travels, idles, waiting = [], [], []
    for i, (pool, on_call) in enumerate(teams):
        turn = pool.acquire()
        travels.append((model.report_on_call if on_call else model.report_stationed)() * model.delay_factor)
        idles.append(model.whistling.uniform() < w.present_not_working * model.idle_factor)
        if turn is None:
            rec.teams_out[on_call].enter(blown)
        else:
            turn.callbacks.append(lambda _event, i=i, on_call=on_call: handed_over(i, on_call))
            waiting.append(turn)

    def handed_over(i: int, on_call: bool) -> None:
        sent[i] = env.now
        rec.teams_out[on_call].enter(env.now)

    if waiting:
        yield env.all_of(waiting)
    reports = [start + travel for start, travel in zip(sent, travels)]
    yield env.timeout(max(reports) - env.now)
    for force, reported, idle in zip(category.forces, reports, idles):
        delay = reported - blown
        on_time = delay <= model.report_limit
        rec.report(req, force, delay, on_time, idle)
        req.reports += 1
        req.late_reports += not on_time
        req.idle_reports += idle
    any_idle = any(idles)
    rec.note(env.now, req, "on_site", env.now - blown, req.late_reports, any_idle,
             tuple(reported - blown for reported in reports))  # each force's report delay, in summoning order
    yield env.timeout(model.effort[1]() * model.pace[req.street])
    for (pool, on_call), left in zip(teams, sent):
        rec.teams_out[on_call].leave(env.now, left)
        pool.release()
    return any_idle
