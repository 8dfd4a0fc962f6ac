package io.crux.sample;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

/** Writes and counts the side effects of the expense steps. */
@ApplicationScoped
public class AuditLog {

    @PersistenceContext(unitName = "sample")
    EntityManager em;

    /**
     * Records a side effect: in the caller's transaction when there is one (a transactional step's,
     * so that it commits with the step), in a transaction of its own otherwise.
     */
    @Transactional(Transactional.TxType.REQUIRED)
    public void record(String runId, String step, String detail) {
        em.persist(new AuditEntry(runId, step, detail));
    }

    /** @return how many times each step of the run had a side effect */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Map<String, Long> countsByStep(String runId) {
        List<Object[]> rows = em.createQuery(
                        "select a.step, count(a) from AuditEntry a where a.runId = :run group by a.step order by a.step",
                        Object[].class)
                .setParameter("run", runId)
                .getResultList();
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Object[] row : rows) {
            counts.put((String) row[0], ((Number) row[1]).longValue());
        }
        return counts;
    }

    /** @return the run's side effects in the order they happened: {step, detail} */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<Map<String, String>> details(String runId) {
        return em
                .createQuery("select a from AuditEntry a where a.runId = :run order by a.at, a.id", AuditEntry.class)
                .setParameter("run", runId)
                .getResultList()
                .stream()
                .map(a -> Map.of("step", a.getStep(), "detail", a.getDetail()))
                .toList();
    }
}
