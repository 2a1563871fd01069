package pro.codai.platform.site;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * How the campus named its appliance. Read from configuration only, so error pages can show it when
 * the database is down.
 */
@Named
@ApplicationScoped
public class Branding {

    @Inject
    @ConfigProperty(name = "codaipro.site.name", defaultValue = "CodaiPro Campus")
    String siteName;

    public String getSiteName() {
        return siteName;
    }
}
