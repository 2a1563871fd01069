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
 * Refilled in the background after each acquire; drained (destroyed) at shutdown. Thread-safe.
 */
final class WarmPool implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WarmPool.class.getName());

    private final SandboxDriver driver;
    private final SandboxSpec spec;
    private final int size;
    private final LinkedBlockingDeque<Sandbox> ready = new LinkedBlockingDeque<>();
    private final AtomicInteger filling = new AtomicInteger();
    private final ExecutorService refill =
            Executors.newSingleThreadExecutor(DaemonThreads.named("sandboxd-warm-pool"));
    private volatile boolean closed;

    WarmPool(SandboxDriver driver, SandboxSpec spec, int size) {
        this.driver = driver;
        this.spec = spec;
        this.size = size;
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

    /** Blocks until the pool is full or the timeout passes; for start-up and tests. */
    boolean awaitFull(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (ready.size() < size && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        return ready.size() >= size;
    }

    private void topUp() {
        int missing = size - ready.size() - filling.get();
        for (int i = 0; i < missing && !closed; i++) {
            filling.incrementAndGet();
            refill.execute(this::addOne);
        }
    }

    private void addOne() {
        try {
            if (closed) {
                return;
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
            try {
                sandbox.destroy();
            } catch (SandboxException | RuntimeException e) {
                LOG.log(Level.WARNING, "could not destroy pooled sandbox " + sandbox.id(), e);
            }
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
