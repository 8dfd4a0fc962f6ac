package io.crux.ee.sse.internal;

import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.ext.Provider;

/**
 * Lets a {@link RequestStream} reach the client as it is written, on every Jakarta REST
 * implementation.
 *
 * <p>Jersey (Payara, GlassFish) holds the first 8 KB of every response body to compute its
 * Content-Length, and a {@code flush()} before that does nothing: a stream's headers and events
 * stayed in the buffer until 8 KB had gathered. Jakarta REST has no API that commits the stream a
 * {@code StreamingOutput} writes to, so this feature sets Jersey's buffer size to 0 through the
 * standard {@link FeatureContext#property} (the key is Jersey's
 * {@code ServerProperties.OUTBOUND_CONTENT_LENGTH_BUFFER}, named as a string so that nothing of
 * Jersey is a dependency; other implementations ignore it). The cost is that the application's
 * responses on Jersey go out chunked, without a Content-Length, as they do on other implementations
 * for bodies written through a stream.
 */
@Provider
public class StreamedResponses implements Feature {

    /** Jersey's {@code ServerProperties.OUTBOUND_CONTENT_LENGTH_BUFFER}. */
    static final String JERSEY_CONTENT_LENGTH_BUFFER = "jersey.config.server.contentLength.buffer";

    @Override
    public boolean configure(FeatureContext context) {
        if (context.getConfiguration().getProperty(JERSEY_CONTENT_LENGTH_BUFFER) == null) {
            context.property(JERSEY_CONTENT_LENGTH_BUFFER, 0); // an application's own setting wins
        }
        return true;
    }
}
