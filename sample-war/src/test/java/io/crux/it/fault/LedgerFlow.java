package io.crux.it.fault;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.crux.ee.api.Action;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowScope;
import io.crux.ee.api.StepOptions;

/**
 * The flow {@code KillDuringTransactionalStepsIT} kills servers under: steps {@code t1 … t<count>},
 * transactional ({@link StepOptions#transactional()}) or plain, each marking its start, writing its
 * ledger row ({@link TxLedger}) and then holding its thread {@code pauseMillis}. The pause is the
 * flow's, not the test's: it widens the window between a step's write and its checkpoint, so that
 * kills at random moments land in it often (for a plain step, the window of at-least-once).
 */
@ApplicationScoped
@FlowDefinition("it-ledger")
public class LedgerFlow {

    @Inject
    TxLedger ledger;

    /** @return the sum of what the steps saw of their own rows (one each when nothing ran twice) */
    @Action("write")
    public int write(FlowScope<LedgerSteps> flow) {
        LedgerSteps in = flow.input();
        StepOptions<Integer> options =
                in.transactional() ? StepOptions.<Integer>defaults().transactional() : StepOptions.<Integer>defaults();
        int seen = 0;
        for (int i = 1; i <= in.count(); i++) {
            String label = "t" + i;
            seen += flow.step(label, () -> body(flow, label, in), options);
        }
        return seen;
    }

    private int body(FlowScope<LedgerSteps> flow, String label, LedgerSteps in) {
        boolean inTx = ledger.inTransaction();
        ledger.started(flow.flowId(), label);
        int seen = ledger.record(flow.flowId(), in.mode(), label, flow.idempotencyKey(), inTx);
        LockSupport.parkNanos(Duration.ofMillis(in.pauseMillis()).toNanos());
        return seen;
    }
}
