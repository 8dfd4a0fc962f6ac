package io.crux.it.fault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster of the test's own, from the installed binaries, on a private port under
 * {@code target/}: the fault tests stop and start it and end its connections without touching the
 * machine's shared PostgreSQL. As root, its commands run as the {@code postgres} user.
 */
final class PrivateCluster {

    private final Path bin;
    private final Path dir;
    private final int port;

    private PrivateCluster(Path bin, Path dir, int port) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
    }

    /** @return the newest installed {@code /usr/lib/postgresql/<version>/bin}, if any */
    static Optional<Path> binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparing(b -> Integer.parseInt(
                            b.getParent().getFileName().toString().replaceAll("\\D", "0"))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Creates a fresh cluster (trust authentication, no fsync) and starts it.
     *
     * @param bin the binaries
     * @param port its port on 127.0.0.1
     * @return the running cluster
     */
    static PrivateCluster start(Path bin, int port) {
        // under the temporary directory, not the checkout: the postgres user must reach it, and a
        // checkout may sit below a directory only its owner can enter (a clone into mktemp -d does)
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "crux-fault-pg-" + port)
                .toAbsolutePath();
        PrivateCluster cluster = new PrivateCluster(bin, dir, port);
        try {
            if (Files.exists(dir.resolve("data/postmaster.pid"))) {
                cluster.run("pg_ctl", "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
            }
            if (Files.exists(dir)) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder())
                            .forEach(f -> f.toFile().delete());
                }
            }
            Files.createDirectories(dir);
            if (isRoot()) {
                new ProcessBuilder("chown", "postgres:postgres", dir.toString())
                        .inheritIO()
                        .start()
                        .waitFor();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        cluster.run("initdb", "-D", dir.resolve("data").toString(), "-A", "trust", "-U", "postgres", "--no-sync");
        cluster.start();
        return cluster;
    }

    /** Starts the stopped cluster and waits until it takes connections. */
    void start() {
        run(
                "pg_ctl",
                "-D",
                dir.resolve("data").toString(),
                "-l",
                dir.resolve("server.log").toString(),
                "-w",
                "-t",
                "60",
                "-o",
                "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
                "start");
    }

    /** Stops the cluster (fast shutdown: sessions are ended, as in a database restart). */
    void stop() {
        run("pg_ctl", "-D", dir.resolve("data").toString(), "-m", "fast", "-w", "-t", "60", "stop");
    }

    /** Stops the cluster if it runs; for clean-up. */
    void stopQuietly() {
        try {
            stop();
        } catch (RuntimeException ignored) {
            // not running
        }
    }

    /** @return the environment that points a Liberty server's datasource at this cluster */
    java.util.Map<String, String> serverEnv() {
        return java.util.Map.of(
                "CRUX_DB",
                "postgresql",
                "CRUX_DB_HOST",
                "127.0.0.1",
                "CRUX_DB_PORT",
                Integer.toString(port),
                "CRUX_DB_NAME",
                "postgres",
                "CRUX_DB_USER",
                "postgres",
                "CRUX_DB_SCHEMA",
                "public");
    }

    /**
     * Ends every client connection to the cluster but the test's own ({@code pg_terminate_backend}):
     * all of them are the test server's, since no one else uses this cluster.
     *
     * @return how many were ended
     */
    int terminateServerConnections() {
        try (Connection c = DriverManager.getConnection(
                        "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("select count(*) filter (where pg_terminate_backend(pid)) from pg_stat_activity"
                                + " where backend_type = 'client backend' and pid <> pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void run(String command, String... args) {
        List<String> line = new ArrayList<>();
        if (isRoot()) {
            line.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        line.add(bin.resolve(command).toString());
        line.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(line)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            Path.of("target", "fault-pg.out").toFile()))
                    .start();
            if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", line) + " failed; see target/fault-pg.out");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
