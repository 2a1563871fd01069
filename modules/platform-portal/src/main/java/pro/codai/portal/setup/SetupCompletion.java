package pro.codai.portal.setup;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import pro.codai.platform.audit.AuditLog;
import pro.codai.platform.setup.SiteSettings;

/** Setup's last write: the settings it decided, its completion and its audit entry, together. */
@ApplicationScoped
public class SetupCompletion {

    static final String AUDIT_ACTION = "setup.completed";

    @Inject SiteSettings settings;
    @Inject AuditLog audit;

    @Transactional
    void complete(Map<String, String> values, String administrator, String detail) {
        if (settings.setupCompleted()) {
            throw new IllegalStateException("setup is already complete");
        }
        settings.completeSetup(values);
        audit.record("setup-wizard", AUDIT_ACTION, "administrator:" + administrator, detail);
    }
}
