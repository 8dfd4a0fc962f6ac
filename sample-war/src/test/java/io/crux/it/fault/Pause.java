package io.crux.it.fault;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;

/**
 * Holds a step's thread at a named point ({@link HaltPoints#PAUSE}), called by a Byteman rule:
 * it tells the test it got there and waits until the test removes the marker, at most two minutes.
 */
public final class Pause {

    private Pause() {}

    /** @param marker the armed point's marker file */
    public static void whileExists(File marker) {
        try {
            new File(marker.getPath() + HaltPoints.REACHED).createNewFile();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Instant bound = Instant.now().plus(Duration.ofMinutes(2));
        while (marker.exists() && Instant.now().isBefore(bound)) {
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
    }
}
