package io.crux.ee.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a {@link FlowDefinition} bean as a view that clients may read: the HTTP API's
 * {@code GET .../sessions/{id}/state} answers only what these methods return, by name. The method is
 * public, takes one {@link ClientData.Context} and returns a JSON-B serializable value. State itself
 * is never exposed directly, and neither are resources ({@link Resource}): a method reads them
 * through {@link Context#resource(String, Class)} and returns what the client may see.
 *
 * <pre>{@code
 * @ClientData("progress")
 * public Map<String, Object> progress(ClientData.Context state) {
 *     return Map.of("questions", state.session().getOrDefault("questions", 0));
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ClientData {

    /** @return the view's name in the state snapshot */
    String value();

    /** What a client-data method may read: read-only copies of the stored documents. */
    interface Context {
        /** @return the session's document */
        java.util.Map<String, Object> session();

        /** @return the user's document, empty when the session has no user */
        java.util.Map<String, Object> user();

        /** @return the project's document */
        java.util.Map<String, Object> project();

        /** @return the session id */
        String sessionId();

        /**
         * Reads a resource the flow declares ({@link FlowResource}), of this session, its user or
         * the project: the only way a client sees a resource's entries is what a client-data
         * method derives from them.
         *
         * @param name the declared name
         * @param type the declared value type
         * @param <T> the values' type
         * @return the resource, read-only; a user resource of a session without a user has no entries
         * @throws IllegalArgumentException if the flow declares no resource of that name and type ({@code CRUX0240E})
         */
        <T> ResourceReader<T> resource(String name, Class<T> type);
    }
}
