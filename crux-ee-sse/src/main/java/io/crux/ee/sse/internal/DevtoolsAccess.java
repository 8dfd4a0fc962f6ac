package io.crux.ee.sse.internal;

import java.security.Principal;
import java.time.Duration;
import java.util.function.Predicate;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import io.crux.ee.catalog.Messages;

/**
 * Who may use the devtools, in one place for the API and the page: they answer only when
 * {@code crux.devtools.enabled=true} (404 otherwise, as if they did not exist), and only to a user
 * in the operator role ({@code crux.http.operator-role}, default {@code crux-operator}).
 */
public final class DevtoolsAccess {

    /** What a caller gets. */
    public enum Verdict {
        /** The devtools answer. */
        ALLOWED(200),
        /** The devtools are off: 404. */
        DISABLED(404),
        /** No authenticated user: 401. */
        NO_USER(401),
        /** A user outside the operator role: 403. */
        FORBIDDEN(403);

        private final int status;

        Verdict(int status) {
            this.status = status;
        }

        /** @return the HTTP status of the verdict */
        public int status() {
            return status;
        }
    }

    private DevtoolsAccess() {}

    /** @return whether {@code crux.devtools.enabled} is true */
    public static boolean enabled() {
        return config().getOptionalValue("crux.devtools.enabled", Boolean.class).orElse(false);
    }

    /** @return the operator role, {@code crux.http.operator-role} */
    public static String operatorRole() {
        return config().getOptionalValue("crux.http.operator-role", String.class)
                .orElse("crux-operator");
    }

    /** @return how often the devtools' streams read the store, {@code crux.devtools.poll} (default 1 s) */
    public static Duration poll() {
        return config().getOptionalValue("crux.devtools.poll", String.class)
                .map(Duration::parse)
                .orElse(Duration.ofSeconds(1));
    }

    /**
     * @param user the authenticated caller, or {@code null}
     * @param inRole whether the caller is in a role
     * @return what the caller gets
     */
    public static Verdict check(Principal user, Predicate<String> inRole) {
        return check(enabled(), operatorRole(), user, inRole);
    }

    /**
     * @param enabled whether the devtools are on
     * @param role the operator role
     * @param user the authenticated caller, or {@code null}
     * @param inRole whether the caller is in a role
     * @return what the caller gets: off before anything else, so that nothing tells they exist
     */
    static Verdict check(boolean enabled, String role, Principal user, Predicate<String> inRole) {
        if (!enabled) {
            return Verdict.DISABLED;
        }
        if (user == null) {
            return Verdict.NO_USER;
        }
        return inRole.test(role) ? Verdict.ALLOWED : Verdict.FORBIDDEN;
    }

    /**
     * @param verdict a verdict other than {@link Verdict#ALLOWED}
     * @param user the caller, or {@code null}
     * @return the message the problem carries
     */
    public static String detail(Verdict verdict, Principal user) {
        return switch (verdict) {
            case DISABLED -> Messages.devtoolsDisabled();
            case NO_USER -> Messages.devtoolsNeedUser();
            case FORBIDDEN -> Messages.devtoolsNeedRole(user == null ? "?" : user.getName(), operatorRole());
            case ALLOWED -> "";
        };
    }

    private static Config config() {
        return ConfigProvider.getConfig();
    }
}
