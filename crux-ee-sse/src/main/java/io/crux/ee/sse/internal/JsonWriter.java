package io.crux.ee.sse.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import jakarta.annotation.Priority;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyWriter;
import jakarta.ws.rs.ext.Provider;

/**
 * Writes the JSON bodies of crux-ee's own resources with JSON-B, whichever JSON providers the
 * server's Jakarta REST implementation has chosen for the application. RESTEasy on WildFly, for
 * one, prefers Jackson as soon as Jackson-annotated classes are in the WAR (LangChain4j brings
 * some): instants would become numbers and absent fields {@code null}s, so the API's JSON would
 * depend on the server. An application's own provider wins over the server's built-in ones
 * (Jakarta REST 3.1, section 4.1.3), and this one also matches the media types exactly.
 *
 * <p>It writes only responses of the resources in {@code io.crux.ee.sse} (the matched resource,
 * from {@link ResourceInfo}); an application's own resources keep the server's choice. The output
 * is what the JSON-B provider of the Jakarta REST implementations writes: {@code toJson} of the
 * entity with JSON-B's default configuration, in the media type's charset (UTF-8 unless it names
 * another that this JVM knows).
 */
@Provider
@Produces({MediaType.APPLICATION_JSON, Problems.PROBLEM_JSON})
@Priority(Priorities.USER - 1000) // before an application's own JSON provider of the same media types
public class JsonWriter implements MessageBodyWriter<Object> {

    /** Thread-safe, and expensive to build: one for the application. */
    private static final Jsonb JSONB = JsonbBuilder.create();

    private static final String RESOURCES = "io.crux.ee.sse";

    @Context
    ResourceInfo resource;

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return ofCruxResource() && !CharSequence.class.isAssignableFrom(type) && type != byte[].class;
    }

    /** Whether the request was matched to a resource of crux-ee (or a subclass, such as a CDI proxy). */
    private boolean ofCruxResource() {
        Class<?> c;
        try {
            c = resource == null ? null : resource.getResourceClass();
        } catch (RuntimeException outsideRequest) {
            return false;
        }
        for (; c != null; c = c.getSuperclass()) {
            if (RESOURCES.equals(c.getPackageName())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void writeTo(
            Object entity,
            Class<?> type,
            Type genericType,
            Annotation[] annotations,
            MediaType mediaType,
            MultivaluedMap<String, Object> headers,
            OutputStream out)
            throws IOException {
        out.write(JSONB.toJson(entity).getBytes(charset(mediaType)));
    }

    /** The media type's charset; UTF-8, JSON's own encoding, when it names none or one this JVM lacks. */
    private static Charset charset(MediaType mediaType) {
        String name = mediaType == null ? null : mediaType.getParameters().get(MediaType.CHARSET_PARAMETER);
        try {
            return name == null ? StandardCharsets.UTF_8 : Charset.forName(name);
        } catch (IllegalArgumentException unknown) { // a client's Accept may name anything
            return StandardCharsets.UTF_8;
        }
    }
}
