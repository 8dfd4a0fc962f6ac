// React bindings of crux-ee's client: hooks over its stores with useSyncExternalStore.
// Import with a bundler (`@crux-ee/client/react`) or in the browser with an import map that names 'react'.
//
//   const crux = createClient({ baseUrl: '/my-app/api' });
//   function Chat({ sessionId }) {
//     const { items, clientData, send } = useSession(crux, 'help-desk', sessionId);
//     return <>{items.map((i) => <p key={i.id}>{i.content.text}</p>)}<button onClick={() => send('ask', { text: 'Hi?' })}>Ask</button></>;
//   }
import { useCallback, useEffect, useMemo, useSyncExternalStore } from 'react';

const NONE = Object.freeze({ subscribe: () => () => {}, getSnapshot: () => null });

/** Follows one request (by id) and re-renders on each batch of its events: the folded view, or null before there is an id. */
export function useFlow(client, kind, requestId) {
  const view = useMemo(() => (requestId ? client.follow(kind, requestId) : NONE), [client, kind, requestId]);
  useEffect(() => () => view.close?.(), [view]);
  return useSyncExternalStore(view.subscribe, view.getSnapshot, view.getSnapshot);
}

/** A conversation: its items (history loaded once, then live), client data, the current request and send(action, input). */
export function useSession(client, kind, sessionId) {
  const session = useMemo(() => client.session(kind, sessionId ?? null), [client, kind, sessionId]);
  useEffect(() => {
    if (sessionId) session.load(sessionId);
    return () => session.close();
  }, [session, sessionId]);
  const snapshot = useSyncExternalStore(session.subscribe, session.getSnapshot, session.getSnapshot);
  const send = useCallback((action, input) => session.send(action, input), [session]);
  return { ...snapshot, send, abort: session.abort, refreshClientData: session.refreshClientData };
}

/** Only the session's client data (what its @ClientData methods return), fetched again on state.changed. */
export function useClientData(client, kind, sessionId) {
  return useSession(client, kind, sessionId).clientData;
}
