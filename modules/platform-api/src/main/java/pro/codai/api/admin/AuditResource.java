package pro.codai.api.admin;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import pro.codai.api.problem.Problem;
import pro.codai.api.security.Allow;
import pro.codai.api.security.Caller;
import pro.codai.platform.audit.AuditEntry;
import pro.codai.platform.audit.AuditLog;
import pro.codai.platform.audit.AuditQuery;
import pro.codai.platform.audit.AuditRetention;
import pro.codai.platform.web.Csv;

/**
 * The audit log, searched and exported: by person (part of a name or e-mail address, or a subject;
 * as actor or as target), action, part of the target and a time range. Newest first, in pages that
 * go on from the last event seen. For administrators (role {@code admin}) or the admin token; every
 * export is itself recorded.
 */
@Path("/v1/admin/audit")
@Tag(name = "admin")
@Allow(roles = "admin", adminToken = true)
public class AuditResource {

    static final int DEFAULT_LIMIT = 100;

    @Inject AuditLog auditLog;
    @Inject AuditRetention retention;
    @Context UriInfo uri;
    @Context ContainerRequestContext request;

    /** A page of events, and the {@code before} that asks for the next (null after the last). */
    public record AuditPage(List<AuditEntry> events, Long nextBefore) {}

    /**
     * @param person part of a person's name or e-mail address, or their subject
     * @param action an action exactly, e.g. {@code api-key.revoked}
     * @param target part of the target, e.g. {@code api-key:}
     * @param from the earliest time: an ISO-8601 instant ({@code 2026-12-01T08:00:00Z}) or a date
     *     (its start, UTC)
     * @param to the latest time, exclusive: an instant or a date (its start, UTC)
     * @param before only events older than this event id (the {@code nextBefore} of a page)
     * @param limit how many events (1–1000, default 100)
     */
    @GET
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "Search the audit log, newest first")
    public Response search(
            @QueryParam("person") String person,
            @QueryParam("action") String action,
            @QueryParam("target") String target,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("before") String before,
            @QueryParam("limit") String limit) {
        AuditQuery query;
        Long beforeId;
        int max;
        try {
            query = new AuditQuery(person, action, target, time("from", from), time("to", to));
            beforeId = before == null ? null : whole("before", before, 1, Long.MAX_VALUE);
            max = limit == null ? DEFAULT_LIMIT : (int) whole("limit", limit, 1, AuditLog.MAX_PAGE);
        } catch (IllegalArgumentException e) {
            return bad(e.getMessage());
        }
        AuditLog.Page page = auditLog.page(query, beforeId, max);
        return Response.ok(
                        new AuditPage(page.entries(), page.nextBefore()),
                        MediaType.APPLICATION_JSON_TYPE)
                .build();
    }

    /** The same search, every matching event, as CSV (times ISO-8601 UTC). */
    @GET
    @Path("export")
    @Produces({"text/csv", Problem.MEDIA_TYPE})
    @Operation(summary = "Export the audit log's matching events as CSV (the export is recorded)")
    public Response export(
            @QueryParam("person") String person,
            @QueryParam("action") String action,
            @QueryParam("target") String target,
            @QueryParam("from") String from,
            @QueryParam("to") String to) {
        AuditQuery query;
        try {
            query = new AuditQuery(person, action, target, time("from", from), time("to", to));
        } catch (IllegalArgumentException e) {
            return bad(e.getMessage());
        }
        AuditLog.Export export = auditLog.beginExport(query, Caller.of(request).actor());
        StreamingOutput csv =
                output -> {
                    BufferedWriter writer =
                            new BufferedWriter(
                                    new OutputStreamWriter(output, StandardCharsets.UTF_8));
                    auditLog.write(export, writer);
                    writer.flush();
                };
        return Response.ok(csv, Csv.MEDIA_TYPE)
                .header(HttpHeaders.CONTENT_DISPOSITION, Csv.attachment("audit"))
                .build();
    }

    /** An instant, or a date taken as its start in UTC; null when absent. */
    static Instant time(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return value.length() == 10
                    ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    name
                            + " must be an ISO-8601 instant such as 2026-12-01T08:00:00Z or a date"
                            + " such as 2026-12-01");
        }
    }

    /** How long events are kept: {@code days} (0: for ever), and who set it when. */
    @GET
    @Path("retention")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "How long the audit log keeps its events")
    public AuditRetention.Retention getRetention() {
        return retention.retention();
    }

    /**
     * Keeps events for {@code {"days":365}}: 0 for ever, or 30 to 3650 days; older ones are removed
     * within the hour, and then hourly.
     */
    @PUT
    @Path("retention")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "Set how long the audit log keeps its events")
    public Response setRetention(String body) {
        int days;
        try (JsonReader reader = Json.createReader(new StringReader(body == null ? "" : body))) {
            JsonObject object = reader.readObject();
            if (!(object.get("days") instanceof JsonNumber number) || !number.isIntegral()) {
                return bad("the body must be {\"days\":365}: a whole number of days, 0 for ever");
            }
            days = number.intValueExact();
            retention.set(days, Caller.of(request).actor());
        } catch (JsonException | IllegalStateException | ArithmeticException e) {
            return bad("the body must be {\"days\":365}: a whole number of days, 0 for ever");
        } catch (IllegalArgumentException e) {
            return bad(e.getMessage());
        }
        return Response.ok(retention.retention()).build();
    }

    static long whole(String name, String value, long min, long max) {
        try {
            long number = Long.parseLong(value.strip());
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException(
                name + " must be a whole number from " + min + " to " + max);
    }

    private Response bad(String detail) {
        return Problem.of(Response.Status.BAD_REQUEST, detail, uri.getPath()).toResponse();
    }
}
