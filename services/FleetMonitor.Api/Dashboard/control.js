// Sites, their probe definitions (validated inline as they are edited, with the next runs), templates, enrolment tokens
// and agents with the schedule version they applied. Talks to /api/sites, /api/templates and the enrolment routes;
// every value from the server goes into the page as text, never as markup.
"use strict";

const $ = (id) => document.getElementById(id);
let csrfToken = "";

function cell(row, text, className) {
  const td = document.createElement("td");
  td.textContent = text ?? "";
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

// Times carry their zone: the reader's, named ("CET", "GMT+1"), so a time read aloud over the phone is not misread.
const timeFormat = new Intl.DateTimeFormat(undefined, {
  year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short",
});

function when(value) {
  const d = value ? new Date(value) : null;
  return d && !Number.isNaN(d.getTime()) ? timeFormat.format(d) : "";
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

async function send(method, url, body) {
  return fetch(url, {
    method,
    headers: { "Content-Type": "application/json", "X-CSRF-TOKEN": csrfToken },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const site = () => $("site").value;
const siteUrl = (path) => `/api/sites/${encodeURIComponent(site())}${path}`;

async function loadSites() {
  const response = await fetch("/api/sites");
  if (!response.ok) {
    $("site-info").textContent = await problemText(response);
    return;
  }
  const sites = await response.json();
  const wanted = new URLSearchParams(window.location.search).get("site");
  $("site").replaceChildren(...sites.map((s) => {
    const option = document.createElement("option");
    option.value = s.id;
    option.textContent = `${s.name} (${s.id})`;
    option.selected = s.id === wanted;
    return option;
  }));
  $("site-info").textContent = `${sites.length} site(s)`;
  await loadSite();
}

async function loadSite() {
  if (!site()) return;
  await Promise.all([loadDefinitions(), loadTemplates(), loadTokens(), loadAgents()]);
}

async function loadDefinitions() {
  const response = await fetch(siteUrl("/definitions"));
  const body = $("definition-rows");
  if (!response.ok) {
    body.replaceChildren();
    return;
  }
  const definitions = await response.json();
  body.replaceChildren(...definitions.map((d) => {
    const row = document.createElement("tr");
    row.dataset.definition = d.id;
    cell(row, d.id);
    cell(row, d.kind);
    cell(row, d.target);
    cell(row, d.cron ? `${d.cron} (${d.timeZone})` : `every ${d.intervalSeconds} s`);
    cell(row, `${d.timeoutSeconds} s`);
    cell(row, String(d.version));
    cell(row, d.templateId ?? "");
    cell(row, d.enabled ? d.nextFireTimes.slice(0, 3).map(when).join(", ") : "disabled", "next");
    const actions = cell(row, "");
    const edit = document.createElement("button");
    edit.type = "button";
    edit.textContent = "Edit";
    edit.addEventListener("click", () => fillEditor(d));
    actions.appendChild(edit);
    return row;
  }));
}

function fillEditor(d) {
  $("def-id").value = d.id;
  $("def-kind").value = d.kind;
  $("def-target").value = d.target;
  $("def-interval").value = d.intervalSeconds ?? "";
  $("def-cron").value = d.cron ?? "";
  $("def-zone").value = d.timeZone;
  $("def-timeout").value = d.timeoutSeconds;
  $("def-parameters").value = JSON.stringify(d.parameters);
  $("def-enabled").checked = d.enabled;
  showErrors({});
}

function number(id) {
  const text = $(id).value.trim();
  return text === "" ? undefined : Number(text);
}

function editorBody() {
  let parameters;
  try {
    parameters = JSON.parse($("def-parameters").value || "{}");
  } catch {
    return { error: "Parameters must be a JSON object such as {\"tls\":\"true\"}." };
  }
  return {
    body: {
      kind: $("def-kind").value,
      target: $("def-target").value.trim(),
      intervalSeconds: number("def-interval"),
      cron: $("def-cron").value.trim() || undefined,
      timeZone: $("def-zone").value.trim() || undefined,
      timeoutSeconds: number("def-timeout"),
      parameters,
      enabled: $("def-enabled").checked,
    },
  };
}

// Each error goes beside its field (parameters.x beside the parameters); the rest in the list below the form.
function showErrors(errors) {
  for (const field of document.querySelectorAll("#editor .field")) {
    field.classList.remove("invalid");
    field.querySelector(".field-error").textContent = "";
  }
  const rest = [];
  for (const [name, messages] of Object.entries(errors)) {
    const key = name.startsWith("parameters.") ? "parameters" : name;
    const field = $(`field-${key}`);
    if (field) {
      field.classList.add("invalid");
      const slot = field.querySelector(".field-error");
      slot.textContent = `${slot.textContent} ${key === name ? "" : name + ": "}${messages.join(" ")}`.trim();
    } else {
      rest.push([name, messages]);
    }
  }
  $("def-errors").replaceChildren(...rest.map(([name, messages]) => {
    const li = document.createElement("li");
    const code = document.createElement("code");
    code.textContent = name;
    li.append(code, `: ${messages.join(" ")}`);
    return li;
  }));
}

async function submitDefinition(save) {
  const id = $("def-id").value.trim();
  const { body, error } = editorBody();
  $("def-next").textContent = "";
  if (error) {
    showErrors({ parameters: [error] });
    return;
  }
  if (!id) {
    showErrors({ id: ["An id is required."] });
    return;
  }
  const url = siteUrl(`/definitions/${encodeURIComponent(id)}${save ? "" : "/validate"}`);
  const response = await send(save ? "PUT" : "POST", url, body);
  if (response.ok) {
    showErrors({});
    const result = await response.json();
    const next = save ? result.definition.nextFireTimes : result;
    $("def-next").textContent = `${save ? "Saved, version " + result.definition.version + "." : "Valid."} Next runs: ${next.slice(0, 5).map(when).join(", ")}`;
    if (save) await loadDefinitions();
    return;
  }
  const problem = await response.json().catch(() => ({}));
  showErrors(problem.errors ?? { request: [problem.detail || problem.title || `HTTP ${response.status}`] });
}

async function loadTemplates() {
  const response = await fetch("/api/templates");
  if (!response.ok) return;
  const templates = await response.json();
  $("template-rows").replaceChildren(...templates.map((t) => {
    const row = document.createElement("tr");
    row.dataset.template = t.id;
    cell(row, t.id);
    cell(row, t.name);
    cell(row, String(t.version));
    cell(row, t.definitions.map((d) => d.id).join(", "));
    cell(row, t.variables.join(", "));
    cell(row, t.sites.join(", "));
    return row;
  }));
}

async function loadTokens() {
  const response = await fetch(siteUrl("/enrolment-tokens"));
  if (!response.ok) {
    $("token-rows").replaceChildren();
    $("token-info").textContent = response.status === 403 ? "Enrolment tokens are for admins." : await problemText(response);
    return;
  }
  const tokens = await response.json();
  $("token-rows").replaceChildren(...tokens.map((t) => {
    const row = document.createElement("tr");
    row.dataset.token = t.id;
    cell(row, t.id);
    cell(row, when(t.expiresAt), "expires");
    cell(row, `${t.uses} of ${t.maxUses}`);
    cell(row, t.revokedAt ? "revoked" : new Date(t.expiresAt) < new Date() ? "expired" : t.uses >= t.maxUses ? "used up" : "usable");
    const actions = cell(row, "");
    if (!t.revokedAt) {
      const revoke = document.createElement("button");
      revoke.type = "button";
      revoke.textContent = "Revoke";
      revoke.addEventListener("click", async () => {
        const r = await send("DELETE", siteUrl(`/enrolment-tokens/${encodeURIComponent(t.id)}`));
        $("token-info").textContent = r.ok ? "Revoked." : await problemText(r);
        await loadTokens();
      });
      actions.appendChild(revoke);
    }
    return row;
  }));
}

async function createToken(event) {
  event.preventDefault();
  const response = await send("POST", siteUrl("/enrolment-tokens"), { expiresInHours: number("token-hours"), maxUses: number("token-uses") });
  if (!response.ok) {
    $("token-info").textContent = await problemText(response);
    return;
  }
  const created = await response.json();
  $("new-token").textContent = created.token;
  $("token-info").textContent = "Give this token to the agent's enrol command; it is not shown again.";
  await loadTokens();
}

async function loadAgents() {
  const response = await fetch(siteUrl("/enrolled-agents"));
  if (!response.ok) {
    $("agent-rows").replaceChildren();
    $("agents-info").textContent = response.status === 403 ? "The agent list is for admins." : await problemText(response);
    return;
  }
  const agents = await response.json();
  $("agent-rows").replaceChildren(...agents.map((a) => {
    const row = document.createElement("tr");
    row.dataset.agent = a.agentId;
    cell(row, a.agentId);
    cell(row, a.hostname ?? "");
    cell(row, when(a.enrolledAt));
    cell(row, a.appliedScheduleVersion == null ? "none reported" : String(a.appliedScheduleVersion), "applied");
    cell(row, a.scheduleError ?? "", a.scheduleError ? "error" : "");
    cell(row, when(a.reportedAt), "reported");
    cell(row, a.revokedAt ? "revoked" : "active");
    return row;
  }));
  $("agents-info").textContent = `${agents.length} agent(s)`;
}

document.addEventListener("DOMContentLoaded", async () => {
  const session = await (await fetch("/api/session")).json();
  csrfToken = session.csrfToken;
  $("site").addEventListener("change", loadSite);
  $("def-validate").addEventListener("click", () => submitDefinition(false));
  $("def-save").addEventListener("click", () => submitDefinition(true));
  $("token-form").addEventListener("submit", createToken);
  await loadSites();
  setInterval(() => { if (site()) Promise.all([loadDefinitions(), loadAgents()]); }, 15000);
});
