package pro.codai.api.admin;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import pro.codai.api.problem.Problem;
import pro.codai.api.security.Allow;
import pro.codai.platform.analytics.RunRecords;
import pro.codai.sandbox.connector.api.SandboxConnection;
import pro.codai.sandbox.connector.api.SandboxConnectionFactory;
import pro.codai.sandbox.connector.api.SandboxConnectorException;
import pro.codai.sandbox.connector.api.WarmPoolState;

/**
 * What the appliance is doing now, as the console's live page shows it: the runs of the last minute
 * (every server's) and the sandbox host's warm pool. For administrators or the admin token.
 */
@Path("/v1/admin/capacity")
@Tag(name = "admin")
@Allow(roles = "admin", adminToken = true)
public class CapacityResource {

    @Inject RunRecords runRecords;
    @Inject SandboxConnectionFactory sandboxes;
    @Context UriInfo uri;

    /**
     * The runs since a time (every server's, in all and by outcome) and sandboxd's warm pool, or
     * why sandboxd could not say ({@code sandboxProblem}).
     */
    public record Capacity(
            Instant since,
            long runs,
            Map<String, Long> outcomes,
            WarmPoolState warmPool,
            String sandboxProblem) {}

    /**
     * @param since the runs since this ISO-8601 instant, within the last day (default: the last
     *     minute), e.g. a monitoring script's last poll
     */
    @GET
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(
            summary = "Runs of the last minute (or since a time) and the sandbox host's warm pool")
    public Response capacity(@QueryParam("since") String since) {
        Instant now = Instant.now();
        Instant from = now.minusSeconds(60);
        if (since != null) {
            try {
                from = Instant.parse(since.strip());
            } catch (DateTimeParseException e) {
                return problem("since must be an ISO-8601 instant such as 2026-12-01T08:00:00Z");
            }
            if (from.isBefore(now.minus(Duration.ofDays(1))) || from.isAfter(now)) {
                return problem("since must be within the last day");
            }
        }
        RunRecords.Recent runs = runRecords.since(from);
        try (SandboxConnection connection = sandboxes.getConnection()) {
            return Response.ok(
                            new Capacity(
                                    from,
                                    runs.runs(),
                                    runs.outcomes(),
                                    connection.warmPool(),
                                    null))
                    .build();
        } catch (SandboxConnectorException e) {
            return Response.ok(
                            new Capacity(from, runs.runs(), runs.outcomes(), null, e.getMessage()))
                    .build();
        }
    }

    private Response problem(String detail) {
        return Problem.of(Response.Status.BAD_REQUEST, detail, uri.getPath()).toResponse();
    }
}
