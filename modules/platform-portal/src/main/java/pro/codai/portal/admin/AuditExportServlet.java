package pro.codai.portal.admin;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import pro.codai.platform.audit.AuditLog;
import pro.codai.platform.audit.AuditQuery;
import pro.codai.platform.web.Csv;
import pro.codai.portal.account.CurrentAccount;

/**
 * {@code /admin/audit.csv}: the audit log's events matching {@code person}, {@code action}, {@code
 * target}, {@code from} and {@code to} (ISO-8601 instants), as CSV. Admin only (under {@code
 * /admin/*}); each export is itself recorded with the search it ran.
 */
@WebServlet("/admin/audit.csv")
public class AuditExportServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject transient AuditLog auditLog;

    @Inject transient CurrentAccount account;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        AuditQuery query;
        try {
            query =
                    new AuditQuery(
                            request.getParameter("person"),
                            request.getParameter("action"),
                            request.getParameter("target"),
                            instant("from", request.getParameter("from")),
                            instant("to", request.getParameter("to")));
        } catch (IllegalArgumentException e) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            response.setContentType("text/plain; charset=UTF-8");
            response.getWriter().println("The export was not made: " + e.getMessage() + ".");
            return;
        }
        AuditLog.Export export = auditLog.beginExport(query, account.subject());
        response.setContentType(Csv.MEDIA_TYPE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Content-Disposition", Csv.attachment("audit"));
        Writer out = response.getWriter();
        auditLog.write(export, out);
        out.flush();
    }

    /** Only the headers: a HEAD neither runs nor records an export. */
    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) {
        response.setContentType(Csv.MEDIA_TYPE);
        response.setHeader("Cache-Control", "no-store");
    }

    private static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    name + " must be an ISO-8601 instant such as 2026-12-01T08:00:00Z");
        }
    }
}
