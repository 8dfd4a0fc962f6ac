package io.crux.ee.spi;

/** What a checkpoint records. */
public enum CheckpointKind {
    /** The output of a completed step. */
    STEP,
    /** The payload of a signal that answered a suspension. */
    SIGNAL,
    /** The fact that a {@code waitUntil} condition held. */
    WAIT,
    /** An item emitted outside a step, so that a replay does not emit it again. */
    EMIT
}
