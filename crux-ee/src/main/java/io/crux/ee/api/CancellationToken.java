package io.crux.ee.api;

/**
 * Tells step code that its run was cancelled. Long-running step code that does not block
 * interruptibly should poll it. Thread-safe.
 */
public interface CancellationToken {

    /** @return whether the run was cancelled */
    boolean isCancelled();

    /** @return the reason given to cancel, or {@code null} */
    String reason();

    /**
     * Throws if the run was cancelled.
     *
     * @throws io.crux.ee.api.exception.FlowCancelledException if the run was cancelled
     */
    void throwIfCancelled();
}
