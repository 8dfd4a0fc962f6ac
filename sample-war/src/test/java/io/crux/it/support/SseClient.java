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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(AppServer.httpVersion())
            .connectTimeout(Duration.ofSeconds(5))
            .build();

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
    public static List<Event> read(
            String url, String user, String lastEventId, Predicate<Event> stop, Runnable comment) {
        return read(url, user, lastEventId, stop, comment, () -> {});
    }

    /**
     * Like {@link #read(String, String, String, Predicate, Runnable)}, and runs {@code opened} once
     * the stream's headers have arrived, before any event is read: the server has subscribed the
     * stream to the request's live events by then.
     *
     * @param url the stream's URL
     * @param user basic-auth user and password as {@code user:password}, or {@code null}
     * @param lastEventId the {@code Last-Event-ID} header, or {@code null}
     * @param stop when to stop reading
     * @param comment called for each comment line
     * @param opened called once the stream is open
     * @return the events read
     */
    public static List<Event> read(
            String url, String user, String lastEventId, Predicate<Event> stop, Runnable comment, Runnable opened) {
        List<Event> events = new ArrayList<>();
        try {
            HttpResponse<Stream<String>> response = HTTP.send(
                    request(url, user, lastEventId, Duration.ofMinutes(2)), HttpResponse.BodyHandlers.ofLines());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("stream answered " + response.statusCode());
            }
            opened.run();
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

    /**
     * Asks for a stream that is expected to answer at once, not to stream (204 No Content, a 400
     * problem); a stream that stays open fails with a timeout after ten seconds instead of hanging.
     *
     * @param url the stream's URL
     * @param user basic-auth user and password as {@code user:password}, or {@code null}
     * @param lastEventId the {@code Last-Event-ID} header, or {@code null}
     * @return the answer
     */
    public static HttpResponse<String> answer(String url, String user, String lastEventId) {
        // the request's timeout ends at the headers; a stream's body never ends: bound the whole answer
        CompletableFuture<HttpResponse<String>> answer = HTTP.sendAsync(
                request(url, user, lastEventId, Duration.ofSeconds(10)), HttpResponse.BodyHandlers.ofString());
        try {
            return answer.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new IllegalStateException(
                    "no complete answer within 10 s from " + url + " (a stream that stays open?)", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpRequest request(String url, String user, String lastEventId, Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(timeout)
                .header("Accept", "text/event-stream")
                .GET();
        if (user != null) {
            request.header(
                    "Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(user.getBytes(StandardCharsets.UTF_8)));
        }
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        return request.build();
    }
}
