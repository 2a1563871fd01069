package pro.codai.api.security;

import java.lang.reflect.AnnotatedElement;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import pro.codai.api.problem.Problem;
import pro.codai.platform.apikey.ApiKey;
import pro.codai.platform.apikey.ApiKeys;

/**
 * Checks the credentials a resource asks for ({@link RequiresApiKey}, {@link RequiresAdminToken})
 * before it runs: none or unknown → 401, a key without the scope → 403. The key found is left in
 * the request property {@link #API_KEY} for the resource.
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
public class ApiAuthentication implements ContainerRequestFilter {

    public static final String API_KEY = "codaipro.apiKey";

    @Context ResourceInfo resource;

    @Inject ApiKeys apiKeys;

    // Optional: MicroProfile Config treats an empty default as no value at all.
    @Inject
    @ConfigProperty(name = "codaipro.admin.token")
    Optional<String> adminToken;

    @Override
    public void filter(ContainerRequestContext request) {
        if (resource.getResourceMethod() == null) {
            return;
        }
        if (annotation(RequiresAdminToken.class) != null) {
            String presented = bearer(request).orElse("");
            String expected = adminToken.orElse("").strip();
            if (expected.isEmpty() || !constantTimeEquals(presented, expected)) {
                abort(request, Response.Status.UNAUTHORIZED, "an admin token is required");
            }
            return;
        }
        RequiresApiKey required = annotation(RequiresApiKey.class);
        if (required == null) {
            return;
        }
        Optional<String> secret =
                bearer(request).or(() -> Optional.ofNullable(request.getHeaderString("X-API-Key")));
        Optional<ApiKey> key = secret.flatMap(apiKeys::verify);
        if (key.isEmpty()) {
            abort(request, Response.Status.UNAUTHORIZED, "a valid API key is required");
        } else if (!key.get().allows(required.value())) {
            abort(
                    request,
                    Response.Status.FORBIDDEN,
                    "this API key does not have the '" + required.value() + "' scope");
        } else {
            request.setProperty(API_KEY, key.get());
        }
    }

    private <A extends java.lang.annotation.Annotation> A annotation(Class<A> type) {
        AnnotatedElement method = resource.getResourceMethod();
        A onMethod = method.getAnnotation(type);
        return onMethod != null ? onMethod : resource.getResourceClass().getAnnotation(type);
    }

    private static Optional<String> bearer(ContainerRequestContext request) {
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.of(header.substring(7).strip());
        }
        return Optional.empty();
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(
                a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
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
