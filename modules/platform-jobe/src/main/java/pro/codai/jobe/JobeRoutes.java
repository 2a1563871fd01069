package pro.codai.jobe;

import java.util.regex.Pattern;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

/**
 * Jobe's routes, and only those, before any resource is matched: {@code GET languages}, {@code POST
 * runs}, {@code PUT} and {@code HEAD files/{id}} (an id of letters and digits). Any other method or
 * path under the API is answered as Jobe answers a request it has no route for: 404 with a JSON
 * string, never the container's 405 or its page. {@code OPTIONS}, on any path and without a key (a
 * browser's preflight carries none), is answered 204 with Jobe's CORS headers.
 */
@Provider
@PreMatching
public class JobeRoutes implements ContainerRequestFilter {

    private static final Pattern FILE = Pattern.compile("files/[A-Za-z0-9]+");

    @Override
    public void filter(ContainerRequestContext request) {
        String method = request.getMethod();
        String path = trimmed(request.getUriInfo().getPath());
        if (method.equals("OPTIONS")) {
            request.abortWith(
                    Response.noContent()
                            .header("Access-Control-Allow-Origin", "*")
                            .header(
                                    "Access-Control-Allow-Headers",
                                    "X-API-KEY, Origin, X-Requested-With, Content-Type, Accept,"
                                            + " Access-Control-Request-Method")
                            .header(
                                    "Access-Control-Allow-Methods",
                                    "GET, POST, OPTIONS, PUT, HEAD, DELETE")
                            .build());
        } else if (!isRoute(method, path)) {
            request.abortWith(
                    JobeError.response(
                            "Can't find a route for '" + method + ": restapi/" + path + "'.", 404));
        }
    }

    static boolean isRoute(String method, String path) {
        return switch (method) {
            case "GET" -> path.equals("languages");
            case "POST" -> path.equals("runs");
            case "PUT", "HEAD" -> FILE.matcher(path).matches();
            default -> false;
        };
    }

    /** The path without the slashes around it: Jobe takes {@code runs/} as {@code runs}. */
    private static String trimmed(String path) {
        int start = 0;
        int end = path.length();
        while (start < end && path.charAt(start) == '/') {
            start++;
        }
        while (end > start && path.charAt(end - 1) == '/') {
            end--;
        }
        return path.substring(start, end);
    }
}
