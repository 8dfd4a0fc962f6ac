package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.crux.ee.spi.NodeRecord;

/** When a server may take its node id from the process that held it before without waiting: only when that process ended on this host. */
class NodeProcessTest {

    private final NodeProcess self = NodeProcess.current();

    private NodeRecord heldBy(String host, long pid, long started) {
        return new NodeRecord("node-1", "other", host, pid, started, 3, Instant.EPOCH);
    }

    @Test
    void aProcessOfThisHostThatNoLongerRunsHasEnded() {
        ProcessHandle parent = ProcessHandle.current().parent().orElseThrow();
        long parentStarted = parent.info().startInstant().orElseThrow().toEpochMilli();

        assertThat(self.outlived(heldBy(self.host(), parent.pid(), parentStarted)))
                .as("the parent process runs")
                .isFalse();
        assertThat(self.outlived(heldBy(self.host(), parent.pid(), parentStarted - 60_000)))
                .as("its pid went to another process since")
                .isTrue();
        assertThat(self.outlived(heldBy(self.host(), self.pid(), self.started())))
                .as("this very process: another engine of this JVM")
                .isFalse();
        assertThat(self.outlived(heldBy(self.host(), self.pid(), self.started() - 60_000)))
                .as("an earlier process with this pid (a restarted container)")
                .isTrue();
        assertThat(self.outlived(heldBy(self.host(), Long.MAX_VALUE, 1)))
                .as("no such process")
                .isTrue();
    }

    @Test
    void anotherHostsProcessOrAnUnknownStartIsNeverKnownToHaveEnded() {
        assertThat(self.outlived(heldBy(self.host() + "-other", Long.MAX_VALUE, 1)))
                .isFalse();
        assertThat(self.outlived(heldBy(self.host(), Long.MAX_VALUE, 0))).isFalse();
    }
}
