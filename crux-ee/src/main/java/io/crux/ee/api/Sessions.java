package io.crux.ee.api;

/**
 * How the runs of a flow keep their session ({@link FlowDefinition#sessions()}).
 *
 * <ul>
 *   <li>{@link #PERSISTED}: a session is stored with its state and items, and lives across requests
 *       until it is deleted.
 *   <li>{@link #EPHEMERAL}: a session lives for one request (one run) and nothing of it is stored:
 *       no session row, no session state, no session items, no session resources (a resource of
 *       scope SESSION is refused: CRUX0217E). {@link FlowScope#session()} is a document in memory,
 *       {@link FlowScope#items()} gives the run's own items from memory, the run's id is the session id, and the request's events are stored
 *       as for any run, so its stream can be resumed. Such a run cannot join an existing session
 *       (CRUX0211E), cannot {@link FlowScope#suspend suspend} or wait (CRUX0212E: its state would
 *       be lost), and one that a crash left unfinished fails when it is recovered (CRUX0213E)
 *       rather than going on with an empty session.
 * </ul>
 */
public enum Sessions {

    /** Sessions are stored and outlive a request (the default). */
    PERSISTED,

    /** A session lives in memory for one request and is never stored. */
    EPHEMERAL
}
