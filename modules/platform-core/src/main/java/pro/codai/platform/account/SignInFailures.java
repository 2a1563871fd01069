package pro.codai.platform.account;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import pro.codai.platform.audit.AuditEntry;
import pro.codai.platform.audit.AuditLog;
import pro.codai.platform.setup.SiteSetting;
import pro.codai.platform.setup.SiteSettings;

/**
 * Keycloak's failed sign-ins and lockouts, copied into the audit log so that a reviewer finds them
 * beside everything else a person did ({@code account.sign-in-failed}, {@code account.locked-out}).
 * A cursor in the site settings says how far the copy has got; servers sharing the database move it
 * in turn (each batch holds the cursor's row locked), so no event is recorded twice.
 */
@ApplicationScoped
public class SignInFailures {

    /** The site setting: the last event time copied (epoch ms) and the ids copied at that time. */
    public static final String CURSOR = "keycloak.sign-in-events";

    public static final String FAILED = "account.sign-in-failed";
    public static final String LOCKED_OUT = "account.locked-out";

    /** How far back the very first copy reaches (the server's first minutes included). */
    static final java.time.Duration FIRST_LOOK_BACK = java.time.Duration.ofMinutes(10);

    /** Most events one batch copies. */
    public static final int BATCH = 200;

    @Inject KeycloakAccounts keycloak;
    @Inject SiteSettings settings;
    @Inject AuditLog audit;

    @PersistenceContext(unitName = "codaipro")
    EntityManager entityManager;

    /** Where the copy has got: events up to {@code millis}, those at it with these ids included. */
    record Cursor(long millis, Set<String> idsAtMillis) {

        static Cursor parse(String value) {
            String[] parts = value.split("\\|", 2);
            try {
                long millis = Long.parseLong(parts[0].strip());
                Set<String> ids =
                        parts.length < 2 || parts[1].isBlank()
                                ? Set.of()
                                : new LinkedHashSet<>(Arrays.asList(parts[1].split(",")));
                return new Cursor(millis, ids);
            } catch (NumberFormatException e) {
                return null;
            }
        }

        String format() {
            return millis + "|" + String.join(",", idsAtMillis);
        }

        boolean covers(KeycloakAccounts.SignInEvent event) {
            return event.time() < millis
                    || (event.time() == millis && idsAtMillis.contains(event.id()));
        }

        Cursor after(KeycloakAccounts.SignInEvent event) {
            if (event.time() > millis) {
                return new Cursor(event.time(), Set.of(event.id()));
            }
            Set<String> ids = new LinkedHashSet<>(idsAtMillis);
            ids.add(event.id());
            return new Cursor(millis, ids);
        }
    }

    /**
     * Copies the next batch of events into the audit log; returns how many (0 when none are new, or
     * when another server copied them first). The first call starts {@link #FIRST_LOOK_BACK} before
     * now: what Keycloak recorded before that stays in Keycloak only.
     */
    @Transactional
    public int copyBatch(Instant now) throws KeycloakAccounts.KeycloakException {
        // Locked until this batch commits: another server waits, then reads where this one got.
        SiteSetting stored =
                entityManager.find(SiteSetting.class, CURSOR, LockModeType.PESSIMISTIC_WRITE);
        Cursor cursor = stored == null ? null : Cursor.parse(stored.getValue());
        if (cursor == null) {
            settings.put(
                    CURSOR,
                    new Cursor(now.minus(FIRST_LOOK_BACK).toEpochMilli(), Set.of()).format(),
                    "system");
            return 0;
        }
        Cursor moved = cursor;
        int copied = 0;
        for (KeycloakAccounts.SignInEvent event : keycloak.failedSignIns(cursor.millis(), BATCH)) {
            if (moved.covers(event)) {
                continue;
            }
            record(event);
            moved = moved.after(event);
            copied++;
        }
        if (copied > 0) {
            settings.put(CURSOR, moved.format(), "system");
        }
        return copied;
    }

    private void record(KeycloakAccounts.SignInEvent event) {
        StringBuilder detail = new StringBuilder();
        detail.append(event.error() == null ? event.type() : event.error());
        if (event.username() != null) {
            detail.append(", user name ").append(event.username());
        }
        if (event.ipAddress() != null) {
            detail.append(", from ").append(event.ipAddress());
        }
        detail.append(", at ").append(Instant.ofEpochMilli(event.time()));
        audit.record(
                event.subject() != null ? event.subject() : "keycloak",
                "USER_DISABLED_BY_TEMPORARY_LOCKOUT".equals(event.type()) ? LOCKED_OUT : FAILED,
                event.subject() != null ? AuditEntry.PERSON_TARGET + event.subject() : null,
                detail.toString());
    }
}
