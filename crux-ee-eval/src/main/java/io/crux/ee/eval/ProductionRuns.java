package io.crux.ee.eval;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.JsonbException;
import jakarta.json.stream.JsonParsingException;

import io.crux.ee.api.FlowStatus;
import io.crux.ee.spi.CheckpointKind;
import io.crux.ee.spi.CheckpointRecord;
import io.crux.ee.spi.FlowStore;
import io.crux.ee.spi.Payload;
import io.crux.ee.spi.RunQuery;
import io.crux.ee.spi.RunRecord;
import io.crux.ee.testkit.StepRecord;

/**
 * A {@link DataSet} of stored runs of a flow, to run their inputs again against the current code:
 * each case is one stored run, its id the run's id, its input the stored input bound to the action's
 * input type with JSON-B, and its {@link EvalCase#baseline() baseline} the stored run's status,
 * output, duration and steps (label, attempts, fallback, the time from the first attempt's start to
 * the step's completion), which the reports put beside the new outcome.
 *
 * <p>Two sources:
 *
 * <ul>
 *   <li>{@link #fromDevtools(URI)}: the devtools HTTP API of a running application ({@code crux-ee-sse}
 *       with {@code crux.devtools.enabled=true}), as a user in the operator role:
 *       <pre>{@code
 * DataSet<Question> cases = ProductionRuns.fromDevtools(URI.create("https://help.example.com/crux-sample/api"))
 *         .basicAuth("manager", "manager-password")
 *         .flow("help-desk")
 *         .status(FlowStatus.COMPLETED)
 *         .between(Instant.parse("2026-12-01T00:00:00Z"), Instant.parse("2026-12-02T00:00:00Z"))
 *         .limit(50)
 *         .inputs(Question.class);
 * }</pre>
 *   <li>{@link #fromStore(FlowStore, RunQuery)}: a {@code FlowStore} that the code can reach (in the
 *       server, or a store built on the production database): {@code findRuns} for the page,
 *       {@code findRun} for input and output, {@code loadCheckpoints} for the steps.
 * </ul>
 *
 * <p>The runs are read when {@code inputs(...)} is called, newest first, so a data set that cannot be
 * read fails where the evaluation is declared. Only the checkpoints of steps count as baseline steps
 * (signals, waits and emitted items are not steps). The baseline's duration is from the run's creation
 * to its last update, for a run that has ended; {@code null} for one that has not. Immutable.
 *
 * @param <I> the input type
 */
public final class ProductionRuns<I> implements DataSet<I> {

    /** The largest page the devtools API answers. */
    static final int MAX_PAGE = 200;

    private final DataSet<I> cases;

    private ProductionRuns(String name, List<EvalCase<I>> cases) {
        this.cases = DataSet.of(name, cases);
    }

    @Override
    public String name() {
        return cases.name();
    }

    @Override
    public List<EvalCase<I>> cases() {
        return cases.cases();
    }

    /**
     * @param apiBase the application's Jakarta REST root, which the devtools are under: the context root
     *     plus {@code crux.devtools.api-path}, such as {@code http://localhost:9080/crux-sample/api}
     * @return a builder of the filter and credentials
     */
    public static Devtools fromDevtools(URI apiBase) {
        return new Devtools(Objects.requireNonNull(apiBase, "apiBase"));
    }

    /**
     * @param store the store the runs are in
     * @param query which runs (flow names, status, user, session, time range); its {@code limit} is the
     *     most runs to take
     * @return a builder that reads them when given the input type
     */
    public static Store fromStore(FlowStore store, RunQuery query) {
        return new Store(Objects.requireNonNull(store, "store"), Objects.requireNonNull(query, "query"));
    }

    /**
     * The stored runs of a {@code FlowStore}: give the input type to read them. Not thread-safe; the
     * data set it makes is.
     */
    public static final class Store {

        private final FlowStore store;
        private final RunQuery query;
        private boolean expectStoredOutput;

        private Store(FlowStore store, RunQuery query) {
            this.store = store;
            this.query = query;
        }

        /**
         * Makes each stored output the case's {@link EvalCase#expected() expected} value too (as plain
         * JSON values), for {@link Scorers#equalsExpected()} and the other scorers that compare.
         *
         * @return this
         */
        public Store expectStoredOutput() {
            this.expectStoredOutput = true;
            return this;
        }

        /**
         * Reads the runs.
         *
         * @param inputType the action's input type
         * @param <I> the input type
         * @return the data set, named after the query's flows
         * @throws IllegalArgumentException if a stored input does not bind to the type (CRUX0317E)
         */
        public <I> ProductionRuns<I> inputs(Class<I> inputType) {
            List<EvalCase<I>> cases = new ArrayList<>();
            List<RunRecord> page = store.findRuns(query);
            for (RunRecord summary : page) {
                RunRecord run = store.findRun(summary.flowId()).orElse(summary);
                JsonValue input = json(run.input());
                JsonValue output = json(run.output());
                List<StepRecord> steps = new ArrayList<>();
                for (CheckpointRecord c : store.loadCheckpoints(run.flowId())) {
                    if (c.kind() == CheckpointKind.STEP) {
                        steps.add(step(
                                c.label(), c.attempts(), c.fallback(), steps.size(), c.startedAt(), c.completedAt()));
                    }
                }
                cases.add(toCase(
                        run.flowId(),
                        run.flowName(),
                        input,
                        inputType,
                        run.status(),
                        output,
                        run.createdAt(),
                        run.updatedAt(),
                        steps,
                        expectStoredOutput));
            }
            return new ProductionRuns<>(
                    "runs of "
                            + String.join(
                                    ", ", query.flowNames().stream().sorted().toList()),
                    cases);
        }

