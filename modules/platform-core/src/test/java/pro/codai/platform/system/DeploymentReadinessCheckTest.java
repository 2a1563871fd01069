package pro.codai.platform.system;

import static org.assertj.core.api.Assertions.assertThat;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeploymentReadinessCheckTest {

    private final DeploymentReadinessCheck check = new DeploymentReadinessCheck();

    @AfterEach
    void clear() {
        for (String key :
                new String[] {
                    DeploymentReadinessCheck.COMPLETE,
                    DeploymentReadinessCheck.EXPECTED,
                    DeploymentReadinessCheck.DEPLOYED_PREFIX + "/",
                    DeploymentReadinessCheck.DEPLOYED_PREFIX + "/api"
                }) {
            System.clearProperty(key);
        }
    }

    @Test
    void readyOnlyWhenDeploymentsAreCompleteAndEveryExpectedApplicationStarted() {
        System.setProperty(DeploymentReadinessCheck.COMPLETE, "false");
        System.setProperty(DeploymentReadinessCheck.EXPECTED, "/,/api");
        assertThat(check.call().getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);

        System.setProperty(DeploymentReadinessCheck.COMPLETE, "true");
        System.setProperty(DeploymentReadinessCheck.DEPLOYED_PREFIX + "/", "true");
        HealthCheckResponse oneFailed = check.call();
        assertThat(oneFailed.getStatus())
                .as("an application that failed to deploy keeps readiness down")
                .isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(oneFailed.getData().orElseThrow()).containsEntry("notDeployed", "/api");

        System.setProperty(DeploymentReadinessCheck.DEPLOYED_PREFIX + "/api", "true");
        assertThat(check.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    }

    @Test
    void upWhereTheLauncherDidNotStartTheServer() {
        assertThat(check.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    }
}
