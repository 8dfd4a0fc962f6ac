package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.RunOptions;
import io.crux.ee.api.exception.CruxPersistenceException;
import io.crux.ee.api.exception.FlowCancelledException;
import io.crux.ee.spi.CheckpointRecord;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.FlowStore;
import io.crux.ee.testkit.FlowTest;
import io.crux.ee.testkit.TestClock;

/**
 * A step whose checkpoint the database refuses for good fails its run, and the run's end still reaches the
 * stored event log: the step's gathering of events ends whatever the store did. A step's events that
 * were refused with its checkpoint (the run cancelled elsewhere), or not written because the run was cancelled
 * while its checkpoint was tried again, go out with the run's end.
 */
class CheckpointFailureTest {

    @Test
    void aFailedCheckpointWriteStillEndsTheRequestStream() throws Exception {
        // a lasting failure (a passing one is tried again, see CheckpointOutageTest)
        FlowStore store = failingSave(() -> new CruxPersistenceException(
                "CRUX0030E: the database refuses it", null, new java.sql.SQLDataException("value too long", "22001")));
        try (EngineHarness h = EngineHarness.direct(store)) {
            FlowHandle<String, String> handle = registerSaving(h, "fragile");

            assertThatThrownBy(() -> handle.run(
                            "x",
                            RunOptions.defaults()
                                    .withFlowId("f-1")
                                    .withSessionId("s-1")
                                    .withEvents(true)))
                    .hasStackTraceContaining("the database refuses it");

            List<EventRecord> stored = h.engine.sessions().readEvents("f-1", 0, 100);
            assertThat(stored)
                    .extracting(EventRecord::type)
                    .contains("request.created", "item.done")
                    .last()
                    .isEqualTo("request.failed");
        }
    }

    @Test
    void aStoreFailureThatEndsARunIsToldToItsOwnerByAReferenceNotInTheDatabasesWords() throws Exception {
        String database = "ERROR: value too long for type character varying(200); Call: INSERT INTO CRUX_STEP";
        FlowStore store = failingSave(() -> new CruxPersistenceException(
                "CRUX0030E: The store failed: " + database, null, new java.sql.SQLDataException(database, "22001")));
        try (EngineHarness h = EngineHarness.direct(store)) {
            FlowHandle<String, String> handle = registerSaving(h, "told");

            // the caller in the application's own code gets the exception whole
            assertThatThrownBy(() -> handle.run(
                            "x",
                            RunOptions.defaults()
                                    .withFlowId("f-4")
                                    .withSessionId("s-4")
                                    .withEvents(true)))
                    .isInstanceOf(CruxPersistenceException.class)
                    .hasMessageContaining("CRUX_STEP");

            // the run's row and its stream, which its owner reads over HTTP, tell a reference
            String error = h.engine.run("f-4").orElseThrow().error();
            assertThat(error).startsWith("CRUX0110E").contains("CRUX0030E").doesNotContain("CRUX_STEP", "varying");
            EventRecord failed = h.engine.sessions().readEvents("f-4", 0, 100).stream()
                    .filter(e -> e.type().equals("request.failed"))
                    .findFirst()
                    .orElseThrow();
            assertThat(failed.json()).contains("CRUX0110E").doesNotContain("CRUX_STEP");
            String reference = error.replaceAll("(?s).*reference ([0-9a-f-]{36}).*", "$1");
            assertThat(failed.json()).contains(reference);
        }
    }

    @Test
    void aStoreFailureWrappedInAStepsFailureIsToldByAReferenceToo() throws Exception {
        String database = "ERROR: deadlock detected; Call: UPDATE LEDGER SET AMOUNT = ?";
        try (EngineHarness h = EngineHarness.direct(new InMemoryFlowStore(new TestClock(FlowTest.START)))) {
            // the step's own write to the database fails for good: the run fails with the step's
            // failure, which quotes it
            FlowHandle<String, String> handle = h.register(Flows.flow(
                    "wrapped",
                    String.class,
                    String.class,
                    scope -> scope.step("book", () -> {
                        throw new CruxPersistenceException(
                                "CRUX0030E: The store failed to book: " + database,
                                null,
                                new java.sql.SQLException(database, "40P01"));
                    })));

            assertThatThrownBy(() -> handle.run(
                            "x",
                            RunOptions.defaults()
                                    .withFlowId("f-5")
                                    .withSessionId("s-5")
                                    .withEvents(true)))
                    .hasStackTraceContaining("LEDGER");

            String error = h.engine.run("f-5").orElseThrow().error();
            assertThat(error).startsWith("CRUX0110E").contains("CRUX0030E").doesNotContain("LEDGER");
            assertThat(h.engine.sessions().readEvents("f-5", 0, 100))
                    .filteredOn(e -> e.type().equals("request.failed"))
                    .singleElement()
                    .satisfies(e -> assertThat(e.json()).contains("CRUX0110E").doesNotContain("LEDGER"));
        }
    }

