// The devtools page's logic without the DOM: the address (hash) of a view, the runs list folded from
// pages and live changes, a run's timeline laid out on a time axis, and forms generated from a JSON
// Schema with their validation. app.js draws these; test/devtools.test.mjs checks them in Node.

/** The filters of the runs list, in the order the page shows them. */
export const FILTERS = ['flow', 'status', 'user', 'session', 'from', 'to'];

/** The page sizes the list offers (the API's largest is 200). */
export const PAGE_SIZES = [50, 100, 200];

/** Statuses after which a run changes no more. */
export const FINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'EXPIRED', 'ABORTED']);

// ------------------------------------------------------------------ address

/**
 * The view a hash names: '#/runs/{id}' one run, '#/runs?flow=…&status=…' (or '', '#/') the list.
 * @returns {{view: 'list', filters: object} | {view: 'run', id: string}}
 */
export function parseHash(hash) {
  const h = String(hash ?? '').replace(/^#/, '');
  const [path, query = ''] = h.split('?');
  const m = /^\/runs\/(.+)$/.exec(path);
  if (m) return { view: 'run', id: decodeURIComponent(m[1]) };
  const params = new URLSearchParams(query);
  const filters = {};
  for (const f of FILTERS) {
    const v = params.get(f);
    if (v) filters[f] = v;
  }
  const limit = Number(params.get('limit'));
  if (PAGE_SIZES.includes(limit) && limit !== PAGE_SIZES[0]) filters.limit = limit;
  return { view: 'list', filters };
}

/** The hash of the list with these filters (empty ones left out). */
export function listHash(filters = {}) {
  const params = new URLSearchParams();
  for (const f of FILTERS) if (filters[f]) params.set(f, filters[f]);
  if (filters.limit && Number(filters.limit) !== PAGE_SIZES[0]) params.set('limit', String(filters.limit));
  const q = params.toString();
  return q ? `#/runs?${q}` : '#/runs';
}

export function runHash(id) {
  return `#/runs/${encodeURIComponent(id)}`;
}

/** The query of GET /devtools/runs for these filters, a cursor and a page size. */
export function runsQuery(filters = {}, cursor = null, limit = filters.limit ?? PAGE_SIZES[0]) {
  const params = new URLSearchParams();
  for (const f of FILTERS) if (filters[f]) params.set(f, filters[f]);
  if (cursor) params.set('cursor', cursor);
  params.set('limit', String(limit));
  return params.toString();
}

// ------------------------------------------------------------------ runs list

/** Newest first: createdAt descending, then id descending (the server's order). */
export function compareRuns(a, b) {
  const ta = Date.parse(a.createdAt) || 0;
  const tb = Date.parse(b.createdAt) || 0;
  if (ta !== tb) return tb - ta;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** Whether a run passes the filters; `status` is left out when withStatus is false (the counts). */
export function matches(run, filters = {}, withStatus = true) {
  if (filters.flow && run.flow !== filters.flow) return false;
  if (withStatus && filters.status && run.status !== filters.status) return false;
  if (filters.user && run.userId !== filters.user) return false;
  if (filters.session && run.sessionId !== filters.session) return false;
  const t = Date.parse(run.createdAt);
  if (filters.from && !(t >= Date.parse(filters.from))) return false;
  if (filters.to && !(t < Date.parse(filters.to))) return false;
  return true;
}

/**
 * The runs list: the pages read so far, with the counts by status, kept current by the live
 * changes of /devtools/stream. Each method answers what changed, so that the page redraws those
 * rows and nothing else.
 */
export class RunsList {
  constructor(filters = {}) {
    this.filters = { ...filters };
    this.runs = []; // newest first
    this.byId = new Map();
    this.next = null;
    this.counts = {};
    this.loaded = false;
  }

  /**
   * Folds an answer of GET /devtools/runs: the first page replaces, a next page appends.
   * @returns {{reset: boolean, appended: object[]}}
   */
  page(answer, { append = false } = {}) {
    if (!append) {
      this.runs = [];
      this.byId.clear();
    }
    const appended = [];
    for (const r of answer.runs ?? []) {
      if (this.byId.has(r.id)) continue; // a run that moved to this page since the first was read
      this.byId.set(r.id, r);
      this.runs.push(r);
      appended.push(r);
    }
    this.next = answer.next ?? null;
    this.counts = { ...(answer.counts ?? {}) };
    this.loaded = true;
    return { reset: !append, appended };
  }

  /**
   * Folds a run.changed event. The counts are not adjusted here: a run that was not loaded (of a
   * page not read, or new) has an unknown old status, so counting it would drift; the caller reads
   * the counts again from the server when `countsStale` (see {@link throttle}).
   * @returns {{kind: 'updated'|'inserted'|'removed'|'none', run: object, index: number, countsStale: boolean}}
   *   index: where the run is (updated, inserted) or was (removed)
   */
  change(run) {
    const old = this.byId.get(run.id);
    // the counts cover every status of the other filters: they can move when such a run is new to
    // this page or its status changed
    const countsStale = (matches(run, this.filters, false) || (old != null && matches(old, this.filters, false)))
      && (!old || old.status !== run.status);
    if (old) {
      const index = this.runs.indexOf(old);
      if (!matches(run, this.filters)) {
        // a run that left the filter (its status changed under a status filter) leaves the list
        this.runs.splice(index, 1);
        this.byId.delete(run.id);
        return { kind: 'removed', run, index, countsStale };
      }
      const merged = { ...old, ...run };
      this.runs[index] = merged;
      this.byId.set(run.id, merged);
      return { kind: 'updated', run: merged, index, countsStale };
    }
    if (!matches(run, this.filters) || !this.loaded) return { kind: 'none', run, index: -1, countsStale };
    // a run older than the last one read belongs to a page not read yet
    const last = this.runs[this.runs.length - 1];
    if (this.next && last && compareRuns(run, last) > 0) return { kind: 'none', run, index: -1, countsStale };
    let index = 0;
    while (index < this.runs.length && compareRuns(this.runs[index], run) < 0) index++;
    this.runs.splice(index, 0, run);
    this.byId.set(run.id, run);
    return { kind: 'inserted', run, index, countsStale };
  }

  /** Takes the counts of an answer of GET /devtools/runs (read again after changes). */
  countsFrom(answer) {
    this.counts = { ...(answer.counts ?? {}) };
  }
}

/**
 * Calls `fn` at most once every `intervalMs`: the first call runs at once, calls within the
 * interval after it make one more run at its end. `cancel()` drops a run not yet made.
 * @param {() => void} fn
 * @param {number} intervalMs
 * @param {{now: () => number, setTimeout: Function, clearTimeout: Function}} clock injectable for tests
 */
export function throttle(fn, intervalMs, clock = globalThis) {
  const now = clock.now ?? (() => Date.now());
  let last = -Infinity;
  let timer = null;
  const run = () => {
    timer = null;
    last = now();
    fn();
  };
  const call = () => {
    if (timer != null) return;
    const wait = last + intervalMs - now();
    if (wait <= 0) run();
    else timer = clock.setTimeout(run, wait);
  };
  call.cancel = () => {
    if (timer != null) clock.clearTimeout(timer);
    timer = null;
  };
  return call;
}

// ------------------------------------------------------------------ timeline

const ms = (t) => (t == null ? null : Date.parse(t));

/**
 * Lays out a run's steps on one time axis: a row per step with its attempts as segments (failed
 * ones with their message, the waits between attempts as gaps, the fallback marked), the attempts
 * running now, the step that failed for good and the suspension. Positions are percents of the
 * axis, from the run's creation to its end (or `now` while it runs).
 *
 * @param {object} run a RunDetail
 * @param {number} now the time to draw open bars to (Date.now() in the page)
 * @returns {{start: number, end: number, rows: object[], ticks: {at: number, left: number, label: string}[]}}
 */
export function layoutTimeline(run, now = Date.now()) {
  const created = ms(run.createdAt) ?? now;
  const open = !FINAL.has(run.status);
  const rows = [];
  let previousEnd = created;

  for (const step of run.steps ?? []) {
    const row = { key: `step:${step.position}:${step.label}`, label: step.label, kind: step.kind, position: step.position,
      fallback: !!step.fallback, attempts: step.attempts ?? 1, omitted: step.omitted ?? 0, segments: [] };
    const failures = [...(step.failures ?? [])].sort((a, b) => a.attempt - b.attempt);
    const completed = ms(step.completedAt);
    let started = ms(step.startedAt);
    if (started == null) started = failures.length ? ms(failures[0].startedAt) : null;
    if (started == null) {
      // a signal, a sleep or a step stored without its start: it waited since the step before
      if (step.kind === 'STEP') started = completed;
      else {
        row.segments.push({ type: 'wait', start: previousEnd, end: completed, title: `${kindWord(step.kind)} until ${step.completedAt}` });
        started = completed;
      }
    } else if (step.kind !== 'STEP' && failures.length === 0) {
      // a signal or a sleep that knows when it began waiting
      row.segments.push({ type: 'wait', start: started, end: completed ?? started, title: `${kindWord(step.kind)} until ${step.completedAt}` });
    }
    let cursor = started;
    failures.forEach((f, i) => {
      const fs = ms(f.startedAt) ?? cursor;
      const fe = ms(f.endedAt) ?? fs;
      if (fs > cursor) row.segments.push({ type: 'wait', start: cursor, end: fs, title: 'retry wait' });
      row.segments.push({ type: 'failed', start: fs, end: fe, attempt: f.attempt, messageId: f.messageId ?? null,
        message: f.message ?? '', errorType: f.type ?? '', retryWaitMs: f.retryWaitMs ?? null });
      cursor = fe;
      const wait = f.retryWaitMs;
      const nextStart = i + 1 < failures.length ? ms(failures[i + 1].startedAt) : null;
      if (wait != null && wait > 0 && nextStart == null && completed != null && !step.fallback) {
        const until = Math.min(completed, fe + wait);
        row.segments.push({ type: 'wait', start: fe, end: until, title: `retry wait ${wait} ms` });
        cursor = until;
      }
    });
    if (completed != null && (step.kind === 'STEP' || failures.length)) {
      if (step.fallback) {
        row.segments.push({ type: 'fallback', start: cursor, end: Math.max(cursor, completed), attempt: null, title: 'fallback' });
      } else {
        row.segments.push({ type: 'ok', start: cursor, end: Math.max(cursor, completed), attempt: row.omitted + failures.length + 1 });
      }
    }
    row.start = row.segments.length ? Math.min(...row.segments.map((s) => s.start)) : completed;
    row.end = completed ?? cursor;
    previousEnd = row.end ?? previousEnd;
    rows.push(row);
  }

  if (run.failure) {
    const f = run.failure;
    const row = { key: `failure:${f.label}`, label: f.label, kind: 'STEP', failedForGood: true, attempts: f.attempts, omitted: f.omitted ?? 0, segments: [] };
    let cursor = null;
    for (const x of [...(f.failures ?? [])].sort((a, b) => a.attempt - b.attempt)) {
      const fs = ms(x.startedAt) ?? cursor ?? previousEnd;
      const fe = ms(x.endedAt) ?? fs;
      if (cursor != null && fs > cursor) row.segments.push({ type: 'wait', start: cursor, end: fs, title: 'retry wait' });
      row.segments.push({ type: 'failed', start: fs, end: fe, attempt: x.attempt, messageId: x.messageId ?? null,
        message: x.message ?? '', errorType: x.type ?? '', retryWaitMs: x.retryWaitMs ?? null });
      cursor = fe;
    }
    row.start = row.segments[0]?.start ?? previousEnd;
    row.end = cursor ?? previousEnd;
    rows.push(row);
  }

  for (const r of run.running ?? []) {
    const start = ms(r.startedAt) ?? now;
    let row = rows.find((x) => x.label === r.label && x.end == null);
    if (!row) {
      row = { key: `running:${r.label}`, label: r.label, kind: 'STEP', attempts: r.attempt, segments: [], running: true };
      rows.push(row);
    }
    row.segments.push({ type: 'running', start, end: Math.max(start, now), attempt: r.attempt });
    row.start = Math.min(row.start ?? start, start);
    row.end = null;
  }

  if (run.suspension) {
    const s = run.suspension;
    const start = ms(s.suspendedAt) ?? previousEnd;
    const end = open ? Math.max(start, now) : (ms(run.updatedAt) ?? start);
    rows.push({ key: `suspension:${s.name}:${s.suspendedAt}`, label: s.name, kind: 'SUSPENSION', suspension: true,
      segments: [{ type: 'suspended', start, end, title: s.expiresAt ? `waits until ${s.expiresAt}` : 'waits' }], start, end: null });
  }

  const grouped = groupBranches(rows);

  let end = open ? now : (ms(run.updatedAt) ?? now);
  for (const row of rows) for (const s of row.segments) end = Math.max(end, s.end ?? s.start);
  const start = Math.min(created, ...grouped.flatMap((r) => r.segments.map((s) => s.start)));
  const span = Math.max(1, end - start);
  for (const row of grouped) {
    for (const s of row.segments) {
      s.left = ((s.start - start) / span) * 100;
      s.width = Math.max(0, ((s.end - s.start) / span) * 100);
      s.duration = s.end - s.start;
    }
  }
  return { start, end, rows: grouped, ticks: ticks(span).map((at) => ({ at, left: (at / span) * 100, label: duration(at) })) };
}

/**
 * Puts the branches of a parallel map (steps labelled `…/notes[0]/read`, `…/notes[1]/read`) under
 * one row for the map (`…/notes`, kind PARALLEL) that spans them, in branch order; other rows keep
 * their order.
 */
export function groupBranches(rows) {
  const branchOf = (label) => /^(.*?)\[(\d+)\](?:\/(.*))?$/.exec(label ?? '');
  const groups = new Map();
  for (const row of rows) {
    const m = branchOf(row.label);
    if (!m) continue;
    row.branch = Number(m[2]);
    row.branchLabel = m[3] ? `[${m[2]}] ${m[3]}` : `[${m[2]}]`;
    if (!groups.has(m[1])) groups.set(m[1], []);
    groups.get(m[1]).push(row);
  }
  const out = [];
  const placed = new Set();
  for (const row of rows) {
    const m = branchOf(row.label);
    if (!m) {
      out.push(row);
      continue;
    }
    if (placed.has(m[1])) continue;
    placed.add(m[1]);
    const members = groups.get(m[1]).sort((a, b) => a.branch - b.branch || a.label.localeCompare(b.label));
    const starts = members.flatMap((r) => r.segments.map((x) => x.start));
    const ends = members.flatMap((r) => r.segments.map((x) => x.end ?? x.start));
    const branches = new Set(members.map((r) => r.branch)).size;
    const openBranch = members.some((r) => r.end == null);
    out.push({ key: `group:${m[1]}`, label: m[1], kind: 'PARALLEL', group: true, branches,
      segments: starts.length ? [{ type: 'group', start: Math.min(...starts), end: Math.max(...ends), title: `${branches} branches` }] : [],
      start: starts.length ? Math.min(...starts) : null, end: openBranch ? null : Math.max(...ends) });
    out.push(...members);
  }
  return out;
}

function kindWord(kind) {
  return { SIGNAL: 'waited for a signal', SLEEP: 'slept' }[kind] ?? String(kind).toLowerCase();
}

/** Round times along an axis of `span` ms: 4 to 10 of them, at 1, 2 or 5 times a power of ten. */
export function ticks(span) {
  if (!(span > 0)) return [0];
  let step = 1;
  for (const p of [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8]) {
    const found = [1, 2, 5].map((m) => m * p).find((s) => span / s <= 10);
    if (found) {
      step = found;
      break;
    }
    step = 1e9;
  }
  const out = [];
  for (let t = 0; t <= span; t += step) out.push(t);
  return out;
}

/** A duration for people: 850 ms, 1.2 s, 3 min 5 s, 2 h 10 min. */
export function duration(msValue) {
  const v = Math.max(0, Math.round(msValue));
  if (v < 1000) return `${v} ms`;
  if (v < 60_000) return `${(v / 1000).toFixed(v < 10_000 ? 1 : 0).replace(/\.0$/, '')} s`;
  if (v < 3_600_000) return `${Math.floor(v / 60_000)} min${v % 60_000 >= 1000 ? ` ${Math.floor((v % 60_000) / 1000)} s` : ''}`;
  return `${Math.floor(v / 3_600_000)} h${v % 3_600_000 >= 60_000 ? ` ${Math.floor((v % 3_600_000) / 60_000)} min` : ''}`;
}

/** Children grouped by the step that started them (null: no step known). */
export function childrenByStep(run) {
  const out = new Map();
  for (const c of run.children ?? []) {
    const k = c.parentStep ?? null;
    if (!out.has(k)) out.set(k, []);
    out.get(k).push(c);
  }
  return out;
}

// ------------------------------------------------------------------ forms from JSON Schema

/** Follows a local $ref (#/$defs/X, #/definitions/X). */
function resolve(schema, root) {
  let s = schema ?? {};
  for (let i = 0; s.$ref && i < 20; i++) {
    const path = s.$ref.replace(/^#\/?/, '').split('/').filter(Boolean).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    let target = root;
    for (const p of path) target = target?.[p];
    if (!target) break;
    s = { ...target, ...Object.fromEntries(Object.entries(s).filter(([k]) => k !== '$ref')) };
  }
  return s;
}

/** The one non-null type of a schema (type: ["string", "null"] is a string that may be left empty). */
function typeOf(s) {
  if (Array.isArray(s.enum)) return 'enum';
  if (s.const !== undefined) return 'enum';
  let t = s.type;
  if (Array.isArray(t)) t = t.find((x) => x !== 'null');
  if (!t && s.properties) t = 'object';
  if (!t && Array.isArray(s.anyOf ?? s.oneOf)) {
    const alt = (s.anyOf ?? s.oneOf).find((x) => x.type && x.type !== 'null');
    if (alt) return typeOf(alt);
  }
  return t ?? 'string';
}

/**
 * The fields of a form for a JSON Schema: a tree of {path, name, label, type, required, …}, where
 * type is string, number, integer, boolean, enum, object (with fields) or array (with item, a
 * primitive field). Other shapes (arrays of objects, free objects) come as type 'json': a text area
 * for JSON.
 */
export function schemaFields(schema, root = schema, path = '', required = false, name = '') {
  const s = resolve(schema, root);
  const type = typeOf(s);
  const field = {
    path, name, label: s.title ?? humanize(name), description: s.description ?? '', type, required,
    nullable: Array.isArray(s.type) && s.type.includes('null'),
    minimum: s.minimum, maximum: s.maximum, exclusiveMinimum: s.exclusiveMinimum, exclusiveMaximum: s.exclusiveMaximum,
    minLength: s.minLength, maxLength: s.maxLength, pattern: s.pattern, format: s.format,
    minItems: s.minItems, maxItems: s.maxItems, default: s.default,
  };
  if (type === 'enum') field.options = Array.isArray(s.enum) ? s.enum.filter((v) => v !== null) : [s.const];
  if (type === 'object') {
    if (!s.properties) {
      field.type = 'json';
    } else {
      const req = new Set(s.required ?? []);
      field.fields = Object.entries(s.properties).map(([k, v]) =>
        schemaFields(v, root, path ? `${path}.${k}` : k, req.has(k), k));
    }
  }
  if (type === 'array') {
    const item = schemaFields(s.items ?? {}, root, `${path}[]`, true, name);
    if (['string', 'number', 'integer', 'boolean', 'enum'].includes(item.type)) field.item = item;
    else field.type = 'json';
  }
  return field;
}

function humanize(name) {
  const words = String(name).replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[-_]+/g, ' ').trim().toLowerCase();
  return words ? words[0].toUpperCase() + words.slice(1) : '';
}

/** Every leaf field of a form (the ones with an input), depth first. */
export function leaves(field) {
  return field.type === 'object' ? field.fields.flatMap(leaves) : [field];
}

/**
 * Reads and checks a form's values. `raw(path)` gives what an input holds: a string (text, number,
 * enum, array: one value a line, json), or a boolean for a check box.
 * @returns {{value: any, errors: Object<string, string>}} errors by field path; the value is what the signal sends
 */
export function readForm(field, raw) {
  const errors = {};
  const value = readField(field, raw, errors);
  return { value, errors };
}

function readField(f, raw, errors) {
  if (f.type === 'object') {
    const out = {};
    for (const c of f.fields) {
      const v = readField(c, raw, errors);
      if (v !== undefined) out[c.name] = v;
    }
    return out;
  }
  const r = raw(f.path);
  if (f.type === 'boolean') return !!r;
  const text = r == null ? '' : String(r);
  if (f.type === 'array') {
    const lines = text.split('\n').map((x) => x.trim()).filter((x) => x !== '');
    if (lines.length === 0 && !f.required) return undefined;
    const values = [];
    lines.forEach((line, i) => {
      const e = {};
      const v = scalar(f.item, line, e);
      if (e.message) errors[f.path] ??= `Line ${i + 1}: ${e.message}`;
      else values.push(v);
    });
    if (f.minItems != null && values.length < f.minItems) errors[f.path] ??= `Give at least ${f.minItems} value${f.minItems === 1 ? '' : 's'}, one a line.`;
    if (f.maxItems != null && values.length > f.maxItems) errors[f.path] ??= `Give at most ${f.maxItems} values.`;
    return values;
  }
  if (text.trim() === '') {
    if (f.required && !f.nullable) errors[f.path] = f.type === 'enum' ? 'Pick a value.' : 'Required.';
    return f.nullable ? null : undefined;
  }
  const e = {};
  const v = scalar(f, text, e);
  if (e.message) errors[f.path] = e.message;
  return v;
}

function scalar(f, text, e) {
  switch (f.type) {
    case 'number':
    case 'integer': {
      const t = text.trim();
      const n = Number(t);
      if (t === '' || !Number.isFinite(n)) {
        e.message = 'Must be a number.';
        return undefined;
      }
      if (f.type === 'integer' && !Number.isInteger(n)) {
        e.message = 'Must be a whole number.';
        return undefined;
      }
      if (f.minimum != null && n < f.minimum) e.message = `Must be at least ${f.minimum}.`;
      else if (f.maximum != null && n > f.maximum) e.message = `Must be at most ${f.maximum}.`;
      else if (typeof f.exclusiveMinimum === 'number' && n <= f.exclusiveMinimum) e.message = `Must be more than ${f.exclusiveMinimum}.`;
      else if (typeof f.exclusiveMaximum === 'number' && n >= f.exclusiveMaximum) e.message = `Must be less than ${f.exclusiveMaximum}.`;
      return n;
    }
    case 'boolean':
      if (/^(true|yes|1)$/i.test(text.trim())) return true;
      if (/^(false|no|0)$/i.test(text.trim())) return false;
      e.message = 'Must be true or false.';
      return undefined;
    case 'enum': {
      const option = f.options.find((o) => String(o) === text);
      if (option === undefined) e.message = `Pick one of ${f.options.join(', ')}.`;
      return option;
    }
    case 'json':
      try {
        return JSON.parse(text);
      } catch {
        e.message = 'Must be JSON.';
        return undefined;
      }
    default: {
      if (f.minLength != null && text.length < f.minLength) e.message = `At least ${f.minLength} character${f.minLength === 1 ? '' : 's'}.`;
      else if (f.maxLength != null && text.length > f.maxLength) e.message = `At most ${f.maxLength} characters.`;
      else if (f.pattern && !safeRegex(f.pattern)?.test(text)) e.message = `Must match ${f.pattern}.`;
      return text;
    }
  }
}

function safeRegex(pattern) {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return null;
  }
}

/**
 * Maps a 400 problem's field names (Bean Validation's paths, such as `signal.payload.manager` or
 * `manager`) onto the form's paths: the longest path of the form that ends the problem's name.
 */
export function problemFieldErrors(field, fieldErrors = {}) {
  const paths = leaves(field).map((f) => f.path).sort((a, b) => b.length - a.length);
  const out = {};
  for (const [name, message] of Object.entries(fieldErrors)) {
    const p = paths.find((x) => x && (name === x || name.endsWith(`.${x}`)));
    out[p ?? ''] = out[p ?? ''] ? `${out[p ?? '']} ${message}` : message;
  }
  return out;
}
