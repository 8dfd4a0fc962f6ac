package io.crux.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;

/** A minimal OTLP/HTTP (protobuf) trace receiver on loopback, for checking the spans a server exports. */
public final class OtlpReceiver implements AutoCloseable {

    /** One received span. */
    public record ReceivedSpan(
            String name, String traceId, String spanId, String parentSpanId, Map<String, String> attributes) {}

    private final HttpServer server;
    private final List<ReceivedSpan> spans = new ArrayList<>();

    /**
     * @param port the loopback port to listen on
     */
    public OtlpReceiver(int port) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/v1/traces", this::receive);
        server.start();
    }

    /** @return a copy of the spans received so far */
    public synchronized List<ReceivedSpan> spans() {
        return List.copyOf(spans);
    }

    private void receive(HttpExchange exchange) throws IOException {
        try (InputStream raw = exchange.getRequestBody()) {
            boolean gzip = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"));
            ExportTraceServiceRequest request =
                    ExportTraceServiceRequest.parseFrom(gzip ? new GZIPInputStream(raw) : raw);
            List<ReceivedSpan> received = new ArrayList<>();
            HexFormat hex = HexFormat.of();
            request.getResourceSpansList()
                    .forEach(rs -> rs.getScopeSpansList()
                            .forEach(ss -> ss.getSpansList().forEach(s -> {
                                Map<String, String> attributes = new LinkedHashMap<>();
                                for (KeyValue kv : s.getAttributesList()) {
                                    attributes.put(kv.getKey(), text(kv.getValue()));
                                }
                                received.add(new ReceivedSpan(
                                        s.getName(),
                                        hex.formatHex(s.getTraceId().toByteArray()),
                                        hex.formatHex(s.getSpanId().toByteArray()),
                                        hex.formatHex(s.getParentSpanId().toByteArray()),
                                        attributes));
                            })));
            synchronized (this) {
                spans.addAll(received);
            }
        }
        byte[] body = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
        exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private static String text(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case INT_VALUE -> Long.toString(v.getIntValue());
            case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
            case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
            default -> v.toString();
        };
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
