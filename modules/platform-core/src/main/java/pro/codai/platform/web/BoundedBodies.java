package pro.codai.platform.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Locale;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;

/**
 * Request bodies are read whole before a resource sees them, and refused with problem details when
 * larger than {@link #MAX_BODY_BYTES} (413) or, for JSON and when asked, nested deeper than a bound
 * (400): no resource takes more than a few levels, and the JSON parser's own limit (1000) ends in
 * an unchecked exception. A WAR registers it with a subclass:
 *
 * <pre>{@code
 * @Provider
 * public class Bodies extends BoundedBodies {
 *     public Bodies() { super(32); }
 * }
 * }</pre>
 */
public class BoundedBodies implements ReaderInterceptor {

    /** A run's source, input and files (16 MB) in base64 and JSON, with room to spare. */
    public static final int MAX_BODY_BYTES = 32 << 20;

    private final int maxDepth;

    /**
     * @param maxDepth levels of JSON arrays and objects a body may nest; 0: not checked
     */
    protected BoundedBodies(int maxDepth) {
        this.maxDepth = maxDepth;
    }

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        byte[] body = context.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            throw refusal(
                    413, "The request body is larger than " + (MAX_BODY_BYTES >> 20) + " MB.");
        }
        if (maxDepth > 0 && isJson(context.getMediaType()) && JsonDepth.exceeds(body, maxDepth)) {
            throw refusal(400, "The request body nests more than " + maxDepth + " levels of JSON.");
        }
        context.setInputStream(new ByteArrayInputStream(body));
        return context.proceed();
    }

    private static boolean isJson(MediaType type) {
        return type != null && type.getSubtype().toLowerCase(Locale.ROOT).contains("json");
    }

    private static WebApplicationException refusal(int status, String detail) {
        return new WebApplicationException(
                Response.status(status)
                        .type(ProblemJson.MEDIA_TYPE)
                        .entity(ProblemJson.json(status, detail, null))
                        .build());
    }
}
