package io.crux.it.fault;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import io.crux.it.support.AppServer;
import io.crux.it.support.Json;
import io.crux.it.support.SseClient.Event;

/**
 * An SSE client that reads in the background and survives the server's death: it keeps what it
 * read before the connection broke, and reconnects with the last {@code Last-Event-ID} it saw.
 */
final class StreamReader {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(AppServer.httpVersion())
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final String url;
    private final String user;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<String> connections = new CopyOnWriteArrayList<>();
    private volatile CompletableFuture<Boolean> current;
    private volatile Stream<String> open;

    private StreamReader(String url, String user) {
        this.url = url;
        this.user = user;
    }

    /**
     * Connects (without {@code Last-Event-ID}) and reads in the background.
     *
     * @param url the stream's URL
     * @param user {@code user:password}
     * @return the reader
     */
    static StreamReader open(String url, String user) {
        StreamReader reader = new StreamReader(url, user);
        reader.connect();
        return reader;
    }

    /** @return the events read so far, over every connection */
    List<Event> events() {
        return List.copyOf(events);
    }

    /** @return how each connection started: its {@code Last-Event-ID} and how it ended, for failure messages */
    List<String> connections() {
        return List.copyOf(connections);
    }

    /**
     * Waits for the current connection to end.
     *
     * @param bound how long at most
     * @return {@code true} if the server ended the stream, {@code false} if the connection broke
     */
    private boolean awaitEnd(Duration bound) {
        try {
            return current.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            close();
            throw new AssertionError(
                    "the stream did not end within " + bound + " (a hung connection); read " + events, e);
        } catch (ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reconnects with the last event's id until a stream has brought the request's terminal event.
     *
     * @param attempts connections at most
     * @param bound how long each may take
     * @return every event read, over every connection
     */
    List<Event> readToEnd(int attempts, Duration bound) {
        if (current.isDone() && !endsTheRequest()) {
            connect();
        }
        for (int i = 0; i < attempts; i++) {
            if (awaitEnd(bound) && endsTheRequest()) {
                return events();
            }
            connect();
        }
        throw new AssertionError("no stream reached the request's end after " + attempts + " connections: "
                + connections + "; read " + seqAndTypes());
    }

    private boolean endsTheRequest() {
        if (events.isEmpty()) {
            return false;
        }
        String type = events.get(events.size() - 1).type();
        return "request.completed".equals(type) || "request.failed".equals(type) || "request.cancelled".equals(type);
    }

    private void connect() {
        String lastEventId =
                events.isEmpty() ? null : events.get(events.size() - 1).id();
        connections.add("Last-Event-ID " + lastEventId);
        current = CompletableFuture.supplyAsync(() -> read(lastEventId));
    }

    /** Disconnects. */
    void close() {
        Stream<String> lines = open;
        if (lines != null) {
            lines.close();
        }
    }

    private boolean read(String lastEventId) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .header("Accept", "text/event-stream")
                .header(
                        "Authorization",
                        "Basic " + Base64.getEncoder().encodeToString(user.getBytes(StandardCharsets.UTF_8)))
                .GET();
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        try {
            HttpResponse<Stream<String>> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofLines());
            if (response.statusCode() == 204) {
                response.body().close();
                return true;
            }
            if (response.statusCode() != 200) {
                response.body().close();
                throw new IllegalStateException("stream answered " + response.statusCode());
            }
            try (Stream<String> lines = response.body()) {
                open = lines;
                Iterator<String> it = lines.iterator();
                String id = null;
                StringBuilder data = new StringBuilder();
                while (it.hasNext()) {
                    String line = it.next();
                    if (line.isEmpty()) {
                        if (data.length() > 0) {
                            events.add(new Event(id, Json.object(data.toString())));
                        }
                        id = null;
                        data.setLength(0);
                    } else if (line.startsWith("id:")) {
                        id = line.substring(3).trim();
                    } else if (line.startsWith("data:")) {
                        data.append(line.substring(5).trim());
                    }
                }
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** @return the sequence numbers and types read, as {@code seq:type} */
    List<String> seqAndTypes() {
        List<String> out = new ArrayList<>();
        for (Event e : events) {
            out.add(e.seq() + ":" + e.type());
        }
        return out;
    }
}
