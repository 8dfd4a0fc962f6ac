package io.crux.ee.bench.http;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The SSE benchmark's client driver: a plain {@code main}, not a test (the build compiles it and
 * never runs it). Run by {@code run-http-benchmark.sh} as
 * {@code java -cp target/test-classes io.crux.ee.bench.http.SseBenchmarkClient --base http://127.0.0.1:9093/crux-bench-http}.
 *
 * <p>For each case ({@code streams x items / perStep}) and round it runs, with all streams released
 * together:
 * <ul>
 * <li>{@code crux}: {@code POST /api/flows/bench-sse/actions/burst {"events":N,"perStep":K}}, then
 * {@code GET .../requests/{requestId}/stream}, read until {@code request.completed};
 * <li>{@code raw}: {@code GET /api/bench/raw-sse?events=N}: N {@code item.done} events of the same
 * envelope and item from a plain SseEventSink loop;
 * <li>{@code raw-mirror}: {@code GET /api/bench/raw-sse?events=N&mirror=true}: the same event sequence
 * as crux (created, in_progress, item.done per item, completed), without durability;
 * <li>{@code raw-stream}: {@code GET /api/bench/raw-stream?events=N&flushEvery=perStep}: the same
 * envelopes written as {@code text/event-stream} and flushed every {@code perStep} events, as crux-ee's
 * stream writes: the same transport without durability; {@code raw-stream1} flushes every event;
 * <li>{@code crux-replay} (diagnostic): like {@code crux}, but the stream is opened only after the run
 * completed, so it replays stored events from the log: the delivery side alone (its latencies are
 * the age of the events, not a delivery latency).
 * </ul>
 * Throughput = {@code item.done} events received / (last − first {@code item.done} received, over
 * all streams of the round). Latency of an item = its receive time − the envelope's {@code ts} (the
 * emit time on the server; same machine, same clock). Variants alternate (ABC, CBA, ...) after a
 * warm-up of every case.
 */
public final class SseBenchmarkClient {

    /** One case: how many concurrent streams, items per stream, items per step (crux only). */
    record Case(int streams, int items, int perStep) {
        static Case parse(String spec) {
            // 100x200/50
            String[] a = spec.split("[x/]");
            return new Case(Integer.parseInt(a[0]), Integer.parseInt(a[1]), a.length > 2 ? Integer.parseInt(a[2]) : 50);
        }

        String label() {
            return streams + (streams == 1 ? " stream" : " streams") + " x " + items + " items, perStep=" + perStep;
        }
    }

    /** What one stream saw. */
    static final class StreamResult {
        long start;
        volatile long end;
        long firstItem = Long.MAX_VALUE;
        long lastItem = Long.MIN_VALUE;
        int items;
        int events;
        long bytes;
        long[] latenciesUs;
        String terminal;
        volatile String error;
        volatile HttpURLConnection connection;
    }

    /** One round of one variant of one case. */
    record Round(
            String variant,
            int items,
            int events,
            long spanNs,
            long wallNs,
            long[] latenciesUs,
            int errors,
            List<String> errorSamples,
            double cpuMs) {
        /** Machine-wide busy CPU (server, database, this client and anything else) per 1000 items received. */
        double cpuMsPerKItems() {
            return items == 0 ? 0 : cpuMs * 1000 / items;
        }

        double itemsPerSecond() {
            return spanNs <= 0 ? 0 : items / (spanNs / 1e9);
        }

        double eventsPerSecond() {
            return spanNs <= 0 ? 0 : events / (spanNs / 1e9);
        }

        double wallItemsPerSecond() {
            return items / (wallNs / 1e9);
        }
    }

    /** After disconnecting stuck streams: crux's heartbeat (15 s) notices, then the connections go back to the pool. */
    static final int RECOVERY_PAUSE_SECONDS = Integer.getInteger("recoveryPause", 40);

