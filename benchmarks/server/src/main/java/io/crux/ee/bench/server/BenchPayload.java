package io.crux.ee.bench.server;

/**
 * What each benchmark step returns: about 200 bytes of JSON once encoded with JSON-B (a 36
 * character run id, a step number, a number and a fixed text).
 *
 * @param id the run id
 * @param step the step number
 * @param value a number derived from the step
 * @param text fixed filler
 */
public record BenchPayload(String id, int step, long value, String text) {

    /** Filler that brings the JSON form to about 200 bytes. */
    public static final String TEXT = "The quick brown fox jumps over the lazy dog; "
            + "durable steps are checkpointed as JSON text, one row per completed step.....";

    /**
     * @param flowId the run id
     * @param step the step number
     * @return the payload of that step
     */
    public static BenchPayload of(String flowId, int step) {
        return new BenchPayload(flowId, step, 1_000_000_007L * (step + 1), TEXT);
    }
}
