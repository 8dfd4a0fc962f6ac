package io.crux.it.support;

import java.util.Optional;

/**
 * The one server that a test class leaves running for the next class that declares a server of the
 * same name with {@link RunningServer#shared}: every other server created on its port stops it
 * first ({@link AppServer#create(String, int, java.util.Map)}), and the end of the test run stops it
 * (registered by {@link RunningServer}).
 */
final class KeptServer {

    private static String name;
    private static int port;
    private static AppServer server;

    private KeptServer() {}

    /**
     * @param wanted the name of a shared server
     * @return the running server of that name, or empty
     */
    static synchronized Optional<AppServer> running(String wanted) {
        return server != null && name.equals(wanted) ? Optional.of(server) : Optional.empty();
    }

    /**
     * @param serverName its name
     * @param httpPort the port it was created on ({@link AppServer#create(String, int, java.util.Map)})
     * @param running the started server to keep, replacing none
     */
    static synchronized void keep(String serverName, int httpPort, AppServer running) {
        name = serverName;
        port = httpPort;
        server = running;
    }

    /** @param httpPort the port a new server is about to be created on: the kept server stops if it was created there */
    static synchronized void release(int httpPort) {
        if (server != null && port == httpPort) {
            stop();
        }
    }

    /** Stops the kept server, if any. */
    static synchronized void stop() {
        if (server != null) {
            AppServer stopping = server;
            server = null;
            name = null;
            stopping.stopQuietly();
        }
    }
}
