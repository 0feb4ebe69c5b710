"use strict";
// Online metrics panel (docs/online_evaluation.md): renders GET /v1/admin/online-metrics into the
// element with id "online-metrics". Self-contained: reads the admin token from the same
// sessionStorage key as admin.js, builds every node with textContent (no HTML from the response),
// refreshes every 30 s. Wiring: <section id="online-metrics"></section> and
// <script src="/static/online.js" defer></script> on the admin page (CSP: script-src 'self').

(function () {
  const TOKEN_KEY = "sonix.admin_token";
  const REFRESH_MS = 30000;

  function el(tag, text, attrs) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    return node;
  }

  function pct(x) { return x === null || x === undefined ? "–" : (100 * x).toFixed(1) + " %"; }
  function num(x, d) { return x === null || x === undefined ? "–" : Number(x).toFixed(d); }
  function ci(m, fmt) {
    if (!m || m.value === null) return "–";
    const [lo, hi] = m.ci95 || [null, null];
    return fmt(m.value) + (lo === null ? "" : " [" + fmt(lo) + ", " + fmt(hi) + "]");
  }

  function table(head, rows) {
    const t = el("table", null, { class: "online-metrics-table" });
    const tr = el("tr");
    head.forEach((h) => tr.appendChild(el("th", h)));
    t.appendChild(el("thead")).appendChild(tr);
    const body = t.appendChild(el("tbody"));
    rows.forEach((cells) => {
      const row = el("tr");
      cells.forEach((c) => row.appendChild(el("td", c)));
      body.appendChild(row);
    });
    return t;
  }

  const HEAD = ["arm", "version", "runners", "pages", "positive-feedback rate [95 % CI]", "hit rate@10",
    "hit position", "coverage", "popular-only", "cold start"];

  function metricCells(m) {
    return [m.runners, m.pages, ci(m.positive_feedback_rate, pct), ci(m.hit_rate_at_10, pct),
      ci(m.hit_position, (x) => num(x, 1)), ci(m.catalog_coverage, pct), ci(m.popular_only_share, pct),
      ci(m.cold_start_share, pct)];
  }

  function sparkline(history, arm) {
    // positive-feedback rate over time, oldest left: a tiny inline SVG, no library
    const points = history.slice().reverse().map((h) => (h.arms[arm] || {}).positive_feedback_rate)
      .map((m) => (m && m.value !== null ? m.value : null)).filter((v) => v !== null);
    if (points.length < 2) return el("span", "–");
    const w = 120, h = 24, max = Math.max(...points), min = Math.min(...points), span = max - min || 1;
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", w); svg.setAttribute("height", h);
    svg.setAttribute("aria-label", arm + " positive-feedback rate over time");
    const line = document.createElementNS(ns, "polyline");
    line.setAttribute("fill", "none"); line.setAttribute("stroke", "currentColor");
    line.setAttribute("points", points.map((v, i) =>
      (i * w / (points.length - 1)).toFixed(1) + "," + (h - 2 - (v - min) / span * (h - 4)).toFixed(1)).join(" "));
    svg.appendChild(line);
    return svg;
  }

  function render(root, data) {
    root.replaceChildren(el("h2", "Online metrics"));
    const r = data.latest;
    if (!r) {
      root.appendChild(el("p", "No report yet: the CT process computes one every ONLINE_METRICS_EVERY_S."));
      return;
    }
    root.appendChild(el("p", "Experiment " + r.experiment.name + ", last " + r.window_days + " days, computed " +
      r.computed_at + " from " + r.impressions + " pages."));
    const verdict = el("p", r.comparison.statement, { class: "online-metrics-verdict", "data-significant": String(r.comparison.significant) });
    root.appendChild(verdict);
    const armRows = Object.entries(r.arms).map(([arm, m]) => [arm, "all"].concat(metricCells(m)));
    root.appendChild(table(HEAD, armRows));
    const versionRows = (r.versions || []).map((v) => [v.arm, v.model_version].concat(metricCells(v)));
    if (versionRows.length) {
      root.appendChild(el("h3", "Per model version"));
      root.appendChild(table(HEAD, versionRows));
    }
    if ((data.history || []).length) {
      root.appendChild(el("h3", "Positive-feedback rate over time"));
      const list = el("ul");
      Object.keys(r.arms).forEach((arm) => {
        const item = el("li", arm + " ");
        item.appendChild(sparkline([{ arms: r.arms }].concat(data.history), arm));
        list.appendChild(item);
      });
      root.appendChild(list);
    }
  }

  async function refresh(root) {
    const token = window.sessionStorage.getItem(TOKEN_KEY);
    if (!token) { root.replaceChildren(el("p", "Enter the admin token to see the online metrics.")); return; }
    try {
      const response = await fetch("/v1/admin/online-metrics?history=50", { headers: { Authorization: "Bearer " + token } });
      const body = await response.json();
      if (!response.ok) { root.replaceChildren(el("p", "Online metrics: " + (body.detail || response.status))); return; }
      render(root, body);
    } catch (error) {
      root.replaceChildren(el("p", "Online metrics unavailable: " + error));
    }
  }

  function start() {
    const root = document.getElementById("online-metrics");
    if (!root) return;
    refresh(root);
    window.setInterval(() => refresh(root), REFRESH_MS);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
