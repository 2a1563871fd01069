package pro.codai.platform.persistence;

import java.time.Instant;
import java.util.List;

import jakarta.persistence.EntityManager;

/** Rows kept for a time, removed a batch at a time, oldest first. */
public final class OldRows {

    private OldRows() {}

    /**
     * Deletes, in the caller's transaction and with one bulk delete, up to {@code max} of the rows
     * of {@code entity} (an entity with an increasing {@code id} and an {@code occurredAt}) older
     * than {@code cutoff}, oldest first; returns how many went (fewer than {@code max}: none are
     * left, or another server took some first).
     */
    public static int deleteBatch(EntityManager em, Class<?> entity, Instant cutoff, int max) {
        String name = entity.getSimpleName();
        // The oldest batch's last id: the rows up to it that are old enough are that batch.
        List<Long> ids =
                em.createQuery(
                                "SELECT e.id FROM "
                                        + name
                                        + " e WHERE e.occurredAt < :cutoff"
                                        + " ORDER BY e.id",
                                Long.class)
                        .setParameter("cutoff", cutoff)
                        .setMaxResults(max)
                        .getResultList();
        if (ids.isEmpty()) {
            return 0;
        }
        return em.createQuery(
                        "DELETE FROM " + name + " e WHERE e.id <= :last AND e.occurredAt < :cutoff")
                .setParameter("last", ids.get(ids.size() - 1))
                .setParameter("cutoff", cutoff)
                .executeUpdate();
    }
}
