package io.crux.ee.spi;

import java.time.Instant;

/**
 * One event of a request's stream. Immutable.
 *
 * @param requestId the request (run) id
 * @param seq its sequence number, from 1, strictly increasing within the request
 * @param type the event type, such as {@code item.added}
 * @param json the whole event envelope as JSON: {@code {"type","requestId","seq","ts",...}}
 * @param at when it happened
 */
public record EventRecord(String requestId, long seq, String type, String json, Instant at) {

    /** @return whether no event follows this one in the stream until the request resumes */
    public boolean isTerminal() {
        return type.equals("request.completed")
                || type.equals("request.failed")
                || type.equals("request.cancelled")
                || type.equals("request.suspended");
    }
}
