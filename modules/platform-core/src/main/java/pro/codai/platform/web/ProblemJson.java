package pro.codai.platform.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;
import jakarta.servlet.http.HttpServletResponse;

/**
 * RFC 9457 problem details written straight to a servlet response: the same shape as the API's
 * {@code Problem} ({@code type}, {@code title}, {@code status}, {@code detail}, {@code instance}),
 * for answers made outside JAX-RS (error pages, filters).
 */
public final class ProblemJson {

    /** The media type of problem details. */
    public static final String MEDIA_TYPE = "application/problem+json";

    private static final JsonProvider JSON = JsonProvider.provider();

    private ProblemJson() {}

    /** The problem as JSON text; {@code instance} may be null. */
    public static String json(int status, String detail, String instance) {
        return json(status, title(status), detail, instance);
    }

    /** The problem as JSON text with a title of its own; {@code instance} may be null. */
    public static String json(int status, String title, String detail, String instance) {
        JsonObjectBuilder problem =
                JSON.createObjectBuilder()
                        .add("type", "about:blank")
                        .add("title", title)
                        .add("status", status)
                        .add("detail", detail);
        if (instance != null) {
            problem.add("instance", instance);
        }
        return problem.build().toString();
    }

    /** Writes the problem as the whole answer (the response must not be committed yet). */
    public static void write(
            HttpServletResponse response, int status, String detail, String instance)
            throws IOException {
        byte[] body = json(status, detail, instance).getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(MEDIA_TYPE);
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** The reason phrase of a status, as the title of a problem that has no type of its own. */
    public static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 406 -> "Not Acceptable";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 415 -> "Unsupported Media Type";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 503 -> "Service Unavailable";
            default -> status >= 500 ? "Server Error" : "Client Error";
        };
    }

    /** What went wrong, for a status that comes with no detail of its own. */
    public static String detail(int status) {
        return switch (status) {
            case 400 -> "The request is malformed.";
            case 401 -> "Valid credentials are needed.";
            case 403 -> "This is not allowed.";
            case 404 -> "No resource here.";
            case 405 -> "This resource does not support that method.";
            case 406 -> "This resource cannot produce the requested media type.";
            case 413 -> "The request body is too large.";
            case 414 -> "The request address is too long.";
            case 415 -> "This resource does not accept that media type.";
            case 503 -> "The service is unavailable; try again shortly.";
            default -> title(status) + ".";
        };
    }
}
