package pro.codai.portal.site;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Headers on every answer of the portal ({@code X-Content-Type-Options: nosniff}, {@code
 * Referrer-Policy: same-origin}; pages get their Content Security Policy from PrimeFaces, see
 * {@link ContentSecurityPolicy}), and one origin for each kind of content: the preview address
 * serves previews only, the portal's address never serves them.
 *
 * <p>Answers made while signing in (before any filter runs) are handled in the sign-in mechanism.
 */
@WebFilter(filterName = "SecurityHeadersFilter", urlPatterns = "/*")
public class SecurityHeadersFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    /** The preview servlet's path; every other path of the portal is a portal page or asset. */
    public static final String PREVIEW_PATH = "/preview";

    @Inject transient SiteOrigins origins;

    @Override
    protected void doFilter(
            HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        setCommonHeaders(response);
        // The servlet path is decoded and normalised: /%70review/ and /x/../preview/ count too.
        boolean preview = PREVIEW_PATH.equals(request.getServletPath());
        if (origins.forPreviews(request)) {
            if (!preview) {
                refuseOnPreviewAddress(response);
                return;
            }
        } else if (preview) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        chain.doFilter(request, response);
    }

    /** The headers every answer of the portal carries. */
    public static void setCommonHeaders(HttpServletResponse response) {
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "same-origin");
    }

    /**
     * Answers a request for a portal page on the preview address: 404 in plain text, committed at
     * once, with no session, no cookie and none of the portal's pages.
     */
    public static void refuseOnPreviewAddress(HttpServletResponse response) throws IOException {
        byte[] body =
                "Not found: this address shows workspace previews only.\n"
                        .getBytes(StandardCharsets.UTF_8);
        response.setStatus(HttpServletResponse.SC_NOT_FOUND);
        setCommonHeaders(response);
        response.setHeader("Content-Security-Policy", "default-src 'none'");
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("text/plain; charset=UTF-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        response.flushBuffer();
    }
}
