package io.crux.ee.engine;

import java.time.Duration;

/**
 * Unwinds a flow body. An {@link Error}, so that flow code catching {@code Exception} does not
 * swallow it by accident; never seen outside the engine.
 */
abstract class Interrupt extends Error {

    private static final long serialVersionUID = 1L;

    Interrupt() {
        super(null, null, false, false);
    }

    /** @return how a step span that this interrupt ends is marked: not as an error */
    abstract String outcome();

    static final class Suspend extends Interrupt {
        private static final long serialVersionUID = 1L;
        final int position;
        final String name;
        final Class<?> payloadType;
        final Duration expiry;

        Suspend(int position, String name, Class<?> payloadType, Duration expiry) {
            this.position = position;
            this.name = name;
            this.payloadType = payloadType;
            this.expiry = expiry;
        }

        @Override
        String outcome() {
            return "suspended";
        }
    }

    static final class RetryLater extends Interrupt {
        private static final long serialVersionUID = 1L;
        final Duration delay;

        RetryLater(Duration delay) {
            this.delay = delay;
        }

        @Override
        String outcome() {
            return "retry-wait";
        }
    }

    static final class Cancel extends Interrupt {
        private static final long serialVersionUID = 1L;

        @Override
        String outcome() {
            return "cancelled";
        }
    }

    /**
     * The store stayed unreachable while a checkpoint was written: the run is left RUNNING in the
     * store, as it is, for recovery to continue from its last checkpoint.
     */
    static final class LeaveForRecovery extends Interrupt {
        private static final long serialVersionUID = 1L;
        final RuntimeException failure;

        LeaveForRecovery(RuntimeException failure) {
            this.failure = failure;
        }

        @Override
        String outcome() {
            return "left-for-recovery";
        }
    }

    /** Finds an interrupt in a failure's cause chain, where reflection or user code may have wrapped it. */
    static Interrupt find(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < 64; depth++, t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof Interrupt i) {
                return i;
            }
        }
        return null;
    }
}
