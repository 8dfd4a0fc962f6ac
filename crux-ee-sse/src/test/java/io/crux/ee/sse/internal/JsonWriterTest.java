package io.crux.ee.sse.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedHashMap;

import org.junit.jupiter.api.Test;

class JsonWriterTest {

    private static String written(Object entity, MediaType type) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new JsonWriter()
                .writeTo(entity, entity.getClass(), entity.getClass(), null, type, new MultivaluedHashMap<>(), out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void writesUtf8WhenTheMediaTypeNamesACharsetThisJvmLacks() throws IOException {
        MediaType unknown = MediaType.APPLICATION_JSON_TYPE.withCharset("x-no-such-charset");

        assertThat(written(Map.of("text", "Grüße"), unknown)).isEqualTo("{\"text\":\"Grüße\"}");
    }

    @Test
    void writesUtf8WithoutACharset() throws IOException {
        assertThat(written(Map.of("text", "€"), MediaType.APPLICATION_JSON_TYPE))
                .isEqualTo("{\"text\":\"€\"}");
    }
}
