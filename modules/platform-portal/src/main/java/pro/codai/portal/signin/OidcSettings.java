package pro.codai.portal.signin;

import java.net.URI;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Where Keycloak is and who the portal is to it. The launcher checks these before start-up and
 * passes them on; the defaults serve a full server without the launcher (the local Keycloak).
 */
@ApplicationScoped
public class OidcSettings {

    @Inject
    @ConfigProperty(
            name = "codaipro.oidc.issuer",
            defaultValue = "http://localhost:8180/realms/codaipro")
    String issuer;

    @Inject
    @ConfigProperty(name = "codaipro.oidc.client-id", defaultValue = "codaipro-portal")
    String clientId;

    // Optional: MicroProfile Config treats an empty default as no value at all.
    @Inject
    @ConfigProperty(name = "codaipro.oidc.client-secret")
    Optional<String> clientSecret;

    @Inject
    @ConfigProperty(name = "codaipro.public.url", defaultValue = "http://localhost:8080")
    String publicUrl;

    /** The realm's issuer, e.g. {@code https://login.campus.edu/realms/codaipro}. */
    public String issuer() {
        return stripTrailingSlash(issuer);
    }

    public String clientId() {
        return clientId;
    }

    public String clientSecret() {
        return clientSecret.orElse("");
    }

    /** The portal's own address as browsers see it, without a trailing slash. */
    public String publicUrl() {
        return stripTrailingSlash(publicUrl);
    }

    public URI callbackUri() {
        return URI.create(publicUrl() + SignInMechanism.CALLBACK_PATH);
    }

    private static String stripTrailingSlash(String value) {
        String stripped = value.strip();
        return stripped.endsWith("/") ? stripped.substring(0, stripped.length() - 1) : stripped;
    }
}
