// The street, animated: draws GG_DATA (see animation.py) on the canvas #gg-anim, one frame per display refresh.
// Positions are in a 1000 x 480 drawing scaled to the canvas. Times are simulated minutes; a short event
// (a flash, a closure, a whistle) stays on screen at least a fraction of a real second at any speed.
(function () {
  "use strict";
  const D = GG_DATA, W = GG_WORDS, C = GG_COLOURS;
  const WIDTH = 1000, HEIGHT = 480, DAY = 1440;
  const FONT = '"gridgov CJK","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif';
  const PLACE = Object.fromEntries(D.places.map((name, index) => [name, index]));
  const BOX = {
    hotline: {x: 550, y: 34, w: 200, h: 90, label: W.hotline},
    city: {x: 790, y: 34, w: 200, h: 90, label: W.city},
    street: {x: 550, y: 156, w: 200, h: 124, label: W.street_centre},
    district: {x: 790, y: 156, w: 200, h: 124, label: W.district},
    stationed: {x: 550, y: 306, w: 200, h: 56, label: W.stationed},
    on_call: {x: 790, y: 306, w: 200, h: 56, label: W.on_call},
  };
  const BOARD = {x: 550, y: 380, w: 440, h: 96};
  const PLACE_BOX = D.places.map(name => BOX[name] || null);   // a grid's place is its own square
  const GRID_AREA = {x: 12, y: 40, w: 508, h: 432, labels: 96};   // room for squares as MAP_AREA in animation.py
  const TEAMS_STAY = 120;   // minutes teams are drawn working on site once all have reported
  const LEAD_IN = 15;       // minutes shown before a whistle when jumping to it

  const canvas = document.getElementById("gg-anim"), ctx = canvas.getContext("2d");
  const play = document.getElementById("gg-play"), speedBox = document.getElementById("gg-speed");
  const scrubber = document.getElementById("gg-day"), clock = document.getElementById("gg-clock");
  const counters = document.getElementById("gg-counters"), nextWhistle = document.getElementById("gg-whistle");
  const cells = gridCells();
  const shown = new Map();   // request id -> where its dot is drawn, eased toward where it is
  const state = {now: 0, playing: true, speed: Number(speedBox.value) * 60, last: null, snap: true};

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (_, key) => values[key]);
  }

  function gridCells() {
    const columns = Math.max(...D.grids.map(g => g[0])) + 1, rows = Math.max(...D.grids.map(g => g[1])) + 1;
    const a = GRID_AREA;
    const size = Math.min((a.w - a.labels) / columns, a.h / rows, 64);   // 64: MAX_SQUARE in animation.py
    return {size, list: D.grids.map(([col, row, community]) => ({
      x: a.x + a.labels + col * size, y: a.y + row * size, w: size * 0.9, community}))};
  }

  // a fixed spot for each request inside an area, spread evenly (the R2 low-discrepancy sequence)
  function spot(id, x, y, w, h) {
    const u = (0.5 + id * 0.7548776662) % 1, v = (0.5 + id * 0.5698402910) % 1;
    return {x: x + u * w, y: y + v * h};
  }

  function target(request, place) {
    if (place === PLACE.grid) {
      const c = cells.list[request.grid], m = Math.min(4, c.w * 0.15);
      return spot(request.id, c.x + m, c.y + m, c.w - 2 * m, c.w - 2 * m);
    }
    const b = PLACE_BOX[place], teams = place === PLACE.street ? 18 : 0;   // the street keeps a row for teams
    return spot(request.id, b.x + 10, b.y + 26, b.w - 20, b.h - 34 - teams);
  }

  function phaseAt(phases, now) {
    let low = 0, high = phases.length - 1;
    if (!phases.length || phases[0][0] > now) return null;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (phases[mid][0] <= now) low = mid; else high = mid - 1;
    }
    return phases[low];
  }

  // at least `seconds` of real time, at least `minutes` simulated
  function linger(minutes, seconds) {
    return Math.max(minutes, seconds * state.speed);
  }

  function clamp(x) {
    return Math.max(0, Math.min(1, x));
  }

  function drawLayout(counts) {
    ctx.fillStyle = "#222";
    ctx.font = "600 16px " + FONT;
    ctx.textBaseline = "alphabetic";
    const cut = D.end < D.horizon - 1 ? " " + fill(W.cut, {days: Math.round(D.end / DAY * 10) / 10}) : "";
    ctx.fillText(fill(W.title, {street: W.street, communities: D.communities, grids: D.grids.length}) + cut, 12, 24);
    drawGrids();
    arrow(520, 79, 548, 79);
    arrow(548, 218, 522, 218);
    arrow(650, 124, 650, 154);
    arrow(750, 218, 788, 218);
    arrow(890, 156, 890, 126);
    arrow(750, 79, 788, 79, true);
    for (const [name, b] of Object.entries(BOX)) {
      const depot = name === "stationed" || name === "on_call";
      ctx.fillStyle = depot ? "#f7f4ee" : "#f3f6f9";
      ctx.strokeStyle = depot ? "#c9bfa9" : "#b8c4d0";
      ctx.lineWidth = 1.2;
      roundRect(b.x, b.y, b.w, b.h, 8);
      ctx.fill();
      ctx.stroke();
      ctx.fillStyle = "#333";
      ctx.font = "600 12.5px " + FONT;
      ctx.fillText(fit(b.label, b.w - (depot ? 16 : 44)), b.x + 8, b.y + 17);
      if (name in counts) {
        ctx.textAlign = "right";
        ctx.font = "600 14px " + FONT;
        ctx.fillText(String(counts[name]), b.x + b.w - 8, b.y + 17);
        ctx.textAlign = "left";
      }
    }
    drawDepot(BOX.stationed, D.forces.stationed);
    drawDepot(BOX.on_call, D.forces.on_call);
  }

  function drawGrids() {
    const a = GRID_AREA, size = cells.size;
    ctx.font = Math.min(12.5, Math.max(9, size * 0.34)) + "px " + FONT;
    ctx.textBaseline = "middle";
    const labelled = new Set();
    for (const c of cells.list) {
      ctx.fillStyle = c.community % 2 ? "#eef3ea" : "#eaf0f6";
      ctx.strokeStyle = "#c5d0da";
      ctx.lineWidth = 1;
      ctx.fillRect(c.x, c.y, c.w, c.w);
      ctx.strokeRect(c.x + 0.5, c.y + 0.5, c.w - 1, c.w - 1);
      if (!labelled.has(c.community)) {
        labelled.add(c.community);
        ctx.fillStyle = "#555";
        ctx.fillText(fit(fill(W.community, {n: c.community + 1}), a.labels - 6), a.x, c.y + c.w / 2);
      }
    }
    ctx.textBaseline = "alphabetic";
  }

  function drawDepot(box, forces) {
    ctx.fillStyle = "#6b6355";
    ctx.font = "11px " + FONT;
    const names = forces.map(f => W.forces[f] || f);
    let line = "", y = box.y + 33;
    for (const name of names) {
      const next = line ? line + W.list_sep + name : name;
      if (ctx.measureText(next).width > box.w - 16 && line) {
        ctx.fillText(line, box.x + 8, y);
        line = name;
        y += 14;
      } else line = next;
    }
    if (line && y < box.y + box.h) ctx.fillText(line, box.x + 8, y);
  }

  function fit(text, width) {
    if (ctx.measureText(text).width <= width) return text;
    while (text.length > 1 && ctx.measureText(text + "…").width > width) text = text.slice(0, -1);
    return text + "…";
  }

  function roundRect(x, y, w, h, r) {
    ctx.beginPath();
    ctx.moveTo(x + r, y);
    ctx.arcTo(x + w, y, x + w, y + h, r);
    ctx.arcTo(x + w, y + h, x, y + h, r);
    ctx.arcTo(x, y + h, x, y, r);
    ctx.arcTo(x, y, x + w, y, r);
    ctx.closePath();
  }

  function arrow(x0, y0, x1, y1, dashed) {
    const angle = Math.atan2(y1 - y0, x1 - x0);
    ctx.strokeStyle = ctx.fillStyle = "#aab4be";
    ctx.lineWidth = 1.5;
    ctx.setLineDash(dashed ? [4, 3] : []);
    ctx.beginPath();
    ctx.moveTo(x0, y0);
    ctx.lineTo(x1, y1);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.beginPath();
    ctx.moveTo(x1, y1);
    ctx.lineTo(x1 - 7 * Math.cos(angle - 0.45), y1 - 7 * Math.sin(angle - 0.45));
    ctx.lineTo(x1 - 7 * Math.cos(angle + 0.45), y1 - 7 * Math.sin(angle + 0.45));
    ctx.fill();
  }

  // where each request is now, and the tallies the boxes and counters show
  function requestsNow(now, ease) {
    const fade = linger(360, 1.5), flash = linger(30, 0.6);
    const dots = [], counts = {hotline: 0, street: 0, district: 0, city: 0};
    const tally = {open: 0, closed: 0, solved: 0};
    for (const r of D.requests) {
      const phase = phaseAt(r.phases, now);
      if (!phase) break;   // requests come in order of raising: the rest are not raised yet
      const closed = r.closed !== null && r.closed <= now, lost = r.lost !== undefined && r.lost <= now;
      const ended = closed ? r.closed : lost ? r.lost : null;
      if (closed) {
        tally.closed++;
        tally.solved += r.solved;
      }
      if (ended === null) {
        tally.open++;
        if (phase[1] !== PLACE.grid) counts[D.places[phase[1]]]++;
      }
      if (ended !== null && now - ended >= fade) {
        shown.delete(r.id);
        continue;
      }
      const goal = target(r, phase[1]);
      let at = shown.get(r.id);
      if (state.snap) at = {x: goal.x, y: goal.y};
      else if (!at) at = target(r, PLACE.grid);   // a new dot appears in its grid, then goes where it is
      else {
        at.x += (goal.x - at.x) * ease;
        at.y += (goal.y - at.y) * ease;
      }
      shown.set(r.id, at);
      const closing = ended === null ? 0 : (now - ended) / fade;
      const colour = closed ? (r.solved ? C.solved : C.unsolved) : lost ? C.new : C[phase[2] || "new"];
      const flashes = (r.flashes || []).filter(f => f[0] <= now && now < f[0] + flash);
      dots.push({id: r.id, at, colour, closing, flash: flashes.length ? (now - flashes[0][0]) / flash : null});
    }
    return {dots, counts, tally};
  }

  // each dot in its colour; a caller's failed attempt flashes; the matter of a ringing whistle is ringed
  function drawDots(dots, ringing, clockMs) {
    const radius = Math.max(3, Math.min(5.5, cells.size * 0.1));
    for (const d of dots) {
      ctx.globalAlpha = 1 - d.closing * 0.9;
      ctx.fillStyle = d.colour;
      ctx.beginPath();
      ctx.arc(d.at.x, d.at.y, radius * (d.closing ? 1.5 - 0.5 * d.closing : 1), 0, 2 * Math.PI);
      ctx.fill();
      if (d.flash !== null) {
        ctx.globalAlpha = 1 - d.flash;
        ctx.strokeStyle = C.unsolved;
        ctx.lineWidth = 2;
        ctx.beginPath();
        ctx.arc(d.at.x, d.at.y, radius + 3 + 12 * d.flash, 0, 2 * Math.PI);
        ctx.stroke();
      }
      if (ringing.has(d.id)) {
        ctx.globalAlpha = 1;
        ctx.strokeStyle = C.whistle;
        ctx.lineWidth = 2.5;
        ctx.beginPath();
        ctx.arc(d.at.x, d.at.y, radius + 4 + 2 * Math.sin(clockMs / 140), 0, 2 * Math.PI);
        ctx.stroke();
      }
    }
    ctx.globalAlpha = 1;
  }

  function drawWhistles(now, clockMs) {
    const stay = linger(TEAMS_STAY, 1.2), ring = linger(0, 0.6), recent = linger(360, 3);
    const ringing = new Set();
    const board = [];
    D.whistles.forEach((w, i) => {
      if (w.blown > now) return;
      const done = w.on_site === null ? D.end : w.on_site;
      if (now < Math.max(done, w.blown + ring)) ringing.add(w.request);
      if (now < done + stay) drawTeams(w, i, now, done + stay);
      if (now < done + recent) board.push(w);
    });
    if (ringing.size) {
      const b = BOX.street, pulse = 0.5 + 0.5 * Math.sin(clockMs / 140);
      ctx.strokeStyle = C.whistle;
      ctx.globalAlpha = 0.45 + 0.55 * pulse;
      ctx.lineWidth = 3 + 3 * pulse;
      roundRect(b.x - 4, b.y - 4, b.w + 8, b.h + 8, 11);
      ctx.stroke();
      ctx.globalAlpha = 1;
      ctx.fillStyle = C.whistle;
      roundRect(b.x + b.w - 78, b.y - 13, 84, 22, 11);
      ctx.fill();
      ctx.fillStyle = "#fff";
      ctx.font = "700 13px " + FONT;
      ctx.textAlign = "center";
      ctx.fillText(W.whistle_badge, b.x + b.w - 36, b.y + 3);
      ctx.textAlign = "left";
    }
    drawBoard(board.slice(-4).reverse(), now);
    return ringing;
  }

  function drawTeams(w, index, now, leaves) {
    const b = BOX.street;
    w.teams.forEach(([force, onCall, arrived, late], k) => {
      const depot = onCall ? BOX.on_call : BOX.stationed;
      const list = onCall ? D.forces.on_call : D.forces.stationed;
      const from = {x: depot.x + 14 + (list.indexOf(force) + 0.5) * (depot.w - 28) / Math.max(1, list.length),
                    y: depot.y - 4};   // on the depot's edge, clear of its label
      const to = {x: b.x + 14 + ((index % 4) * 4 + k) % 12 * 15, y: b.y + b.h - 12};
      const progress = arrived === null ? Math.min(0.9, (now - w.blown) / (3 * D.limit))
        : arrived <= w.blown ? 1 : clamp((now - w.blown) / (arrived - w.blown));
      const isLate = now - w.blown > D.limit && (arrived === null ? progress < 1 : late);
      const x = from.x + (to.x - from.x) * progress, y = from.y + (to.y - from.y) * progress;
      ctx.globalAlpha = clamp((leaves - now) / linger(30, 0.4));
      ctx.fillStyle = onCall ? C.on_call : C.stationed;
      ctx.fillRect(x - 6, y - 6, 12, 12);
      ctx.strokeStyle = isLate ? C.late : "#fff";
      ctx.lineWidth = isLate ? 3 : 1;
      ctx.strokeRect(x - 6, y - 6, 12, 12);
      ctx.globalAlpha = 1;
    });
  }

  function drawBoard(whistles, now) {
    const b = BOARD;
    ctx.fillStyle = "#333";
    ctx.font = "600 12.5px " + FONT;
    const heading = fill(D.limit_is_reference ? W.board_reference : W.board, {limit: Math.round(D.limit)});
    ctx.fillText(heading, b.x, b.y + 12);
    ctx.font = "12px " + FONT;
    if (!whistles.length) {
      ctx.fillStyle = "#888";
      ctx.fillText(W.no_whistle, b.x, b.y + 32);
    }
    whistles.forEach((w, i) => {
      const y = b.y + 32 + i * 19, arrived = w.on_site !== null && w.on_site <= now;
      const values = {kind: W.kinds[w.kind] || w.kind, category: W.categories[w.category] || w.category,
        teams: w.teams.length, arrived: w.teams.filter(t => t[2] !== null && t[2] <= now).length, late: w.late,
        minutes: Math.round((arrived ? w.on_site : now) - w.blown)};
      const line = fill(arrived ? W.on_site : W.travelling, values) + (arrived && w.idle ? W.idle : "");
      const late = arrived ? w.late > 0 : now - w.blown > D.limit;
      ctx.fillStyle = late ? C.late : arrived ? C.solved : C.on_call;
      ctx.beginPath();
      ctx.arc(b.x + 5, y - 4, 4.5, 0, 2 * Math.PI);
      ctx.fill();
      ctx.fillStyle = late ? C.late : "#222";
      ctx.fillText(fit(line, b.w - 16), b.x + 15, y);
    });
  }

  function reports(now) {
    let whistles = 0, onTime = 0, late = 0;
    for (const w of D.whistles) {
      if (w.blown > now) break;
      whistles++;
      if (w.on_site !== null && w.on_site <= now) {
        late += w.late;
        onTime += w.teams.length - w.late;
      }
    }
    return {whistles, on_time: onTime, late};
  }

  function hud(now, tally) {
    const minute = Math.min(now, D.end - 1);   // at the end, the run's last minute, not a day it does not have
    const minutes = Math.floor(minute % DAY);
    const time = String(Math.floor(minutes / 60)).padStart(2, "0") + ":" + String(minutes % 60).padStart(2, "0");
    setText(clock, fill(W.clock, {day: Math.floor(minute / DAY) + 1, time}));
    setText(counters, fill(W.counters, {...tally, ...reports(now)}));
    if (document.activeElement !== scrubber) scrubber.value = (now / DAY).toFixed(2);
    setText(play, state.playing ? W.pause : W.play);
  }

  function setText(element, text) {
    if (element.textContent !== text) element.textContent = text;
  }

  function draw(clockMs, ease) {
    const scale = canvas.width / WIDTH;
    ctx.setTransform(scale, 0, 0, scale, 0, 0);
    ctx.clearRect(0, 0, WIDTH, HEIGHT);
    const {dots, counts, tally} = requestsNow(state.now, ease);
    drawLayout(counts);
    const ringing = drawWhistles(state.now, clockMs);
    drawDots(dots, ringing, clockMs);
    hud(state.now, tally);
    state.snap = false;
  }

  function frame(clockMs) {
    const seconds = state.last === null ? 0 : Math.min(0.1, (clockMs - state.last) / 1000);
    state.last = clockMs;
    if (state.playing) {
      state.now = Math.min(D.end, state.now + seconds * state.speed);
      if (state.now >= D.end) state.playing = false;
    }
    draw(clockMs, 1 - Math.exp(-seconds / 0.15));
    requestAnimationFrame(frame);
  }

  function resize() {
    const root = document.getElementById("gg-root");
    const others = root.offsetHeight - canvas.offsetHeight;
    const width = Math.max(320, Math.min(root.clientWidth - 12, (window.innerHeight - others - 8) * WIDTH / HEIGHT));
    const ratio = window.devicePixelRatio || 1;
    canvas.style.width = width + "px";
    canvas.style.height = width * HEIGHT / WIDTH + "px";
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(width * HEIGHT / WIDTH * ratio);
  }

  function seek(minute) {
    state.now = Math.max(0, Math.min(D.end, minute));
    state.snap = true;
  }

  play.addEventListener("click", () => {
    if (!state.playing && state.now >= D.end) seek(0);
    state.playing = !state.playing;
  });
  speedBox.addEventListener("change", () => { state.speed = Number(speedBox.value) * 60; });
  scrubber.addEventListener("input", () => seek(Number(scrubber.value) * DAY));
  nextWhistle.addEventListener("click", () => {
    const next = D.whistles.find(w => w.blown - LEAD_IN > state.now + 0.5);
    if (!next) return;
    seek(next.blown - LEAD_IN);
    speedBox.value = String(D.speeds[0]);
    state.speed = D.speeds[0] * 60;
    state.playing = true;
  });
  window.addEventListener("resize", resize);
  resize();
  requestAnimationFrame(frame);
})();
