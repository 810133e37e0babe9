// The operator console: a client of the admin API (/admin/v1/...). No framework, no build step.
// The admin token lives in this tab's sessionStorage only; every call sends it as a bearer token.
// Everything the API returns is shown with textContent, never as markup.
'use strict';

const TOKEN_KEY = 'durable-objects.admin-token';
const PAGE = 50; // keys, search results and history transactions per page
const POLL_MILLIS = 2000;

const $ = (id) => document.getElementById(id);
const state = {
  tokenless: false, // the admin API answered without a token
  ns: null, id: null, entriesCursor: null, resultsCursor: null, search: null,
  historyFrom: null, pollTimer: null, previousMetrics: null,
};

/** An error of the admin API, with its status and the API's message. */
class ApiError extends Error {
  constructor(status, code, message) {
    super(status + (code ? ' ' + code : '') + ': ' + message);
    this.status = status;
  }
}

function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

async function api(path, options = {}) {
  const headers = { Accept: 'application/json' };
  const t = token();
  if (t) {
    headers.Authorization = 'Bearer ' + t;
  }
  let response;
  try {
    response = await fetch('/admin/v1/' + path, { ...options, headers, credentials: 'omit', cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, 'network', 'the node did not answer (' + e.message + ')');
  }
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch (e) {
    body = null;
  }
  if (!response.ok) {
    const message = body && body.message ? body.message : (text || response.statusText);
    throw new ApiError(response.status, body && body.error, message);
  }
  return body;
}

const enc = encodeURIComponent;

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) {
    node.textContent = String(text);
  }
  if (className) {
    node.className = className;
  }
  return node;
}

function row(cells) {
  const tr = document.createElement('tr');
  for (const cell of cells) {
    const td = document.createElement('td');
    if (cell instanceof Node) {
      td.appendChild(cell);
    } else {
      td.textContent = cell === null || cell === undefined ? '—' : String(cell);
    }
    tr.appendChild(td);
  }
  return tr;
}

function pre(text) {
  return el('pre', text);
}

/** A stored value: JSON pretty-printed, or bytes as base64. */
function valueText(holder) {
  if (holder === null || holder === undefined) {
    return '—';
  }
  if ('base64' in holder) {
    return 'bytes (base64): ' + holder.base64;
  }
  return JSON.stringify(holder.value, null, 2);
}

function showError(where, error) {
  $(where).textContent = error ? (error.message || String(error)) : '';
}

// ---- login ---------------------------------------------------------------------------------

function showLogin(message) {
  stopPolling();
  $('main-view').hidden = true;
  $('logout').hidden = true;
  $('login-view').hidden = false;
  $('node').textContent = '';
  $('login-error').textContent = message || '';
  $('token').focus();
}

async function enter() {
  await loadNamespaces(); // fails with the API's error if the token is not accepted
  $('login-view').hidden = true;
  $('main-view').hidden = false;
  $('logout').hidden = state.tokenless;
  $('login-error').textContent = '';
  selectTab('namespaces-tab');
  api('metrics').then((m) => { $('node').textContent = m.node; }).catch(() => {});
}

async function login(event) {
  event.preventDefault();
  const value = $('token').value.trim();
  if (!value) {
    $('login-error').textContent = 'Enter the admin token.';
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, value);
  $('token').value = '';
  try {
    await enter();
  } catch (e) {
    sessionStorage.removeItem(TOKEN_KEY);
    showLogin(e.message);
  }
}

function logout() {
  sessionStorage.removeItem(TOKEN_KEY);
  state.tokenless = false;
  showLogin('Logged out.');
}

