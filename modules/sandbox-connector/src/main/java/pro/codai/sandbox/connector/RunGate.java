package pro.codai.sandbox.connector;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import pro.codai.sandbox.connector.api.RunSlot;
import pro.codai.sandbox.connector.api.SandboxConnectorException;

/**
 * The server-wide run queue, fair between callers: at most {@code concurrent} runs at once, at most
 * {@code perCaller} of them for one caller (a person, an API key), at most {@code queued} waiting,
 * none waiting longer than {@code timeoutMillis}. Beyond that a run is refused at once, so a burst
 * degrades into quick "try again" answers instead of piling up threads and memory.
 *
 * <p>A free slot goes to the waiting caller that holds the fewest slots, and among equals to the
 * run that has waited longest. So a caller that fills the queue cannot push its runs ahead of
 * another caller's: that caller's run takes the next slot that frees, at most one run's time later,
 * and at once when the hog is at its cap and a slot is free.
 *
 * <p>Thread-safe: every change of state happens under one lock, and each free slot is handed to a
 * waiter then and there ({@link #dispatch()}), so a slot is never free while a waiter that may take
 * it waits.
 */
final class RunGate {

    private final int concurrent;
    private final int perCaller;
    private final int queued;
    private final long timeoutNanos;
    private final long timeoutMillis;

    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock: callers holding or waiting for a slot (others are dropped).
    private final Map<String, CallerState> callers = new HashMap<>();
    private int running;
    private int waiting;
    private long arrivals;

    RunGate(int concurrent, int perCaller, int queued, long timeoutMillis) {
        if (concurrent < 1
                || perCaller < 1
                || perCaller > concurrent
                || queued < 0
                || timeoutMillis < 0) {
            throw new IllegalArgumentException(
                    "run queue settings out of range: "
                            + concurrent
                            + " concurrent, "
                            + perCaller
                            + " per caller, "
                            + queued
                            + " queued, "
                            + timeoutMillis
                            + " ms");
        }
        this.concurrent = concurrent;
        this.perCaller = perCaller;
        this.queued = queued;
        this.timeoutMillis = timeoutMillis;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    }

    /**
     * The per-caller cap when none is configured: every slot but one, so that one caller alone (a
     * Moodle with its one key) keeps nearly all the throughput while another caller finds a slot.
     */
    static int defaultPerCaller(int concurrent) {
        return Math.max(1, concurrent - 1);
    }

    /**
     * Waits for a slot for {@code caller} (any stable name of who asks: runs of the same name share
     * its cap).
     */
    RunSlot admit(String caller) throws SandboxConnectorException {
        long started = System.nanoTime();
        Waiter waiter;
        lock.lock();
        try {
            CallerState state = callers.computeIfAbsent(caller, CallerState::new);
            // No waiter can take a free slot (dispatch hands them out at once), so one that is
            // free and within the caller's cap is this run's.
            if (running < concurrent && state.held < perCaller) {
                grant(state);
                return new Slot(state, 0);
            }
            if (waiting >= queued) {
                forgetIfIdle(state);
                throw new SandboxConnectorException(
                        SandboxConnectorException.QUEUE_FULL,
                        "the run queue is full (" + queued + " waiting)");
            }
            waiter = new Waiter(arrivals++, lock.newCondition());
            state.waiters.addLast(waiter);
            waiting++;
            long left = timeoutNanos;
            while (!waiter.granted) {
                if (left <= 0) {
                    withdraw(state, waiter);
                    throw new SandboxConnectorException(
                            SandboxConnectorException.QUEUE_FULL,
                            "no run slot within " + timeoutMillis + " ms");
                }
                try {
                    left = waiter.turn.awaitNanos(left);
                } catch (InterruptedException e) {
                    if (waiter.granted) {
                        release(state);
                    } else {
                        withdraw(state, waiter);
                    }
                    Thread.currentThread().interrupt();
                    throw new SandboxConnectorException(
                            SandboxConnectorException.QUEUE_FULL,
                            "interrupted waiting for a run slot");
                }
            }
            return new Slot(state, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        } finally {
            lock.unlock();
        }
    }

    /** Runs waiting for a slot. */
    int waiting() {
        lock.lock();
        try {
            return waiting;
        } finally {
            lock.unlock();
        }
    }

    /** Slots free. */
    int available() {
        lock.lock();
        try {
            return concurrent - running;
        } finally {
            lock.unlock();
        }
    }

    /** Slots the caller holds. */
    int held(String caller) {
        lock.lock();
        try {
            CallerState state = callers.get(caller);
            return state == null ? 0 : state.held;
        } finally {
            lock.unlock();
        }
    }

    // The methods below run under the lock.

    private void grant(CallerState state) {
        running++;
        state.held++;
    }

    private void release(CallerState state) {
        running--;
        state.held--;
        forgetIfIdle(state);
        dispatch();
    }

    private void withdraw(CallerState state, Waiter waiter) {
        state.waiters.remove(waiter);
        waiting--;
        forgetIfIdle(state);
    }

    private void forgetIfIdle(CallerState state) {
        if (state.held == 0 && state.waiters.isEmpty()) {
            callers.remove(state.name);
        }
    }

    /** Hands free slots to waiters: fewest slots held first, then the longest waiting. */
    private void dispatch() {
        while (running < concurrent) {
            CallerState next = null;
            for (CallerState candidate : callers.values()) {
                if (candidate.held >= perCaller || candidate.waiters.isEmpty()) {
                    continue;
                }
                if (next == null
                        || candidate.held < next.held
                        || (candidate.held == next.held
                                && candidate.waiters.peekFirst().arrival
                                        < next.waiters.peekFirst().arrival)) {
                    next = candidate;
                }
            }
            if (next == null) {
                return;
            }
            Waiter waiter = next.waiters.pollFirst();
            waiting--;
            grant(next);
            waiter.granted = true;
            waiter.turn.signal();
        }
    }

    private static final class CallerState {
        final String name;
        final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
        int held;

        CallerState(String name) {
            this.name = name;
        }
    }

    private static final class Waiter {
        final long arrival;
        final Condition turn;
        boolean granted;

        Waiter(long arrival, Condition turn) {
            this.arrival = arrival;
            this.turn = turn;
        }
    }

    private final class Slot implements RunSlot {
        private final CallerState state;
        private final long waitedMillis;
        private final AtomicBoolean released = new AtomicBoolean();

        Slot(CallerState state, long waitedMillis) {
            this.state = state;
            this.waitedMillis = waitedMillis;
        }

        @Override
        public long waitedMillis() {
            return waitedMillis;
        }

        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                lock.lock();
                try {
                    release(state);
                } finally {
                    lock.unlock();
                }
            }
        }
    }
}
