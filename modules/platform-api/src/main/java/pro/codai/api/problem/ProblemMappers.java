package pro.codai.api.problem;

import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.json.bind.JsonbException;
import jakarta.transaction.TransactionalException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import pro.codai.platform.persistence.ApplicationDatabase;
import pro.codai.platform.persistence.DatabaseUnavailable;
import pro.codai.platform.web.ErrorLog;

/**
 * Maps every exception that leaves a resource to a {@link Problem}. Clients never see a stack trace
 * or an HTML error page; unexpected errors are logged with an incident id that the response names.
 */
public final class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class.getName());

    private ProblemMappers() {}

    private static String path(UriInfo uriInfo) {
        return uriInfo == null ? null : "/api/" + uriInfo.getPath(false).replaceFirst("^/", "");
    }

    /** JAX-RS errors (404, 405, 406, 415, …) keep their status. */
    @Provider
    public static class WebApplicationProblems implements ExceptionMapper<WebApplicationException> {

        @Context UriInfo uriInfo;

        @Inject ApplicationDatabase database;

        @Override
        public Response toResponse(WebApplicationException exception) {
            Response.StatusType status = exception.getResponse().getStatusInfo();
            if (status.getStatusCode() >= 500) {
                return Unexpected.incident(exception, path(uriInfo), database);
            }
            if (exception.getResponse().getEntity() instanceof String detailed
                    && Problem.PROBLEM_JSON.isCompatible(exception.getResponse().getMediaType())) {
                // A refusal that already says why (ApiBodies).
                return Response.status(status.getStatusCode())
                        .type(Problem.PROBLEM_JSON)
                        .entity(detailed)
                        .build();
            }
            return Problem.of(status, describe(status), path(uriInfo)).toResponse();
        }

        private static String describe(Response.StatusType status) {
            return switch (status.getStatusCode()) {
                case 404 -> "No resource here.";
                case 405 -> "This resource does not support that method.";
                case 406 -> "This resource cannot produce the requested media type.";
                case 415 -> "This resource does not accept that media type.";
                default -> status.getReasonPhrase() + ".";
            };
        }
    }

    /** Bean Validation failures: 400 with one entry per invalid field. */
    @Provider
    public static class ValidationProblems
            implements ExceptionMapper<ConstraintViolationException> {

        @Context UriInfo uriInfo;

        @Override
        public Response toResponse(ConstraintViolationException exception) {
            List<Problem.FieldError> errors =
                    exception.getConstraintViolations().stream()
                            .map(ValidationProblems::fieldError)
                            .sorted(Comparator.comparing(Problem.FieldError::field))
                            .toList();
            Response.Status status = Response.Status.BAD_REQUEST;
            return new Problem(
                            Problem.ABOUT_BLANK,
                            status.getReasonPhrase(),
                            status.getStatusCode(),
                            "The request has invalid input.",
                            path(uriInfo),
                            errors)
                    .toResponse();
        }

        private static Problem.FieldError fieldError(ConstraintViolation<?> violation) {
            String property = violation.getPropertyPath().toString();
            // "method.arg0.field" -> "field": the caller knows fields, not Java methods.
            int lastDot = property.lastIndexOf('.');
            String field = lastDot < 0 ? property : property.substring(lastDot + 1);
            return new Problem.FieldError(field, violation.getMessage());
        }
    }

    /** A body that is not the JSON the resource expects: 400. */
    @Provider
    public static class MalformedJsonProblems implements ExceptionMapper<JsonbException> {

        @Context UriInfo uriInfo;

        @Override
        public Response toResponse(JsonbException exception) {
            return malformed(path(uriInfo));
        }

        static Response malformed(String path) {
            return Problem.of(
                            Response.Status.BAD_REQUEST,
                            "The request body is not valid JSON for this resource.",
                            path)
                    .toResponse();
        }
    }

    /**
     * A body the JSON binding cannot read (malformed JSON, wrong types): 400. Jersey wraps the
     * binding's error in a ProcessingException, which would otherwise end as a 500.
     */
    @Provider
    public static class UnreadableBodyProblems
            implements ExceptionMapper<jakarta.ws.rs.ProcessingException> {

        @Context UriInfo uriInfo;

        @Inject ApplicationDatabase database;

        @Override
        public Response toResponse(jakarta.ws.rs.ProcessingException exception) {
            return exception.getCause() instanceof JsonbException
                    ? MalformedJsonProblems.malformed(path(uriInfo))
                    : Unexpected.incident(exception, path(uriInfo), database);
        }
    }

    /** A run request that is malformed or over a limit: 400 saying which. */
    @Provider
    public static class RejectedRunProblems
            implements ExceptionMapper<pro.codai.platform.run.RunRejectedException> {

        @Context UriInfo uriInfo;

        @Override
        public Response toResponse(pro.codai.platform.run.RunRejectedException exception) {
            return Problem.of(Response.Status.BAD_REQUEST, exception.getMessage(), path(uriInfo))
                    .toResponse();
        }
    }

    /**
     * A transaction whose commit failed ({@code @Transactional} throws {@link
     * TransactionalException}, e.g. PostgreSQL terminating the connection as it stops): answered as
     * {@link Unexpected} answers, so the database going away is 503. Jersey's own mapper for this
     * type rethrows what it cannot map, which ends as a bare 500; the priority puts this one before
     * it.
     */
    @Provider
    @Priority(1)
    public static class FailedTransactions implements ExceptionMapper<TransactionalException> {

        @Context UriInfo uriInfo;

        @Inject ApplicationDatabase database;

        @Override
        public Response toResponse(TransactionalException exception) {
            return Unexpected.incident(exception, path(uriInfo), database);
        }
    }

    /**
     * Anything else: 500, logged in one line with an incident id (the stack trace only at FINE);
     * the response leaks nothing else. The database out of reach is 503 with {@code Retry-After}
     * instead, logged in one line too ({@link ApplicationDatabase#explains}: said so by the
     * failure's causes, or a failed database access while no connection can be had).
     */
    @Provider
    public static class Unexpected implements ExceptionMapper<Throwable> {

        @Context UriInfo uriInfo;

        @Inject ApplicationDatabase database;

        @Override
        public Response toResponse(Throwable exception) {
            return incident(exception, path(uriInfo), database);
        }

        static Response incident(Throwable exception, String path, ApplicationDatabase database) {
            if (database != null
                    ? database.explains(exception)
                    : DatabaseUnavailable.isCause(exception)) {
                // The pool replaces broken connections: the same request works once it is back.
                ErrorLog.line(
                        LOG,
                        Level.WARNING,
                        "database unavailable on " + path + ": " + ErrorLog.brief(exception));
                return Response.fromResponse(
                                Problem.of(
                                                Response.Status.SERVICE_UNAVAILABLE,
                                                "The database is unavailable; try again shortly.",
                                                path)
                                        .toResponse())
                        .header("Retry-After", 5)
                        .build();
            }
            String incident = UUID.randomUUID().toString();
            ErrorLog.line(
                    LOG,
                    Level.SEVERE,
                    "incident " + incident + " on " + path + ": " + ErrorLog.brief(exception));
            LOG.log(Level.FINE, exception, () -> "incident " + incident);
            return Problem.of(
                            Response.Status.INTERNAL_SERVER_ERROR,
                            "An unexpected error occurred. Incident " + incident + " is logged.",
                            path)
                    .toResponse();
        }
    }
}
