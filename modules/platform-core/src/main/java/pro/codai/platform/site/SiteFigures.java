package pro.codai.platform.site;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import pro.codai.platform.account.UserProfiles;
import pro.codai.platform.audit.AuditEvent;
import pro.codai.platform.audit.AuditLog;

/**
 * The public figures shown on the landing page. Figures are counted from the database, never made
 * up: a new appliance shows zeros.
 */
@ApplicationScoped
public class SiteFigures {

    @Inject UserProfiles profiles;

    @Inject AuditLog auditLog;

    /**
     * @param users people who have signed in at least once
     * @param sessionsRun IDE sessions started, from the audit log
     * @param downloads desktop app downloads served, from the audit log
     */
    public record Figures(long users, long sessionsRun, long downloads) {}

    public Figures current() {
        return new Figures(
                profiles.count(),
                auditLog.count(AuditEvent.SESSION_STARTED),
                auditLog.count(AuditEvent.DOWNLOAD_SERVED));
    }
}
