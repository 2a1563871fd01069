package pro.codai.portal.site;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The Content Security Policy of the portal's pages. PrimeFaces sends it ({@code primefaces.CSP}
 * and {@code primefaces.CSP_POLICY = #{contentSecurityPolicy.pages}} in web.xml) and appends the
 * page's script nonce, so the policy ends with {@code script-src}.
 *
 * <ul>
 *   <li>Scripts and workers from the portal only (Monaco's workers are files under {@code
 *       /ide/lib/monaco/workers/}, not blob URLs); no plugins; no {@code <base>}; never framed.
 *   <li>Forms post to the portal, and the sign-out form's redirect goes on to Keycloak.
 *   <li>Styles may be inline: Monaco, xterm.js and PrimeFaces set them at run time. Images and
 *       fonts may be {@code data:} URLs (Monaco's icon font, PrimeFaces' theme).
 * </ul>
 */
@Named
@ApplicationScoped
public class ContentSecurityPolicy {

    @Inject
    @ConfigProperty(
            name = "codaipro.oidc.issuer",
            defaultValue = "http://localhost:8180/realms/codaipro")
    String issuer;

    private String pages;

    @PostConstruct
    void build() {
        pages = forPages(Origins.of(issuer));
    }

    /** The policy of every portal page, without the nonce PrimeFaces appends. */
    public String getPages() {
        return pages;
    }

    static String forPages(String keycloakOrigin) {
        return "default-src 'self'; img-src 'self' data:; font-src 'self' data:;"
                + " style-src 'self' 'unsafe-inline'; connect-src 'self'; worker-src 'self';"
                + " object-src 'none'; base-uri 'none'; frame-ancestors 'none';"
                + " form-action 'self' "
                + keycloakOrigin
                + "; script-src 'self'";
    }
}
