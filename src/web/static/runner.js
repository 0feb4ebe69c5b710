"use strict";
// The runner page: questionnaire -> top 10 with what each shoe meets and misses; like / rate -> the
// personal feed; a shoe page, a side-by-side comparison, a list of one's likes and ratings with undo.
// Answers and the id are remembered; every failure is said next to the control that met it.

const RUNNER_KEY = "sonix.runner_id";
const FEED_SIZE = 10;
const FAMILY_CAP = 2; // versions of one model in a list, as the top 10 does
const COMPARE_MAX = 3;
const RATE_DELAY_MS = 700; // arrow keys move through the stars; the rating is sent once they rest
const BARS = [
  ["midsole_softness", "Cushioning", (v) => v + " of 10"],
  ["drop_mm", "Drop", (v) => v + " mm"],
  ["weight_g", "Weight", (v) => Math.round(v) + " g"],
  ["heel_stack_mm", "Stack", (v) => v + " mm"],
];
const REASONS = { similar_runners: "Runners like you", popular: "Popular", your_answers: "Fits your answers" };

let specs = { columns: [], shoes: {}, ranges: {} };
let results = []; // the last top 10, as the API sent it
let resultsType = "road";
let lastFeedIds = null; // the feed before the last action: what is new is marked
const compared = new Set();
const rateTimers = {};

