// The React hooks, rendered with react-test-renderer. React is not part of the build (no npm
// registry in `mvn verify`): without it these tests are reported skipped, with the reason; after
// `npm install` in src/main/js (react and react-test-renderer are devDependencies) they run.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createClient } from '../client.js';

let React, renderer, hooks;
try {
  React = await import('react');
  renderer = (await import('react-test-renderer')).default;
  hooks = await import('../react.js');
} catch {
  React = null;
}
const skip = React ? false : 'React is not installed: run `npm install` in crux-ee-sse/src/main/js to test the hooks';
globalThis.IS_REACT_ACT_ENVIRONMENT = true;

const RID = 'r-1';
const enc = new TextEncoder();
const frame = (type, seq, fields = {}) =>
  `id: ${RID}:${seq}\ndata: ${JSON.stringify({ type, requestId: RID, seq, ...fields })}\n\n`;
const message = (id, status, text) => ({ id, type: 'MESSAGE', status, audience: 'CLIENT', content: { role: 'assistant', text } });

/** A stream whose chunks the test releases one by one. */
function gatedStream(chunks) {
  const releases = [];
  let i = 0;
  const stream = new ReadableStream({
    async pull(c) {
      if (i >= chunks.length) return c.close();
      await new Promise((r) => releases.push(r));
      c.enqueue(enc.encode(chunks[i++]));
    },
  });
  return { stream, next: () => releases.shift()?.() };
}

const sse = (body) => new Response(body, { headers: { 'Content-Type': 'text/event-stream' } });
const json = (v, status = 200) => new Response(JSON.stringify(v), { status, headers: { 'Content-Type': 'application/json' } });

async function until(check) {
  for (let i = 0; i < 200; i++) {
    await React.act(() => new Promise((r) => setTimeout(r, 5)));
    if (check()) return;
  }
  assert.fail('condition not reached');
}

test('useFlow re-renders as the stream folds: partial text first, then the finished item', { skip }, async () => {
  const gated = gatedStream([
    frame('item.added', 1, { item: message('m', 'IN_PROGRESS', '') }) + frame('content.delta', 1, { itemId: 'm', delta: 'Hel' }),
    frame('item.done', 2, { item: message('m', 'COMPLETED', 'Hello') }) + frame('request.completed', 3),
  ]);
  const crux = createClient({
    baseUrl: '/api',
    fetch: async (url) => (url.endsWith('/stream') ? sse(gated.stream) : json({ requestId: RID, status: 'COMPLETED', output: 'Hello' })),
  });
  const seen = [];
  function View() {
    const view = hooks.useFlow(crux, 'chat', RID);
    seen.push(`${view?.status}:${view?.items[0]?.content.text ?? ''}`);
    return React.createElement('p', null, view?.items[0]?.content.text ?? '');
  }
  let r;
  await React.act(async () => {
    r = renderer.create(React.createElement(View));
  });
  gated.next();
  await until(() => r.toJSON().children?.[0] === 'Hel');
  gated.next();
  await until(() => seen.at(-1) === 'completed:Hello');
  assert.equal(r.toJSON().children[0], 'Hello');
  await React.act(async () => r.unmount());
});

test('useSession loads the history and client data, and send() appends the answer', { skip }, async () => {
  const crux = createClient({
    baseUrl: '/api',
    fetch: async (url) => {
      if (url.includes('/items')) return json([message('old', 'COMPLETED', 'earlier')]);
      if (url.endsWith('/state')) return json({ progress: { questionsInSession: 1 } });
      if (url.includes('/sessions/s/actions/ask')) return json({ requestId: RID, sessionId: 's', runId: RID }, 202);
      if (url.endsWith('/stream')) return sse(enc.encode(frame('item.done', 1, { item: message('new', 'COMPLETED', 'answer') }) + frame('request.completed', 2)));
      return json({ requestId: RID, status: 'COMPLETED' });
    },
  });
  let api;
  function Chat() {
    api = hooks.useSession(crux, 'help-desk', 's');
    const asked = hooks.useClientData(crux, 'help-desk', 's');
    return React.createElement('p', null, `${api.items.map((i) => i.content.text).join('|')} #${asked?.progress?.questionsInSession ?? '-'}`);
  }
  let r;
  await React.act(async () => {
    r = renderer.create(React.createElement(Chat));
  });
  await until(() => r.toJSON().children[0] === 'earlier #1');
  await React.act(() => api.send('ask', { text: 'q?' }));
  await until(() => r.toJSON().children[0].startsWith('earlier|answer'));
  await React.act(async () => r.unmount());
});

