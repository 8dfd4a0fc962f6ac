package io.crux.ee.testkit;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.crux.ee.spi.PayloadCodec;

/**
 * A snapshot of one state scope (session, user or project) after a tested run. Values are JSON
 * types as a store returns them; {@link #get(String, Class)} converts, and {@link #has} compares
 * numbers by value, so {@code has("count", 3)} holds for a stored {@code 3}. Assertions throw
 * {@link AssertionError} and return this object; {@link #and()} goes back to the run. Immutable: the
 * document is copied when it is made.
 */
public final class StateView {

    private final TestRun<?> run;
    private final String scope;
    private final Map<String, Object> snapshot;
    private final PayloadCodec codec;

    StateView(TestRun<?> run, String scope, Map<String, Object> snapshot, PayloadCodec codec) {
        this.run = run;
        this.scope = scope;
        this.snapshot = Map.copyOf(snapshot);
        this.codec = codec;
    }

    /** @return the whole document */
    public Map<String, Object> snapshot() {
        return snapshot;
    }

    /**
     * @param key a key
     * @param type the wanted type
     * @param <T> the type
     * @return the value converted to {@code type}, or empty
     * @throws IllegalArgumentException if the value does not fit {@code type}
     */
    public <T> Optional<T> get(String key, Class<T> type) {
        @SuppressWarnings("unchecked")
        T value = (T) codec.convert(snapshot.get(key), type);
        return Optional.ofNullable(value);
    }

    /**
     * @param key a key
     * @param expected its expected value
     * @return this
     */
    public StateView has(String key, Object expected) {
        if (!snapshot.containsKey(key)) {
            throw new AssertionError("Expected the " + scope + " state to have '" + key + "' = " + expected
                    + " but it has no such key: " + snapshot);
        }
        Object actual = snapshot.get(key);
        if (!same(actual, expected)) {
            throw new AssertionError(
                    "Expected the " + scope + " state's '" + key + "' to be " + expected + " but it is " + actual);
        }
        return this;
    }

    /**
     * @param key a key that must be absent
     * @return this
     */
    public StateView lacks(String key) {
        if (snapshot.containsKey(key)) {
            throw new AssertionError(
                    "Expected the " + scope + " state to have no '" + key + "' but it is " + snapshot.get(key));
        }
        return this;
    }

    /** @return the run, to chain further assertions */
    public TestRun<?> and() {
        return run;
    }

    private boolean same(Object actual, Object expected) {
        if (actual instanceof Number a && expected instanceof Number e) {
            return new BigDecimal(a.toString()).compareTo(new BigDecimal(e.toString())) == 0;
        }
        if (Objects.equals(actual, expected)) {
            return true;
        }
        return expected != null
                && actual != null
                && !(expected instanceof String)
                && Objects.equals(codec.convert(actual, expected.getClass()), expected);
    }

    @Override
    public String toString() {
        return scope + " " + snapshot;
    }
}
