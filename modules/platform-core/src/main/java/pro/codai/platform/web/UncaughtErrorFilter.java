package pro.codai.platform.web;

import java.io.IOException;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The first filter of a WAR: an exception nobody caught becomes one log line with an incident id
 * (not the container's stack trace) and the WAR's error page for 500 ({@link ProblemServlet} or the
 * portal's branded page), which names the incident. A form too large for the container to read is a
 * 413, not an incident.
 */
public class UncaughtErrorFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    /** Request attribute holding the incident id for the error page. */
    public static final String INCIDENT = "pro.codai.incident";

    private static final Logger LOG = Logger.getLogger(UncaughtErrorFilter.class.getName());

    @Override
    protected void doFilter(
            HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        try {
            chain.doFilter(request, response);
        } catch (IOException | ServletException | RuntimeException | Error e) {
            if (e instanceof VirtualMachineError error) {
                throw error;
            }
            if (response.isCommitted()) {
                // Too late for an error page: the client sees a cut answer.
                logIncident(LOG, e, request.getRequestURI());
                return;
            }
            if (isBodyTooLarge(e)) {
                response.sendError(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
                return;
            }
            request.setAttribute(INCIDENT, logIncident(LOG, e, request.getRequestURI()));
            response.sendError(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
        }
    }

    /** Logs the throwable in one line with a new incident id, and returns the id. */
    static String logIncident(Logger logger, Throwable thrown, String path) {
        String incident = UUID.randomUUID().toString();
        ErrorLog.line(
                logger,
                Level.SEVERE,
                "incident " + incident + " on " + path + ": " + ErrorLog.brief(thrown));
        logger.log(Level.FINE, thrown, () -> "incident " + incident);
        return incident;
    }

    /**
     * Whether the container refused to read a form body past its limit ({@code max-post-size}): it
     * throws an IllegalStateException saying so from the first {@code getParameter}.
     */
    static boolean isBodyTooLarge(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IllegalStateException
                    && t.getMessage() != null
                    && t.getMessage().toLowerCase(java.util.Locale.ROOT).contains("too large")) {
                return true;
            }
        }
        return false;
    }
}
