package io.crux.ee.spi;

/**
 * The transaction that one attempt of a transactional step runs in, begun by
 * {@link FlowStore#beginStep} on the step's thread. The step's own writes and its checkpoint join
 * it; the engine then commits it, or rolls it back when the attempt failed.
 */
public interface StepTransaction {

    /**
     * Commits what the attempt and its checkpoint wrote.
     *
     * @return true when it committed; false when the transaction manager rolled it back instead (its
     *     timeout passed, or a resource marked it rollback-only), so that nothing of it was kept
     * @throws io.crux.ee.api.exception.CruxPersistenceException when the outcome is unknown (the
     *     database went away during the commit, a heuristic outcome)
     */
    boolean commit();

    /** Rolls back what the attempt wrote; nothing when it has ended already. Never throws. */
    void rollback();

    /** For a store without transactions (in memory): there is nothing to commit or roll back. */
    StepTransaction NONE = new StepTransaction() {
        @Override
        public boolean commit() {
            return true;
        }

        @Override
        public void rollback() {
            // nothing was written in a transaction
        }
    };
}
