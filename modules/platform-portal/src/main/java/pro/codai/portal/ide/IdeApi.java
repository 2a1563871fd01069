package pro.codai.portal.ide;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.info.License;

import pro.codai.platform.site.ApiDocument;

/**
 * The IDE's REST API, served by the portal under {@code /app/api}: under {@code /app/*}, so only
 * for a signed-in session, the one the IDE page runs in. Documented in the server's {@code
 * /openapi}, which merges every application's document (hence the same definition as api.war's).
 */
@ApplicationPath("/app/api")
@OpenAPIDefinition(
        info =
                @Info(
                        title = ApiDocument.TITLE,
                        version = ApiDocument.VERSION,
                        description = ApiDocument.DESCRIPTION,
                        license = @License(name = ApiDocument.LICENSE)))
public class IdeApi extends Application {}
