package io.crux.ee.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.UserTransaction;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.spi.StepTransaction;

/**
 * A transaction begun by the stores ends whatever the work throws, an {@link Error} included; what
 * waits for the commit runs after the caller's transaction commits, and never after a rollback.
 */
class TransactionsTest {

    /**
     * Each thread's JTA transaction, as the container keeps it, with its synchronizations; the counts
     * of commits and rollbacks are over all threads.
     */
    static final class FakeJta implements UserTransaction, TransactionSynchronizationRegistry {
        private final ThreadLocal<Integer> statusOnThread = ThreadLocal.withInitial(() -> Status.STATUS_NO_TRANSACTION);
        volatile int commits;
        volatile int rollbacks;
        /** The timeouts set, in order; 0 resets the default. */
        final List<Integer> timeouts = new ArrayList<>();

        private final ThreadLocal<List<Synchronization>> synchronizations = ThreadLocal.withInitial(ArrayList::new);

        private int status() {
            return statusOnThread.get();
        }

        private void status(int status) {
            statusOnThread.set(status);
        }

        @Override
        public void begin() {
            assertThat(status()).as("no nested transaction").isEqualTo(Status.STATUS_NO_TRANSACTION);
            status(Status.STATUS_ACTIVE);
        }

        @Override
        public void commit() throws RollbackException {
            if (status() == Status.STATUS_MARKED_ROLLBACK) {
                status(Status.STATUS_ACTIVE);
                rollback();
                throw new RollbackException("marked rollback-only");
            }
            end(Status.STATUS_COMMITTED);
            commits++;
        }

        @Override
        public void rollback() {
            end(Status.STATUS_ROLLEDBACK);
            rollbacks++;
        }

        private void end(int outcome) {
            assertThat(status()).isEqualTo(Status.STATUS_ACTIVE);
            status(Status.STATUS_NO_TRANSACTION);
            List<Synchronization> registered = List.copyOf(synchronizations.get());
            synchronizations.get().clear();
            registered.forEach(s -> s.afterCompletion(outcome));
        }

        @Override
        public void setRollbackOnly() {
            status(Status.STATUS_MARKED_ROLLBACK);
        }

        @Override
        public int getStatus() {
            return status();
        }

        @Override
        public void setTransactionTimeout(int seconds) {
            timeouts.add(seconds);
        }

        @Override
        public void registerInterposedSynchronization(Synchronization sync) {
            assertThat(status()).isEqualTo(Status.STATUS_ACTIVE);
            synchronizations.get().add(sync);
        }

        @Override
        public Object getTransactionKey() {
            return status() == Status.STATUS_NO_TRANSACTION ? null : this;
        }

        @Override
        public int getTransactionStatus() {
            return status();
        }

        @Override
        public void putResource(Object key, Object value) {}

        @Override
        public Object getResource(Object key) {
            return null;
        }

        @Override
        public boolean getRollbackOnly() {
            return status() == Status.STATUS_MARKED_ROLLBACK;
        }
    }

    private final FakeJta jta = new FakeJta();
    private final List<String> published = new ArrayList<>();

    @BeforeEach
    void setUp() {
        Transactions.use(new Transactions.Jta(jta, jta));
    }

    @AfterEach
    void tearDown() {
        Transactions.use(null);
    }

    @Test
    void anErrorInTheWorkRollsTheTransactionBack() {
        assertThatThrownBy(() -> Transactions.write("save a checkpoint", "r1", () -> {
                    throw new OutOfMemoryError("in the work");
                }))
                .isInstanceOf(OutOfMemoryError.class);

        assertThat(jta.getStatus())
                .as("no transaction left open on the thread")
                .isEqualTo(Status.STATUS_NO_TRANSACTION);
        assertThat(jta.rollbacks).isOne();
        assertThat(jta.commits).isZero();
    }

    @Test
    void whatWaitsForTheCommitRunsAfterTheCallersTransactionCommits() throws Exception {
        jta.begin();
        Transactions.write("store events", "r1", () -> {
            Transactions.afterCommit(() -> published.add("event"));
            return null;
        });
        assertThat(published)
                .as("joined the caller's transaction: not committed yet")
                .isEmpty();

        jta.commit();

        assertThat(published).containsExactly("event");
    }

    @Test
    void whatWaitsForTheCommitNeverRunsWhenTheCallersTransactionRollsBack() throws Exception {
        jta.begin();
        Transactions.write("store events", "r1", () -> null);
        Transactions.afterCommit(() -> published.add("event"));

        jta.rollback();

        assertThat(published).isEmpty();
    }

