package pro.codai.platform.system;

import java.util.Arrays;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready until every application of the appliance is deployed — and deployed successfully.
 *
 * <p>Payara Micro deploys the RAR and the WARs one after another, reports readiness as soon as the
 * first application is up, and goes on (and runs its post-deploy commands) when one fails. So the
 * launcher starts the server with {@value #COMPLETE}{@code =false}, flips it after the last
 * deployment, and names the context roots it deploys in {@value #EXPECTED}; each application marks
 * its own context root deployed once it has started ({@link DeploymentMarker}). Ready means:
 * complete, and every expected application marked. Where the properties are absent (the EAR on a
 * full server, deployed as one unit), the check is UP.
 */
@Readiness
@ApplicationScoped
public class DeploymentReadinessCheck implements HealthCheck {

    /** System property the launcher flips once all deployments have been attempted. */
    public static final String COMPLETE = "codaipro.deployment.complete";

    /** System property listing the context roots the launcher deploys, comma-separated. */
    public static final String EXPECTED = "codaipro.deployment.expected";

    static final String DEPLOYED_PREFIX = "codaipro.deployed.";

    @Override
    public HealthCheckResponse call() {
        boolean complete = !"false".equals(System.getProperty(COMPLETE));
        List<String> missing =
                Arrays.stream(System.getProperty(EXPECTED, "").split(","))
                        .map(String::strip)
                        .filter(root -> !root.isEmpty())
                        .filter(root -> System.getProperty(DEPLOYED_PREFIX + root(root)) == null)
                        .toList();
        return HealthCheckResponse.named("deployment")
                .status(complete && missing.isEmpty())
                .withData("notDeployed", String.join(",", missing))
                .build();
    }

    static String root(String contextPath) {
        return contextPath.isEmpty() ? "/" : contextPath;
    }
}
