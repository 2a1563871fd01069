package pro.codai.sandbox.daemon;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

import pro.codai.sandbox.api.Sandbox;
import pro.codai.sandbox.api.SandboxDriver;
import pro.codai.sandbox.api.SandboxException;
import pro.codai.sandbox.api.SandboxSpec;

/**
 * Started sandboxes of the default spec, kept ready so that acquiring one costs a queue poll.
 * Refilled in the background after each acquire; drained (destroyed) at shutdown. Its target size
 * starts at the configured size and can be changed at run time ({@link #resize}) between that floor
 * and a configured maximum: growing tops up in the background, shrinking destroys the surplus.
 * Thread-safe.
 */
final class WarmPool implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WarmPool.class.getName());

    private final SandboxDriver driver;
    private final SandboxSpec spec;
    private final int floor;
    private final int max;
    private volatile int target;
    private final LinkedBlockingDeque<Sandbox> ready = new LinkedBlockingDeque<>();
    private final AtomicInteger filling = new AtomicInteger();
    private final ExecutorService refill =
            Executors.newSingleThreadExecutor(DaemonThreads.named("sandboxd-warm-pool"));
    private volatile boolean closed;

    WarmPool(SandboxDriver driver, SandboxSpec spec, int size) {
        this(driver, spec, size, size);
    }

    /**
     * A pool of {@code size} sandboxes whose target may later be set between {@code size} and
     * {@code max} (a {@code max} below {@code size} is taken as {@code size}).
     */
    WarmPool(SandboxDriver driver, SandboxSpec spec, int size, int max) {
        if (size < 0) {
            throw new IllegalArgumentException("a warm pool size is not negative: " + size);
        }
        this.driver = driver;
        this.spec = spec;
        this.floor = size;
        this.max = Math.max(size, max);
        this.target = size;
        topUp();
    }

    SandboxSpec spec() {
        return spec;
    }

    /** A started sandbox from the pool, or null when the pool is empty (the caller cold-starts). */
    Sandbox poll() {
        Sandbox sandbox = ready.poll();
        topUp();
        return sandbox;
    }

    int available() {
        return ready.size();
    }

    /** The size the pool is kept at now. */
    int target() {
        return target;
    }

    /** The configured size: the smallest target. */
    int floor() {
        return floor;
    }

    /** The largest target {@link #resize} accepts. */
    int max() {
        return max;
    }

    /**
     * Sets the size the pool is kept at. Growing starts sandboxes in the background; shrinking
     * destroys surplus ready ones in the background, on the same thread after the starts already
     * queued (those no longer needed are skipped, one under way is destroyed once it is ready).
     *
     * @throws IllegalArgumentException when {@code size} is below {@link #floor()} or above {@link
     *     #max()}; nothing changes
     */
    synchronized void resize(int size) {
        if (size < floor || size > max) {
            throw new IllegalArgumentException(
                    "a warm pool size must be between "
                            + floor
                            + " (sandboxd.warm-pool.size) and "
                            + max
                            + " (sandboxd.warm-pool.max-size): "
                            + size);
        }
        int before = target;
        target = size;
        if (size != before) {
            LOG.info(() -> "warm pool target " + before + " -> " + size);
        }
        if (size > before) {
            topUp();
        } else if (size < before && !closed) {
            refill.execute(this::shrink);
        }
    }

    /** Blocks until the pool is full or the timeout passes; for start-up and tests. */
    boolean awaitFull(long timeoutMillis) throws InterruptedException {
        return await(timeoutMillis, () -> ready.size() >= target);
    }

    /** Blocks until exactly the target is ready or the timeout passes; for tests. */
    boolean awaitTarget(long timeoutMillis) throws InterruptedException {
        return await(timeoutMillis, () -> ready.size() == target && filling.get() == 0);
    }

    private static boolean await(long timeoutMillis, java.util.function.BooleanSupplier done)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!done.getAsBoolean() && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        return done.getAsBoolean();
    }

    private synchronized void topUp() {
        int missing = target - ready.size() - filling.get();
        for (int i = 0; i < missing && !closed; i++) {
            filling.incrementAndGet();
            refill.execute(this::addOne);
        }
    }

    /** Destroys ready sandboxes beyond the target; runs on the refill thread. */
    private void shrink() {
        while (ready.size() > target) {
            Sandbox surplus = ready.pollLast();
            if (surplus == null) {
                return;
            }
            destroyQuietly(surplus);
        }
    }

    private void addOne() {
        try {
            if (closed) {
                return;
            }
            if (ready.size() >= target) {
                return; // the target dropped while this one waited its turn
            }
            Sandbox sandbox = driver.create(spec);
            try {
                sandbox.start();
            } catch (SandboxException e) {
                sandbox.destroy();
                throw e;
            }
            ready.add(sandbox);
            if (closed) {
                drain();
            }
        } catch (SandboxException | RuntimeException e) {
            LOG.log(Level.WARNING, "could not add a sandbox to the warm pool", e);
        } finally {
            filling.decrementAndGet();
        }
    }

    private void drain() {
        for (Sandbox sandbox; (sandbox = ready.poll()) != null; ) {
            destroyQuietly(sandbox);
        }
    }

    private static void destroyQuietly(Sandbox sandbox) {
        try {
            sandbox.destroy();
        } catch (SandboxException | RuntimeException e) {
            LOG.log(Level.WARNING, "could not destroy pooled sandbox " + sandbox.id(), e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        refill.shutdown();
        refill.awaitTermination(30, TimeUnit.SECONDS);
        drain();
    }
}
