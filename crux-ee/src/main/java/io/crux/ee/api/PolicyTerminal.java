package io.crux.ee.api;

/**
 * Marks a failure that retries cannot mend: the engine neither retries it nor hands it to a
 * fallback, unless a step's {@code shouldRetry} predicate opts it in. A failure whose cause chain
 * holds one counts too ({@link StepOptions#isPolicyTerminal}).
 *
 * <p>crux-ee's own policy-terminal exceptions implement it (they are listed on
 * {@link StepOptions#isPolicyTerminal}). Application code that must end a step for good throws
 * {@code ConstraintViolatedException}, with its own exception as the cause if it likes, or decides
 * case by case with {@link StepOptions#withShouldRetry}. The interface is not sealed only because
 * Java keeps a sealed type's subtypes in its own package outside a named module, and the
 * exceptions live in {@code io.crux.ee.api.exception}; an application exception that implements it
 * is policy-terminal as well.
 */
public interface PolicyTerminal {}
