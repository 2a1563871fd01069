package pro.codai.platform.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while the database answers and its schema is current. */
@Readiness
@ApplicationScoped
public class DatabaseReadinessCheck implements HealthCheck {

    static final int TIMEOUT_SECONDS = 2;

    @Inject ApplicationDatabase database;

    /**
     * Creates this check while the application deploys. The health endpoint calls checks on its own
     * threads; a check first created there makes Weld define its injected proxies in the wrong
     * class loader, which breaks injection of the same bean in the application afterwards.
     */
    void createDuringDeployment(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        // nothing to do: being called is the point
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("database");
        if (!database.isReachable(TIMEOUT_SECONDS)) {
            return response.down().withData("problem", "no connection").build();
        }
        return database.schemaProblem()
                .map(problem -> response.down().withData("problem", problem).build())
                .orElseGet(() -> response.up().build());
    }
}
