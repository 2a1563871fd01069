package pro.codai.api.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.util.List;
import java.util.Locale;

import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
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
import pro.codai.platform.account.KeycloakAccounts;
import pro.codai.platform.account.PeopleAdministration;
import pro.codai.platform.account.PeopleFilter;
import pro.codai.platform.account.PeopleImport;
import pro.codai.platform.account.PersonSummary;
import pro.codai.platform.account.Plan;
import pro.codai.platform.account.Role;
import pro.codai.platform.account.UnknownPersonException;
import pro.codai.platform.account.UserProfile;
import pro.codai.platform.account.UserProfiles;

/**
 * The people who have signed in, and what an administrator does to their access: set their role and
 * plan, suspend and reinstate, end all their sessions, send a password reset mail. For
 * administrators (role {@code admin}) or the admin token; every change is recorded in the audit
 * log.
 */
@Path("/v1/admin/people")
@Tag(name = "admin")
@Allow(roles = "admin", adminToken = true)
public class PeopleResource {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    @Inject UserProfiles profiles;
    @Inject PeopleAdministration administration;
    @Inject PeopleImport peopleImport;
    @Inject KeycloakAccounts keycloak;
    @Context UriInfo uri;
    @Context ContainerRequestContext request;

    /** A page of people by name, and how many match in all. */
    public record PeoplePage(List<PersonSummary> people, long total) {}

    /** What a change did, and what Keycloak could not be made to do (null: all went through). */
    public record ChangeView(PersonSummary person, boolean changed, String keycloakProblem) {}

