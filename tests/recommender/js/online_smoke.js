// Runs src/web/static/online.js against a minimal fake DOM and prints the rendered text (one line
// per element with text). Usage: node online_smoke.js <online.js> <response.json>
"use strict";
const fs = require("fs");
const [script, responsePath] = process.argv.slice(2);
const response = JSON.parse(fs.readFileSync(responsePath, "utf8"));

function makeNode(tag) {
  return {
    tag, children: [], attrs: {}, textContent: "",
    appendChild(child) { this.children.push(child); return child; },
    replaceChildren(...kids) { this.children = kids; },
    setAttribute(k, v) { this.attrs[k] = String(v); },
  };
}
const root = makeNode("section");
global.document = {
  readyState: "complete",
  createElement: makeNode,
  createElementNS: (_ns, tag) => makeNode(tag),
  getElementById: (id) => (id === "online-metrics" ? root : null),
  addEventListener() {},
};
global.window = { sessionStorage: { getItem: () => "token" }, setInterval() {} };
global.fetch = async (url, init) => {
  if (!String(url).startsWith("/v1/admin/online-metrics") || init.headers.Authorization !== "Bearer token") {
    throw new Error("unexpected request " + url);
  }
  return { ok: true, status: 200, json: async () => response };
};

function dump(node, out) {
  if (node.textContent) out.push(node.tag + ": " + node.textContent);
  if (node.tag === "polyline") out.push("polyline: " + node.attrs.points);
  node.children.forEach((c) => dump(c, out));
  return out;
}
eval(fs.readFileSync(script, "utf8"));
setTimeout(() => { console.log(dump(root, []).join("\n")); }, 50);
