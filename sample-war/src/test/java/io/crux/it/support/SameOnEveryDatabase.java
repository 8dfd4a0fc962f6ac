package io.crux.it.support;

/**
 * For the test classes whose checks come out the same whatever database the suite runs on
 * ({@code -Dcrux.db}), so that a server's H2 and PostgreSQL passes would check the same thing twice.
 * With {@code -Dit.db-independent.skip=true} (the PostgreSQL passes of {@code .ci/run}) each of their
 * tests is reported skipped, with the reason, and no server of theirs starts.
 */
public final class SameOnEveryDatabase {

    /** The system property that skips them. */
    public static final String PROPERTY = "it.db-independent.skip";

    private SameOnEveryDatabase() {}

    /**
     * @param why why the class's checks do not depend on the suite's database
     * @return the reason the class's tests are skipped, or null when they run
     */
    public static String skipped(String why) {
        return Boolean.getBoolean(PROPERTY)
                ? "-D" + PROPERTY + "=true: " + why + ", so this test is the same in a server's H2 and PostgreSQL"
                        + " passes; CI runs it in the H2 pass of each server and skips it in its PostgreSQL passes"
                        + " (see .ci/run)"
                : null;
    }
}
