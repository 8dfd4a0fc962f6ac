package io.crux.sample;

import java.math.BigDecimal;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.crux.ee.api.Backoff;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowHandler;
import io.crux.ee.api.FlowScope;
import io.crux.ee.api.Signal;
import io.crux.ee.api.StepOptions;

/**
 * Expense approval: convert the amount (a flaky service, retried, with a fallback), check the
 * policy, wait for a manager when the claim is over the limit (the run suspends; no thread
 * waits), then book the payment in a transactional step (exactly once). Every step records a side
 * effect in the audit log.
 */
@ApplicationScoped
@FlowDefinition("expense-approval")
@Signal(value = ExpenseApprovalFlow.MANAGER_APPROVAL, type = Approval.class)
public class ExpenseApprovalFlow implements FlowHandler<Expense, Decision> {

    /** The name of the suspension that waits for a manager. */
    public static final String MANAGER_APPROVAL = "manager-approval";

    private static final StepOptions<BigDecimal> RATE_RETRY = StepOptions.<BigDecimal>retry(
                    4, Duration.ofMillis(100), Backoff.EXPONENTIAL)
            .withMaxDelay(Duration.ofSeconds(1))
            .withJitter(0.2);

    @Inject
    ExchangeRates rates;

    @Inject
    AuditLog audit;

    @Inject
    Payments payments;

    @Override
    public Decision run(FlowScope<Expense> flow) {
        Expense expense = flow.input();
        String runId = flow.flowId();

        BigDecimal eur = flow.step(
                "convert-currency",
                () -> {
                    BigDecimal converted = rates.toEur(expense.amount(), expense.currency());
                    audit.record(
                            runId,
                            "convert-currency",
                            expense.amount() + " " + expense.currency() + " = " + converted + " EUR");
                    return converted;
                },
                RATE_RETRY.withFallback(failure -> {
                    // unknown currency or a long outage: keep the nominal amount and let a manager look at it
                    audit.record(runId, "convert-currency", "fallback after: " + failure.getMessage());
                    return expense.amount();
                }));

        PolicyCheck policy = flow.step("check-policy", () -> {
            boolean needsApproval =
                    eur.compareTo(PolicyCheck.AUTO_APPROVE_LIMIT_EUR) > 0 || !"EUR".equals(expense.currency());
            PolicyCheck check =
                    new PolicyCheck(needsApproval, needsApproval ? "over the auto-approval limit" : "small claim");
            audit.record(runId, "check-policy", check.reason());
            return check;
        });

        String approver = "policy";
        if (policy.needsApproval()) {
            Approval approval = flow.suspend(MANAGER_APPROVAL, Approval.class, Duration.ofDays(7));
            approver = approval.manager();
            if (!approval.approved()) {
                String by = approver;
                flow.step("notify-rejection", () -> {
                    audit.record(runId, "notify-rejection", "rejected by " + by);
                    return true;
                });
                return Decision.rejected(eur, approver);
            }
        }

        String by = approver;
        // the payment row, its audit entry and the step's checkpoint commit in one transaction: a
        // crash before the commit keeps none of them, and the recovered run books it once
        String reference = flow.step(
                "book-payment",
                () -> payments.book(runId, expense.employee(), eur, flow.idempotencyKey()),
                StepOptions.<String>defaults().transactional());
        return Decision.approved(eur, by, reference);
    }
}
