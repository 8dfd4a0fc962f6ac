package io.crux.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * An Open Liberty server, in the installation that liberty-maven-plugin made, that a test
 * starts, stops and kills itself. Its configuration is copied from the plugin's server (the
 * project's server-config), with its own ports, its own H2 file and the environment the test gives.
 */
public final class LibertyServer extends AppServer {

    private final Path wlp;
    private final String name;
    private final Path dir;
    private final int httpPort;
    private final StringBuilder apps = new StringBuilder();

    private LibertyServer(Path wlp, String name, int httpPort) {
        super(httpPort);
        this.wlp = wlp;
        this.name = name;
        this.dir = wlp.resolve("usr/servers").resolve(name);
        this.httpPort = httpPort;
    }

    /**
     * @param name the server name
     * @param httpPort its HTTP port (HTTPS takes this plus 363)
     * @param env extra lines for its server.env
     * @return the server, not started
     */
    public static LibertyServer create(String name, int httpPort, Map<String, String> env) {
        Path wlp = Path.of(System.getProperty("wlp.home"));
        LibertyServer server = new LibertyServer(wlp, name, httpPort);
        server.recreate(env);
        return server;
    }

    private void recreate(Map<String, String> extraEnv) {
        try {
            if (Files.exists(dir)) {
                stopQuietly();
                delete(dir);
            }
            Path source = wlp.resolve("usr/servers").resolve(System.getProperty("liberty.server", "cruxServer"));
            Files.createDirectories(dir.resolve("apps"));
            Files.createDirectories(dir.resolve("lib/jdbc"));
            try (Stream<Path> files = Files.list(source)) {
                for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".xml")
                                && !p.getFileName().toString().equals("apps.xml"))
                        .toList()) {
                    Files.copy(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            try (Stream<Path> jars = Files.list(source.resolve("lib/jdbc"))) {
                for (Path jar : jars.toList()) {
                    Files.copy(
                            jar,
                            dir.resolve("lib/jdbc").resolve(jar.getFileName()),
                            StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.writeString(
                    dir.resolve("bootstrap.properties"),
                    "http.port=" + httpPort + "\nhttps.port=" + (httpPort + 363)
                            + "\ncom.ibm.ws.logging.console.format=SIMPLE\n");
            StringBuilder lines = new StringBuilder();
            environment(extraEnv)
                    .forEach((k, v) -> lines.append(k).append('=').append(v).append('\n'));
            Files.writeString(dir.resolve("server.env"), lines);
            jvmOptions();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public LibertyServer jvmOptions(String... lines) {
        List<String> all = new ArrayList<>(suiteJvmOptions());
        all.addAll(List.of(lines));
        return write("jvm.options", String.join("\n", all) + "\n");
    }

    /**
     * @param lines lines to add to the server's {@code bootstrap.properties}
     * @return this
     */
    public LibertyServer bootstrapProperties(String... lines) {
        try {
            return write(
                    "bootstrap.properties",
                    Files.readString(dir.resolve("bootstrap.properties")) + String.join("\n", lines) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private LibertyServer write(String file, String content) {
        try {
            Files.writeString(dir.resolve(file), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    @Override
    public LibertyServer deploy(WebArchive war) {
        war.as(ZipExporter.class)
                .exportTo(dir.resolve("apps").resolve(war.getName()).toFile(), true);
        return register(war.getName());
    }

    @Override
    public LibertyServer deploy(Path war) {
        try {
            Files.copy(war, dir.resolve("apps").resolve(war.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return register(war.getFileName().toString());
    }

    /**
     * Declares the application with the third-party API visibility crux-ee needs for OpenTelemetry,
     * and its operator role mapped to the group of the user {@code manager}.
     */
    private LibertyServer register(String fileName) {
        String root = fileName.substring(0, fileName.length() - ".war".length());
        apps.append("    <webApplication location=\"")
                .append(fileName)
                .append("\" contextRoot=\"/")
                .append(root)
                .append("\">\n        <classloader apiTypeVisibility=\"+third-party\"/>\n")
                .append(
                        "        <application-bnd><security-role name=\"crux-operator\"><group name=\"crux-operators\"/>")
                .append("</security-role></application-bnd>\n    </webApplication>\n");
        try {
            Files.writeString(dir.resolve("apps.xml"), "<server>\n" + apps + "</server>\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    @Override
    protected void launch() {
        int exit = run("start");
        if (exit != 0) {
            throw new IllegalStateException("server " + name + " did not start (exit " + exit + "); see " + log());
        }
    }

    @Override
    public void stop() {
        int exit = run("stop");
        if (exit != 0) {
            throw new IllegalStateException("server " + name + " did not stop (exit " + exit + ")");
        }
    }

    @Override
    public void stopQuietly() {
        run("stop");
    }

    /** @return {@code usr/servers/<name>}, its output directory too (the H2 file is {@code db/crux.mv.db}) */
    @Override
    public Path directory() {
        return dir;
    }

    /** @return the server's messages.log */
    @Override
    public Path log() {
        return dir.resolve("logs/messages.log");
    }

    private int run(String action) {
        try {
            Process p = new ProcessBuilder(List.of(wlp.resolve("bin/server").toString(), action, name))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("server-" + action + ".out").toFile())
                    .start();
            if (!p.waitFor(4, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("bin/server " + action + " " + name + " did not return");
            }
            return p.exitValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
