package pro.codai.sandbox.connector;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import pro.codai.sandbox.connector.api.RunSlot;
import pro.codai.sandbox.connector.api.SandboxConnectorException;

/**
 * The server-wide run queue: at most {@code concurrent} runs at once, at most {@code queued}
 * waiting (first come, first served), none waiting longer than {@code timeoutMillis}. Beyond that a
 * run is refused at once, so a burst degrades into quick "try again" answers instead of piling up
 * threads and memory.
 */
final class RunGate {

    private final Semaphore slots;
    private final int queued;
    private final long timeoutMillis;
    private final AtomicInteger waiting = new AtomicInteger();

    RunGate(int concurrent, int queued, long timeoutMillis) {
        if (concurrent < 1 || queued < 0 || timeoutMillis < 0) {
            throw new IllegalArgumentException(
                    "run queue settings out of range: "
                            + concurrent
                            + " concurrent, "
                            + queued
                            + " queued, "
                            + timeoutMillis
                            + " ms");
        }
        this.slots = new Semaphore(concurrent, true);
        this.queued = queued;
        this.timeoutMillis = timeoutMillis;
    }

    RunSlot admit() throws SandboxConnectorException {
        long started = System.nanoTime();
        if (slots.tryAcquire()) {
            return new Slot(0);
        }
        if (waiting.incrementAndGet() > queued) {
            waiting.decrementAndGet();
            throw new SandboxConnectorException(
                    SandboxConnectorException.QUEUE_FULL,
                    "the run queue is full (" + queued + " waiting)");
        }
        try {
            if (!slots.tryAcquire(timeoutMillis, TimeUnit.MILLISECONDS)) {
                throw new SandboxConnectorException(
                        SandboxConnectorException.QUEUE_FULL,
                        "no run slot within " + timeoutMillis + " ms");
            }
            return new Slot(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxConnectorException(
                    SandboxConnectorException.QUEUE_FULL, "interrupted waiting for a run slot");
        } finally {
            waiting.decrementAndGet();
        }
    }

    int waiting() {
        return waiting.get();
    }

    int available() {
        return slots.availablePermits();
    }

    private final class Slot implements RunSlot {
        private final long waitedMillis;
        private final AtomicBoolean released = new AtomicBoolean();

        Slot(long waitedMillis) {
            this.waitedMillis = waitedMillis;
        }

        @Override
        public long waitedMillis() {
            return waitedMillis;
        }

        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                slots.release();
            }
        }
    }
}
