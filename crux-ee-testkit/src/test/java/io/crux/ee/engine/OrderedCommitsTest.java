package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.Item;
import io.crux.ee.api.RunOptions;
import io.crux.ee.block.Handler;
import io.crux.ee.block.Sequencer;
import io.crux.ee.spi.CheckpointRecord;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.FlowStore;
import io.crux.ee.spi.SessionStore;
import io.crux.ee.testkit.FlowTest;
import io.crux.ee.testkit.TestClock;

/**
 * Parallel branches whose steps end together commit their events in number order: branch a has
 * numbered its events and is slow to commit, branch b ends meanwhile; b's events must not become
 * visible before a's, or a stream would see 9–10 before 5–8. The stores here keep a step's writes
 * invisible until its transaction commits, as a database does.
 */
class OrderedCommitsTest {

    /** The writes of the transaction the calling thread is in, applied when it commits. */
    private static final ThreadLocal<List<List<EventRecord>>> TX = new ThreadLocal<>();

    private final ConcurrentSkipListMap<Long, EventRecord> log = new ConcurrentSkipListMap<>();
    /** Each commit's numbers, in commit order. */
    private final List<List<Long>> commits = new CopyOnWriteArrayList<>();

    private final CountDownLatch aNumbered = new CountDownLatch(1);
    private final AtomicReference<Thread> bThread = new AtomicReference<>();
    private final AtomicBoolean bReturned = new AtomicBoolean();

    @Test
    void aBranchThatEndsWhileAnotherCommitsCommitsAfterIt() throws Exception {
        TestClock clock = new TestClock(FlowTest.START);
        InMemoryFlowStore flows = new InMemoryFlowStore(clock);
        ExecutorService executor = Executors.newCachedThreadPool();
        ManualScheduler scheduler = new ManualScheduler(clock);
        try (FlowEngine engine = FlowEngine.builder()
                .store(transactional(flows))
                .sessions(transactional(new InMemorySessionStore()))
                .executor(executor)
                .scheduler(scheduler)
                .clock(clock)
                .settings(EngineSettings.of("node-1"))
                .build()) {
            Handler<String, String> a = Handler.of("a", (in, ctx) -> {
                for (int i = 1; i <= 4; i++) {
                    ctx.emit(Item.status("a" + i));
                }
                return "a";
            });
            Handler<String, String> b = Handler.of("b", (in, ctx) -> {
                bThread.set(Thread.currentThread());
                assertThat(aNumbered.await(10, TimeUnit.SECONDS)).isTrue();
                ctx.emit(Item.status("b1"));
                ctx.emit(Item.status("b2"));
                bReturned.set(true);
                return "b";
            });
            Sequencer<String, ?> body = Sequencer.<String>named("s")
                    .parallel("fan", 2, Sequencer.branch("a", a), Sequencer.branch("b", b))
                    .build();
            engine.register(new FlowModel(
                    "fan",
                    true,
                    OrderedCommitsTest.class,
                    Map.of(
                            "run",
                            new ActionModel(
                                    "run", String.class, Object.class, scope -> ActionModel.runBlock(scope, body)))));
            FlowHandle<String, Object> handle = engine.handle("fan", "");

            handle.run(
                    "x",
                    RunOptions.defaults()
                            .withFlowId("fan-1")
                            .withSessionId("s-1")
                            .withEvents(true));

            long next = 1;
            for (List<Long> commit : commits) {
                assertThat(commit)
                        .as("commits in order %s", commits)
                        .containsExactlyElementsOf(LongStream.range(next, next + commit.size())
                                .boxed()
                                .toList());
                next += commit.size();
            }
            assertThat(log.values())
                    .extracting(EventRecord::seq)
                    .containsExactlyElementsOf(
                            LongStream.rangeClosed(1, log.size()).boxed().toList());
            assertThat(log.values())
                    .filteredOn(e -> e.type().equals("item.done"))
                    .hasSize(6);
            assertThat(log.lastEntry().getValue().type()).isEqualTo("request.completed");
        } finally {
            scheduler.shutdownNow();
            executor.shutdownNow();
        }
    }

    /**
     * Checkpoints in a transaction: the writes made alongside become visible when it commits. Branch
     * a's commit waits until branch b has committed, or is waiting to.
     */
    private FlowStore transactional(FlowStore delegate) {
        return (FlowStore) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {FlowStore.class}, (proxy, method, args) -> {
                    if (method.getName()
                            .equals("saveCheckpointHolding")) { // through the proxy: its writes are seen below
                        return InvocationHandler.invokeDefault(proxy, method, args);
                    }
                    boolean tx = method.getName().equals("saveCheckpoint") && args.length == 2;
                    if (tx) {
                        TX.set(new ArrayList<>());
                    }
                    try {
                        Object result = method.invoke(delegate, args);
                        if (tx) {
                            String label = ((CheckpointRecord) args[0]).label();
                            if (label.contains("[a]")) {
                                aNumbered.countDown();
                                await().atMost(Duration.ofSeconds(10)).until(this::bCommittedOrWaiting);
                            }
                            for (List<EventRecord> events : TX.get()) {
                                commit(events);
                            }
                        }
                        return result;
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    } finally {
                        TX.remove();
                    }
                });
    }

    private boolean bCommittedOrWaiting() {
        Thread t = bThread.get();
        boolean committed = log.values().stream().anyMatch(e -> e.json().contains("\"b2\""));
        return committed
                || bReturned.get()
                        && t != null
                        && (t.getState() == Thread.State.WAITING || t.getState() == Thread.State.BLOCKED);
    }

    private void commit(List<EventRecord> events) {
        if (!events.isEmpty()) {
            commits.add(events.stream().map(EventRecord::seq).toList());
            events.forEach(e -> log.put(e.seq(), e));
        }
    }

    /** The session store whose event log is {@link #log}; writes inside a transaction wait for its commit. */
    private SessionStore transactional(InMemorySessionStore delegate) {
        return (SessionStore) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {SessionStore.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "append" -> {
                            @SuppressWarnings("unchecked")
                            List<EventRecord> events = (List<EventRecord>) args[1];
                            if (TX.get() != null) {
                                TX.get().add(events);
                            } else {
                                commit(events);
                            }
                            return null;
                        }
                        case "readEvents" -> {
                            return log.tailMap((Long) args[1], false).values().stream()
                                    .limit((Integer) args[2])
                                    .toList();
                        }
                        case "lastSeq" -> {
                            return log.isEmpty() ? 0L : log.lastKey();
                        }
                        default -> {
                            try {
                                return method.invoke(delegate, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        }
                    }
                });
    }
}
