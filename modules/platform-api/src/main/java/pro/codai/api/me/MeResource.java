package pro.codai.api.me;

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
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.jwt.Claims;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import pro.codai.api.admin.ApiKeysResource.IssuedView;
import pro.codai.api.admin.ApiKeysResource.KeyView;
import pro.codai.api.problem.Problem;
import pro.codai.api.security.Allow;
import pro.codai.api.security.Caller;
import pro.codai.platform.account.SignIn;
import pro.codai.platform.account.UserProfile;
import pro.codai.platform.account.UserProfiles;
import pro.codai.platform.apikey.ApiKeys;

/**
 * The caller's own profile and personal API keys. Only ever the caller's: the subject comes from
 * the verified token, never from the request, so nobody can name another person's resources; a key
 * id of someone else is answered exactly like a missing one (404).
 */
@Path("/v1/me")
@Tag(name = "me")
@Allow(roles = {"student", "instructor", "admin"})
@SecurityRequirement(name = "keycloak")
public class MeResource {

    @Inject UserProfiles profiles;
    @Inject ApiKeys apiKeys;
    @Inject JsonWebToken token;
    @Context ContainerRequestContext request;
    @Context UriInfo uri;

    /** The profile the portal keeps for a person. */
    public record ProfileView(
            String subject,
            String username,
            String email,
            String displayName,
            String role,
            String plan,
            boolean profileCompleted,
            String accountKind,
            String institution,
            String programme) {
        static ProfileView of(UserProfile profile) {
            return new ProfileView(
                    profile.getSubject(),
                    profile.getUsername(),
                    profile.getEmail(),
                    profile.getDisplayName(),
                    profile.getRole().name(),
                    profile.getPlan().name(),
                    profile.isProfileCompleted(),
                    profile.getAccountKind() == null ? null : profile.getAccountKind().name(),
                    profile.getInstitution(),
                    profile.getProgramme());
        }
    }

    /**
     * @param name what the key is for, e.g. the script that uses it
     */
    public record NewKeyBody(String name) {}

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The caller's profile (made from the token on first use)")
    public ProfileView profile() {
        UserProfile profile =
                profiles.findBySubject(caller().subject())
                        .orElseGet(() -> profiles.signedIn(signInFromToken()));
        return ProfileView.of(profile);
    }

    @GET
    @Path("api-keys")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The caller's personal API keys (without secrets)")
    public List<KeyView> keys() {
        return apiKeys.ownedBy(caller().subject()).stream().map(KeyView::of).toList();
    }

    @POST
    @Path("api-keys")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "Create a personal API key (Pro plan); its secret is only in this answer")
    public Response createKey(NewKeyBody body) {
        Caller caller = caller();
        if (!caller.roles().contains("plan-pro")) {
            return Problem.of(
                            Response.Status.FORBIDDEN,
                            "API keys come with the Pro plan",
                            uri.getPath())
                    .toResponse();
        }
        if (body == null) {
            return Problem.of(Response.Status.BAD_REQUEST, "a JSON body is required", uri.getPath())
                    .toResponse();
        }
        try {
            ApiKeys.Issued issued =
                    apiKeys.issuePersonal(caller.subject(), body.name(), caller.actor());
            return IssuedView.created(uri, issued);
        } catch (IllegalArgumentException e) {
            return Problem.of(Response.Status.BAD_REQUEST, e.getMessage(), uri.getPath())
                    .toResponse();
        }
    }

    @DELETE
    @Path("api-keys/{id}")
    @Operation(summary = "Revoke one of the caller's personal API keys")
    public Response revokeKey(@PathParam("id") long id) {
        Caller caller = caller();
        if (!apiKeys.revokeOwned(id, caller.subject(), caller.actor())) {
            throw new NotFoundException("no API key " + id + " of yours");
        }
        return Response.noContent().build();
    }

    private Caller caller() {
        return Caller.of(request);
    }

    private SignIn signInFromToken() {
        return new SignIn(
                token.getSubject(),
                text(Claims.preferred_username.name()),
                text(Claims.email.name()),
                "true".equals(text(Claims.email_verified.name())),
                text("name"),
                token.getGroups() == null ? Set.of() : token.getGroups());
    }

    /** A claim as text, whether the implementation hands it over as a String or JSON value. */
    private String text(String claim) {
        Object value = token.getClaim(claim);
        if (value instanceof jakarta.json.JsonString json) {
            return json.getString();
        }
        return value == null ? null : value.toString();
    }
}
