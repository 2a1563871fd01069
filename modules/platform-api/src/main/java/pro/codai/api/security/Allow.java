package pro.codai.api.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Who may call a resource: a person signed in with a Keycloak token holding one of {@link
 * #roles()}, and, where named, an API key with {@link #apiKeyScope()} or the administrator token.
 * Every resource method carries this or {@link Public}; {@link ApiAuthentication} refuses the rest.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Allow {

    /** Keycloak realm roles (the token's {@code groups} claim), any one of which suffices. */
    String[] roles();

    /** The scope an API key (header {@code X-API-Key}) needs; empty: keys are not accepted. */
    String apiKeyScope() default "";

    /** Whether the administrator token (header {@code X-Admin-Token}) is accepted. */
    boolean adminToken() default false;
}
