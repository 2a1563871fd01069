package pro.codai.platform.web;

import java.io.IOException;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The error page of an API WAR: whatever the container would have answered with its own HTML page
 * (an unknown path, a method not allowed, a refused bearer token, an exception nobody caught) is
 * answered as problem details instead. Named in the WAR's {@code web.xml}:
 *
 * <pre>{@code
 * <servlet><servlet-name>problems</servlet-name>
 *     <servlet-class>pro.codai.platform.web.ProblemServlet</servlet-class></servlet>
 * <servlet-mapping><servlet-name>problems</servlet-name>
 *     <url-pattern>/codaipro-problem</url-pattern></servlet-mapping>
 * <error-page><location>/codaipro-problem</location></error-page>
 * <error-page><exception-type>java.lang.Throwable</exception-type>
 *     <location>/codaipro-problem</location></error-page>
 * }</pre>
 *
 * <p>A 401 carries {@code WWW-Authenticate: Bearer}, with {@code error="invalid_token"} when the
 * request sent a bearer token (RFC 6750), and that refusal is logged in one line. An exception is
 * logged in one line with an incident id that the answer names.
 */
public class ProblemServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = Logger.getLogger(ProblemServlet.class.getName());

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        Object thrown = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String path = uri instanceof String text ? text : request.getRequestURI();
        int status = code instanceof Integer number ? number : 404;
        String detail = ProblemJson.detail(status);
        Object incident = request.getAttribute(UncaughtErrorFilter.INCIDENT);
        if (thrown instanceof Throwable exception) {
            if (UncaughtErrorFilter.isBodyTooLarge(exception)) {
                status = 413;
                detail = ProblemJson.detail(413);
            } else {
                status = 500;
                incident = UncaughtErrorFilter.logIncident(LOG, exception, path);
            }
        }
        if (status >= 500 && incident == null && status != 503) {
            incident = UUID.randomUUID().toString();
            ErrorLog.line(
                    LOG, Level.SEVERE, "incident " + incident + " on " + path + ": " + status);
        }
        if (incident != null) {
            detail = "An unexpected error occurred. Incident " + incident + " is logged.";
        }
        if (status == 401) {
            String authorization = request.getHeader("Authorization");
            boolean bearer =
                    authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7);
            response.setHeader(
                    "WWW-Authenticate",
                    bearer ? "Bearer error=\"invalid_token\"" : "Bearer realm=\"codaipro\"");
            if (bearer) {
                detail = "The bearer token is not valid (malformed, unsigned, forged or expired).";
                ErrorLog.line(
                        LOG,
                        Level.INFO,
                        "bearer token refused on "
                                + request.getMethod()
                                + " "
                                + path
                                + " from "
                                + request.getRemoteAddr());
            }
        }
        if (response.isCommitted()) {
            return;
        }
        ProblemJson.write(response, status, detail, path);
    }
}
