package pro.codai.portal.admin;

import java.util.List;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import pro.codai.platform.account.UserProfiles;
import pro.codai.platform.audit.AuditEvent;
import pro.codai.platform.audit.AuditLog;

/** The admin console's start page: people and the latest audit events. */
@Named
@RequestScoped
public class AdminConsole {

    @Inject UserProfiles profiles;

    @Inject AuditLog audit;

    public long getUserCount() {
        return profiles.count();
    }

    public List<AuditEvent> getRecentEvents() {
        return audit.mostRecent(50);
    }
}
