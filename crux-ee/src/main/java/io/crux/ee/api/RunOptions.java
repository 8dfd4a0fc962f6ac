package io.crux.ee.api;

/**
 * Options of one run. Immutable, so one instance can be shared between threads; every
 * {@code withX} method returns a copy. The defaults ({@link #defaults()}) are all {@code null} and
 * {@code events} {@code false}: a generated run id, no session, no user, the project
 * {@code default}, no request events.
 *
 * @param flowId the run id to use instead of a generated one, or {@code null}; starting a run with
 *     the id of an existing run fails with a {@link io.crux.ee.api.exception.FlowConflictException},
 *     which makes the id an idempotency key
 * @param sessionId the session the run belongs to, or {@code null}
 * @param userId the user the run acts for, or {@code null}
 * @param projectId the project whose state the run uses, or {@code null} for {@code default}
 * @param events whether the run records its events for a request stream (the HTTP API sets it)
 */
public record RunOptions(String flowId, String sessionId, String userId, String projectId, boolean events) {

    private static final RunOptions DEFAULTS = new RunOptions(null, null, null, null, false);

    /**
     * Checks the ids.
     *
     * @throws IllegalArgumentException if an id is blank or longer than 128 characters
     */
    public RunOptions {
        check("flowId", flowId);
        check("sessionId", sessionId);
        check("userId", userId);
        check("projectId", projectId);
    }

    /** @return the default options: a generated run id, no session, no user, no request events */
    public static RunOptions defaults() {
        return DEFAULTS;
    }

    /**
     * @param flowId the run id
     * @return a copy with the given run id
     * @throws IllegalArgumentException if the id is blank or longer than 128 characters
     */
    public RunOptions withFlowId(String flowId) {
        return new RunOptions(flowId, sessionId, userId, projectId, events);
    }

    /**
     * A run of a flow with {@link Sessions#EPHEMERAL ephemeral sessions} cannot be given one: it has a
     * session of its own whose id is the run id, and starting it with a session id fails with a
     * {@link io.crux.ee.api.exception.FlowStateException} (CRUX0211E).
     *
     * @param sessionId the session id
     * @return a copy with the given session id
     * @throws IllegalArgumentException if the id is blank or longer than 128 characters
     */
    public RunOptions withSessionId(String sessionId) {
        return new RunOptions(flowId, sessionId, userId, projectId, events);
    }

    /**
     * @param userId the user
     * @return a copy with the given user
     * @throws IllegalArgumentException if the id is blank or longer than 128 characters
     */
    public RunOptions withUserId(String userId) {
        return new RunOptions(flowId, sessionId, userId, projectId, events);
    }

    /**
     * @param projectId the project
     * @return a copy with the given project
     * @throws IllegalArgumentException if the id is blank or longer than 128 characters
     */
    public RunOptions withProjectId(String projectId) {
        return new RunOptions(flowId, sessionId, userId, projectId, events);
    }

    /**
     * @param events whether the run records events for a request stream
     * @return a copy with the given setting
     */
    public RunOptions withEvents(boolean events) {
        return new RunOptions(flowId, sessionId, userId, projectId, events);
    }

    private static void check(String name, String id) {
        if (id != null && (id.isBlank() || id.length() > 128)) {
            throw new IllegalArgumentException(name + " must be 1 to 128 characters and not blank: '" + id + "'");
        }
    }
}
