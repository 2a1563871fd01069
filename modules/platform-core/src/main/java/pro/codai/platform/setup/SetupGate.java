package pro.codai.platform.setup;

import java.io.IOException;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import pro.codai.platform.web.ProblemJson;

/**
 * Until an appliance's setup is completed ({@code codaipro.setup.required=true} and no completion
 * in the database), the portal sends every visitor to {@code /setup} (its static resources and
 * error pages pass), and every other application answers 503 problem+json, except the version
 * document {@code /api/v1/info} that readiness checks read. Once setup is complete, or where it is
 * not required, the wizard's address answers 404 — except to the session that finished setup
 * ({@link #FINISHED_HERE}), whose page goes on showing how root applies the host name and TLS
 * certificate, and can ask root again. Every web application of the server gets this filter through
 * the platform's web fragment. (Pages that need a signed-in person are held by the portal's sign-in
 * mechanism, which runs before any filter.)
 */
public class SetupGate extends HttpFilter {

    private static final long serialVersionUID = 1L;

    /** A session attribute (Boolean.TRUE): setup was finished in this session. */
    public static final String FINISHED_HERE = SetupGate.class.getName() + ".finishedHere";

    @Inject transient SetupStatus setup;

    @Override
    protected void doFilter(
            HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        boolean portal = request.getContextPath().isEmpty();
        boolean pending = setup.pending();
        if (portal && isWizard(path)) {
            if (pending || finishedHere(request)) {
                chain.doFilter(request, response);
            } else {
                response.sendError(HttpServletResponse.SC_NOT_FOUND);
            }
            return;
        }
        if (!pending || passes(portal, path, request.getContextPath())) {
            chain.doFilter(request, response);
            return;
        }
        if (portal) {
            response.setHeader("Cache-Control", "no-store");
            response.sendRedirect(request.getContextPath() + "/setup");
        } else {
            response.setHeader("Retry-After", "60");
            ProblemJson.write(
                    response,
                    HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                    "Setup is pending: an administrator completes it at /setup with the setup"
                            + " code shown on the appliance's console.",
                    request.getRequestURI());
        }
    }

    private static boolean finishedHere(HttpServletRequest request) {
        var session = request.getSession(false);
        return session != null && Boolean.TRUE.equals(session.getAttribute(FINISHED_HERE));
    }

    static boolean isWizard(String path) {
        return path.equals("/setup") || path.equals("/setup.xhtml");
    }

    /**
     * What is served while setup is pending: health and metrics (readiness checks, systemd, the ops
     * command), static resources, error pages, the version.
     */
    static boolean passes(boolean portal, String path, String contextPath) {
        if (portal) {
            return path.equals("/health")
                    || path.startsWith("/health/")
                    || path.equals("/metrics")
                    || path.startsWith("/metrics/")
                    || path.startsWith("/jakarta.faces.resource/")
                    || path.startsWith("/resources/")
                    || path.startsWith("/error/")
                    || path.equals("/branding/logo")
                    || path.equals("/favicon.ico");
        }
        return contextPath.equals("/api") && path.equals("/v1/info");
    }
}
