package pro.codai.api;

import jakarta.annotation.security.DeclareRoles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

import org.eclipse.microprofile.auth.LoginConfig;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.info.License;

import pro.codai.platform.site.ApiDocument;

/**
 * The REST API, served by api.war under {@code /api}. Versioned paths start at {@code /v1}. Callers
 * present a Keycloak access token (MicroProfile JWT: signature by the realm's keys, issuer,
 * audience {@code codaipro-api}, expiry), an API key, or — for the admin API — the admin token.
 */
@ApplicationPath("/")
// A bean, so that CDI's "annotated" discovery shows @LoginConfig to Payara's MP-JWT extension.
@ApplicationScoped
@LoginConfig(authMethod = "MP-JWT", realmName = "codaipro")
@DeclareRoles({"student", "instructor", "admin", "plan-student", "plan-pro"})
@OpenAPIDefinition(
        info =
                @Info(
                        title = ApiDocument.TITLE,
                        version = ApiDocument.VERSION,
                        description = ApiDocument.DESCRIPTION,
                        license = @License(name = ApiDocument.LICENSE)))
public class ApiApplication extends Application {}
