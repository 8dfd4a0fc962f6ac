package io.crux.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;

/**
 * A minimal OTLP/HTTP (protobuf) receiver on loopback, for checking the spans and metrics a server
 * exports.
 */
public final class OtlpReceiver implements AutoCloseable {

    /**
     * One received span.
     *
     * @param links the spans it links to, as {@code <traceId>-<spanId>}
     */
    public record ReceivedSpan(
            String name,
            String traceId,
            String spanId,
            String parentSpanId,
            Map<String, String> attributes,
            List<String> links) {}

    /**
     * One data point of a received metric: a sum's or a gauge's value, or a histogram's count and sum.
     *
     * @param name the metric
     * @param kind {@code sum}, {@code gauge} or {@code histogram}
     * @param unit the metric's unit
     * @param attributes the point's attributes
     * @param value the value of a sum or gauge point; a histogram point's count
     * @param sum a histogram point's sum, else 0
     * @param monotonic whether a sum is monotonic
     * @param timeNanos when the point was taken
     */
    public record ReceivedPoint(
            String name,
            String kind,
            String unit,
            Map<String, String> attributes,
            double value,
            double sum,
            boolean monotonic,
            long timeNanos) {}

    private final HttpServer server;
    private final List<ReceivedSpan> spans = new ArrayList<>();
    private final List<ReceivedPoint> points = new ArrayList<>();

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
        server.createContext("/v1/metrics", this::receiveMetrics);
        server.start();
    }

    /** @return a copy of the spans received so far */
    public synchronized List<ReceivedSpan> spans() {
        return List.copyOf(spans);
    }

    /** @return a copy of the metric points received so far, in the order they arrived */
    public synchronized List<ReceivedPoint> points() {
        return List.copyOf(points);
    }

    /**
     * The last value received of one series: cumulative sums (the SDK's default temporality) and
     * gauges, or a histogram's count.
     *
     * @param name the metric
     * @param attributes the series' attributes, all of them
     * @return the value, or 0 when none was received
     */
    public double latest(String name, Map<String, String> attributes) {
        return latestPoint(name, attributes).map(ReceivedPoint::value).orElse(0.0);
    }

    /**
     * @param name the metric
     * @param attributes the series' attributes, all of them
     * @return the last point received of the series
     */
    public synchronized Optional<ReceivedPoint> latestPoint(String name, Map<String, String> attributes) {
        return points.stream()
                .filter(p -> p.name().equals(name) && p.attributes().equals(attributes))
                .max(Comparator.comparingLong(ReceivedPoint::timeNanos));
    }

    private void receiveMetrics(HttpExchange exchange) throws IOException {
        try (InputStream raw = exchange.getRequestBody()) {
            ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(body(exchange, raw));
            List<ReceivedPoint> received = new ArrayList<>();
            request.getResourceMetricsList()
                    .forEach(rm -> rm.getScopeMetricsList()
                            .forEach(sm -> sm.getMetricsList().forEach(m -> received.addAll(points(m)))));
            synchronized (this) {
                points.addAll(received);
            }
        }
        respond(exchange, ExportMetricsServiceResponse.getDefaultInstance().toByteArray());
    }

    private static List<ReceivedPoint> points(Metric m) {
        List<ReceivedPoint> list = new ArrayList<>();
        switch (m.getDataCase()) {
            case SUM ->
                m.getSum()
                        .getDataPointsList()
                        .forEach(p -> list.add(new ReceivedPoint(
                                m.getName(),
                                "sum",
                                m.getUnit(),
                                attributes(p.getAttributesList()),
                                number(p),
                                0,
                                m.getSum().getIsMonotonic(),
                                p.getTimeUnixNano())));
            case GAUGE ->
                m.getGauge()
                        .getDataPointsList()
                        .forEach(p -> list.add(new ReceivedPoint(
                                m.getName(),
                                "gauge",
                                m.getUnit(),
                                attributes(p.getAttributesList()),
                                number(p),
                                0,
                                false,
                                p.getTimeUnixNano())));
            case HISTOGRAM ->
                m.getHistogram()
                        .getDataPointsList()
                        .forEach(p -> list.add(new ReceivedPoint(
                                m.getName(),
                                "histogram",
                                m.getUnit(),
                                attributes(p.getAttributesList()),
                                p.getCount(),
                                p.getSum(),
                                false,
                                p.getTimeUnixNano())));
            default -> {} // not exported by crux-ee
        }
        return list;
    }

    private static double number(NumberDataPoint p) {
        return p.hasAsInt() ? p.getAsInt() : p.getAsDouble();
    }

    private static Map<String, String> attributes(List<KeyValue> list) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (KeyValue kv : list) {
            attributes.put(kv.getKey(), text(kv.getValue()));
        }
        return attributes;
    }

    private static InputStream body(HttpExchange exchange, InputStream raw) throws IOException {
        boolean gzip = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"));
        return gzip ? new GZIPInputStream(raw) : raw;
    }

    private static void respond(HttpExchange exchange, byte[] body) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private void receive(HttpExchange exchange) throws IOException {
        try (InputStream raw = exchange.getRequestBody()) {
            ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body(exchange, raw));
            List<ReceivedSpan> received = new ArrayList<>();
            HexFormat hex = HexFormat.of();
            request.getResourceSpansList()
                    .forEach(rs -> rs.getScopeSpansList()
                            .forEach(ss -> ss.getSpansList().forEach(s -> {
                                received.add(new ReceivedSpan(
                                        s.getName(),
                                        hex.formatHex(s.getTraceId().toByteArray()),
                                        hex.formatHex(s.getSpanId().toByteArray()),
                                        hex.formatHex(s.getParentSpanId().toByteArray()),
                                        attributes(s.getAttributesList()),
                                        s.getLinksList().stream()
                                                .map(l -> hex.formatHex(
                                                                l.getTraceId().toByteArray()) + "-"
                                                        + hex.formatHex(
                                                                l.getSpanId().toByteArray()))
                                                .toList()));
                            })));
            synchronized (this) {
                spans.addAll(received);
            }
        }
        respond(exchange, ExportTraceServiceResponse.getDefaultInstance().toByteArray());
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
