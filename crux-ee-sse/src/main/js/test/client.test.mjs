import assert from 'node:assert/strict';
import { test } from 'node:test';

import { CruxProblem, RequestFold, createClient } from '../client.js';

const RID = 'r-1';
const enc = new TextEncoder();

/** One SSE frame as crux-ee writes it (RequestStream: an id: and a data: line, no event: line; the type is in the envelope). */
function frame(type, seq, fields = {}) {
  const data = { type, requestId: RID, seq, ts: '2026-01-01T00:00:00Z', ...fields };
  return `id: ${RID}:${seq}\ndata: ${JSON.stringify(data)}\n\n`;
}
const message = (id, status, text) => ({ id, type: 'MESSAGE', status, audience: 'CLIENT', content: { role: 'assistant', text } });

/** A streamed body: the chunks, then either an end or a network error (a dropped connection). */
function body(chunks, { drop = false } = {}) {
  const queue = [...chunks];
  return new ReadableStream({
    pull(c) {
      // one chunk per read; error() would discard what is still queued, so the drop comes after the last
      if (queue.length) c.enqueue(enc.encode(queue.shift()));
      else if (drop) c.error(new TypeError('network error'));
      else c.close();
    },
  });
}
const sse = (chunks, o) => new Response(body(chunks, o), { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
const json = (value, status = 200, headers = {}) =>
  new Response(JSON.stringify(value), { status, headers: { 'Content-Type': 'application/json', ...headers } });

/** A fetch that answers by route and records every call. */
function fakeFetch(routes) {
  const calls = [];
  const fn = async (url, init = {}) => {
    calls.push({ url, method: init.method ?? 'GET', headers: init.headers ?? {}, body: init.body });
    for (const [pattern, answer] of routes) {
      if (url.includes(pattern)) {
        const a = typeof answer === 'function' ? answer(init, calls) : answer;
        if (a) return a;
      }
    }
    return json({ status: 404, title: 'Not Found' }, 404);
  };
  fn.calls = calls;
  return fn;
}
/** Polls (every few ms, at most two seconds) until the condition holds. */
async function eventually(condition) {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(condition(), 'the condition was not reached in two seconds');
}
const client = (fetch, extra = {}) => createClient({ baseUrl: '/app/api', fetch, backoff: { initialMs: 1, maxMs: 5 }, ...extra });

test('a stream folds into items: text from deltas, lifecycle from item.added/item.done, output fetched on completion', async () => {
  const fetch = fakeFetch([
    ['/stream', sse([
      frame('request.created', 1) + frame('request.in_progress', 2),
      frame('item.added', 3, { item: message('m1', 'IN_PROGRESS', '') }),
      `id: ${RID}:3\ndata: ${JSON.stringify({ type: 'content.delta', requestId: RID, seq: 3, itemId: 'm1', delta: 'Hel' })}\n\n`,
      `id: ${RID}:3\ndata: ${JSON.stringify({ type: 'content.delta', requestId: RID, seq: 3, itemId: 'm1', delta: 'lo' })}\n\n`,
      frame('item.done', 4, { item: message('m1', 'COMPLETED', 'Hello') }) + frame('request.completed', 5),
    ])],
    [`/requests/${RID}`, json({ requestId: RID, sessionId: 's', status: 'COMPLETED', lastSeq: 5, output: 'Hello' })],
  ]);
  const seen = [];
  const view = client(fetch).follow('chat', RID);
  view.subscribe((s) => seen.push(s.items[0]?.content.text));
  const last = await view.done();
  assert.equal(last.status, 'completed');
  assert.equal(last.output, 'Hello');
  assert.equal(last.items.length, 1);
  assert.deepEqual([last.items[0].type, last.items[0].status, last.items[0].content.text], ['message', 'completed', 'Hello']);
  assert.ok(seen.includes('Hel'), `the partial text was published before the item finished: ${seen}`);
  assert.equal(view.getSnapshot(), last, 'the snapshot is stable once nothing changes');
});

test('a dropped stream resumes with Last-Event-ID, and a replayed event is not applied twice', async () => {
  let streams = 0;
  const fetch = fakeFetch([
    ['/stream', () => {
      streams++;
      if (streams === 1) return sse([frame('request.in_progress', 1), frame('item.done', 2, { item: message('a', 'COMPLETED', 'one') })], { drop: true });
      if (streams === 2) return new Response(null, { status: 503 }); // the server is restarting
      // the server resends from the number after Last-Event-ID; a proxy that resends event 2 must not duplicate it
      return sse([frame('item.done', 2, { item: message('a', 'COMPLETED', 'one') }), frame('item.done', 3, { item: message('b', 'COMPLETED', 'two') }), frame('request.completed', 4)]);
    }],
    [`/requests/${RID}`, json({ requestId: RID, status: 'COMPLETED', lastSeq: 4 })],
  ]);
  const states = [];
  const view = client(fetch).follow('chat', RID);
  view.subscribe((s) => states.push(s.connection));
  const last = await view.done();
  const streamCalls = fetch.calls.filter((c) => c.url.endsWith('/stream'));
  assert.equal(streamCalls.length, 3);
  assert.equal(streamCalls[0].headers['Last-Event-ID'], undefined);
  assert.equal(streamCalls[1].headers['Last-Event-ID'], `${RID}:2`);
  assert.equal(streamCalls[2].headers['Last-Event-ID'], `${RID}:2`);
  assert.deepEqual(last.items.map((i) => i.content.text), ['one', 'two']);
  assert.equal(last.status, 'completed');
  assert.equal(last.reconnects, 2);
  assert.equal(last.duplicates, 1, 'the resent event 2 is counted, once');
  assert.equal(last.gaps, 0);
  assert.ok(states.includes('reconnecting'));
});

test('a stream stops at request.suspended and reads on after resume()', async () => {
  let streams = 0;
  const fetch = fakeFetch([
    ['/stream', () => (++streams === 1
      ? sse([frame('request.in_progress', 1), frame('request.suspended', 2, { name: 'manager-approval', expiresAt: '2026-02-01T00:00:00Z' }), frame('request.in_progress', 3)])
      : sse([frame('request.in_progress', 3), frame('request.completed', 4)]))],
    [`/requests/${RID}`, () => json({ requestId: RID, status: streams === 1 ? 'SUSPENDED' : 'COMPLETED', output: { ok: true } })],
  ]);
  const view = client(fetch).follow('approval', RID);
  const suspended = await view.done();
  assert.equal(suspended.status, 'suspended');
  assert.deepEqual(suspended.suspension, { name: 'manager-approval', expiresAt: '2026-02-01T00:00:00Z' });
  assert.equal(suspended.lastSeq, 2, 'nothing after the suspension is read');
  const done = await view.resume();
  assert.equal(fetch.calls.filter((c) => c.url.endsWith('/stream'))[1].headers['Last-Event-ID'], `${RID}:2`);
  assert.equal(done.status, 'completed');
  assert.deepEqual(done.output, { ok: true });
});

test('204 ends a stream of a finished request without reconnecting; the status comes from the request', async () => {
  const fetch = fakeFetch([
    ['/stream', new Response(null, { status: 204 })],
    [`/requests/${RID}`, json({ requestId: RID, status: 'CANCELLED' })],
  ]);
  const last = await client(fetch).follow('chat', RID).done();
  assert.equal(last.status, 'cancelled');
  assert.equal(fetch.calls.filter((c) => c.url.endsWith('/stream')).length, 1);
});

test('a 404 of the stream is a problem, not a reason to reconnect', async () => {
  const fetch = fakeFetch([['/stream', json({ type: 'urn:crux:problem:CRUX0026E', title: 'Not Found', status: 404, detail: 'There is no request' }, 404)]]);
  const last = await client(fetch).follow('chat', RID).done();
  assert.ok(last.error instanceof CruxProblem);
  assert.equal(last.error.status, 404);
  assert.equal(last.error.type, 'urn:crux:problem:CRUX0026E');
  assert.equal(fetch.calls.length, 1);
});

test('a 400 answer is a CruxProblem with per-field messages, and headers go with every call', async () => {
  const fetch = fakeFetch([['/signals/manager-approval', json({
    type: 'urn:crux:problem:CRUX0030E', title: 'Bad Request', status: 400, detail: 'invalid',
    errors: [{ pointer: '/manager', field: 'manager', message: 'must not be blank' }],
  }, 400)]]);
  const crux = client(fetch, { headers: () => ({ Authorization: 'Basic bWFuYWdlcjp4' }) });
  const e = await crux.signal('run 1', 'manager-approval', { approved: true, manager: '' }).catch((x) => x);
  assert.ok(e instanceof CruxProblem);
  assert.equal(e.status, 400);
  assert.deepEqual(e.fieldErrors(), { manager: 'must not be blank' });
  assert.equal(fetch.calls[0].url, '/app/api/flows/runs/run%201/signals/manager-approval');
  assert.equal(fetch.calls[0].headers.Authorization, 'Basic bWFuYWdlcjp4');
  assert.equal(fetch.calls[0].body, '{"approved":true,"manager":""}');
});

test('a branch-qualified signal name keeps its slashes and encodes its brackets', async () => {
  const fetch = fakeFetch([['/signals/', json({ status: 'completed' })]]);
  await client(fetch).signal('r', 'chat/approvals[2]/manager', {});
  assert.equal(fetch.calls[0].url, '/app/api/flows/runs/r/signals/chat/approvals%5B2%5D/manager');
});

test('items are paged newest first with the Link cursor, and history returns them oldest first', async () => {
  const fetch = fakeFetch([
    ['before=c2', () => json([message('a', 'COMPLETED', 'first')])],
    ['/items', () => json([message('c', 'COMPLETED', 'third'), message('b', 'COMPLETED', 'second')], 200, {
      Link: '</app/api/flows/chat/sessions/s/items?before=c2&limit=2>; rel="next"',
    })],
  ]);
  const crux = client(fetch);
  const page = await crux.items('chat', 's', { limit: 2 });
  assert.equal(page.next, 'c2');
  assert.deepEqual(page.items.map((i) => i.type), ['message', 'message']);
  const all = await crux.history('chat', 's');
  assert.deepEqual(all.map((i) => i.content.text), ['first', 'second', 'third']);
});

test('a session refetches client data on resource.changed', async () => {
  let stateCalls = 0;
  const fetch = fakeFetch([
    ['/sessions/s/actions/ask', json({ requestId: RID, sessionId: 's', runId: RID }, 202)],
    ['/items', json([])],
    ['/state', () => json({ sources: stateCalls++ === 0 ? [] : ['steps'] })],
    ['/stream', sse([
      frame('request.in_progress', 1),
      frame('resource.changed', 2, { scope: 'session', name: 'sources', key: 'steps' }),
      frame('request.completed', 3),
    ])],
    [`/requests/${RID}`, json({ requestId: RID, status: 'COMPLETED', output: 'answer' })],
  ]);
  const session = client(fetch).session('research');
  await session.load('s');
  assert.deepEqual(session.getSnapshot().clientData.sources, []);
  await session.send('ask', { text: 'hi?' });
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(fetch.calls.filter((c) => c.url.endsWith('/state')).length, 3, 'fetched on load, after resource.changed and at the end');
  assert.deepEqual(session.getSnapshot().clientData.sources, ['steps']);
});

test('a session runs actions in itself, merges live items after its history, and refetches client data on state.changed', async () => {
  let stateCalls = 0;
  const fetch = fakeFetch([
    ['/sessions/s/actions/ask', json({ requestId: RID, sessionId: 's', runId: RID }, 202)],
    ['/items', json([message('old', 'COMPLETED', 'before reload')])],
    ['/state', () => json({ progress: { questionsInSession: stateCalls++ } })],
    ['/stream', sse([
      frame('request.in_progress', 1),
      frame('item.done', 2, { item: message('new', 'COMPLETED', 'answer') }),
      frame('state.changed', 3, { scope: 'session', keys: ['questions'] }),
      frame('request.completed', 4),
    ])],
    [`/requests/${RID}`, json({ requestId: RID, status: 'COMPLETED', output: 'answer' })],
  ]);
  const session = client(fetch).session('chat');
  await session.load('s');
  assert.deepEqual(session.getSnapshot().items.map((i) => i.id), ['old']);
  const last = await session.send('ask', { text: 'hi?' });
  assert.equal(last.status, 'completed');
  const s = session.getSnapshot();
  assert.deepEqual(s.items.map((i) => i.id), ['old', 'new']);
  assert.ok(fetch.calls.filter((c) => c.url.endsWith('/state')).length >= 2, 'fetched on load and again after state.changed');
  assert.ok(s.clientData.progress.questionsInSession >= 1);
});

test('discovery, runs paging, abort and sessions call the documented paths', async () => {
  const fetch = fakeFetch([
    ['/flows/runs?status=SUSPENDED', json([{ flowId: 'x' }], 200, { Link: '</app/api/flows/runs?status=SUSPENDED&offset=1&limit=1>; rel="next"' })],
    ['/abort', json({ status: 'CANCELLED' })],
    ['/flows/chat/sessions', (init) => (init.method === 'POST' ? json({ id: 'n' }, 201) : json([{ id: 's' }]))],
    ['/flows', json([{ kind: 'chat', actions: [] }])],
  ]);
  const crux = client(fetch);
  assert.equal((await crux.kinds())[0].kind, 'chat');
  assert.deepEqual(await crux.runs({ status: 'SUSPENDED', limit: 1 }), { runs: [{ flowId: 'x' }], next: { offset: 1, limit: 1 } });
  assert.equal((await crux.abort('chat', RID)).status, 'CANCELLED');
  assert.equal((await crux.createSession('chat')).id, 'n');
  assert.equal((await crux.sessions('chat'))[0].id, 's');
});

test('the fold counts a replayed number as a duplicate and ignores deltas of unknown or finished items', () => {
  const fold = new RequestFold(RID);
  assert.ok(fold.apply({ type: 'item.done', seq: 1, item: message('a', 'COMPLETED', 'x') }));
  assert.ok(!fold.apply({ type: 'item.done', seq: 1, item: message('a', 'COMPLETED', 'x') }));
  assert.ok(!fold.apply({ type: 'content.delta', seq: 1, itemId: 'a', delta: 'y' }));
  assert.ok(!fold.apply({ type: 'content.delta', seq: 1, itemId: 'zz', delta: 'y' }));
  const s = fold.snapshot();
  assert.equal(s.duplicates, 1);
  assert.equal(s.items[0].content.text, 'x');
});

test('a replay that meets a request.suspended of a run signalled since reads on to the end', async () => {
  let streams = 0;
  const fetch = fakeFetch([
    ['/stream', () => (++streams === 1
      ? sse([frame('request.in_progress', 1), frame('request.suspended', 2, { name: 'manager-approval' }), frame('request.in_progress', 3)])
      : sse([frame('request.in_progress', 3), frame('item.done', 4, { item: message('a', 'COMPLETED', 'booked') }), frame('request.completed', 5)]))],
    [`/requests/${RID}`, () => json({ requestId: RID, status: 'COMPLETED', output: 'ok' })],
  ]);
  const last = await client(fetch).follow('approval', RID).done();
  assert.equal(streams, 2);
  assert.equal(last.status, 'completed');
  assert.equal(last.suspension, null, 'request.in_progress after the signal clears the suspension');
  assert.deepEqual(last.items.map((i) => i.content.text), ['booked']);
});

test('a stream closed by the server without a last word is read again, waiting longer each time', async () => {
  let streams = 0;
  const fetch = fakeFetch([
    ['/stream', () => (++streams < 4 ? sse([]) : new Response(null, { status: 204 }))],
    [`/requests/${RID}`, json({ requestId: RID, status: 'COMPLETED' })],
  ]);
  const delays = [];
  const crux = client(fetch, { backoff: { initialMs: 1, maxMs: 1000, factor: 2, jitter: 0 } });
  const r = await crux.readStream('chat', RID, { onEvents() {}, onConnection: (s, d) => s === 'reconnecting' && delays.push(d.delayMs) });
  assert.equal(r.end, 'ended');
  assert.deepEqual(delays, [1, 2, 4]);
});

test('a session loaded while one of its requests runs follows it, and its replay merges into the history', async () => {
  const fetch = fakeFetch([
    ['/items', () => json([message('m', 'IN_PROGRESS', ''), message('q', 'COMPLETED', 'question')])], // newest first
    ['/state', () => json({ progress: { questionsInSession: 0 } })],
    ['/flows/runs?status=RUNNING', () => json([
      { flowId: 'other', flowName: 'chat', sessionId: 'another', status: 'RUNNING' },
      { flowId: RID, flowName: 'chat', sessionId: 's', status: 'RUNNING' },
    ])],
    ['/stream', () => sse([
      frame('request.in_progress', 1),
      frame('item.done', 2, { item: message('q', 'COMPLETED', 'question') }),
      frame('item.added', 3, { item: message('m', 'IN_PROGRESS', '') }),
      frame('item.done', 4, { item: message('m', 'COMPLETED', 'the answer') }),
      frame('request.completed', 5),
    ])],
    [`/requests/${RID}`, () => json({ requestId: RID, status: 'COMPLETED' })],
  ]);
  const session = client(fetch).session('chat');
  await session.load('s');
  assert.ok(fetch.calls.some((c) => c.url.endsWith(`/requests/${RID}/stream`)), 'the running request of this session is followed');
  await eventually(() => session.getSnapshot().request?.connection === 'closed');
  const s = session.getSnapshot();
  assert.deepEqual(s.items.map((i) => `${i.id}:${i.status}:${i.content.text}`), ['q:completed:question', 'm:completed:the answer']);
  assert.equal(s.request.status, 'completed');
});

test('a session loaded without a running request, or without a user for the runs API, shows its history alone', async () => {
  const fetch = fakeFetch([
    ['/items', () => json([message('a', 'COMPLETED', 'x')])],
    ['/state', () => json({})],
    ['/flows/runs', () => json({ status: 401, title: 'Unauthorized' }, 401)],
  ]);
  const session = client(fetch).session('chat');
  const s = await session.load('s');
  assert.deepEqual(s.items.map((i) => i.id), ['a']);
  assert.equal(s.error, null);
  assert.equal(s.request, null);
});

/** A stream that sends its chunks and then stays open until the fetch is aborted, as a real fetch's body would. */
function hanging(init, chunks, onCancel) {
  const queue = [...chunks];
  return new Response(new ReadableStream({
    pull(c) {
      if (queue.length) return c.enqueue(enc.encode(queue.shift()));
      return new Promise((resolve) => {
        const fail = () => (c.error(new DOMException('aborted', 'AbortError')), resolve());
        if (init.signal?.aborted) fail();
        else init.signal?.addEventListener('abort', fail, { once: true });
      });
    },
    cancel: onCancel,
  }), { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
}

test('an error answer keeps its HTTP status when its body has a status field of its own (410, 409), and the body stays readable', async () => {
  const fetch = fakeFetch([
    ['/runs/gone/signals/', json({ flowId: 'gone', status: 'expired' }, 410)],
    ['/runs/decided/signals/', json({ type: 'urn:crux:problem:CRUX0031E', title: 'Conflict', status: 'conflict', detail: 'already decided' }, 409)],
  ]);
  const crux = client(fetch);
  const expired = await crux.signal('gone', 'manager-approval', {}).catch((x) => x);
  assert.ok(expired instanceof CruxProblem);
  assert.equal(expired.status, 410);
  assert.deepEqual(expired.body, { flowId: 'gone', status: 'expired' });
  const conflict = await crux.signal('decided', 'manager-approval', {}).catch((x) => x);
  assert.equal(conflict.status, 409);
  assert.equal(conflict.type, 'urn:crux:problem:CRUX0031E');
  assert.equal(conflict.detail, 'already decided');
  assert.equal(conflict.body.status, 'conflict');
});

test('a subscriber that throws is reported, other subscribers still hear, and the stream goes on without a reconnect', async () => {
  const reported = [];
  const saved = globalThis.reportError;
  globalThis.reportError = (e) => reported.push(e);
  try {
    const fetch = fakeFetch([
      ['/stream', () => sse([frame('request.in_progress', 1), frame('item.done', 2, { item: message('a', 'COMPLETED', 'x') }), frame('request.completed', 3)])],
      [`/requests/${RID}`, json({ requestId: RID, status: 'COMPLETED' })],
    ]);
    const view = client(fetch).follow('chat', RID);
    view.subscribe(() => {
      throw new Error('a broken render');
    });
    const heard = [];
    view.subscribe((s) => heard.push(s.status));
    const last = await view.done();
    assert.equal(last.status, 'completed');
    assert.equal(last.reconnects, 0);
    assert.equal(last.error, null);
    assert.equal(fetch.calls.filter((c) => c.url.endsWith('/stream')).length, 1);
    assert.equal(heard.at(-1), 'completed');
    assert.ok(reported.length > 0 && reported.every((e) => e.message === 'a broken render'));
  } finally {
    if (saved === undefined) delete globalThis.reportError;
    else globalThis.reportError = saved;
  }
});

test('a replay that meets an old request.suspended reads on while the run has events beyond it, though it is suspended again', async () => {
  let streams = 0;
  const fetch = fakeFetch([
    ['/stream', () => (++streams === 1
      ? sse([frame('request.in_progress', 1), frame('request.suspended', 2, { name: 'first' }), frame('request.in_progress', 3)])
      : sse([frame('request.in_progress', 3), frame('item.done', 4, { item: message('a', 'COMPLETED', 'between') }), frame('request.suspended', 5, { name: 'second' })]))],
    [`/requests/${RID}`, () => json({ requestId: RID, status: 'SUSPENDED', lastSeq: 5 })],
  ]);
  const last = await client(fetch).follow('approval', RID).done();
  assert.equal(streams, 2, 'read on after the first suspension, stopped at the current one');
  assert.equal(last.status, 'suspended');
  assert.equal(last.suspension.name, 'second');
  assert.equal(last.lastSeq, 5);
  assert.deepEqual(last.items.map((i) => i.content.text), ['between']);
});

test('a read that fails for a reason other than an abort cancels the response body', { timeout: 5000 }, async () => {
  let cancelled = 0;
  const fetch = fakeFetch([['/stream', (init) => hanging(init, [frame('request.in_progress', 1)], () => cancelled++)]]);
  const e = await client(fetch, { maxReconnects: 0 }).readStream('chat', RID, {
    onEvents() {
      throw new Error('a broken consumer');
    },
  }).catch((x) => x);
  assert.ok(e instanceof CruxProblem);
  await eventually(() => cancelled === 1);
});

test('a 200 that is not an event stream is a typed problem, not a reason to reconnect', async () => {
  const fetch = fakeFetch([['/stream', () => new Response('<html>login</html>', { status: 200, headers: { 'Content-Type': 'text/html' } })]]);
  const last = await client(fetch).follow('chat', RID).done();
  assert.ok(last.error instanceof CruxProblem);
  assert.equal(last.error.type, 'urn:crux:client:not-an-event-stream');
  assert.equal(last.error.status, 200);
  assert.match(last.error.detail, /text\/html/);
  assert.equal(fetch.calls.length, 1);
});

test('a stream silent for longer than the idle timeout is dropped and resumed', { timeout: 5000 }, async () => {
  let streams = 0;
  const fetch = fakeFetch([
    ['/stream', (init) => (++streams === 1
      ? hanging(init, [frame('request.in_progress', 1)])
      : sse([frame('item.done', 2, { item: message('a', 'COMPLETED', 'x') }), frame('request.completed', 3)]))],
    [`/requests/${RID}`, json({ requestId: RID, status: 'COMPLETED' })],
  ]);
  const last = await client(fetch, { idleTimeoutMs: 30 }).follow('chat', RID).done();
  assert.equal(last.status, 'completed');
  assert.equal(last.reconnects, 1);
  assert.equal(fetch.calls.filter((c) => c.url.endsWith('/stream'))[1].headers['Last-Event-ID'], `${RID}:1`);
});

test('resume() while the view reads returns the running read instead of starting a second reader', { timeout: 5000 }, async () => {
  const delta = (d) => `id: ${RID}:1\ndata: ${JSON.stringify({ type: 'content.delta', requestId: RID, seq: 1, itemId: 'm', delta: d })}\n\n`;
  const fetch = fakeFetch([
    ['/stream', () => sse([frame('item.added', 1, { item: message('m', 'IN_PROGRESS', '') }) + delta('Hel'), delta('lo'), frame('request.completed', 2)])],
    [`/requests/${RID}`, json({ requestId: RID, status: 'COMPLETED' })],
  ]);
  const view = client(fetch).follow('chat', RID);
  const again = view.resume();
  const last = await view.done();
  assert.equal(await again, last);
  assert.equal(fetch.calls.filter((c) => c.url.endsWith('/stream')).length, 1);
  assert.equal(last.items[0].content.text, 'Hello');
});

test('a session does not publish the final snapshot of the view it just left', { timeout: 5000 }, async () => {
  const fetch = fakeFetch([
    ['/items', () => json([])],
    ['/state', () => json({})],
    ['/flows/runs?status=RUNNING', () => json([{ flowId: 'old', flowName: 'chat', sessionId: 's', status: 'RUNNING' }])],
    ['/requests/old/stream', (init) => hanging(init, [frame('request.in_progress', 1)])],
    ['/sessions/s/actions/ask', json({ requestId: RID, sessionId: 's', runId: RID }, 202)],
    [`/requests/${RID}/stream`, () => sse([frame('request.in_progress', 1), frame('request.completed', 2)])],
    [`/requests/${RID}`, json({ requestId: RID, status: 'COMPLETED' })],
  ]);
  const session = client(fetch).session('chat');
  const seen = [];
  session.subscribe((s) => seen.push(s.request && `${s.request.requestId}:${s.request.connection}`));
  await session.load('s');
  await eventually(() => session.getSnapshot().request?.connection === 'open');
  await session.send('ask', { text: 'next' });
  await new Promise((r) => setTimeout(r, 20));
  assert.ok(!seen.includes('old:closed'), `the old view's last snapshot was published: ${seen}`);
  assert.equal(session.getSnapshot().request.requestId, RID);
});

test('query strings do not depend on URLSearchParams.size, which older browsers lack', async () => {
  const size = Object.getOwnPropertyDescriptor(URLSearchParams.prototype, 'size');
  Object.defineProperty(URLSearchParams.prototype, 'size', { get: () => undefined, configurable: true });
  try {
    const fetch = fakeFetch([['/items', () => json([])], ['/flows/runs', () => json([])]]);
    const crux = client(fetch);
    await crux.items('chat', 's', { limit: 2 });
    await crux.runs({ status: 'SUSPENDED' });
    assert.deepEqual(fetch.calls.map((c) => c.url), ['/app/api/flows/chat/sessions/s/items?limit=2', '/app/api/flows/runs?status=SUSPENDED']);
  } finally {
    if (size) Object.defineProperty(URLSearchParams.prototype, 'size', size);
    else delete URLSearchParams.prototype.size;
  }
});

test('backoff waits leave no abort listener behind', { timeout: 5000 }, async () => {
  const controller = new AbortController();
  let listeners = 0;
  const add = controller.signal.addEventListener.bind(controller.signal);
  const remove = controller.signal.removeEventListener.bind(controller.signal);
  const registered = new Set();
  controller.signal.addEventListener = (type, fn, opts) => {
    if (type === 'abort' && !registered.has(fn)) (registered.add(fn), listeners++);
    add(type, fn, opts);
  };
  controller.signal.removeEventListener = (type, fn, opts) => {
    if (type === 'abort' && registered.delete(fn)) listeners--;
    remove(type, fn, opts);
  };
  let streams = 0;
  const fetch = fakeFetch([['/stream', () => (++streams < 4 ? new Response(null, { status: 503 }) : new Response(null, { status: 204 }))]]);
  const r = await client(fetch).readStream('chat', RID, { signal: controller.signal, onEvents() {} });
  assert.equal(r.end, 'ended');
  assert.equal(listeners, 0, 'every abort listener was removed');
});

test('the fold counts a gap in the numbers', () => {
  const fold = new RequestFold(RID);
  fold.apply({ type: 'request.in_progress', seq: 1 });
  fold.apply({ type: 'item.done', seq: 3, item: message('a', 'COMPLETED', 'x') });
  assert.equal(fold.snapshot().gaps, 1);
});

test('headers may come from an async function (a token that is fetched or refreshed)', async () => {
  const fetch = fakeFetch([
    ['/stream', () => sse([frame('request.completed', 1)])],
    [`/requests/${RID}`, json({ requestId: RID, status: 'COMPLETED' })],
  ]);
  const crux = client(fetch, { headers: async () => ({ Authorization: `Bearer ${await Promise.resolve('t0k3n')}` }) });
  await crux.follow('chat', RID).done();
  assert.ok(fetch.calls.length >= 2);
  for (const c of fetch.calls) assert.equal(c.headers.Authorization, 'Bearer t0k3n');
});

test('follow hands each event to onEvent once, a repeated one not again', async () => {
  let streams = 0;
  const fetch = fakeFetch([
    ['/stream', () => (++streams === 1
      ? sse([frame('request.in_progress', 1), frame('state.changed', 2, { scope: 'session' })], { drop: true })
      : sse([frame('state.changed', 2, { scope: 'session' }), frame('request.completed', 3)]))],
    [`/requests/${RID}`, json({ requestId: RID, status: 'COMPLETED' })],
  ]);
  const seen = [];
  const last = await client(fetch).follow('chat', RID, { onEvent: (e) => seen.push(`${e.type}:${e.seq}`) }).done();
  assert.deepEqual(seen, ['request.in_progress:1', 'state.changed:2', 'request.completed:3']);
  assert.equal(last.duplicates, 1);
});