    @Test
    void aStepsTransactionHasTheStepsTimeoutOnlyAndTheStoresWritesJoinIt() {
        StepTransaction tx = Transactions.beginStep(Duration.ofMillis(1500));
        Transactions.write("save a checkpoint", "r1", () -> null);

        assertThat(jta.commits).as("the write joined the step's transaction").isZero();
        assertThat(tx.commit()).isTrue();
        assertThat(jta.commits).isOne();
        assertThat(jta.timeouts)
                .as("whole seconds, rounded up, then the default again for the thread's next transactions")
                .containsExactly(2, 0);
    }

    @Test
    void aStepsTransactionThatIsRolledBackAtItsCommitSaysSo() {
        StepTransaction tx = Transactions.beginStep(null);
        jta.setRollbackOnly();

        assertThat(tx.commit()).isFalse();
        assertThat(jta.getStatus()).isEqualTo(Status.STATUS_NO_TRANSACTION);
        assertThat(jta.timeouts)
                .as("no timeout given: the transaction manager's")
                .isEmpty();
        tx.rollback(); // ended already: nothing happens
        assertThat(jta.rollbacks).isOne();
    }

    @Test
    void aStepsTransactionCannotBeginOnAThreadThatHasOne() throws Exception {
        jta.begin();

        assertThatThrownBy(() -> Transactions.beginStep(null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("CRUX0033E");
        assertThat(jta.getStatus()).as("the caller's transaction is left alone").isEqualTo(Status.STATUS_ACTIVE);
    }

    @Test
    void workWrittenApartFromTheCallersTransactionCommitsOnItsOwnAndOutlivesTheCallersRollback() throws Exception {
        ExecutorService apart = Executors.newSingleThreadExecutor();
        try {
            jta.begin();
            Thread caller = Thread.currentThread();
            List<Thread> ranOn = new ArrayList<>();
            String held = Transactions.writeApart(apart, "hold node id n1", () -> {
                ranOn.add(Thread.currentThread());
                assertThat(jta.getStatus()).as("in a transaction of its own").isEqualTo(Status.STATUS_ACTIVE);
                return "held";
            });

            assertThat(held).isEqualTo("held");
            assertThat(ranOn).hasSize(1).doesNotContain(caller);
            assertThat(jta.commits)
                    .as("committed before the caller's transaction ends")
                    .isOne();
            assertThat(jta.getStatus()).as("the caller's transaction goes on").isEqualTo(Status.STATUS_ACTIVE);

            jta.rollback();
            assertThat(jta.commits)
                    .as("the caller's rollback leaves it committed")
                    .isOne();
            assertThat(jta.rollbacks).isOne();
        } finally {
            apart.shutdownNow();
        }
    }

    @Test
    void aFailureOfWorkWrittenApartReachesTheCallerAndLeavesItsTransactionAlone() throws Exception {
        ExecutorService apart = Executors.newSingleThreadExecutor();
        try {
            jta.begin();
            assertThatThrownBy(() -> Transactions.writeApart(apart, "take node id n1", () -> {
                        throw new IllegalStateException("the row moved");
                    }))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("the row moved")
                    .satisfies(e -> assertThat(e.getSuppressed())
                            .singleElement()
                            .satisfies(s -> assertThat(s.getMessage())
                                    .contains(Thread.currentThread().getName())));

            assertThat(jta.rollbacks)
                    .as("the work's own transaction rolled back")
                    .isOne();
            assertThat(jta.getStatus())
                    .as("the caller's transaction is not marked for rollback")
                    .isEqualTo(Status.STATUS_ACTIVE);
            jta.commit();
        } finally {
            apart.shutdownNow();
        }
    }

    @Test
    void withoutACallersTransactionWorkWrittenApartRunsOnTheCallingThread() {
        ExecutorService apart = Executors.newSingleThreadExecutor();
        try {
            List<Thread> ranOn = new ArrayList<>();
            Transactions.writeApart(apart, "release node id n1", () -> ranOn.add(Thread.currentThread()));

            assertThat(ranOn).containsExactly(Thread.currentThread());
            assertThat(jta.commits).isOne();
        } finally {
            apart.shutdownNow();
        }
    }

    @Test
    void withoutACallersTransactionWhatWaitsRunsAtOnce() {
        Transactions.write("store events", "r1", () -> null);
        Transactions.afterCommit(() -> published.add("event"));

        assertThat(published).containsExactly("event");
        assertThat(jta.commits).isOne();
    }
}
