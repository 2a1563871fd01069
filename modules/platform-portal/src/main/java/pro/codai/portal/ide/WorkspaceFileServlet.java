package pro.codai.portal.ide;

import java.io.IOException;
import java.io.InputStream;
import java.security.Principal;
import java.util.regex.Pattern;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import pro.codai.sandbox.api.ExecRequest;
import pro.codai.sandbox.api.ExecResult;
import pro.codai.sandbox.connector.api.SandboxConnection;
import pro.codai.sandbox.connector.api.SandboxConnectorException;

/**
 * Saves the editor's file into the workspace: {@code PUT /app/workspace/file?path=main.py} with the
 * content as the body. The write happens inside the student's sandbox, as the student (uid 1000,
 * through the sandbox's own permission checks), so a link or path trick in their home can reach
 * nothing they could not write from their terminal anyway.
 *
 * <p>Refused with an RFC 9457 problem: without the IDE's request header (a cross-site form cannot
 * send it), a path that is not a plain relative one, a body over {@link #MAX_BYTES}, or no running
 * workspace.
 */
@WebServlet("/app/workspace/file")
public class WorkspaceFileServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    static final int MAX_BYTES = 1024 * 1024;
    static final String IDE_HEADER = "X-CodaiPro-IDE";
    private static final Pattern PATH =
            Pattern.compile("(?!.*(^|/)\\.\\.?(/|$))[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+){0,15}");

    @Inject transient Workspaces workspaces;

    @Override
    protected void doPut(HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        Principal user = request.getUserPrincipal();
        if (user == null) {
            problem(response, 401, "Sign in first", "Saving needs a signed-in session.");
            return;
        }
        if (!"1".equals(request.getHeader(IDE_HEADER))) {
            problem(response, 403, "Not from the IDE", "Files are saved from the IDE page only.");
            return;
        }
        String path = request.getParameter("path");
        if (path == null || path.length() > 255 || !PATH.matcher(path).matches()) {
            problem(
                    response,
                    400,
                    "Bad file path",
                    "A path is relative to your home: letters, digits, '.', '_', '-' and '/'"
                            + " between names, no '..'.");
            return;
        }
        byte[] content;
        try (InputStream body = request.getInputStream()) {
            content = body.readNBytes(MAX_BYTES + 1);
        }
        if (content.length > MAX_BYTES) {
            problem(
                    response,
                    413,
                    "File too large",
                    "A file saved from the editor is at most 1 MiB.");
            return;
        }
        Workspace workspace = workspaces.find(user.getName());
        if (workspace == null) {
            problem(
                    response,
                    409,
                    "No workspace",
                    "Open Try Now first; your workspace is not running.");
            return;
        }
        try (SandboxConnection connection = workspaces.sandboxes().getConnection()) {
            ExecResult saved =
                    connection.exec(
                            workspace.sandbox(),
                            ExecRequest.of(
                                            "/bin/sh",
                                            "-c",
                                            "mkdir -p -- \"$(dirname -- \"$1\")\" && cat > \"$1\"",
                                            "save",
                                            path)
                                    .withCwd(Workspaces.HOME)
                                    .withStdin(content));
            if (saved.exitCode() != 0) {
                problem(
                        response,
                        409,
                        "Not saved",
                        new String(saved.stderr(), java.nio.charset.StandardCharsets.UTF_8)
                                .strip());
                return;
            }
        } catch (SandboxConnectorException e) {
            problem(
                    response,
                    503,
                    "Workspace unavailable",
                    "Your workspace cannot be reached right now.");
            return;
        }
        response.setStatus(204);
    }

    static void problem(HttpServletResponse response, int status, String title, String detail)
            throws IOException {
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter()
                .write(
                        jakarta.json.Json.createObjectBuilder()
                                .add("type", "about:blank")
                                .add("title", title)
                                .add("status", status)
                                .add("detail", detail)
                                .build()
                                .toString());
    }
}
