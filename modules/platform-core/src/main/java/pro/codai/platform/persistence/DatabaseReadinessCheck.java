package pro.codai.platform.persistence;

import jakarta.enterprise.context.ApplicationScoped;
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
