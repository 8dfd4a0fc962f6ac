package io.crux.ee.sse.internal;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

/**
 * Starts the application's event streams (a request's, the devtools') on managed threads of their
 * own ({@link StreamThreads}, from {@code crux.sse.thread-factory}, looked up on the first stream):
 * the request thread goes back at once, so open streams, which mostly wait, never hold the threads
 * of the server's pools that requests and flows need.
 */
@ApplicationScoped
public class SseStreams {

    private volatile StreamThreads threads;

    /**
     * Answers {@code response} with {@code stream} as {@code text/event-stream}, written on a stream thread.
     *
     * @param name the thread's name while it writes the stream
     * @param response the suspended response
     * @param stream what to write
     * @throws jakarta.ws.rs.WebApplicationException 503 when the application is stopping
     */
    public void start(String name, AsyncResponse response, StreamingOutput stream) {
        boolean started = threads()
                .start(
                        name,
                        () -> response.resume(Response.ok(stream)
                                .type(MediaType.SERVER_SENT_EVENTS_TYPE)
                                .header("Cache-Control", "no-cache")
                                .build()));
        if (!started) {
            throw Problems.problem(503, "Service Unavailable", "The application is stopping.");
        }
    }

    private StreamThreads threads() {
        StreamThreads t = threads;
        if (t == null) {
            synchronized (this) {
                t = threads;
                if (t == null) {
                    t = StreamThreads.fromConfig();
                    threads = t;
                }
            }
        }
        return t;
    }

    /** The application stops: idle stream threads go (the container ends the threads of its factory anyway). */
    @PreDestroy
    void close() {
        StreamThreads t = threads;
        if (t != null) {
            t.close();
        }
    }
}
