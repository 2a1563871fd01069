package pro.codai.api.info;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import pro.codai.platform.system.SystemInfo;

/** {@code GET /api/v1/info}: what this appliance runs. Public: it holds nothing secret. */
@Path("/v1/info")
@pro.codai.api.security.Public
@Tag(name = "system")
public class InfoResource {

    @Inject SystemInfo systemInfo;

    /**
     * @param version product version
     * @param build commit id the build came from
     * @param buildTime time of that commit (UTC)
     * @param database {@code derby} or {@code postgresql}
     */
    public record Info(String version, String build, String buildTime, String database) {}

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Version, build and database of this appliance")
    @APIResponse(responseCode = "200", description = "The appliance's information")
    public Info info() {
        SystemInfo.Summary summary = systemInfo.summary();
        return new Info(
                summary.build().version(),
                summary.build().commit(),
                summary.build().commitTime(),
                summary.databaseKind());
    }
}
