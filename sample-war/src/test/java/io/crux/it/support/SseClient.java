package io.crux.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** A plain Server-Sent Events client on {@link HttpClient}, that can stop reading (disconnect) at any event. */
public final class SseClient {

    /** One event as received. */
    public record Event(String id, Map<String, Object> data) {
        public String type() {
            return (String) data.get("type");
        }

        public long seq() {
            return ((Number) data.get("seq")).longValue();
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private SseClient() {}

    /**
     * Reads events until {@code stop} accepts one (included) or the server closes the stream, then disconnects.
     *
     * @param url the stream's URL
     * @param user basic-auth user and password as {@code user:password}, or {@code null}
     * @param lastEventId the {@code Last-Event-ID} header, or {@code null}
     * @param stop when to stop reading
     * @return the events read
     */
    public static List<Event> read(String url, String user, String lastEventId, Predicate<Event> stop) {
        return read(url, user, lastEventId, stop, () -> {});
    }

    /**
     * Like {@link #read(String, String, String, Predicate)}, and tells of every comment line (a heartbeat).
     *
     * @param url the stream's URL
     * @param user basic-auth user and password as {@code user:password}, or {@code null}
     * @param lastEventId the {@code Last-Event-ID} header, or {@code null}
     * @param stop when to stop reading
     * @param comment called for each comment line
     * @return the events read
     */
    public static List<Event> read(String url, String user, String lastEventId, Predicate<Event> stop, Runnable comment) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(2))
                .header("Accept", "text/event-stream").GET();
        if (user != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(user.getBytes(StandardCharsets.UTF_8)));
        }
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        List<Event> events = new ArrayList<>();
        try {
            HttpResponse<Stream<String>> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofLines());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("stream answered " + response.statusCode());
            }
            try (Stream<String> lines = response.body()) {
                Iterator<String> it = lines.iterator();
                String id = null;
                StringBuilder data = new StringBuilder();
                while (it.hasNext()) {
                    String line = it.next();
                    if (line.isEmpty()) {
                        if (data.length() > 0) {
                            Event e = new Event(id, Json.object(data.toString()));
                            events.add(e);
                            if (stop.test(e)) {
                                return events; // closing the line stream disconnects
                            }
                        }
                        id = null;
                        data.setLength(0);
                    } else if (line.startsWith(":")) {
                        comment.run();
                    } else if (line.startsWith("id:")) {
                        id = line.substring(3).trim();
                    } else if (line.startsWith("data:")) {
                        data.append(line.substring(5).trim());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return events;
    }
}
