package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.crux.ee.spi.NodeRecord;

/**
 * When a server may take its node id from the process that held it before without waiting for the
 * hold to go stale: only when that process ended on this machine, in this pid namespace.
 */
class NodeProcessTest {

    private final NodeProcess self = NodeProcess.current();

    private NodeRecord heldBy(String host, String machine, long pid, long started) {
        return new NodeRecord("node-1", "other", host, machine, pid, started, 3, Instant.EPOCH);
    }

    private NodeRecord heldHere(long pid, long started) {
        return heldBy(self.host(), self.machine(), pid, started);
    }

    @Test
    void thisMachineTellsItsProcessesAndItsPidNamespace() {
        assertThat(self.machine()).as("Linux: boot id and pid namespace").contains(" pid:[");
        assertThat(self.started()).as("clock ticks since boot").isPositive();
        assertThat(NodeProcess.startTicks(Long.MAX_VALUE)).as("no such process").isZero();
    }

    @Test
    void aProcessOfThisMachineThatNoLongerRunsHasEnded() {
        long parent = ProcessHandle.current().parent().orElseThrow().pid();
        long parentStarted = NodeProcess.startTicks(parent);

        assertThat(self.outlived(heldHere(parent, parentStarted)))
                .as("the parent process runs")
                .isFalse();
        assertThat(self.outlived(heldHere(parent, parentStarted + 1)))
                .as("its pid went to another process since")
                .isTrue();
        assertThat(self.outlived(heldHere(self.pid(), self.started())))
                .as("this very process: another engine of this JVM")
                .isFalse();
        assertThat(self.outlived(heldHere(self.pid(), self.started() - 1)))
                .as("an earlier process with this pid")
                .isTrue();
        assertThat(self.outlived(heldHere(Long.MAX_VALUE, 1)))
                .as("no such process")
                .isTrue();
    }

    @Test
    void anotherMachineContainerOrBootIsNeverKnownToHaveEnded() {
        assertThat(self.outlived(heldBy(self.host(), "another-boot pid:[1]", Long.MAX_VALUE, 1)))
                .as("the same host name in another pid namespace (a container restarted as pid 1, say)")
                .isFalse();
        assertThat(self.outlived(heldBy(self.host() + "-other", self.machine(), Long.MAX_VALUE, 1)))
                .isFalse();
        assertThat(self.outlived(heldBy(self.host(), "", Long.MAX_VALUE, 1)))
                .as("a holder that did not tell its machine")
                .isFalse();
        assertThat(self.outlived(heldHere(Long.MAX_VALUE, 0)))
                .as("a start not known")
                .isFalse();
    }
}
