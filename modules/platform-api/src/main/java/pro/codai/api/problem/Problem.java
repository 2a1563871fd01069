package pro.codai.api.problem;

import java.net.URI;
import java.util.List;

import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * An RFC 9457 problem detail: the one shape of every error the API returns.
 *
 * @param type URI naming the kind of problem ({@code about:blank} when the status says it all)
 * @param title short summary of the kind of problem
 * @param status the HTTP status code
 * @param detail what went wrong in this occurrence, for the caller to read
 * @param instance the request path the problem occurred on
 * @param errors one entry per invalid input field, for validation problems
 */
@JsonbNillable(false)
@JsonbPropertyOrder({"type", "title", "status", "detail", "instance", "errors"})
public record Problem(
        URI type,
        String title,
        int status,
        String detail,
        String instance,
        List<FieldError> errors) {

    /** The media type of problem details. */
    public static final String MEDIA_TYPE = "application/problem+json";

    static final MediaType PROBLEM_JSON = MediaType.valueOf(MEDIA_TYPE);

    static final URI ABOUT_BLANK = URI.create("about:blank");

    /** One invalid input: where it is and what is wrong with it. */
    public record FieldError(String field, String message) {}

    /** A problem described by its status alone. */
    public static Problem of(Response.StatusType status, String detail, String instance) {
        return new Problem(
                ABOUT_BLANK,
                status.getReasonPhrase(),
                status.getStatusCode(),
                detail,
                instance,
                null);
    }

    /** This problem as a response with the problem media type. */
    public Response toResponse() {
        return Response.status(status).type(PROBLEM_JSON).entity(this).build();
    }
}
