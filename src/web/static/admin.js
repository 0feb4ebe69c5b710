"use strict";
// The operator dashboard. The admin token lives in sessionStorage only (this tab, until closed).

const TOKEN_KEY = "sonix.admin_token";
const REFRESH_MS = 10000;
const SERIES_POINTS = 60;
let refreshTimer = null;
let previousTraffic = null;
let downSince = null;
let lastWorkerPid = null;
const series = []; // {t, rps, p99, eps}
const reportUrls = {};

function token() { return window.sessionStorage.getItem(TOKEN_KEY); }

function adminRequest(path, options = {}) {
  return requestJson(path, Object.assign({}, options, { headers: { Authorization: "Bearer " + token() } }));
}

// --- human numbers and times --------------------------------------------------------------------
function age(seconds) {
  if (seconds == null || Number.isNaN(seconds)) return "–";
  if (seconds < 120) return Math.max(0, Math.round(seconds)) + " s";
  if (seconds < 7200) return Math.round(seconds / 60) + " min";
  if (seconds < 172800) return (seconds / 3600).toFixed(1) + " h";
  return (seconds / 86400).toFixed(1) + " d";
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
function pad(n) { return String(n).padStart(2, "0"); }
function clock(date) { return pad(date.getHours()) + ":" + pad(date.getMinutes()) + ":" + pad(date.getSeconds()); }

// "20:15:02" today, "3 Dec 20:15" before; ISO in, local time out
function when(iso) {
  if (!iso) return "–";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  const today = new Date();
  if (date.toDateString() === today.toDateString()) return clock(date);
  return date.getDate() + " " + MONTHS[date.getMonth()] + " " + pad(date.getHours()) + ":" + pad(date.getMinutes());
}

function secondsSince(iso) { return iso ? (Date.now() - Date.parse(iso)) / 1000 : null; }
function fixed(value, digits) { return value == null ? "–" : Number(value).toFixed(digits); }
function row(cells) { return el("tr", {}, cells.map((c) => el("td", { text: c == null ? "–" : String(c) }))); }
function shortVersion(label) { return label ? "v" + String(label).replace(/^v0*/, "") : "–"; }

// --- serving, processes, CT -------------------------------------------------------------------
function historyRow(version, history) {
  return (history.rebuilds || []).find((r) => r.version === version) || null;
}

// One quality figure per version: the gate's NDCG@10 of that version when it was the candidate,
// on the rebuild's held-out slice; else (the first full build) the training protocol's.
function cfQuality(info, history) {
  const rebuilt = historyRow(info.version, history);
  if (rebuilt && rebuilt.candidate_ndcg != null) {
    return "NDCG@10 " + fixed(rebuilt.candidate_ndcg, 4) + " (quality gate, this rebuild's held-out slice)";
  }
  const m = info.metrics || {};
  return "NDCG@10 " + fixed(m.ndcg, 4) + " (training protocol, held-out split)";
}

function renderServing(status, health, history) {
  const body = document.querySelector("#serving tbody");
  body.replaceChildren();
  for (const [pipeline, info] of Object.entries(status.serving)) {
    if (!info) { body.append(row([pipeline, "not loaded", null, null])); continue; }
    const m = info.metrics || {};
    let figures;
    let seconds = info.age_s;
    if (pipeline === "cf") {
      figures = cfQuality(info, history) + " · " + (info.n_users ?? "–") + " runners · " + (info.mode || "");
      const rebuilt = historyRow(info.version, history);
      if (rebuilt) seconds = secondsSince(rebuilt.created_at); // from the store: survives restarts
    } else {
      figures = "MAE " + fixed(m.final_mae, 4) + " (held-out reconstruction) · silhouette " + fixed(m.silhouette, 3);
    }
    body.append(row([pipeline, pipeline === "cf" ? info.version : info.version, age(seconds), figures]));
  }
  document.getElementById("serving-caption").textContent =
    "answered by worker " + health.worker_pid + " · store " + health.store + " · " + health.status;
}

// Every live process of every replica (from their heartbeats in the store) and the CF version it serves.
function renderProcesses(status) {
  const body = document.querySelector("#processes tbody");
  body.replaceChildren();
  for (const p of status.processes || []) {
    body.append(row([p.role, p.host + ":" + p.pid, p.state, p.cf_version, age(p.age_s) + " ago"]));
  }
}

function renderCt(status, history) {
  const ct = status.ct || {};
  const text = document.getElementById("ct-text");
  if (ct.error) { text.textContent = "store unreachable: " + ct.error; return; }
  const [pending, threshold] = (ct.progress || "0/1").split("/").map(Number);
  const bar = document.getElementById("ct-progress");
  bar.max = threshold; bar.value = pending;
  text.textContent = ct.progress;
  const counts = { published: 0, refused: 0, failed: 0 };
  for (const r of history.rebuilds || []) counts[r.outcome] = (counts[r.outcome] || 0) + 1;
  const total = (history.rebuilds || []).length;
  document.getElementById("rebuild-counts").textContent = total + " rebuild" + (total === 1 ? "" : "s") +
    " recorded in the store (last 50): " + counts.published + " published, " + counts.refused + " refused, " + counts.failed + " failed.";
  const last = status.last_rebuild;
  document.getElementById("last-rebuild").textContent = last
    ? "Last rebuild: " + last.outcome + " (" + last.mode + ", " + fixed(last.duration_s, 2) + " s) at " + when(last.finished_at) +
      ", " + age(secondsSince(last.finished_at)) + " ago" + (last.reason ? " · " + last.reason : "")
    : "No rebuild yet.";
}

function renderHistory(history) {
  const rows = history.rebuilds;
  const body = document.querySelector("#history tbody");
  body.replaceChildren();
  for (const r of rows.slice().reverse()) {
    const outcome = r.reason ? r.outcome + ": " + r.reason : r.outcome;
    body.append(row([r.version, when(r.created_at), r.mode, outcome, fixed(r.duration_s, 2) + " s",
      fixed(r.candidate_ndcg, 4), fixed(r.serving_ndcg, 4)]));
  }
  drawGateChart(rows, history.gate_tolerance);
}

const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text != null) node.textContent = text;
  return node;
}

