package pro.codai.platform.setup;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Whether this server waits for its first-boot setup: required here and not yet completed. */
@ApplicationScoped
public class SetupStatus {

    @Inject
    @ConfigProperty(name = "codaipro.setup.required", defaultValue = "false")
    boolean required;

    @Inject SiteSettings settings;

    public boolean pending() {
        return required && !settings.setupCompleted();
    }
}