        private static JsonValue json(Payload p) {
            if (p == null || p.json() == null) {
                return JsonValue.NULL;
            }
            try {
                return JsonForms.parse(p.json());
            } catch (JsonParsingException e) {
                return Json.createValue(p.json()); // a codec of its own: its text
            }
        }
    }

    /**
     * The stored runs behind the devtools API of a running application: a filter, credentials and a
     * limit, then {@link #inputs(Class)} reads them. Not thread-safe; the data set it makes is.
     */
    public static final class Devtools {

        private final URI apiBase;
        private String authorization;
        private String flow;
        private FlowStatus status;
        private String user;
        private String session;
        private Instant from;
        private Instant to;
        private int limit = 50;
        private boolean expectStoredOutput;
        private HttpClient client;
        private Duration timeout = Duration.ofSeconds(30);

        private Devtools(URI apiBase) {
            this.apiBase = apiBase;
        }

        /**
         * @param user a user in the operator role ({@code crux.http.operator-role})
         * @param password the password
         * @return this, sending HTTP BASIC credentials
         */
        public Devtools basicAuth(String user, String password) {
            String pair = Objects.requireNonNull(user, "user") + ":" + Objects.requireNonNull(password, "password");
            this.authorization = "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
            return this;
        }

        /**
         * @param flow the flow's name; without it, runs of every flow
         * @return this
         */
        public Devtools flow(String flow) {
            this.flow = flow;
            return this;
        }

        /**
         * @param status the runs' status, such as {@code COMPLETED}; without it, any
         * @return this
         */
        public Devtools status(FlowStatus status) {
            this.status = status;
            return this;
        }

        /**
         * @param userId the user the runs acted for
         * @return this
         */
        public Devtools user(String userId) {
            this.user = userId;
            return this;
        }

        /**
         * @param sessionId the session the runs belong to
         * @return this
         */
        public Devtools session(String sessionId) {
            this.session = sessionId;
            return this;
        }

        /**
         * @param from runs created at or after this instant, or {@code null}
         * @param to runs created before this instant, or {@code null}
         * @return this
         */
        public Devtools between(Instant from, Instant to) {
            this.from = from;
            this.to = to;
            return this;
        }

        /**
         * @param limit the most runs to take, newest first (default 50); more than a page (200) is read
         *     page by page
         * @return this
         * @throws IllegalArgumentException if less than 1
         */
        public Devtools limit(int limit) {
            if (limit < 1) {
                throw new IllegalArgumentException("limit must be at least 1: " + limit);
            }
            this.limit = limit;
            return this;
        }

        /**
         * Makes each stored output the case's expected value too, as in {@link Store#expectStoredOutput()}.
         *
         * @return this
         */
        public Devtools expectStoredOutput() {
            this.expectStoredOutput = true;
            return this;
        }

