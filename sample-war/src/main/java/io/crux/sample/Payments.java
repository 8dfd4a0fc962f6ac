package io.crux.sample;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

/**
 * Books payments. {@link #book} must run inside a transaction (the expense flow's transactional
 * step), so that the payment, its audit entry and the step's checkpoint commit together.
 */
@ApplicationScoped
public class Payments {

    @PersistenceContext(unitName = "sample")
    EntityManager em;

    @Inject
    AuditLog audit;

    /**
     * @param idempotencyKey the step's key: the same when the step runs again, so the reference is too
     * @return the payment's reference
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public String book(String runId, String employee, BigDecimal amountEur, String idempotencyKey) {
        String reference = "PAY-" + idempotencyKey.substring(0, 8).toUpperCase(Locale.ROOT);
        em.persist(new Payment(reference, runId, employee, amountEur));
        audit.record(runId, "book-payment", reference + " for " + amountEur + " EUR to " + employee);
        return reference;
    }

    /** @return the payments booked for a run */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<Payment> ofRun(String runId) {
        return em.createQuery("select p from Payment p where p.runId = :run", Payment.class)
                .setParameter("run", runId)
                .getResultList();
    }
}
