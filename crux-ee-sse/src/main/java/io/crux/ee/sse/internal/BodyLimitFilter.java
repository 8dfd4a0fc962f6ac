package io.crux.ee.sse.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;

import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Refuses request bodies over {@code crux.http.max-body-bytes} (default 1 MiB) with 413: at once
 * when Content-Length says so, else while the body is read.
 */
@Provider
@BodyLimit
public class BodyLimitFilter implements ContainerRequestFilter {

    static final long DEFAULT_LIMIT = 1024 * 1024;

    private final long limit = ConfigProvider.getConfig()
            .getOptionalValue("crux.http.max-body-bytes", Long.class)
            .orElse(DEFAULT_LIMIT);

    @Override
    public void filter(ContainerRequestContext request) {
        if (request.getLength() > limit) {
            request.abortWith(Problems.response(413, "Content Too Large", tooLarge()));
            return;
        }
        request.setEntityStream(new Limited(request.getEntityStream()));
    }

    private String tooLarge() {
        return "The request body is larger than " + limit + " bytes (crux.http.max-body-bytes).";
    }

    private final class Limited extends FilterInputStream {
        private long read;

        Limited(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count(b < 0 ? 0 : 1);
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            count(Math.max(n, 0));
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > limit) {
                throw Problems.problem(413, "Content Too Large", tooLarge());
            }
        }
    }
}
