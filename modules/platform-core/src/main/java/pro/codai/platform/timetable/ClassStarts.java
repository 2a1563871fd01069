package pro.codai.platform.timetable;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import pro.codai.platform.audit.AuditLog;

/**
 * The timetable of class starts: added, listed and deleted by administrators, read by the pre-warm
 * task. Every input is checked here, so a refused one stores nothing. Every method runs in a
 * transaction: the pre-warm task reads from a managed executor's thread, where an entity manager
 * used outside a transaction is closed under it.
 */
@ApplicationScoped
@Transactional
public class ClassStarts {

    /** The most students one class start may announce. */
    public static final int MAX_STUDENTS = 1000;

    /** The longest class, in minutes (a day). */
    public static final int MAX_DURATION_MINUTES = 1440;

    /** How far ahead a class start may be announced. */
    public static final Duration MAX_AHEAD = Duration.ofDays(366);

    /** A class start as a value. */
    public record Entry(
            Long id,
            Instant startsAt,
            int students,
            int durationMinutes,
            String createdBy,
            Instant createdAt) {}

    @PersistenceContext(unitName = "codaipro")
    EntityManager entityManager;

    AuditLog audit;

    Clock clock = Clock.systemUTC();

    protected ClassStarts() {
        // for CDI
    }

    @Inject
    public ClassStarts(AuditLog audit) {
        this.audit = audit;
    }

    /**
     * Announces a class start.
     *
     * @throws IllegalArgumentException naming what is wrong: a start not in the future (or more
     *     than a year ahead), students outside 1–{@value #MAX_STUDENTS}, a duration outside
     *     1–{@value #MAX_DURATION_MINUTES} minutes
     */
    public Entry add(Instant startsAt, int students, int durationMinutes, String addedBy) {
        check(startsAt, students, durationMinutes, clock.instant());
        ClassStart start =
                new ClassStart(startsAt, students, durationMinutes, addedBy, clock.instant());
        entityManager.persist(start);
        entityManager.flush();
        audit.record(
                addedBy,
                "class-start.added",
                "class-start:" + start.entry().id(),
                startsAt + ", " + students + " students");
        return start.entry();
    }

    /** Checks a class start's fields; for {@link #add} and tests. */
    static void check(Instant startsAt, int students, int durationMinutes, Instant now) {
        if (startsAt == null) {
            throw new IllegalArgumentException("startsAt is required (an ISO instant)");
        }
        if (!startsAt.isAfter(now)) {
            throw new IllegalArgumentException("startsAt must be in the future: " + startsAt);
        }
        if (startsAt.isAfter(now.plus(MAX_AHEAD))) {
            throw new IllegalArgumentException(
                    "startsAt must be within a year from now: " + startsAt);
        }
        if (students < 1 || students > MAX_STUDENTS) {
            throw new IllegalArgumentException(
                    "students must be between 1 and " + MAX_STUDENTS + ": " + students);
        }
        if (durationMinutes < 1 || durationMinutes > MAX_DURATION_MINUTES) {
            throw new IllegalArgumentException(
                    "durationMinutes must be between 1 and "
                            + MAX_DURATION_MINUTES
                            + ": "
                            + durationMinutes);
        }
    }

    /** Every class start, earliest first. */
    public List<Entry> list() {
        return entityManager
                .createNamedQuery(ClassStart.ALL, ClassStart.class)
                .getResultList()
                .stream()
                .map(ClassStart::entry)
                .toList();
    }

    /** The class starts between {@code from} and {@code to} (inclusive), earliest first. */
    public List<Entry> startingBetween(Instant from, Instant to) {
        return entityManager
                .createNamedQuery(ClassStart.STARTING_BETWEEN, ClassStart.class)
                .setParameter("from", from)
                .setParameter("to", to)
                .getResultList()
                .stream()
                .map(ClassStart::entry)
                .toList();
    }

    /** Deletes a class start; false when there is none with this id. */
    public boolean delete(long id, String deletedBy) {
        ClassStart start = entityManager.find(ClassStart.class, id);
        if (start == null) {
            return false;
        }
        entityManager.remove(start);
        audit.record(
                deletedBy, "class-start.deleted", "class-start:" + id, start.startsAt().toString());
        return true;
    }
}
