// crux-ee's browser client: an ES module with no build step. Every WAR with crux-ee-sse serves it
// (by default at <context root>/crux/client.js); npm-style tooling imports it as @crux-ee/client.
//
//   import { createClient } from '/my-app/crux/client.js';
//   const crux = createClient({ baseUrl: '/my-app/api', headers: async () => ({ Authorization: `Bearer ${await getToken()}` }) });
//   const session = crux.session('help-desk');
//   session.subscribe(() => render(session.getSnapshot()));
//   await session.send('ask', { text: 'How do I file an expense?' });
//
// Streams are read with fetch (so Authorization headers and cookies go with them), resumed with
// Last-Event-ID after a drop, and folded into a request view: items by id with their lifecycle,
// text streamed from content.delta, the request's status, errors as RFC 9457 problems.
import { createParser } from './vendor/eventsource-parser.js';

/** Events after which a request's stream has nothing more to send. */
const TERMINAL = new Set(['request.completed', 'request.failed', 'request.cancelled']);

/**
 * An RFC 9457 problem (application/problem+json) answered by the server, or a network failure.
 * `status` is always the HTTP status (0 without an answer); `body` is the answer's JSON as it came,
 * whatever its shape (the signal endpoint's 410 answers {flowId, status: "expired"}).
 */
export class CruxProblem extends Error {
  constructor(problem, body = null) {
    super(problem.detail || problem.title || `HTTP ${problem.status}`);
    this.name = 'CruxProblem';
    this.status = problem.status ?? 0;
    this.type = problem.type ?? 'about:blank';
    this.title = problem.title ?? '';
    this.detail = problem.detail ?? '';
    /** Per-field errors of a 400: [{pointer, field, message}]. */
    this.errors = Array.isArray(problem.errors) ? problem.errors : [];
    this.problem = problem;
    this.body = body;
  }

