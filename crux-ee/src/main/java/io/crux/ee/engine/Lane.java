package io.crux.ee.engine;

import io.crux.ee.api.exception.FlowChangedException;
import io.crux.ee.catalog.Messages;
import io.crux.ee.spi.CheckpointRecord;

/**
 * One sequence of block operations that runs on one thread: the root block, a parallel branch, a
 * map item, or the inside of a leaf step. Replay checks the recorded order within a lane, which
 * does not depend on how branches interleave.
 */
final class Lane {
    final String path;
    /** The parallel branch or map item this lane runs in, which qualifies suspension names; null outside. */
    final String branch;

    private int lastPosition = -1;
    private String lastLabel;
    /** The label of the first checkpoint this lane recorded afresh, or null while it only replays. */
    private String fresh;

    Lane(String path, String branch) {
        this.path = path;
        this.branch = branch;
    }

    /** The checks that make a changed block flow fail instead of replaying the wrong outputs. */
    void replayed(String flowId, CheckpointRecord c) {
        if (fresh != null) {
            throw new FlowChangedException(
                    Messages.blockInserted(flowId, path, fresh, c.label()), flowId, fresh, c.position(), c.label());
        }
        if (c.position() < lastPosition) {
            throw new FlowChangedException(
                    Messages.blockOrderChanged(flowId, path, c.label(), lastLabel),
                    flowId,
                    c.label(),
                    c.position(),
                    lastLabel);
        }
        lastPosition = c.position();
        lastLabel = c.label();
    }

    /** Notes the first checkpoint this lane records afresh, after which no recorded one may follow. */
    void recordsAfresh(String label) {
        if (fresh == null) {
            fresh = label;
        }
    }
}
