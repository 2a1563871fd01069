package pro.codai.portal.site;

import java.util.Optional;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The two origins the portal answers on: its own ({@code codaipro.public.url}), and the one that
 * shows students' web pages ({@code codaipro.ide.preview-url}). They differ in host name, so the
 * browser keeps the portal's cookies away from previews and treats a preview's scripts as another
 * site's. Which origin a request is for is read from its {@code Host} header (a proxy in front must
 * pass it on).
 *
 * <pre>{@code
 * @Inject SiteOrigins origins;
 * if (!origins.sentFromThePortal(request)) { response.sendError(403); return; }
 * }</pre>
 */
@ApplicationScoped
public class SiteOrigins {

    @Inject
    @ConfigProperty(name = "codaipro.public.url", defaultValue = "http://localhost:8080")
    String publicUrl;

    // Optional: an empty value means "the default", which MicroProfile Config reports as no value.
    @Inject
    @ConfigProperty(name = "codaipro.ide.preview-url")
    Optional<String> configuredPreviewUrl;

    private String portalOrigin;
    private String previewUrl;
    private String previewHost;

    /** Checks the preview address once: a bad one stops the portal from deploying. */
    @PostConstruct
    void resolve() {
        portalOrigin = Origins.of(publicUrl);
        try {
            previewUrl =
                    Origins.previewUrl(configuredPreviewUrl.orElse(""), publicUrl).orElse(null);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("codaipro.ide.preview-url: " + e.getMessage(), e);
        }
        previewHost = previewUrl == null ? null : Origins.host(previewUrl);
    }

    /** Resolves at deployment, not at the first request. */
    void checkAtStart(@Observes @Initialized(ApplicationScoped.class) Object started) {
        portalOrigin();
    }

    /** The portal's origin, e.g. {@code https://ide.campus.edu}. */
    public String portalOrigin() {
        return portalOrigin;
    }

    /**
     * Where previews are served, without a trailing slash (e.g. {@code
     * https://preview.ide.campus.edu}); empty when previews are off.
     */
    public Optional<String> previewUrl() {
        return Optional.ofNullable(previewUrl);
    }

    /** Whether the request was sent to the preview address (by its {@code Host}). */
    public boolean forPreviews(HttpServletRequest request) {
        return previewHost != null && previewHost.equals(Origins.bare(request.getServerName()));
    }

    /**
     * Whether a state-changing request was sent by a page of the portal itself ({@code Origin}, or
     * else {@code Sec-Fetch-Site}), not by a page elsewhere — another site, or a preview, which is
     * the same site as the portal when it is a subdomain, so SameSite cookies do not cover it.
     */
    public boolean sentFromThePortal(HttpServletRequest request) {
        return Origins.sentFrom(
                portalOrigin, request.getHeader("Origin"), request.getHeader("Sec-Fetch-Site"));
    }
}
