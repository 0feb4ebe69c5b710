"use strict";
// The runner page: questionnaire -> top 10; like / rate -> the personal feed beside it.

const RUNNER_KEY = "sonix.runner_id";
let specs = {};

function runnerId() {
  const input = document.getElementById("runner-id");
  const id = Number.parseInt(input.value, 10);
  return Number.isInteger(id) && id > 0 ? id : null;
}

function initRunnerId() {
  const input = document.getElementById("runner-id");
  let id = window.localStorage.getItem(RUNNER_KEY);
  if (!id) {
    // A fresh id well above the demo runners, so a new visitor starts with an empty history.
    id = String(1000000 + Math.floor(Math.random() * 900000000));
    window.localStorage.setItem(RUNNER_KEY, id);
  }
  input.value = id;
  input.addEventListener("change", () => {
    if (runnerId()) { window.localStorage.setItem(RUNNER_KEY, String(runnerId())); loadFeed(); }
  });
}

function selectedType() {
  return document.querySelector('input[name="shoe_type"]:checked').value;
}

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

function specLine(shoeId) {
  const values = (specs.shoes || {})[shoeId];
  if (!values) return "";
  const s = Object.fromEntries(specs.columns.map((column, i) => [column, values[i]]));
  const parts = [];
  if (s.weight_g != null) parts.push(Math.round(s.weight_g) + " g");
  if (s.drop_mm != null) parts.push(s.drop_mm + " mm drop");
  if (s.heel_stack_mm != null) parts.push(s.heel_stack_mm + " mm stack");
  if (s.midsole_softness != null) parts.push("softness " + s.midsole_softness + "/10");
  if (s.plate === 2) parts.push("carbon plate"); else if (s.plate === 1) parts.push("plate");
  if (s.stability === 1) parts.push("stability");
  if (s.lug_depth_mm != null) parts.push(s.lug_depth_mm + " mm lugs");
  if (s.rock_plate === 1) parts.push("rock plate");
  if (s.water_resistance === 2) parts.push("waterproof"); else if (s.water_resistance === 1) parts.push("water repellent");
  const uses = ["daily", "tempo", "race"].filter((u) => s["use_" + u] === 1);
  if (uses.length) parts.push(uses.join("/"));
  return parts.join(" · ");
}

function percent(score) {
  return Math.round(Math.max(0, Math.min(1, score)) * 100) + "% match";
}

function interactionButtons(shoe) {
  const label = shoe.brand + " " + shoe.name;
  const like = el("button", { type: "button", class: "like", "aria-label": "Like " + label, text: "♥ Like" });
  like.addEventListener("click", () => interact(shoe.shoe_id, "like", undefined, like));
  const stars = el("span", { class: "stars", role: "group", "aria-label": "Rate " + label });
  for (let n = 1; n <= 5; n++) {
    const star = el("button", {
      type: "button", class: "star", "data-stars": String(n),
      "aria-label": "Rate " + label + " " + n + " star" + (n > 1 ? "s" : ""), text: "★",
    });
    star.addEventListener("click", () => interact(shoe.shoe_id, "rate", n, star));
    stars.append(star);
  }
  return el("div", { class: "actions" }, [like, stars]);
}

function renderResults(shoes) {
  const list = document.getElementById("results");
  list.replaceChildren();
  document.getElementById("results-empty").hidden = shoes.length > 0;
  for (const shoe of shoes) {
    list.append(el("li", { class: "card", "data-shoe-id": shoe.shoe_id }, [
      el("div", { class: "card-head" }, [
        el("span", { class: "brand", text: shoe.brand }),
        el("span", { class: "name", text: " " + shoe.name }),
        el("span", { class: "score", text: percent(shoe.match_score) }),
      ]),
      el("p", { class: "specs", text: specLine(shoe.shoe_id) }),
      interactionButtons(shoe),
    ]));
  }
}

const REASONS = { similar_runners: "runners like you loved it", popular: "popular with runners" };

function renderFeed(items) {
  const list = document.getElementById("feed");
  list.replaceChildren();
  for (const item of items) {
    list.append(el("li", { "data-shoe-id": item.shoe_id }, [
      el("span", { class: "brand", text: item.brand }),
      el("span", { class: "name", text: " " + item.name }),
      el("span", { class: "reason muted", text: " · " + (REASONS[item.reason] || item.reason) }),
    ]));
  }
  document.getElementById("feed-status").textContent =
    items.length ? "Updated " + new Date().toLocaleTimeString() + " for runner " + runnerId() + "." :
      "Like or rate a shoe to start your feed.";
}

async function loadFeed() {
  const id = runnerId();
  if (!id) return;
  const result = await requestJson(API_BASE + "/recommend/feed/" + id);
  if (result.ok) renderFeed(result.body.data);
  else if (result.status === 404) renderFeed([]);
  else showMessage(errorText(result));
}

async function interact(shoeId, action, value, button) {
  const id = runnerId();
  if (!id) { showMessage("runner id: enter a whole number above 0"); return; }
  button.disabled = true;
  // a like carries no value at all (the API refuses "value": null on a like)
  const body = action === "rate" ? { user_id: id, shoe_id: shoeId, action_type: action, value }
    : { user_id: id, shoe_id: shoeId, action_type: action };
  const result = await requestJson(API_BASE + "/interact", { method: "POST", json: body });
  button.disabled = false;
  if (!result.ok) { showMessage(errorText(result)); return; }
  showMessage("");
  button.setAttribute("aria-pressed", "true");
  const card = button.closest(".card");
  if (action === "rate" && card) {
    for (const star of card.querySelectorAll(".star")) {
      star.classList.toggle("on", Number(star.dataset.stars) <= value);
    }
  }
  renderFeed(result.body.data);
}

async function submitQuestionnaire(event) {
  event.preventDefault();
  const button = document.getElementById("find");
  button.disabled = true;
  const result = await requestJson(API_BASE + "/recommend/" + selectedType(), { method: "POST", json: answers() });
  button.disabled = false;
  if (!result.ok) { showMessage(errorText(result)); return; }
  showMessage("");
  renderResults(result.body.data);
}

async function loadSpecs() {
  const result = await requestJson("/web/specs.json");
  if (result.ok) specs = result.body;
}

document.addEventListener("DOMContentLoaded", () => {
  initRunnerId();
  for (const radio of document.querySelectorAll('input[name="shoe_type"]')) {
    radio.addEventListener("change", () => showQuestionsFor(selectedType()));
  }
  showQuestionsFor(selectedType());
  document.getElementById("questionnaire").addEventListener("submit", submitQuestionnaire);
  loadSpecs();
  loadFeed();
});
