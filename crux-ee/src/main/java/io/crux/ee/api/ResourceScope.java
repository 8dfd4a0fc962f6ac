package io.crux.ee.api;

import java.util.Locale;

/**
 * The scope a {@link Resource} belongs to: its entries are shared by every run of the same session,
 * user or project, like that scope's state ({@link FlowScope#session()} and the others).
 */
public enum ResourceScope {
    /** The run's session: the entries are deleted with the session. */
    SESSION,
    /** The run's user. */
    USER,
    /** The run's project (the one named in the run options, else {@code default}). */
    PROJECT;

    /** @return the scope's stored name, as {@link ScopedState#scope()} names it: {@code session}, {@code user} or {@code project} */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
