package pro.codai.platform.quota;

import java.time.LocalDate;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.config.ConfigProvider;

import pro.codai.platform.account.Plan;

/**
 * Daily Try Now time: what each plan allows ({@code codaipro.quota.try-now-seconds.<plan>}, a
 * number of seconds per day or {@code unlimited}; Free defaults to 2 hours, the others to
 * unlimited) and what each person has used today, kept in the database so a restart forgets
 * nothing.
 */
@ApplicationScoped
@Transactional
public class TryNowQuotas {

    /** An allowance without a limit. */
    public static final long UNLIMITED = -1;

    @PersistenceContext(unitName = "codaipro")
    EntityManager entityManager;

    /** Seconds a day the plan allows, or {@link #UNLIMITED}. */
    public long dailyAllowanceSeconds(Plan plan) {
        String name = "codaipro.quota.try-now-seconds." + plan.name().toLowerCase(Locale.ROOT);
        String configured =
                ConfigProvider.getConfig()
                        .getOptionalValue(name, String.class)
                        .orElse(plan == Plan.FREE ? "7200" : "unlimited")
                        .strip();
        if (configured.equalsIgnoreCase("unlimited")) {
            return UNLIMITED;
        }
        try {
            return Math.max(0, Long.parseLong(configured));
        } catch (NumberFormatException e) {
            throw new IllegalStateException(
                    name + " must be a number of seconds or 'unlimited', not '" + configured + "'");
        }
    }

    /**
     * The hard size of a student's home on the plan, in bytes ({@code
     * codaipro.quota.home-megabytes.<plan>}: Free 512 MB, Student 1024, Pro 5120, Campus 2048).
     */
    public long homeBytes(Plan plan) {
        String name = "codaipro.quota.home-megabytes." + plan.name().toLowerCase(Locale.ROOT);
        long megabytes =
                ConfigProvider.getConfig()
                        .getOptionalValue(name, Long.class)
                        .orElse(
                                switch (plan) {
                                    case FREE -> 512L;
                                    case STUDENT -> 1024L;
                                    case PRO -> 5120L;
                                    case CAMPUS -> 2048L;
                                });
        return Math.max(16, megabytes) << 20;
    }

    /** Seconds of Try Now the person has used on the day. */
    public long usedSeconds(String subject, LocalDate day) {
        return entityManager
                .createNamedQuery(TryNowUsage.ON_DAY, TryNowUsage.class)
                .setParameter("subject", subject)
                .setParameter("day", day)
                .getResultStream()
                .findFirst()
                .map(TryNowUsage::usedSeconds)
                .orElse(0L);
    }

    /**
     * Seconds of Try Now each of {@code subjects} has used from {@code from} on (those without any
     * are left out), in one query.
     */
    public Map<String, Long> usedSecondsSince(Collection<String> subjects, LocalDate from) {
        if (subjects.isEmpty()) {
            return Map.of();
        }
        Map<String, Long> used = new HashMap<>();
        entityManager
                .createQuery(
                        "SELECT u.subject, SUM(u.usedSeconds) FROM TryNowUsage u"
                                + " WHERE u.subject IN :subjects AND u.day >= :from"
                                + " GROUP BY u.subject",
                        Object[].class)
                .setParameter("subjects", List.copyOf(subjects))
                .setParameter("from", from)
                .getResultStream()
                .forEach(row -> used.put((String) row[0], ((Number) row[1]).longValue()));
        return used;
    }

    /** Adds used seconds to the person's day. */
    public void addUsedSeconds(String subject, LocalDate day, long seconds) {
        if (seconds <= 0) {
            return;
        }
        TryNowUsage usage =
                entityManager
                        .createNamedQuery(TryNowUsage.ON_DAY, TryNowUsage.class)
                        .setParameter("subject", subject)
                        .setParameter("day", day)
                        .getResultStream()
                        .findFirst()
                        .orElseGet(
                                () -> {
                                    TryNowUsage created = new TryNowUsage(subject, day);
                                    entityManager.persist(created);
                                    return created;
                                });
        usage.add(seconds);
    }
}
