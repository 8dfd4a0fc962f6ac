package io.crux.sample;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.crux.ee.api.event.FlowEvent;
import io.crux.ee.api.event.RunCompleted;

/**
 * Writes an audit entry when an expense claim completes, approved or rejected: a lifecycle observer,
 * called once per completed claim after the run's end committed, on the run's thread.
 */
@ApplicationScoped
public class ClaimAudit {

    /** The audit entry's step name. */
    public static final String CLAIM_COMPLETED = "claim-completed";

    @Inject
    AuditLog audit;

    void completed(@Observes @FlowEvent("expense-approval") RunCompleted event) {
        Decision decision = event.output(Decision.class);
        // no transaction is active here: the entry commits in a transaction of its own
        audit.record(
                event.flowId(),
                CLAIM_COMPLETED,
                decision.outcome() + " by " + decision.decidedBy() + ", " + decision.amountInEur() + " EUR");
    }
}
