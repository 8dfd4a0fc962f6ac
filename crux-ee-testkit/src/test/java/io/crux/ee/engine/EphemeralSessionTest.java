package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.Action;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowScope;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.Item;
import io.crux.ee.api.RunOptions;
import io.crux.ee.api.Sessions;
import io.crux.ee.api.exception.FlowDefinitionException;
import io.crux.ee.api.exception.FlowStateException;
import io.crux.ee.cdi.FlowDefinitions;
import io.crux.ee.codec.JsonbPayloadCodec;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.ItemRecord;
import io.crux.ee.spi.SessionRecord;
import io.crux.ee.spi.SessionStore;
import io.crux.ee.spi.StateChange;
import io.crux.ee.testkit.CruxTest;
import io.crux.ee.testkit.InlineExecutor;
import io.crux.ee.testkit.TestRun;

/**
 * A flow with {@code sessions = EPHEMERAL}: its session lives in memory for one request; the store
 * gets no session, no session state and no items, only the run and its request events. A second
 * request into the session, a suspension and a recovery are refused.
 */
class EphemeralSessionTest {

    public record Question(String text) {}

    public record Approval(boolean ok) {}

    @FlowDefinition(value = "scratch", sessions = Sessions.EPHEMERAL)
    public static class Scratch {
        static volatile CountDownLatch inStep = new CountDownLatch(1);
        static volatile CountDownLatch release = new CountDownLatch(1);
        static final AtomicBoolean crash = new AtomicBoolean();

        @Action(value = "ask", userMessage = "text")
        public String ask(FlowScope<Question> flow) {
            flow.step("count", () -> flow.session().inc("n", 1));
            long n = flow.step("again", () -> flow.session().inc("n", 1));
            flow.step("answer", () -> {
                flow.emit(Item.message("assistant", "n=" + n));
                return "ok";
            });
            return flow.sessionId().orElseThrow() + ":" + n;
        }

        @Action("wait")
        public String waitFor(FlowScope<Question> flow) {
            flow.step("before", () -> "b");
            return String.valueOf(flow.suspend("manager", Approval.class).ok());
        }

        @Action("crash")
        public String crashOnce(FlowScope<Question> flow) {
            flow.step("count", () -> flow.session().inc("n", 1));
            return flow.step("stuck", () -> {
                if (crash.getAndSet(false)) {
                    inStep.countDown();
                    release.await();
                }
                return "done with " + flow.session().get("n", Long.class).orElse(0L);
            });
        }
    }

    /** The in-memory store, remembering every write of a session, a state document or an item. */
    static final class RecordingSessions implements SessionStore {
        final InMemorySessionStore store = new InMemorySessionStore(new JsonbPayloadCodec());
        final List<SessionRecord> created = new CopyOnWriteArrayList<>();
        final Set<String> documents = ConcurrentHashMap.newKeySet();
        final List<ItemRecord> items = new CopyOnWriteArrayList<>();

        @Override
        public void createSession(SessionRecord session) {
            created.add(session);
            store.createSession(session);
        }

        @Override
        public Optional<SessionRecord> findSession(String id) {
            return store.findSession(id);
        }

        @Override
        public List<SessionRecord> listSessions(String kind, String userId, int limit) {
            return store.listSessions(kind, userId, limit);
        }

        @Override
        public boolean deleteSession(String id) {
            return store.deleteSession(id);
        }

        @Override
        public Map<String, Object> readState(String scope, String key) {
            return store.readState(scope, key);
        }

        @Override
        public <T> T updateState(String scope, String key, Function<Map<String, Object>, T> change) {
            documents.add(scope + ":" + key);
            return store.updateState(scope, key, change);
        }

        @Override
        public <T> T changeState(String scope, String key, StateChange<T> change) {
            documents.add(scope + ":" + key);
            return store.changeState(scope, key, change);
        }

        @Override
        public Optional<io.crux.ee.spi.ResourceRecord> readResource(
                String scope, String owner, String name, String key) {
            return store.readResource(scope, owner, name, key);
        }

        @Override
        public io.crux.ee.spi.ResourceRecord putResource(
                String scope, String owner, String name, String key, String json, Long expectedVersion) {
            documents.add("resource " + scope + ":" + owner);
            return store.putResource(scope, owner, name, key, json, expectedVersion);
        }

        @Override
        public List<io.crux.ee.spi.ResourceRecord> listResources(
                String scope, String owner, String name, String afterKey, int limit) {
            return store.listResources(scope, owner, name, afterKey, limit);
        }

        @Override
        public boolean deleteResource(String scope, String owner, String name, String key) {
            return store.deleteResource(scope, owner, name, key);
        }

        @Override
        public void append(List<ItemRecord> newItems, List<EventRecord> events) {
            items.addAll(newItems);
            store.append(newItems, events);
        }

        @Override
        public List<ItemRecord> listItems(String sessionId, int limit) {
            return store.listItems(sessionId, limit);
        }

        @Override
        public List<EventRecord> readEvents(String requestId, long afterSeq, int limit) {
            return store.readEvents(requestId, afterSeq, limit);
        }

        @Override
        public long lastSeq(String requestId) {
            return store.lastSeq(requestId);
        }
    }

    private final RecordingSessions sessions = new RecordingSessions();
    private final FlowModel model = FlowDefinitions.read(Scratch.class, FlowDefinitions.InstanceSource.of(Scratch::new))
            .model();
    private EngineHarness h;

