// Alerts (filter, acknowledge, resolve, details, silenced or a link to silence one) and the site policy editor. Talks to /api/alerts and /api/policies;
// every value from the server goes into the page as text, never as markup.
"use strict";

const $ = (id) => document.getElementById(id);

// A time with its zone, in the browser's zone ("30 Nov 2026, 12:00:00 GMT+1").
function formatTime(value) {
  return new Date(value).toLocaleString(undefined, {
    year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short",
  });
}

function cell(row, text) {
  const td = document.createElement("td");
  td.textContent = text ?? "";
  row.appendChild(td);
  return td;
}

async function problemText(response) {
  try {
    const problem = await response.json();
    if (problem.errors) {
      return Object.entries(problem.errors).map(([field, messages]) => `${field}: ${messages.join(" ")}`).join("; ");
    }
    return problem.detail || problem.title || `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status}`;
  }
}

// A change made with the session cookie carries the antiforgery token of GET /api/session.
async function changeHeaders() {
  const response = await fetch("/api/session");
  const session = response.ok ? await response.json() : {};
  return { "Content-Type": "application/json", "X-CSRF-TOKEN": session.csrfToken ?? "" };
}

// The outcome of the last action (or its refusal) stays in the status line after the list is read again.
async function loadAlerts(message) {
  const query = new URLSearchParams();
  for (const name of ["site", "class", "state"]) {
    const value = $(`filter-${name}`).value.trim();
    if (value) query.set(name, value);
  }
  const response = await fetch(`/api/alerts?${query}`);
  if (!response.ok) {
    $("alerts-status").textContent = await problemText(response);
    return;
  }
  const alerts = await response.json();
  const body = $("alerts").querySelector("tbody");
  body.replaceChildren();
  for (const alert of alerts) {
    const row = document.createElement("tr");
    row.className = alert.silencedBy ? `${alert.state} silenced` : alert.state;
    row.dataset.alert = alert.id;
    row.dataset.state = alert.state;
    row.dataset.silenced = alert.silencedBy ? "true" : "false";
    cell(row, alert.silencedBy ? `${alert.state} · silenced` : alert.state).title = alert.silencedBy ? `Notifications held back by silence ${alert.silencedBy}` : "";
    cell(row, alert.class);
    cell(row, alert.severity);
    cell(row, alert.siteId);
    cell(row, alert.agentId);
    cell(row, alert.probeId);
    cell(row, alert.cause);
    cell(row, formatTime(alert.startedAt));
    cell(row, alert.summary);
    const actions = cell(row, "");
    actions.appendChild(button("Details", () => showDetails(alert.id)));
    if (alert.state === "firing") actions.appendChild(button("Acknowledge", () => act(alert.id, "acknowledge")));
    if (alert.state !== "resolved") actions.appendChild(button("Resolve", () => act(alert.id, "resolve")));
    if (alert.state !== "resolved" && !alert.silencedBy) actions.appendChild(silenceLink(alert));
    body.appendChild(row);
  }
  $("alerts-status").textContent = `${typeof message === "string" ? message + " · " : ""}${alerts.length} alert(s)`;
}

function button(text, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = text;
  b.addEventListener("click", onClick);
  return b;
}

// To the silences page, with this alert's site, agent, probe and cause filled in.
function silenceLink(alert) {
  const a = document.createElement("a");
  a.className = "silence-link";
  a.textContent = "Silence…";
  const query = new URLSearchParams();
  for (const [name, value] of [["site", alert.siteId], ["agent", alert.agentId], ["probe", alert.probeId], ["cause", alert.cause]]) {
    if (value) query.set(name, value);
  }
  a.href = `/silences?${query}`;
  return a;
}

async function act(id, action) {
  const comment = action === "acknowledge" ? window.prompt("Comment (optional)") || undefined : undefined;
  const response = await fetch(`/api/alerts/${id}/${action}`, {
    method: "POST",
    headers: await changeHeaders(),
    body: JSON.stringify({ comment }),
  });
  await loadAlerts(response.ok ? `${action}d` : await problemText(response));
}

async function showDetails(id) {
  const response = await fetch(`/api/alerts/${id}`);
  if (!response.ok) return;
  const details = await response.json();
  $("details-title").textContent = details.alert.summary;
  $("details-description").textContent = details.alert.description;
  const history = $("details-history");
  history.replaceChildren(...details.history.map((h) => {
    const li = document.createElement("li");
    li.textContent = `${formatTime(h.at)} ${h.event}${h.actor ? " by " + h.actor : ""}${h.detail ? ": " + h.detail : ""}`;
    return li;
  }));
  const deliveries = $("details-deliveries");
  deliveries.replaceChildren(...details.notifications.map((n) => {
    const li = document.createElement("li");
    li.textContent = `${n.channel} ${n.action}: ${n.status} after ${n.attempts} attempt(s)${n.lastError ? " (" + n.lastError + ")" : ""}`;
    if (n.status !== "delivered") li.className = "error";
    return li;
  }));
  $("alert-details").hidden = false;
}

async function loadPolicy(event) {
  event?.preventDefault();
  const site = $("policy-site").value.trim();
  const response = await fetch(`/api/policies/${encodeURIComponent(site)}`);
  $("policy-errors").replaceChildren();
  if (!response.ok) {
    $("policy-info").textContent = await problemText(response);
    return;
  }
  const current = await response.json();
  $("policy-text").value = JSON.stringify(current.policy, null, 2);
  $("policy-text").dataset.version = current.version;
  $("policy-info").textContent = current.isDefault
    ? "This site uses the default policy (not saved yet)."
    : `Version ${current.version}, saved ${formatTime(current.createdAt)}${current.createdBy ? " by " + current.createdBy : ""}.`;
}

async function sendPolicy(save) {
  const site = $("policy-site").value.trim();
  const headers = await changeHeaders();
  if (save) headers["If-Match"] = `"${$("policy-text").dataset.version ?? 0}"`;
  const response = await fetch(save ? `/api/policies/${encodeURIComponent(site)}` : "/api/policies/validate", {
    method: save ? "PUT" : "POST",
    headers,
    body: $("policy-text").value,
  });
  const list = $("policy-errors");
  list.replaceChildren();
  if (response.ok) {
    $("policy-info").textContent = save ? "Saved." : "The policy is valid.";
    if (save) await loadPolicy();
    return;
  }
  const problem = await response.json().catch(() => ({}));
  const errors = problem.errors ?? { request: [problem.detail || problem.title || `HTTP ${response.status}`] };
  for (const [field, messages] of Object.entries(errors)) {
    const li = document.createElement("li");
    const code = document.createElement("code");
    code.textContent = field;
    li.append(code, `: ${messages.join(" ")}`);
    list.appendChild(li);
  }
  $("policy-info").textContent = "Not saved: fix the fields below.";
}

document.addEventListener("DOMContentLoaded", () => {
  const params = new URLSearchParams(window.location.search);
  if (params.get("site")) {
    $("filter-site").value = params.get("site");
    $("policy-site").value = params.get("site");
  }
  $("filters").addEventListener("submit", (e) => { e.preventDefault(); loadAlerts(); });
  $("policy-load").addEventListener("submit", loadPolicy);
  $("policy-validate").addEventListener("click", () => sendPolicy(false));
  $("policy-save").addEventListener("click", () => sendPolicy(true));
  loadAlerts();
  if (params.get("alert")) showDetails(params.get("alert"));
  setInterval(() => loadAlerts(), 15000);
});
