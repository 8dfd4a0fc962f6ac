package io.crux.ee.api;

import java.time.Instant;
import java.util.Objects;

/**
 * How a run ended for now. A failure is not a result: it is thrown as a
 * {@link io.crux.ee.api.exception.CruxException} subtype that carries the run id and step label.
 * Every result is an immutable record (its output is the run's own object), safe to share between
 * threads.
 *
 * <pre>{@code
 * FlowResult<Decision> result = handle.run(expense);
 * if (result instanceof FlowResult.Completed<Decision> done) {
 *     show(done.output());
 * } else if (result instanceof FlowResult.Suspended<Decision> waiting) {
 *     remind(waiting.name(), waiting.expiresAt());
 * }
 * }</pre>
 *
 * @param <O> the flow's output type
 */
public sealed interface FlowResult<O> {

    /** @return the run id */
    String flowId();

    /**
     * The run finished with an output.
     *
     * @param flowId the run id
     * @param output the output, {@code null} for a {@code void} action
     * @param <O> the output type
     */
    record Completed<O>(String flowId, O output) implements FlowResult<O> {
        /** @throws NullPointerException if {@code flowId} is {@code null} */
        public Completed {
            Objects.requireNonNull(flowId, "flowId");
        }
    }

    /**
     * The run waits for a signal or a resume.
     *
     * @param flowId the run id
     * @param name the suspension's name, which a signal must use
     * @param suspendedAt when it suspended
     * @param expiresAt when the suspension expires, or {@code null} for never
     * @param <O> the output type
     */
    record Suspended<O>(String flowId, String name, Instant suspendedAt, Instant expiresAt) implements FlowResult<O> {
        /** @throws NullPointerException if {@code flowId}, {@code name} or {@code suspendedAt} is {@code null} */
        public Suspended {
            Objects.requireNonNull(flowId, "flowId");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(suspendedAt, "suspendedAt");
        }
    }

    /**
     * The run was cancelled.
     *
     * @param flowId the run id
     * @param reason the reason given to cancel
     * @param <O> the output type
     */
    record Cancelled<O>(String flowId, String reason) implements FlowResult<O> {
        /** @throws NullPointerException if {@code flowId} is {@code null} */
        public Cancelled {
            Objects.requireNonNull(flowId, "flowId");
        }
    }

    /**
     * The run's suspension expired before a signal arrived.
     *
     * @param flowId the run id
     * @param suspendedAt when it suspended, or {@code null} if unknown
     * @param <O> the output type
     */
    record Expired<O>(String flowId, Instant suspendedAt) implements FlowResult<O> {
        /** @throws NullPointerException if {@code flowId} is {@code null} */
        public Expired {
            Objects.requireNonNull(flowId, "flowId");
        }
    }
}
