package io.crux.ee.sse.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.exception.CruxPersistenceException;
import io.crux.ee.api.exception.NodeIdInUseException;
import io.crux.ee.api.exception.StepFailedException;
import io.crux.ee.catalog.Messages;

class CruxExceptionMapperTest {

    private static final Logger LOG = Logger.getLogger(CruxExceptionMapper.class.getName());

    private final List<LogRecord> logged = new ArrayList<>();

    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void listen() {
        LOG.addHandler(handler);
    }

    @AfterEach
    void stopListening() {
        LOG.removeHandler(handler);
    }

    @Test
    void aStoreFailureTellsTheClientAReferenceAndTheLogTheDatabasesWords() {
        String database =
                "ERROR: invalid byte sequence for encoding \"UTF8\": 0x00; Call: UPDATE CRUX_FLOW_RUN SET ERROR = ?";
        CruxPersistenceException e = new CruxPersistenceException(
                Messages.persistenceFailed("end", "run-1", new IllegalStateException(database)),
                "run-1",
                new IllegalStateException(database));

        Map<String, Object> problem = CruxExceptionMapper.problemOf(e);

        assertThat(problem).containsEntry("status", 500).containsEntry("type", "urn:crux:problem:CRUX0030E");
        String detail = (String) problem.get("detail");
        assertThat(detail)
                .startsWith("CRUX0110E")
                .contains("CRUX0030E")
                .doesNotContain("CRUX_FLOW_RUN", "UPDATE", "0x00");
        assertThat(logged).hasSize(1);
        String reference = detail.replaceAll("(?s).*reference ([0-9a-f-]{36}).*", "$1");
        assertThat(logged.get(0).getMessage()).contains(reference).contains("UPDATE CRUX_FLOW_RUN");
        assertThat(logged.get(0).getThrown()).isSameAs(e);
    }

    @Test
    void aStoreFailureWrappedInAStepsFailureIsToldByAReferenceToo() {
        String database = "ERROR: deadlock detected; Call: UPDATE LEDGER SET AMOUNT = ?";
        StepFailedException e = new StepFailedException(
                "CRUX0010E: Step 'book' failed: CRUX0034E: the step's transaction rolled back: " + database,
                "run-3",
                "book",
                1,
                new CruxPersistenceException(
                        "CRUX0034E: the step's transaction rolled back: " + database, "run-3", null));

        Map<String, Object> problem = CruxExceptionMapper.problemOf(e);

        assertThat(problem).containsEntry("status", 500).containsEntry("stepLabel", "book");
        assertThat((String) problem.get("detail"))
                .startsWith("CRUX0110E")
                .contains("CRUX0034E")
                .doesNotContain("LEDGER");
        assertThat(logged)
                .singleElement()
                .satisfies(r -> assertThat(r.getThrown()).isSameAs(e));
    }

    @Test
    void aServerWhoseNodeIdAnotherHoldsIsUnavailableAndDoesNotNameTheOther() {
        NodeIdInUseException e = new NodeIdInUseException(
                Messages.nodeIdInUse("node-1", "db-host-7.internal", 4242, Instant.EPOCH, Duration.ofSeconds(30)));

        Map<String, Object> problem = CruxExceptionMapper.problemOf(e);

        assertThat(problem).containsEntry("status", 503).containsEntry("type", "urn:crux:problem:CRUX0166E");
        assertThat((String) problem.get("detail"))
                .startsWith("CRUX0166E")
                .doesNotContain("db-host-7")
                .doesNotContain("4242");
    }

    @Test
    void aRunsOwnFailureIsToldAsItsStreamTellsIt() {
        StepFailedException e =
                new StepFailedException("Step 'pay' failed after 3 attempts: declined", "run-2", "pay", 3, null);

        Map<String, Object> problem = CruxExceptionMapper.problemOf(e);

        assertThat(problem)
                .containsEntry("status", 500)
                .containsEntry("detail", e.getMessage())
                .containsEntry("flowId", "run-2")
                .containsEntry("stepLabel", "pay");
        assertThat(logged).isEmpty();
    }
}
