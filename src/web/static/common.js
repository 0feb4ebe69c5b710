"use strict";
// Prefix of the public API (questionnaire, interactions, feed, health). One place to change it.
const API_BASE = "/v1";

// A JSON request; resolves to {ok, status, body}. Error bodies are RFC 9457 problems ({"detail": ..., "errors": [...]}).
async function requestJson(path, options = {}) {
  const headers = Object.assign({ Accept: "application/json" }, options.headers || {});
  if (options.json !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method: options.method || "GET",
    headers,
    body: options.json !== undefined ? JSON.stringify(options.json) : undefined,
  });
  let body = null;
  try { body = await response.json(); } catch (_) { body = null; }
  return { ok: response.ok, status: response.status, body };
}

function errorText(result) {
  const detail = result.body && result.body.detail;
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) return detail.map((d) => (d.loc || []).slice(1).join(".") + ": " + d.msg).join("; ");
  return "request failed (HTTP " + result.status + ")";
}

function showMessage(text) {
  const el = document.getElementById("message");
  el.textContent = text || "";
  el.hidden = !text;
}

function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}
