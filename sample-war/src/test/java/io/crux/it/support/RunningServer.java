package io.crux.it.support;

import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An {@link AppServer} of the suite's kind for one test class: created with the given deployments and started
 * before the class's tests, stopped after them.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final RunningServer server = RunningServer.with("cruxApi", ApiWar.FLOWS, s -> s.deploy(ApiWar.build()));
 * }</pre>
 */
public final class RunningServer
        implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback, Supplier<AppServer> {

    /** Adds the deployments to a created server. */
    @FunctionalInterface
    public interface Deployer {
        void deploy(AppServer server);
    }

    private final String name;
    private final String readyPath;
    private final Map<String, String> env;
    private final Deployer deployer;
    private final String skipped;
    private AppServer server;

    private RunningServer(String name, String readyPath, Map<String, String> env, Deployer deployer, String skipped) {
        this.name = name;
        this.readyPath = readyPath;
        this.env = env;
        this.deployer = deployer;
        this.skipped = skipped;
    }

    /**
     * @param name the server name
     * @param readyPath a path that answers 200 once the applications are up
     * @param deployer adds the applications
     * @return the extension
     */
    public static RunningServer with(String name, String readyPath, Deployer deployer) {
        return new RunningServer(name, readyPath, Map.of(), deployer, null);
    }

    /**
     * @param env extra lines for the server's server.env
     * @return a copy with them
     */
    public RunningServer env(Map<String, String> env) {
        return new RunningServer(name, readyPath, env, deployer, skipped);
    }

    /**
     * @param reason why the class's tests are skipped (no server starts, each test is reported skipped
     *     with the reason), or null when they run
     * @return a copy that skips them for that reason
     */
    public RunningServer unless(String reason) {
        return new RunningServer(name, readyPath, env, deployer, reason);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (skipped != null) {
            return; // each test says why it is skipped (beforeEach)
        }
        server = AppServer.create(name, env);
        deployer.deploy(server);
        server.start(readyPath);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Assumptions.assumeTrue(skipped == null, skipped);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.stopQuietly();
        }
    }

    /** @return the started server */
    @Override
    public AppServer get() {
        return server;
    }
}
