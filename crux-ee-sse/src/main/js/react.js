// React bindings of crux-ee's client: hooks over its stores with useSyncExternalStore.
// Import with a bundler (`@crux-ee/client/react`) or in the browser with an import map that names 'react'.
//
//   const crux = createClient({ baseUrl: '/my-app/api' });
//   function Chat({ sessionId }) {
//     const { items, clientData, send } = useSession(crux, 'help-desk', sessionId);
//     return <>{items.map((i) => <p key={i.id}>{i.content.text}</p>)}<button onClick={() => send('ask', { text: 'Hi?' })}>Ask</button></>;
//   }
//
// Rendering does no I/O: a hook's store starts (follows its request, loads its session) when its
// first subscriber comes, which React adds in an effect, and stops when its last one leaves. So
// StrictMode's extra mount and unmount stops a store and starts it again, and a render React
// throws away starts nothing.
import { useCallback, useMemo, useSyncExternalStore } from 'react';

const NONE = Object.freeze({ subscribe: () => () => {}, getSnapshot: () => null });

/**
 * A store that starts on its first subscriber and stops on its last.
 *
 * @param {function(): object} start creates the underlying store (I/O may begin here)
 * @param {function(object): void} stop ends it
 * @param {object} [hooks] {onFirst, onLast}: what else happens when it starts and stops
 */
function lazyStore(start, stop, hooks = {}) {
  let inner = null;
  let refs = 0;
  return {
    subscribe(listener) {
      if (refs++ === 0) {
        inner = start();
        hooks.onFirst?.();
      }
      const own = inner;
      const unsubscribe = own.subscribe(listener);
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        unsubscribe();
        if (--refs === 0) {
          stop(own);
          hooks.onLast?.();
        }
      };
    },
    getSnapshot: () => (inner ? inner.getSnapshot() : null),
  };
}

/** Follows one request (by id) and re-renders on each batch of its events: the folded view, or null before it has started. */
export function useFlow(client, kind, requestId) {
  const store = useMemo(
    () => (requestId ? lazyStore(() => client.follow(kind, requestId), (view) => view.close()) : NONE),
    [client, kind, requestId],
  );
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}

/** Sessions shared by the hooks of one client: (kind, session id) -> a lazy store over one client.session. */
const sessions = new WeakMap();

/**
 * The session store of (client, kind, sessionId): the same for every hook that names it, so that
 * useClientData sees the client data that useSession's requests refetch on state.changed. Creating
 * it does no I/O; it loads on its first subscriber and closes on its last. Without an id each hook
 * has a session of its own (a new conversation).
 */
function sessionStore(client, kind, sessionId) {
  if (!sessionId) {
    const session = client.session(kind, null);
    return Object.assign(lazyStore(() => session, (s) => s.close()), { session });
  }
  let byKey = sessions.get(client);
  if (!byKey) sessions.set(client, (byKey = new Map()));
  const key = JSON.stringify([kind, sessionId]);
  const known = byKey.get(key);
  if (known) return known;
  const session = client.session(kind, sessionId);
  const store = lazyStore(
    () => {
      session.load(sessionId);
      return session;
    },
    (s) => s.close(),
    {
      onFirst: () => byKey.set(key, store),
      onLast: () => byKey.get(key) === store && byKey.delete(key),
    },
  );
  store.session = session;
  byKey.set(key, store);
  return store;
}

/** A conversation: its items (history loaded once, then live), client data, the current request and send(action, input). */
export function useSession(client, kind, sessionId) {
  const store = useMemo(() => sessionStore(client, kind, sessionId), [client, kind, sessionId]);
  const session = store.session;
  const snapshot = useSyncExternalStore(store.subscribe, session.getSnapshot, session.getSnapshot);
  const send = useCallback((action, input) => session.send(action, input), [session]);
  return { ...snapshot, send, abort: session.abort, refreshClientData: session.refreshClientData };
}

/** Only the session's client data (what its @ClientData methods return), fetched again on state.changed of the session's requests. */
export function useClientData(client, kind, sessionId) {
  return useSession(client, kind, sessionId).clientData;
}
