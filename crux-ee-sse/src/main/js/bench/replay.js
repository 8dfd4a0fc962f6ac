// The 10,000-event replay benchmark (BENCHMARKS.md): a client follows a request whose stream
// replays n stored events in crux-ee's wire format (item.added and item.done of (n-2)/2 messages of
// about 120 characters, between request.in_progress and request.completed), delivered in 64 KiB
// chunks as a network would. It measures the client's side: SSE parsing, JSON, folding, one
// snapshot per chunk, and a subscriber reading each snapshot. Runs in a browser (replay.html,
// run-in-chromium.mjs; there also with the items rendered into the DOM) and in Node (node bench/replay.js).
import { createClient } from '../client.js';

const RID = 'bench-request';

export function frames(n) {
  const out = [];
  let seq = 0;
  const push = (type, fields) => {
    seq++;
    const data = JSON.stringify({ type, requestId: RID, seq, ts: '2026-12-05T21:00:00Z', ...fields });
    out.push(`id: ${RID}:${seq}\ndata: ${data}\n\n`);
  };
  push('request.in_progress', {});
  for (let i = 0; seq < n - 1; i++) {
    const id = `item-${i}`;
    const text = `Message ${i}: ${'lorem ipsum dolor sit amet '.repeat(4)}`;
    push('item.added', { item: { id, type: 'MESSAGE', status: 'IN_PROGRESS', audience: 'CLIENT', content: { role: 'assistant', text: '' } } });
    if (seq < n - 1) push('item.done', { item: { id, type: 'MESSAGE', status: 'COMPLETED', audience: 'CLIENT', content: { role: 'assistant', text } } });
  }
  push('request.completed', {});
  return out.join('');
}

/**
 * @param {number} n events
 * @param {number} chunkBytes the size of the network chunks
 * @param {function(object): void} [render] called with each snapshot (replay.html renders the items into a list)
 */
export async function replay(n = 10000, chunkBytes = 65536, render = null) {
  const bytes = new TextEncoder().encode(frames(n));
  const fetch = async (url) => {
    if (url.endsWith('/stream')) {
      let at = 0;
      return new Response(new ReadableStream({
        pull(c) {
          if (at >= bytes.length) return c.close();
          c.enqueue(bytes.subarray(at, at + chunkBytes));
          at += chunkBytes;
        },
      }), { headers: { 'Content-Type': 'text/event-stream' } });
    }
    return new Response(JSON.stringify({ requestId: RID, status: 'COMPLETED', output: null }), { headers: { 'Content-Type': 'application/json' } });
  };
  const client = createClient({ baseUrl: '/api', fetch });
  let snapshots = 0;
  let items = 0;
  const started = performance.now();
  const view = client.follow('bench', RID);
  view.subscribe((s) => {
    snapshots++;
    items = s.items.length;
    render?.(s);
  });
  const last = await view.done();
  const ms = performance.now() - started;
  return { events: n, bytes: bytes.length, ms: Math.round(ms * 10) / 10, snapshots, items, lastSeq: last.lastSeq, status: last.status };
}

if (typeof process !== 'undefined' && import.meta.url === `file://${process.argv[1]}`) {
  for (let i = 0; i < 7; i++) console.log(JSON.stringify(await replay(Number(process.argv[2] ?? 10000))));
}
