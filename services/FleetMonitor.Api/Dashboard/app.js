// FleetMonitor NOC dashboard: the fleet overview (tiles per site, problems worst first, filters), a status page per
// site (#site=<id>), an agent page (#agent=<id>) with history charts, live updates over Server-Sent Events. Data only ever reaches the page through textContent.
'use strict';

(() => {
  const CLASSES = ['broken', 'exposed', 'offline', 'degraded', 'ok'];
  const MIN_REFRESH_MS = 2000;
  // The problem list shows at most this many rows; the filter runs on the server over all of them.
  const PROBLEM_ROWS = 500;
  const FALLBACK_REFRESH_MS = 60000;
  const BREAKDOWN_REFRESH_MS = 60000;
  // The figure that says most about a probe of each kind: the names the probes emit.
  const KEY_FIGURES = {
    tcp: ['connect_ms', 'tls_handshake_ms'],
    http: ['total_ms', 'ttfb_ms'],
    dns: ['dns_ms'],
    sip: ['rtt_ms'],
    media: ['mos_plc', 'loss_ratio', 'rtt_avg_ms'],
    nat: ['binding_lifetime_s', 'stun_rtt_ms'],
    exposure: ['ports_open'],
    upnp: ['mappings_count'],
    'sip-alg': ['dns_ms'],
  };
  // History charts per kind: round-trip time, loss, MOS, binding lifetime.
  const CHARTS = {
    media: ['mos_plc', 'loss_ratio', 'rtt_avg_ms', 'jitter_ms'],
    nat: ['binding_lifetime_s', 'stun_rtt_ms'],
    sip: ['rtt_ms'],
    tcp: ['connect_ms'],
    http: ['total_ms'],
    dns: ['dns_ms'],
  };
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const timeFormat = new Intl.DateTimeFormat(undefined, {
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short',
  });

  let overview = null;
  let session = null;
  let refreshing = false;
  let lastRefresh = 0;
  let lastBreakdown = 0;

  const byId = (id) => document.getElementById(id);

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function signIn() {
    location.assign(`/login?returnUrl=${encodeURIComponent(location.pathname + location.hash)}`);
  }

  async function getJson(url) {
    const response = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store' });
    if (response.status === 401) { signIn(); throw new Error('signed out'); }
    if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
    return response.json();
  }

  function formatTime(iso) {
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? '' : timeFormat.format(d);
  }

  function formatValue(name, value) {
    if (typeof value !== 'number') return String(value);
    if (name.endsWith('_ratio')) return `${(value * 100).toFixed(1)} %`;
    if (name.endsWith('_ms')) return `${value.toFixed(value < 10 ? 1 : 0)} ms`;
    if (name.endsWith('_s')) return `${value.toFixed(0)} s`;
    return Number.isInteger(value) ? String(value) : value.toFixed(2);
  }

  function keyFigure(kind, measurements) {
    if (!measurements || typeof measurements !== 'object') return '';
    const names = (KEY_FIGURES[kind] ?? []).filter((n) => typeof measurements[n] === 'number');
    return names.slice(0, 2).map((n) => `${n.replace(/_(ms|s|ratio)$/, '')} ${formatValue(n, measurements[n])}`).join(' · ');
  }

  function badge(fleetClass) {
    return el('span', `badge class-${CLASSES.includes(fleetClass) ? fleetClass : 'unknown'}`, fleetClass);
  }

  function agentLink(agentId) {
    const link = el('a', 'agent-link', agentId);
    link.href = `#agent=${encodeURIComponent(agentId)}`;
    return link;
  }

  function siteLink(siteId) {
    const link = el('a', 'site-link', siteId);
    link.href = `#site=${encodeURIComponent(siteId)}`;
    return link;
  }

  function showView(id) {
    for (const view of ['fleet-view', 'site-view', 'agent-view']) byId(view).hidden = view !== id;
  }

  // Every agent of the site, worst first: the overview for that site alone.
  async function showSite(siteId) {
    showView('site-view');
    const siteView = await getJson(`/api/fleet/overview?site=${encodeURIComponent(siteId)}&limit=1`);
    const tile = overview?.sites.find((s) => s.siteId === siteId);
    byId('site-name').textContent = tile ? tile.name : siteId;
    byId('site-meta').textContent = tile ? `${siteId} · ${tile.agents} agents · site time zone ${tile.timeZone}` : `${siteId} · no agents known`;
    const counts = byId('site-counts');
    counts.replaceChildren();
    for (const c of CLASSES) {
      const item = el('li', `count class-${c}`);
      item.dataset.class = c;
      item.dataset.count = String(tile ? tile[c] : 0);
      item.append(el('span', 'value', tile ? tile[c] : 0), ` ${c}`);
      counts.append(item);
    }
    const agents = siteView.agents
      .sort((a, b) => CLASSES.indexOf(a.class) - CLASSES.indexOf(b.class) || a.agentId.localeCompare(b.agentId));
    const rows = byId('site-agent-rows');
    rows.replaceChildren();
    for (const a of agents) {
      const row = el('tr', 'site-agent');
      row.dataset.agent = a.agentId;
      row.dataset.class = a.class;
      const classCell = el('td');
      classCell.append(badge(a.class));
      const agentCell = el('td', 'agent');
      agentCell.append(agentLink(a.agentId));
      row.append(classCell, agentCell, el('td', '', a.hostname ?? '—'), el('td', 'cause', a.cause), el('td', 'time', a.lastHeardAt ? formatTime(a.lastHeardAt) : '—'));
      rows.append(row);
    }
    if (agents.length === 0) {
      const cell = el('td', 'empty', 'No agent at this site yet.');
      cell.colSpan = 5;
      const row = el('tr');
      row.append(cell);
      rows.append(row);
    }
  }

  // The fleet by NAT type, public network and router: each value with its agents and their classes.
  function renderBreakdown(breakdown) {
    for (const name of ['natTypes', 'networks', 'routers']) {
      const body = byId(`breakdown-${name}`).querySelector('tbody');
      body.replaceChildren();
      for (const item of breakdown[name]) {
        const row = el('tr', 'breakdown-row');
        row.dataset.value = item.value;
        row.dataset.agents = String(item.agents);
        for (const c of CLASSES) row.dataset[c] = String(item[c]);
        const classes = CLASSES.filter((c) => item[c] > 0).map((c) => `${item[c]} ${c}`).join(' · ');
        row.append(el('td', 'value', item.value), el('td', 'agents', item.agents), el('td', 'classes', classes));
        body.append(row);
      }
    }
  }

  function renderTiles(sites) {
    const box = byId('site-tiles');
    box.replaceChildren();
    if (sites.length === 0) box.append(el('p', 'empty', 'No sites and no agents yet.'));
    for (const site of sites) {
      const tile = el('button', 'tile');
      tile.type = 'button';
      tile.dataset.site = site.siteId;
      const worst = CLASSES.find((c) => site[c] > 0) ?? 'ok';
      tile.classList.add(`worst-${worst}`);
      tile.append(el('span', 'tile-name', site.name), el('span', 'tile-agents', `${site.agents} agents · ${site.timeZone}`));
      const counts = el('span', 'tile-counts');
      for (const c of CLASSES) {
        const count = el('span', `tile-count class-${c}`, `${site[c]} ${c}`);
        count.dataset.class = c;
        count.dataset.count = String(site[c]);
        counts.append(count);
      }
      tile.append(counts);
      tile.addEventListener('click', () => { byId('filter-site').value = site.siteId; filterChanged(); });
      box.append(tile);
    }
  }

  function renderSiteOptions(sites) {
    const select = byId('filter-site');
    const chosen = select.value;
    select.replaceChildren(el('option', '', 'all'));
    select.options[0].value = '';
    for (const site of sites) {
      const option = el('option', '', site.name);
      option.value = site.siteId;
      select.append(option);
    }
    select.value = sites.some((s) => s.siteId === chosen) ? chosen : '';
  }

  // The overview's address with the filter as it stands: the server filters, sorts and cuts the problem list.
  function overviewUrl() {
    const query = new URLSearchParams({ agents: 'none', limit: String(PROBLEM_ROWS) });
    const text = byId('filter-text').value.trim();
    if (text) query.set('q', text);
    if (byId('filter-class').value) query.set('class', byId('filter-class').value);
    if (byId('filter-site').value) query.set('site', byId('filter-site').value);
    return `/api/fleet/overview?${query}`;
  }

  let filtering = null;
  function filterChanged() {
    clearTimeout(filtering);
    filtering = setTimeout(async () => {
      try {
        overview = await getJson(overviewUrl());
        renderProblems();
      } catch (e) {
        if (e.message !== 'signed out') showError(e.message);
      }
    }, 250);
  }

  function renderProblems() {
    if (!overview) return;
    const rows = overview.problems;
    const body = byId('problem-rows');
    body.replaceChildren();
    byId('problem-count').textContent = `${overview.matchingCount} of ${overview.problemCount}`
      + (overview.matchingCount > rows.length ? ` (the worst ${rows.length} shown)` : '');
    if (rows.length === 0) {
      const row = el('tr');
      const cell = el('td', 'empty', overview.problemCount === 0 ? 'No problems: every agent is ok.' : 'No problem matches the filter.');
      cell.colSpan = 7;
      row.append(cell);
      body.append(row);
      return;
    }
    for (const p of rows) {
      const row = el('tr', 'problem');
      row.dataset.class = p.class;
      row.dataset.agent = p.agentId;
      if (p.probeId) row.dataset.probe = p.probeId;
      const classCell = el('td');
      classCell.append(badge(p.class));
      const agentCell = el('td', 'agent');
      agentCell.append(agentLink(p.agentId));
      const since = el('td', 'time', formatTime(p.since));
      since.title = p.since;
      const siteCell = el('td', 'site');
      siteCell.append(siteLink(p.siteId));
      row.append(classCell, siteCell, agentCell, el('td', 'probe', p.probeId ? `${p.probeId} (${p.kind})` : '—'),
        el('td', 'cause', p.cause), el('td', 'figure', keyFigure(p.kind, p.measurements)), since);
      body.append(row);
    }
  }

  function renderOverview() {
    for (const c of CLASSES) byId(`count-${c}`).textContent = String(overview.totals[c]);
    renderTiles(overview.sites);
    renderSiteOptions(overview.sites);
    renderProblems();
  }

  function chart(name, points) {
    const figure = el('figure', 'chart');
    figure.dataset.measurement = name;
    const values = points.map((p) => p.value);
    const min = Math.min(...values);
    const max = Math.max(...values);
    const last = values[values.length - 1];
    figure.append(el('figcaption', '', `${name}: ${formatValue(name, last)} (min ${formatValue(name, min)}, max ${formatValue(name, max)}, ${values.length} results)`));
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 300 60');
    svg.setAttribute('preserveAspectRatio', 'none');
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', `${name} over the last ${values.length} results`);
    const t0 = points[0].at;
    const span = Math.max(1, points[points.length - 1].at - t0);
    const range = max - min || 1;
    const line = document.createElementNS(ns, 'polyline');
    line.setAttribute('points', points.map((p) => `${(((p.at - t0) / span) * 298 + 1).toFixed(1)},${(58 - ((p.value - min) / range) * 56).toFixed(1)}`).join(' '));
    svg.append(line);
    figure.append(svg);
    figure.append(el('p', 'chart-range muted', `${formatTime(new Date(t0).toISOString())} – ${formatTime(new Date(points[points.length - 1].at).toISOString())}`));
    return figure;
  }

  async function showAgent(agentId) {
    showView('agent-view');
    byId('agent-id').textContent = agentId;
    const [agent, states] = await Promise.all([
      getJson(`/api/agents/${encodeURIComponent(agentId)}`),
      getJson(`/api/agents/${encodeURIComponent(agentId)}/state`),
    ]);
    const siteView = await getJson(`/api/fleet/overview?site=${encodeURIComponent(agent.siteId)}&limit=1`);
    const known = siteView.agents.find((a) => a.agentId === agentId);
    byId('agent-class').replaceChildren(known ? badge(known.class) : '');
    byId('agent-meta').textContent = [`site ${agent.siteId}`, agent.hostname && `host ${agent.hostname}`, agent.agentVersion && `version ${agent.agentVersion}`,
      agent.lastHeartbeatAt ? `last heartbeat ${formatTime(agent.lastHeartbeatAt)}` : 'no heartbeat yet', known ? known.cause : ''].filter(Boolean).join(' · ');
    // Built aside and swapped in at once: a refresh never shows a half-drawn agent page.
    const rows = [];
    const charts = [];
    for (const s of states) {
      const row = el('tr');
      row.dataset.probe = s.probeId;
      row.dataset.outcome = s.outcome;
      const outcome = el('td');
      outcome.append(el('span', `badge outcome-${s.outcome}`, s.outcome));
      if (s.error) outcome.title = s.error;
      row.append(el('td', '', s.probeId), el('td', '', s.kind), el('td', 'target', s.target), outcome,
        el('td', 'findings', (s.findings ?? []).join(', ') || '—'), el('td', 'figure', keyFigure(s.kind, s.measurements)), el('td', 'time', formatTime(s.lastStartedAt)));
      rows.push(row);
      const names = CHARTS[s.kind];
      if (!names) continue;
      const page = await getJson(`/api/agents/${encodeURIComponent(agentId)}/probes/${encodeURIComponent(s.probeId)}/results?limit=200`);
      const items = page.items.slice().reverse();
      for (const name of names) {
        const points = items.filter((r) => typeof r.measurements?.[name] === 'number').map((r) => ({ at: Date.parse(r.startedAt), value: r.measurements[name] }));
        if (points.length > 0) charts.push(chart(`${s.probeId} ${name}`, points));
      }
    }
    if (charts.length === 0) charts.push(el('p', 'empty', 'No measurements to chart yet.'));
    byId('agent-probe-rows').replaceChildren(...rows);
    byId('agent-charts').replaceChildren(...charts);
  }

  function showError(message) {
    const banner = byId('error-banner');
    banner.textContent = `API unreachable (${message}); ${overview ? `showing data from ${formatTime(overview.generatedAt)}` : 'no data yet'}.`;
    banner.hidden = false;
    document.body.classList.add('stale');
  }

  async function refresh() {
    if (refreshing) return;
    refreshing = true;
    lastRefresh = Date.now();
    try {
      // NAT types, networks and routers change seldom and cost a read of every agent's facts: once a minute is enough.
      const breakdownDue = Date.now() - lastBreakdown >= BREAKDOWN_REFRESH_MS;
      const [fleet, breakdown] = await Promise.all([getJson(overviewUrl()), breakdownDue ? getJson('/api/fleet/breakdown') : null]);
      overview = fleet;
      renderOverview();
      if (breakdown) {
        renderBreakdown(breakdown);
        lastBreakdown = Date.now();
      }
      const updated = byId('last-updated');
      updated.textContent = formatTime(overview.generatedAt);
      updated.dateTime = overview.generatedAt;
      byId('error-banner').hidden = true;
      document.body.classList.remove('stale');
      const match = /^#agent=(.+)$/.exec(location.hash);
      if (match) await showAgent(decodeURIComponent(match[1]));
      const site = /^#site=(.+)$/.exec(location.hash);
      if (site) await showSite(decodeURIComponent(site[1]));
    } catch (e) {
      if (e.message !== 'signed out') showError(e.message);
    } finally {
      refreshing = false;
    }
  }

  function route() {
    const match = /^#agent=(.+)$/.exec(location.hash);
    const site = /^#site=(.+)$/.exec(location.hash);
    if (match) {
      showAgent(decodeURIComponent(match[1])).catch((e) => showError(e.message));
    } else if (site) {
      showSite(decodeURIComponent(site[1])).catch((e) => showError(e.message));
    } else {
      showView('fleet-view');
    }
  }

  function live() {
    const events = new EventSource('/api/fleet/events');
    const onChange = () => {
      const wait = Math.max(0, MIN_REFRESH_MS - (Date.now() - lastRefresh));
      setTimeout(refresh, wait);
    };
    events.addEventListener('changed', onChange);
    events.addEventListener('tick', onChange);
    events.addEventListener('open', () => { byId('live').textContent = `· live · times in ${zone}`; });
    events.addEventListener('error', () => { byId('live').textContent = `· reconnecting · times in ${zone}`; });
  }

  async function start() {
    session = await getJson('/api/session');
    byId('user-name').textContent = session.name;
    byId('user-role').textContent = session.role;
    document.body.dataset.role = session.role;
    byId('sign-out').addEventListener('click', async () => {
      await fetch('/logout', { method: 'POST', headers: { 'X-CSRF-TOKEN': session.csrfToken } });
      location.assign('/login');
    });
    for (const id of ['filter-text', 'filter-class', 'filter-site']) byId(id).addEventListener('input', filterChanged);
    byId('filters').addEventListener('submit', (e) => e.preventDefault());
    window.addEventListener('hashchange', route);
    await refresh();
    route();
    live();
    setInterval(() => { if (Date.now() - lastRefresh > FALLBACK_REFRESH_MS) refresh(); }, FALLBACK_REFRESH_MS);
  }

  start().catch((e) => { if (e.message !== 'signed out') showError(e.message); });
})();
