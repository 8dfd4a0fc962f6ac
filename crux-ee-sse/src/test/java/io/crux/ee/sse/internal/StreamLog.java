package io.crux.ee.sse.internal;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;

import io.crux.ee.engine.InMemorySessionStore;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.SessionStore;

/**
 * Test doubles for streams: an event log that takes events in any order, as commits of parallel
 * writers may store them, and an output that tells when an event id has been flushed.
 */
final class StreamLog {

    private final ConcurrentSkipListMap<Long, EventRecord> log = new ConcurrentSkipListMap<>();
    private final String requestId;

    StreamLog(String requestId) {
        this.requestId = requestId;
    }

    /** Stores events with these numbers, whatever is stored already. */
    void store(String type, long... seqs) {
        for (long seq : seqs) {
            log.put(seq, new EventRecord(requestId, seq, type, "{\"seq\":" + seq + "}", Instant.now()));
        }
    }

    /** @return a session store whose event log is this one */
    SessionStore sessions() {
        InMemorySessionStore delegate = new InMemorySessionStore();
        return (SessionStore) Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {SessionStore.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "readEvents" ->
                        log.tailMap((Long) args[1], false).values().stream()
                                .limit((Integer) args[2])
                                .toList();
                    case "lastSeq" -> log.isEmpty() ? 0L : log.lastKey();
                    default -> {
                        try {
                            yield method.invoke(delegate, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    }
                });
    }

    /** The bytes a stream wrote, with a latch that opens once a flush has sent the event {@code <requestId>:<seq>}. */
    static final class Output extends OutputStream {

        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final String awaited;
        final CountDownLatch flushed = new CountDownLatch(1);

        Output(String requestId, long seq) {
            this.awaited = "id: " + requestId + ":" + seq + "\n";
        }

        @Override
        public synchronized void write(int b) {
            bytes.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            bytes.write(b, off, len);
        }

        @Override
        public synchronized void flush() {
            if (text().contains(awaited)) {
                flushed.countDown();
            }
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        /** @return the numbers of the events written, in order */
        List<Long> seqs() {
            return text().lines()
                    .filter(l -> l.startsWith("id: "))
                    .map(l -> Long.parseLong(l.substring(l.lastIndexOf(':') + 1)))
                    .toList();
        }
    }
}
