package pro.codai.jobe;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Jobe answers errors with a JSON string (the message) and the HTTP status. */
final class JobeError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Jobe's (CodeIgniter's) JSON type: UTF-8 named. */
    static final MediaType JSON = MediaType.APPLICATION_JSON_TYPE.withCharset("UTF-8");

    private final int status;

    JobeError(String message, int status) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }

    Response toResponse() {
        return response(getMessage(), status);
    }

    static Response response(String message, int status) {
        return Response.status(status)
                .type(JSON)
                .entity(JobeJson.JSON.createValue(message).toString())
                .build();
    }
}
