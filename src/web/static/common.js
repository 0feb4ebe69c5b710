"use strict";
// Prefix of the public API (questionnaire, interactions, feed, health). One place to change it.
const API_BASE = "/v1";

// A JSON request; resolves to {ok, status, body} and never throws: a network failure (service
// stopped, connection lost) is {ok: false, status: 0}. Error bodies are RFC 9457 problems
// ({"detail": ..., "errors": [...]}).
async function requestJson(path, options = {}) {
  const headers = Object.assign({ Accept: "application/json" }, options.headers || {});
  if (options.json !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, {
      method: options.method || "GET",
      headers,
      body: options.json !== undefined ? JSON.stringify(options.json) : undefined,
      cache: "no-store",
    });
  } catch (_) {
    return { ok: false, status: 0, body: null };
  }
  let body = null;
  try { body = await response.json(); } catch (_) { body = null; }
  return { ok: response.ok, status: response.status, body };
}

function errorText(result) {
  if (result.status === 0) return "The service did not answer: it may be stopped, or the connection is down.";
  const detail = result.body && result.body.detail;
  let text = "request failed (HTTP " + result.status + ")";
  if (typeof detail === "string") text = detail;
  else if (Array.isArray(detail)) text = detail.map((d) => (d.loc || []).slice(1).join(".") + ": " + d.msg).join("; ");
  if (result.status === 401 || result.status === 403) {
    return "This service asks for a key for this (HTTP " + result.status + "): " + text;
  }
  if (result.status === 429) return "Too many requests: wait a moment and retry. (" + text + ")";
  if (result.status >= 500) return "The service could not do this right now (HTTP " + result.status + "): " + text;
  return text;
}

function showMessage(text) {
  const box = document.getElementById("message");
  box.textContent = text || "";
  box.hidden = !text;
}

// A status line next to a control (role=status): text, and a Retry button when `retry` is given.
function setStatus(id, text, retry, kind) {
  const box = document.getElementById(id);
  if (!box) return;
  box.replaceChildren();
  box.className = "status" + (text ? " " + (kind || (retry ? "error" : "info")) : "");
  if (!text) return;
  box.append(el("span", { text }));
  if (retry) {
    const again = el("button", { type: "button", class: "retry", text: "Retry" });
    again.addEventListener("click", retry);
    box.append(" ", again);
  }
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
