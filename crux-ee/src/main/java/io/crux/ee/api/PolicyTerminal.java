package io.crux.ee.api;

/**
 * Marks a failure that retries cannot mend: the engine neither retries it nor hands it to a
 * fallback, unless a step's {@code shouldRetry} predicate opts it in.
 */
public interface PolicyTerminal {}