async function start() {
  $('login-form').addEventListener('submit', login);
  $('logout').addEventListener('click', logout);
  for (const tab of document.querySelectorAll('button.tab')) {
    tab.addEventListener('click', () => selectTab(tab.dataset.tab));
  }
  $('search-form').addEventListener('submit', (e) => { e.preventDefault(); search(false); });
  $('results-more').addEventListener('click', () => search(true));
  $('refresh').addEventListener('click', () => openObject(state.ns, state.id));
  $('entries-more').addEventListener('click', () => loadEntries(true));
  $('history-older').addEventListener('click', () => loadHistory(state.historyFrom, true));
  $('delete').addEventListener('click', confirmDelete);
  $('confirm').addEventListener('close', () => {
    if ($('confirm').returnValue === 'yes') {
      deleteObject();
    }
  });
  if (token()) {
    try {
      await enter();
    } catch (e) {
      showLogin(e.message);
    }
    return;
  }
  // A node whose admin API needs no token answers at once; otherwise its answer says why not.
  try {
    state.tokenless = true;
    await enter();
  } catch (e) {
    state.tokenless = false;
    showLogin(e.status === 401 ? '' : e.message);
  }
}

// ---- tabs ----------------------------------------------------------------------------------

function selectTab(id) {
  for (const panel of document.querySelectorAll('.panel')) {
    panel.hidden = panel.id !== id;
  }
  for (const tab of document.querySelectorAll('button.tab')) {
    tab.classList.toggle('active', tab.dataset.tab === id);
  }
  showError('error', null);
  if (id === 'cluster-tab') {
    startPolling();
  } else {
    stopPolling();
  }
  if (id === 'namespaces-tab') {
    loadNamespaces().catch((e) => showError('error', e));
  }
}

// ---- namespaces ----------------------------------------------------------------------------

async function loadNamespaces() {
  const body = await api('namespaces');
  const tbody = $('namespaces');
  tbody.replaceChildren();
  const select = $('search-ns');
  const selected = select.value;
  select.replaceChildren();
  for (const ns of body.namespaces) {
    const active = el('span', '…');
    const stored = el('span', '…');
    tbody.appendChild(row([ns.name, el('code', ns.class), active, stored]));
    const option = el('option', ns.name);
    option.value = ns.name;
    select.appendChild(option);
    api(enc(ns.name) + '/stats').then((s) => {
      active.textContent = s.activeObjects + (s.unansweredShards ? ' (≥, ' + s.unansweredShards + ' shards did not answer)' : '');
      stored.textContent = (s.storedObjectsExact ? '' : '≥ ') + s.storedObjects;
    }).catch((e) => { active.textContent = e.message; stored.textContent = ''; });
  }
  if (selected) {
    select.value = selected;
  }
}

// ---- search --------------------------------------------------------------------------------

async function search(more) {
  showError('error', null);
  if (!more) {
    const text = $('search-text').value.trim();
    state.search = { ns: $('search-ns').value, kind: $('search-kind').value, text };
    state.resultsCursor = null;
    $('results').replaceChildren();
  }
  const s = state.search;
  let path = enc(s.ns) + '/objects?';
  if (s.kind === 'name') {
    path += 'name=' + enc(s.text);
  } else {
    path += 'prefix=' + enc(s.text) + '&limit=' + PAGE;
    if (state.resultsCursor) {
      path += '&cursor=' + enc(state.resultsCursor);
    }
  }
  try {
    const body = await api(path);
    for (const o of body.objects) {
      const tr = row([el('code', o.id), o.name, o.hasData ? 'yes' : (o.catalogued === false ? 'no (not in the catalog)' : 'no')]);
      tr.className = 'clickable';
      tr.dataset.id = o.id;
      tr.addEventListener('click', () => openObject(s.ns, o.id));
      $('results').appendChild(tr);
    }
    if (body.objects.length === 0 && !more) {
      $('results').appendChild(row(['no objects found', '', '']));
    }
    state.resultsCursor = body.nextCursor;
    $('results-more').hidden = !body.nextCursor;
  } catch (e) {
    showError('error', e);
  }
}

// ---- one object ----------------------------------------------------------------------------

