// Reads one of devtools' event streams (text/event-stream of JSON data lines) with fetch, so that the
// browser's credentials go along as with every other call, and reconnects after a drop with a
// growing delay. A 4xx answer ends it: the page shows the problem instead of retrying.
import { CruxProblem } from '../client.js';
import { createParser } from '../vendor/eventsource-parser.js';

/**
 * @param {string} url the stream
 * @param {object} o
 * @param {function(object): void} o.onData each event's data, parsed
 * @param {function(string, object=): void} [o.onState] 'open', 'reconnecting', 'ended', 'failed' (with the problem)
 * @param {function(): boolean} [o.done] whether an ended stream stays ended (default: reconnect)
 * @param {function(): object} [o.headers] more headers for each (re)connect
 * @param {AbortSignal} o.signal stops it
 * @param {function} [o.fetch] the fetch to use
 */
export async function follow(url, o) {
  const doFetch = o.fetch ?? ((...a) => globalThis.fetch(...a));
  const onState = o.onState ?? (() => {});
  let attempt = 0;
  while (!o.signal.aborted) {
    try {
      const res = await doFetch(url, {
        headers: { Accept: 'text/event-stream', ...(o.headers?.() ?? {}) },
        credentials: 'same-origin',
        signal: o.signal,
      });
      if (!res.ok) {
        let body = null;
        try {
          body = await res.json();
        } catch {
          body = null;
        }
        const problem = new CruxProblem({ title: res.statusText, ...(body ?? {}), status: res.status }, body);
        if (res.status >= 400 && res.status < 500) {
          onState('failed', problem);
          return;
        }
        throw problem;
      }
      onState('open');
      const parser = createParser({
        onEvent(e) {
          attempt = 0;
          let data;
          try {
            data = JSON.parse(e.data);
          } catch {
            return; // not one of ours
          }
          o.onData(data);
        },
      });
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.feed(decoder.decode(value, { stream: true }));
      }
      if (o.done?.()) {
        onState('ended');
        return;
      }
    } catch (e) {
      if (o.signal.aborted) return;
      onState('reconnecting', e);
    }
    const delay = Math.min(10_000, 250 * 2 ** attempt++);
    await new Promise((resolve) => {
      const t = setTimeout(resolve, delay);
      o.signal.addEventListener('abort', () => {
        clearTimeout(t);
        resolve();
      }, { once: true });
    });
  }
}
