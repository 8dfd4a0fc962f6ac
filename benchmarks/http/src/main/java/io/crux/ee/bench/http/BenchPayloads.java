package io.crux.ee.bench.http;

import java.util.LinkedHashMap;
import java.util.Map;

import io.crux.ee.api.Item;

/** The payloads both SSE variants send: a status item whose text is exactly 100 characters. */
final class BenchPayloads {

    static final int TEXT_LENGTH = 100;
    private static final String FILLER =
            "the quick brown fox jumps over the lazy dog; the quick brown fox jumps over the lazy dog; "
                    + "the quick brown fox";

    private BenchPayloads() {}

    /** @param i the item's number @return 100 characters of text */
    static String text(int i) {
        String head = String.format("status %06d: ", i);
        return head + FILLER.substring(0, TEXT_LENGTH - head.length());
    }

    /** @param i the item's number @return a completed status item, as crux's {@code Item.status} makes it */
    static Item item(int i) {
        return Item.status(text(i));
    }

    /**
     * The envelope crux-ee builds for a request event (see RequestEvents): type, requestId, seq, ts, then the fields.
     */
    static Map<String, Object> envelope(String type, String requestId, long seq, Map<String, ?> fields) {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("type", type);
        envelope.put("requestId", requestId);
        envelope.put("seq", seq);
        envelope.put("ts", java.time.Instant.now().toString());
        envelope.putAll(fields);
        return envelope;
    }
}
