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
import java.util.concurrent.TimeUnit;

import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * A Payara Micro server that a test starts, stops and kills itself: a {@code java -jar
 * payara-micro.jar} process of its own, with the project's configuration (server-config's pre- and
 * post-boot command files), its own port, and its own root directory under {@code target/payara/servers},
 * which holds its configuration, its deployments and its H2 file across restarts. The WARs are
 * deployed by the first start; later starts boot the deployments kept in the root directory, as a
 * restarted server does. Each server runs in its own working directory, which gives it its own
 * crux-ee node id.
 */
public final class PayaraMicroServer extends AppServer {

    private final String name;
    private final Path dir;
    private final int httpPort;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<Path> wars = new ArrayList<>();
    private final List<String> jvmOptions = new ArrayList<>();
    private Process process;
    private boolean deployed;

    private PayaraMicroServer(String name, Path dir, int httpPort) {
        super(httpPort);
        this.name = name;
        this.dir = dir;
        this.httpPort = httpPort;
    }

    /**
     * @param name the server's name (its directory)
     * @param httpPort its HTTP port
     * @param env extra environment variables
     * @return the server, created afresh (an earlier one of that name is killed and removed), not started
     */
    public static PayaraMicroServer create(String name, int httpPort, Map<String, String> env) {
        Path dir = Path.of(System.getProperty("payara.servers", "target/payara/servers"))
                .toAbsolutePath()
                .resolve(name);
        PayaraMicroServer server = new PayaraMicroServer(name, dir, httpPort);
        server.recreate(env);
        return server;
    }

    private void recreate(Map<String, String> extraEnv) {
        try {
            killEarlier();
            delete(dir);
            Files.createDirectories(dir.resolve("apps"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // the command files have no defaults: the environment's CRUX_DB_*, or Liberty's defaults
        Map<String, String> base = new LinkedHashMap<>(Map.of(
                "CRUX_DB_HOST", "127.0.0.1",
                "CRUX_DB_PORT", "5432",
                "CRUX_DB_NAME", "test",
                "CRUX_DB_USER", "postgres",
                "CRUX_DB_PASSWORD", "",
                "CRUX_DB_SCHEMA", "public"));
        base.put("CRUX_PAYARA_CONFIG", config().toString());
        base.putAll(environment(extraEnv));
        env.putAll(base);
    }

    /** A server of this name left running by an earlier test run (its pid file): killed. */
    private void killEarlier() throws IOException {
        Path pid = dir.resolve("pid");
        if (Files.exists(pid)) {
            ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).ifPresent(p -> {
                p.destroyForcibly();
                p.onExit().orTimeout(60, TimeUnit.SECONDS).join();
            });
        }
    }

    private static Path config() {
        return Path.of(System.getProperty("payara.config", "../server-config/src/main/payara"))
                .toAbsolutePath()
                .normalize();
    }

    @Override
    public PayaraMicroServer deploy(WebArchive war) {
        Path file = dir.resolve("apps").resolve(war.getName());
        war.as(ZipExporter.class).exportTo(file.toFile(), true);
        wars.add(file);
        return this;
    }

    @Override
    public PayaraMicroServer deploy(Path war) {
        try {
            Path file = dir.resolve("apps").resolve(war.getFileName());
            Files.copy(war, file, StandardCopyOption.REPLACE_EXISTING);
            wars.add(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    @Override
    public PayaraMicroServer jvmOptions(String... options) {
        jvmOptions.clear();
        jvmOptions.addAll(List.of(options));
        return this;
    }

    @Override
    protected void launch() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("server " + name + " runs already");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(suiteJvmOptions());
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-jar",
                System.getProperty("payara.micro.jar"),
                "--nocluster",
                "--port",
                Integer.toString(httpPort),
                "--rootdir",
                dir.resolve("root").toString(),
                "--prebootcommandfile",
                config().resolve("pre-boot-commands.asadmin").toString(),
                "--postbootcommandfile",
                config().resolve("post-boot-commands.asadmin").toString()));
        String libs = System.getProperty("payara.addlibs");
        if (libs != null && !libs.isBlank()) {
            command.add("--addlibs");
            command.add(libs);
        }
        if (!deployed) { // a restart boots the deployments kept in the root directory
            for (Path war : wars) {
                command.add("--deploy");
                command.add(war.toString());
            }
        }
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
            builder.environment().putAll(env);
            process = builder.start();
            Files.writeString(dir.resolve("pid"), Long.toString(process.pid()));
            deployed = true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the server as a shutdown does (SIGTERM: Payara's shutdown hook undeploys and closes). */
    @Override
    public void stop() {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException("server " + name + " does not run");
        }
        stopQuietly();
        if (process.exitValue() != 0 && process.exitValue() != 143) {
            throw new IllegalStateException("server " + name + " stopped with exit " + process.exitValue());
        }
    }

    @Override
    public void stopQuietly() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(2, TimeUnit.MINUTES)) {
                    process.destroyForcibly().waitFor(1, TimeUnit.MINUTES);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public Path log() {
        return dir.resolve("server.log");
    }

    /** @return the server's directory, with its root directory ({@code root}, where the H2 file is) */
    @Override
    public Path directory() {
        return dir;
    }

    /** The pool {@code h2} of {@code post-boot-commands.asadmin} sets no user: H2's default, with no password. */
    @Override
    public String[] h2Credentials() {
        return new String[] {"", ""};
    }
}
