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
    fetch: async (url) => (url.endsWith('/stream') ? new Response(gated.stream) : json({ requestId: RID, status: 'COMPLETED', output: 'Hello' })),
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
      if (url.endsWith('/stream')) return new Response(enc.encode(frame('item.done', 1, { item: message('new', 'COMPLETED', 'answer') }) + frame('request.completed', 2)));
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
