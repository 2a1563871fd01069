package pro.codai.platform.setup;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

/**
 * The settings of the site kept in the database, and the appliance's setup state. Setup, once
 * completed, is never pending again: that answer is remembered by each application, so the check on
 * every request costs a database read only while setup is pending.
 */
@ApplicationScoped
@Transactional
public class SiteSettings {

    /** When setup was completed (ISO-8601 instant). */
    public static final String SETUP_COMPLETED = "setup.completed";

    public static final String SITE_NAME = "site.name";

    /** The logo: its media type, a blank, and its bytes in base64. */
    public static final String SITE_LOGO = "site.logo";

    public static final String STUDENT_EMAIL_DOMAINS = "students.email-domains";

    @PersistenceContext(unitName = "codaipro")
    EntityManager entityManager;

    private volatile boolean completed;

    public Optional<String> get(String name) {
        SiteSetting setting = entityManager.find(SiteSetting.class, name);
        return Optional.ofNullable(setting).map(SiteSetting::getValue);
    }

    /** Sets these settings in one transaction. */
    public void putAll(Map<String, String> values) {
        values.forEach(this::put);
    }

    public void put(String name, String value) {
        put(name, value, null);
    }

    /** Sets the setting, recording who did ({@code by}: a subject, or null when not known). */
    public void put(String name, String value, String by) {
        SiteSetting setting = entityManager.find(SiteSetting.class, name);
        if (setting == null) {
            entityManager.persist(new SiteSetting(name, value, by));
        } else {
            setting.change(value, by);
        }
    }

    /** The setting with when and by whom it was last set; empty when it is not set. */
    public Optional<SiteSetting> find(String name) {
        return Optional.ofNullable(entityManager.find(SiteSetting.class, name));
    }

    public void remove(String name) {
        SiteSetting setting = entityManager.find(SiteSetting.class, name);
        if (setting != null) {
            entityManager.remove(setting);
        }
    }

    /** Whether the setup wizard has been completed on this appliance. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public boolean setupCompleted() {
        if (!completed) {
            completed = entityManager.find(SiteSetting.class, SETUP_COMPLETED) != null;
        }
        return completed;
    }

    /** Records that setup is complete, with the settings it decided, in one transaction. */
    public void completeSetup(Map<String, String> values) {
        putAll(values);
        put(SETUP_COMPLETED, Instant.now().toString());
    }
}
