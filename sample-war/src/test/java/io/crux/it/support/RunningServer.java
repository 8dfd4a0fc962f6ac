package io.crux.it.support;

import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An {@link AppServer} of the suite's kind for one test class: created with the given deployments and started
 * before the class's tests, stopped after them; or, {@link #shared}, left running for the next classes that
 * declare the same shared server.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final RunningServer SERVER = RunningServer.with("cruxResources", ROOT, s -> s.deploy(war()));
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
    private final boolean shared;
    private AppServer server;

    private RunningServer(
            String name, String readyPath, Map<String, String> env, Deployer deployer, String skipped, boolean shared) {
        this.name = name;
        this.readyPath = readyPath;
        this.env = env;
        this.deployer = deployer;
        this.skipped = skipped;
        this.shared = shared;
    }

    /**
     * @param name the server name
     * @param readyPath a path that answers 200 once the applications are up
     * @param deployer adds the applications
     * @return the extension
     */
    public static RunningServer with(String name, String readyPath, Deployer deployer) {
        return new RunningServer(name, readyPath, Map.of(), deployer, null, false);
    }

    /**
     * A server that the classes declaring it by the same name share, each annotated
     * {@code @SharedServer(name)} so that the suite runs them one after another
     * ({@link SharedServersTogether}): the first starts it, the others find it running, and it stops
     * when another server is created on its port or the test run ends. For classes with the same
     * deployments and no environment of their own, each of which leaves the server as it found it but
     * for the sessions and runs it made (which the others do not check).
     *
     * @param name the server name, which says the server is the same for the classes that share it
     * @param readyPath a path that answers 200 once the applications are up
     * @param deployer adds the applications
     * @return the extension
     */
    public static RunningServer shared(String name, String readyPath, Deployer deployer) {
        return new RunningServer(name, readyPath, Map.of(), deployer, null, true);
    }

    /**
     * @param env extra lines for the server's server.env
     * @return a copy with them
     */
    public RunningServer env(Map<String, String> env) {
        if (shared) {
            throw new IllegalStateException("a shared server has no environment of one class: " + name);
        }
        return new RunningServer(name, readyPath, env, deployer, skipped, false);
    }

    /**
     * @param reason why the class's tests are skipped (no server starts, each test is reported skipped
     *     with the reason), or null when they run
     * @return a copy that skips them for that reason
     */
    public RunningServer unless(String reason) {
        return new RunningServer(name, readyPath, env, deployer, reason, shared);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (skipped != null) {
            return; // each test says why it is skipped (beforeEach)
        }
        if (shared) {
            SharedServer declared = context.getRequiredTestClass().getAnnotation(SharedServer.class);
            if (declared == null || !declared.value().equals(name)) {
                throw new IllegalStateException(context.getRequiredTestClass().getName() + " shares the server " + name
                        + ": annotate it @SharedServer(\"" + name + "\"), so that it runs beside the others");
            }
            Optional<AppServer> kept = KeptServer.running(name);
            if (kept.isPresent()) {
                server = kept.get();
                return;
            }
        }
        int port = AppServer.lifecyclePort();
        server = AppServer.create(name, port, env);
        deployer.deploy(server);
        try {
            server.start(readyPath);
        } catch (RuntimeException e) {
            server.stopQuietly();
            server = null;
            throw e;
        }
        if (shared) {
            KeptServer.keep(name, port, server);
            // the end of the test run (the root context's store closes then) stops whatever is kept
            context.getRoot()
                    .getStore(ExtensionContext.Namespace.create(KeptServer.class))
                    .getOrComputeIfAbsent(
                            KeptServer.class, k -> (ExtensionContext.Store.CloseableResource) KeptServer::stop);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Assumptions.assumeTrue(skipped == null, skipped);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null && !shared) {
            server.stopQuietly();
        }
    }

    /** @return the started server */
    @Override
    public AppServer get() {
        return server;
    }
}