    /**
     * @param search part of a name or e-mail address (any case); absent: everyone
     * @param role STUDENT, INSTRUCTOR or ADMIN; absent: any
     * @param plan FREE, STUDENT, PRO or CAMPUS; absent: any
     * @param status active or suspended; absent: both
     * @param offset how many to skip (default 0)
     * @param limit how many (1–1000, default 100)
     */
    @GET
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "Search the people who have signed in, by name")
    public Response search(
            @QueryParam("search") String search,
            @QueryParam("role") String role,
            @QueryParam("plan") String plan,
            @QueryParam("status") String status,
            @QueryParam("offset") String offset,
            @QueryParam("limit") String limit) {
        int first;
        int max;
        PeopleFilter filter;
        try {
            filter =
                    new PeopleFilter(
                            search,
                            role == null ? null : named(Role.class, "role", role),
                            plan == null ? null : named(Plan.class, "plan", plan),
                            status == null ? null : suspendedIn(status));
            first =
                    offset == null
                            ? 0
                            : (int) AuditResource.whole("offset", offset, 0, Integer.MAX_VALUE);
            max =
                    limit == null
                            ? DEFAULT_LIMIT
                            : (int) AuditResource.whole("limit", limit, 1, MAX_LIMIT);
        } catch (IllegalArgumentException e) {
            return problem(Response.Status.BAD_REQUEST, e.getMessage());
        }
        List<PersonSummary> people =
                profiles.search(filter, first, max).stream().map(PersonSummary::of).toList();
        return Response.ok(new PeoplePage(people, profiles.count(filter))).build();
    }

    /** The constant of {@code type} named {@code value} (any case). */
    static <E extends Enum<E>> E named(Class<E> type, String name, String value) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value.strip())) {
                return constant;
            }
        }
        throw new IllegalArgumentException(
                name + " must be one of " + java.util.Arrays.toString(type.getEnumConstants()));
    }

    /** {@code active} or {@code suspended}. */
    static boolean suspendedIn(String status) {
        return switch (status.strip().toLowerCase(Locale.ROOT)) {
            case "active" -> false;
            case "suspended" -> true;
            default -> throw new IllegalArgumentException("status must be active or suspended");
        };
    }

    @GET
    @Path("{subject}")
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "One person")
    public Response get(@PathParam("subject") String subject) {
        return profiles.findBySubject(subject)
                .map(profile -> Response.ok(PersonSummary.of(profile)).build())
                .orElseGet(() -> unknown(subject));
    }

    /**
     * Suspends the person: sign-in refused, open workspace and terminals closed at once, portal
     * sessions and tokens refused, personal API keys refused. Files and keys are kept.
     */
    @PUT
    @Path("{subject}/suspension")
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "Suspend a person (their workspace ends at once)")
    public Response suspend(@PathParam("subject") String subject, String body) {
        // The body is optional: none, {} or {"reason":"…"}.
        String reason;
        try {
            reason = reasonIn(body);
        } catch (IllegalArgumentException e) {
            return problem(Response.Status.BAD_REQUEST, e.getMessage());
        }
        if (reason != null && reason.length() > 500) {
            return problem(Response.Status.BAD_REQUEST, "reason must be at most 500 characters");
        }
        try {
            return changed(subject, administration.suspend(subject, actor(), reason));
        } catch (UnknownPersonException e) {
            return unknown(subject);
        } catch (PeopleAdministration.RefusedException e) {
            return problem(Response.Status.CONFLICT, e.getMessage());
        }
    }

    @DELETE
    @Path("{subject}/suspension")
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "Lift a person's suspension")
    public Response reinstate(@PathParam("subject") String subject) {
        try {
            return changed(subject, administration.reinstate(subject, actor()));
        } catch (UnknownPersonException e) {
            return unknown(subject);
        }
    }

    /**
     * Suspends each of the people named: {@code {"subjects":["…",…],"reason":"…"}} (at most 1,000;
     * the reason is optional). Oneself and unknown subjects are skipped and listed.
     */
    @POST
    @Path("suspensions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "Suspend many people at once")
    public Response suspendEach(String body) {
        try {
            List<String> subjects = subjectsIn(body);
            String reason = reasonIn(body);
            if (reason != null && reason.length() > 500) {
                return problem(
                        Response.Status.BAD_REQUEST, "reason must be at most 500 characters");
            }
            return Response.ok(administration.suspendEach(subjects, actor(), reason, () -> {}))
                    .build();
        } catch (IllegalArgumentException e) {
            return problem(Response.Status.BAD_REQUEST, e.getMessage());
        }
    }

    /** Re-enables each of the people named: {@code {"subjects":["…",…]}}. */
    @POST
    @Path("reinstatements")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "Re-enable many people at once")
    public Response reinstateEach(String body) {
        try {
            return Response.ok(administration.reinstateEach(subjectsIn(body), actor())).build();
        } catch (IllegalArgumentException e) {
            return problem(Response.Status.BAD_REQUEST, e.getMessage());
        }
    }

    /**
     * Sets the plan of each of the people named: {@code {"subjects":[…],"plan":"PRO"}} ({@code
     * null}: the directory's).
     */
    @POST
    @Path("plans")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "Set the plan of many people at once")
    public Response setPlanOfEach(String body) {
        try {
            List<String> subjects = subjectsIn(body);
            String chosen = choiceIn(body, "plan");
            Plan plan;
            try {
                plan = chosen == null ? null : PeopleAdministration.assignablePlan(chosen);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "plan must be FREE, STUDENT or PRO, or null for the directory's");
            }
            return Response.ok(administration.setPlanOfEach(subjects, plan, actor())).build();
        } catch (IllegalArgumentException e) {
            return problem(Response.Status.BAD_REQUEST, e.getMessage());
        }
    }

    /**
     * Reads a CSV file of people ({@code email}, {@code name}, {@code role}, {@code plan}; see the
     * API reference) and says line by line what applying it does; with {@code apply=true} does it
     * for every line that is right and skips the others. {@code mail=false}: new accounts get no
     * mail to set their password.
     */
    @POST
    @Path("imports")
    @Consumes({"text/csv", MediaType.TEXT_PLAIN})
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "Preview or apply a CSV file of people (role, plan, new accounts)")
    public Response importPeople(
            @QueryParam("apply") @DefaultValue("false") String apply,
            @QueryParam("mail") @DefaultValue("true") String mail,
            InputStream body) {
        if (!isBoolean(apply) || !isBoolean(mail)) {
            return problem(Response.Status.BAD_REQUEST, "apply and mail must be true or false");
        }
        byte[] file;
        try {
            // Never more than the limit is read, however large the body.
            file = body.readNBytes(PeopleImport.MAX_CHARS + 1);
        } catch (IOException e) {
            return problem(
                    Response.Status.BAD_REQUEST, "the file could not be read: " + e.getMessage());
        }
        if (file.length > PeopleImport.MAX_CHARS) {
            return problem(
                    Response.Status.REQUEST_ENTITY_TOO_LARGE,
                    "the file is larger than "
                            + PeopleImport.MAX_CHARS / 1024
                            + " KB; split it up");
        }
        String csv = PeopleImport.decode(file);
        try {
            return Response.ok(
                            Boolean.parseBoolean(apply)
                                    ? peopleImport.apply(csv, actor(), Boolean.parseBoolean(mail))
                                    : peopleImport.preview(csv, actor()))
                    .build();
        } catch (PeopleImport.InvalidFileException e) {
            return problem(Response.Status.BAD_REQUEST, e.getMessage());
        }
    }

    private static boolean isBoolean(String value) {
        return "true".equalsIgnoreCase(value) || "false".equalsIgnoreCase(value);
    }

    /** The body's {@code subjects}: a list of 1 to 1,000 texts. */
    static List<String> subjectsIn(String body) {
        JsonObject object = objectIn(body);
        if (object == null || !(object.get("subjects") instanceof jakarta.json.JsonArray array)) {
            throw new IllegalArgumentException("subjects must be a list of subjects");
        }
        if (array.isEmpty() || array.size() > PeopleAdministration.MAX_BULK) {
            throw new IllegalArgumentException(
                    "subjects must name 1 to " + PeopleAdministration.MAX_BULK + " people");
        }
        List<String> subjects = new java.util.ArrayList<>();
        for (JsonValue value : array) {
            if (!(value instanceof JsonString text) || text.getString().isBlank()) {
                throw new IllegalArgumentException("subjects must be a list of subjects");
            }
            subjects.add(text.getString().strip());
        }
        return subjects;
    }

    /**
     * Sets the person's role, which wins over the directory's at once and at every sign-in; {@code
     * {"role":null}} gives the decision back to the directory (the role of their last sign-in).
     */
    @PUT
    @Path("{subject}/role")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "Set a person's role (null: the directory's)")
    public Response setRole(@PathParam("subject") String subject, String body) {
        Role role;
        try {
            String chosen = choiceIn(body, "role");
            role = chosen == null ? null : Role.valueOf(chosen.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return problem(
                    Response.Status.BAD_REQUEST,
                    "the body must be {\"role\":\"STUDENT\"}, \"INSTRUCTOR\" or \"ADMIN\", or"
                            + " {\"role\":null} for the directory's");
        }
        try {
            return changed(subject, administration.setRole(subject, role, actor()));
        } catch (UnknownPersonException e) {
            return unknown(subject);
        } catch (PeopleAdministration.RefusedException e) {
            return problem(Response.Status.CONFLICT, e.getMessage());
        }
    }

    /** As {@link #setRole}, for the plan: FREE, STUDENT or PRO, or null. */
    @PUT
    @Path("{subject}/plan")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "Set a person's plan (null: the directory's)")
    public Response setPlan(@PathParam("subject") String subject, String body) {
        Plan plan = null;
        try {
            String chosen = choiceIn(body, "plan");
            if (chosen != null) {
                plan = PeopleAdministration.assignablePlan(chosen);
            }
        } catch (IllegalArgumentException e) {
            return problem(
                    Response.Status.BAD_REQUEST,
                    "the body must be {\"plan\":\"FREE\"}, \"STUDENT\" or \"PRO\", or"
                            + " {\"plan\":null} for the directory's");
        }
        try {
            return changed(subject, administration.setPlan(subject, plan, actor()));
        } catch (UnknownPersonException e) {
            return unknown(subject);
        }
    }

    @DELETE
    @Path("{subject}/sessions")
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "End all of a person's sessions (they may sign in again)")
    public Response endSessions(@PathParam("subject") String subject) {
        try {
            return changed(subject, administration.endSessions(subject, actor()));
        } catch (UnknownPersonException e) {
            return unknown(subject);
        }
    }

    @POST
    @Path("{subject}/password-reset")
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "Mail the person a link to choose a new password")
    public Response sendPasswordReset(@PathParam("subject") String subject) {
        try {
            administration.sendPasswordReset(subject, actor());
            return Response.noContent().build();
        } catch (UnknownPersonException e) {
            return unknown(subject);
        } catch (KeycloakAccounts.KeycloakException e) {
            // Not set up to reach Keycloak: this server's settings; otherwise Keycloak's answer.
            return problem(
                    keycloak.configured()
                            ? Response.Status.BAD_GATEWAY
                            : Response.Status.SERVICE_UNAVAILABLE,
                    e.getMessage());
        }
    }

    /**
     * The text of {@code key} in a body that must name it: null for an explicit {@code null}; a
     * body without the key (a misspelt one, say) is refused rather than read as "clear".
     */
    static String choiceIn(String body, String key) {
        JsonObject object = objectIn(body);
        if (object == null || !object.containsKey(key)) {
            throw new IllegalArgumentException("no " + key);
        }
        JsonValue value = object.get(key);
        if (value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (value instanceof JsonString text) {
            return text.getString();
        }
        throw new IllegalArgumentException(key + " must be text or null");
    }

    /** The reason of a suspension's body (null: none given). */
    static String reasonIn(String body) {
        JsonObject object = objectIn(body);
        if (object == null) {
            return null;
        }
        JsonValue reason = object.get("reason");
        if (reason == null || reason.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (reason instanceof JsonString text) {
            return text.getString();
        }
        throw new IllegalArgumentException("reason must be text");
    }

    /** The body's JSON object; null for no body. */
    private static JsonObject objectIn(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try (JsonParser parser = Json.createParser(new StringReader(body))) {
            if (parser.next() != JsonParser.Event.START_OBJECT) {
                throw new IllegalStateException("not an object");
            }
            JsonObject object = parser.getObject();
            if (parser.hasNext()) {
                throw new IllegalStateException("more after the object");
            }
            return object;
        } catch (JsonException | IllegalStateException | java.util.NoSuchElementException e) {
            throw new IllegalArgumentException(
                    "the body must be a JSON object such as {\"reason\":\"…\"}, or none");
        }
    }

    private Response changed(String subject, PeopleAdministration.Result result) {
        UserProfile profile =
                profiles.findBySubject(subject)
                        .orElseThrow(() -> new UnknownPersonException(subject));
        return Response.ok(
                        new ChangeView(
                                PersonSummary.of(profile),
                                result.changed(),
                                result.keycloakProblem()))
                .build();
    }

    private Response unknown(String subject) {
        return problem(Response.Status.NOT_FOUND, "no one with the subject " + subject + " here");
    }

    private String actor() {
        return Caller.of(request).actor();
    }

    private Response problem(Response.Status status, String detail) {
        return Problem.of(status, detail, uri.getPath()).toResponse();
    }
}
