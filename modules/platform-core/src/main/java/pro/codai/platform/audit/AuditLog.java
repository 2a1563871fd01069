package pro.codai.platform.audit;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

/** Appends to and reads the audit log. There is deliberately no way to change an entry. */
@ApplicationScoped
@Transactional
public class AuditLog {

    @PersistenceContext(unitName = "codaipro")
    EntityManager entityManager;

    public AuditEvent record(String actor, String action, String target, String detail) {
        AuditEvent event = new AuditEvent(actor, action, target, detail);
        entityManager.persist(event);
        return event;
    }

    public List<AuditEvent> mostRecent(int limit) {
        return entityManager
                .createNamedQuery(AuditEvent.MOST_RECENT, AuditEvent.class)
                .setMaxResults(Math.max(1, Math.min(limit, 1000)))
                .getResultList();
    }

    /** How many times an action has been recorded. */
    public long count(String action) {
        return entityManager
                .createNamedQuery(AuditEvent.COUNT_BY_ACTION, Long.class)
                .setParameter("action", action)
                .getSingleResult();
    }
}
