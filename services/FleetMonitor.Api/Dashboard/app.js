// FleetMonitor NOC dashboard: polls the fleet endpoints and renders the latest state per site, agent and probe.
// Data only ever reaches the page through textContent, never as markup.
'use strict';

(() => {
  const REFRESH_MS = 5000;
  const TIMEOUT_MS = 4000;
  const OUTCOMES = ['ok', 'degraded', 'failed', 'error'];
  // The measurement shown per row: the first of these the probe reported, else the first by name.
  const KEY_MEASUREMENTS = ['mos', 'loss_ratio', 'rtt_ms', 'jitter_ms', 'connect_ms', 'handshake_ms', 'response_ms', 'lookup_ms'];
  const COLUMNS = 9;

  let lastUpdated = null;
  let clockSkewMs = 0; // server clock minus this browser's clock, from the Date header

  const byId = (id) => document.getElementById(id);

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  async function getJson(url, signal) {
    const response = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store', signal });
    if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
    const date = Date.parse(response.headers.get('Date') ?? '');
    // The Date header has whole seconds: only correct a skew that is clearly real.
    if (!Number.isNaN(date) && Math.abs(date - Date.now()) > 5000) clockSkewMs = date - Date.now();
    return response.json();
  }

  const pad = (n) => String(n).padStart(2, '0');

  function formatTime(iso) {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return '';
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  }

  function ago(iso) {
    const then = Date.parse(iso);
    if (Number.isNaN(then)) return '';
    const seconds = Math.max(0, Math.round((Date.now() + clockSkewMs - then) / 1000));
    if (seconds < 60) return `${seconds} s ago`;
    if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
    if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min ago`;
    return `${Math.floor(seconds / 86400)} d ${Math.floor((seconds % 86400) / 3600)} h ago`;
  }

  function formatValue(name, value) {
    if (typeof value !== 'number') return String(value);
    if (name.endsWith('_ratio')) return `${(value * 100).toFixed(1)} %`;
    if (name.endsWith('_ms')) return `${value.toFixed(value < 10 ? 1 : 0)} ms`;
    return Number.isInteger(value) ? String(value) : value.toFixed(2);
  }

  function keyMeasurement(measurements) {
    if (!measurements || typeof measurements !== 'object') return '';
    const names = Object.keys(measurements).sort();
    if (names.length === 0) return '';
    const name = KEY_MEASUREMENTS.find((n) => Object.hasOwn(measurements, n)) ?? names[0];
    return `${name} ${formatValue(name, measurements[name])}`;
  }

  function outcomeBadge(outcome, error) {
    const known = OUTCOMES.includes(outcome);
    const badge = el('span', `outcome ${known ? `outcome-${outcome}` : 'outcome-unknown'}`, outcome);
    if (error) badge.title = error;
    return badge;
  }

  function countsText(outcomes) {
    return OUTCOMES.filter((o) => outcomes && outcomes[o] > 0).map((o) => `${outcomes[o]} ${o}`).join(' · ') || 'no results yet';
  }

  function probeRow(state) {
    const row = el('tr', 'probe');
    row.dataset.agent = state.agentId;
    row.dataset.probe = state.probeId;
    row.dataset.outcome = state.outcome;
    row.append(el('td', 'probe-id', state.probeId));
    row.append(el('td', 'kind', state.kind));
    row.append(el('td', 'target', state.target));
    const outcome = el('td', 'outcome-cell');
    outcome.append(outcomeBadge(state.outcome, state.error));
    row.append(outcome);
    const findings = el('td', 'findings');
    const codes = Array.isArray(state.findings) ? state.findings : [];
    if (codes.length === 0) findings.append(el('span', 'muted', '—'));
    for (const code of codes) findings.append(el('span', 'finding', code));
    if (state.error) findings.append(el('span', 'error-text', state.error));
    row.append(findings);
    row.append(el('td', 'measurement', keyMeasurement(state.measurements)));
    const last = el('td', 'time', formatTime(state.lastStartedAt));
    last.title = state.lastStartedAt;
    row.append(last);
    const changed = el('td', 'time', ago(state.changedAt));
    changed.title = `changed at ${formatTime(state.changedAt)}`;
    row.append(changed);
    return row;
  }

  function siteBody(site, states) {
    const body = el('tbody', 'site');
    body.dataset.site = site.siteId;
    const header = el('tr', 'site-header');
    const cell = el('th', '', site.name);
    cell.colSpan = COLUMNS;
    cell.scope = 'rowgroup';
    if (site.name !== site.siteId) cell.append(el('span', 'site-id', site.siteId));
    cell.append(el('span', 'site-counts', countsText(site.outcomes)));
    header.append(cell);
    body.append(header);

    if (states.length === 0) {
      const row = el('tr');
      const empty = el('td', 'empty', 'No agent of this site has reported yet.');
      empty.colSpan = COLUMNS;
      row.append(empty);
      body.append(row);
      return body;
    }

    const byAgent = Map.groupBy(states, (s) => s.agentId);
    for (const [agentId, probes] of byAgent) {
      probes.forEach((state, i) => {
        const row = probeRow(state);
        if (i === 0) {
          const agent = el('td', 'agent', agentId);
          agent.rowSpan = probes.length;
          row.prepend(agent);
        }
        body.append(row);
      });
    }
    return body;
  }

  function render(states, summary) {
    for (const outcome of OUTCOMES) byId(`count-${outcome}`).textContent = String(summary.outcomes?.[outcome] ?? 0);
    byId('count-agents').textContent = String(summary.agents ?? 0);

    const statesBySite = Map.groupBy(states, (s) => s.siteId);
    const sites = [...(summary.sites ?? [])];
    // A state may arrive for a site the summary (read a moment earlier) did not know yet.
    for (const siteId of statesBySite.keys()) {
      if (!sites.some((s) => s.siteId === siteId)) sites.push({ siteId, name: siteId, outcomes: null });
    }

    const table = byId('fleet');
    for (const body of table.querySelectorAll('tbody')) body.remove();
    if (sites.length === 0) {
      const body = el('tbody');
      const row = el('tr');
      const empty = el('td', 'empty', 'No sites and no results yet.');
      empty.colSpan = COLUMNS;
      row.append(empty);
      body.append(row);
      table.append(body);
      return;
    }
    for (const site of sites) table.append(siteBody(site, statesBySite.get(site.siteId) ?? []));
  }

  function showError(message) {
    const banner = byId('error-banner');
    const since = lastUpdated ? `showing data from ${formatTime(lastUpdated)}` : 'no data yet';
    banner.textContent = `API unreachable (${message}); ${since}. Retrying every ${REFRESH_MS / 1000} s.`;
    banner.hidden = false;
    document.body.classList.add('stale');
    const waiting = document.querySelector('#placeholder .empty');
    if (waiting) waiting.textContent = 'Waiting for the API…';
  }

  function clearError() {
    byId('error-banner').hidden = true;
    document.body.classList.remove('stale');
  }

  async function refresh() {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
    try {
      const [states, summary] = await Promise.all([
        getJson('/api/fleet/state', controller.signal),
        getJson('/api/fleet/summary', controller.signal),
      ]);
      render(states, summary);
      lastUpdated = new Date();
      const updated = byId('last-updated');
      updated.textContent = formatTime(lastUpdated);
      updated.dateTime = lastUpdated.toISOString();
      clearError();
    } catch (e) {
      showError(e.name === 'AbortError' ? `no answer within ${TIMEOUT_MS / 1000} s` : e.message);
    } finally {
      clearTimeout(timer);
      setTimeout(refresh, REFRESH_MS);
    }
  }

  refresh();
})();
