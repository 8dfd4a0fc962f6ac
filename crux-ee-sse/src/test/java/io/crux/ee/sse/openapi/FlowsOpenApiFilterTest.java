package io.crux.ee.sse.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.Paths;
import org.junit.jupiter.api.Test;

import io.crux.ee.service.FlowKind;

/** The filter leaves the generic document whole when a flow's operations cannot be made. */
class FlowsOpenApiFilterTest {

    record Question(String text) {}

    /** A type that JsonSchemas cannot describe: asking for its class fails. */
    private static final Type UNDESCRIBABLE = new ParameterizedType() {
        @Override
        public Type[] getActualTypeArguments() {
            return new Type[0];
        }

        @Override
        public Type getRawType() {
            throw new IllegalStateException("no class for this type");
        }

        @Override
        public Type getOwnerType() {
            return null;
        }
    };

    @Test
    void aFlowWhoseInputCannotBeDescribedLeavesTheDocumentAsItWasAndSaysWhy() {
        List<String> changes = new ArrayList<>();
        Map<String, PathItem> items = new LinkedHashMap<>();
        items.put("/api" + ActionOperations.ACT, null);
        Paths paths = proxy(Paths.class, changes, Map.of("getPathItems", items));
        OpenAPI openAPI = proxy(OpenAPI.class, changes, Map.of("getPaths", paths));
        Map<String, Type> good = new LinkedHashMap<>();
        good.put("ask", Question.class);
        Map<String, Type> bad = new LinkedHashMap<>();
        bad.put("break", UNDESCRIBABLE);
        List<LogRecord> logged = new ArrayList<>();
        Logger log = Logger.getLogger(FlowsOpenApiFilter.class.getName());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(r);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        log.addHandler(handler);
        try {
            FlowsOpenApiFilter.apply(
                    openAPI,
                    "/api",
                    List.of(
                            new FlowKind("help-desk", false, good, Map.of()),
                            new FlowKind("broken", false, bad, Map.of())));
        } finally {
            log.removeHandler(handler);
        }

        assertThat(changes).isEmpty();
        assertThat(items).containsOnlyKeys("/api" + ActionOperations.ACT);
        assertThat(logged)
                .singleElement()
                .satisfies(r -> assertThat(r.getMessage())
                        .startsWith("CRUX0180W")
                        .contains("could not be made")
                        .contains("no class for this type")
                        .doesNotContain("older than 4.0"));
    }

    /** A model object that answers the given getters and records every other call (set, add, ...). */
    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, List<String> changes, Map<String, Object> getters) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, args) -> {
            if (getters.containsKey(m.getName())) {
                return getters.get(m.getName());
            }
            if (m.getName().startsWith("get")) {
                return null;
            }
            if (m.getDeclaringClass() == Object.class) {
                return m.getName().equals("hashCode")
                        ? 0
                        : m.getName().equals("equals") ? p == args[0] : type.getName();
            }
            changes.add(type.getSimpleName() + "." + m.getName());
            return null;
        });
    }
}
