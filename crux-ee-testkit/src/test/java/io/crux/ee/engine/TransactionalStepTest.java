package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.RunOptions;
import io.crux.ee.api.StepOptions;
import io.crux.ee.api.exception.CruxPersistenceException;
import io.crux.ee.api.exception.StepFailedException;
import io.crux.ee.block.Handler;
import io.crux.ee.spi.AttemptFailure;
import io.crux.ee.spi.CheckpointRecord;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.FlowStore;
import io.crux.ee.spi.StepTransaction;
import io.crux.ee.testkit.FlowTest;
import io.crux.ee.testkit.TestClock;

/**
 * A transactional step's attempt, its checkpoint and its events share one transaction of the store:
 * the step's own writes and its checkpoint are kept together or not at all, a failed attempt (its
 * body, its timeout, or a commit that the transaction manager turned into a rollback) keeps
 * neither and is retried under the step's policy, and no checkpoint of a rolled-back attempt is
 * replayed.
 */
class TransactionalStepTest {

    /** What happened, in order: begin, body, checkpoint, commit or rollback. */
    private final List<String> log = new CopyOnWriteArrayList<>();
    /** The application's table, as committed. */
    private final List<String> ledger = new CopyOnWriteArrayList<>();
    /** The commit answers to give, in order; then true. */
    private final List<Boolean> commitAnswers = new ArrayList<>();

    private final List<String> published = new CopyOnWriteArrayList<>();

    private FakeTransaction open;
    /** Whether the next checkpoint written in a transaction meets a transaction the step's own code spoilt. */
    private boolean spoilNextCheckpoint;

    private InMemoryFlowStore memory;
    private EngineHarness h;

    /** A transaction of the fake database: the ledger rows and checkpoints written in it, applied at commit. */
    private final class FakeTransaction implements StepTransaction {
        final List<String> rows = new ArrayList<>();
        final List<CheckpointRecord> checkpoints = new ArrayList<>();

        @Override
        public boolean commit() {
            open = null;
            boolean answer = commitAnswers.isEmpty() || commitAnswers.remove(0);
            log.add(answer ? "commit" : "rolled back at commit");
            if (answer) {
                ledger.addAll(rows);
                checkpoints.forEach(memory::saveCheckpoint);
            }
            return answer;
        }

        @Override
        public void rollback() {
            if (open == this) {
                open = null;
                log.add("rollback");
            }
        }
    }

    /** The application's write, which joins the step's transaction (or commits at once outside one). */
    private void book(String row) {
        log.add("body");
        if (open != null) {
            open.rows.add(row);
        } else {
            ledger.add(row);
        }
    }

