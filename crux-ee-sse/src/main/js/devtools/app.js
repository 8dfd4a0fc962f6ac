// The devtools page: the runs list and one run, drawn from model.js and kept live by the devtools
// streams. Plain DOM: each update redraws the rows, segments and entries that changed, nothing else.
import { CruxProblem, createClient } from '../client.js';
import { follow } from './live.js';
import * as M from './model.js';

const API = (document.querySelector('meta[name="crux-api"]')?.content || new URL('../../api', location.href).pathname).replace(/\/$/, '');
/**
 * BASIC credentials typed into the page's own sign-in form, kept in memory only (never stored). The
 * page asks for them only when the API answers 401 although the page itself was signed in: a
 * browser need not send a BASIC login beyond the path that asked for it (Open Liberty's single
 * sign-on cookie carries it to the whole server; other servers may have nothing that does).
 */
let authorization = null;
const authHeaders = () => (authorization ? { Authorization: authorization } : {});
const client = createClient({ baseUrl: API, headers: authHeaders });
const enc = encodeURIComponent;
const root = document.getElementById('view');
const live = document.getElementById('live');
const STATUSES = ['RUNNING', 'SUSPENDED', 'COMPLETED', 'FAILED', 'CANCELLED', 'EXPIRED'];

/** document.createElement with attributes (on* are listeners) and children. */
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  e.append(...children.flat().filter((c) => c != null && c !== false));
  return e;
}

