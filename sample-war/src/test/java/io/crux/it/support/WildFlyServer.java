package io.crux.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * A WildFly server, in the installation that the {@code wildfly} profile unpacked and configured
 * ({@code wildfly.home}), that a test starts, stops and kills itself: its own base directory (a copy
 * of {@code standalone/configuration}, with its own {@code deployments/}, {@code data/} and so its
 * own H2 file, and {@code log/}), started with {@code standalone.sh -c standalone-microprofile.xml}
 * and a port offset of its own.
 *
 * <p>Tests ask for HTTP ports near {@code lifecycle.http.port}; a WildFly server moves all its ports
 * (HTTP, management, transactions) by one offset, and offsets one apart would share ports. So the
 * port a test asks for chooses the offset: {@code lifecycle.port-offset} (200) for
 * {@code lifecycle.http.port}, 100 more for each port above it; the server answers on
 * 8080 plus the offset ({@link #url(String)} names it).
 */
public final class WildFlyServer extends AppServer {

    private static final int HTTP = 8080;
    private static final int MANAGEMENT = 9990;

    private final Path home;
    private final String name;
    private final Path dir;
    private final int offset;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> jvmOptions = new ArrayList<>();

    private WildFlyServer(Path home, String name, int offset) {
        super(HTTP + offset);
        this.home = home;
        this.name = name;
        this.dir = Path.of("target", "wildfly-servers", name).toAbsolutePath();
        this.offset = offset;
    }

    /**
     * @param name the server's name (its directory under {@code target/wildfly-servers})
     * @param httpPort the port the test asked for, which chooses the port offset
     * @param env extra environment variables
     * @return the server, not started
     */
    public static WildFlyServer create(String name, int httpPort, Map<String, String> env) {
        int base = Integer.getInteger("lifecycle.http.port", 9081);
        int offset = Integer.getInteger("lifecycle.port-offset", 200) + 100 * (httpPort - base);
        WildFlyServer server = new WildFlyServer(Path.of(System.getProperty("wildfly.home")), name, offset);
        server.recreate(env);
        return server;
    }

    private void recreate(Map<String, String> extraEnv) {
        try {
            if (Files.exists(dir)) {
                stopQuietly();
                delete(dir);
            }
            Path source = home.resolve("standalone/configuration");
            Files.createDirectories(dir.resolve("configuration"));
            Files.createDirectories(dir.resolve("deployments"));
            try (Stream<Path> files = Files.list(source)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(f, dir.resolve("configuration").resolve(f.getFileName()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        env.putAll(environment(extraEnv));
    }

    @Override
    public WildFlyServer deploy(WebArchive war) {
        war.as(ZipExporter.class)
                .exportTo(dir.resolve("deployments").resolve(war.getName()).toFile(), true);
        return this;
    }

    @Override
    public WildFlyServer deploy(Path war) {
        try {
            Files.copy(war, dir.resolve("deployments").resolve(war.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    @Override
    public WildFlyServer jvmOptions(String... options) {
        jvmOptions.clear();
        jvmOptions.addAll(List.of(options));
        return this;
    }

    @Override
    protected void launch() {
        try {
            Files.deleteIfExists(pidFile());
            ProcessBuilder builder = new ProcessBuilder(
                            home.resolve("bin/standalone.sh").toString(),
                            "-c",
                            "standalone-microprofile.xml",
                            "-Djboss.server.base.dir=" + dir,
                            "-Djboss.socket.binding.port-offset=" + offset)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("console.out").toFile());
            builder.environment().putAll(env);
            // standalone.conf's defaults with room for the tests' applications, the suite's options, the test's
            builder.environment()
                    .put(
                            "JAVA_OPTS",
                            String.join(
                                    " ",
                                    Stream.concat(
                                                    Stream.of(
                                                            "-Xms128m",
                                                            "-Xmx768m",
                                                            "-XX:MetaspaceSize=96M",
                                                            "-XX:MaxMetaspaceSize=512m",
                                                            "-Djava.net.preferIPv4Stack=true",
                                                            "-Djava.awt.headless=true",
                                                            "-Djboss.modules.system.pkgs=org.jboss.byteman"),
                                                    Stream.concat(suiteJvmOptions().stream(), jvmOptions.stream()))
                                            .toList()));
            // the script writes the JVM's pid there, and forwards a TERM to it
            builder.environment().put("JBOSS_PIDFILE", pidFile().toString());
            builder.environment().put("LAUNCH_JBOSS_IN_BACKGROUND", "true");
            builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        ProcessHandle jvm = jvm().orElseThrow(() -> new IllegalStateException("server " + name + " does not run"));
        jvm.destroy(); // SIGTERM: WildFly shuts down gracefully
        jvm.onExit().orTimeout(4, TimeUnit.MINUTES).join();
    }

    @Override
    public void stopQuietly() {
        jvm().ifPresent(jvm -> {
            jvm.destroy();
            try {
                jvm.onExit().get(4, TimeUnit.MINUTES);
            } catch (Exception e) {
                jvm.destroyForcibly();
            }
        });
    }

    /** The server's JVM, from the pid file the start script writes, while it runs. */
    private Optional<ProcessHandle> jvm() {
        try {
            Path pid = pidFile();
            if (!Files.exists(pid)) {
                return Optional.empty();
            }
            return ProcessHandle.of(Long.parseLong(Files.readString(pid).trim()))
                    .filter(ProcessHandle::isAlive);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private Path pidFile() {
        return dir.resolve("server.pid");
    }

    @Override
    public Path log() {
        return dir.resolve("log/server.log");
    }

    /** @return the server's base directory (the H2 file is {@code data/crux/crux.mv.db}) */
    @Override
    public Path directory() {
        return dir;
    }

    /** @return the jar of the installation's H2 module */
    @Override
    public Optional<Path> h2Driver() {
        return h2Jar(home.resolve("modules/system/layers/base/com/h2database"));
    }

    /** As {@code crux.cli} creates the datasource {@code crux-h2}. */
    @Override
    public String[] h2Credentials() {
        return new String[] {"sa", "sa"};
    }

    /** WildFly answers health checks on its management interface (9990 plus the offset), not the HTTP port. */
    @Override
    public String healthUrl(String check) {
        return "http://localhost:" + (MANAGEMENT + offset) + "/health/" + check;
    }

    /** @return the offset of all the server's ports */
    public int portOffset() {
        return offset;
    }
}
