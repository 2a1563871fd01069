package pro.codai.platform.site;

import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import pro.codai.platform.setup.Logo;
import pro.codai.platform.setup.SiteSettings;

/**
 * How the campus named its appliance: the name and logo chosen in the setup wizard (kept in the
 * database), else the name in configuration. Read again at most once a minute and remembered, so
 * error pages can show it when the database is down.
 */
@Named
@ApplicationScoped
public class Branding {

    private static final Logger LOG = Logger.getLogger(Branding.class.getName());
    private static final long REFRESH_NANOS = 60_000_000_000L;

    @Inject
    @ConfigProperty(name = "codaipro.site.name", defaultValue = "CodaiPro Campus")
    String siteName;

    @Inject SiteSettings settings;

    private volatile Chosen chosen;
    private volatile long readAt;

    private record Chosen(Optional<String> name, Optional<Logo> logo) {}

    public String getSiteName() {
        return chosen().name().orElse(siteName);
    }

    /** Whether the setup wizard gave the site a logo ({@code /branding/logo}). */
    public boolean isLogo() {
        return chosen().logo().isPresent();
    }

    public Optional<Logo> logo() {
        return chosen().logo();
    }

    /** Forgets what was read, after the wizard changed it. */
    public void refresh() {
        chosen = null;
    }

    private Chosen chosen() {
        Chosen now = chosen;
        if (now == null || System.nanoTime() - readAt > REFRESH_NANOS) {
            try {
                now =
                        new Chosen(
                                settings.get(SiteSettings.SITE_NAME),
                                settings.get(SiteSettings.SITE_LOGO).map(Logo::fromStored));
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "branding not readable from the database", e);
                if (now == null) {
                    now = new Chosen(Optional.empty(), Optional.empty());
                }
            }
            chosen = now;
            readAt = System.nanoTime();
        }
        return now;
    }
}
