package io.crux.it.fault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.crux.it.support.AppServer;
import io.crux.it.support.LibertyServer;

/**
 * The named points where Byteman halts a server ({@code Runtime.halt}, as {@code kill -9}: no
 * shutdown hook, no quiesce), ends its database connections, or holds a step's thread. The rules
 * ({@code fault/halt-points.btm}) are always loaded and fire only while the point's marker file
 * exists, so a test arms a point just before the run reaches it and disarms it before the restart.
 *
 * <p>Byteman rather than a hook in production code: the agent rewrites crux-ee's own classes in
 * the application's class loader; Liberty's class loaders reach Byteman's runtime through OSGi
 * boot delegation ({@code org.osgi.framework.bootdelegation}, added to Liberty's defaults).
 */
final class HaltPoints {

    /** After a step's body returned (its side effect done), before its checkpoint commits; suffix: the step's label. */
    static final String AFTER_SIDE_EFFECT = "after-side-effect-";
    /** After a step's checkpoint and events committed, before the events are handed to this server's streams; suffix: the label. */
    static final String AFTER_COMMIT = "after-commit-";
    /** Once the run's suspension is stored, before the engine does anything more. */
    static final String MID_SUSPEND = "mid-suspend";
    /** Once a signal is stored and its run claimed, before the run goes on. */
    static final String MID_SIGNAL = "mid-signal";

    /** Not a halt: every connection of the server's pool is ended before the step's checkpoint is written; suffix: the label. */
    static final String END_CONNECTIONS = "end-connections-";

    /** Not a halt: the step's thread waits before its checkpoint is written until the point is disarmed; suffix: the label. */
    static final String PAUSE = "pause-";
    /** The suffix of the file a pause writes once a thread waits there. */
    static final String REACHED = ".reached";

    private final Path dir;

    private HaltPoints(Path dir) {
        this.dir = dir;
    }

    /** @return the points of servers set up with {@link #install(AppServer)}, none armed */
    static HaltPoints create() {
        Path dir = Path.of("target", "fault-points").toAbsolutePath();
        try {
            Files.createDirectories(dir);
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new HaltPoints(dir);
    }

    /**
     * Loads the Byteman agent with the halt rules into the server.
     *
     * @param server a created server, not started
     */
    void install(AppServer server) {
        String jar = System.getProperty("byteman.jar");
        if (jar == null || !Files.exists(Path.of(jar))) {
            throw new IllegalStateException(
                    "no Byteman agent at " + jar + "; run the tests through Maven (mvn verify)");
        }
        Path rules =
                Path.of("src", "test", "resources", "fault", "halt-points.btm").toAbsolutePath();
        server.jvmOptions(
                "-javaagent:" + jar + "=script:" + rules + ",boot:" + jar,
                "-Dorg.jboss.byteman.transform.all=true",
                "-Dcrux.fault.dir=" + dir);
        if (server instanceof LibertyServer liberty) { // OSGi loads Byteman's helper classes from the boot loader
            liberty.bootstrapProperties("org.osgi.framework.bootdelegation=org.jboss.byteman.*");
        }
    }

    /** @param point a point's name (with its label where it takes one) */
    void arm(String point) {
        try {
            Files.writeString(dir.resolve(point), point);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @param point a point's name @return whether it is armed (a rule that fires once removes its marker) */
    boolean armed(String point) {
        return Files.exists(dir.resolve(point));
    }

    /** @param point a pause's name @return whether a thread waits there */
    boolean reached(String point) {
        return Files.exists(dir.resolve(point + REACHED));
    }

    /** @param point a point's name */
    void disarm(String point) {
        try {
            Files.deleteIfExists(dir.resolve(point));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
