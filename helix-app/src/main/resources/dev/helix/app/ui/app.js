// The Helix dashboard: polls the JSON endpoints of `helix ui` and draws the session.
// Everything from the ledger is put on the page as text (textContent, SVG <title>), never as markup:
// descriptions are written by a proposer and may be hostile.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const POLL_MS = 1500;
const SESSIONS_MS = 5000; // new sessions and forks appear in the picker
const STATUSES = ["baseline", "keep", "discard", "crash", "rejected", "stale", "interrupted", "verify"];

const params = new URLSearchParams(location.search);
const state = {
  token: params.get("token") || "",
  tag: decodeURIComponent((location.hash.match(/tag=([^&]+)/) || [])[1] || ""),
  linked: Number((location.hash.match(/run=(\d+)/) || [])[1] ?? NaN), // #tag=T&run=N: a link to one experiment
  version: "",
  session: null,
  selected: null,   // run number shown in the detail
  pinned: null,     // an experiment kept for the side-by-side: {run, data}
  clockSkew: 0,     // server time minus ours, for the workers' elapsed time
  sessionsAt: 0,
};

function api(path, query) {
  const q = new URLSearchParams(query || {});
  if (state.token) q.set("token", state.token);
  return fetch(path + "?" + q.toString(), {cache: "no-store"}).then(r => {
    if (!r.ok) return r.json().catch(() => ({})).then(b => { throw new Error(b.error || ("HTTP " + r.status)); });
    return r.json();
  });
}

// An element with attributes and children; strings become text nodes.
function el(name, attrs, ...children) {
  const node = document.createElement(name);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
  return node;
}

function svg(name, attrs, ...children) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
  return node;
}