async function api(method, path, body) {
  let res;
  try {
    res = await fetch(API + path, {
      method,
      credentials: 'same-origin',
      headers: { ...authHeaders(), ...(body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new CruxProblem({ status: 0, title: 'Network error', detail: String(e?.message ?? e) });
  }
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) throw new CruxProblem({ title: res.statusText, ...(json && typeof json === 'object' ? json : {}), status: res.status }, json);
  return json;
}

/** A problem as plain sentences for an operator. */
function describe(p, what = 'this') {
  if (!p) return '';
  switch (p.status) {
    case 0: return `The server cannot be reached (${p.detail}).`;
    case 401: return authorization
      ? 'The server refused this user or password (401).'
      : 'The devtools API does not see you signed in (401). Sign in as a user in the operator role:';
    case 403: return 'Signed in, but not in the operator role (crux.http.operator-role, by default crux-operator), which the devtools need.';
    case 404: return what === 'run' ? `No run with this id. ${p.detail ?? ''}`.trim() : `Not found: the devtools API answered 404 (are they enabled, crux.devtools.enabled=true?). ${p.detail ?? ''}`.trim();
    default: return `${p.status} ${p.title ?? ''}: ${p.detail || 'the server gave no detail.'}`;
  }
}

function problemBox(p, what) {
  return el('div', { class: 'alert error', role: 'alert', 'data-problem': p.status }, describe(p, what),
    p.status === 401 ? signInForm() : null);
}

/** The page's own sign-in, for a server where the browser's login does not reach the API (see authorization). */
function signInForm() {
  const form = el('form', { class: 'sign-in', id: 'sign-in', 'aria-label': 'Sign in' },
    el('div', { class: 'field' }, el('label', { for: 'sign-in-user' }, 'User'),
      el('input', { id: 'sign-in-user', name: 'user', autocomplete: 'username', required: true })),
    el('div', { class: 'field' }, el('label', { for: 'sign-in-password' }, 'Password'),
      el('input', { id: 'sign-in-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
    el('button', { type: 'submit' }, 'Sign in'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = `${form.elements.namedItem('user').value}:${form.elements.namedItem('password').value}`;
    authorization = `Basic ${btoa(String.fromCharCode(...new TextEncoder().encode(text)))}`;
    current?.stop();
    current = null;
    route();
  });
  return form;
}

function time(t) {
  if (!t) return '';
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? String(t) : d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

function timeEl(t) {
  return t ? el('time', { datetime: t, title: t }, time(t)) : el('span', { class: 'muted' }, '—');
}

function statusPill(status) {
  return el('span', { class: 'pill', 'data-status': status }, status);
}

function setLive(state) {
  live.dataset.state = state;
  live.textContent = { open: 'live', reconnecting: 'reconnecting…', ended: 'final', polling: 'refreshing every few seconds', idle: '' }[state] ?? state;
}

/** replaceChildren without the null and false that conditional children leave. */
function put(parent, ...children) {
  parent.replaceChildren(...children.flat().filter((c) => c != null && c !== false));
}

/** JSON behind a disclosure: written into the page only when opened (a 500-event list stays light). */
function jsonDetails(summary, value, attrs = {}) {
  const pre = el('pre', { class: 'json' });
  const d = el('details', attrs, el('summary', {}, summary), pre);
  let filled = false;
  d.addEventListener('toggle', () => {
    if (d.open && !filled) {
      pre.textContent = JSON.stringify(value, null, 2);
      filled = true;
    }
  });
  d.update = (v) => {
    value = v;
    if (filled) pre.textContent = JSON.stringify(value, null, 2);
  };
  return d;
}

// ------------------------------------------------------------------ router

let current = null; // the view shown: {route, stop()}

function route() {
  const r = M.parseHash(location.hash);
  if (current?.route.view === 'list' && r.view === 'list' && sameFilters(current.route.filters, r.filters)) return;
  current?.stop();
  root.replaceChildren();
  setLive('idle');
  current = r.view === 'run' ? runView(r) : listView(r);
  document.title = r.view === 'run' ? `Run ${r.id} · crux-ee devtools` : 'Runs · crux-ee devtools';
  // moves focus to the new view's heading, so that keyboard and screen reader users land on it
  root.querySelector('h2')?.focus({ preventScroll: r.view === 'list' });
}

function sameFilters(a, b) {
  return [...M.FILTERS, 'limit'].every((f) => String(a[f] ?? '') === String(b[f] ?? ''));
}

window.addEventListener('hashchange', route);

// ------------------------------------------------------------------ runs list

function listView(r) {
  const stop = new AbortController();
  const model = new M.RunsList(r.filters);
  const rows = new Map(); // run id -> <tr>

  const input = (name, label, attrs = {}) =>
    el('div', { class: 'field' }, el('label', { for: `filter-${name}` }, label),
      el('input', { id: `filter-${name}`, name, value: toInput(name, r.filters[name]), ...attrs }));
  const status = el('select', { id: 'filter-status', name: 'status' },
    el('option', { value: '' }, 'any'),
    STATUSES.map((s) => el('option', { value: s, selected: r.filters.status === s }, s)));
  const form = el('form', { class: 'filters', id: 'filters', 'aria-label': 'Filters' },
    input('flow', 'Flow'),
    el('div', { class: 'field' }, el('label', { for: 'filter-status' }, 'Status'), status),
    input('user', 'User'),
    input('session', 'Session'),
    input('from', 'Created from', { type: 'datetime-local', step: 1 }),
    input('to', 'Created before', { type: 'datetime-local', step: 1 }),
    el('div', { class: 'field' }, el('label', { for: 'filter-limit' }, 'Per page'),
      el('select', { id: 'filter-limit', name: 'limit' },
        M.PAGE_SIZES.map((n) => el('option', { value: n, selected: Number(r.filters.limit ?? M.PAGE_SIZES[0]) === n }, String(n))))),
    el('div', { class: 'row actions' },
      el('button', { type: 'submit' }, 'Apply'),
      el('button', { type: 'button', class: 'secondary', onclick: () => { location.hash = M.listHash({ limit: model.filters.limit }); } }, 'Clear')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const f = {};
    for (const name of M.FILTERS) {
      const v = form.elements.namedItem(name).value.trim();
      if (v) f[name] = name === 'from' || name === 'to' ? fromInput(v) : v;
    }
    f.limit = Number(form.elements.namedItem('limit').value);
    location.hash = M.listHash(f);
  });

  const chips = el('div', { class: 'chips', id: 'counts', role: 'group', 'aria-label': 'Runs by status' });
  const problem = el('div', { id: 'list-problem' });
  const tbody = el('tbody', { id: 'runs' });
  const table = el('table', { class: 'runs', 'aria-labelledby': 'runs-title' },
    el('thead', {}, el('tr', {}, ['Run', 'Flow', 'Action', 'Status', 'User', 'Session', 'Created', 'Updated']
      .map((h) => el('th', { scope: 'col' }, h)))),
    tbody);
  const empty = el('p', { class: 'muted empty', id: 'runs-empty', hidden: true }, 'No run matches these filters.');
  const more = el('button', { type: 'button', class: 'secondary', id: 'more', hidden: true, onclick: () => load(true) }, 'Load more');
  const announce = el('p', { class: 'sr-only', 'aria-live': 'polite', id: 'list-announce' });

  root.append(
    el('section', { class: 'panel wide', 'aria-labelledby': 'runs-title' },
      el('h2', { id: 'runs-title', tabindex: -1 }, 'Runs'),
      form, chips, problem,
      el('div', { class: 'table-wrap' }, table),
      empty, el('div', { class: 'row' }, more), announce));

  function row(run) {
    const tr = el('tr', { 'data-run': run.id, 'data-status': run.status },
      el('td', {}, el('a', { href: M.runHash(run.id), class: 'mono' }, shortId(run.id))),
      el('td', {}, run.flow),
      el('td', {}, run.action ?? ''),
      el('td', {}, statusPill(run.status), run.error ? el('span', { class: 'sr-only' }, ` ${run.error}`) : null),
      el('td', {}, run.userId ?? ''),
      el('td', { class: 'mono' }, run.sessionId ? shortId(run.sessionId) : ''),
      el('td', {}, timeEl(run.createdAt)),
      el('td', {}, timeEl(run.updatedAt)));
    if (run.error) tr.title = run.error;
    return tr;
  }

  function drawCounts() {
    const total = Object.values(model.counts).reduce((a, b) => a + b, 0);
    const chip = (s, n, label) => el('button', {
      type: 'button', class: 'chip', 'data-status': s || 'ALL', 'aria-pressed': String((model.filters.status ?? '') === s),
      onclick: () => { location.hash = M.listHash({ ...model.filters, status: s || undefined }); },
    }, `${label} `, el('span', { class: 'count' }, String(n)));
    const focused = chips.contains(document.activeElement) ? document.activeElement.dataset.status : null;
    chips.replaceChildren(chip('', total, 'All'),
      ...Object.keys(model.counts).sort().map((s) => chip(s, model.counts[s], s)));
    if (focused) chips.querySelector(`[data-status="${CSS.escape(focused)}"]`)?.focus({ preventScroll: true });
  }

  function drawAll(append, appended) {
    if (!append) {
      rows.clear();
      tbody.replaceChildren();
    }
    const frag = document.createDocumentFragment();
    for (const run of appended) {
      const tr = row(run);
      rows.set(run.id, tr);
      frag.append(tr);
    }
    tbody.append(frag);
    empty.hidden = model.runs.length > 0;
    more.hidden = !model.next;
    table.dataset.loaded = 'true';
  }

  async function load(append = false) {
    more.disabled = true;
    try {
      const answer = await api('GET', `/devtools/runs?${M.runsQuery(model.filters, append ? model.next : null)}`);
      if (stop.signal.aborted) return;
      const { appended } = model.page(answer, { append });
      problem.replaceChildren();
      drawAll(append, appended);
      drawCounts();
      if (append) announce.textContent = `${appended.length} more runs loaded.`;
      return true;
    } catch (p) {
      if (stop.signal.aborted) return;
      problem.replaceChildren(problemBox(p, 'list'));
      return false;
    } finally {
      more.disabled = false;
    }
  }

  /** The counts, read again from the server (a change may move them) at most every 2 s. */
  const refreshCounts = M.throttle(async () => {
    try {
      const answer = await api('GET', `/devtools/runs?${M.runsQuery(model.filters, null, 1)}`);
      if (stop.signal.aborted) return;
      model.countsFrom(answer);
      drawCounts();
    } catch {
      // the next change tries again; the chips keep what they show
    }
  }, 2000);
  stop.signal.addEventListener('abort', () => refreshCounts.cancel(), { once: true });

  function changed(run) {
    const c = model.change(run);
    if (c.countsStale) refreshCounts();
    if (c.kind === 'updated') {
      const old = rows.get(run.id);
      const tr = row(c.run);
      tr.classList.add('changed');
      const focused = old?.contains(document.activeElement);
      old?.replaceWith(tr);
      rows.set(run.id, tr);
      if (focused) tr.querySelector('a').focus({ preventScroll: true });
    } else if (c.kind === 'inserted') {
      const tr = row(c.run);
      tr.classList.add('changed', 'new');
      const before = model.runs[c.index + 1];
      tbody.insertBefore(tr, before ? rows.get(before.id) : null);
      rows.set(run.id, tr);
      empty.hidden = true;
    } else if (c.kind === 'removed') {
      const old = rows.get(run.id);
      if (old?.contains(document.activeElement)) (old.nextElementSibling ?? old.previousElementSibling)?.querySelector('a')?.focus({ preventScroll: true });
      old?.remove();
      rows.delete(run.id);
      empty.hidden = model.runs.length > 0;
    }
  }

  load().then((ok) => {
    if (!ok || stop.signal.aborted) return;
    follow(`${API}/devtools/stream`, {
      signal: stop.signal,
      headers: authHeaders,
      onData: (d) => {
        if (d.type === 'run.changed' && d.run) changed(d.run);
      },
      onState: (s) => {
        setLive(s === 'failed' ? 'polling' : s);
        if (s === 'failed') poll();
      },
    });
  });

  /**
   * Without the stream (a server without it, a proxy that refuses it) the first page is read again
   * every few seconds, and its runs are folded in as changes: the rows that changed are redrawn.
   */
  function poll() {
    const timer = setInterval(async () => {
      try {
        const answer = await api('GET', `/devtools/runs?${M.runsQuery(model.filters, null)}`);
        for (const run of [...(answer.runs ?? [])].reverse()) {
          const known = model.byId.get(run.id);
          if (!known || known.updatedAt !== run.updatedAt || known.status !== run.status) changed(run);
        }
        model.countsFrom(answer);
        drawCounts();
      } catch {
        // the next round tries again; the list keeps what it shows
      }
    }, 3000);
    stop.signal.addEventListener('abort', () => clearInterval(timer), { once: true });
  }
  return { route: r, stop: () => stop.abort() };
}

function shortId(id) {
  return String(id).length > 13 ? `${String(id).slice(0, 8)}…` : String(id);
}

/** An ISO instant as a datetime-local input's value (local time), and back. */
function toInput(name, v) {
  if (!v || (name !== 'from' && name !== 'to')) return v ?? '';
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return '';
  return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 19);
}

function fromInput(v) {
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? v : d.toISOString();
}

// ------------------------------------------------------------------ one run

function runView(r) {
  const stop = new AbortController();
  const id = r.id;
  let run = null;
  let tick = null;
  const opened = new Set(); // keys of the timeline rows whose attempts the operator opened

  const title = el('h2', { id: 'run-title', tabindex: -1 }, `Run ${id}`);
  const problem = el('div', { id: 'run-problem' });
  const header = el('dl', { class: 'facts', id: 'run-header' });
  const actions = el('div', { class: 'row', id: 'run-actions' });
  const timeline = el('div', { class: 'timeline', id: 'timeline', role: 'list', 'aria-label': 'Steps on a time axis' });
  const axis = el('div', { class: 'axis', 'aria-hidden': 'true' });
  const suspension = el('section', { class: 'panel wide', id: 'suspension', hidden: true, 'aria-labelledby': 'suspension-title' });
  const children = el('section', { class: 'panel wide', id: 'children', hidden: true, 'aria-labelledby': 'children-title' });
  const io = el('div', { id: 'io' });
  const itemsList = el('ul', { class: 'entries', id: 'items' });
  const eventsList = el('ul', { class: 'entries', id: 'events' });
  const stateBox = el('div', { id: 'state' });
  const itemCount = el('span', { class: 'muted' });
  const eventCount = el('span', { class: 'muted' });

  root.append(
    el('section', { class: 'panel wide', 'aria-labelledby': 'run-title' },
      el('p', {}, el('a', { href: '#/runs' }, '← All runs')),
      title, problem, header, actions),
    el('section', { class: 'panel wide', 'aria-labelledby': 'timeline-title' },
      el('h2', { id: 'timeline-title' }, 'Timeline'),
      el('p', { class: 'legend muted' },
        el('span', { class: 'seg ok' }), ' attempt ', el('span', { class: 'seg failed' }), ' failed attempt ',
        el('span', { class: 'seg wait' }), ' waiting ', el('span', { class: 'seg fallback' }), ' fallback ',
        el('span', { class: 'seg running' }), ' running'),
      axis, timeline),
    suspension, children,
    el('section', { class: 'panel wide', 'aria-labelledby': 'data-title' },
      el('h2', { id: 'data-title' }, 'Input, output and state'), io, stateBox),
    el('section', { class: 'panel wide', 'aria-labelledby': 'items-title' },
      el('h2', { id: 'items-title' }, 'Items ', itemCount), itemsList),
    el('section', { class: 'panel wide', 'aria-labelledby': 'events-title' },
      el('h2', { id: 'events-title' }, 'Events ', eventCount), eventsList));

  const ioBoxes = {};
  const entryKeys = { items: new Map(), events: new Map() };

  function draw() {
    title.textContent = `${run.flow} · ${run.action ?? ''}`.replace(/ · $/, '');
    title.dataset.status = run.status;
    drawHeader();
    drawTimeline();
    drawSuspension();
    drawChildren();
    drawIo();
    drawEntries('items', itemsList, run.items ?? [], (it, i) => it.id ?? `#${i}`,
      (it) => `${it.type ?? 'item'} ${it.status ? `(${String(it.status).toLowerCase()})` : ''} ${it.id ?? ''}`.trim());
    drawEntries('events', eventsList, run.events ?? [], (ev, i) => `${ev.requestId ?? ''}:${ev.seq ?? i}`,
      (ev) => `${ev.seq ?? ''} ${ev.type ?? 'event'} ${ev.ts ? time(ev.ts) : ''}`.trim());
    if (!(run.items ?? []).length && !itemsList.querySelector('.none')) itemsList.append(el('li', { class: 'none muted' }, 'No items.'));
    if (!(run.events ?? []).length && !eventsList.querySelector('.none')) eventsList.append(el('li', { class: 'none muted' }, 'No events stored for this run.'));
    if ((run.items ?? []).length) itemsList.querySelector('.none')?.remove();
    if ((run.events ?? []).length) eventsList.querySelector('.none')?.remove();
    itemCount.textContent = `(${(run.items ?? []).length})`;
    eventCount.textContent = `(${(run.events ?? []).length}${(run.events ?? []).length >= 500 ? ', the first 500' : ''})`;
    // open bars grow while the run runs
    if (!M.FINAL.has(run.status) && !tick) tick = setInterval(drawTimeline, 1000);
    if (M.FINAL.has(run.status) && tick) {
      clearInterval(tick);
      tick = null;
    }
  }

  let headerSig = null;
  function drawHeader() {
    const sig = JSON.stringify([run.status, run.flow, run.action, run.id, run.userId, run.sessionId, run.parentId, run.createdAt, run.updatedAt, run.error]);
    if (sig === headerSig) return;
    headerSig = sig;
    const fact = (k, v) => [el('dt', {}, k), el('dd', {}, v)];
    header.replaceChildren(
      ...fact('Status', statusPill(run.status)),
      ...fact('Flow', run.flow),
      ...fact('Action', run.action ?? '—'),
      ...fact('Run', el('span', { class: 'mono' }, run.id)),
      ...fact('User', run.userId ?? '—'),
      ...fact('Session', run.sessionId ? el('a', { href: M.listHash({ session: run.sessionId }), class: 'mono' }, run.sessionId) : '—'),
      ...(run.parentId ? fact('Parent', el('a', { href: M.runHash(run.parentId), class: 'mono' }, run.parentId)) : []),
      ...fact('Created', timeEl(run.createdAt)),
      ...fact('Updated', timeEl(run.updatedAt)),
      ...(run.error ? fact('Error', el('span', { class: 'error-text', id: 'run-error' }, run.error)) : []));
    header.dataset.status = run.status;
    drawActions();
  }

  function drawActions() {
    if (M.FINAL.has(run.status)) {
      actions.replaceChildren();
      return;
    }
    if (actions.dataset.confirming === 'true' || actions.querySelector('#cancel')) return;
    actions.replaceChildren(el('button', { type: 'button', class: 'danger', id: 'cancel', onclick: confirmCancel }, 'Cancel run…'));
  }

  function confirmCancel() {
    actions.dataset.confirming = 'true';
    const yes = el('button', { type: 'button', class: 'danger', id: 'cancel-confirm', onclick: doCancel }, 'Yes, cancel the run');
    const no = el('button', { type: 'button', class: 'secondary', onclick: () => {
      actions.dataset.confirming = 'false';
      drawActions();
      actions.querySelector('#cancel')?.focus();
    } }, 'Keep it running');
    actions.replaceChildren(el('span', { role: 'alert' }, 'Cancel this run? This cannot be undone.'), yes, no);
    yes.focus();
  }

  async function doCancel() {
    try {
      const summary = await api('POST', `/devtools/runs/${enc(id)}/cancel`);
      actions.dataset.confirming = 'false';
      if (summary?.status) run = { ...run, ...summary };
      draw();
      actions.append(el('span', { role: 'status' }, 'Cancelled.'));
    } catch (p) {
      actions.dataset.confirming = 'false';
      drawActions();
      actions.append(el('span', { class: 'error-text', role: 'alert', 'data-problem': p.status },
        p.status === 409 ? 'The run has already ended.' : describe(p, 'run')));
    }
  }

  const rowNodes = new Map(); // timeline row key -> {node, sig}

  /**
   * Draws the timeline keyed by row: a row whose content is the same keeps its node (its open
   * details, the focus in it) and only its bars move as the axis grows; a changed row is replaced.
   */
  function drawTimeline() {
    if (!run) return;
    const layout = M.layoutTimeline(run, Date.now());
    const kids = M.childrenByStep(run);
    const tickText = layout.ticks.map((t) => t.label).join('|');
    if (axis.dataset.ticks !== tickText || axis.dataset.span !== String(layout.end - layout.start)) {
      axis.replaceChildren(...layout.ticks.map((t) => el('span', { class: 'tick', style: `left:${t.left}%` }, t.label)));
      axis.dataset.ticks = tickText;
      axis.dataset.span = String(layout.end - layout.start);
    }
    const seen = new Set();
    let previous = null;
    for (const row of layout.rows) {
      seen.add(row.key);
      const childLinks = kids.get(row.label);
      const sig = JSON.stringify([row.label, row.kind, row.branch, row.branches, row.fallback, row.failedForGood, row.running,
        row.suspension, row.end == null, row.attempts, row.segments.map((x) => [x.type, x.attempt, x.messageId, x.message]),
        childLinks?.map((c) => [c.id, c.status])]);
      let entry = rowNodes.get(row.key);
      if (entry && entry.sig === sig) {
        // same content: the bars move and their durations grow, nothing else
        const segs = entry.node.querySelectorAll(':scope > .tl-track > .seg');
        row.segments.forEach((x, k) => {
          const n = segs[k];
          if (!n) return;
          n.style.left = `${x.left}%`;
          n.style.width = `max(${x.width}%, 3px)`;
          n.title = segmentText(x);
        });
        entry.node.querySelector(':scope > .tl-track').setAttribute('aria-label', rowText(row));
      } else {
        const node = rowNode(row, childLinks);
        if (entry) {
          const focused = entry.node.contains(document.activeElement);
          entry.node.replaceWith(node);
          if (focused) node.querySelector('summary, a')?.focus({ preventScroll: true });
        }
        entry = { node, sig };
        rowNodes.set(row.key, entry);
      }
      const expected = previous ? previous.nextSibling : timeline.firstChild;
      if (expected !== entry.node) timeline.insertBefore(entry.node, expected);
      previous = entry.node;
    }
    for (const [key, entry] of rowNodes) {
      if (!seen.has(key)) {
        entry.node.remove();
        rowNodes.delete(key);
      }
    }
    const none = timeline.querySelector('#timeline-empty');
    if (layout.rows.length === 0 && !none) timeline.append(el('p', { class: 'muted', id: 'timeline-empty' }, 'No step has run yet.'));
    if (layout.rows.length > 0) none?.remove();
    timeline.dataset.status = run.status;
  }

  function rowNode(row, childLinks) {
    const segs = row.segments.map((x) => el('span', {
      class: `seg ${x.type}`, style: `left:${x.left}%;width:max(${x.width}%, 3px)`,
      title: segmentText(x), 'data-type': x.type, 'data-attempt': x.attempt ?? null,
    }));
    const failures = row.segments.filter((x) => x.type === 'failed');
    const attempts = Math.max(row.group ? 0 : (row.attempts ?? 0), row.segments.filter((x) => ['failed', 'ok', 'running'].includes(x.type)).length);
    const detail = failures.length
      ? el('details', { class: 'attempts', 'data-key': row.key, open: opened.has(row.key),
        ontoggle: (e) => (e.target.open ? opened.add(row.key) : opened.delete(row.key)) },
        el('summary', {}, `${failures.length + (row.omitted ?? 0)} failed attempt${failures.length + (row.omitted ?? 0) === 1 ? '' : 's'}`),
        el('ol', {}, failures.flatMap((f, i) => [
          // the server keeps the first and last failed attempts of a long retry: the gap says how many it left out
          i > 0 && f.attempt - failures[i - 1].attempt > 1
            ? el('li', { class: 'omitted muted', 'data-omitted': f.attempt - failures[i - 1].attempt - 1 },
              `… ${f.attempt - failures[i - 1].attempt - 1} more attempts`)
            : null,
          el('li', { 'data-attempt': f.attempt },
          el('strong', {}, `Attempt ${f.attempt}`), ` after ${M.duration(f.duration)}: `,
          f.messageId ? el('code', { class: 'message-id' }, f.messageId) : null, ' ',
          el('span', { class: 'message' }, f.message || f.errorType),
          f.errorType && f.message ? el('span', { class: 'muted' }, ` (${f.errorType})`) : null,
          f.retryWaitMs != null ? el('span', { class: 'muted' }, `; retried after ${M.duration(f.retryWaitMs)}`) : null)])))
      : null;
    return el('div', {
      class: `tl-row${row.branch != null ? ' branch' : ''}${row.group ? ' group' : ''}`, role: 'listitem',
      'data-label': row.label, 'data-kind': row.kind, 'data-branch': row.branch ?? null, 'data-branches': row.branches ?? null,
      'data-attempts': row.group ? null : attempts, 'data-state': row.running ? 'running' : row.failedForGood ? 'failed' : row.suspension ? 'suspended' : row.end == null ? 'open' : 'done',
    },
    el('div', { class: 'tl-label' },
      el('span', { class: 'name', title: row.label }, row.branchLabel ?? row.label),
      el('span', { class: 'muted kind' }, row.suspension ? 'suspended' : row.group ? `${row.branches} branch${row.branches === 1 ? '' : 'es'} in parallel` : String(row.kind ?? '').toLowerCase()),
      attempts > 1 ? el('span', { class: 'badge' }, `${attempts} attempts`) : null,
      row.fallback ? el('span', { class: 'badge fallback' }, 'fallback') : null,
      row.failedForGood ? el('span', { class: 'badge failed' }, 'failed') : null),
    el('div', { class: 'tl-track', role: 'img', 'aria-label': rowText(row) }, segs),
    detail,
    childLinks ? childTree(childLinks) : null);
  }

  function segmentText(s) {
    const d = M.duration(s.duration);
    switch (s.type) {
      case 'failed': return `attempt ${s.attempt} failed after ${d}: ${s.messageId ? `${s.messageId} ` : ''}${s.message || s.errorType}`;
      case 'ok': return `attempt ${s.attempt}: ${d}`;
      case 'running': return `attempt ${s.attempt} running for ${d}`;
      case 'fallback': return `fallback: ${d}`;
      case 'group': return `${s.title}: ${d} from the first branch's start to the last one's end`;
      case 'suspended': return `suspended for ${d}${s.title ? `, ${s.title}` : ''}`;
      default: return `${s.title ?? 'waiting'}: ${d}`;
    }
  }

  function rowText(row) {
    return `${row.label}: ${row.segments.map(segmentText).join('; ') || 'no timing'}`;
  }

  function childTree(list) {
    return el('ul', { class: 'children' }, list.map((c) => el('li', { 'data-child': c.id },
      el('a', { href: M.runHash(c.id) }, `${c.flow}${c.action ? ` · ${c.action}` : ''}`), ' ', statusPill(c.status))));
  }

  let childrenSig = null;
  function drawChildren() {
    const sig = JSON.stringify((run.children ?? []).map((c) => [c.id, c.status, c.parentStep]));
    if (sig === childrenSig) return;
    childrenSig = sig;
    const kids = M.childrenByStep(run);
    const labels = new Set([...(run.steps ?? []).map((x) => x.label), ...(run.running ?? []).map((x) => x.label), run.failure?.label]);
    const loose = [...kids.entries()].filter(([k]) => k == null || !labels.has(k)).flatMap(([, v]) => v);
    children.hidden = loose.length === 0;
    put(children, el('h2', { id: 'children-title' }, 'Child runs'), loose.length ? childTree(loose) : null);
  }

  let formKey = null;
  function drawSuspension() {
    const s = run.suspension;
    const key = s && !M.FINAL.has(run.status) ? `${s.name}@${s.suspendedAt}` : null;
    if (key === formKey) return; // keeps what the operator typed
    formKey = key;
    suspension.hidden = !key;
    if (!key) {
      suspension.replaceChildren();
      return;
    }
    put(suspension,
      el('h2', { id: 'suspension-title' }, `Waiting for “${s.name}”`),
      el('p', { class: 'muted' }, `Suspended ${time(s.suspendedAt)}`, s.expiresAt ? `, expires ${time(s.expiresAt)}` : '',
        s.payloadType ? ['. Payload: ', el('code', {}, s.payloadType)] : ''),
      s.state != null && typeof s.state === 'object' ? jsonDetails('State at the suspension', s.state) : null,
      signalForm(id, s));
  }

  function drawIo() {
    for (const [k, label] of [['input', 'Input'], ['output', 'Output']]) {
      if (!ioBoxes[k]) {
        ioBoxes[k] = jsonDetails(label, run[k], { 'data-json': k });
        io.append(ioBoxes[k]);
      } else ioBoxes[k].update(run[k]);
    }
    for (const k of ['session', 'user']) {
      const v = run.state?.[k];
      const id2 = `state-${k}`;
      let d = stateBox.querySelector(`#${id2}`);
      if (v == null) {
        d?.remove();
        continue;
      }
      if (!d) {
        d = jsonDetails(`${k === 'session' ? 'Session' : 'User'} state`, v, { id: id2 });
        stateBox.append(d);
      } else d.update(v);
    }
  }

  /** Appends new entries and replaces changed ones; an unchanged entry keeps its node (and its open state). */
  function drawEntries(kind, list, values, keyOf, summaryOf) {
    const known = entryKeys[kind];
    const seen = new Set();
    let previous = null;
    values.forEach((v, i) => {
      const key = String(keyOf(v, i));
      seen.add(key);
      const text = JSON.stringify(v);
      let entry = known.get(key);
      if (!entry) {
        const d = jsonDetails(summaryOf(v), v);
        entry = { text, node: el('li', { 'data-key': key }, d), details: d };
        known.set(key, entry);
        if (previous) previous.node.after(entry.node);
        else list.prepend(entry.node);
      } else if (entry.text !== text) {
        entry.text = text;
        entry.details.update(v);
        entry.details.querySelector('summary').textContent = summaryOf(v);
      }
      previous = entry;
    });
    for (const [key, entry] of known) {
      if (!seen.has(key)) {
        entry.node.remove();
        known.delete(key);
      }
    }
  }

  /** A run that cannot be read: the problem alone, without the empty sections. */
  function failed(p) {
    // the same problem again (the poll after the first read) leaves the page, and a sign-in form being typed in, as it is
    if (problem.firstChild?.dataset.problem === String(p.status)) return;
    problem.replaceChildren(problemBox(p, 'run'));
    for (const section of root.querySelectorAll(':scope > section')) section.hidden = !section.contains(problem);
    header.hidden = true;
    actions.hidden = true;
  }

  function show(detail) {
    if (!run) {
      for (const section of root.querySelectorAll(':scope > section:not(#suspension, #children)')) section.hidden = false;
      header.hidden = false;
      actions.hidden = false;
    }
    run = detail;
    problem.replaceChildren();
    draw();
  }

  // the stream sends the run at once and on each change; without it (a proxy that buffers, an
  // older server) the page still shows the run read once
  api('GET', `/devtools/runs/${enc(id)}`).then((d) => {
    if (!stop.signal.aborted && !run) show(d);
  }, (p) => {
    if (!stop.signal.aborted && !run) failed(p);
  });
  follow(`${API}/devtools/runs/${enc(id)}/stream`, {
    signal: stop.signal,
    headers: authHeaders,
    onData: (d) => {
      if (d.type === 'run.detail' && d.run) show(d.run);
    },
    done: () => run != null && M.FINAL.has(run.status),
    onState: (s) => {
      setLive(s === 'failed' ? 'polling' : s);
      if (s === 'failed') poll();
    },
  });

  /** Without the stream, the run is read again every second until it ends. */
  function poll() {
    const timer = setInterval(async () => {
      if (run && M.FINAL.has(run.status)) {
        clearInterval(timer);
        setLive('ended');
        return;
      }
      try {
        show(await api('GET', `/devtools/runs/${enc(id)}`));
      } catch (p) {
        if (!run) failed(p);
        if ([401, 403, 404].includes(p.status)) {
          clearInterval(timer);
          setLive('idle');
        }
      }
    }, 1000);
    stop.signal.addEventListener('abort', () => clearInterval(timer), { once: true });
  }

  return {
    route: r,
    stop: () => {
      stop.abort();
      if (tick) clearInterval(tick);
    },
  };
}

// ------------------------------------------------------------------ the signal form

function signalForm(runId, s) {
  const schema = s.schema ?? null;
  const field = schema ? M.schemaFields(schema) : { type: 'json', path: '', name: 'payload', label: 'Payload (JSON)', required: true };
  const formId = 'signal-form';
  const result = el('div', { id: 'signal-result', role: 'status' });
  const form = el('form', { id: formId, novalidate: true, 'data-signal': s.name },
    field.type === 'object' ? field.fields.map((f) => control(f)) : control(field),
    el('div', { class: 'row' }, el('button', { type: 'submit', id: 'signal-send' }, `Send “${s.name}”`)),
    result);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const { value, errors } = M.readForm(field, (path) => {
      const input = form.querySelector(`[data-path="${CSS.escape(path)}"]`);
      if (!input) return undefined;
      return input.type === 'checkbox' ? input.checked : input.value;
    });
    if (showErrors(form, errors)) return;
    const send = form.querySelector('#signal-send');
    send.disabled = true;
    result.textContent = 'Sending…';
    try {
      const answer = await client.signal(runId, s.name, value);
      result.textContent = `Signal sent; the run is ${String(answer?.status ?? 'running').toLowerCase()}.`;
    } catch (p) {
      result.textContent = '';
      if (p.status === 400 && p.errors?.length) {
        showErrors(form, M.problemFieldErrors(field, p.fieldErrors()));
      } else {
        result.replaceChildren(el('span', { class: 'error-text', 'data-problem': p.status },
          p.status === 409 ? 'The run no longer waits for this signal.' : p.status === 410 ? 'The suspension expired.' : describe(p, 'run')));
      }
    } finally {
      send.disabled = false;
    }
  });
  return form;
}

function control(f) {
  if (f.type === 'object') {
    return el('fieldset', { class: 'nested' }, el('legend', {}, f.label, f.required ? el('span', { class: 'req' }, ' (required)') : null),
      f.fields.map((c) => control(c)));
  }
  const id = `f-${f.path.replace(/[^A-Za-z0-9_-]/g, '_') || 'payload'}`;
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const hint = f.type === 'array' ? `One value a line${f.item?.type === 'enum' ? ` (${f.item.options.join(', ')})` : ''}.` : f.type === 'json' ? 'JSON.' : f.description;
  const common = {
    id, name: f.path, 'data-path': f.path, 'aria-describedby': `${hint ? `${hintId} ` : ''}${errorId}`,
    'aria-required': f.required ? 'true' : null,
  };
  let input;
  switch (f.type) {
    case 'boolean':
      return el('div', { class: 'field check' },
        el('input', { ...common, type: 'checkbox', checked: f.default === true }),
        el('label', { for: id }, f.label),
        hint ? el('div', { class: 'muted hint', id: hintId }, hint) : null,
        el('div', { class: 'field-error', id: errorId, 'data-error-for': f.path }));
    case 'enum':
      input = el('select', common, el('option', { value: '' }, f.required ? 'Pick one' : '—'),
        f.options.map((o) => el('option', { value: String(o), selected: f.default === o }, String(o))));
      break;
    case 'number':
    case 'integer':
      input = el('input', { ...common, inputmode: f.type === 'integer' ? 'numeric' : 'decimal', value: f.default ?? null });
      break;
    case 'array':
    case 'json':
      input = el('textarea', { ...common, rows: f.type === 'json' ? 6 : 3 });
      break;
    default:
      input = el('input', { ...common, value: f.default ?? null, maxlength: f.maxLength ?? null });
  }
  return el('div', { class: 'field' },
    el('label', { for: id }, f.label || f.name, f.required ? el('span', { class: 'req' }, ' (required)') : null),
    hint ? el('div', { class: 'muted hint', id: hintId }, hint) : null,
    input,
    el('div', { class: 'field-error', id: errorId, 'data-error-for': f.path }));
}

function showErrors(form, errors) {
  for (const e of form.querySelectorAll('.field-error')) e.textContent = '';
  for (const i of form.querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
  let first = null;
  for (const [path, message] of Object.entries(errors)) {
    const slot = form.querySelector(`[data-error-for="${CSS.escape(path)}"]`);
    const input = form.querySelector(`[data-path="${CSS.escape(path)}"]`);
    if (slot) slot.textContent = message;
    else form.querySelector('#signal-result').textContent = message;
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      first ??= input;
    }
  }
  first?.focus();
  return Object.keys(errors).length > 0;
}

route();
