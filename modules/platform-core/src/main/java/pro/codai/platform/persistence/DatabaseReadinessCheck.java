package pro.codai.platform.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while the database answers. */
@Readiness
@ApplicationScoped
public class DatabaseReadinessCheck implements HealthCheck {

    static final int TIMEOUT_SECONDS = 2;

    @Inject ApplicationDatabase database;

    @Override
    public HealthCheckResponse call() {
        boolean reachable = database.isReachable(TIMEOUT_SECONDS);
        return HealthCheckResponse.named("database").status(reachable).build();
    }
}
