package pro.codai.portal.ide;

import java.util.Random;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Where workspace terminals are opened: on threads of their own, not in the WebSocket handshake's
 * {@code @OnOpen}, which runs on the container's thread. Opening may start a sandbox (seconds under
 * load).
 *
 * <p>{@link #THREADS} opens run at once and the rest wait in order; sandboxd starts sandboxes a few
 * at a time anyway, and refuses for load what it cannot take. A refused open is tried again later
 * with the tab kept open, rather than closing it for the page to come back: closes and new
 * handshakes are the costly and fragile part (see {@link TerminalHub#closeQuietly}), and the pace
 * of retries is the server's to set.
 */
@ApplicationScoped
public class TerminalStarts {

    static final int THREADS = 32;

    /** The first retry comes after 1–2 s; each next one waits twice as long, up to 30–60 s. */
    static final long FIRST_RETRY_MILLIS = 2_000;

    static final long LONGEST_RETRY_MILLIS = 60_000;

    @Resource ManagedThreadFactory threads;

    /** The bean while it runs, for {@link #later}. */
    private static volatile TerminalStarts running;

    private static volatile boolean stopped;

    // A pool of its own, not one of the container's managed executors: those are shared with the
    // portal's other tasks and sized by the container, and terminal opens must run side by side.
    private ScheduledThreadPoolExecutor executor;

    @PostConstruct
    void start() {
        executor = new ScheduledThreadPoolExecutor(THREADS, threads);
        executor.setKeepAliveTime(60, TimeUnit.SECONDS);
        executor.allowCoreThreadTimeOut(true);
        running = this;
        stopped = false;
    }

    @PreDestroy
    void stop() {
        stopped = true;
        running = null;
        executor.shutdownNow();
    }

    /** Runs {@code open} soon, on a container-managed thread. */
    void submit(Runnable open) {
        executor.execute(open);
    }

    /**
     * Runs {@code task} after {@code delaySeconds} on this bean's threads, from any thread (the
     * connector's among them, where there is no CDI context to look the bean up). Without a running
     * bean: at once if no terminal was ever opened here (unit tests), never once the application
     * stops.
     */
    static void later(Runnable task, long delaySeconds) {
        TerminalStarts starts = running;
        if (starts == null) {
            if (!stopped) {
                task.run();
            }
            return;
        }
        try {
            starts.schedule(task, TimeUnit.SECONDS.toMillis(delaySeconds));
        } catch (RejectedExecutionException stopping) {
            // the application is stopping: its sockets go with it
        }
    }

    /** Runs {@code open} again after {@code delayMillis}. */
    void schedule(Runnable open, long delayMillis) {
        executor.schedule(open, delayMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * How long to wait before try {@code attempt + 1}: doubling from {@link #FIRST_RETRY_MILLIS} up
     * to {@link #LONGEST_RETRY_MILLIS}, each drawn between half and all of its step, so that tabs
     * refused together do not all come back together.
     */
    static long retryDelayMillis(int attempt, Random random) {
        long step = Math.min(FIRST_RETRY_MILLIS << Math.min(attempt, 10), LONGEST_RETRY_MILLIS);
        return step / 2 + (long) (random.nextDouble() * (step / 2));
    }
}
