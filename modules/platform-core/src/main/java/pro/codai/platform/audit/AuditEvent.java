package pro.codai.platform.audit;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.PrePersist;
import jakarta.persistence.PreRemove;
import jakarta.persistence.PreUpdate;
import jakarta.persistence.Table;

/**
 * One entry of the audit log: who did what to which target, and when. Append-only: the entity has
 * no mutators and refuses updates and removals; on PostgreSQL a trigger refuses them as well.
 */
@Entity
@Table(name = "audit_event")
@NamedQuery(
        name = AuditEvent.MOST_RECENT,
        query = "SELECT e FROM AuditEvent e ORDER BY e.occurredAt DESC, e.id DESC")
@NamedQuery(
        name = AuditEvent.COUNT_BY_ACTION,
        query = "SELECT COUNT(e) FROM AuditEvent e WHERE e.action = :action")
public class AuditEvent {

    static final String MOST_RECENT = "AuditEvent.mostRecent";
    static final String COUNT_BY_ACTION = "AuditEvent.countByAction";

    /** Action recorded when an IDE session starts. */
    public static final String SESSION_STARTED = "session.started";

    /** Action recorded when a desktop app download is served. */
    public static final String DOWNLOAD_SERVED = "download.served";

    static final int MAX_DETAIL_LENGTH = 4000;

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "occurred_at", nullable = false, updatable = false)
    private Instant occurredAt;

    @Column(name = "actor", nullable = false, updatable = false, length = 255)
    private String actor;

    @Column(name = "action", nullable = false, updatable = false, length = 100)
    private String action;

    @Column(name = "target", updatable = false, length = 255)
    private String target;

    @Column(name = "detail", updatable = false, length = MAX_DETAIL_LENGTH)
    private String detail;

    protected AuditEvent() {
        // for JPA
    }

    public AuditEvent(String actor, String action, String target, String detail) {
        this.actor = requireText(actor, "actor", 255);
        this.action = requireText(action, "action", 100);
        this.target = target == null ? null : truncate(target, 255);
        this.detail = detail == null ? null : truncate(detail, MAX_DETAIL_LENGTH);
    }

    @PrePersist
    void stampOccurrence() {
        occurredAt = Instant.now();
    }

    @PreUpdate
    void refuseUpdate() {
        throw new IllegalStateException("audit events are append-only: update refused");
    }

    @PreRemove
    void refuseRemoval() {
        throw new IllegalStateException("audit events are append-only: removal refused");
    }

    public Long getId() {
        return id;
    }

    public Instant getOccurredAt() {
        return occurredAt;
    }

    public String getActor() {
        return actor;
    }

    public String getAction() {
        return action;
    }

    public String getTarget() {
        return target;
    }

    public String getDetail() {
        return detail;
    }

    private static String requireText(String value, String name, int maxLength) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return truncate(value.strip(), maxLength);
    }

    private static String truncate(String value, int maxLength) {
        return value.length() <= maxLength ? value : value.substring(0, maxLength);
    }
}
