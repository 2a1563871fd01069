package pro.codai.api.prewarm;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import pro.codai.platform.timetable.ClassStarts;
import pro.codai.platform.timetable.PreWarmPlan;
import pro.codai.sandbox.connector.api.SandboxConnection;
import pro.codai.sandbox.connector.api.SandboxConnectionFactory;
import pro.codai.sandbox.connector.api.SandboxConnectorException;
import pro.codai.sandbox.connector.api.WarmPoolState;

/**
 * Every {@code codaipro.prewarm.period-seconds}, sets sandboxd's warm-pool target to its configured
 * size plus the students of the classes whose window — {@code codaipro.prewarm.lead-seconds} before
 * their start to {@code codaipro.prewarm.tail-seconds} after — holds now, capped by sandboxd's
 * maximum. It lives in api.war alone, so it runs once per server. A refusal or an unreachable
 * sandboxd is logged (once until it recovers) and tried again at the next period.
 */
@ApplicationScoped
public class PreWarm {

    private static final Logger LOG = Logger.getLogger(PreWarm.class.getName());

    @Inject ClassStarts classStarts;
    @Inject SandboxConnectionFactory sandboxes;

    @Inject
    @ConfigProperty(name = "codaipro.prewarm.lead-seconds", defaultValue = "600")
    long leadSeconds;

    @Inject
    @ConfigProperty(name = "codaipro.prewarm.tail-seconds", defaultValue = "300")
    long tailSeconds;

    @Inject
    @ConfigProperty(name = "codaipro.prewarm.period-seconds", defaultValue = "30")
    long periodSeconds;

    @Resource ManagedScheduledExecutorService scheduler;

    private final Clock clock = Clock.systemUTC();
    private PreWarmPlan plan;
    private ScheduledFuture<?> checking;
    private volatile boolean failing;

    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        plan = new PreWarmPlan(Duration.ofSeconds(leadSeconds), Duration.ofSeconds(tailSeconds));
        checking =
                scheduler.scheduleWithFixedDelay(
                        this::check, periodSeconds, periodSeconds, TimeUnit.SECONDS);
        LOG.info(
                () ->
                        "Warm-pool pre-warm: every "
                                + periodSeconds
                                + " s, "
                                + leadSeconds
                                + " s before a class start to "
                                + tailSeconds
                                + " s after");
    }

    /** One check: the target now, set in sandboxd when it differs. Never throws. */
    void check() {
        try {
            Instant now = clock.instant();
            List<ClassStarts.Entry> starts =
                    classStarts.startingBetween(now.minus(plan.tail()), now.plus(plan.lead()));
            try (SandboxConnection sandboxd = sandboxes.getConnection()) {
                WarmPoolState pool = sandboxd.warmPool();
                int target = plan.target(starts, now, pool.floor(), pool.max());
                if (target != pool.target()) {
                    WarmPoolState set = sandboxd.setWarmPoolTarget(target);
                    LOG.info(
                            () ->
                                    "Warm pool target "
                                            + pool.target()
                                            + " -> "
                                            + set.target()
                                            + " ("
                                            + plan.studentsAt(starts, now)
                                            + " students of "
                                            + starts.size()
                                            + " class starts; floor "
                                            + pool.floor()
                                            + ", max "
                                            + pool.max()
                                            + ")");
                }
            }
            if (failing) {
                failing = false;
                LOG.info("Warm-pool pre-warm works again");
            }
        } catch (SandboxConnectorException | RuntimeException e) {
            if (!failing) {
                failing = true;
                LOG.log(
                        Level.WARNING,
                        "Warm-pool pre-warm could not set sandboxd's pool (tried again every "
                                + periodSeconds
                                + " s): "
                                + e.getMessage());
            }
        }
    }

    @PreDestroy
    void stop() {
        if (checking != null) {
            checking.cancel(false);
        }
    }
}