        /**
         * @param client the HTTP client to use (TLS settings, proxy); default a new one
         * @return this
         */
        public Devtools httpClient(HttpClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * @param timeout how long one request may take (default 30 seconds)
         * @return this
         */
        public Devtools timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Reads the runs: pages of summaries, then each run's detail.
         *
         * @param inputType the action's input type
         * @param <I> the input type
         * @return the data set, named after the flow
         * @throws IllegalStateException if the API refuses the credentials (CRUX0309E), is not there
         *     (devtools off or a wrong base: CRUX0316E) or fails otherwise (CRUX0318E)
         * @throws IllegalArgumentException if a stored input does not bind to the type (CRUX0317E)
         */
        public <I> ProductionRuns<I> inputs(Class<I> inputType) {
            HttpClient http = client != null
                    ? client
                    : HttpClient.newBuilder().connectTimeout(timeout).build();
            List<String> ids = new ArrayList<>();
            String cursor = null;
            do {
                int size = Math.min(MAX_PAGE, limit - ids.size());
                JsonObject page =
                        get(http, "devtools/runs" + query(cursor, size)).asJsonObject();
                for (JsonValue r : page.getJsonArray("runs")) {
                    ids.add(r.asJsonObject().getString("id"));
                }
                JsonValue next = page.get("next");
                cursor = next instanceof JsonString s ? s.getString() : null;
            } while (cursor != null && ids.size() < limit);

            List<EvalCase<I>> cases = new ArrayList<>();
            for (String id : ids) {
                JsonObject d = get(http, "devtools/runs/" + encode(id)).asJsonObject();
                List<StepRecord> steps = new ArrayList<>();
                JsonArray stored = d.getJsonArray("steps");
                if (stored != null) {
                    for (JsonValue v : stored) {
                        JsonObject s = v.asJsonObject();
                        if (!"STEP".equals(s.getString("kind", "STEP"))) {
                            continue;
                        }
                        steps.add(step(
                                s.getString("label"),
                                s.getInt("attempts", 1),
                                s.getBoolean("fallback", false),
                                steps.size(),
                                instant(s, "startedAt"),
                                instant(s, "completedAt")));
                    }
                }
                cases.add(toCase(
                        id,
                        d.getString("flow"),
                        d.getOrDefault("input", JsonValue.NULL),
                        inputType,
                        FlowStatus.valueOf(d.getString("status")),
                        d.getOrDefault("output", JsonValue.NULL),
                        instant(d, "createdAt"),
                        instant(d, "updatedAt"),
                        steps,
                        expectStoredOutput));
            }
            return new ProductionRuns<>(flow != null ? "runs of " + flow : "runs", cases);
        }

        private String query(String cursor, int size) {
            Map<String, String> q = new LinkedHashMap<>();
            q.put("flow", flow);
            q.put("status", status == null ? null : status.name());
            q.put("user", user);
            q.put("session", session);
            q.put("from", from == null ? null : from.toString());
            q.put("to", to == null ? null : to.toString());
            q.put("cursor", cursor);
            q.put("limit", Integer.toString(size));
            StringJoiner j = new StringJoiner("&", "?", "");
            q.forEach((k, v) -> {
                if (v != null) {
                    j.add(k + "=" + encode(v));
                }
            });
            return j.toString();
        }

        private JsonValue get(HttpClient http, String path) {
            String base = apiBase.toString();
            URI uri = URI.create(base.endsWith("/") ? base + path : base + "/" + path);
            HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                    .timeout(timeout)
                    .header("Accept", "application/json")
                    .GET();
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            HttpResponse<String> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new IllegalStateException(EvalMessages.devtoolsFailed(uri.toString(), e.toString()), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(EvalMessages.devtoolsFailed(uri.toString(), "interrupted"), e);
            }
            int code = response.statusCode();
            if (code == 401 || code == 403) {
                throw new IllegalStateException(
                        EvalMessages.devtoolsRefused(uri.toString(), code, authorization != null));
            }
            if (code == 404) {
                throw new IllegalStateException(EvalMessages.devtoolsNotFound(uri.toString()));
            }
            if (code != 200) {
                throw new IllegalStateException(EvalMessages.devtoolsFailed(
                        uri.toString(), "HTTP " + code + " " + abbreviate(response.body())));
            }
            try (var reader = Json.createReader(new StringReader(response.body()))) {
                return reader.readValue();
            } catch (RuntimeException e) {
                throw new IllegalStateException(
                        EvalMessages.devtoolsFailed(
                                uri.toString(), "the answer is not JSON: " + abbreviate(response.body())),
                        e);
            }
        }

        private static Instant instant(JsonObject o, String key) {
            JsonValue v = o.get(key);
            return v instanceof JsonString s ? Instant.parse(s.getString()) : null;
        }

        private static String encode(String text) {
            return URLEncoder.encode(text, StandardCharsets.UTF_8);
        }

        private static String abbreviate(String body) {
            return body == null ? "" : body.length() > 300 ? body.substring(0, 300) + "…" : body;
        }
    }

    static StepRecord step(
            String label, int attempts, boolean fallback, int order, Instant startedAt, Instant completedAt) {
        Duration d = startedAt != null && completedAt != null && !completedAt.isBefore(startedAt)
                ? Duration.between(startedAt, completedAt)
                : Duration.ZERO;
        return new StepRecord(
                label, fallback ? StepRecord.Status.FELL_BACK : StepRecord.Status.SUCCEEDED, attempts, order, d);
    }

    static <I> EvalCase<I> toCase(
            String runId,
            String flowName,
            JsonValue input,
            Class<I> inputType,
            FlowStatus status,
            JsonValue output,
            Instant createdAt,
            Instant updatedAt,
            List<StepRecord> steps,
            boolean expectStoredOutput) {
        I bound;
        try {
            bound = input == null || input.getValueType() == JsonValue.ValueType.NULL
                    ? null
                    : JsonForms.bind(input, inputType);
        } catch (JsonbException | ClassCastException e) {
            throw new IllegalArgumentException(
                    EvalMessages.runInputNotBound(runId, flowName, inputType.getTypeName(), e.getMessage()), e);
        }
        Object out = output == null ? null : JsonForms.plain(output);
        Duration took = status.isFinal() && createdAt != null && updatedAt != null
                ? Duration.between(createdAt, updatedAt)
                : null;
        Baseline baseline = new Baseline(runId, status, out, took, steps);
        return new EvalCase<I>(runId, bound, expectStoredOutput ? out : null, List.of(), baseline);
    }
}