function clearChart(chart) {
  for (const node of Array.from(chart.childNodes)) if (node.nodeName !== "title") node.remove();
}

// Candidate and serving NDCG@10 per version, oldest left, with the band a candidate may fall below
// serving and still pass.
function drawGateChart(rows, tolerance) {
  const chart = document.getElementById("gate-chart");
  clearChart(chart);
  const W = 640, H = 240, L = 52, R = 12, T = 12, B = 44;
  const tol = tolerance || 0;
  const values = rows.flatMap((r) => [r.candidate_ndcg, r.serving_ndcg, r.serving_ndcg == null ? null : r.serving_ndcg - tol])
    .filter((v) => v != null);
  if (!values.length) {
    chart.append(svg("text", { x: W / 2, y: H / 2, "text-anchor": "middle", class: "axis" }, "no gate figures yet"));
    return;
  }
  let lo = Math.min(...values), hi = Math.max(...values);
  if (hi - lo < 0.01) { lo -= 0.005; hi += 0.005; }
  const x = (i) => L + (rows.length === 1 ? (W - L - R) / 2 : (i * (W - L - R)) / (rows.length - 1));
  const y = (v) => T + ((hi - v) * (H - T - B)) / (hi - lo);
  // the tolerance band under the serving line
  const served = rows.map((r, i) => [i, r.serving_ndcg]).filter(([, v]) => v != null);
  if (tol > 0 && served.length) {
    const top = served.map(([i, v]) => x(i) + "," + y(v));
    const bottom = served.slice().reverse().map(([i, v]) => x(i) + "," + y(v - tol));
    if (served.length === 1) {
      const [i, v] = served[0];
      chart.append(svg("rect", { x: x(i) - 8, y: y(v), width: 16, height: y(v - tol) - y(v), class: "band" }));
    } else {
      chart.append(svg("polygon", { points: top.concat(bottom).join(" "), class: "band" }));
    }
  }
  chart.append(svg("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, class: "axis-line" }));
  chart.append(svg("line", { x1: L, y1: T, x2: L, y2: H - B, class: "axis-line" }));
  for (const v of [lo, (lo + hi) / 2, hi]) {
    chart.append(svg("text", { x: L - 6, y: y(v) + 4, "text-anchor": "end", class: "axis" }, v.toFixed(3)));
  }
  // versions on the x axis, as many as fit
  const every = Math.max(1, Math.ceil(rows.length / 10));
  rows.forEach((r, i) => {
    if (i % every !== 0 && i !== rows.length - 1) return;
    chart.append(svg("text", { x: x(i), y: H - B + 16, "text-anchor": "middle", class: "axis x-label" }, shortVersion(r.version)));
  });
  chart.append(svg("text", { x: (L + W - R) / 2, y: H - 6, "text-anchor": "middle", class: "axis" }, "CF version"));
  for (const [key, cls] of [["serving_ndcg", "serving"], ["candidate_ndcg", "candidate"]]) {
    const points = rows.map((r, i) => [i, r[key]]).filter(([, v]) => v != null);
    if (points.length > 1) {
      chart.append(svg("polyline", { points: points.map(([i, v]) => x(i) + "," + y(v)).join(" "), class: "line " + cls }));
    }
    for (const [i, v] of points) {
      const dot = svg("circle", { cx: x(i), cy: y(v), r: 4, class: "dot " + cls + " " + (rows[i].outcome || "") });
      dot.append(svg("title", {}, rows[i].version + " " + cls + " " + v.toFixed(4) + " (" + rows[i].outcome + ")"));
      chart.append(dot);
    }
  }
}

// --- traffic -------------------------------------------------------------------------------------
// The dashboard polls these itself (and probes call /health): kept out of the main table and series.
function isOwn(r) { return r.route.startsWith("/admin") || r.route === "/health" || r.route.startsWith("/health/"); }
function label(r) { return r.method + " " + (r.route === "/static/*" ? "static files" : r.route); }

function renderTraffic(current) {
  const body = document.querySelector("#traffic tbody");
  const own = document.querySelector("#traffic-own tbody");
  body.replaceChildren();
  own.replaceChildren();
  const before = {};
  if (previousTraffic) for (const r of previousTraffic.routes) before[r.method + " " + r.route] = r;
  const elapsed = previousTraffic ? current.collected_at - previousTraffic.collected_at : 0;
  let dReq = 0, dErr = 0, p99 = null;
  for (const r of current.routes) {
    const key = r.method + " " + r.route;
    if (isOwn(r)) { own.append(row([label(r), r.requests, r.errors_4xx, r.errors_5xx, r.p99_ms])); continue; }
    const old = before[key];
    const rate = elapsed > 0 ? ((r.requests - (old ? old.requests : 0)) / elapsed).toFixed(2) : "–";
    body.append(row([label(r), r.requests, rate, r.errors_4xx, r.errors_5xx, r.expected_404 ?? 0, r.p50_ms, r.p99_ms]));
    dReq += r.requests - (old ? old.requests : 0);
    dErr += r.errors_4xx + r.errors_5xx - (old ? old.errors_4xx + old.errors_5xx : 0);
    if (r.p99_ms != null) p99 = Math.max(p99 ?? 0, r.p99_ms);
  }
  if (elapsed > 0) {
    series.push({ rps: dReq / elapsed, p99, eps: dErr / elapsed });
    if (series.length > SERIES_POINTS) series.shift();
    drawSeries();
  }
  previousTraffic = current;
}

function drawSeries() {
  for (const [key, id, digits] of [["rps", "series-rps", 2], ["p99", "series-p99", 1], ["eps", "series-errors", 2]]) {
    const chart = document.getElementById(id);
    clearChart(chart);
    const values = series.map((p) => p[key] ?? 0);
    const hi = Math.max(...values, key === "eps" ? 1 : 0.001);
    const W = 300, H = 80, P = 4;
    const x = (i) => (values.length === 1 ? W / 2 : P + (i * (W - 2 * P)) / (SERIES_POINTS - 1));
    const y = (v) => H - P - (v / hi) * (H - 2 * P);
    chart.append(svg("line", { x1: 0, y1: H - P, x2: W, y2: H - P, class: "axis-line" }));
    chart.append(svg("polyline", { points: values.map((v, i) => x(i) + "," + y(v)).join(" "), class: "line " + (key === "eps" ? "candidate" : "serving") }));
    chart.append(svg("text", { x: W - P, y: 12, "text-anchor": "end", class: "axis" }, "max " + hi.toFixed(digits)));
    const last = values.length - 1; // the newest point, visible even when it is the only one
    chart.append(svg("circle", { cx: x(last), cy: y(values[last]), r: 3, class: "dot " + (key === "eps" ? "candidate" : "serving") }));
    document.getElementById(id + "-now").textContent = fixed(values[values.length - 1], digits);
  }
}

// --- overview, reports --------------------------------------------------------------------------
function renderOverview(o) {
  document.getElementById("count-runners").textContent = String(o.runners);
  document.getElementById("count-shoes").textContent = String(o.shoes);
  document.getElementById("count-today").textContent = o.likes_today == null ? "–" : String(o.likes_today + o.ratings_today);
  const all = o.likes + o.ratings;
  document.getElementById("count-split").textContent = o.likes + " / " + o.ratings +
    (all ? " (" + Math.round((100 * o.likes) / all) + "% likes)" : "");
}

async function loadReport(shoeType, version) {
  const img = document.getElementById("report-" + shoeType);
  if (!version || img.dataset.version === version) return;
  let response;
  try {
    response = await fetch("/admin/report/" + shoeType, { headers: { Authorization: "Bearer " + token() } });
  } catch (_) { return; }
  if (!response.ok) { img.alt = "No " + shoeType + " training report (HTTP " + response.status + ")"; return; }
  if (reportUrls[shoeType]) URL.revokeObjectURL(reportUrls[shoeType]);
  reportUrls[shoeType] = URL.createObjectURL(await response.blob());
  img.src = reportUrls[shoeType];
  img.dataset.version = version;
  img.alt = shoeType + " model " + version + " training report";
  document.getElementById("report-" + shoeType + "-link").href = reportUrls[shoeType];
}

// --- refresh, and saying when the service is gone -----------------------------------------------
function showDown(down) {
  const banner = document.getElementById("down-banner");
  if (down) {
    if (!downSince) downSince = new Date();
    banner.textContent = "Service unreachable since " + clock(downSince) + "; the data below is stale (last updated " +
      (document.getElementById("updated").dataset.at || "never") + "). Retrying every " + REFRESH_MS / 1000 + " s.";
  } else {
    downSince = null;
  }
  banner.hidden = !down;
}

async function refresh() {
  const [status, health, history, traffic, overview] = await Promise.all([
    adminRequest(API_BASE + "/admin/model-status"), requestJson(API_BASE + "/health"),
    adminRequest("/admin/history"), adminRequest("/admin/traffic"), adminRequest("/admin/overview"),
  ]);
  const all = [status, history, traffic, overview];
  const denied = all.find((r) => r.status === 401 || r.status === 403);
  if (denied) { forget(); showMessage(errorText(denied)); return; }
  if ([...all, health].some((r) => r.status === 0)) { showDown(true); return; }
  showDown(false);
  const failed = [status, history, traffic].find((r) => !r.ok);
  if (failed) { showMessage(errorText(failed)); return; }
  showMessage(health.ok ? "" : "health: " + errorText(health));
  document.getElementById("dashboard").hidden = false;
  document.getElementById("token-form").hidden = true;
  lastWorkerPid = (health.body || {}).worker_pid;
  renderServing(status.body, health.body || {}, history.body);
  renderProcesses(status.body);
  renderCt(status.body, history.body);
  renderHistory(history.body);
  renderTraffic(traffic.body);
  if (overview.ok) renderOverview(overview.body);
  for (const shoeType of ["road", "trail"]) {
    const info = status.body.serving[shoeType];
    loadReport(shoeType, info && info.version);
  }
  const updated = document.getElementById("updated");
  updated.dataset.at = clock(new Date());
  updated.textContent = "updated " + updated.dataset.at;
}

function start() {
  if (refreshTimer) window.clearInterval(refreshTimer);
  refresh();
  refreshTimer = window.setInterval(refresh, REFRESH_MS);
}

function forget() {
  window.sessionStorage.removeItem(TOKEN_KEY);
  if (refreshTimer) window.clearInterval(refreshTimer);
  refreshTimer = null;
  document.getElementById("dashboard").hidden = true;
  document.getElementById("token-form").hidden = false;
}

// --- reload: confirm, then count the workers that applied it -------------------------------------
// Each API worker's heartbeat says which reload generation it has applied ("serving, reload 3");
// the replica is the host of the worker that answered /health.
function reloadCount(status, generation) {
  const api = (status.processes || []).filter((p) => p.role === "api");
  const me = api.find((p) => p.pid === lastWorkerPid);
  const replica = api.filter((p) => !me || p.host === me.host);
  const done = replica.filter((p) => Number((/reload (\d+)/.exec(p.state || "") || [])[1]) >= generation);
  return [done.length, replica.length];
}

async function reload() {
  const yes = document.getElementById("reload-yes");
  yes.disabled = true;
  setStatus("reload-status", "Reloading…", null, "info");
  const result = await adminRequest(API_BASE + "/admin/reload-model", { method: "POST" });
  yes.disabled = false;
  document.getElementById("reload-confirm").hidden = true;
  document.getElementById("reload").hidden = false;
  document.getElementById("reload").focus();
  if (!result.ok) { setStatus("reload-status", "Not reloaded. " + errorText(result), reload); return; }
  const generation = result.body.generation;
  let done = 0, all = 0;
  // every worker applies it within SNAPSHOT_POLL_S and says so in its next heartbeat
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline) {
    const status = await adminRequest(API_BASE + "/admin/model-status");
    if (status.ok) [done, all] = reloadCount(status.body, generation);
    if (all && done >= all) break;
    setStatus("reload-status", "Reloading: " + done + "/" + all + " workers so far…", null, "info");
    await new Promise((resolve) => window.setTimeout(resolve, 500));
  }
  setStatus("reload-status", "Reloaded in " + done + "/" + all + " workers at " + clock(new Date()) +
    " (generation " + generation + ")" + (done < all ? "; the others have not confirmed within 30 s." : "."), null, "info");
  refresh();
}

// --- look-ups -----------------------------------------------------------------------------------
function table(caption, head, rows) {
  return el("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": caption }, [
    el("table", {}, [
      el("caption", { class: "muted", text: caption }),
      el("thead", {}, [el("tr", {}, head.map((h) => el("th", { scope: "col", text: h })))]),
      el("tbody", {}, rows.map(row)),
    ]),
  ]);
}

