package pro.codai.portal.ide;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import pro.codai.portal.site.SecurityHeadersFilter;
import pro.codai.sandbox.connector.api.SandboxConnectorException;

/**
 * Shows a workspace's files as web pages (the static-web template's Preview): {@code
 * /preview/<secret of the workspace>/<path>} on the preview address ({@code
 * codaipro.ide.preview-url}, another host than the portal's, so the browser sends no portal cookie
 * there and none is needed: the page's own links to its styles and scripts just work). The page
 * also runs in a sandboxed, opaque origin ({@code Content-Security-Policy: sandbox allow-scripts
 * ...}): its scripts cannot read the portal's pages or call its API as the student. Hidden files
 * and folders ({@code .git/}, {@code .env}, any segment starting with a dot) are not shown. The
 * secret dies with the workspace.
 */
@WebServlet(PreviewServlet.PATH + "/*")
public class PreviewServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    static final String PATH = SecurityHeadersFilter.PREVIEW_PATH;

    /**
     * The previews' own policy: scripts run, in an origin of their own, and nothing is embedded.
     */
    static final String POLICY =
            "sandbox allow-scripts allow-forms allow-modals allow-popups;"
                    + " default-src 'self' 'unsafe-inline' data: blob:; object-src 'none';"
                    + " base-uri 'none'";

    private static final Map<String, String> TYPES =
            Map.ofEntries(
                    Map.entry("html", "text/html; charset=UTF-8"),
                    Map.entry("htm", "text/html; charset=UTF-8"),
                    Map.entry("css", "text/css; charset=UTF-8"),
                    Map.entry("js", "text/javascript; charset=UTF-8"),
                    Map.entry("mjs", "text/javascript; charset=UTF-8"),
                    Map.entry("json", "application/json"),
                    Map.entry("txt", "text/plain; charset=UTF-8"),
                    Map.entry("svg", "image/svg+xml"),
                    Map.entry("png", "image/png"),
                    Map.entry("jpg", "image/jpeg"),
                    Map.entry("jpeg", "image/jpeg"),
                    Map.entry("gif", "image/gif"),
                    Map.entry("webp", "image/webp"),
                    Map.entry("ico", "image/x-icon"),
                    Map.entry("woff2", "font/woff2"));

    @Inject transient Workspaces workspaces;
    @Inject transient WorkspaceFiles files;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        String rest = request.getPathInfo() == null ? "" : request.getPathInfo().substring(1);
        int slash = rest.indexOf('/');
        Workspace workspace =
                slash <= 0 ? null : workspaces.findByPreviewToken(rest.substring(0, slash));
        if (workspace == null) {
            problem(response, 404, "No such preview", "The workspace of this preview has ended.");
            return;
        }
        String path = rest.substring(slash + 1);
        if (path.isEmpty() || path.endsWith("/")) {
            path += "index.html";
        }
        if (hidden(path)) {
            problem(response, 404, "No such file", "Hidden files are not shown in previews.");
            return;
        }
        String extension = path.substring(path.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        byte[] content;
        try {
            content = files.read(workspace.subject(), path);
        } catch (WorkspaceFileException refused) {
            problem(response, refused.status(), refused.title(), refused.getMessage());
            return;
        } catch (SandboxConnectorException e) {
            problem(response, 503, "Workspace unavailable", "The workspace cannot be reached.");
            return;
        }
        response.setContentType(TYPES.getOrDefault(extension, "application/octet-stream"));
        response.setHeader("Content-Security-Policy", POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Cross-Origin-Resource-Policy", "same-origin");
        response.setContentLength(content.length);
        response.getOutputStream().write(content);
    }

    /** Whether a segment of the path starts with a dot: {@code .git/config}, {@code a/.env}. */
    static boolean hidden(String path) {
        for (String segment : path.split("/", -1)) {
            if (segment.startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static void problem(
            HttpServletResponse response, int status, String title, String detail)
            throws IOException {
        response.setStatus(status);
        response.setContentType(Problems.MEDIA_TYPE);
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(Problems.json(status, title, detail));
    }
}
