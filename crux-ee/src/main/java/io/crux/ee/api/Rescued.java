package io.crux.ee.api;

import java.util.Objects;

/**
 * What a rescue block receives: the input of the part of the sequence that failed, and the failure.
 * A failed step arrives as a {@link io.crux.ee.api.exception.StepFailedException} whose cause is the
 * step's own failure; {@link #cause(Class)} finds a failure of a given type in the chain.
 *
 * <pre>{@code
 * Handler<Rescued<Question>, Answer> apologize = Handler.of("apologize",
 *         (rescued, ctx) -> new Answer("Search is down, please try again: " + rescued.message()));
 * }</pre>
 *
 * <p>A record: safe to share between threads when its input is.
 *
 * @param input the input of the failed part
 * @param failure what failed
 * @param <I> the input type
 */
public record Rescued<I>(I input, Throwable failure) {

    /**
     * Checks the failure.
     *
     * @throws NullPointerException if {@code failure} is null
     */
    public Rescued {
        Objects.requireNonNull(failure, "failure");
    }

    /**
     * @param type a failure type
     * @param <E> the type
     * @return the first failure of that type in the cause chain (the failure itself included, up to
     *     64 deep), or {@code null}
     */
    public <E extends Throwable> E cause(Class<E> type) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < 64; depth++, t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** @return the message of the innermost failure, the one a step's code threw */
    public String message() {
        Throwable t = failure;
        for (int depth = 0; t.getCause() != null && t.getCause() != t && depth < 64; depth++) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }
}
