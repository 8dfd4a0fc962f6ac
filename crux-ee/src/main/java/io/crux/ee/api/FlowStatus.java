package io.crux.ee.api;

/** The state of a run as stored. */
public enum FlowStatus {
    /** Executing, or waiting for a retry, on the server that holds its lease. */
    RUNNING,
    /** Waiting for a signal or a resume; no thread waits. */
    SUSPENDED,
    /** Finished with an output. */
    COMPLETED,
    /** Finished with a failure. */
    FAILED,
    /** Cancelled by a caller or by the flow itself. */
    CANCELLED,
    /** Its suspension expired before a signal arrived. */
    EXPIRED;

    /** @return whether no further execution can happen */
    public boolean isFinal() {
        return this != RUNNING && this != SUSPENDED;
    }
}
