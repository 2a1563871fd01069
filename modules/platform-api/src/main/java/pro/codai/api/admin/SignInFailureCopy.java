package pro.codai.api.admin;

import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import pro.codai.platform.account.KeycloakAccounts;
import pro.codai.platform.account.SignInFailures;

/**
 * Every 30 seconds (the first 10 seconds after start), copies Keycloak's new failed sign-ins and
 * lockouts into the audit log. It lives in api.war alone, so it runs once per server. Keycloak
 * unreachable, or refusing (a realm whose {@code codaipro-people} client lacks {@code
 * view-events}): logged once until it works, and tried again.
 */
@ApplicationScoped
public class SignInFailureCopy {

    private static final Logger LOG = Logger.getLogger(SignInFailureCopy.class.getName());

    /** Most batches one round copies: a backlog goes over a few rounds. */
    static final int MAX_BATCHES = 25;

    @Inject SignInFailures failures;
    @Inject KeycloakAccounts keycloak;

    @Resource ManagedScheduledExecutorService scheduler;

    private ScheduledFuture<?> copying;
    private volatile String lastProblem;

    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        copying = scheduler.scheduleWithFixedDelay(this::copy, 10, 30, TimeUnit.SECONDS);
    }

    void copy() {
        if (!keycloak.configured()) {
            return;
        }
        try {
            for (int batch = 0; batch < MAX_BATCHES; batch++) {
                if (failures.copyBatch(Instant.now()) < SignInFailures.BATCH) {
                    break;
                }
            }
            if (lastProblem != null) {
                LOG.info("copying Keycloak's failed sign-ins into the audit log again");
                lastProblem = null;
            }
        } catch (KeycloakAccounts.KeycloakException | RuntimeException e) {
            String problem = e.getMessage();
            if (!String.valueOf(problem).equals(lastProblem)) {
                LOG.warning("could not copy Keycloak's failed sign-ins: " + problem);
            }
            lastProblem = String.valueOf(problem);
        }
    }

    @PreDestroy
    void stop() {
        if (copying != null) {
            copying.cancel(false);
        }
    }
}
