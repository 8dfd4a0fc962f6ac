package io.crux.ee.sse.internal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.eclipse.microprofile.config.ConfigProvider;

import io.crux.ee.catalog.Messages;

/** Page sizes and opaque cursors of the lists of the HTTP API. */
public final class Paging {

    /** The page size when {@code crux.http.max-page-size} is not configured. */
    public static final int DEFAULT_MAX_PAGE_SIZE = 100;

    private Paging() {}

    /** @return the largest page a list answers, {@code crux.http.max-page-size} */
    public static int maxPageSize() {
        return ConfigProvider.getConfig()
                .getOptionalValue("crux.http.max-page-size", Integer.class)
                .orElse(DEFAULT_MAX_PAGE_SIZE);
    }

    /**
     * @param limit the page size a client asked for
     * @param max the largest allowed
     * @return the limit; 400 when it is not between 1 and {@code max}
     */
    public static int checkedLimit(int limit, int max) {
        if (limit < 1 || limit > max) {
            throw Problems.problem(400, "Bad Request", Messages.badLimit(limit, max));
        }
        return limit;
    }

    /**
     * @param key what the next page starts before
     * @return it as an opaque cursor
     */
    public static String cursor(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param cursor a cursor made by {@link #cursor(String)}
     * @return its key; 400 when it is not a cursor
     */
    public static String key(String cursor) {
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw Problems.problem(400, "Bad Request", Messages.badCursor(cursor));
        }
    }
}
