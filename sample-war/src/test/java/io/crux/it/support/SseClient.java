package io.crux.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

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
        return read(url, user, lastEventId, stop, comment, opened, Duration.ofMinutes(2));
    }

    /**
     * Like {@link #read(String, String, String, Predicate, Runnable, Runnable)}, and gives up on a
     * connection that brings nothing, not even a heartbeat comment, for {@code idle}: the headers
     * within that time, then each line. A client that keeps a stream open for a long time does
     * the same (the server writes a heartbeat at least once per {@code crux.sse.heartbeat}), and
     * then reconnects with {@code Last-Event-ID}.
     *
     * @param idle the longest silence to wait through
     * @return the events read
     * @throws UncheckedIOException wrapping an {@link HttpTimeoutException} when the connection was silent
     *     for {@code idle}: the events read until then are lost with it, as when any connection drops
     */
    public static List<Event> read(
            String url,
            String user,
            String lastEventId,
            Predicate<Event> stop,
            Runnable comment,
            Runnable opened,
            Duration idle) {
        List<Event> events = new ArrayList<>();
        LineQueue lines = new LineQueue();
        // the status arrives with the headers, before the body: the handler tells it, and the
        // body's lines go to a queue that is read with a timeout (a blocking line iterator has none)
        CompletableFuture<Integer> status = new CompletableFuture<>();
        CompletableFuture<HttpResponse<Void>> exchange = HTTP.sendAsync(request(url, user, lastEventId, idle), info -> {
            status.complete(info.statusCode());
            return HttpResponse.BodySubscribers.fromLineSubscriber(lines);
        });
        exchange.whenComplete((r, failure) -> {
            if (failure != null) {
                status.completeExceptionally(failure);
                lines.onError(failure);
            }
        });
        try {
            int code = status.get(idle.toMillis(), TimeUnit.MILLISECONDS);
            if (code != 200) {
                throw new IllegalStateException("stream answered " + code);
            }
            opened.run();
            String id = null;
            StringBuilder data = new StringBuilder();
            while (true) {
                String line = lines.next(idle);
                if (line == null) {
                    return events; // the server closed the stream
                }
                if (line.isEmpty()) {
                    if (data.length() > 0) {
                        Event e = new Event(id, Json.object(data.toString()));
                        events.add(e);
                        if (stop.test(e)) {
                            return events;
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
        } catch (TimeoutException e) {
            throw new UncheckedIOException(new HttpTimeoutException("no headers from " + url + " within " + idle));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof IOException io ? new UncheckedIOException(io) : new IllegalStateException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            lines.cancel(); // disconnects, when the server has not closed the stream
        }
    }

    /** The lines of a response body as they arrive, read with a timeout. */
    private static final class LineQueue implements Flow.Subscriber<String> {

        private static final Object END = new Object();
        private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        private final CompletableFuture<Flow.Subscription> subscription = new CompletableFuture<>();

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription.complete(s);
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            queue.add(line);
        }

        @Override
        public void onError(Throwable failure) {
            queue.add(failure);
        }

        @Override
        public void onComplete() {
            queue.add(END);
        }

        /** @return the next line, or {@code null} at the end of the body */
        String next(Duration idle) throws InterruptedException {
            Object next = queue.poll(idle.toMillis(), TimeUnit.MILLISECONDS);
            if (next == null) {
                throw new UncheckedIOException(new HttpTimeoutException("no byte within " + idle));
            }
            if (next instanceof Throwable failure) {
                queue.add(failure); // every later call fails the same way
                throw new UncheckedIOException(failure instanceof IOException io ? io : new IOException(failure));
            }
            return next == END ? null : (String) next;
        }

        void cancel() {
            subscription.thenAccept(Flow.Subscription::cancel);
        }
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
