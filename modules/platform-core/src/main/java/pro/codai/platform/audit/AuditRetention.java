package pro.codai.platform.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import pro.codai.platform.persistence.OldRows;
import pro.codai.platform.setup.SiteSetting;
import pro.codai.platform.setup.SiteSettings;

/**
 * How long the audit log keeps its events, as an administrator sets it (kept for ever until then),
 * and the removal of older ones. Nothing else ever removes an event: on PostgreSQL the database
 * itself refuses to delete one younger than this setting.
 */
@ApplicationScoped
public class AuditRetention {

    /** The site setting: days to keep events, 0 for ever. */
    public static final String RETENTION_DAYS = "audit.retention-days";

    /** The shortest retention that may be set: a month of history is always there to review. */
    public static final int MIN_DAYS = 30;

    /** The longest: ten years. */
    public static final int MAX_DAYS = 3650;

    /** Action recorded when the retention is changed. */
    public static final String CHANGED = "settings.changed";

    /** Action recorded when events older than the retention were removed, with how many. */
    public static final String PURGED = "audit.purged";

    /** Most events removed in one transaction. */
    public static final int BATCH = 5000;

    @Inject SiteSettings settings;
    @Inject AuditLog audit;

    @PersistenceContext(unitName = "codaipro")
    EntityManager entityManager;

    /** The retention now, with who set it and when (both null while never set). */
    public record Retention(int days, Instant setAt, String setBy) {

        /** Whether events are kept for ever. */
        public boolean forever() {
            return days == 0;
        }
    }

    @Transactional
    public Retention retention() {
        Optional<SiteSetting> setting = settings.find(RETENTION_DAYS);
        return setting.map(
                        s ->
                                new Retention(
                                        daysIn(s.getValue()), s.getUpdatedAt(), s.getUpdatedBy()))
                .orElse(new Retention(0, null, null));
    }

    /**
     * Keeps events for {@code days} from now on (0: for ever; otherwise {@link #MIN_DAYS} to {@link
     * #MAX_DAYS}); recorded as done by {@code by}. False when it was so already.
     */
    @Transactional
    public boolean set(int days, String by) {
        if (days != 0 && (days < MIN_DAYS || days > MAX_DAYS)) {
            throw new IllegalArgumentException(
                    "keep events for 0 days (for ever) or "
                            + MIN_DAYS
                            + " to "
                            + MAX_DAYS
                            + " days");
        }
        Optional<SiteSetting> stored = settings.find(RETENTION_DAYS);
        int before = stored.map(setting -> daysIn(setting.getValue())).orElse(0);
        if (stored.isPresent() && before == days) {
            return false;
        }
        settings.put(RETENTION_DAYS, Integer.toString(days), by);
        audit.record(by, CHANGED, "setting:" + RETENTION_DAYS, before + " -> " + days);
        return true;
    }

    /**
     * Removes up to {@link #BATCH} of the events older than the retention at {@code now}, oldest
     * first, and records how many (when any); a caller repeats while a whole batch went. Returns
     * how many were removed.
     */
    @Transactional
    public int purgeBatch(Instant now) {
        Retention retention = retention();
        if (retention.forever()) {
            return 0;
        }
        Instant cutoff = now.minus(Duration.ofDays(retention.days()));
        // A bulk delete, past the entity's guard against removal: only this path removes events.
        int removed = OldRows.deleteBatch(entityManager, AuditEvent.class, cutoff, BATCH);
        if (removed == 0) {
            // Nothing old enough, or another server removed it first.
            return 0;
        }
        audit.record(
                "system",
                PURGED,
                "audit",
                removed
                        + " events from before "
                        + cutoff
                        + " (kept "
                        + retention.days()
                        + " days)");
        return removed;
    }

    /**
     * The stored setting as days: 0 (for ever) when it is not a number; a value changed in the
     * database past {@link #set} is held to the bounds, as the PostgreSQL trigger holds it.
     */
    private static int daysIn(String value) {
        try {
            int days = Integer.parseInt(value.strip());
            return days <= 0 ? 0 : Math.min(MAX_DAYS, Math.max(MIN_DAYS, days));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
