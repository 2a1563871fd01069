package pro.codai.api.problem;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;

import pro.codai.platform.web.JsonDepth;

/**
 * JSON bodies are read whole before they are bound, and refused when larger than {@link
 * #MAX_BODY_BYTES} (413) or nested deeper than {@link #MAX_DEPTH} (400): no resource of the API
 * takes more than a few levels, and the parser's own limit (1000) ends in an unchecked exception.
 */
@Provider
public class BoundedBodies implements ReaderInterceptor {

    /** A run's source, input and files (16 MB) in base64 and JSON, with room to spare. */
    public static final int MAX_BODY_BYTES = 32 << 20;

    /** Levels of arrays and objects a body may nest. */
    public static final int MAX_DEPTH = 32;

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        MediaType type = context.getMediaType();
        if (type == null
                || !type.getSubtype().toLowerCase(java.util.Locale.ROOT).contains("json")) {
            return context.proceed();
        }
        byte[] body = context.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            throw refusal(
                    Response.Status.REQUEST_ENTITY_TOO_LARGE,
                    "The request body is larger than " + (MAX_BODY_BYTES >> 20) + " MB.");
        }
        if (JsonDepth.exceeds(body, MAX_DEPTH)) {
            throw refusal(
                    Response.Status.BAD_REQUEST,
                    "The request body nests more than " + MAX_DEPTH + " levels of JSON.");
        }
        context.setInputStream(new ByteArrayInputStream(body));
        return context.proceed();
    }

    private static WebApplicationException refusal(Response.Status status, String detail) {
        return new WebApplicationException(Problem.of(status, detail, null).toResponse());
    }
}
