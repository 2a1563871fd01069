package pro.codai.platform.analytics;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import pro.codai.platform.persistence.OldRows;

/** The runs recorded in the database: written in batches by {@link RunLedger}, read by views. */
@ApplicationScoped
@Transactional
public class RunRecords {

    @PersistenceContext(unitName = "codaipro")
    EntityManager entityManager;

    /** A run as the ledger notes it, before it is written. */
    public record Noted(
            Instant occurredAt,
            String api,
            String caller,
            String language,
            String outcome,
            long durationMillis) {}

    /** How long runs are kept: a year and a bit, so that a year's analytics can be compared. */
    public static final java.time.Duration KEPT = java.time.Duration.ofDays(400);

    /** Most runs one purge removes in a transaction. */
    public static final int PURGE_BATCH = 10_000;

    /**
     * Removes up to {@link #PURGE_BATCH} of the runs older than {@link #KEPT} at {@code now},
     * oldest first; returns how many (a caller repeats while a whole batch went).
     */
    public int purgeBatch(Instant now) {
        return OldRows.deleteBatch(entityManager, RunRecord.class, now.minus(KEPT), PURGE_BATCH);
    }

    /** Writes the runs in one transaction. */
    public void saveAll(List<Noted> runs) {
        for (Noted run : runs) {
            entityManager.persist(
                    new RunRecord(
                            run.occurredAt(),
                            run.api(),
                            run.caller(),
                            run.language(),
                            run.outcome(),
                            run.durationMillis()));
        }
    }

    /** The runs since a time, in all and by outcome (in the outcomes' order). */
    public record Recent(Instant since, long runs, Map<String, Long> outcomes) {}

    /** The runs of every server since {@code since}. */
    public Recent since(Instant since) {
        Map<String, Long> outcomes = outcomesSince(since);
        return new Recent(
                since,
                outcomes.values().stream().mapToLong(Long::longValue).sum(),
                java.util.Collections.unmodifiableMap(outcomes));
    }

    /** How many runs ended with each outcome since {@code since} (every server's). */
    private Map<String, Long> outcomesSince(Instant since) {
        Map<String, Long> counts = new TreeMap<>();
        entityManager
                .createQuery(
                        "SELECT r.outcome, COUNT(r) FROM RunRecord r WHERE r.occurredAt >= :since"
                                + " GROUP BY r.outcome",
                        Object[].class)
                .setParameter("since", since)
                .getResultStream()
                .forEach(row -> counts.put((String) row[0], ((Number) row[1]).longValue()));
        return counts;
    }
}
