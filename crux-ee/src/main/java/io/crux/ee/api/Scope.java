package io.crux.ee.api;

import java.util.Locale;

/**
 * The state scopes of a flow: what a {@link ScopedState} document belongs to and how long it lives.
 */
public enum Scope {
    /** The session's document, stored, shared by every run of the session. */
    SESSION,
    /** The user's document, stored, shared by every run of the user. */
    USER,
    /** The project's document, stored, shared by every run of the project. */
    PROJECT,
    /** The execution's document, in memory, for one run on one server. */
    REQUEST;

    /** @return the name {@link ScopedState#scope()} answers: {@code session}, {@code user}, {@code project} or {@code request} */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
