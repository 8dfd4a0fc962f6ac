package io.crux.it.fault;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

import io.crux.it.support.AppServer;

/**
 * The database of a test's own server ({@code crux.db}), opened over JDBC by the test while the
 * server is down, to see what a kill left behind before a restart recovers it. On H2 that is the
 * server's own file (free once its JVM is gone), opened with the server's H2 driver where it has one;
 * on PostgreSQL the server's database and schema ({@code CRUX_DB_*}, as the server has them).
 *
 * <p>A PostgreSQL session of a killed server may still be finishing a {@code COMMIT} the server sent
 * just before it died. So that a read sees the end state, {@link #awaitSessionsEnded} waits until the
 * sessions from the server's client ports (taken from {@code /proc} before the kill, {@link
 * #clientPorts}) have ended.
 */
final class DownServerDatabase {

    private final AppServer server;
    private final boolean postgresql;
    private Driver h2Driver;

    private DownServerDatabase(AppServer server, boolean postgresql) {
        this.server = server;
        this.postgresql = postgresql;
    }

    /**
     * @param server the test's server
     * @return its database; on PostgreSQL checked reachable, with a message naming the settings otherwise
     */
    static DownServerDatabase of(AppServer server) {
        boolean postgresql = "postgresql".equals(System.getProperty("crux.db", "h2"));
        DownServerDatabase db = new DownServerDatabase(server, postgresql);
        if (postgresql) {
            try (Connection c = db.postgresql()) {
                c.isValid(5);
            } catch (SQLException e) {
                throw new AssertionError(
                        "the PostgreSQL pass (-Dcrux.db=postgresql) needs PostgreSQL at " + pgUrl() + " as "
                                + env("CRUX_DB_USER", "postgres") + " (CRUX_DB_HOST, CRUX_DB_PORT, CRUX_DB_NAME,"
                                + " CRUX_DB_SCHEMA, CRUX_DB_USER, CRUX_DB_PASSWORD): " + e.getMessage(),
                        e);
            }
        }
        return db;
    }

    /** @return {@code postgresql} or {@code h2} */
    String kind() {
        return postgresql ? "postgresql" : "h2";
    }

    /** @return a connection; on H2 only while the server is down (its file is locked otherwise) */
    Connection connect() throws SQLException {
        return postgresql ? postgresql() : h2();
    }

    /**
     * @param pid the server's JVM while it runs
     * @return the local ports of its TCP connections to PostgreSQL's port (empty on H2, or without {@code /proc})
     */
    Set<Integer> clientPorts(long pid) {
        Set<Integer> ports = new HashSet<>();
        if (!postgresql) {
            return ports;
        }
        Path fds = Path.of("/proc", Long.toString(pid), "fd");
        Set<String> sockets = new HashSet<>();
        try (Stream<Path> links = Files.list(fds)) {
            for (Path link : links.toList()) {
                try {
                    String target = Files.readSymbolicLink(link).toString();
                    if (target.startsWith("socket:[")) {
                        sockets.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException gone) {
                    // closed meanwhile
                }
            }
            String pgPort = String.format(Locale.ROOT, "%04X", Integer.parseInt(env("CRUX_DB_PORT", "5432")));
            for (String table : List.of("tcp", "tcp6")) {
                Path file = Path.of("/proc", Long.toString(pid), "net", table);
                if (!Files.exists(file)) {
                    continue;
                }
                List<String> lines = Files.readAllLines(file);
                for (String line : lines.subList(1, lines.size())) {
                    String[] f = line.trim().split("\\s+");
                    // local_address rem_address ... inode (the tenth field)
                    if (f.length > 9 && f[2].endsWith(":" + pgPort) && sockets.contains(f[9])) {
                        ports.add(Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no ports, and awaitSessionsEnded has nothing to wait for
        }
        return ports;
    }

    /**
     * Waits until PostgreSQL has no session from these client ports left (a killed server's end once
     * the database sees the connection closed, after finishing what it was doing).
     *
     * @param ports the server's client ports, taken before it was killed
     */
    void awaitSessionsEnded(Set<Integer> ports) {
        if (!postgresql || ports.isEmpty()) {
            return;
        }
        await("the killed server's PostgreSQL sessions end")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    try (Connection c = postgresql();
                            PreparedStatement q = c.prepareStatement(
                                    "select count(*) from pg_stat_activity where client_port = any(?)")) {
                        Array array = c.createArrayOf("int4", ports.toArray());
                        q.setArray(1, array);
                        try (ResultSet rs = q.executeQuery()) {
                            rs.next();
                            return rs.getInt(1) == 0;
                        }
                    }
                });
    }

    private Connection postgresql() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", env("CRUX_DB_USER", "postgres"));
        p.setProperty("password", env("CRUX_DB_PASSWORD", ""));
        return DriverManager.getConnection(pgUrl(), p);
    }

    private static String pgUrl() {
        return "jdbc:postgresql://" + env("CRUX_DB_HOST", "127.0.0.1") + ":" + env("CRUX_DB_PORT", "5432") + "/"
                + env("CRUX_DB_NAME", "test") + "?currentSchema=" + env("CRUX_DB_SCHEMA", "public");
    }

    private static String env(String name, String orElse) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? orElse : value;
    }

    private Connection h2() throws SQLException {
        Path file;
        try (Stream<Path> files = Files.walk(server.directory())) {
            file = files.filter(f -> f.getFileName().toString().equals("crux.mv.db"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no H2 file crux.mv.db below " + server.directory()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String name = file.toString();
        String url = "jdbc:h2:file:" + name.substring(0, name.length() - ".mv.db".length()) + ";IFEXISTS=TRUE";
        Properties p = new Properties();
        String[] credentials = server.h2Credentials();
        p.setProperty("user", credentials[0]);
        p.setProperty("password", credentials[1]);
        Connection c = h2Driver().connect(url, p);
        if (c == null) {
            throw new SQLException("the H2 driver does not take " + url);
        }
        return c;
    }

    private Driver h2Driver() {
        if (h2Driver == null) {
            Optional<Path> jar = server.h2Driver();
            try {
                ClassLoader loader = jar.isPresent()
                        ? new URLClassLoader(
                                new URL[] {jar.get().toUri().toURL()}, ClassLoader.getPlatformClassLoader())
                        : DownServerDatabase.class.getClassLoader();
                h2Driver = (Driver) Class.forName("org.h2.Driver", true, loader)
                        .getDeclaredConstructor()
                        .newInstance();
            } catch (MalformedURLException e) {
                throw new UncheckedIOException(e);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(
                        "no H2 driver in " + jar.map(Path::toString).orElse("the test's class path"), e);
            }
        }
        return h2Driver;
    }
}