async function openObject(ns, id, asOf) {
  state.ns = ns;
  state.id = id;
  showError('error', null);
  for (const tr of document.querySelectorAll('#results tr')) {
    tr.classList.toggle('selected', tr.dataset.id === id);
  }
  $('object-view').hidden = false;
  $('object-id').textContent = ns + '/' + id;
  let path = enc(ns) + '/objects/' + enc(id) + '?limit=' + PAGE;
  if (asOf !== undefined) {
    path += '&asOf=' + enc(asOf);
  }
  let o;
  try {
    o = await api(path);
  } catch (e) {
    showError('error', e);
    return;
  }
  renderObject(o, asOf !== undefined);
  $('object-view').scrollIntoView();
  if (asOf === undefined) {
    const from = Math.max(1, (o.lastSequenceNr || 0) - PAGE + 1);
    loadHistory(from, false, o.lastSequenceNr || 0);
  }
}

function renderObject(o, historical) {
  const meta = $('object-meta');
  meta.replaceChildren();
  const fields = [
    ['Name', o.name], ['Keys', o.keyCount], ['Size', o.bytes + ' bytes'],
    ['Last sequence nr', o.lastSequenceNr], ['Last write', o.lastWriteTime],
    ['Last activation', o.lastActivationTime],
  ];
  for (const [label, value] of fields) {
    meta.appendChild(el('dt', label));
    meta.appendChild(el('dd', value === null || value === undefined ? '—' : value));
  }
  const banner = $('asof-banner');
  banner.hidden = !historical;
  if (historical) {
    banner.textContent = o.asOf
        ? 'The state as of transaction ' + o.asOf.sequenceNr + ' (' + o.asOf.time + '). Refresh shows the current state.'
        : 'This node ignored asOf: the state shown is the current one.';
  }
  $('delete').disabled = historical;
  $('entries').replaceChildren();
  appendEntries(o);
  $('alarms').replaceChildren();
  for (const a of o.alarms || []) {
    $('alarms').appendChild(row([a.name, a.scheduledTime, a.retryCount, a.nextAttempt]));
  }
  $('sockets').replaceChildren();
  for (const s of o.sockets || []) {
    $('sockets').appendChild(row([el('code', s.id), (s.tags || []).join(', '), pre(valueText(s.attachment))]));
  }
}

function appendEntries(o) {
  for (const e of o.entries) {
    const tr = row([el('code', e.key), pre(valueText(e))]);
    tr.dataset.key = e.key;
    $('entries').appendChild(tr);
  }
  state.entriesCursor = o.nextCursor;
  $('entries-more').hidden = !o.nextCursor;
}

async function loadEntries() {
  try {
    const o = await api(enc(state.ns) + '/objects/' + enc(state.id) + '?limit=' + PAGE + '&cursor=' + enc(state.entriesCursor));
    appendEntries(o);
  } catch (e) {
    showError('error', e);
  }
}

// ---- history -------------------------------------------------------------------------------

function changes(t) {
  const parts = [];
  if (t.deleteAll) {
    parts.push('delete all');
  }
  for (const p of t.put || []) {
    parts.push(p.key + ' = ' + ('base64' in p ? 'bytes ' + p.base64 : JSON.stringify(p.value)));
  }
  for (const d of t.deleted || []) {
    parts.push('delete ' + d);
  }
  for (const a of t.alarms || []) {
    parts.push(a.deleted ? 'alarm ' + a.name + ' cleared' : 'alarm ' + a.name + ' at ' + a.scheduledTime);
  }
  return parts.join('; ');
}

/** Transactions from {@code from}; {@code older} adds them below those shown (newest first). */
async function loadHistory(from, older, last) {
  showError('history-error', null);
  if (!older) {
    $('history').replaceChildren();
  }
  if (older) {
    last = state.historyFrom - 1;
    from = Math.max(1, last - PAGE + 1);
  }
  if (!last || last < from) {
    $('history-older').hidden = true;
    return;
  }
  try {
    const h = await api(enc(state.ns) + '/objects/' + enc(state.id) + '/history?from=' + from + '&limit=' + (last - from + 1));
    const start = Math.max(from, h.oldestSequenceNr || from);
    const list = [...h.transactions].reverse();
    for (const t of list) {
      const view = el('button', 'state then');
      view.type = 'button';
      view.addEventListener('click', () => openObject(state.ns, state.id, t.seq));
      const tr = row([t.seq, t.time, changes(t), view]);
      tr.dataset.seq = t.seq;
      $('history').appendChild(tr);
    }
    state.historyFrom = start;
    $('history-older').hidden = start <= Math.max(1, h.oldestSequenceNr || 1);
  } catch (e) {
    $('history-older').hidden = true;
    showError('history-error', e);
  }
}