    private final HttpClient http;
    private final String base;
    private final String auth;
    private final String rawAwait;
    private final long streamTimeoutSeconds;

    SseBenchmarkClient(String base, String user, String rawAwait, long streamTimeoutSeconds) {
        this.streamTimeoutSeconds = streamTimeoutSeconds;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.auth = "Basic " + Base64.getEncoder().encodeToString(user.getBytes(StandardCharsets.UTF_8));
        this.rawAwait = rawAwait;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        opts.put("base", "http://127.0.0.1:9093/crux-bench-http");
        opts.put("user", "alice:alice-password");
        opts.put("cases", "1x2000/50,100x200/50,1x200/1,100x20/1");
        opts.put("variants", "crux,raw,raw-stream");
        opts.put("rounds", "3");
        opts.put("warmup", "1");
        opts.put("warmup-seconds", "0");
        opts.put("raw-await", "each");
        opts.put("stream-timeout", "120");
        opts.put("json", "");
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: --name value ...; names: " + opts.keySet());
            }
            String key = args[i].substring(2);
            if (!opts.containsKey(key)) {
                throw new IllegalArgumentException("unknown option --" + key + "; known: " + opts.keySet());
            }
            opts.put(key, args[++i]);
        }
        SseBenchmarkClient client = new SseBenchmarkClient(
                opts.get("base"), opts.get("user"), opts.get("raw-await"), Long.parseLong(opts.get("stream-timeout")));
        List<Case> cases = Arrays.stream(opts.get("cases").split(","))
                .map(String::trim)
                .map(Case::parse)
                .toList();
        List<String> variants =
                Arrays.stream(opts.get("variants").split(",")).map(String::trim).toList();
        int rounds = Integer.parseInt(opts.get("rounds"));
        int warmup = Integer.parseInt(opts.get("warmup"));

        long started = System.nanoTime();
        // at least `warmup` rounds of everything, and on until `warmup-seconds` have passed: the
        // server's JIT compiler takes minutes to finish with crux-ee's code paths (JPA, JTA, JDBC)
        long warmUntil = started + TimeUnit.SECONDS.toNanos(Long.parseLong(opts.get("warmup-seconds")));
        for (int w = 0; w < warmup || System.nanoTime() < warmUntil; w++) {
            for (Case c : cases) {
                for (String v : variants) {
                    Round r = client.round(c, v);
                    log(
                            "warm-up %s %s: %.0f items/s%s",
                            c.label(), v, r.itemsPerSecond(), r.errors() > 0 ? " ERRORS " + r.errorSamples() : "");
                }
            }
        }
        Map<Case, Map<String, List<Round>>> results = new LinkedHashMap<>();
        for (Case c : cases) {
            Map<String, List<Round>> byVariant = new LinkedHashMap<>();
            variants.forEach(v -> byVariant.put(v, new ArrayList<>()));
            for (int r = 0; r < rounds; r++) {
                List<String> order = new ArrayList<>(variants);
                if (r % 2 == 1) {
                    java.util.Collections.reverse(order);
                }
                for (String v : order) {
                    Round round = client.round(c, v);
                    byVariant.get(v).add(round);
                    log(
                            "%s %s round %d: %.0f items/s, %.0f events/s, %.0f CPU ms/1000 items, p50 %.1f ms, p99 %.1f ms%s",
                            c.label(),
                            v,
                            r + 1,
                            round.itemsPerSecond(),
                            round.eventsPerSecond(),
                            round.cpuMsPerKItems(),
                            pct(round.latenciesUs(), 0.5) / 1000.0,
                            pct(round.latenciesUs(), 0.99) / 1000.0,
                            round.errors() > 0 ? " ERRORS " + round.errors() + " " + round.errorSamples() : "");
                }
            }
            results.put(c, byVariant);
        }
        double elapsed = (System.nanoTime() - started) / 1e9;

        String markdown = markdown(results, rounds, opts.get("raw-await"));
        System.out.println(markdown);
        String json = json(results, opts, elapsed);
        if (!opts.get("json").isEmpty()) {
            Files.writeString(Path.of(opts.get("json")), json);
            log("wrote %s", opts.get("json"));
        } else {
            System.out.println(json);
        }
        System.exit(0); // streams cut at a deadline may leave threads behind
    }

    // ---------------------------------------------------------------- one round

    Round round(Case c, String variant) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(c.streams(), task -> {
            Thread t = new Thread(task);
            t.setDaemon(true);
            return t;
        });
        CountDownLatch ready = new CountDownLatch(c.streams());
        CountDownLatch go = new CountDownLatch(1);
        List<StreamResult> streams = new ArrayList<>();
        List<Future<?>> futures = new ArrayList<>();
        long deadline = Long.MAX_VALUE;
        double cpu0 = 0;
        double cpu1;
        try {
            for (int i = 0; i < c.streams(); i++) {
                StreamResult r = new StreamResult();
                streams.add(r);
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    stream(c, variant, r);
                    return null;
                }));
            }
            ready.await();
            cpu0 = busyCpuMs();
            go.countDown();
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(streamTimeoutSeconds);
            for (Future<?> f : futures) {
                try {
                    f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    break;
                }
            }
        } finally {
            cpu1 = busyCpuMs();
            for (StreamResult r : streams) {
                HttpURLConnection conn = r.connection;
                if (r.end == 0 && conn != null) {
                    conn.disconnect(); // closes the socket: the server's stream ends at its next write
                }
            }
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
        int open = 0;
        for (StreamResult r : streams) {
            if (r.end == 0 || r.end - deadline > 0) {
                open++;
                r.error = "still open after " + streamTimeoutSeconds + " s (disconnected)";
                r.end = r.end == 0 ? System.nanoTime() : r.end;
            }
        }
        if (open > 0) {
            log(
                    "%s %s: %d of %d streams still open after %d s; disconnected them and pause %d s for the server to let go",
                    c.label(), variant, open, c.streams(), streamTimeoutSeconds, RECOVERY_PAUSE_SECONDS);
            Thread.sleep(TimeUnit.SECONDS.toMillis(RECOVERY_PAUSE_SECONDS));
        }
        return aggregate(variant, c, streams, cpu1 - cpu0);
    }

    /** @return busy CPU time of the whole machine so far, in ms (from /proc/stat; 0 where there is none) */
    static double busyCpuMs() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return (total - idle) * 10.0; // USER_HZ = 100
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static Round aggregate(String variant, Case c, List<StreamResult> streams, double cpuMs) {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        int items = 0;
        int events = 0;
        int errors = 0;
        List<String> samples = new ArrayList<>();
        List<long[]> lat = new ArrayList<>();
        for (StreamResult s : streams) {
            start = Math.min(start, s.start);
            end = Math.max(end, s.end);
            if (s.items > 0) {
                first = Math.min(first, s.firstItem);
                last = Math.max(last, s.lastItem);
            }
            items += s.items;
            events += s.events;
            if (s.latenciesUs != null) {
                lat.add(Arrays.copyOf(s.latenciesUs, s.items));
            }
            String problem = s.error != null
                    ? s.error
                    : s.items != c.items()
                            ? "received " + s.items + " of " + c.items() + " items"
                            : variant.startsWith("raw") || "request.completed".equals(s.terminal)
                                    ? null
                                    : "ended with " + s.terminal;
            if (problem != null) {
                errors++;
                if (samples.size() < 3) {
                    samples.add(problem);
                }
            }
        }
        long[] all = lat.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        return new Round(variant, items, events, last - first, end - start, all, errors, samples, cpuMs);
    }

    /** One stream, from the first request to its end. */
    private void stream(Case c, String variant, StreamResult r) {
        r.latenciesUs = new long[c.items()];
        r.start = System.nanoTime();
        try {
            String url;
            switch (variant) {
                case "crux", "crux-replay" -> {
                    HttpResponse<String> accepted = http.send(
                            HttpRequest.newBuilder(URI.create(base + "/api/flows/bench-sse/actions/burst"))
                                    .header("Authorization", auth)
                                    .header("Content-Type", "application/json")
                                    .timeout(Duration.ofMinutes(2))
                                    .POST(HttpRequest.BodyPublishers.ofString(
                                            "{\"events\":" + c.items() + ",\"perStep\":" + c.perStep() + "}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (accepted.statusCode() != 202) {
                        throw new IllegalStateException(
                                "POST burst answered " + accepted.statusCode() + ": " + accepted.body());
                    }
                    Object requestId = MiniJson.parseObject(accepted.body()).get("requestId");
                    url = base + "/api/flows/bench-sse/requests/" + requestId + "/stream";
                    if (variant.equals("crux-replay")) {
                        awaitCompleted(base + "/api/flows/bench-sse/requests/" + requestId);
                    }
                }
                case "raw" -> url = base + "/api/bench/raw-sse?events=" + c.items() + "&await=" + rawAwait;
                case "raw-mirror" ->
                    url = base + "/api/bench/raw-sse?events=" + c.items() + "&mirror=true&await=" + rawAwait;
                case "raw-stream" ->
                    url = base + "/api/bench/raw-stream?events=" + c.items() + "&flushEvery=" + c.perStep();
                case "raw-stream1" -> url = base + "/api/bench/raw-stream?events=" + c.items() + "&flushEvery=1";
                default -> throw new IllegalArgumentException("variant " + variant);
            }
            read(url, r);
        } catch (Exception e) {
            String message = e.toString();
            r.error = message.length() > 300 ? message.substring(0, 300) + "..." : message;
        }
        r.end = System.nanoTime();
    }

    /** Polls the request's status until its run completed: then the stream replays stored events only. */
    private void awaitCompleted(String url) throws IOException, InterruptedException {
        for (int i = 0; i < 6000; i++) {
            String body = http.send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .header("Authorization", auth)
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            Object status = MiniJson.parseObject(body).get("status");
            if (!"RUNNING".equals(status)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("request still running: " + url);
    }

    /**
     * Reads a stream on {@link HttpURLConnection}, not on HttpClient: a stream that never ends can be
     * cut from another thread ({@link StreamResult#connection} {@code .disconnect()} closes the socket),
     * so that the server sees the client go away.
     */
    private void read(String url, StreamResult r) throws IOException {
        HttpURLConnection conn = (HttpURLConnection) URI.create(url).toURL().openConnection();
        r.connection = conn;
        conn.setRequestProperty("Authorization", auth);
        conn.setRequestProperty("Accept", "text/event-stream");
        conn.setConnectTimeout(10_000);
        conn.setReadTimeout(0);
        if (conn.getResponseCode() != 200) {
            throw new IllegalStateException("stream answered " + conn.getResponseCode());
        }
        try (java.io.BufferedReader reader = new java.io.BufferedReader(
                new java.io.InputStreamReader(conn.getInputStream(), StandardCharsets.UTF_8), 65536)) {
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = reader.readLine()) != null) {
                r.bytes += line.length() + 1;
                if (line.isEmpty()) {
                    if (data.length() > 0) {
                        long now = System.nanoTime();
                        Instant received = Instant.now();
                        Map<String, Object> e = MiniJson.parseObject(data.toString());
                        data.setLength(0);
                        r.events++;
                        String type = (String) e.get("type");
                        if ("item.done".equals(type)) {
                            if (r.items < r.latenciesUs.length) {
                                Instant ts = Instant.parse((String) e.get("ts"));
                                r.latenciesUs[r.items] = (received.getEpochSecond() - ts.getEpochSecond()) * 1_000_000L
                                        + (received.getNano() - ts.getNano()) / 1000;
                            }
                            r.items++;
                            r.firstItem = Math.min(r.firstItem, now);
                            r.lastItem = now;
                        } else if (type != null
                                && type.startsWith("request.")
                                && !type.equals("request.created")
                                && !type.equals("request.in_progress")) {
                            r.terminal = type;
                            conn.disconnect(); // crux ends the stream after its terminal event; do not wait for the
                            // close
                            return;
                        }
                    }
                } else if (line.startsWith("data:")) {
                    if (data.length() > 0) {
                        data.append('\n');
                    }
                    data.append(line, line.startsWith("data: ") ? 6 : 5, line.length());
                }
            }
            r.terminal = r.terminal == null ? "closed" : r.terminal;
        }
    }

    // ---------------------------------------------------------------- output

    private static String markdown(Map<Case, Map<String, List<Round>>> results, int rounds, String rawAwait) {
        StringBuilder md = new StringBuilder();
        md.append(
                "\n| case | variant | items/s (median of complete rounds) | events/s | latency p50 ms | p99 ms | max ms | machine CPU ms / 1000 items | crux/variant throughput | complete rounds | failed streams |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (var entry : results.entrySet()) {
            Map<String, List<Round>> byVariant = entry.getValue();
            List<Round> crux = byVariant.get("crux");
            for (var v : byVariant.entrySet()) {
                List<Round> all = v.getValue();
                List<Round> rs = complete(all);
                long[] lat = rs.stream()
                        .flatMapToLong(r -> Arrays.stream(r.latenciesUs()))
                        .sorted()
                        .toArray();
                String ratio = crux == null || v.getKey().equals("crux") ? "" : fmt(ratio(crux, all), 2);
                md.append("| ")
                        .append(entry.getKey().label())
                        .append(" | ")
                        .append(v.getKey())
                        .append(
                                v.getKey().equals("raw") || v.getKey().equals("raw-mirror")
                                        ? " (await=" + rawAwait + ")"
                                        : "")
                        .append(" | ")
                        .append(fmt(
                                median(rs.stream()
                                        .mapToDouble(Round::itemsPerSecond)
                                        .toArray()),
                                0))
                        .append(" | ")
                        .append(fmt(
                                median(rs.stream()
                                        .mapToDouble(Round::eventsPerSecond)
                                        .toArray()),
                                0))
                        .append(" | ")
                        .append(fmt(pct(lat, 0.5) / 1000.0, 1))
                        .append(" | ")
                        .append(fmt(pct(lat, 0.99) / 1000.0, 1))
                        .append(" | ")
                        .append(fmt(lat.length == 0 ? Double.NaN : lat[lat.length - 1] / 1000.0, 1))
                        .append(" | ")
                        .append(fmt(
                                median(rs.stream()
                                        .mapToDouble(Round::cpuMsPerKItems)
                                        .toArray()),
                                0))
                        .append(" | ")
                        .append(ratio)
                        .append(" | ")
                        .append(rs.size())
                        .append("/")
                        .append(all.size())
                        .append(" | ")
                        .append(all.stream().mapToInt(Round::errors).sum())
                        .append(" |\n");
            }
        }
        return md.toString();
    }

    /** Median over rounds of crux's throughput / the variant's throughput in the same round, where both completed. */
    private static double ratio(List<Round> crux, List<Round> other) {
        int n = Math.min(crux.size(), other.size());
        List<Double> r = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (crux.get(i).errors() == 0 && other.get(i).errors() == 0) {
                r.add(crux.get(i).itemsPerSecond() / other.get(i).itemsPerSecond());
            }
        }
        return median(r.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** @return the rounds in which every stream delivered all its items */
    private static List<Round> complete(List<Round> rounds) {
        return rounds.stream().filter(r -> r.errors() == 0).toList();
    }

    private static String json(Map<Case, Map<String, List<Round>>> results, Map<String, String> opts, double elapsed) {
        StringBuilder j = new StringBuilder();
        j.append("{\n  \"benchmark\": \"SSE: crux-ee request stream vs raw SseEventSink loop, same payloads\",\n");
        j.append("  \"at\": \"").append(LocalDateTime.now().withNano(0)).append("\",\n");
        j.append("  \"base\": \"").append(opts.get("base")).append("\",\n");
        j.append("  \"rawAwait\": \"").append(opts.get("raw-await")).append("\",\n");
        j.append("  \"rounds\": ")
                .append(opts.get("rounds"))
                .append(", \"warmup\": ")
                .append(opts.get("warmup"))
                .append(",\n");
        j.append("  \"clientCpus\": ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(",\n");
        j.append("  \"target\": \"crux items/s >= 0.5 x raw items/s\",\n");
        j.append("  \"cases\": [\n");
        boolean firstCase = true;
        for (var entry : results.entrySet()) {
            Case c = entry.getKey();
            if (!firstCase) {
                j.append(",\n");
            }
            firstCase = false;
            j.append("    {\"streams\": ")
                    .append(c.streams())
                    .append(", \"itemsPerStream\": ")
                    .append(c.items())
                    .append(", \"perStep\": ")
                    .append(c.perStep())
                    .append(", \"variants\": {\n");
            boolean firstVariant = true;
            List<Round> crux = entry.getValue().get("crux");
            for (var v : entry.getValue().entrySet()) {
                if (!firstVariant) {
                    j.append(",\n");
                }
                firstVariant = false;
                List<Round> all = v.getValue();
                List<Round> rs = complete(all);
                long[] lat = rs.stream()
                        .flatMapToLong(r -> Arrays.stream(r.latenciesUs()))
                        .sorted()
                        .toArray();
                j.append("      \"")
                        .append(v.getKey())
                        .append("\": {")
                        .append("\"itemsPerSecondMedian\": ")
                        .append(num(
                                median(rs.stream()
                                        .mapToDouble(Round::itemsPerSecond)
                                        .toArray()),
                                1))
                        .append(", \"itemsPerSecondRounds\": ")
                        .append(list(
                                all.stream().mapToDouble(Round::itemsPerSecond).toArray()))
                        .append(", \"completeRounds\": ")
                        .append(rs.size())
                        .append(", \"eventsPerSecondMedian\": ")
                        .append(num(
                                median(rs.stream()
                                        .mapToDouble(Round::eventsPerSecond)
                                        .toArray()),
                                1))
                        .append(", \"wallItemsPerSecondMedian\": ")
                        .append(num(
                                median(rs.stream()
                                        .mapToDouble(Round::wallItemsPerSecond)
                                        .toArray()),
                                1))
                        .append(", \"latencyMs\": {\"p50\": ")
                        .append(num(pct(lat, 0.5) / 1000.0, 2))
                        .append(", \"p90\": ")
                        .append(num(pct(lat, 0.9) / 1000.0, 2))
                        .append(", \"p99\": ")
                        .append(num(pct(lat, 0.99) / 1000.0, 2))
                        .append(", \"max\": ")
                        .append(num(lat.length == 0 ? Double.NaN : lat[lat.length - 1] / 1000.0, 2))
                        .append("}")
                        .append(", \"machineCpuMsPer1000ItemsMedian\": ")
                        .append(num(
                                median(rs.stream()
                                        .mapToDouble(Round::cpuMsPerKItems)
                                        .toArray()),
                                1))
                        .append(", \"failedStreams\": ")
                        .append(all.stream().mapToInt(Round::errors).sum())
                        .append(", \"errorSamples\": ")
                        .append(strings(all.stream()
                                .flatMap(r -> r.errorSamples().stream())
                                .limit(3)
                                .toList()));
                if (crux != null && !v.getKey().equals("crux")) {
                    j.append(", \"cruxThroughputRatio\": ").append(num(ratio(crux, all), 3));
                }
                j.append("}");
            }
            j.append("\n    }}");
        }
        j.append("\n  ],\n  \"elapsedSeconds\": ").append(num(elapsed, 1)).append("\n}\n");
        return j.toString();
    }

    private static String strings(List<String> values) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i);
            v = v.length() > 300 ? v.substring(0, 300) + "..." : v;
            b.append(i == 0 ? "" : ", ")
                    .append('"')
                    .append(v.replace("\\", "\\\\")
                            .replace("\"", "\\\"")
                            .replace("\n", " ")
                            .replace("\t", " "))
                    .append('"');
        }
        return b.append("]").toString();
    }

    private static String list(double[] values) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            b.append(i == 0 ? "" : ", ").append(fmt(values[i], 1));
        }
        return b.append("]").toString();
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String fmt(double v, int decimals) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** A JSON number, or null where there is none. */
    private static String num(double v, int decimals) {
        return Double.isNaN(v) ? "null" : fmt(v, decimals);
    }

    private static void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, "[sse-client] " + format + "%n", args);
    }

    /** Just enough JSON for the envelopes: objects, arrays, strings, numbers, true, false, null. */
    static final class MiniJson {
        private final String s;
        private int i;

        private MiniJson(String s) {
            this.s = s;
        }

        @SuppressWarnings("unchecked")
        static Map<String, Object> parseObject(String text) {
            Object v = new MiniJson(text).value();
            if (!(v instanceof Map)) {
                throw new IllegalArgumentException("not a JSON object: " + text);
            }
            return (Map<String, Object>) v;
        }

        private Object value() {
            skip();
            char c = s.charAt(i);
            switch (c) {
                case '{': {
                    i++;
                    Map<String, Object> m = new LinkedHashMap<>();
                    skip();
                    if (s.charAt(i) == '}') {
                        i++;
                        return m;
                    }
                    while (true) {
                        skip();
                        String k = string();
                        skip();
                        expect(':');
                        m.put(k, value());
                        skip();
                        if (s.charAt(i) == ',') {
                            i++;
                        } else {
                            expect('}');
                            return m;
                        }
                    }
                }
                case '[': {
                    i++;
                    List<Object> l = new ArrayList<>();
                    skip();
                    if (s.charAt(i) == ']') {
                        i++;
                        return l;
                    }
                    while (true) {
                        l.add(value());
                        skip();
                        if (s.charAt(i) == ',') {
                            i++;
                        } else {
                            expect(']');
                            return l;
                        }
                    }
                }
                case '"':
                    return string();
                case 't':
                    i += 4;
                    return Boolean.TRUE;
                case 'f':
                    i += 5;
                    return Boolean.FALSE;
                case 'n':
                    i += 4;
                    return null;
                default: {
                    int start = i;
                    while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                        i++;
                    }
                    return Double.parseDouble(s.substring(start, i));
                }
            }
        }

        private String string() {
            expect('"');
            StringBuilder b = null;
            int start = i;
            while (true) {
                char c = s.charAt(i);
                if (c == '"') {
                    String out = b == null
                            ? s.substring(start, i)
                            : b.append(s, start, i).toString();
                    i++;
                    return out;
                }
                if (c == '\\') {
                    if (b == null) {
                        b = new StringBuilder();
                    }
                    b.append(s, start, i);
                    char e = s.charAt(i + 1);
                    switch (e) {
                        case 'n' -> b.append('\n');
                        case 't' -> b.append('\t');
                        case 'r' -> b.append('\r');
                        case 'b' -> b.append('\b');
                        case 'f' -> b.append('\f');
                        case 'u' -> {
                            b.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
                            i += 4;
                        }
                        default -> b.append(e);
                    }
                    i += 2;
                    start = i;
                } else {
                    i++;
                }
            }
        }

        private void skip() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private void expect(char c) {
            if (s.charAt(i) != c) {
                throw new IllegalArgumentException("expected '" + c + "' at " + i + " in " + s);
            }
            i++;
        }
    }
}
