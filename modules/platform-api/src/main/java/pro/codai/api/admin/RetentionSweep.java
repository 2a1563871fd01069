package pro.codai.api.admin;

import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.logging.Logger;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import pro.codai.platform.analytics.RunRecords;
import pro.codai.platform.audit.AuditRetention;

/**
 * Once an hour (the first a minute after start), removes what is kept no longer: the audit events
 * older than the retention an administrator set, and the run records older than {@link
 * RunRecords#KEPT}; a batch at a time, each in a transaction of its own. It lives in api.war alone,
 * so it runs once per server; servers sharing a database remove each batch once between them.
 */
@ApplicationScoped
public class RetentionSweep {

    private static final Logger LOG = Logger.getLogger(RetentionSweep.class.getName());

    /** Most batches one sweep removes of each: a backlog goes over several hours. */
    static final int MAX_BATCHES = 100;

    @Inject AuditRetention auditRetention;
    @Inject RunRecords runRecords;

    @Resource ManagedScheduledExecutorService scheduler;

    private ScheduledFuture<?> sweeping;

    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        sweeping = scheduler.scheduleWithFixedDelay(this::sweep, 60, 3600, TimeUnit.SECONDS);
    }

    void sweep() {
        sweep(
                "audit events older than the retention",
                () -> auditRetention.purgeBatch(Instant.now()),
                AuditRetention.BATCH);
        sweep(
                "run records older than " + RunRecords.KEPT.toDays() + " days",
                () -> runRecords.purgeBatch(Instant.now()),
                RunRecords.PURGE_BATCH);
    }

    private static void sweep(String what, IntSupplier batch, int batchSize) {
        long removed = 0;
        try {
            for (int i = 0; i < MAX_BATCHES; i++) {
                int gone = batch.getAsInt();
                removed += gone;
                if (gone < batchSize) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            // Another server removing the same rows, or the database refusing: the next sweep.
            LOG.warning("could not remove " + what + ": " + e.getMessage());
        }
        if (removed > 0) {
            long count = removed;
            LOG.info(() -> "removed " + count + " " + what);
        }
    }

    @PreDestroy
    void stop() {
        if (sweeping != null) {
            sweeping.cancel(false);
        }
    }
}
