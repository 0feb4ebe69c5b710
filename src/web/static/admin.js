"use strict";
// The operator dashboard. The admin token lives in sessionStorage only (this tab, until closed).

const TOKEN_KEY = "sonix.admin_token";
const REFRESH_MS = 10000;
let refreshTimer = null;
let previousTraffic = null;
const reportUrls = {};

function token() { return window.sessionStorage.getItem(TOKEN_KEY); }

function adminRequest(path, options = {}) {
  return requestJson(path, Object.assign({}, options, { headers: { Authorization: "Bearer " + token() } }));
}

function age(seconds) {
  if (seconds == null) return "–";
  if (seconds < 120) return Math.round(seconds) + " s";
  if (seconds < 7200) return Math.round(seconds / 60) + " min";
  if (seconds < 172800) return (seconds / 3600).toFixed(1) + " h";
  return (seconds / 86400).toFixed(1) + " d";
}

function fixed(value, digits) { return value == null ? "–" : Number(value).toFixed(digits); }

function row(cells) { return el("tr", {}, cells.map((c) => el("td", { text: c == null ? "–" : String(c) }))); }

// A snapshot published by the worker that answers may lack created_at in memory: use its history row.
function ageFromHistory(version, history) {
  const row = (history.rebuilds || []).find((r) => r.version === version);
  return row && row.created_at ? (Date.now() - Date.parse(row.created_at)) / 1000 : null;
}

function renderServing(status, health, history) {
  const body = document.querySelector("#serving tbody");
  body.replaceChildren();
  for (const [pipeline, info] of Object.entries(status.serving)) {
    if (!info) { body.append(row([pipeline, "not loaded", null, null])); continue; }
    const m = info.metrics || {};
    const figures = pipeline === "cf"
      ? "NDCG@10 " + fixed(m.ndcg, 4) + " · " + (info.n_users ?? "–") + " runners · " + (info.mode || "")
      : "loss " + fixed(m.final_loss, 4) + " · MAE " + fixed(m.final_mae, 4) + " · silhouette " + fixed(m.silhouette, 3);
    const seconds = info.age_s ?? (pipeline === "cf" ? ageFromHistory(info.version, history) : null);
    body.append(row([pipeline, info.version, age(seconds), figures]));
  }
  document.getElementById("serving-caption").textContent =
    "answered by worker " + health.worker_pid + " · store " + health.store + " · " + health.status;
}

// Every live process of every replica (from their heartbeats in the store) and the CF version it serves.
function renderProcesses(status) {
  const body = document.querySelector("#processes tbody");
  body.replaceChildren();
  for (const p of status.processes || []) {
    body.append(row([p.role, p.host + ":" + p.pid, p.state, p.cf_version, age(p.age_s)]));
  }
}

function renderCt(status) {
  const ct = status.ct || {};
  const text = document.getElementById("ct-text");
  if (ct.error) { text.textContent = "store unreachable: " + ct.error; return; }
  const [pending, threshold] = (ct.progress || "0/1").split("/").map(Number);
  const bar = document.getElementById("ct-progress");
  bar.max = threshold; bar.value = pending;
  text.textContent = ct.progress + " · " + ct.rebuilds_claimed + " rebuilds so far";
  const last = status.last_rebuild;
  document.getElementById("last-rebuild").textContent = last
    ? "Last rebuild: " + last.outcome + " (" + last.mode + ", " + fixed(last.duration_s, 2) + " s, " + last.finished_at + ")" +
      (last.reason ? " · " + last.reason : "")
    : "No rebuild yet.";
}

function renderHistory(history) {
  const rows = history.rebuilds;
  const body = document.querySelector("#history tbody");
  body.replaceChildren();
  for (const r of rows.slice().reverse()) {
    const outcome = r.reason ? r.outcome + ": " + r.reason : r.outcome;
    body.append(row([r.version, r.created_at, r.mode, outcome, fixed(r.duration_s, 2) + " s",
      fixed(r.candidate_ndcg, 4), fixed(r.serving_ndcg, 4)]));
  }
  drawGateChart(rows);
}

const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

