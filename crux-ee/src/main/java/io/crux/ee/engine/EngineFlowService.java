package io.crux.ee.engine;

import java.lang.reflect.Type;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

import jakarta.json.JsonValue;

import io.crux.ee.api.ClientData;
import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowRunInfo;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.RunOptions;
import io.crux.ee.api.exception.FlowDefinitionException;
import io.crux.ee.catalog.Messages;
import io.crux.ee.codec.JsonSchemas;
import io.crux.ee.service.FlowKind;
import io.crux.ee.service.FlowService;
import io.crux.ee.service.RunFilter;
import io.crux.ee.service.RunningAttempt;
import io.crux.ee.spi.CheckpointRecord;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.PayloadCodec;
import io.crux.ee.spi.RunRecord;
import io.crux.ee.spi.SessionRecord;
import io.crux.ee.spi.SessionStore;
import io.crux.ee.spi.StepFailure;

/** The {@link FlowService} of one engine: each method asks the engine. */
public final class EngineFlowService implements FlowService {

    private final Supplier<FlowEngine> engines;
    /** The flows the engine registers, known before it is built; or null to ask the engine. */
    private final Collection<FlowModel> models;
    /** The engine if it was built, else null: once built, it knows the flows registered later too. */
    private final Supplier<FlowEngine> built;
    /** Each flow as edges see it, made once: a flow's name is never registered twice. */
    private final Map<String, FlowKind> kinds = new ConcurrentHashMap<>();

    /** @param engine the engine that the edges talk to */
    public EngineFlowService(FlowEngine engine) {
        Objects.requireNonNull(engine, "engine");
        this.engines = () -> engine;
        this.models = null;
        this.built = engines;
    }

    /**
     * A service that lists the flows without building the engine, which it builds on the first
     * other call: the OpenAPI document is made while the application starts, on a thread whose
     * naming context cannot look up the engine's resources. Once the engine is built, the flows are
     * the engine's: they include those the application registered itself.
     *
     * @param models the flows the engine registers when it is built
     * @param engine gives the engine, built on first use
     * @param engineIfBuilt gives the engine if it was built, else null; never builds it
     */
    public EngineFlowService(
            Collection<FlowModel> models, Supplier<FlowEngine> engine, Supplier<FlowEngine> engineIfBuilt) {
        this.engines = Objects.requireNonNull(engine, "engine");
        this.models = List.copyOf(models);
        this.built = Objects.requireNonNull(engineIfBuilt, "engineIfBuilt");
    }

    @Override
    public Collection<FlowKind> flows() {
        FlowEngine engine = built.get();
        return (engine != null ? engine.flows() : models)
                .stream().map(this::kind).toList();
    }

    @Override
    public Optional<FlowKind> flow(String name) {
        FlowEngine engine = built.get();
        if (engine != null) {
            return engine.flow(name).map(this::kind);
        }
        return models.stream().filter(m -> m.name().equals(name)).findFirst().map(this::kind);
    }

    private FlowKind kind(FlowModel model) {
        return kinds.computeIfAbsent(model.name(), name -> {
            Map<String, Type> inputs = new LinkedHashMap<>();
            model.actions().forEach((action, m) -> inputs.put(action, m.inputType()));
            return new FlowKind(
                    name,
                    model.requireUser(),
                    inputs,
                    model.clientData(),
                    new LinkedHashMap<String, Type>(model.signals()),
                    model.ephemeralSessions(),
                    state(model));
        });
    }

    private static Map<String, Map<String, Type>> state(FlowModel model) {
        Map<String, Map<String, Type>> state = new LinkedHashMap<>();
        model.state().forEach((scope, schema) -> {
            Map<String, Type> keys = new LinkedHashMap<>();
            schema.fields().forEach((key, field) -> keys.put(key, field.type()));
            state.put(scope.key(), keys);
        });
        return state;
    }

    @Override
    public SessionStore sessions() {
        return engines.get().sessions();
    }

    @Override
    public ClientData.Context clientData(String flow, SessionRecord session) {
        FlowEngine engine = engines.get();
        FlowModel model = engine.flow(flow)
                .orElseThrow(() -> new FlowDefinitionException(Messages.unknownFlow(flow, "a client-data read")));
        return new SessionClientData(model, session, engine.sessions(), engine.service(PayloadCodec.class));
    }

    @Override
    public Optional<RunRecord> run(String runId) {
        return engines.get().run(runId);
    }

    @Override
    public boolean executesHere(String runId) {
        return engines.get().executesHere(runId);
    }

    @Override
    public AutoCloseable subscribe(String runId, Consumer<EventRecord> listener) {
        return engines.get().events().subscribe(runId, listener);
    }

    @Override
    public List<FlowRunInfo> findRuns(FlowStatus status, String userId, int offset, int limit) {
        return engines.get().findRuns(status, userId, offset, limit);
    }

    @Override
    public List<RunRecord> findRuns(RunFilter filter) {
        return engines.get().queries().findRuns(filter);
    }

    @Override
    public Map<FlowStatus, Long> countByStatus(RunFilter filter) {
        return engines.get().queries().countByStatus(filter);
    }

    @Override
    public List<RunRecord> changedSince(Instant since, int limit) {
        return engines.get().queries().changedSince(since, limit);
    }

    @Override
    public List<CheckpointRecord> checkpoints(String runId) {
        return engines.get().queries().checkpoints(runId);
    }

    @Override
    public List<RunRecord> children(String runId) {
        return engines.get().queries().children(runId);
    }

    @Override
    public List<RunningAttempt> running(String runId) {
        return engines.get().running(runId);
    }

    @Override
    public Optional<Map<String, Object>> payloadSchema(String flow, String payloadType) {
        if (payloadType == null) {
            return Optional.empty();
        }
        return engines.get().flow(flow).flatMap(model -> {
            try {
                return Optional.of(JsonSchemas.of(Class.forName(payloadType, false, model.classLoader())));
            } catch (ClassNotFoundException | LinkageError e) {
                return Optional.empty();
            }
        });
    }

    @Override
    public Optional<StepFailure> failure(String runId) {
        return engines.get().queries().failure(runId);
    }

    @Override
    public Object checkInput(String flow, String action, JsonValue input) {
        return engines.get().prepareInput(flow, action, input);
    }

    @Override
    public String start(String flow, String action, Object checkedInput, RunOptions options) {
        return ((EngineFlowHandle<Object, Object>) engines.get().<Object, Object>handle(flow, action))
                .startChecked(checkedInput, options);
    }

    @Override
    public FlowHandle<Object, Object> handle(String flow, String action) {
        return engines.get().handle(flow, action);
    }

    @Override
    public FlowHandle<Object, Object> handleOfRun(String runId) {
        return engines.get().handleOfRun(runId);
    }
}
