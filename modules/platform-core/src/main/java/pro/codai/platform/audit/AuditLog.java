package pro.codai.platform.audit;

import java.io.Writer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import jakarta.transaction.Transactional;

import pro.codai.platform.account.UserProfile;
import pro.codai.platform.persistence.Like;
import pro.codai.platform.web.Csv;

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

    /** The most a search or export returns in one page. */
    public static final int MAX_PAGE = 1000;

    /** What an export writes first: its columns. */
    public static final List<String> CSV_COLUMNS =
            List.of(
                    "id",
                    "occurred_at",
                    "actor",
                    "actor_name",
                    "actor_email",
                    "action",
                    "target",
                    "target_name",
                    "target_email",
                    "detail");

    /**
     * The events a query matches, newest first (in the order they were recorded), {@code max} of
     * them after skipping {@code first}; people resolved to their names.
     */
    public List<AuditEntry> search(AuditQuery query, int first, int max) {
        return entries(
                filtered("SELECT e", query, null, AuditEvent.class)
                        .setFirstResult(Math.max(0, first))
                        .setMaxResults(Math.max(1, Math.min(max, MAX_PAGE)))
                        .getResultList());
    }

    /** A page of events, newest first, and the {@code beforeId} of the next (null: no more). */
    public record Page(List<AuditEntry> entries, Long nextBefore) {}

    /**
     * The events a query matches recorded before the event {@code beforeId} (null: the newest),
     * newest first, at most {@code max}; the page names where the next one starts, which stays the
     * same however many events are recorded meanwhile.
     */
    public Page page(AuditQuery query, Long beforeId, int max) {
        int size = Math.max(1, Math.min(max, MAX_PAGE));
        // One more than asked tells whether another page follows.
        List<AuditEvent> events =
                filtered("SELECT e", query, beforeId, AuditEvent.class)
                        .setMaxResults(size + 1)
                        .getResultList();
        boolean more = events.size() > size;
        List<AuditEntry> entries = entries(more ? events.subList(0, size) : events);
        return new Page(entries, more ? entries.get(size - 1).id() : null);
    }

    /** How many events a query matches. */
    public long count(AuditQuery query) {
        return filtered("SELECT COUNT(e)", query, null, Long.class).getSingleResult();
    }

    /** Every action recorded so far, in alphabetical order. */
    public List<String> actions() {
        return entityManager
                .createQuery(
                        "SELECT DISTINCT e.action FROM AuditEvent e ORDER BY e.action",
                        String.class)
                .getResultList();
    }

    /** An export as recorded before it is written: its search, bound and size. */
    public record Export(AuditQuery query, long beforeId, long events) {}

    /**
     * Records an export before any of it is written (so an export cut off half-way is on record
     * too) and fixes what it holds: the matching events recorded until now.
     */
    public Export beginExport(AuditQuery query, String exportedBy) {
        Long newest =
                entityManager
                        .createQuery("SELECT MAX(e.id) FROM AuditEvent e", Long.class)
                        .getSingleResult();
        long before = newest == null ? 1 : newest + 1;
        long events = filtered("SELECT COUNT(e)", query, before, Long.class).getSingleResult();
        record(exportedBy, EXPORTED, null, events + " events: " + query.describe());
        return new Export(query, before, events);
    }

    /**
     * Writes an export's events to {@code out} as CSV ({@link #CSV_COLUMNS}, times ISO-8601 UTC),
     * newest first, a page at a time, each page read on its own: no transaction or connection is
     * held while a slow client downloads. Returns how many it wrote.
     */
    @Transactional(Transactional.TxType.NOT_SUPPORTED)
    public long write(Export export, Writer out) {
        Csv csv = new Csv(out).row(CSV_COLUMNS);
        long written = 0;
        Long before = export.beforeId();
        while (before != null) {
            Page page = page(export.query(), before, MAX_PAGE);
            for (AuditEntry entry : page.entries()) {
                csv.row(
                        Arrays.asList(
                                Long.toString(entry.id()),
                                entry.occurredAt().toString(),
                                entry.actor(),
                                entry.actorName(),
                                entry.actorEmail(),
                                entry.action(),
                                entry.target(),
                                entry.targetName(),
                                entry.targetEmail(),
                                entry.detail()));
            }
            written += page.entries().size();
            before = page.nextBefore();
        }
        return written;
    }

    /** Action recorded when someone exports the audit log. */
    public static final String EXPORTED = "audit.exported";

    private <T> TypedQuery<T> filtered(
            String select, AuditQuery query, Long beforeId, Class<T> type) {
        StringBuilder jpql = new StringBuilder(select).append(" FROM AuditEvent e WHERE 1 = 1");
        Map<String, Object> parameters = new HashMap<>();
        if (query.person() != null) {
            // The person as actor or as target, by subject or by part of their name or address.
            String people =
                    " FROM UserProfile p WHERE LOWER(p.email) LIKE :personLike ESCAPE '!'"
                            + " OR LOWER(p.displayName) LIKE :personLike ESCAPE '!'";
            jpql.append(" AND (e.actor = :person OR e.target = :personTarget")
                    .append(" OR e.actor IN (SELECT p.subject")
                    .append(people)
                    .append(") OR e.target IN (SELECT CONCAT('")
                    .append(AuditEntry.PERSON_TARGET)
                    .append("', p.subject)")
                    .append(people)
                    .append("))");
            parameters.put("person", query.person());
            parameters.put("personTarget", AuditEntry.PERSON_TARGET + query.person());
            parameters.put("personLike", Like.containing(query.person()));
        }
        if (query.action() != null) {
            jpql.append(" AND e.action = :action");
            parameters.put("action", query.action());
        }
        if (query.target() != null) {
            jpql.append(" AND LOWER(e.target) LIKE :targetLike ESCAPE '!'");
            parameters.put("targetLike", Like.containing(query.target()));
        }
        if (query.from() != null) {
            jpql.append(" AND e.occurredAt >= :from");
            parameters.put("from", query.from());
        }
        if (query.to() != null) {
            jpql.append(" AND e.occurredAt < :to");
            parameters.put("to", query.to());
        }
        if (beforeId != null) {
            jpql.append(" AND e.id < :before");
            parameters.put("before", beforeId);
        }
        if (type == AuditEvent.class) {
            jpql.append(" ORDER BY e.id DESC");
        }
        TypedQuery<T> typed = entityManager.createQuery(jpql.toString(), type);
        parameters.forEach(typed::setParameter);
        return typed;
    }

    private List<AuditEntry> entries(List<AuditEvent> events) {
        Set<String> subjects = new HashSet<>();
        for (AuditEvent event : events) {
            subjects.add(event.getActor());
            String target = event.getTarget();
            if (target != null && target.startsWith(AuditEntry.PERSON_TARGET)) {
                subjects.add(target.substring(AuditEntry.PERSON_TARGET.length()));
            }
        }
        Map<String, UserProfile> people = new HashMap<>();
        if (!subjects.isEmpty()) {
            entityManager
                    .createQuery(
                            "SELECT p FROM UserProfile p WHERE p.subject IN :subjects",
                            UserProfile.class)
                    .setParameter("subjects", subjects)
                    .getResultList()
                    .forEach(profile -> people.put(profile.getSubject(), profile));
        }
        List<AuditEntry> entries = new ArrayList<>(events.size());
        for (AuditEvent event : events) {
            UserProfile actor = people.get(event.getActor());
            String target = event.getTarget();
            UserProfile targetPerson =
                    target != null && target.startsWith(AuditEntry.PERSON_TARGET)
                            ? people.get(target.substring(AuditEntry.PERSON_TARGET.length()))
                            : null;
            entries.add(
                    new AuditEntry(
                            event.getId(),
                            event.getOccurredAt(),
                            event.getActor(),
                            actor == null ? null : actor.getDisplayName(),
                            actor == null ? null : actor.getEmail(),
                            event.getAction(),
                            target,
                            targetPerson == null ? null : targetPerson.getDisplayName(),
                            targetPerson == null ? null : targetPerson.getEmail(),
                            event.getDetail()));
        }
        return entries;
    }
}