/** A stream that starts after a few milliseconds (and then ends, or stays open) and fails once its fetch is aborted, as a browser's would. */
function abortable(init, text, { keepOpen = false } = {}) {
  return sse(new ReadableStream({
    async start(c) {
      init.signal?.addEventListener('abort', () => c.error(new DOMException('aborted', 'AbortError')), { once: true });
      await new Promise((r) => setTimeout(r, 10));
      if (init.signal?.aborted) return;
      c.enqueue(enc.encode(text));
      if (!keepOpen) c.close();
    },
  }));
}

// react-test-renderer 18 does not replay StrictMode's unmount and mount of effects; what makes that
// replay harmless is tested here: a render starts nothing, the view starts on its subscriber (an
// effect) and stops when it leaves.
test('useFlow starts following on its subscriber, never while rendering, and stops on unmount', { skip }, async () => {
  const signals = [];
  const crux = createClient({
    baseUrl: '/api',
    fetch: async (url, init) => {
      if (!url.endsWith('/stream')) return json({ requestId: RID, status: 'COMPLETED', output: 'Hello' });
      signals.push(init.signal);
      return abortable(init, frame('item.added', 1, { item: message('m', 'IN_PROGRESS', 'Hel') }), { keepOpen: true });
    },
  });
  let rendering = false;
  const followedWhileRendering = [];
  const follow = crux.follow;
  crux.follow = (...args) => (followedWhileRendering.push(rendering), follow(...args));
  function View() {
    rendering = true;
    const view = hooks.useFlow(crux, 'chat', RID);
    rendering = false;
    return React.createElement('p', null, `${view?.status}:${view?.items[0]?.content.text ?? ''}`);
  }
  let r;
  await React.act(async () => {
    r = renderer.create(React.createElement(React.StrictMode, null, React.createElement(View)));
  });
  await until(() => r.toJSON().children?.[0] === 'pending:Hel');
  assert.deepEqual(followedWhileRendering, [false]);
  await React.act(async () => r.unmount());
  assert.equal(signals.length, 1);
  assert.ok(signals[0].aborted, 'the stream of an unmounted view is closed');
});

test('useClientData shares the session of useSession: a state.changed of its request reaches it', { skip }, async () => {
  let asked = 0;
  const crux = createClient({
    baseUrl: '/api',
    fetch: async (url) => {
      if (url.includes('/items')) return json([]);
      if (url.endsWith('/state')) return json({ progress: { questionsInSession: asked } });
      if (url.includes('/flows/runs')) return json([]);
      if (url.includes('/sessions/s/actions/ask')) return (asked++, json({ requestId: RID, sessionId: 's', runId: RID }, 202));
      if (url.endsWith('/stream')) return sse(enc.encode(frame('state.changed', 1, { scope: 'session' }) + frame('request.completed', 2)));
      return json({ requestId: RID, status: 'COMPLETED' });
    },
  });
  let api;
  function Chat() {
    api = hooks.useSession(crux, 'help-desk', 's');
    return React.createElement('p', null, String(api.items.length));
  }
  function Badge() {
    const data = hooks.useClientData(crux, 'help-desk', 's');
    return React.createElement('b', null, `#${data?.progress?.questionsInSession ?? '-'}`);
  }
  let r;
  await React.act(async () => {
    r = renderer.create(React.createElement(React.StrictMode, null, React.createElement(Chat), React.createElement(Badge)), { unstable_isConcurrent: true });
  });
  const badge = () => r.root.findByType('b').children[0];
  await until(() => badge() === '#0');
  await React.act(() => api.send('ask', { text: 'q?' }));
  await until(() => badge() === '#1');
  await React.act(async () => r.unmount());
});
