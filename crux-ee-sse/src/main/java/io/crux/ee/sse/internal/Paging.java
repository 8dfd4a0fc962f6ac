package io.crux.ee.sse.internal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Function;

import jakarta.ws.rs.WebApplicationException;

import org.eclipse.microprofile.config.ConfigProvider;

import io.crux.ee.catalog.Messages;

/**
 * The query parameters of the HTTP API's lists, read from text: page sizes, offsets, opaque cursors
 * and filters; one that does not read answers a 400 problem.
 */
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
     * @param text the {@code limit} query parameter, or null
     * @param max the largest page allowed
     * @return the page size: {@code max} when absent; 400 when it is not an integer from 1 to {@code max}
     */
    public static int limit(String text, int max) {
        if (text == null || text.isBlank()) {
            return max;
        }
        int limit = integer("limit", text, "an integer from 1 to " + max);
        if (limit < 1 || limit > max) {
            throw Problems.problem(400, "Bad Request", Messages.badLimit(limit, max));
        }
        return limit;
    }

    /**
     * @param text the {@code offset} query parameter, or null
     * @return the offset: 0 when absent; 400 when it is not an integer of 0 or more
     */
    public static int offset(String text) {
        if (text == null || text.isBlank()) {
            return 0;
        }
        int offset = integer("offset", text, "an integer of 0 or more");
        if (offset < 0) {
            throw Problems.problem(400, "Bad Request", Messages.badOffset(offset));
        }
        return offset;
    }

    /**
     * @param name a query parameter's name
     * @param text its value
     * @param reader reads it, throwing {@link IllegalArgumentException} (whose message says what it
     *     expects) when it cannot
     * @return what {@code reader} read; 400 when it could not
     */
    public static <T> T read(String name, String text, Function<String, T> reader) {
        try {
            return reader.apply(text);
        } catch (IllegalArgumentException e) {
            throw badParameter(name, text, e.getMessage());
        }
    }

    /**
     * A query parameter as an integer. The resources take their numbers as text and read them here:
     * Jakarta REST answers a number parameter it cannot convert with a bare 404, where the API's
     * contract is a 400 problem.
     */
    static long number(String name, String text, String expected) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw badParameter(name, text, expected);
        }
    }

    private static int integer(String name, String text, String expected) {
        long n = number(name, text, expected);
        if (n != (int) n) {
            throw badParameter(name, text, expected);
        }
        return (int) n;
    }

    private static WebApplicationException badParameter(String name, String text, String expected) {
        return Problems.problem(400, "Bad Request", Messages.badQueryParameter(name, text, expected));
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