// ---- delete --------------------------------------------------------------------------------

function confirmDelete() {
  $('confirm-text').textContent = 'Delete everything object ' + state.ns + '/' + state.id
      + ' stores (keys, alarms, history)? This cannot be undone.';
  $('confirm').returnValue = '';
  $('confirm').showModal();
}

async function deleteObject() {
  try {
    const r = await api(enc(state.ns) + '/objects/' + enc(state.id), { method: 'DELETE' });
    showError('error', null);
    await openObject(state.ns, state.id);
    $('asof-banner').hidden = false;
    $('asof-banner').textContent = 'Deleted: ' + r.keysDeleted + ' keys.';
  } catch (e) {
    showError('error', e);
  }
}

// ---- cluster and metrics -------------------------------------------------------------------

function startPolling() {
  stopPolling();
  const poll = async () => {
    try {
      const [cluster, metrics] = await Promise.all([api('cluster'), api('metrics')]);
      renderCluster(cluster);
      renderMetrics(metrics);
      showError('error', null);
    } catch (e) {
      showError('error', e);
    }
    state.pollTimer = setTimeout(poll, POLL_MILLIS);
  };
  poll();
}

function stopPolling() {
  if (state.pollTimer) {
    clearTimeout(state.pollTimer);
    state.pollTimer = null;
  }
  state.previousMetrics = null;
}

function renderCluster(c) {
  $('members').replaceChildren();
  for (const m of c.members) {
    const address = m.address === c.self ? m.address + ' (this node)' : m.address;
    $('members').appendChild(row([address, m.status + (m.address === c.leader ? ', leader' : ''),
      m.roles.join(', '), m.reachable ? 'yes' : 'NO', m.activeObjects]));
  }
}

/** The p99 in ms of the recordings between two readings of cumulative buckets. */
function p99(now, before) {
  const count = now.count - before.count;
  if (count <= 0) {
    return null;
  }
  const prior = new Map(before.buckets.map(([le, n]) => [le, n]));
  const target = 0.99 * count;
  for (const [le, n] of now.buckets) {
    if (n - (prior.get(le) || 0) >= target) {
      return '≤ ' + le.toFixed(le < 10 ? 1 : 0) + ' ms';
    }
  }
  return '> ' + now.buckets[now.buckets.length - 1][0] + ' ms';
}

function renderMetrics(m) {
  const before = state.previousMetrics;
  state.previousMetrics = m;
  const seconds = before ? (Date.parse(m.time) - Date.parse(before.time)) / 1000 : 0;
  const rate = (key) => (before && seconds > 0 ? ((m[key].count - before[key].count) / seconds).toFixed(1) : '…');
  const cards = [
    ['Requests/s', rate('requests')],
    ['p99 latency', before ? (p99(m.requests, before.requests) || 'no requests') : '…'],
    ['Journal writes/s', rate('journalWrites')],
    ['Active objects', m.activeObjects],
    ['Alarms lag p99', before ? (p99(m.alarmsLag, before.alarmsLag) || 'no alarms') : '…'],
    ['In flight', m.inFlight],
    ['Open WebSockets', m.openWebSockets],
  ];
  const box = $('metrics');
  box.replaceChildren();
  for (const [label, value] of cards) {
    const card = el('div', null, 'card');
    card.appendChild(el('div', label, 'label'));
    card.appendChild(el('div', value, 'value'));
    box.appendChild(card);
  }
}

document.addEventListener('DOMContentLoaded', start);
