package io.crux.ee.engine;

import io.crux.ee.api.exception.NestedStepException;
import io.crux.ee.catalog.Messages;

/** What belongs to one thread of a run: its step nesting and, in a block run, its lane and block path. */
final class Frame {
    int stepDepth;
    /** The label of the step whose body runs on this thread, or null. */
    String step;
    /** The id of that step, or null. */
    String stepId;
    /** How many runs this attempt of the step (or this execution of the body, outside steps) started. */
    int children;
    /** Whether a transactional step's transaction is open on this thread; steps inside it join it. */
    boolean inTransaction;
    /** Whether a transactional step's checkpoint write took the events gathered, ending the gathering. */
    boolean eventsTaken;

    Lane lane;
    String path = "";

    /**
     * Refuses to start another run from a transactional step running on this thread: its row would
     * be written in the step's transaction while the run executes outside it.
     */
    void refuseChildRun(String flowId, String child) {
        if (inTransaction) {
            throw new IllegalStateException(Messages.childRunInTransaction(flowId, step, child));
        }
    }

    /**
     * Refuses a step, suspension or wait of the flow body inside a step's body: the step's replay
     * skips its body, so a checkpoint recorded in there would shift every later position.
     */
    void refuseInsideStep(String flowId, String kind, String label) {
        if (stepDepth > 0) {
            throw new NestedStepException(Messages.nestedStep(flowId, step, kind, label), flowId, step);
        }
    }
}
