package io.crux.ee.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KeptConnectionsTest {

    /** Long enough that no scheduled sweep runs during a test: the tests sweep by hand, on their own clock. */
    private static final Duration KEEP = Duration.ofHours(1);

    private final Lending source = new Lending();
    private final AtomicLong now = new AtomicLong();
    /** Holds the scheduled sweeps, which never come due: their delay is the keep time. */
    private final ScheduledThreadPoolExecutor sweeper = new ScheduledThreadPoolExecutor(1);

    private final KeptConnections connections = new KeptConnections(source.dataSource(), sweeper, KEEP, now::get);

    @AfterEach
    void stop() {
        sweeper.shutdownNow();
    }

    @Test
    void consecutiveWritesOfOneThreadUseOneConnection() throws SQLException {
        Connection first = connections.run(c -> c);
        now.addAndGet(KEEP.toNanos() - 1);
        Connection second = connections.run(c -> c);

        assertThat(second).isSameAs(first);
        assertThat(source.lent).hasSize(1);
        assertThat(source.closed).isEmpty();
        assertThat(first.getAutoCommit()).isTrue();
    }

    @Test
    void aConnectionNotUsedAgainForTheKeepTimeGoesBackToThePool() throws SQLException {
        Connection first = connections.run(c -> c);
        connections.sweep();
        assertThat(source.closed).as("not yet stale").isEmpty();

        now.addAndGet(KEEP.toNanos());
        connections.sweep();

        assertThat(source.closed).containsExactly(first);
        assertThat(connections.size()).isZero();
        Connection next = connections.run(c -> c);
        assertThat(next).isNotSameAs(first);
        assertThat(source.lent).hasSize(2);
    }

    @Test
    void aSweepIsScheduledWhileAConnectionIsKeptAndNotAfter() throws SQLException {
        connections.run(c -> c);
        assertThat(sweeper.getQueue()).hasSize(1);
        connections.run(c -> c);
        assertThat(sweeper.getQueue()).as("one pending sweep at a time").hasSize(1);

        sweeper.getQueue().clear();
        connections.sweep(); // not stale yet: the next sweep is scheduled
        assertThat(sweeper.getQueue()).hasSize(1);

        sweeper.getQueue().clear();
        now.addAndGet(KEEP.toNanos());
        connections.sweep(); // all given back: no more sweeps
        assertThat(sweeper.getQueue()).isEmpty();
    }

    @Test
    void aConnectionWhoseWorkFailedIsClosedNotKept() throws SQLException {
        SQLException failure = new SQLException("broken");
        Connection[] used = new Connection[1];

        assertThatThrownBy(() -> connections.run(c -> {
                    used[0] = c;
                    throw failure;
                }))
                .isSameAs(failure);

        assertThat(source.closed).containsExactly(used[0]);
        Connection next = connections.run(c -> c);
        assertThat(next).isNotSameAs(used[0]);
    }

    @Test
    void aKeptConnectionClosedMeanwhileIsNotUsed() throws SQLException {
        Connection first = connections.run(c -> c);
        first.close(); // as a container might, when the task that took it ended

        Connection next = connections.run(c -> c);

        assertThat(next).isNotSameAs(first);
        assertThat(next.isClosed()).isFalse();
    }

    @Test
    void threadsDoNotShareAConnection() throws Exception {
        Connection mine = connections.run(c -> c);
        Connection theirs = CompletableFuture.supplyAsync(() -> {
                    try {
                        return connections.run(c -> c);
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .get();

        assertThat(theirs).isNotSameAs(mine);
        assertThat(connections.size()).isEqualTo(2);
    }

    @Test
    void closingGivesBackEveryKeptConnectionAndKeepsNoneAfter() throws SQLException {
        Connection first = connections.run(c -> c);

        connections.close();
        Connection after = connections.run(c -> c);

        assertThat(source.closed).containsExactly(first, after);
        assertThat(connections.size()).isZero();
    }

    @Test
    void withoutASweeperEachWriteTakesAConnectionAndGivesItBack() throws SQLException {
        KeptConnections none = new KeptConnections(source.dataSource(), null);

        Connection first = none.run(c -> c);
        Connection second = none.run(c -> c);

        assertThat(second).isNotSameAs(first);
        assertThat(source.closed).containsExactly(first, second);
    }

    @Test
    void aStoppingApplicationsRefusedSweepKeepsNothing() throws SQLException {
        sweeper.shutdownNow();

        Connection first = connections.run(c -> c);

        assertThat(source.closed).containsExactly(first);
        assertThat(connections.size()).isZero();
    }

    /** H2 connections, each handed out and closed through a handle this test can see. */
    private static final class Lending {
        final List<Connection> lent = new ArrayList<>();
        final List<Connection> closed = new ArrayList<>();
        private final JdbcDataSource h2 = new JdbcDataSource();

        Lending() {
            h2.setURL("jdbc:h2:mem:kept;DB_CLOSE_DELAY=-1");
        }

        /** @return a data source whose {@code getConnection()} lends */
        DataSource dataSource() {
            return (DataSource) Proxy.newProxyInstance(
                    getClass().getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                        if (method.getName().equals("getConnection") && args == null) {
                            return lend();
                        }
                        throw new UnsupportedOperationException(method.getName());
                    });
        }

        private Connection lend() throws SQLException {
            Connection real = h2.getConnection();
            Connection[] handle = new Connection[1];
            handle[0] = (Connection) Proxy.newProxyInstance(
                    getClass().getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                        if (method.getName().equals("equals")) {
                            return proxy == args[0];
                        }
                        if (method.getName().equals("hashCode")) {
                            return System.identityHashCode(proxy);
                        }
                        if (method.getName().equals("close")) {
                            synchronized (closed) {
                                if (!real.isClosed()) {
                                    closed.add(handle[0]);
                                }
                            }
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            synchronized (lent) {
                lent.add(handle[0]);
            }
            return handle[0];
        }
    }
}