async function lookupRunner(event) {
  if (event) event.preventDefault();
  const id = document.getElementById("lookup-runner").value.trim();
  const out = document.getElementById("runner-result");
  setStatus("runner-status", "Looking up runner " + id + "…", null, "info");
  const result = await adminRequest("/admin/runner/" + encodeURIComponent(id));
  if (!result.ok) { out.replaceChildren(); setStatus("runner-status", errorText(result), () => lookupRunner()); return; }
  const b = result.body;
  setStatus("runner-status", "Runner " + b.user_id + ": " + b.interactions.length + " interactions, CF version " + (b.cf_version || "–") + ".", null, "info");
  const feed = b.feed && b.feed.data ? b.feed.data : [];
  out.replaceChildren(
    table("Interactions", ["shoe", "action", "stars"], b.interactions.map((i) => [i.shoe_id + " " + (i.brand || "") + " " + (i.name || ""), i.action, i.value])),
    table("Feed (" + (b.feed && b.feed.source ? b.feed.source : "none") + ")", ["shoe", "reason", "evidence"],
      feed.map((f) => [f.shoe_id + " " + f.brand + " " + f.name, f.reason, f.evidence])),
    table("Nearest runners (shared liked shoes)", ["runner", "similarity", "shared"], b.neighbours.map((n) => [n.user_id, fixed(n.similarity, 3), n.shared])),
  );
}

