package io.crux.it.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.InboundSseEvent;
import jakarta.ws.rs.sse.SseEventSource;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Jakarta REST's own SSE client reads a request stream: every event with its id and JSON data,
 * up to {@code request.suspended}, the stream's last event; after the signal a second event source
 * that sends {@code Last-Event-ID} gets the rest of the request, nothing twice.
 */
@ExtendWith(ArquillianExtension.class)
class SseEventSourceIT {

    private static final String AUTH =
            "Basic " + Base64.getEncoder().encodeToString("alice:alice-password".getBytes(StandardCharsets.UTF_8));

    @Deployment
    static WebArchive deployment() {
        return ApiWar.build("it-sse-client");
    }

    @ArquillianResource
    URL base;

    private static final Set<String> LAST = Set.of("request.suspended", "request.completed");

    private final Jsonb jsonb = JsonbBuilder.create();

    @Test
    @SuppressWarnings("unchecked")
    void aJakartaRestEventSourceReadsTheStreamAndResumesWithLastEventId() throws Exception {
        String flows = base.toExternalForm() + "api/flows/it-counter";
        Client client = client(null);
        String requestId;
        try {
            requestId = (String) jsonb.fromJson(
                            client.target(flows + "/actions/chat")
                                    .request()
                                    .post(
                                            Entity.entity("{\"before\":5,\"after\":3}", MediaType.APPLICATION_JSON),
                                            String.class),
                            Map.class)
                    .get("requestId");
        } finally {
            client.close();
        }
        String stream = flows + "/requests/" + requestId + "/stream";

        List<InboundSseEvent> events = new ArrayList<>(read(stream, null));
        assertEquals("request.suspended", type(events.get(events.size() - 1)), "a suspended request ends its stream");

        client = client(null);
        try {
            client.target(base.toExternalForm() + "api/flows/runs/" + requestId + "/signals/more")
                    .request()
                    .post(Entity.entity("\"go on\"", MediaType.APPLICATION_JSON), String.class);
        } finally {
            client.close();
        }
        events.addAll(read(stream, events.get(events.size() - 1).getId()));

        assertEquals(
                LongStream.rangeClosed(1, events.size())
                        .mapToObj(seq -> requestId + ":" + seq)
                        .toList(),
                events.stream().map(InboundSseEvent::getId).toList());
        assertEquals(
                List.of(
                        "request.created",
                        "request.in_progress",
                        "item.done",
                        "item.done",
                        "item.done",
                        "item.done",
                        "item.done",
                        "request.suspended",
                        "request.in_progress",
                        "item.done",
                        "item.done",
                        "item.done",
                        "request.completed"),
                events.stream().map(this::type).toList());
    }

    /**
     * Reads a stream with an SseEventSource until the server ends it, or until its last event
     * ({@code request.suspended} or {@code request.completed}) has come: an event source reconnects
     * when the server closes the stream (RESTEasy 6.2 on WildFly and Jersey on Payara do, with
     * Last-Event-ID, as a browser's EventSource does; Liberty's completes instead), and a suspended
     * request's stream then waits for the run to resume, so a client closes its source on the event
     * that ends the request's stream. Comments (a stream's opening one, heartbeats) come without data.
     */
    private List<InboundSseEvent> read(String url, String lastEventId) throws InterruptedException {
        List<InboundSseEvent> events = new CopyOnWriteArrayList<>();
        CountDownLatch ended = new CountDownLatch(1);
        Client client = client(lastEventId);
        try (SseEventSource source = SseEventSource.target(client.target(url)).build()) {
            source.register(
                    event -> {
                        if (!event.isEmpty()) { // comments (the stream's opening one, heartbeats) come without data
                            events.add(event);
                            if (LAST.contains(type(event))) {
                                ended.countDown();
                            }
                        }
                    },
                    failure -> ended.countDown(),
                    ended::countDown);
            source.open();
            assertTrue(
                    ended.await(30, TimeUnit.SECONDS),
                    () -> "the stream ends; got "
                            + events.stream().map(InboundSseEvent::getId).toList());
        } finally {
            client.close();
        }
        return events;
    }

    private static Client client(String lastEventId) {
        return ClientBuilder.newClient().register((ClientRequestFilter) r -> {
            r.getHeaders().putSingle(HttpHeaders.AUTHORIZATION, AUTH);
            if (lastEventId != null) {
                r.getHeaders().putSingle("Last-Event-ID", lastEventId);
            }
        });
    }

    @SuppressWarnings("unchecked")
    private String type(InboundSseEvent event) {
        return (String) jsonb.fromJson(event.readData(), Map.class).get("type");
    }
}