function fmt(v) {
  if (v === null || v === undefined || v === "") return "–";
  if (typeof v !== "number") return String(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e5 || a < 1e-3 ? v.toExponential(3) : String(Number(v.toPrecision(5)));
}

function duration(s) {
  s = Math.max(0, Math.round(s));
  if (s < 60) return s + "s";
  if (s < 3600) return Math.floor(s / 60) + "m" + String(s % 60).padStart(2, "0") + "s";
  return Math.floor(s / 3600) + "h" + String(Math.floor(s % 3600 / 60)).padStart(2, "0") + "m";
}

// ---- sessions --------------------------------------------------------------------------------

function loadSessions() {
  state.sessionsAt = Date.now();
  return api("/api/sessions").then(list => {
    const select = document.getElementById("session");
    const tags = list.sessions.map(s => s.tag);
    if (!state.tag || !tags.includes(state.tag)) state.tag = list.latest || tags[tags.length - 1] || "";
    const options = list.sessions.map(s => {
      const label = s.tag + (s.fork_of ? "  (fork of " + s.fork_of + ")" : "") + (s.running ? "  • running" : "");
      const o = el("option", {value: s.tag}, label);
      if (s.tag === state.tag) o.selected = true;
      return o;
    });
    select.replaceChildren(...options);
  });
}

document.getElementById("session").addEventListener("change", e => {
  state.tag = e.target.value;
  state.version = "";
  state.selected = null;
  state.pinned = null;
  history.replaceState(null, "", location.pathname + location.search + "#tag=" + encodeURIComponent(state.tag));
  document.getElementById("detail").hidden = true;
  document.getElementById("compare").hidden = true;
  poll(true);
});

// ---- the live loop ---------------------------------------------------------------------------

let timer = null;

function poll(now) {
  clearTimeout(timer);
  const next = () => { timer = setTimeout(() => poll(false), POLL_MS); };
  const sessions = (!state.tag || Date.now() - state.sessionsAt > SESSIONS_MS) ? loadSessions() : Promise.resolve();
  sessions.then(() => {
    if (!state.tag) { setState("no sessions yet", false); return null; }
    return api("/api/session", {tag: state.tag, version: now ? "" : state.version});
  }).then(s => {
    setConnection("");
    if (s && !s.unchanged) {
      state.version = s.version;
      state.session = s;
      state.clockSkew = Date.parse(s.now) - Date.now();
      render(s);
    } else if (state.session) {
      renderWorkers(state.session);
    }
  }).catch(err => {
    // The session may be restarting, or helix ui itself: keep trying.
    setConnection("offline, retrying: " + err.message);
  }).finally(next);
}

function setState(text, running) {
  const s = document.getElementById("state");
  s.textContent = text;
  s.className = "state" + (running ? " running" : "");
}

function setConnection(text) {
  document.getElementById("connection").textContent = text;
}

// ---- rendering -------------------------------------------------------------------------------

function render(s) {
  setState(s.running ? "running" : "not running", s.running);
  document.title = "Helix · " + s.tag;
  renderSummary(s);
  const stop = document.getElementById("stop");
  stop.hidden = s.running || !s.stop_reason;
  stop.textContent = s.stop_reason ? "Stopped: " + s.stop_reason : "";
  renderWorkers(s);
  renderChart(s);
  const w = document.getElementById("warnings");
  w.hidden = !s.warnings.length;
  w.textContent = s.warnings.join("\n");
  if (state.selected !== null && s.points.some(p => p.run === state.selected)) markSelected();
  if (!isNaN(state.linked) && s.points.some(p => p.run === state.linked)) {
    const run = state.linked;
    state.linked = NaN;
    select(run);
  }
}

function renderSummary(s) {
  const c = s.counts;
  const card = (label, value) => el("div", {class: "card"}, el("div", {class: "label"}, label), el("div", {class: "value"}, value));
  const gain = (s.baseline !== undefined && s.best !== undefined && s.baseline !== 0)
    ? " (" + ((s.best - s.baseline) / Math.abs(s.baseline) * 100).toFixed(1) + "%)" : "";
  document.getElementById("summary").replaceChildren(
    card("experiments", c.experiments + (c.attempts !== c.experiments ? " (" + c.attempts + " records)" : "")),
    card("kept", c.kept), card("discarded", c.discarded), card("crashed", c.crashed), card("rejected", c.rejected),
    ...(c.stale ? [card("stale", c.stale)] : []), ...(c.interrupted ? [card("interrupted", c.interrupted)] : []),
    card("baseline " + s.metric.name, fmt(s.baseline)),
    card("best " + s.metric.name, fmt(s.best) + gain + (s.best_run !== undefined ? "  #" + s.best_run : "")),
    card("cost", "$" + (s.cost_usd || 0).toFixed(2)
      + (s.cost_per_kept_usd !== undefined ? " ($" + s.cost_per_kept_usd.toFixed(2) + " per keep)" : "")
      + (s.tokens ? ", " + s.tokens.toLocaleString("en-US") + " tokens" : "")),
    ...(s.final ? [finalCard(s.final)] : []));
}

// What helix finalize found: shown once it ran, as a card of its own.
function finalCard(f) {
  return el("div", {class: "card final " + (f.confirmed ? "confirmed" : "unconfirmed"), id: "final-card", title: f.summary},
    el("div", {class: "label"}, "finalized"),
    el("div", {class: "value"}, (f.confirmed ? "gain confirmed" : "gain NOT confirmed") + ", "
      + (f.changes - f.dropped) + " of " + f.changes + " changes stay"),
    el("div", {class: "muted"}, f.text + "; " + (f.written ? f.branch : f.branch + " not written (the checks failed)")
      + "; summary in " + f.summary));
}

function renderWorkers(s) {
  const box = document.getElementById("workers-box");
  box.hidden = !s.workers.length;
  const now = Date.now() + state.clockSkew;
  const rows = s.workers.map(w => {
    const elapsed = (now - Date.parse(w.since)) / 1000;
    const budget = w.budget_seconds;
    let bar = null;
    if (budget) {
      const fill = el("span", {});
      fill.style.width = Math.min(100, elapsed / budget * 100).toFixed(0) + "%"; // CSSOM: allowed by the page's CSP
      bar = el("span", {class: "bar" + (elapsed > budget ? " over" : "")}, fill);
    }
    return el("tr", {}, el("td", {}, w.worker), el("td", {}, "#" + w.run), el("td", {}, w.phase),
      el("td", {}, bar, duration(elapsed) + (budget ? " / " + duration(budget) : "")), el("td", {}, w.where || "–"),
      el("td", {}, w.direction || "–"));
  });
  document.querySelector("#workers tbody").replaceChildren(...rows);
}

// One chart: a value per point (null: drawn in the strip below the axis), optional lines.
function chart(points, value, opts) {
  const W = 960, H = opts.height || 340, L = 64, R = 16, T = 14, B = 40;
  const values = points.map(value).filter(v => typeof v === "number" && isFinite(v));
  const refs = (opts.lines || []).map(l => l.y).filter(v => typeof v === "number");
  let lo = Math.min(...values, ...refs), hi = Math.max(...values, ...refs);
  if (!values.length && !refs.length) { lo = 0; hi = 1; }
  if (lo === hi) { lo -= Math.abs(lo) * 0.1 || 1; hi += Math.abs(hi) * 0.1 || 1; }
  const pad = (hi - lo) * 0.06;
  lo = lo >= 0 && lo - pad < 0 ? 0 : lo - pad; // a metric that cannot go negative keeps its axis at 0
  hi += pad;
  const n = Math.max(points.length - 1, 1);
  const x = i => L + (W - L - R) * i / n;
  const y = v => T + (H - T - B) * (1 - (v - lo) / (hi - lo));
  const strip = H - B + 22;
  const root = svg("svg", {viewBox: "0 0 " + W + " " + H, id: opts.id, role: "img", "aria-label": opts.label});
  for (let k = 0; k <= 4; k++) {
    const v = lo + (hi - lo) * k / 4;
    root.append(svg("line", {class: "grid", x1: L, x2: W - R, y1: y(v), y2: y(v)}),
      svg("text", {x: L - 6, y: y(v) + 4, "text-anchor": "end"}, fmt(v)));
  }
  root.append(svg("line", {class: "axis", x1: L, x2: W - R, y1: H - B, y2: H - B}));
  const step = Math.max(1, Math.ceil(points.length / 12));
  points.forEach((p, i) => { if (i % step === 0) root.append(svg("text", {x: x(i), y: H - B + 12, "text-anchor": "middle"}, "#" + p.run)); });
  for (const l of opts.lines || []) {
    if (typeof l.y !== "number") continue;
    root.append(svg("line", {class: l.cls, x1: L, x2: W - R, y1: y(l.y), y2: y(l.y)}, svg("title", {}, l.label)));
    root.append(svg("text", {x: W - R - 4, y: y(l.y) - 4, "text-anchor": "end"}, l.label));
  }
  if (opts.best) {
    let d = "";
    points.forEach((p, i) => {
      if (typeof p.best !== "number") return;
      d += (d ? " H" + x(i) + " V" + y(p.best) : "M" + x(i) + " " + y(p.best));
    });
    if (d) root.append(svg("path", {class: "best", d: d}, svg("title", {}, "best so far")));
  }
  points.forEach((p, i) => {
    const v = value(p);
    const measured = typeof v === "number" && isFinite(v);
    const c = svg("circle", {class: "point " + p.status, cx: x(i), cy: measured ? y(v) : strip, r: measured ? 5 : 4,
      "data-run": p.run, "data-index": p.index});
    c.append(svg("title", {}, "#" + p.run + " " + p.status + " " + (measured ? fmt(v) : "(no value)") + ": " + p.description));
    if (opts.clickable) c.addEventListener("click", () => select(p.run));
    root.append(c);
  });
  return root;
}

function renderChart(s) {
  const metric = s.metric.name + (s.metric.optimize ? " (" + s.metric.optimize + ")" : "");
  document.getElementById("chart-title").textContent = metric + " per experiment, best so far as a line";
  const present = new Set(s.points.map(p => p.status));
  document.getElementById("legend").replaceChildren(...STATUSES.filter(st => present.has(st))
    .map(st => el("span", {}, el("i", {class: st}), st)), el("span", {class: "muted"}, "no value: below the axis"));
  document.getElementById("chart-box").replaceChildren(chart(s.points, p => p.primary, {id: "chart", label: metric,
    best: true, clickable: true, lines: [{y: s.baseline, cls: "baseline-line", label: "baseline " + fmt(s.baseline)}]}));
  const side = [];
  if (s.guard) {
    const base = s.points.find(p => p.status === "baseline");
    const lines = base && typeof base.metrics[s.guard.name] === "number" ? [{y: base.metrics[s.guard.name], cls: "baseline-line",
      label: "baseline " + fmt(base.metrics[s.guard.name])}] : [];
    side.push(el("h2", {}, "guard: " + s.guard.name + " (" + s.guard.optimize + ", may degrade " + (s.guard.max_degradation * 100).toFixed(1) + "%)"),
      chart(s.points, p => p.metrics[s.guard.name], {id: "guard-chart", label: s.guard.name, height: 200, lines: lines}));
  }
  for (const c of s.constraints) {
    const lines = [];
    if (typeof c.max === "number") lines.push({y: c.max, cls: "limit", label: "max " + fmt(c.max)});
    if (typeof c.min === "number") lines.push({y: c.min, cls: "limit", label: "min " + fmt(c.min)});
    side.push(el("h2", {}, "constraint: " + c.name),
      chart(s.points, p => p.metrics[c.name], {id: "constraint-" + c.name, label: c.name, height: 200, lines: lines}));
  }
  if (s.holdout) {
    const h = s.holdout;
    side.push(el("h2", {}, "hold-out: " + s.metric.name + " on data the proposer never sees, at the baseline and each keep"),
      el("p", {class: h.overfitting ? "overfitting" : "muted", id: "holdout-summary"}, h.summary),
      chart(h.curve, p => p.primary, {id: "holdout-primary-chart", label: s.metric.name + " at the keeps", height: 200}),
      chart(h.curve, p => p.holdout, {id: "holdout-chart", label: "hold-out", height: 200}));
  }
  document.getElementById("side-charts").replaceChildren(...side);
}

function markSelected() {
  document.querySelectorAll("#chart .point").forEach(c => {
    const run = Number(c.getAttribute("data-run"));
    c.classList.toggle("selected", run === state.selected);
    c.classList.toggle("pinned", state.pinned !== null && run === state.pinned.run);
  });
}

// ---- one experiment ----------------------------------------------------------------------------

function select(run) {
  state.selected = run;
  history.replaceState(null, "", location.pathname + location.search + "#tag=" + encodeURIComponent(state.tag) + "&run=" + run);
  markSelected();
  const tag = state.tag;
  return api("/api/experiment", {tag: tag, run: run}).then(x => {
    if (tag !== state.tag || run !== state.selected) return;
    showDetail(x);
    showCompare(x);
  }).catch(err => {
    document.getElementById("detail").hidden = false;
    document.getElementById("detail").replaceChildren(el("p", {class: "warnings"}, "cannot load #" + run + ": " + err.message));
  });
}

function diffView(text, id) {
  const pre = el("pre", {class: "diff", id: id});
  if (!text) { pre.append("(no diff: nothing was committed, or nothing changed)"); return pre; }
  for (const line of text.replace(/\n$/, "").split("\n")) {
    const cls = line.startsWith("+++") || line.startsWith("---") || line.startsWith("diff ") ? "file"
      : line.startsWith("@@") ? "hunk" : line.startsWith("+") ? "add" : line.startsWith("-") ? "del" : null;
    pre.append(cls ? el("span", {class: cls}, line) : line + "\n");
  }
  return pre;
}

function flat(obj, prefix, out) {
  for (const [k, v] of Object.entries(obj || {})) {
    if (v && typeof v === "object" && !Array.isArray(v)) flat(v, prefix + k + ".", out);
    else out.push([prefix + k, Array.isArray(v) ? v.map(fmt).join(", ") : fmt(v)]);
  }
  return out;
}

function showDetail(x) {
  const r = x.record;
  const rows = [["description", r.description], ["hypothesis", r.hypothesis], ["verdict", r.status + ": " + (r.reason || "")],
    [state.session.metric.name, fmt(r.primary)], ["delta", r.delta !== undefined && r.delta !== null ? fmt(r.delta) + (r.delta_pct !== undefined && r.delta_pct !== null ? " (" + fmt(r.delta_pct) + "%)" : "") : null],
    ...flat(r.metrics, "metric ", []), ...flat(r.stats, "stats ", []),
    ["samples", (r.samples || []).map(fmt).join(", ")], ["incumbent samples", (r.incumbent_samples || []).map(fmt).join(", ")],
    ...flat(r.agent, "agent ", []), ["evaluation", r.eval_seconds !== undefined ? fmt(r.eval_seconds) + "s, exit " + fmt(r.exit_code) + (r.timed_out ? ", timed out" : "") : null],
    ["commit", r.commit], ["parent", r.parent], ["attempt", r.attempt], ["direction", r.direction], ["paths", (r.paths || []).join(", ")]]
    .filter(([, v]) => v !== undefined && v !== null && v !== "" && v !== "–");
  const pin = el("button", {id: "pin", type: "button"}, "Pin for side by side");
  pin.addEventListener("click", () => { state.pinned = {run: r.run, data: x}; markSelected(); showCompare(x); });
  const box = document.getElementById("detail");
  box.hidden = false;
  box.replaceChildren(
    el("h2", {}, "#" + r.run + " ", el("span", {class: "badge " + r.status}, r.status), " ", pin),
    el("dl", {}, rows.map(([k, v]) => [el("dt", {}, k), el("dd", {}, String(v))])),
    el("h3", {}, "Diff against its parent"), diffView(x.diff, "diff"),
    el("h3", {}, "Log tail"), el("pre", {class: "log", id: "log"}, x.log_tail.length ? x.log_tail.join("\n") : "(no log)"));
}

function showCompare(x) {
  const box = document.getElementById("compare");
  if (!state.pinned || state.pinned.run === x.record.run) { box.hidden = true; return; }
  const column = (d) => [el("h3", {}, "#" + d.record.run + " " + d.record.status + ": " + d.record.description), diffView(d.diff, null)];
  document.getElementById("compare-a").replaceChildren(...column(state.pinned.data));
  document.getElementById("compare-b").replaceChildren(...column(x));
  box.hidden = false;
}

poll(true);