    @AfterEach
    void tearDown() throws Exception {
        Scratch.release.countDown();
        if (h != null) {
            h.close();
        }
    }

    private FlowHandle<Question, String> handle(String action) {
        return h.engine.handle("scratch", action);
    }

    private static RunOptions request(String id) {
        return RunOptions.defaults().withFlowId(id).withUserId("ann").withEvents(true);
    }

    @Test
    void theSessionIsUsableWithinTheRequestAndNothingOfItIsStored() {
        h = EngineHarness.on(sessions, "node-1", new InlineExecutor());
        h.engine.register(model);

        FlowResult<String> result = handle("ask").run(new Question("count for me"), request("e-1"));

        assertThat(result).isEqualTo(new FlowResult.Completed<>("e-1", "e-1:2"));
        assertThat(sessions.created).as("session rows").isEmpty();
        assertThat(sessions.documents).as("state documents").noneMatch(d -> d.startsWith("session:"));
        assertThat(sessions.items).as("items").isEmpty();
        assertThat(sessions.findSession("e-1")).isEmpty();
        assertThat(h.record("e-1").sessionId()).isEqualTo("e-1");
        List<EventRecord> events = sessions.readEvents("e-1", 0, 100);
        assertThat(events)
                .extracting(EventRecord::type)
                .containsExactly(
                        "request.created",
                        "request.in_progress",
                        "item.done", // the user's message
                        "state.changed",
                        "state.changed",
                        "item.done", // the answer
                        "request.completed");
        assertThat(events.get(2).json()).contains("\"role\":\"user\"", "count for me");
        assertThat(events.get(5).json()).contains("n=2");
    }

    @Test
    void aSecondRequestIntoTheSessionIsRefusedAndStoresNothing() {
        h = EngineHarness.on(sessions, "node-1", new InlineExecutor());
        h.engine.register(model);
        handle("ask").run(new Question("first"), request("e-1"));

        assertThatThrownBy(() ->
                        handle("ask").run(new Question("second"), request("e-2").withSessionId("e-1")))
                .isInstanceOf(FlowStateException.class)
                .hasMessageStartingWith("CRUX0211E")
                .hasMessageContaining("'scratch'", "'e-1'");
        assertThat(h.store.findRun("e-2")).isEmpty();
        assertThat(sessions.readEvents("e-2", 0, 10)).isEmpty();
    }

    @Test
    void aRunThatWouldSuspendFailsInsteadOfLosingItsSession() {
        h = EngineHarness.on(sessions, "node-1", new InlineExecutor());
        h.engine.register(model);

        assertThatThrownBy(() -> handle("wait").run(new Question("may I?"), request("e-3")))
                .isInstanceOf(FlowDefinitionException.class)
                .hasMessageStartingWith("CRUX0212E")
                .hasMessageContaining("suspend", "'manager'");
        assertThat(h.record("e-3").status()).isEqualTo(FlowStatus.FAILED);
        assertThat(h.store.loadCheckpoints("e-3")).extracting(c -> c.label()).containsExactly("before");
    }

    @Test
    void aRunLeftUnfinishedByACrashFailsWhenRecoveredInsteadOfGoingOnWithAnEmptySession() throws Exception {
        Scratch.inStep = new CountDownLatch(1);
        Scratch.release = new CountDownLatch(1);
        Scratch.crash.set(true);
        h = EngineHarness.on(sessions, "node-a", Executors.newCachedThreadPool());
        h.engine.register(model);
        handle("crash").start(new Question("crash"), request("e-4"));
        assertThat(Scratch.inStep.await(10, TimeUnit.SECONDS)).isTrue();

        EngineHarness b = h.sibling("node-b", new InlineExecutor());
        b.engine.register(model);
        h.clock.advance(Duration.ofSeconds(30)); // node-a's lease ends
        assertThat(b.engine.maintain()).isEqualTo(1);

        assertThat(b.record("e-4").status()).isEqualTo(FlowStatus.FAILED);
        assertThat(b.record("e-4").error()).startsWith("CRUX0213E");
        assertThat(sessions.readEvents("e-4", 0, 100))
                .extracting(EventRecord::type)
                .endsWith("request.failed");
    }

    @Test
    void theTestKitBehavesTheSame() {
        TestRun<String> run = CruxTest.<Question, String>testFlow(new Scratch())
                .action("ask")
                .input(new Question("in the kit"))
                .run()
                .assertCompleted();

        assertThat(run.output()).isEqualTo(run.flowId() + ":2");
        assertThat(run.items().list()).as("no items stored").isEmpty();
        assertThat(run.session().snapshot()).as("no session state stored").isEmpty();
        assertThat(run.storedEvents())
                .filteredOn(e -> e.type().equals("item.done"))
                .hasSize(2);

        TestRun<String> joined = CruxTest.<Question, String>testFlow(new Scratch())
                .action("ask")
                .session("s-1")
                .input(new Question("join"))
                .run();
        assertThat(joined.failure()).isInstanceOf(FlowStateException.class);
        assertThat(joined.failure().getMessage()).startsWith("CRUX0211E");

        assertThatThrownBy(() -> CruxTest.<Question, String>testFlow(new Scratch())
                        .action("ask")
                        .sessionState(Map.of("n", 5))
                        .input(new Question("seeded"))
                        .run())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("CRUX0216E");
    }
}
