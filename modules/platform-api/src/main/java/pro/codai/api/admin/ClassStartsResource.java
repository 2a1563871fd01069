package pro.codai.api.admin;

import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import pro.codai.api.problem.Problem;
import pro.codai.api.security.Allow;
import pro.codai.api.security.Caller;
import pro.codai.platform.timetable.ClassStarts;

/**
 * The timetable of class starts: an administrator announces that a class of so many students starts
 * at a time, and the server grows sandboxd's warm pool by that many sandboxes ahead of it ({@code
 * codaipro.prewarm.*}). For administrators (role {@code admin}) or the admin token.
 */
@Path("/v1/admin/class-starts")
@Tag(name = "admin")
@Allow(roles = "admin", adminToken = true)
public class ClassStartsResource {

    @Inject ClassStarts classStarts;
    @Context UriInfo uri;
    @Context ContainerRequestContext request;

    /**
     * @param startsAt when the class starts (an ISO-8601 instant, e.g. {@code
     *     2026-12-08T09:00:00Z}); in the future
     * @param students how many students will start at once (1–1000)
     * @param durationMinutes how long the class lasts (1–1440)
     */
    public record AddBody(Instant startsAt, Integer students, Integer durationMinutes) {}

    /** A class start as listed. */
    public record ClassStartView(
            long id,
            Instant startsAt,
            int students,
            int durationMinutes,
            String createdBy,
            Instant createdAt) {
        static ClassStartView of(ClassStarts.Entry entry) {
            return new ClassStartView(
                    entry.id(),
                    entry.startsAt(),
                    entry.students(),
                    entry.durationMinutes(),
                    entry.createdBy(),
                    entry.createdAt());
        }
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "Announce a class start; the warm pool grows ahead of it")
    public Response add(AddBody body) {
        if (body == null) {
            return bad("a JSON body is required");
        }
        if (body.students() == null || body.durationMinutes() == null) {
            return bad("startsAt, students and durationMinutes are required");
        }
        try {
            ClassStarts.Entry added =
                    classStarts.add(
                            body.startsAt(),
                            body.students(),
                            body.durationMinutes(),
                            Caller.of(request).actor());
            return Response.created(
                            uri.getAbsolutePathBuilder().path(Long.toString(added.id())).build())
                    .type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(ClassStartView.of(added))
                    .build();
        } catch (IllegalArgumentException e) {
            return bad(e.getMessage());
        }
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Every announced class start, earliest first")
    public List<ClassStartView> list() {
        return classStarts.list().stream().map(ClassStartView::of).toList();
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Delete a class start (its pre-warm ends at the next check)")
    public Response delete(@PathParam("id") long id) {
        if (!classStarts.delete(id, Caller.of(request).actor())) {
            throw new NotFoundException("no class start " + id);
        }
        return Response.noContent().build();
    }

    private Response bad(String detail) {
        return Problem.of(Response.Status.BAD_REQUEST, detail, uri.getPath()).toResponse();
    }
}