  /** @returns {Record<string, string>} the first message per field, for a form */
  fieldErrors() {
    const byField = {};
    for (const e of this.errors) {
      const field = e.field ?? (e.pointer ? e.pointer.replace(/^\//, '').replaceAll('/', '.') : '');
      if (!(field in byField)) byField[field] = e.message;
    }
    return byField;
  }
}

/** Reports an error thrown by a subscriber without stopping the others (window's error event in a browser). */
function reportListenerError(e) {
  if (typeof globalThis.reportError === 'function') globalThis.reportError(e);
  else
    queueMicrotask(() => {
      throw e;
    });
}

/**
 * A value that changes, with subscribe/getSnapshot: what React's useSyncExternalStore, Vue's
 * shallowRef or plain DOM code bind to. A snapshot is replaced, never changed, on each update.
 */
export function createStore(initial) {
  let snapshot = initial;
  const listeners = new Set();
  return {
    getSnapshot: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(next) {
      if (next === snapshot) return;
      snapshot = next;
      // a subscriber that throws (a broken render) is reported; the others and the stream go on
      for (const l of [...listeners]) {
        try {
          l(snapshot);
        } catch (e) {
          reportListenerError(e);
        }
      }
    },
    update(fn) {
      this.set(fn(snapshot));
    },
  };
}

/** Lower-cases the enum names the server writes (MESSAGE, IN_PROGRESS) so that either spelling works. */
function normalizeItem(item) {
  return {
    ...item,
    type: String(item.type ?? '').toLowerCase(),
    status: String(item.status ?? '').toLowerCase(),
    audience: item.audience == null ? undefined : String(item.audience).toLowerCase(),
    content: item.content ?? {},
  };
}

/**
 * Custom renderers of items, chosen by item type or, for components, by component name: what turns an
 * item of the view into what the page shows (a DOM node, a React element, a string: the registry does
 * not care). Keys are item types as the client spells them (`message`, `component`, `status`,
 * `tool_call`, ...), `component:<name>` for one component (`component:ticket`), and `*` for any item
 * nothing else matches. `resolve(item)` takes the most specific: the component's name, then the type,
 * then `*`. A renderer that throws is reported (`onError`, by default the page's `reportError`) and the
 * item is rendered by the next match instead, so one broken renderer does not break the list.
 *
 * @param {Record<string, Function>} [initial] renderers to register, by key
 * @param {{onError?: (e: unknown, item: object) => void}} [options]
 */
export function createRenderers(initial = {}, { onError = reportListenerError } = {}) {
  const byKey = new Map();
  const keysOf = (item) => {
    const type = String(item?.type ?? '').toLowerCase();
    const name = item?.content?.name;
    return [...(type === 'component' && name != null ? [`component:${name}`] : []), type, '*'];
  };
  const registry = {
    /**
     * Registers `fn(item, context)` under `key`, replacing an earlier one; returns a function that
     * removes it again (if it is still the one registered).
     */
    register(key, fn) {
      if (typeof key !== 'string' || key === '') throw new TypeError('a renderer key is a non-empty string');
      if (typeof fn !== 'function') throw new TypeError(`the renderer of '${key}' is not a function`);
      const k = key.toLowerCase();
      byKey.set(k, fn);
      return () => {
        if (byKey.get(k) === fn) byKey.delete(k);
      };
    },
    /** Removes the renderer of `key`; returns whether there was one. */
    unregister: (key) => byKey.delete(String(key).toLowerCase()),
    has: (key) => byKey.has(String(key).toLowerCase()),
    /** The renderers that match the item, most specific first. */
    resolveAll: (item) => keysOf(item).filter((k) => byKey.has(k)).map((k) => byKey.get(k)),
    /** The most specific renderer of the item, or null. */
    resolve: (item) => registry.resolveAll(item)[0] ?? null,
    /**
     * Renders the item with the most specific renderer, falling back to the next when one throws;
     * `fallback(item, context)` (or null) when none matches or every one threw.
     */
    render(item, context, fallback = null) {
      for (const fn of registry.resolveAll(item)) {
        try {
          return fn(item, context);
        } catch (e) {
          onError(e, item);
        }
      }
      return fallback ? fallback(item, context) : null;
    },
  };
  for (const [key, fn] of Object.entries(initial ?? {})) registry.register(key, fn);
  return registry;
}

/**
 * Folds a request's events into a view. Pure bookkeeping, no I/O: the client feeds it events and
 * publishes {@link RequestFold#snapshot} once per batch, so a replay of thousands of events costs
 * one snapshot per network chunk, not one per event.
 */
export class RequestFold {
  constructor(requestId, sessionId = null) {
    this.requestId = requestId;
    this.sessionId = sessionId;
    this.status = 'pending';
    this.lastSeq = 0;
    this.order = [];
    this.items = new Map();
    this.suspension = null;
    this.error = null;
    this.output = undefined;
    this.duplicates = 0;
    this.gaps = 0;
    this.changed = true;
    this.cached = null;
  }

  /**
   * @param {object} event the envelope {type, requestId, seq, ts, ...}
   * @returns {boolean} whether it was new (false for a duplicate after a reconnect)
   */
  apply(event) {
    if (event.type === 'content.delta') {
      // live only, never stored or replayed: it carries its item.added's number, not its own
      const item = this.items.get(event.itemId);
      if (!item || item.status !== 'in_progress') return false;
      const text = (item.content.text ?? '') + event.delta;
      this.items.set(item.id, { ...item, content: { ...item.content, text } });
      this.changed = true;
      return true;
    }
    if (typeof event.seq === 'number') {
      if (event.seq <= this.lastSeq) {
        this.duplicates++;
        return false;
      }
      if (event.seq > this.lastSeq + 1 && this.lastSeq > 0) this.gaps++;
      this.lastSeq = event.seq;
    }
    this.changed = true;
    switch (event.type) {
      case 'request.created':
        this.status = 'created';
        break;
      case 'request.in_progress':
        this.status = 'in_progress';
        this.suspension = null;
        break;
      case 'item.added':
      case 'item.done': {
        const item = normalizeItem(event.item);
        const known = this.items.get(item.id);
        if (!known) this.order.push(item.id);
        // item.done carries the whole text: it repairs whatever deltas a drop made us miss
        this.items.set(item.id, known?.resumed && event.type === 'item.added' ? { ...item, resumed: true } : item);
        break;
      }
      case 'request.suspended':
        this.status = 'suspended';
        this.suspension = { name: event.name, expiresAt: event.expiresAt ?? null };
        break;
      case 'request.completed':
        this.status = 'completed';
        break;
      case 'request.failed':
        this.status = 'failed';
        this.error = new CruxProblem({ status: 500, title: 'The request failed', detail: event.error });
        break;
      case 'request.cancelled':
        this.status = 'cancelled';
        this.error = new CruxProblem({ status: 409, title: 'The request was cancelled', detail: event.reason ?? '' });
        break;
      default:
        break; // state.changed, resource.changed and event types this client does not know change nothing here
    }
    return true;
  }

  /** After a reconnect, in-progress items may have missed deltas until their item.done. */
  markResumed() {
    for (const [id, item] of this.items) {
      if (item.status === 'in_progress' && !item.resumed) {
        this.items.set(id, { ...item, resumed: true });
        this.changed = true;
      }
    }
  }

  /** @returns {object} an immutable view; the same object until something changes */
  snapshot(extra = {}) {
    if (!this.changed && this.cached && Object.keys(extra).every((k) => this.cached[k] === extra[k])) {
      return this.cached;
    }
    this.changed = false;
    this.cached = Object.freeze({
      requestId: this.requestId,
      sessionId: this.sessionId,
      status: this.status,
      lastSeq: this.lastSeq,
      items: this.order.map((id) => this.items.get(id)),
      suspension: this.suspension,
      error: this.error,
      output: this.output,
      duplicates: this.duplicates,
      gaps: this.gaps,
      ...extra,
    });
    return this.cached;
  }
}

const wait = (ms, signal) =>
  new Promise((resolve) => {
    const onAbort = () => (clearTimeout(t), resolve());
    const t = setTimeout(() => (signal?.removeEventListener('abort', onAbort), resolve()), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Waits the backoff delay, or less when the browser tells it is back online. */
function pause(ms, signal) {
  const offline = globalThis.navigator?.onLine === false && typeof globalThis.addEventListener === 'function';
  if (!offline) return wait(ms, signal);
  return new Promise((resolve) => {
    const done = () => (globalThis.removeEventListener('online', done), resolve());
    globalThis.addEventListener('online', done, { once: true });
    wait(ms, signal).then(done);
  });
}

/**
 * @param {object} options
 * @param {string} options.baseUrl the application's Jakarta REST root, such as '/crux-sample/api'
 * @param {object|function} [options.headers] headers for every call, or a function returning them or a promise of them
 *   (an Authorization header with a token that is fetched or refreshed, say); called before each call and each (re)connect
 * @param {RequestCredentials} [options.credentials] fetch's credentials mode (default 'same-origin': cookies go along)
 * @param {function} [options.fetch] the fetch to use (default globalThis.fetch)
 * @param {object} [options.backoff] reconnect delays {initialMs: 250, maxMs: 10000, factor: 2, jitter: 0.2}
 * @param {number} [options.maxReconnects] reconnects in a row without an event before a stream gives up (default Infinity)
 * @param {number} [options.idleTimeoutMs] a stream that brings no byte for this long is dropped and resumed (default
 *   37,500: 2.5 times the server's heartbeat, a comment every 15 s by default, `crux.sse.heartbeat`); 0 turns it off
 */
export function createClient(options = {}) {
  const base = String(options.baseUrl ?? '/api').replace(/\/$/, '');
  const doFetch = options.fetch ?? ((...args) => globalThis.fetch(...args));
  const credentials = options.credentials ?? 'same-origin';
  const backoff = { initialMs: 250, maxMs: 10000, factor: 2, jitter: 0.2, ...(options.backoff ?? {}) };
  const maxReconnects = options.maxReconnects ?? Infinity;
  const idleTimeoutMs = options.idleTimeoutMs ?? 37500;
  const enc = encodeURIComponent;

  const headers = async (extra) => ({
    ...(typeof options.headers === 'function' ? await options.headers() : (options.headers ?? {})),
    ...extra,
  });

  async function problemOf(res) {
    let body = null;
    try {
      const text = await res.text();
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
    // the HTTP status wins over a `status` field of the body, which stays readable as problem.body
    const fields = body && typeof body === 'object' && !Array.isArray(body) ? body : {};
    return new CruxProblem({ title: res.statusText, ...fields, status: res.status }, body);
  }

  async function call(method, path, body, { raw = false } = {}) {
    let res;
    try {
      res = await doFetch(base + path, {
        method,
        credentials,
        headers: await headers(body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' }),
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw new CruxProblem({ status: 0, title: 'Network error', detail: String(e?.message ?? e) });
    }
    if (!res.ok) throw await problemOf(res);
    if (raw) return res;
    if (res.status === 204) return null;
    const text = await res.text();
    return text ? JSON.parse(text) : null;
  }

  /** The rel="next" target of a Link header, as a path below baseUrl's origin, or null. */
  function nextLink(res) {
    const link = res.headers.get('Link');
    const m = link && /<([^>]+)>\s*;\s*rel="?next"?/.exec(link);
    return m ? new URL(m[1], 'http://x').searchParams : null;
  }

  function backoffDelay(attempt) {
    const d = Math.min(backoff.maxMs, backoff.initialMs * backoff.factor ** attempt);
    return d - d * backoff.jitter * Math.random();
  }

  /**
   * Reads a request's stream to its end: resumes after a drop with Last-Event-ID (backoff between
   * tries, reset once events flow again), drops a connection that stays silent for longer than the
   * idle timeout, and stops at request.suspended and at the terminal events. Events are handed on
   * as they come: an event a proxy repeats after a reconnect is dropped (and counted) by the
   * RequestFold that follow() folds them into, the one place that filters them.
   *
   * @param {string} kind the flow kind
   * @param {string} requestId the request
   * @param {object} o
   * @param {number} [o.lastSeq] the last event number already seen (0: from the start)
   * @param {AbortSignal} [o.signal] stops reading
   * @param {function(object[]): void} o.onEvents receives each batch of events (one network chunk)
   * @param {function(string, object=): void} [o.onConnection] 'open', 'reconnecting' (with {attempt, delayMs, error}), 'closed'
   * @returns {Promise<{end: string, lastSeq: number}>} end is the last event type, 'ended' (204 or the run ended) or 'aborted'
   */
  async function readStream(kind, requestId, o) {
    let lastSeq = o.lastSeq ?? 0;
    let attempt = 0;
    const onConnection = o.onConnection ?? (() => {});
    const path = `${base}/flows/${enc(kind)}/requests/${enc(requestId)}/stream`;
    for (;;) {
      if (o.signal?.aborted) return { end: 'aborted', lastSeq };
      let failure = null;
      // one controller per connection: the caller's signal and the idle timer both abort it
      const connection = new AbortController();
      const stop = () => connection.abort(o.signal?.reason);
      o.signal?.addEventListener('abort', stop, { once: true });
      let reader = null;
      let idle = null;
      let timer = null;
      const touch = () => {
        if (!(idleTimeoutMs > 0)) return;
        clearTimeout(timer);
        timer = setTimeout(() => {
          idle = new Error(`no byte for ${idleTimeoutMs} ms (the server sends a heartbeat comment when it is quiet)`);
          connection.abort(idle);
          reader?.cancel(idle).catch(() => {});
        }, idleTimeoutMs);
      };
      try {
        touch();
        const res = await doFetch(path, {
          credentials,
          cache: 'no-store',
          signal: connection.signal,
          headers: await headers({
            Accept: 'text/event-stream',
            ...(lastSeq > 0 ? { 'Last-Event-ID': `${requestId}:${lastSeq}` } : {}),
          }),
        });
        if (res.status === 204) {
          onConnection('closed');
          return { end: 'ended', lastSeq };
        }
        const type = res.headers.get('Content-Type') ?? '';
        if (res.ok && !/^text\/event-stream\b/i.test(type)) {
          // a login page or a proxy's answer: reading it again would not make it a stream
          res.body?.cancel().catch(() => {});
          onConnection('closed');
          throw new CruxProblem({
            status: res.status,
            type: 'urn:crux:client:not-an-event-stream',
            title: 'Not an event stream',
            detail: `The stream of request ${requestId} answered ${res.status} with Content-Type '${type || 'none'}', not text/event-stream`,
          });
        }
        if (!res.ok) {
          const problem = await problemOf(res);
          if (res.status < 500 && res.status !== 408 && res.status !== 429) {
            onConnection('closed');
            throw problem;
          }
          failure = problem;
        } else {
          onConnection('open');
          let end = null;
          const parser = createParser({
            onEvent(message) {
              if (end) return;
              let event;
              try {
                event = JSON.parse(message.data);
              } catch {
                return; // not one of crux-ee's envelopes
              }
              // content.delta carries its item.added's number, not one of its own
              if (event.type !== 'content.delta' && typeof event.seq === 'number') lastSeq = Math.max(lastSeq, event.seq);
              batch.push(event);
              if (TERMINAL.has(event.type) || event.type === 'request.suspended') end = event.type;
            },
          });
          let batch = [];
          let finished = false;
          reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
          try {
            for (;;) {
              const { value, done } = await reader.read();
              if (done) {
                finished = true;
                break;
              }
              touch();
              parser.feed(value);
              if (batch.length) {
                attempt = 0; // events flow again
                const events = batch;
                batch = [];
                o.onEvents(events);
              }
              if (end) {
                finished = true;
                reader.cancel().catch(() => {});
                onConnection('closed');
                return { end, lastSeq };
              }
            }
          } finally {
            // a read that failed (a broken consumer, the idle timer) leaves the body open: cancel it
            if (!finished && !o.signal?.aborted) reader.cancel().catch(() => {});
            reader.releaseLock?.();
          }
          // the server closed the stream without a last word (the run ended, or the server went
          // away), or the idle timer cancelled it
          failure = idle;
        }
      } catch (e) {
        if (e instanceof CruxProblem) throw e;
        if (o.signal?.aborted) return { end: 'aborted', lastSeq };
        failure = idle ?? e;
      } finally {
        clearTimeout(timer);
        o.signal?.removeEventListener('abort', stop);
      }
      if (attempt >= maxReconnects) {
        onConnection('closed');
        throw new CruxProblem({ status: 0, title: 'Stream lost', detail: String(failure?.message ?? failure ?? 'closed') });
      }
      // after a failure, or a close with nothing new since the last try, wait longer each time
      const delayMs = backoffDelay(attempt);
      onConnection('reconnecting', { attempt: attempt + 1, delayMs, error: failure });
      attempt++;
      await pause(delayMs, o.signal);
    }
  }

  /**
   * Follows a request: a store whose snapshot is the folded view {requestId, sessionId, status,
   * items, suspension, error, output, connection, reconnects, lastSeq}.
   */
  function follow(kind, requestId, o = {}) {
    const fold = new RequestFold(requestId, o.sessionId ?? null);
    let connection = 'connecting';
    let reconnects = 0;
    const store = createStore(fold.snapshot({ connection, reconnects }));
    const publish = () => store.set(fold.snapshot({ connection, reconnects }));
    let controller = null;
    let running = null;
    let reading = false;

    async function run() {
      controller = new AbortController();
      reading = true;
      try {
        let end = await read();
        // a replay that meets an old request.suspended: read on while the run has events beyond
        // what was folded (it was signalled since, and may be suspended again), or runs again
        while (end === 'request.suspended') {
          const info = await call('GET', `/flows/${enc(kind)}/requests/${enc(requestId)}`).catch(() => null);
          if (!info) break;
          const beyond = typeof info.lastSeq === 'number' && info.lastSeq > fold.lastSeq;
          if (!beyond && String(info.status).toUpperCase() === 'SUSPENDED') break;
          end = await read();
        }
        return await finish(end);
      } catch (e) {
        fold.error = e instanceof CruxProblem ? e : new CruxProblem({ status: 0, title: 'Error', detail: String(e) });
        fold.changed = true;
        connection = 'closed';
        publish();
        return store.getSnapshot();
      } finally {
        reading = false;
      }
    }

    async function read() {
      const { end } = await readStream(kind, requestId, {
        lastSeq: fold.lastSeq,
        signal: controller.signal,
        onEvents(events) {
          for (const e of events) {
            if (fold.apply(e)) o.onEvent?.(e); // a repeated event is counted by the fold, not handed on again
          }
          publish();
        },
        onConnection(state) {
          if (state === 'reconnecting') {
            reconnects++;
            fold.markResumed();
          }
          connection = state;
          publish();
        },
      });
      return end;
    }

    /** Completes the view from the request's record: its output, and its status when the stream just ended. */
    async function finish(end) {
      if (end === 'request.completed' || end === 'ended') {
        const info = await call('GET', `/flows/${enc(kind)}/requests/${enc(requestId)}`).catch(() => null);
        if (info) {
          if (info.sessionId) fold.sessionId = info.sessionId;
          fold.output = info.output;
          const status = String(info.status ?? '').toLowerCase();
          if (end === 'ended' && status && status !== 'running') fold.status = status;
          if (info.error && !fold.error) fold.error = new CruxProblem({ status: 500, title: 'The request failed', detail: info.error });
          fold.changed = true;
        }
      }
      connection = 'closed';
      publish();
      return store.getSnapshot();
    }

    running = run();
    return {
      ...store,
      requestId,
      /** Resolves with the last snapshot when the stream ends (terminal event, suspension, error or close). */
      done: () => running,
      /** Reads on after a suspension, once the run has been signalled; while it still reads, the running read. */
      resume() {
        if (!reading) running = run();
        return running;
      },
      /** Stops reading (the request goes on on the server). */
      close() {
        controller?.abort();
      },
      /** Cancels the request on the server. */
      abort: () => call('POST', `/flows/${enc(kind)}/requests/${enc(requestId)}/abort`),
    };
  }

  /** Pages a session's items, oldest first (at most `max`). */
  async function history(kind, sessionId, max = 500) {
    const all = [];
    let before;
    while (all.length < max) {
      const page = await items(kind, sessionId, { before, limit: Math.min(100, max - all.length) });
      all.push(...page.items);
      if (!page.next) break;
      before = page.next;
    }
    return all.reverse();
  }

  /** @returns {Promise<{items: object[], next: string|null}>} one page, newest first; next is the cursor of the next page */
  async function items(kind, sessionId, { before, limit } = {}) {
    const q = new URLSearchParams();
    if (before) q.set('before', before);
    if (limit) q.set('limit', String(limit));
    const res = await call('GET', `/flows/${enc(kind)}/sessions/${enc(sessionId)}/items${String(q) ? `?${q}` : ''}`, undefined, { raw: true });
    const next = nextLink(res);
    return { items: (await res.json()).map(normalizeItem), next: next?.get('before') ?? null };
  }

  /**
   * A conversation: a store whose snapshot is {sessionId, items (history, then live, by id),
   * clientData, request (the current request's view), loading, error}. Client data is fetched
   * again on every state.changed and resource.changed of its requests (one fetch at a time, the
   * last change wins).
   */
  function session(kind, sessionId = null, o = {}) {
    const store = createStore(Object.freeze({ kind, sessionId, items: [], clientData: null, request: null, loading: false, error: null }));
    let current = null;
    let stateInFlight = null;
    let stateAgain = false;
    const set = (patch) => store.update((s) => Object.freeze({ ...s, ...patch }));

    function mergeItems(live) {
      const s = store.getSnapshot();
      const byId = new Map(s.items.map((i) => [i.id, i]));
      const order = s.items.map((i) => i.id);
      for (const i of live) {
        if (!byId.has(i.id)) order.push(i.id);
        byId.set(i.id, i);
      }
      return order.map((id) => byId.get(id));
    }

    async function refreshClientData() {
      const id = store.getSnapshot().sessionId;
      if (!id) return;
      if (stateInFlight) {
        stateAgain = true;
        return stateInFlight;
      }
      stateInFlight = (async () => {
        do {
          stateAgain = false;
          try {
            set({ clientData: await clientData(kind, id) });
          } catch (e) {
            set({ error: e });
          }
        } while (stateAgain);
        stateInFlight = null;
      })();
      return stateInFlight;
    }

    function followInSession(requestId, id) {
      return follow(kind, requestId, {
        sessionId: id,
        onEvent(e) {
          if (e.type === 'state.changed' || e.type === 'resource.changed') refreshClientData();
        },
      });
    }

    function track(view) {
      current?.close();
      current = view;
      const unsubscribe = view.subscribe((r) => {
        if (view !== current) return; // a view just left publishes its last snapshot: not the session's request any more
        set({ request: r, items: mergeItems(r.items), sessionId: store.getSnapshot().sessionId ?? r.sessionId });
      });
      view.done().finally(unsubscribe);
    }

    return {
      ...store,
      /**
       * Loads the session's stored items (after a page reload, say) and its client data, and follows
       * a request of the session that is still running (found with the runs API, which needs a
       * signed-in user; without one the history alone is shown). Its replay merges into the
       * history by item id, so nothing shows twice.
       */
      async load(id = store.getSnapshot().sessionId) {
        if (!id) return store.getSnapshot();
        set({ sessionId: id, loading: true, error: null });
        try {
          const stored = await history(kind, id, o.maxHistory ?? 500);
          set({ items: mergeItems(stored), loading: false });
          await refreshClientData();
        } catch (e) {
          set({ loading: false, error: e });
          return store.getSnapshot();
        }
        if (o.reattach !== false) {
          const running = await runsPage({ status: 'RUNNING', limit: 20 })
            .then((p) => p.runs.find((r) => r.sessionId === id && r.flowName === kind))
            .catch(() => null);
          if (running && !current) track(followInSession(running.flowId, id));
        }
        return store.getSnapshot();
      },
      /** Runs an action in this session (creating it with the first action); resolves with the request's final view. */
      async send(action, input) {
        set({ error: null });
        let accepted;
        try {
          accepted = await run(kind, action, input, { sessionId: store.getSnapshot().sessionId });
        } catch (e) {
          set({ error: e });
          throw e;
        }
        set({ sessionId: accepted.sessionId });
        const view = followInSession(accepted.requestId, accepted.sessionId);
        track(view);
        const last = await view.done();
        await refreshClientData();
        return last;
      },
      refreshClientData,
      abort: () => current?.abort(),
      close: () => current?.close(),
    };
  }

  /** One page of the runs the caller may reach, newest first: {runs, next} where next is {offset, limit} or null. */
  async function runsPage({ status, limit, offset } = {}) {
    const q = new URLSearchParams();
    if (status) q.set('status', status);
    if (limit) q.set('limit', String(limit));
    if (offset) q.set('offset', String(offset));
    const res = await call('GET', `/flows/runs${String(q) ? `?${q}` : ''}`, undefined, { raw: true });
    const next = nextLink(res);
    return { runs: await res.json(), next: next ? { offset: Number(next.get('offset')), limit: Number(next.get('limit')) } : null };
  }

  async function run(kind, action, input, { sessionId } = {}) {
    const path = sessionId
      ? `/flows/${enc(kind)}/sessions/${enc(sessionId)}/actions/${enc(action)}`
      : `/flows/${enc(kind)}/actions/${enc(action)}`;
    return call('POST', path, input ?? null);
  }

  function clientData(kind, sessionId) {
    return call('GET', `/flows/${enc(kind)}/sessions/${enc(sessionId)}/state`);
  }

  return {
    /** Custom renderers of items by type or component name (createRenderers; `options.renderers` seeds it). */
    renderers: createRenderers(options.renderers, options.onRendererError ? { onError: options.onRendererError } : {}),
    /** GET /flows: kinds, actions with input schemas, client-data views. */
    kinds: () => call('GET', '/flows'),
    /** Runs an action, in a new session or in `sessionId`'s: {requestId, sessionId, runId}. */
    run,
    /** Runs an action and follows its request (a store; see follow). */
    async start(kind, action, input, o = {}) {
      const accepted = await run(kind, action, input, o);
      return follow(kind, accepted.requestId, { ...o, sessionId: accepted.sessionId });
    },
    follow,
    readStream,
    request: (kind, requestId) => call('GET', `/flows/${enc(kind)}/requests/${enc(requestId)}`),
    abort: (kind, requestId) => call('POST', `/flows/${enc(kind)}/requests/${enc(requestId)}/abort`),
    sessions: (kind) => call('GET', `/flows/${enc(kind)}/sessions`),
    createSession: (kind) => call('POST', `/flows/${enc(kind)}/sessions`),
    getSession: (kind, id) => call('GET', `/flows/${enc(kind)}/sessions/${enc(id)}`),
    deleteSession: (kind, id) => call('DELETE', `/flows/${enc(kind)}/sessions/${enc(id)}`),
    clientData,
    items,
    history,
    session,
    runs: runsPage,
    runInfo: (runId) => call('GET', `/flows/runs/${enc(runId)}`),
    /** Delivers a payload to a suspended run; a branch-qualified name keeps its slashes. */
    signal: (runId, name, payload) =>
      call('POST', `/flows/runs/${enc(runId)}/signals/${name.split('/').map(enc).join('/')}`, payload),
    cancelRun: (runId, reason) =>
      call('POST', `/flows/runs/${enc(runId)}/cancel${reason ? `?reason=${enc(reason)}` : ''}`),
    /** A call of the application's own resources below baseUrl, with the client's headers and problems. */
    call,
  };
}
