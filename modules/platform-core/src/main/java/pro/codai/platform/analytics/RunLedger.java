package pro.codai.platform.analytics;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Notes each run as it ends and writes them to the database in batches, once a second: a run never
 * waits for the database, and a database that is slow or away costs runs nothing (what cannot be
 * kept is counted and logged, never queued without bound).
 */
@ApplicationScoped
public class RunLedger {

    private static final Logger LOG = Logger.getLogger(RunLedger.class.getName());

    /** Most runs waiting to be written; past it, runs go unrecorded (and are counted). */
    static final int MAX_WAITING = 100_000;

    /** Most runs one transaction writes. */
    static final int BATCH = 1000;

    @Inject RunRecords records;

    @Resource ManagedScheduledExecutorService scheduler;

    private final BlockingQueue<RunRecords.Noted> waiting = new ArrayBlockingQueue<>(MAX_WAITING);
    private final AtomicLong dropped = new AtomicLong();
    private ScheduledFuture<?> writing;

    @PostConstruct
    void startWriting() {
        if (scheduler != null) {
            writing = scheduler.scheduleWithFixedDelay(this::write, 1, 1, TimeUnit.SECONDS);
        }
    }

    /** Notes a run that has just ended; returns at once. */
    public void note(String api, String caller, String language, String outcome, long millis) {
        if (!waiting.offer(
                new RunRecords.Noted(Instant.now(), api, caller, language, outcome, millis))) {
            if (dropped.getAndIncrement() % 10_000 == 0) {
                LOG.warning("runs are not being recorded: the database does not keep up");
            }
        }
    }

    /** How many runs went unrecorded since the server started. */
    public long dropped() {
        return dropped.get();
    }

    /** Writes what is waiting, a batch per transaction (one writer at a time). */
    synchronized void write() {
        List<RunRecords.Noted> batch = new ArrayList<>(BATCH);
        while (waiting.drainTo(batch, BATCH) > 0) {
            try {
                records.saveAll(batch);
            } catch (RuntimeException e) {
                dropped.addAndGet(batch.size());
                LOG.warning("could not record " + batch.size() + " runs: " + e.getMessage());
                return;
            }
            batch.clear();
        }
    }

    @PreDestroy
    void stop() {
        if (writing != null) {
            writing.cancel(false);
        }
        write();
    }
}
