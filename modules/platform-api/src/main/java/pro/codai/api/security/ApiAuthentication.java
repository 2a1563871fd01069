package pro.codai.api.security;

import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import pro.codai.api.problem.Problem;
import pro.codai.platform.account.AccessChanges;
import pro.codai.platform.apikey.ApiKey;
import pro.codai.platform.apikey.ApiKeys;
import pro.codai.platform.web.ClientAddress;

/**
 * Decides every call against the resource's {@link Allow} (or {@link Public}): no credentials →
 * 401, credentials that do not carry the right role or scope → 403, a resource with neither
 * annotation → 403 (deny by default). Keycloak tokens are checked before this filter by
 * MicroProfile JWT (signature, issuer, audience, expiry; a bad one is answered 401 there); API keys
 * and the administrator token are checked here, the token behind {@link AdminTokenLockout}. The
 * caller found is left in the request property {@link Caller#REQUEST_PROPERTY}.
 */
@Provider
@Priority(Priorities.AUTHORIZATION)
public class ApiAuthentication implements ContainerRequestFilter {

    public static final String API_KEY_HEADER = "X-API-Key";
    public static final String ADMIN_TOKEN_HEADER = "X-Admin-Token";

    @Context ResourceInfo resource;

    @Inject ApiKeys apiKeys;

    @Inject AccessChanges access;

    @Inject AdminTokenLockout lockout;

    @Context HttpServletRequest servletRequest;

    @Inject JsonWebToken token;

    // Optional: MicroProfile Config treats an empty default as no value at all.
    @Inject
    @ConfigProperty(name = "codaipro.admin.token")
    Optional<String> adminToken;

    @Override
    public void filter(ContainerRequestContext request) {
        if (resource.getResourceMethod() == null) {
            return;
        }
        Allow allow = annotation(Allow.class);
        if (allow == null) {
            if (annotation(Public.class) == null) {
                abort(request, Response.Status.FORBIDDEN, "this resource is not open to anyone");
            }
            return;
        }
        Principal principal = request.getSecurityContext().getUserPrincipal();
        if (principal != null) {
            Set<String> groups =
                    access.roles(
                            token.getSubject(),
                            token.getGroups() == null ? Set.of() : token.getGroups());
            // A token's issue time is in whole seconds: one from the second of the decision counts
            // as issued before it (refused), so that none minted before the decision slips through;
            // a token asked for a second later is accepted.
            Instant issued = Instant.ofEpochSecond(token.getIssuedAtTime());
            if (access.ended(token.getSubject(), issued)) {
                // Keycloak's tokens live a few minutes; an administrator's decision holds now.
                abort(
                        request,
                        Response.Status.UNAUTHORIZED,
                        access.suspended(token.getSubject())
                                ? "your account is suspended"
                                : "an administrator ended your sessions: sign in again");
                return;
            }
            if (Arrays.stream(allow.roles()).anyMatch(groups::contains)) {
                request.setProperty(
                        Caller.REQUEST_PROPERTY, Caller.person(token.getSubject(), groups));
            } else {
                abort(
                        request,
                        Response.Status.FORBIDDEN,
                        "this needs one of the roles " + String.join(", ", allow.roles()));
            }
            return;
        }
        String presentedAdminToken = request.getHeaderString(ADMIN_TOKEN_HEADER);
        if (allow.adminToken() && presentedAdminToken != null) {
            checkAdminToken(request, presentedAdminToken);
            return;
        }
        String presentedKey = request.getHeaderString(API_KEY_HEADER);
        if (!allow.apiKeyScope().isEmpty() && presentedKey != null) {
            Optional<ApiKey> key = apiKeys.verify(presentedKey.strip());
            if (key.isEmpty()) {
                abort(request, Response.Status.UNAUTHORIZED, "the API key is not valid");
            } else if (!key.get().allows(allow.apiKeyScope())) {
                abort(
                        request,
                        Response.Status.FORBIDDEN,
                        "this API key does not have the '" + allow.apiKeyScope() + "' scope");
            } else {
                request.setProperty(Caller.REQUEST_PROPERTY, Caller.apiKey(key.get()));
            }
            return;
        }
        abort(
                request,
                Response.Status.UNAUTHORIZED,
                allow.apiKeyScope().isEmpty()
                        ? "sign in: send a bearer token from the campus sign-in (Keycloak)"
                        : "send a bearer token from the campus sign-in (Keycloak) or an API key"
                                + " in the "
                                + API_KEY_HEADER
                                + " header");
    }

    /**
     * The admin token, behind {@link AdminTokenLockout}: a locked-out client is refused (429) even
     * with the right token, and only a wrong token counts as a failure.
     */
    private void checkAdminToken(ContainerRequestContext request, String presented) {
        // Behind nginx every peer is loopback: the client nginx names is the one locked out.
        String address = ClientAddress.of(servletRequest);
        Duration locked = lockout.remaining(address);
        if (!locked.isZero()) {
            // Whole seconds, rounded up: a client that waits that long is let in.
            long seconds = (locked.toMillis() + 999) / 1000;
            String path = request.getUriInfo().getRequestUri().getPath();
            request.abortWith(
                    Response.fromResponse(
                                    Problem.of(
                                                    Response.Status.TOO_MANY_REQUESTS,
                                                    "too many wrong admin tokens from this address;"
                                                            + " try again in "
                                                            + seconds
                                                            + " s",
                                                    path)
                                            .toResponse())
                            .header(HttpHeaders.RETRY_AFTER, seconds)
                            .build());
            return;
        }
        String expected = adminToken.orElse("").strip();
        if (expected.isEmpty() || !constantTimeEquals(presented.strip(), expected)) {
            lockout.failed(address);
            abort(request, Response.Status.UNAUTHORIZED, "the admin token is not valid");
        } else {
            lockout.succeeded(address);
            request.setProperty(Caller.REQUEST_PROPERTY, Caller.adminToken());
        }
    }

    private <A extends Annotation> A annotation(Class<A> type) {
        AnnotatedElement method = resource.getResourceMethod();
        A onMethod = method.getAnnotation(type);
        return onMethod != null ? onMethod : resource.getResourceClass().getAnnotation(type);
    }

    /** Compares digests, so the time taken tells nothing of the content nor of its length. */
    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(sha256(a), sha256(b));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static void abort(
            ContainerRequestContext request, Response.Status status, String detail) {
        String path = request.getUriInfo().getRequestUri().getPath();
        Response.ResponseBuilder response =
                Response.fromResponse(Problem.of(status, detail, path).toResponse());
        if (status == Response.Status.UNAUTHORIZED) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"codaipro\"");
        }
        request.abortWith(response.build());
    }
}
