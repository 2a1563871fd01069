package pro.codai.api.security;

import java.util.Set;

import jakarta.ws.rs.container.ContainerRequestContext;

import pro.codai.platform.apikey.ApiKey;

/**
 * Who is calling, once {@link ApiAuthentication} has checked their credentials: a person (by their
 * Keycloak subject), an API key, or the administrator token.
 */
public record Caller(Kind kind, String subject, Set<String> roles, ApiKey apiKey) {

    static final String REQUEST_PROPERTY = Caller.class.getName();

    /** The caller {@link ApiAuthentication} admitted to this request. */
    public static Caller of(ContainerRequestContext request) {
        return (Caller) request.getProperty(REQUEST_PROPERTY);
    }

    public enum Kind {
        PERSON,
        API_KEY,
        ADMIN_TOKEN
    }

    static Caller person(String subject, Set<String> roles) {
        return new Caller(Kind.PERSON, subject, roles, null);
    }

    static Caller apiKey(ApiKey key) {
        return new Caller(Kind.API_KEY, key.ownerSubject(), Set.of(), key);
    }

    static Caller adminToken() {
        return new Caller(Kind.ADMIN_TOKEN, null, Set.of(), null);
    }

    /** How the audit log names this caller. */
    public String actor() {
        return switch (kind) {
            case PERSON -> subject;
            case API_KEY -> "api-key:" + apiKey.id();
            case ADMIN_TOKEN -> "admin-token";
        };
    }
}