// Candidate and serving NDCG@10 per rebuild, oldest left: a line each, points where known.
function drawGateChart(rows) {
  const chart = document.getElementById("gate-chart");
  for (const node of Array.from(chart.childNodes)) if (node.nodeName !== "title") node.remove();
  const W = 640, H = 220, L = 48, R = 12, T = 12, B = 28;
  const values = rows.flatMap((r) => [r.candidate_ndcg, r.serving_ndcg]).filter((v) => v != null);
  if (!values.length) {
    chart.append(svg("text", { x: W / 2, y: H / 2, "text-anchor": "middle", class: "axis" })).textContent = "no gate figures yet";
    return;
  }
  let lo = Math.min(...values), hi = Math.max(...values);
  if (hi - lo < 0.01) { lo -= 0.005; hi += 0.005; }
  const x = (i) => L + (rows.length === 1 ? (W - L - R) / 2 : (i * (W - L - R)) / (rows.length - 1));
  const y = (v) => T + ((hi - v) * (H - T - B)) / (hi - lo);
  chart.append(svg("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, class: "axis-line" }));
  chart.append(svg("line", { x1: L, y1: T, x2: L, y2: H - B, class: "axis-line" }));
  for (const v of [lo, (lo + hi) / 2, hi]) {
    const label = svg("text", { x: L - 6, y: y(v) + 4, "text-anchor": "end", class: "axis" });
    label.textContent = v.toFixed(3);
    chart.append(label);
  }
  for (const [key, cls] of [["serving_ndcg", "serving"], ["candidate_ndcg", "candidate"]]) {
    const points = rows.map((r, i) => [i, r[key]]).filter(([, v]) => v != null);
    if (points.length > 1) {
      chart.append(svg("polyline", { points: points.map(([i, v]) => x(i) + "," + y(v)).join(" "), class: "line " + cls }));
    }
    for (const [i, v] of points) {
      const dot = svg("circle", { cx: x(i), cy: y(v), r: 4, class: "dot " + cls + " " + (rows[i].outcome || "") });
      const tip = svg("title", {});
      tip.textContent = rows[i].version + " " + cls + " " + v.toFixed(4);
      dot.append(tip);
      chart.append(dot);
    }
  }
}

function renderTraffic(current) {
  const body = document.querySelector("#traffic tbody");
  body.replaceChildren();
  const before = {};
  if (previousTraffic) for (const r of previousTraffic.routes) before[r.method + " " + r.route] = r.requests;
  const elapsed = previousTraffic ? current.collected_at - previousTraffic.collected_at : 0;
  for (const r of current.routes) {
    const key = r.method + " " + r.route;
    const rate = elapsed > 0 && key in before ? ((r.requests - before[key]) / elapsed).toFixed(2) : "–";
    body.append(row([key, r.requests, rate, r.errors_4xx, r.errors_5xx, r.p50_ms, r.p90_ms, r.p99_ms]));
  }
  previousTraffic = current;
}

async function loadReport(shoeType, version) {
  const img = document.getElementById("report-" + shoeType);
  if (!version || img.dataset.version === version) return;
  const response = await fetch("/admin/report/" + shoeType, { headers: { Authorization: "Bearer " + token() } });
  if (!response.ok) { img.alt = "No " + shoeType + " training report (HTTP " + response.status + ")"; return; }
  if (reportUrls[shoeType]) URL.revokeObjectURL(reportUrls[shoeType]);
  reportUrls[shoeType] = URL.createObjectURL(await response.blob());
  img.src = reportUrls[shoeType];
  img.dataset.version = version;
  img.alt = shoeType + " model " + version + " training report";
}

async function refresh() {
  const [status, health, history, traffic] = await Promise.all([
    adminRequest(API_BASE + "/admin/model-status"), requestJson(API_BASE + "/health"),
    adminRequest("/admin/history"), adminRequest("/admin/traffic"),
  ]);
  const denied = [status, history, traffic].find((r) => r.status === 401 || r.status === 403);
  if (denied) { forget(); showMessage(errorText(denied)); return; }
  const failed = [status, history, traffic].find((r) => !r.ok);
  if (failed) { showMessage(errorText(failed)); return; }
  showMessage(health.ok ? "" : "health: " + errorText(health));
  document.getElementById("dashboard").hidden = false;
  document.getElementById("token-form").hidden = true;
  renderServing(status.body, health.body || {}, history.body);
  renderProcesses(status.body);
  renderCt(status.body);
  renderHistory(history.body);
  renderTraffic(traffic.body);
  for (const shoeType of ["road", "trail"]) {
    const info = status.body.serving[shoeType];
    loadReport(shoeType, info && info.version);
  }
  document.getElementById("updated").textContent = "updated " + new Date().toLocaleTimeString();
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

async function reload() {
  const button = document.getElementById("reload");
  button.disabled = true;
  const result = await adminRequest(API_BASE + "/admin/reload-model", { method: "POST" });
  button.disabled = false;
  showMessage(result.ok ? "" : errorText(result));
  if (result.ok) document.getElementById("updated").textContent = "reloaded (generation " + result.body.generation + ")";
  refresh();
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    window.sessionStorage.setItem(TOKEN_KEY, document.getElementById("admin-token").value);
    document.getElementById("admin-token").value = "";
    start();
  });
  document.getElementById("reload").addEventListener("click", reload);
  document.getElementById("forget").addEventListener("click", () => { forget(); showMessage(""); });
  if (token()) start();
});
