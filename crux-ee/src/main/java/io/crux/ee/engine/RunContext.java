package io.crux.ee.engine;

/**
 * Who and what a run belongs to.
 *
 * @param parentFlowId the parent run, or {@code null}
 * @param sessionId the session, or {@code null}
 * @param userId the user, or {@code null}
 * @param projectId the project, or {@code null} for {@code default}
 * @param events whether the run records request events
 */
record RunContext(String parentFlowId, String sessionId, String userId, String projectId, boolean events) {

    static final String DEFAULT_PROJECT = "default";

    String project() {
        return projectId == null ? DEFAULT_PROJECT : projectId;
    }
}
