package pro.codai.platform.system;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready until every application of the appliance is deployed.
 *
 * <p>Payara Micro deploys the RAR and the WARs one after another and reports readiness as soon as
 * the first application is up. The launcher starts the server with {@value #PROPERTY}{@code =false}
 * and sets it to {@code true} after the last deployment (a post-deploy command), so this check
 * holds readiness down in between. Where the property is absent (the EAR on a full server, deployed
 * as one unit), the check is UP.
 */
@Readiness
@ApplicationScoped
public class DeploymentReadinessCheck implements HealthCheck {

    /** System property the launcher flips once all applications are deployed. */
    public static final String PROPERTY = "codaipro.deployment.complete";

    @Override
    public HealthCheckResponse call() {
        boolean complete = !"false".equals(System.getProperty(PROPERTY));
        return HealthCheckResponse.named("deployment").status(complete).build();
    }
}
