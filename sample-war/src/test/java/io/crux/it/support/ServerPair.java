package io.crux.it.support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;
import java.util.function.Supplier;

import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * Two servers of the suite's kind on the shared PostgreSQL database, on the lifecycle port and the
 * one after it, each with its own copy of one application: the tests of what a second node does.
 * H2 is embedded in each server, so the pair needs the PostgreSQL pass ({@code -Dcrux.db=postgresql});
 * elsewhere {@link #start} reports the calling test class skipped, saying why.
 *
 * @param first the server on the lifecycle port
 * @param second the server on the port after it
 */
public record ServerPair(AppServer first, AppServer second) {

    /**
     * Creates, deploys and starts both servers, the first one first.
     *
     * @param firstName the first server's name
     * @param firstEnv its extra environment variables
     * @param secondName the second server's name
     * @param secondEnv its extra environment variables
     * @param war builds the application each server gets a copy of
     * @param readyPath a path that answers once the application is up
     * @return the two running servers
     */
    public static ServerPair start(
            String firstName,
            Map<String, String> firstEnv,
            String secondName,
            Map<String, String> secondEnv,
            Supplier<WebArchive> war,
            String readyPath) {
        assumeTrue(
                "postgresql".equals(System.getProperty("crux.db")),
                "two servers need a shared database: this test runs only with -Dcrux.db=postgresql");
        AppServer first =
                AppServer.create(firstName, AppServer.lifecyclePort(), firstEnv).deploy(war.get());
        AppServer second = AppServer.create(secondName, AppServer.lifecyclePort() + 1, secondEnv)
                .deploy(war.get());
        ServerPair pair = new ServerPair(first, second);
        try {
            first.start(readyPath);
            second.start(readyPath);
        } catch (RuntimeException | Error e) {
            pair.stopQuietly();
            throw e;
        }
        return pair;
    }

    /** Stops both servers, whatever state they are in. */
    public void stopQuietly() {
        first.stopQuietly();
        second.stopQuietly();
    }
}
