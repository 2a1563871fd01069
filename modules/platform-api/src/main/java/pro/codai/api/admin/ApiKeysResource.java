package pro.codai.api.admin;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import pro.codai.api.problem.Problem;
import pro.codai.api.security.Allow;
import pro.codai.api.security.Caller;
import pro.codai.platform.apikey.ApiKey;
import pro.codai.platform.apikey.ApiKeys;

/**
 * Issue, list and revoke service API keys (for scripts and Jobe clients such as Moodle) and see
 * every key, personal ones included. For administrators (role {@code admin}) or the admin token;
 * the key's secret is in the answer to {@code POST} and nowhere else.
 */
@Path("/v1/admin/api-keys")
@Tag(name = "admin")
@Allow(roles = "admin", adminToken = true)
public class ApiKeysResource {

    @Inject ApiKeys apiKeys;
    @Context UriInfo uri;
    @Context jakarta.ws.rs.container.ContainerRequestContext request;

    /**
     * @param scopes {@code runs} and/or {@code jobe}
     * @param runsPerHour hourly run budget; 0 or absent: none
     */
    public record IssueBody(String name, Set<String> scopes, Integer runsPerHour) {}

    /** A key as listed: never its secret. */
    public record KeyView(
            long id,
            String name,
            String prefix,
            Set<String> scopes,
            int runsPerHour,
            Instant createdAt,
            Instant revokedAt,
            String owner) {
        public static KeyView of(ApiKey key) {
            return new KeyView(
                    key.id(),
                    key.name(),
                    key.keyPrefix(),
                    key.scopes(),
                    key.runsPerHour(),
                    key.createdAt(),
                    key.revokedAt(),
                    key.ownerSubject());
        }
    }

    /** A newly issued key, with its secret: shown this once. */
    public record IssuedView(KeyView key, String secret) {

        /** The 201 answer to an issue request: never cached, the key's address in Location. */
        public static Response created(UriInfo uri, ApiKeys.Issued issued) {
            return Response.created(
                            uri.getAbsolutePathBuilder()
                                    .path(Long.toString(issued.key().id()))
                                    .build())
                    .type(MediaType.APPLICATION_JSON_TYPE)
                    .header("Cache-Control", "no-store")
                    .entity(new IssuedView(KeyView.of(issued.key()), issued.secret()))
                    .build();
        }
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "Issue an API key; its secret is shown only in this answer")
    public Response issue(IssueBody body) {
        if (body == null) {
            return bad("a JSON body is required");
        }
        try {
            ApiKeys.Issued issued =
                    apiKeys.issue(
                            body.name(),
                            body.scopes(),
                            body.runsPerHour() == null ? 0 : body.runsPerHour(),
                            actor());
            return IssuedView.created(uri, issued);
        } catch (IllegalArgumentException e) {
            return bad(e.getMessage());
        }
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Every API key ever issued (without secrets)")
    public List<KeyView> list() {
        return apiKeys.list().stream().map(KeyView::of).toList();
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Revoke an API key at once")
    public Response revoke(@PathParam("id") long id) {
        if (!apiKeys.revoke(id, actor())) {
            throw new NotFoundException("no API key " + id);
        }
        return Response.noContent().build();
    }

    private String actor() {
        return Caller.of(request).actor();
    }

    private Response bad(String detail) {
        return Problem.of(Response.Status.BAD_REQUEST, detail, uri.getPath()).toResponse();
    }
}
