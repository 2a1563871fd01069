package pro.codai.portal.admin;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import pro.codai.platform.account.UserProfiles;
import pro.codai.platform.audit.AuditEntry;
import pro.codai.platform.audit.AuditLog;
import pro.codai.platform.audit.AuditQuery;

/** The admin console's start page: people and the latest audit events. */
@Named
@RequestScoped
public class AdminConsole {

    @Inject UserProfiles profiles;

    @Inject AuditLog audit;

    public long getUserCount() {
        return profiles.count();
    }

    public List<AuditEntry> getRecentEvents() {
        return audit.search(AuditQuery.EVERYTHING, 0, 20);
    }

    /** A time as shown before the page's script puts it in the viewer's zone. */
    public String utc(Instant time) {
        return AuditPage.inUtc(time);
    }
}