async function lookupShoe(event) {
  if (event) event.preventDefault();
  const id = document.getElementById("lookup-shoe").value.trim();
  const out = document.getElementById("shoe-result");
  setStatus("shoe-status", "Looking up " + id + "…", null, "info");
  const [sheet, similar] = await Promise.all([
    requestJson(API_BASE + "/shoes/" + encodeURIComponent(id)),
    requestJson(API_BASE + "/shoes/" + encodeURIComponent(id) + "/similar?n=10"),
  ]);
  if (!sheet.ok) { out.replaceChildren(); setStatus("shoe-status", errorText(sheet), () => lookupShoe()); return; }
  const d = sheet.body.data;
  setStatus("shoe-status", d.shoe_id + ": " + d.brand + " " + d.name + " (" + d.shoe_type + ", " + (d.release_year || "–") + ")", null, "info");
  const rows = similar.ok ? similar.body.data.map((s) => [s.shoe_id + " " + s.brand + " " + s.name, s.reason, s.co_likes, fixed(s.score, 3)]) : [];
  out.replaceChildren(table("Similar and co-liked shoes (CF version " + (similar.ok ? similar.body.cf_version || "–" : "–") + ")",
    ["shoe", "reason", "co-likes", "score"], rows));
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    window.sessionStorage.setItem(TOKEN_KEY, document.getElementById("admin-token").value);
    document.getElementById("admin-token").value = "";
    start();
  });
  document.getElementById("reload").addEventListener("click", () => {
    document.getElementById("reload-confirm").hidden = false;
    document.getElementById("reload").hidden = true;
    document.getElementById("reload-no").focus();
  });
  document.getElementById("reload-no").addEventListener("click", () => {
    document.getElementById("reload-confirm").hidden = true;
    document.getElementById("reload").hidden = false;
    document.getElementById("reload").focus();
  });
  document.getElementById("reload-yes").addEventListener("click", reload);
  document.getElementById("forget").addEventListener("click", () => { forget(); showMessage(""); });
  document.getElementById("runner-form").addEventListener("submit", lookupRunner);
  document.getElementById("shoe-form").addEventListener("submit", lookupShoe);
  if (token()) start();
});