    @Test
    void aStepsEventsRefusedWithItsCheckpointGoOutWithTheRunsEnd() throws Exception {
        InMemoryFlowStore memory = new InMemoryFlowStore(new TestClock(FlowTest.START));
        boolean[] cancelled = {false};
        FlowStore store = (FlowStore) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {FlowStore.class}, (proxy, method, args) -> {
                    boolean fenced = method.getName().equals("saveCheckpointHolding")
                            || method.getName().equals("whileHolding");
                    if (fenced && method.getName().equals("saveCheckpointHolding")) {
                        cancelled[0] |= ((CheckpointRecord) args[1]).label().equals("save");
                    }
                    if (fenced && cancelled[0]) {
                        // cancelled elsewhere: every fenced write of the run is refused from now on
                        throw new FlowCancelledException("CRUX0161I: cancelled elsewhere", "f-2", "by an operator");
                    }
                    try {
                        return method.invoke(memory, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        try (EngineHarness h = EngineHarness.direct(store)) {
            FlowHandle<String, String> handle = registerSaving(h, "cancelled");

            assertThat(handle.run(
                            "x",
                            RunOptions.defaults()
                                    .withFlowId("f-2")
                                    .withSessionId("s-2")
                                    .withEvents(true)))
                    .isInstanceOf(io.crux.ee.api.FlowResult.Cancelled.class);

            // refused before it was written, the step's item went back to the outbox and out with the run's end
            assertThat(h.engine.sessions().readEvents("f-2", 0, 100))
                    .extracting(EventRecord::type)
                    .containsSubsequence("request.created", "item.done", "request.cancelled");
        }
    }

    @Test
    void aStepsEventsGoOutWithTheRunsEndWhenItIsCancelledWhileItsCheckpointIsTriedAgain() throws Exception {
        @SuppressWarnings("unchecked")
        FlowHandle<String, String>[] handle = new FlowHandle[1];
        // the connection is lost, and a caller cancels the run before the write is tried again
        FlowStore store = failingSave(() -> {
            handle[0].cancel("f-3", "withdrawn");
            return new CruxPersistenceException(
                    "CRUX0030E: the store failed to save a checkpoint",
                    null,
                    new java.sql.SQLException("connection lost", "08006"));
        });
        try (EngineHarness h = EngineHarness.direct(store)) {
            handle[0] = registerSaving(h, "withdrawn");

            assertThat(handle[0].run(
                            "x",
                            RunOptions.defaults()
                                    .withFlowId("f-3")
                                    .withSessionId("s-3")
                                    .withEvents(true)))
                    .isInstanceOf(io.crux.ee.api.FlowResult.Cancelled.class);

            assertThat(h.engine.sessions().readEvents("f-3", 0, 100))
                    .extracting(EventRecord::type)
                    .containsSubsequence("request.created", "item.done", "request.cancelled");
        }
    }

    /** A store in memory whose writes of step "save"'s checkpoint fail with what {@code failure} gives. */
    private FlowStore failingSave(java.util.function.Supplier<RuntimeException> failure) {
        InMemoryFlowStore memory = new InMemoryFlowStore(new TestClock(FlowTest.START));
        return (FlowStore) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {FlowStore.class}, (proxy, method, args) -> {
                    if (method.getName()
                            .equals("saveCheckpointHolding")) { // through the proxy: its writes are seen below
                        return InvocationHandler.invokeDefault(proxy, method, args);
                    }
                    if (method.getName().equals("saveCheckpoint")
                            && ((CheckpointRecord) args[0]).label().equals("save")) {
                        throw failure.get();
                    }
                    try {
                        return method.invoke(memory, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** A flow of one step, "save", that emits an item. */
    private static FlowHandle<String, String> registerSaving(EngineHarness h, String name) {
        return h.register(Flows.flow(
                name,
                String.class,
                String.class,
                scope -> scope.step("save", () -> {
                    scope.emit(io.crux.ee.api.Item.status("saving"));
                    return "saved";
                })));
    }
}
