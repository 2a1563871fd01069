package pro.codai.platform.setup;

import jakarta.persistence.EntityManager;

/** Site settings over a test's entity manager, for tests of other packages. */
public final class SiteSettingsForTests {

    private SiteSettingsForTests() {}

    public static SiteSettings over(EntityManager em) {
        SiteSettings settings = new SiteSettings();
        settings.entityManager = em;
        return settings;
    }
}