// --- the runner id and what this browser remembers under it --------------------------------
function runnerId() {
  const id = Number.parseInt(window.localStorage.getItem(RUNNER_KEY) || "", 10);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

function newRunnerId() {
  // a fresh id well above the demo runners, so a new visitor starts with an empty history
  const id = String(1000000 + Math.floor(Math.random() * 900000000));
  window.localStorage.setItem(RUNNER_KEY, id);
  return Number(id);
}

function storeKey(kind) { return "sonix." + kind + "." + runnerId(); }
function readStored(kind, fallback) {
  try { return JSON.parse(window.localStorage.getItem(storeKey(kind))) || fallback; } catch (_) { return fallback; }
}
function writeStored(kind, value) { window.localStorage.setItem(storeKey(kind), JSON.stringify(value)); }

// {shoe_id: {brand, name, liked, stars}}: what this runner did on this page, for the list and undo
function mine() { return readStored("mine", {}); }
function updateMine(shoe, change) {
  const all = mine();
  const entry = Object.assign({ brand: shoe.brand, name: shoe.name, liked: false, stars: 0 }, all[shoe.shoe_id] || {}, change);
  if (!entry.liked && !entry.stars) delete all[shoe.shoe_id]; else all[shoe.shoe_id] = entry;
  writeStored("mine", all);
}

function showRunnerId() {
  document.getElementById("runner-id-shown").textContent = String(runnerId());
}

// --- specs ----------------------------------------------------------------------------------
function specOf(shoeId) {
  const values = specs.shoes[shoeId];
  return values ? Object.fromEntries(specs.columns.map((column, i) => [column, values[i]])) : null;
}

function widthsOf(s) {
  return ["narrow", "regular", "wide"].filter((w) => s && s["width_" + w] === 1);
}

function typeOf(shoeId) { return shoeId.startsWith("T") ? "trail" : "road"; }

function bars(shoeId) {
  const s = specOf(shoeId);
  const list = el("dl", { class: "bars" });
  if (!s) return list;
  const ranges = specs.ranges[typeOf(shoeId)] || {};
  for (const [column, label, fmt] of BARS) {
    if (s[column] == null) continue;
    const [lo, hi] = ranges[column] || [0, s[column] || 1];
    const share = hi > lo ? (s[column] - lo) / (hi - lo) : 0.5;
    const fill = el("span", { class: "fill" });
    fill.style.width = Math.round(8 + 92 * Math.max(0, Math.min(1, share))) + "%";
    list.append(el("div", { class: "bar" }, [
      el("dt", { text: label }),
      el("dd", {}, [el("span", { class: "track", "aria-hidden": "true" }, [fill]), el("span", { class: "value", text: fmt(s[column]) })]),
    ]));
  }
  return list;
}

function marks(shoeId) {
  const s = specOf(shoeId);
  const list = el("ul", { class: "marks", "aria-label": "Features" });
  if (!s) return list;
  const plate = s.plate === 2 ? "Carbon plate" : s.plate === 1 ? "Plate" : null;
  const water = s.water_resistance === 2 ? "Waterproof" : s.water_resistance === 1 ? "Water repellent" : null;
  const items = [
    [plate || "No plate", !!plate],
    [s.stability === 1 ? "Stability" : "Neutral", s.stability === 1],
    [water || "Not waterproof", !!water],
    [s.width_wide === 1 ? "Wide available" : "No wide", s.width_wide === 1],
  ];
  if (s.rock_plate === 1) items.push(["Rock plate", true]);
  for (const [text, on] of items) list.append(el("li", { class: on ? "mark on" : "mark", text: (on ? "● " : "○ ") + text }));
  return list;
}

// --- what a pick meets and misses -------------------------------------------------------------
function questionLabel(name) {
  const label = document.querySelector('label[for="q-' + name + '"]');
  return label ? label.textContent : name.replace(/_/g, " ");
}

// "pace: Fast + running_purpose: Race (weight 210 g, carbon plate)" -> runner's words and the spec
function chipText(entry) {
  const cut = entry.indexOf(" (");
  const answer = cut < 0 ? entry : entry.slice(0, cut);
  const spec = cut < 0 ? "" : entry.slice(cut + 2, entry.endsWith(")") ? -1 : undefined);
  const words = answer.split(" + ").map((pair) => {
    const [q, ...a] = pair.split(": ");
    const words = questionLabel(q);
    return words + (words.endsWith("?") ? " " : ": ") + a.join(": ");
  }).join(" and ");
  return [words, spec];
}

// "not met: responsiveness 8 of 10; met: racer, …": the specs that missed stand out
function specText(spec) {
  const node = el("span", { class: "spec" }, [" · "]);
  const cut = spec.startsWith("not met: ") ? spec.indexOf("; met: ") : -1;
  if (cut < 0) { node.append(spec); return node; }
  node.append(el("strong", { text: spec.slice(0, cut) }), spec.slice(cut));
  return node;
}

function chips(item) {
  const list = el("ul", { class: "chips", "aria-label": "What it meets and misses" });
  for (const [entries, kind, glyph, word] of [[item.meets || [], "met", "✓", "meets"], [item.misses || [], "missed", "✗", "misses"]]) {
    for (const entry of entries) {
      const [words, spec] = chipText(entry);
      list.append(el("li", { class: "chip " + kind, "data-entry": entry }, [
        el("span", { class: "glyph", "aria-hidden": "true", text: glyph }),
        el("span", { class: "visually-hidden", text: word + " " }),
        el("span", { text: words }),
        spec ? specText(spec) : "",
      ]));
    }
  }
  return list;
}

// --- cards ----------------------------------------------------------------------------------
function shoeLink(shoe) {
  const link = el("button", { type: "button", class: "shoe-link", "aria-label": "Open " + shoe.brand + " " + shoe.name }, [
    el("span", { class: "brand", text: shoe.brand }), " " + shoe.name,
  ]);
  link.addEventListener("click", () => openShoe(shoe.shoe_id, link));
  return link;
}

function likeButton(shoe) {
  const liked = !!(mine()[shoe.shoe_id] || {}).liked;
  const like = el("button", { type: "button", class: "like", "aria-pressed": String(liked) });
  likeLabel(like, liked, shoe.brand + " " + shoe.name);
  like.addEventListener("click", () => toggleLike(shoe, like));
  return like;
}

// "♥ Like" shown; "Like <shoe>" read out (a pressed toggle says "pressed" itself)
function likeLabel(button, liked, label) {
  button.replaceChildren(el("span", { "aria-hidden": "true", text: liked ? "♥ " : "♡ " }), "Like",
    el("span", { class: "visually-hidden", text: " " + label }));
}

function starGroup(shoe) {
  const label = shoe.brand + " " + shoe.name;
  const current = (mine()[shoe.shoe_id] || {}).stars || 0;
  const group = el("div", { class: "stars", role: "radiogroup", "aria-label": "Rate " + label });
  for (let n = 1; n <= 5; n++) {
    const star = el("button", {
      type: "button", role: "radio", class: "star" + (n <= current ? " on" : ""), "data-stars": String(n),
      "aria-checked": String(n === current), tabindex: (current ? n === current : n === 1) ? "0" : "-1",
      "aria-label": n + " star" + (n > 1 ? "s" : ""), text: n <= current ? "★" : "☆",
    });
    star.addEventListener("click", () => { markStars(group, n, true); rate(shoe, n, group); });
    star.addEventListener("keydown", (event) => starKey(event, shoe, group, n));
    group.append(star);
  }
  return group;
}

function markStars(group, value, focus) {
  for (const star of group.querySelectorAll(".star")) {
    const n = Number(star.dataset.stars);
    star.classList.toggle("on", n <= value);
    star.textContent = n <= value ? "★" : "☆";
    star.setAttribute("aria-checked", String(n === value));
    star.tabIndex = (value ? n === value : n === 1) ? 0 : -1;
    if (focus && n === value) star.focus();
  }
}

// One tab stop; arrows move through the stars and choose (sent once they rest), Home/End jump.
function starKey(event, shoe, group, n) {
  const moves = { ArrowRight: n + 1, ArrowUp: n + 1, ArrowLeft: n - 1, ArrowDown: n - 1, Home: 1, End: 5 };
  if (!(event.key in moves)) return;
  event.preventDefault();
  const value = Math.max(1, Math.min(5, moves[event.key]));
  markStars(group, value, true);
  window.clearTimeout(rateTimers[shoe.shoe_id]);
  rateTimers[shoe.shoe_id] = window.setTimeout(() => rate(shoe, value, group), RATE_DELAY_MS);
}

function compareBox(shoe) {
  const id = "cmp-" + shoe.shoe_id;
  const box = el("input", { type: "checkbox", id, class: "compare-box" });
  box.checked = compared.has(shoe.shoe_id);
  box.addEventListener("change", () => {
    if (box.checked && compared.size >= COMPARE_MAX) {
      box.checked = false;
      setStatus("find-status", "Compare up to " + COMPARE_MAX + " shoes: untick one first.");
      return;
    }
    if (box.checked) compared.add(shoe.shoe_id); else compared.delete(shoe.shoe_id);
    updateCompareButton();
  });
  return el("span", { class: "compare-pick" }, [box, el("label", { for: id, text: "Compare" })]);
}

function updateCompareButton() {
  const button = document.getElementById("compare-open");
  button.textContent = "Compare (" + compared.size + ")";
  button.disabled = compared.size < 2;
}

// answers, not entries: a combination entry ("Race and Firm") holds two
function answered(entries) {
  return (entries || []).reduce((n, e) => n + e.split(" (")[0].split(" + ").length, 0);
}

function renderResults(shoes) {
  results = shoes;
  const list = document.getElementById("results");
  list.replaceChildren();
  document.getElementById("results-empty").hidden = shoes.length > 0;
  shoes.forEach((shoe, i) => {
    const s = specOf(shoe.shoe_id);
    const met = answered(shoe.meets), asked = met + answered(shoe.misses);
    const widths = widthsOf(s);
    list.append(el("li", { class: "card", "data-shoe-id": shoe.shoe_id }, [
      el("div", { class: "card-head" }, [
        el("span", { class: "rank", text: "#" + (i + 1) }),
        shoeLink(shoe),
        el("span", { class: "score", text: (shoe.match_score * 100).toFixed(1) + "% match" }),
      ]),
      el("p", { class: "fit muted", text: (asked ? "meets " + met + " of " + asked + " answers · " : "") +
        "widths: " + (widths.length ? widths.join(", ") : "–") }),
      chips(shoe),
      bars(shoe.shoe_id),
      marks(shoe.shoe_id),
      el("div", { class: "actions" }, [likeButton(shoe), starGroup(shoe), compareBox(shoe)]),
    ]));
  });
}

// --- the feed ---------------------------------------------------------------------------------
function familyCapped(items, n) {
  const counts = {};
  const kept = [];
  for (const item of items) {
    const s = specOf(item.shoe_id);
    const family = (s && s.family) || item.shoe_id;
    counts[family] = (counts[family] || 0) + 1;
    if (counts[family] <= FAMILY_CAP) kept.push(item);
    if (kept.length === n) break;
  }
  return kept;
}

function renderFeed(body) {
  const items = familyCapped(body.data, FEED_SIZE);
  const list = document.getElementById("feed");
  list.replaceChildren();
  const before = lastFeedIds;
  for (const item of items) {
    const isNew = before !== null && !before.has(item.shoe_id);
    list.append(el("li", { "data-shoe-id": item.shoe_id, class: isNew ? "new" : "" }, [
      shoeLink(item),
      isNew ? el("span", { class: "badge", text: "new" }) : "",
      el("p", { class: "evidence" }, [
        el("span", { class: "reason", text: (REASONS[item.reason] || item.reason) + ": " }),
        el("span", { class: "evidence-text", text: item.evidence }),
      ]),
    ]));
  }
  lastFeedIds = new Set(items.map((i) => i.shoe_id));
  const notice = document.getElementById("feed-notice");
  notice.textContent = body.notice || "";
  notice.hidden = !body.notice;
  setStatus("feed-status", items.length ? resultsType + " shoes for you, updated " + new Date().toLocaleTimeString() + "." :
    "Nothing left to suggest for " + resultsType + ".", null, "info");
}

function busy(id, on) { document.getElementById(id).setAttribute("aria-busy", String(on)); }

async function loadFeed() {
  const id = runnerId();
  busy("feed", true);
  const result = await requestJson(API_BASE + "/recommend/feed/" + id + "?type=" + resultsType + "&limit=30");
  busy("feed", false);
  if (result.ok) { renderFeed(result.body); return; }
  if (result.status === 404) {
    document.getElementById("feed").replaceChildren();
    document.getElementById("feed-notice").hidden = true;
    lastFeedIds = new Set();
    setStatus("feed-status", "Like or rate a shoe, or find your shoes, to start your feed.", null, "info");
    return;
  }
  setStatus("feed-status", "Feed not updated. " + errorText(result), loadFeed);
}

// --- likes and ratings ----------------------------------------------------------------------
function cardOf(shoeId) { return document.querySelector('#results li[data-shoe-id="' + shoeId + '"]'); }

async function toggleLike(shoe, button) {
  const id = runnerId();
  const liked = button.getAttribute("aria-pressed") === "true";
  button.disabled = true;
  const result = liked
    ? await requestJson(API_BASE + "/users/" + id + "/likes/" + shoe.shoe_id, { method: "DELETE" })
    : await requestJson(API_BASE + "/interact", { method: "POST", json: { user_id: id, shoe_id: shoe.shoe_id, action_type: "like" } });
  button.disabled = false;
  if (!result.ok) {
    setStatus("mine-status", (liked ? "Like not removed. " : "Like not saved. ") + errorText(result), () => toggleLike(shoe, button));
    button.focus();
    return;
  }
  updateMine(shoe, { liked: !liked });
  setStatus("mine-status", (liked ? "Removed your like of " : "You liked ") + shoe.brand + " " + shoe.name + ".", null, "info");
  refreshMarks(shoe.shoe_id);
  renderMine();
  await loadFeed();
}

async function rate(shoe, value, group) {
  const id = runnerId();
  window.clearTimeout(rateTimers[shoe.shoe_id]);
  group.setAttribute("aria-busy", "true");
  const result = await requestJson(API_BASE + "/interact", {
    method: "POST", json: { user_id: id, shoe_id: shoe.shoe_id, action_type: "rate", value },
  });
  group.setAttribute("aria-busy", "false");
  if (!result.ok) {
    markStars(group, (mine()[shoe.shoe_id] || {}).stars || 0, false);
    setStatus("mine-status", "Rating not saved. " + errorText(result), () => rate(shoe, value, group));
    return;
  }
  updateMine(shoe, { stars: value });
  setStatus("mine-status", "You rated " + shoe.brand + " " + shoe.name + " " + value + " of 5.", null, "info");
  renderMine();
  await loadFeed();
}

async function undo(shoeId, kind, button) {
  const id = runnerId();
  const entry = mine()[shoeId];
  button.disabled = true;
  const path = kind === "like" ? "/likes/" : "/ratings/";
  const result = await requestJson(API_BASE + "/users/" + id + path + shoeId, { method: "DELETE" });
  button.disabled = false;
  if (!result.ok) {
    setStatus("mine-status", "Not undone. " + errorText(result), () => undo(shoeId, kind, button));
    return;
  }
  updateMine({ shoe_id: shoeId, brand: entry.brand, name: entry.name }, kind === "like" ? { liked: false } : { stars: 0 });
  setStatus("mine-status", "Undone: your " + kind + " of " + entry.brand + " " + entry.name + " is gone.", null, "info");
  refreshMarks(shoeId);
  renderMine();
  document.getElementById("mine-title").focus();
  await loadFeed();
}

// The like button and stars of a card follow the list (after an undo from the list, too).
function refreshMarks(shoeId) {
  const card = cardOf(shoeId);
  if (!card) return;
  const entry = mine()[shoeId] || {};
  const like = card.querySelector(".like");
  const name = card.querySelector(".shoe-link").textContent;
  like.setAttribute("aria-pressed", String(!!entry.liked));
  likeLabel(like, !!entry.liked, name);
  markStars(card.querySelector(".stars"), entry.stars || 0, false);
}

function renderMine() {
  const all = mine();
  const list = document.getElementById("mine");
  list.replaceChildren();
  const ids = Object.keys(all);
  document.getElementById("mine-empty").hidden = ids.length > 0;
  for (const shoeId of ids) {
    const entry = all[shoeId];
    const label = entry.brand + " " + entry.name;
    const parts = [el("span", { class: "mine-name", text: label })];
    if (entry.liked) {
      parts.push(el("span", { class: "mine-what", text: "♥ liked" }));
      const b = el("button", { type: "button", class: "undo secondary", "data-kind": "like" },
        ["Undo like", el("span", { class: "visually-hidden", text: " of " + label })]);
      b.addEventListener("click", () => undo(shoeId, "like", b));
      parts.push(b);
    }
    if (entry.stars) {
      parts.push(el("span", { class: "mine-what", "aria-label": entry.stars + " of 5 stars", role: "img", text: "★".repeat(entry.stars) }));
      const b = el("button", { type: "button", class: "undo secondary", "data-kind": "rating" },
        ["Undo rating", el("span", { class: "visually-hidden", text: " of " + label })]);
      b.addEventListener("click", () => undo(shoeId, "rating", b));
      parts.push(b);
    }
    list.append(el("li", { "data-shoe-id": shoeId }, parts));
  }
}

// --- questionnaire: find, save, restore ------------------------------------------------------
function selectedType() { return document.querySelector('input[name="shoe_type"]:checked').value; }

function showQuestionsFor(type) {
  for (const div of document.querySelectorAll(".question[data-types]")) {
    const asked = div.dataset.types.split(" ").includes(type);
    div.hidden = !asked;
    div.querySelector("select").disabled = !asked;
  }
}

function answers() {
  const body = {};
  for (const select of document.querySelectorAll("#questionnaire select:enabled")) {
    if (select.value) body[select.name] = select.value;
  }
  return body;
}

function applyAnswers(saved) {
  const radio = document.querySelector('input[name="shoe_type"][value="' + saved.shoe_type + '"]');
  if (radio) radio.checked = true;
  showQuestionsFor(selectedType());
  for (const select of document.querySelectorAll("#questionnaire select")) {
    const value = (saved.answers || {})[select.name];
    select.value = value && Array.from(select.options).some((o) => o.value === value) ? value : "";
  }
}

async function find(options = {}) {
  const button = document.getElementById("find");
  const list = document.getElementById("results");
  const type = selectedType();
  const body = answers();
  button.disabled = true;
  button.textContent = "Finding…";
  list.setAttribute("aria-busy", "true");
  setStatus("find-status", "Finding your shoes…", null, "info");
  try {
    const result = await requestJson(API_BASE + "/recommend/" + type, { method: "POST", json: body });
    if (!result.ok) { setStatus("find-status", "No results. " + errorText(result), () => find(options)); return; }
    resultsType = type;
    renderResults(result.body.data);
    setStatus("find-status", result.body.data.length + " " + type + " shoes found.", null, "info");
    if (options.focus !== false) document.getElementById("results-title").focus();
    writeStored("answers", { shoe_type: type, answers: body });
    if (options.save !== false) await saveAnswers(type, body);
    await loadFeed();
  } finally {
    button.disabled = false;
    button.textContent = "Find my shoes";
    list.setAttribute("aria-busy", "false");
  }
}

async function saveAnswers(type, body) {
  const saved = await requestJson(API_BASE + "/users/" + runnerId() + "/questionnaire", {
    method: "PUT", json: { shoe_type: type, answers: body },
  });
  if (!saved.ok) {
    setStatus("find-status", "Results shown, but your answers were kept in this browser only. " + errorText(saved),
      () => saveAnswers(type, body).then(() => setStatus("find-status", "")));
  }
}

// On load: the answers saved on the service (else the copy in this browser), and their top 10.
async function restore() {
  const saved = await requestJson(API_BASE + "/users/" + runnerId() + "/questionnaire");
  let answersToUse = null;
  if (saved.ok) answersToUse = saved.body;
  else if (saved.status === 404) answersToUse = null;
  else {
    setStatus("find-status", "Your saved answers could not be read. " + errorText(saved), restore);
  }
  answersToUse = answersToUse || readStored("answers", null);
  if (answersToUse) {
    applyAnswers(answersToUse);
    await find({ focus: false, save: false });
  } else {
    await loadFeed();
  }
}

// --- shoe page and comparison -----------------------------------------------------------------
async function openShoe(shoeId, opener) {
  const panel = document.getElementById("detail");
  const body = document.getElementById("detail-body");
  panel.hidden = false;
  panel.dataset.shoeId = shoeId;
  panel.setAttribute("aria-busy", "true");
  panel.opener = opener || null;
  setStatus("detail-status", "Loading…", null, "info");
  document.getElementById("detail-title").focus();
  const [sheet, similar] = await Promise.all([
    requestJson(API_BASE + "/shoes/" + shoeId),
    requestJson(API_BASE + "/shoes/" + shoeId + "/similar?n=6"),
  ]);
  panel.setAttribute("aria-busy", "false");
  if (!sheet.ok) { body.replaceChildren(); setStatus("detail-status", errorText(sheet), () => openShoe(shoeId, opener)); return; }
  const d = sheet.body.data;
  document.getElementById("detail-title").textContent = d.brand + " " + d.name;
  const similarList = el("ul", { class: "similar" });
  for (const s of (similar.ok ? similar.body.data : [])) {
    const why = s.reason === "co_liked" ? s.co_likes + " runners liked both" : "similar specs";
    similarList.append(el("li", { "data-shoe-id": s.shoe_id }, [shoeLink(s), el("span", { class: "muted", text: " · " + why })]));
  }
  body.replaceChildren(
    el("p", { class: "muted", text: d.shoe_type + " · " + (d.release_year || "–") + " · widths: " + d.widths.join(", ") +
      " · specs " + d.spec_source }),
    el("div", { class: "detail-grid" }, [
      el("div", {}, [bars(d.shoe_id), marks(d.shoe_id)]),
      el("div", {}, [el("h3", { text: "Spec sheet" }), el("ul", { class: "spec-words" }, d.specs_in_words.map((w) => el("li", { text: w })))]),
      el("div", {}, [el("h3", { text: "Similar shoes" }), similar.ok ? similarList :
        el("p", { class: "muted", text: "Similar shoes unavailable: " + errorText(similar) })]),
    ]),
  );
  setStatus("detail-status", "");
}

function closePanel(id) {
  const panel = document.getElementById(id);
  panel.hidden = true;
  const back = panel.opener && panel.opener.isConnected ? panel.opener : document.getElementById("results-title");
  back.focus();
}

const COMPARE_ROWS = [
  ["Weight", (s) => s.weight_g != null ? Math.round(s.weight_g) + " g" : "–"],
  ["Drop", (s) => s.drop_mm + " mm"],
  ["Heel / forefoot stack", (s) => s.heel_stack_mm + " / " + s.forefoot_stack_mm + " mm"],
  ["Cushioning", (s) => s.midsole_softness + " of 10"],
  ["Plate", (s) => ["none", "nylon/TPU", "carbon"][s.plate] || "–"],
  ["Stability", (s) => (s.stability === 1 ? "guided" : "neutral")],
  ["Water", (s) => ["none", "water repellent", "waterproof"][s.water_resistance] || "–"],
  ["Widths", (s) => widthsOf(s).join(", ") || "–"],
];

function openCompare() {
  const picks = results.filter((r) => compared.has(r.shoe_id));
  const head = el("tr", {}, [el("th", { scope: "col", text: "spec" }), ...picks.map((p) => el("th", { scope: "col", text: p.brand + " " + p.name }))]);
  const rows = COMPARE_ROWS.map(([label, fmt]) => el("tr", {}, [
    el("th", { scope: "row", text: label }), ...picks.map((p) => el("td", { text: specOf(p.shoe_id) ? fmt(specOf(p.shoe_id)) : "–" })),
  ]));
  rows.push(el("tr", {}, [el("th", { scope: "row", text: "Your answers" }),
    ...picks.map((p) => el("td", { text: "meets " + answered(p.meets) + ", misses " + answered(p.misses) }))]));
  rows.push(el("tr", {}, [el("th", { scope: "row", text: "Match" }),
    ...picks.map((p) => el("td", { text: (p.match_score * 100).toFixed(1) + "%" }))]));
  const table = el("table", { id: "compare-table" }, [el("thead", {}, [head]), el("tbody", {}, rows)]);
  document.getElementById("compare-body").replaceChildren(table);
  const panel = document.getElementById("compare");
  panel.hidden = false;
  panel.opener = document.getElementById("compare-open");
  document.getElementById("compare-title").focus();
}

// --- settings: another id, forget me ----------------------------------------------------------
async function switchId(event) {
  event.preventDefault();
  const input = document.getElementById("runner-id");
  const id = Number.parseInt(input.value, 10);
  if (!/^[0-9]+$/.test(input.value) || !Number.isSafeInteger(id) || id < 1) {
    setStatus("switch-status", "Runner id: a whole number above 0.");
    input.focus();
    return;
  }
  window.localStorage.setItem(RUNNER_KEY, String(id));
  input.value = "";
  document.getElementById("switch-form").hidden = true;
  document.getElementById("switch-open").setAttribute("aria-expanded", "false");
  setStatus("switch-status", "Now using runner id " + id + ".", null, "info");
  startOver();
  await restore();
}

async function forgetMe() {
  const button = document.getElementById("forget-yes");
  button.disabled = true;
  const old = runnerId();
  const result = await requestJson(API_BASE + "/users/" + old, { method: "DELETE" });
  button.disabled = false;
  if (!result.ok) { setStatus("forget-status", "Not forgotten. " + errorText(result), forgetMe); return; }
  window.localStorage.removeItem(storeKey("mine"));
  window.localStorage.removeItem(storeKey("answers"));
  newRunnerId();
  document.getElementById("forget-confirm").hidden = true;
  startOver();
  setStatus("forget-status", "Runner " + old + " is forgotten: " + result.body.deleted.events +
    " events erased. You now have a new id.", null, "info");
  document.getElementById("forget-open").focus();
  await loadFeed();
}

function startOver() {
  showRunnerId();
  results = [];
  lastFeedIds = null;
  compared.clear();
  updateCompareButton();
  renderResults([]);
  renderMine();
  document.getElementById("questionnaire").reset();
  showQuestionsFor(selectedType());
}

async function loadSpecs() {
  const result = await requestJson("/web/specs.json");
  if (result.ok) { specs = result.body; return; }
  setStatus("find-status", "Spec bars and widths are unavailable. " + errorText(result), () =>
    loadSpecs().then(() => { if (specs.columns.length) { setStatus("find-status", ""); renderResults(results); } }));
}

document.addEventListener("DOMContentLoaded", async () => {
  if (!runnerId()) newRunnerId();
  showRunnerId();
  for (const radio of document.querySelectorAll('input[name="shoe_type"]')) {
    radio.addEventListener("change", () => {
      showQuestionsFor(selectedType());
      resultsType = selectedType(); // the feed follows the road/trail choice
      lastFeedIds = null;
      loadFeed();
    });
  }
  showQuestionsFor(selectedType());
  document.getElementById("questionnaire").addEventListener("submit", (event) => { event.preventDefault(); find(); });
  document.getElementById("switch-open").addEventListener("click", () => {
    const form = document.getElementById("switch-form");
    form.hidden = !form.hidden;
    document.getElementById("switch-open").setAttribute("aria-expanded", String(!form.hidden));
    if (!form.hidden) document.getElementById("runner-id").focus();
  });
  document.getElementById("switch-form").addEventListener("submit", switchId);
  document.getElementById("forget-open").addEventListener("click", () => {
    document.getElementById("forget-confirm").hidden = false;
    document.getElementById("forget-no").focus();
  });
  document.getElementById("forget-no").addEventListener("click", () => {
    document.getElementById("forget-confirm").hidden = true;
    document.getElementById("forget-open").focus();
  });
  document.getElementById("forget-yes").addEventListener("click", forgetMe);
  document.getElementById("detail-close").addEventListener("click", () => closePanel("detail"));
  document.getElementById("compare-close").addEventListener("click", () => closePanel("compare"));
  document.getElementById("compare-open").addEventListener("click", openCompare);
  renderMine();
  await loadSpecs();
  await restore();
  document.body.dataset.ready = "true";
});
