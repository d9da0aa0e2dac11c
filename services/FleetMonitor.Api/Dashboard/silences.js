// Silences and maintenance windows: list (active, pending, ended, expired), create one with each error of the Api
// shown beside its field, expire one. Talks to /api/silences; every value from the server goes in as text.
"use strict";

const $ = (id) => document.getElementById(id);
const matchers = [["siteId", "silence-site", "site"], ["agentId", "silence-agent", "agent"], ["probeId", "silence-probe", "probe"], ["class", "silence-class", "class"], ["cause", "silence-cause", "cause"]];

// A time with its zone, in the browser's zone ("30 Nov 2026, 12:00:00 GMT+1").
function formatTime(value) {
  return new Date(value).toLocaleString(undefined, {
    year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short",
  });
}

function cell(row, text, className) {
  const td = document.createElement("td");
  td.textContent = text ?? "";
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

async function problemOf(response) {
  try {
    return await response.json();
  } catch {
    return { title: `HTTP ${response.status}` };
  }
}

async function session() {
  const response = await fetch("/api/session");
  return response.ok ? await response.json() : {};
}

function stateOf(entry, now) {
  const s = entry.silence;
  if (s.expiredAt) return "expired";
  if (entry.active) return "active";
  if (s.endsAt && new Date(s.endsAt) <= now) return "ended";
  if (new Date(s.startsAt) > now) return "pending";
  return "between-windows";
}

function describeWhen(s) {
  const until = s.endsAt ? ` until ${formatTime(s.endsAt)}` : "";
  if (s.cron) {
    return `cron ${s.cron} (UTC), ${Math.round((s.durationSeconds ?? 0) / 60)} min after each firing, from ${formatTime(s.startsAt)}${until}`;
  }
  return `${formatTime(s.startsAt)} to ${formatTime(s.endsAt)}`;
}

async function loadSilences(message) {
  const response = await fetch("/api/silences");
  if (!response.ok) {
    const problem = await problemOf(response);
    showStatus(problem.detail || problem.title, true);
    return;
  }
  const entries = await response.json();
  const now = new Date();
  const showAll = $("show-expired").checked;
  const rows = [];
  for (const entry of entries) {
    const s = entry.silence;
    const state = stateOf(entry, now);
    if (!showAll && (state === "expired" || state === "ended")) continue;
    const row = document.createElement("tr");
    row.className = `silence ${state}`;
    row.dataset.silence = s.id;
    row.dataset.state = state;
    cell(row, state === "expired" ? `expired ${formatTime(s.expiredAt)}` : state, "state");
    cell(row, matchers.filter(([field]) => s[field]).map(([field, , label]) => `${label}=${s[field]}`).join(", "), "matches");
    cell(row, describeWhen(s), "when");
    cell(row, s.comment, "comment");
    cell(row, `${s.createdBy}, ${formatTime(s.createdAt)}`, "created");
    const actions = cell(row, "");
    if (state !== "expired" && state !== "ended") {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = "Expire";
      b.addEventListener("click", () => expire(s.id));
      actions.appendChild(b);
    }
    rows.push(row);
  }
  $("silence-rows").replaceChildren(...rows);
  if (typeof message === "string") showStatus(message, false);
}

function showStatus(text, isError) {
  const status = $("silence-status");
  status.textContent = text;
  status.classList.toggle("error", isError);
}

// "" -> left out; a date-time typed in the browser's zone -> ISO 8601 UTC with its offset.
function valueOf(id) {
  const value = $(id).value.trim();
  return value === "" ? undefined : value;
}

function timeOf(id) {
  const value = valueOf(id);
  if (value === undefined) return undefined;
  const date = new Date(value);
  // An unreadable date goes as typed: the Api names the field.
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

function requestBody() {
  const body = {};
  for (const [field, id] of matchers) body[field] = valueOf(id);
  body.startsAt = timeOf("silence-starts");
  body.endsAt = timeOf("silence-ends");
  if ($("kind-recurring").checked) {
    body.cron = valueOf("silence-cron");
    const duration = valueOf("silence-duration");
    body.durationMinutes = duration !== undefined && /^\d+$/.test(duration) ? Number(duration) : duration;
  }
  body.comment = valueOf("silence-comment");
  return body;
}

// Each error beside its field; what belongs to no field in the list below the form.
function showErrors(errors) {
  for (const field of document.querySelectorAll("#silence-form .field")) {
    field.classList.remove("invalid");
    field.querySelector(".field-error").textContent = "";
  }
  const rest = [];
  for (const [name, messages] of Object.entries(errors)) {
    const field = $(`field-${name}`);
    if (field) {
      field.classList.add("invalid");
      field.querySelector(".field-error").textContent = messages.join(" ");
    } else {
      rest.push([name, messages]);
    }
  }
  $("silence-errors").replaceChildren(...rest.map(([name, messages]) => {
    const li = document.createElement("li");
    const code = document.createElement("code");
    code.textContent = name;
    li.append(code, `: ${messages.join(" ")}`);
    return li;
  }));
}

async function create(event) {
  event.preventDefault();
  const { csrfToken } = await session();
  const response = await fetch("/api/silences", {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRF-TOKEN": csrfToken ?? "" },
    body: JSON.stringify(requestBody()),
  });
  if (response.ok) {
    const created = await response.json();
    showErrors({});
    $("silence-form").reset();
    showKind();
    await loadSilences(`Silence created (${created.active ? "active now" : "not active yet"}).`);
    return;
  }
  const problem = await problemOf(response);
  if (response.status === 400 && problem.errors) {
    showErrors(problem.errors);
    showStatus("Not created: fix the fields marked.", true);
  } else {
    showErrors({});
    showStatus(`Refused: ${problem.detail || problem.title || `HTTP ${response.status}`}`, true);
  }
}

async function expire(id) {
  const { csrfToken } = await session();
  const response = await fetch(`/api/silences/${encodeURIComponent(id)}`, { method: "DELETE", headers: { "X-CSRF-TOKEN": csrfToken ?? "" } });
  if (response.ok) {
    await loadSilences("Silence expired.");
  } else {
    const problem = await problemOf(response);
    await loadSilences();
    showStatus(`Refused: ${problem.detail || problem.title || `HTTP ${response.status}`}`, true);
  }
}

function showKind() {
  const recurring = $("kind-recurring").checked;
  for (const field of document.querySelectorAll("#silence-form .field.recurring")) field.hidden = !recurring;
}

document.addEventListener("DOMContentLoaded", async () => {
  $("local-zone").textContent = Intl.DateTimeFormat().resolvedOptions().timeZone;
  // A link from an alert fills in what to match (?site=&agent=&probe=&class=&cause=).
  const params = new URLSearchParams(window.location.search);
  for (const [, id, name] of matchers) {
    if (params.get(name)) $(id).value = params.get(name);
  }
  for (const radio of document.querySelectorAll("input[name=silence-kind]")) radio.addEventListener("change", showKind);
  showKind();
  $("silence-form").addEventListener("submit", create);
  $("show-expired").addEventListener("change", () => loadSilences());
  const me = await session();
  if (me.role === "viewer") {
    const note = $("role-note");
    note.textContent = `Signed in as ${me.name} with the role viewer: only an operator or an admin may create or expire silences.`;
    note.hidden = false;
  }
  await loadSilences();
  setInterval(() => loadSilences(), 15000);
});
