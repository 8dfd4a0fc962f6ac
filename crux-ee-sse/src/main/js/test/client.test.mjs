import assert from 'node:assert/strict';
import { test } from 'node:test';

import { CruxProblem, RequestFold, createClient } from '../client.js';

const RID = 'r-1';
const enc = new TextEncoder();

/** One SSE frame as crux-ee writes it. */
function frame(type, seq, fields = {}) {
  const data = { type, requestId: RID, seq, ts: '2026-01-01T00:00:00Z', ...fields };
  return `id: ${RID}:${seq}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
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
      `id: ${RID}:3\nevent: content.delta\ndata: ${JSON.stringify({ type: 'content.delta', requestId: RID, seq: 3, itemId: 'm1', delta: 'Hel' })}\n\n`,
      `id: ${RID}:3\nevent: content.delta\ndata: ${JSON.stringify({ type: 'content.delta', requestId: RID, seq: 3, itemId: 'm1', delta: 'lo' })}\n\n`,
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
