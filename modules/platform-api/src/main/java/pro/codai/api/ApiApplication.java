package pro.codai.api;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.info.License;

/** The REST API, served by api.war under {@code /api}. Versioned paths start at {@code /v1}. */
@ApplicationPath("/")
@OpenAPIDefinition(
        info =
                @Info(
                        title = "CodaiPro Campus API",
                        version = "1",
                        description =
                                "REST API of the CodaiPro Campus appliance. Errors are RFC 9457"
                                        + " problem details (application/problem+json).",
                        license = @License(name = "Proprietary")))
public class ApiApplication extends Application {}