    @BeforeEach
    void setUp() {
        memory = new InMemoryFlowStore(new TestClock(FlowTest.START));
        FlowStore store = (FlowStore) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {FlowStore.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "beginStep" -> {
                            log.add("begin");
                            open = new FakeTransaction();
                            return open;
                        }
                        case "saveCheckpointHolding" -> {
                            CheckpointRecord c = (CheckpointRecord) args[1];
                            if (open != null && spoilNextCheckpoint) {
                                spoilNextCheckpoint = false;
                                log.add("checkpoint refused: transaction aborted");
                                throw new CruxPersistenceException(
                                        "save a checkpoint",
                                        c.flowId(),
                                        new java.sql.SQLException(
                                                "current transaction is aborted, commands ignored until end of"
                                                        + " transaction block",
                                                "25P02"));
                            }
                            if (open == null) {
                                return InvocationHandler.invokeDefault(proxy, method, args);
                            }
                            log.add("checkpoint " + c.label());
                            open.checkpoints.add(c);
                            return args.length > 2 ? ((Supplier<?>) args[2]).get() : null; // nothing alongside
                        }
                        case "afterCommit" -> {
                            assertThat(open)
                                    .as("events are published only after the commit")
                                    .isNull();
                            ((Runnable) args[0]).run();
                            return null;
                        }
                        default -> {
                            try {
                                return method.invoke(memory, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        }
                    }
                });
        h = EngineHarness.direct(store);
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    private FlowHandle<String, String> flow(StepOptions<String> options, AtomicInteger attempts, int failing) {
        return h.register(Flows.flow(
                "payments",
                String.class,
                String.class,
                scope -> scope.step(
                        "book",
                        () -> {
                            int attempt = attempts.incrementAndGet();
                            book("row of attempt " + attempt);
                            if (attempt <= failing) {
                                throw new IllegalStateException("provider down");
                            }
                            return "booked by attempt " + attempt;
                        },
                        options)));
    }

    private List<CheckpointRecord> checkpoints(String flowId) {
        return memory.loadCheckpoints(flowId);
    }

    @Test
    void theStepsWritesItsCheckpointAndItsEventsCommitTogether() {
        FlowHandle<String, String> handle =
                flow(StepOptions.<String>defaults().transactional(), new AtomicInteger(), 0);
        h.engine.events().subscribe("pay-1", (EventRecord e) -> published.add(e.type()));

        FlowResult<String> result =
                handle.run("x", RunOptions.defaults().withFlowId("pay-1").withEvents(true));

        assertThat(result).isEqualTo(new FlowResult.Completed<>("pay-1", "booked by attempt 1"));
        assertThat(log).containsExactly("begin", "body", "checkpoint book", "commit");
        assertThat(ledger).containsExactly("row of attempt 1");
        assertThat(checkpoints("pay-1")).extracting(CheckpointRecord::label).containsExactly("book");
        assertThat(published).contains("request.completed");
    }

    @Test
    void aFailedAttemptRollsBackItsWritesAndIsRetried() {
        AtomicInteger attempts = new AtomicInteger();
        FlowHandle<String, String> handle = flow(
                StepOptions.<String>retry(3, Duration.ZERO, io.crux.ee.api.Backoff.LINEAR)
                        .transactional(),
                attempts,
                1);

        FlowResult<String> result = handle.run("x", RunOptions.defaults().withFlowId("pay-2"));

        assertThat(result).isEqualTo(new FlowResult.Completed<>("pay-2", "booked by attempt 2"));
        assertThat(log).containsExactly("begin", "body", "rollback", "begin", "body", "checkpoint book", "commit");
        assertThat(ledger).containsExactly("row of attempt 2");
        CheckpointRecord book = checkpoints("pay-2").get(0);
        assertThat(book.attempts()).isEqualTo(2);
        assertThat(book.failures()).extracting(AttemptFailure::message).containsExactly("provider down");
    }

    @Test
    void aCommitTheTransactionManagerRolledBackFailsTheAttemptAndNothingOfItIsReplayed() {
        commitAnswers.add(false);
        AtomicInteger attempts = new AtomicInteger();
        FlowHandle<String, String> handle = flow(
                StepOptions.<String>retry(2, Duration.ZERO, io.crux.ee.api.Backoff.LINEAR)
                        .transactional(),
                attempts,
                0);

        FlowResult<String> result = handle.run("x", RunOptions.defaults().withFlowId("pay-3"));

        // the first attempt's checkpoint was written in its transaction but never committed: the
        // step's value is the second attempt's, not a replay of the first
        assertThat(result).isEqualTo(new FlowResult.Completed<>("pay-3", "booked by attempt 2"));
        assertThat(log)
                .containsExactly(
                        "begin",
                        "body",
                        "checkpoint book",
                        "rolled back at commit",
                        "begin",
                        "body",
                        "checkpoint book",
                        "commit");
        assertThat(ledger).containsExactly("row of attempt 2");
        assertThat(checkpoints("pay-3")).hasSize(1);
        assertThat(checkpoints("pay-3").get(0).failures())
                .extracting(AttemptFailure::messageId)
                .containsExactly("CRUX0034E");
    }

    @Test
    void withoutAttemptsLeftARolledBackCommitFailsTheRunAndStoresNoCheckpoint() {
        commitAnswers.add(false);
        FlowHandle<String, String> handle =
                flow(StepOptions.<String>defaults().transactional(), new AtomicInteger(), 0);

        assertThatThrownBy(() -> handle.run("x", RunOptions.defaults().withFlowId("pay-4")))
                .isInstanceOf(StepFailedException.class)
                .hasMessageContaining("CRUX0034E");
        assertThat(h.record("pay-4").status()).isEqualTo(FlowStatus.FAILED);
        assertThat(ledger).isEmpty();
        assertThat(checkpoints("pay-4")).isEmpty();
    }

    @Test
    void anAttemptThatReturnsAfterItsTimeoutIsRolledBack() {
        AtomicInteger attempts = new AtomicInteger();
        Duration timeout = Duration.ofMillis(1);
        FlowHandle<String, String> handle = h.register(Flows.flow(
                "slow-payments",
                String.class,
                String.class,
                scope -> scope.step(
                        "book",
                        () -> {
                            int attempt = attempts.incrementAndGet();
                            book("row of attempt " + attempt);
                            if (attempt == 1) {
                                // outlast the timeout (busy, not asleep: the attempt's thread is the transaction's)
                                long until = System.nanoTime() + timeout.toNanos() * 5;
                                while (System.nanoTime() < until) {
                                    Thread.onSpinWait();
                                }
                            }
                            return "booked by attempt " + attempt;
                        },
                        StepOptions.<String>retry(2, Duration.ZERO, io.crux.ee.api.Backoff.LINEAR)
                                .withTimeout(timeout)
                                .transactional())));

        FlowResult<String> result = handle.run("x", RunOptions.defaults().withFlowId("pay-5"));

        assertThat(result).isEqualTo(new FlowResult.Completed<>("pay-5", "booked by attempt 2"));
        assertThat(log).containsExactly("begin", "body", "rollback", "begin", "body", "checkpoint book", "commit");
        assertThat(ledger).containsExactly("row of attempt 2");
        assertThat(checkpoints("pay-5").get(0).failures())
                .extracting(AttemptFailure::type)
                .containsExactly(TimeoutException.class.getName());
    }

    @Test
    void aTransactionalHandlerBlockCommitsItsWritesWithItsCheckpoint() {
        AtomicInteger attempts = new AtomicInteger();
        Handler<String, String> pay = Handler.<String, String>of("pay", (input, ctx) -> {
                    int attempt = attempts.incrementAndGet();
                    book("row of attempt " + attempt);
                    if (attempt == 1) {
                        throw new IllegalStateException("provider down");
                    }
                    return "paid " + input;
                })
                .withOptions(StepOptions.<String>retry(2, Duration.ZERO, io.crux.ee.api.Backoff.LINEAR)
                        .transactional());
        FlowHandle<String, String> handle = h.register(new FlowModel(
                "pay",
                true,
                Handler.class,
                Map.of(
                        "run",
                        new ActionModel(
                                "run", String.class, String.class, scope -> ActionModel.runBlock(scope, pay)))));

        FlowResult<String> result = handle.run("x", RunOptions.defaults().withFlowId("pay-7"));

        assertThat(result).isEqualTo(new FlowResult.Completed<>("pay-7", "paid x"));
        assertThat(log).containsExactly("begin", "body", "rollback", "begin", "body", "checkpoint pay", "commit");
        assertThat(ledger).containsExactly("row of attempt 2");
    }

    @Test
    void aRolledBackCommitWithEventsLeavesTheRunsLaterEventsFlowing() {
        commitAnswers.add(false);
        FlowHandle<String, String> handle = flow(
                StepOptions.<String>retry(2, Duration.ZERO, io.crux.ee.api.Backoff.LINEAR)
                        .transactional(),
                new AtomicInteger(),
                0);
        h.engine.events().subscribe("pay-8", (EventRecord e) -> published.add(e.type()));

        FlowResult<String> result =
                handle.run("x", RunOptions.defaults().withFlowId("pay-8").withEvents(true));

        assertThat(result).isEqualTo(new FlowResult.Completed<>("pay-8", "booked by attempt 2"));
        assertThat(published).endsWith("request.completed");
    }

    @Test
    void aStoreThatCannotBeginTheTransactionFailsTheStepWithoutRetryOrFallback() {
        AtomicInteger attempts = new AtomicInteger();
        FlowStore refusing = (FlowStore) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {FlowStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("beginStep")) {
                        log.add("begin refused");
                        throw new IllegalStateException("the thread has a transaction");
                    }
                    try {
                        return method.invoke(memory, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        EngineHarness other = EngineHarness.direct(refusing);
        try {
            FlowHandle<String, String> handle = other.register(Flows.flow(
                    "refused",
                    String.class,
                    String.class,
                    scope -> scope.step(
                            "book",
                            () -> "booked by attempt " + attempts.incrementAndGet(),
                            StepOptions.<String>retry(3, Duration.ZERO, io.crux.ee.api.Backoff.LINEAR)
                                    .withFallback(failure -> "fallback")
                                    .transactional())));

            assertThatThrownBy(() -> handle.run("x", RunOptions.defaults().withFlowId("pay-9")))
                    .hasMessageContaining("the thread has a transaction");
            assertThat(log).containsExactly("begin refused");
            assertThat(attempts).hasValue(0);
        } finally {
            try {
                other.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void aStepNestedInATransactionalHandlerRunsOnItsThreadInsideItsTransactionEvenWithATimeout() {
        List<Thread> threads = new CopyOnWriteArrayList<>();
        Handler<String, String> pay = Handler.<String, String>of("pay", (input, ctx) -> {
                    threads.add(Thread.currentThread());
                    return ctx.scope()
                            .step(
                                    "inner",
                                    () -> {
                                        threads.add(Thread.currentThread());
                                        book("inner row");
                                        return "paid " + input;
                                    },
                                    StepOptions.<String>defaults().withTimeout(Duration.ofMinutes(1)));
                })
                .withOptions(StepOptions.<String>defaults().transactional());
        FlowHandle<String, String> handle = h.register(new FlowModel(
                "nested-pay",
                true,
                Handler.class,
                Map.of(
                        "run",
                        new ActionModel(
                                "run", String.class, String.class, scope -> ActionModel.runBlock(scope, pay)))));

        handle.run("x", RunOptions.defaults().withFlowId("pay-10"));

        assertThat(threads).hasSize(2).containsOnly(threads.get(0));
        assertThat(log).containsExactly("begin", "body", "checkpoint pay/inner", "checkpoint pay", "commit");
        assertThat(ledger).containsExactly("inner row");
    }

    @Test
    void aTransactionalStepRefusesToStartAnotherRun() {
        FlowHandle<String, String> child =
                h.register(Flows.flow("child", String.class, String.class, scope -> "child of " + scope.input()));
        FlowHandle<String, String> handle = h.register(Flows.flow(
                "parent",
                String.class,
                String.class,
                scope -> scope.step(
                        "start-child",
                        () -> child.start("x", RunOptions.defaults()),
                        StepOptions.<String>defaults().transactional())));

        assertThatThrownBy(() -> handle.run("x", RunOptions.defaults().withFlowId("pay-11")))
                .hasMessageContaining("CRUX0035E");
        assertThat(log).containsExactly("begin", "rollback");
    }

    @Test
    void aTransactionTheStepsOwnCodeSpoiltFailsTheAttemptAndTheRetryPolicyApplies() {
        spoilNextCheckpoint = true;
        FlowHandle<String, String> handle = flow(
                StepOptions.<String>retry(2, Duration.ZERO, io.crux.ee.api.Backoff.LINEAR)
                        .transactional(),
                new AtomicInteger(),
                0);

        FlowResult<String> result = handle.run("x", RunOptions.defaults().withFlowId("pay-12"));

        assertThat(result).isEqualTo(new FlowResult.Completed<>("pay-12", "booked by attempt 2"));
        assertThat(log)
                .containsExactly(
                        "begin",
                        "body",
                        "checkpoint refused: transaction aborted",
                        "rollback",
                        "begin",
                        "body",
                        "checkpoint book",
                        "commit");
        assertThat(ledger).containsExactly("row of attempt 2");
    }

    @Test
    void aPlainStepCommitsItsWritesBeforeItsCheckpointAndBeginsNoTransaction() {
        FlowHandle<String, String> handle = flow(StepOptions.defaults(), new AtomicInteger(), 0);

        handle.run("x", RunOptions.defaults().withFlowId("pay-6"));

        assertThat(log).containsExactly("body");
        assertThat(ledger).containsExactly("row of attempt 1");
        assertThat(checkpoints("pay-6")).hasSize(1);
    }
}
