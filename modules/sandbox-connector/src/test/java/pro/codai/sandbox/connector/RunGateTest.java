package pro.codai.sandbox.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import pro.codai.sandbox.connector.api.RunSlot;
import pro.codai.sandbox.connector.api.SandboxConnectorException;

class RunGateTest {

    /** Deadline for a thread to reach a state; reaching it sooner is the only outcome tested. */
    private static final long DEADLINE_SECONDS = 30;

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void aFreeSlotIsTakenAtOnceAndGivenBackOnceOnly() throws Exception {
        RunGate gate = new RunGate(1, 1, 0, 1000);

        RunSlot slot = gate.admit("alice");
        slot.close();
        slot.close();

        assertThat(slot.waitedMillis()).isZero();
        assertThat(gate.available()).isEqualTo(1);
        assertThat(gate.held("alice")).isZero();
    }

    @Test
    void withNoRoomInTheQueueARunIsRefusedAtOnceAsOverload() throws Exception {
        RunGate gate = new RunGate(1, 1, 0, 60_000);
        try (RunSlot busy = gate.admit("alice")) {
            assertThatThrownBy(() -> gate.admit("bob"))
                    .isInstanceOf(SandboxConnectorException.class)
                    .matches(e -> ((SandboxConnectorException) e).isOverload())
                    .hasMessageContaining("queue is full");
        }
    }

    @Test
    void theQueueBoundCountsEveryCallersWaitingRuns() throws Exception {
        RunGate gate = new RunGate(1, 1, 2, 60_000);
        RunSlot busy = gate.admit("alice");
        // One at a time, so the queue's order (and so who is admitted first) is known.
        CompletableFuture<RunSlot> first = admitLater(gate, "alice");
        awaitUntil(gate::waiting, 1);
        CompletableFuture<RunSlot> second = admitLater(gate, "bob");
        awaitUntil(gate::waiting, 2);

        assertThatThrownBy(() -> gate.admit("carol"))
                .isInstanceOf(SandboxConnectorException.class)
                .hasMessageContaining("queue is full (2 waiting)");

        busy.close();
        first.get(DEADLINE_SECONDS, TimeUnit.SECONDS).close();
        second.get(DEADLINE_SECONDS, TimeUnit.SECONDS).close();
        assertThat(gate.waiting()).isZero();
        assertThat(gate.available()).isEqualTo(1);
    }

    @Test
    void aQueuedRunGetsTheNextFreeSlotAndOneWaitingTooLongIsRefused() throws Exception {
        RunGate gate = new RunGate(1, 1, 1, 60_000);
        RunSlot busy = gate.admit("alice");
        CompletableFuture<RunSlot> next = admitLater(gate, "bob");
        awaitUntil(gate::waiting, 1);
        busy.close();
        RunSlot admitted = next.get(DEADLINE_SECONDS, TimeUnit.SECONDS);

        assertThat(gate.held("bob")).isEqualTo(1);
        RunGate impatient = new RunGate(1, 1, 1, 50);
        try (RunSlot held = impatient.admit("alice")) {
            assertThatThrownBy(() -> impatient.admit("bob"))
                    .isInstanceOf(SandboxConnectorException.class)
                    .hasMessageContaining("no run slot within 50 ms");
            assertThat(impatient.waiting()).isZero();
        }
        admitted.close();
    }

    @Test
    void aCallerAtItsCapWaitsWhileSlotsAreFreeAndAnotherCallerGetsOneAtOnce() throws Exception {
        RunGate gate = new RunGate(4, 2, 10, 60_000);
        RunSlot first = gate.admit("hog");
        RunSlot second = gate.admit("hog");

        CompletableFuture<RunSlot> third = admitLater(gate, "hog");
        awaitUntil(gate::waiting, 1);
        RunSlot other = gate.admit("student");

        assertThat(other.waitedMillis()).isZero();
        assertThat(third).isNotDone();
        assertThat(gate.held("hog")).isEqualTo(2);
        assertThat(gate.available()).isEqualTo(1);

        first.close();
        third.get(DEADLINE_SECONDS, TimeUnit.SECONDS).close();
        second.close();
        other.close();
        assertThat(gate.available()).isEqualTo(4);
    }

    @Test
    void aHogHoldingEverySlotWithMoreQueuedLetsAnotherCallerHaveTheNextFreeSlot() throws Exception {
        RunGate gate = new RunGate(2, 2, 10, 60_000);
        List<RunSlot> hogRunning = new ArrayList<>(List.of(gate.admit("hog"), gate.admit("hog")));
        List<CompletableFuture<RunSlot>> hogQueued = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            hogQueued.add(admitLater(gate, "hog"));
            awaitUntil(gate::waiting, i + 1);
        }
        CompletableFuture<RunSlot> student = admitLater(gate, "student");
        awaitUntil(gate::waiting, 4);

        hogRunning.remove(0).close();
        RunSlot studentRun = student.get(DEADLINE_SECONDS, TimeUnit.SECONDS);

        assertThat(hogQueued).noneMatch(CompletableFuture::isDone);
        assertThat(gate.held("student")).isEqualTo(1);
        assertThat(gate.waiting()).isEqualTo(3);

        // The hog's queued runs then go in order as slots free.
        studentRun.close();
        RunSlot hogNext = hogQueued.get(0).get(DEADLINE_SECONDS, TimeUnit.SECONDS);
        assertThat(hogQueued.subList(1, 3)).noneMatch(CompletableFuture::isDone);
        hogNext.close();
        hogQueued.get(1).get(DEADLINE_SECONDS, TimeUnit.SECONDS).close();
        hogQueued.get(2).get(DEADLINE_SECONDS, TimeUnit.SECONDS).close();
        hogRunning.get(0).close();
        assertThat(gate.available()).isEqualTo(2);
        assertThat(gate.waiting()).isZero();
    }

    @Test
    void aFreeSlotGoesToTheCallerHoldingFewestThenToTheLongestWaiting() throws Exception {
        RunGate gate = new RunGate(3, 3, 10, 60_000);
        RunSlot a1 = gate.admit("a");
        RunSlot a2 = gate.admit("a");
        RunSlot b1 = gate.admit("b");
        CompletableFuture<RunSlot> aWaits = admitLater(gate, "a");
        awaitUntil(gate::waiting, 1);
        CompletableFuture<RunSlot> bWaits = admitLater(gate, "b");
        awaitUntil(gate::waiting, 2);
        CompletableFuture<RunSlot> cWaits = admitLater(gate, "c");
        awaitUntil(gate::waiting, 3);

        a1.close(); // a holds 1, b holds 1, c holds 0: c first although it came last
        RunSlot c = cWaits.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
        assertThat(aWaits).isNotDone();
        assertThat(bWaits).isNotDone();

        c.close(); // a and b hold 1 each: a has waited longer
        RunSlot a = aWaits.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
        assertThat(bWaits).isNotDone();

        a2.close();
        bWaits.get(DEADLINE_SECONDS, TimeUnit.SECONDS).close();
        a.close();
        b1.close();
        assertThat(gate.available()).isEqualTo(3);
        assertThat(gate.held("a")).isZero();
    }

    @Test
    void anInterruptedWaiterLeavesTheQueueAndTakesNoSlot() throws Exception {
        RunGate gate = new RunGate(1, 1, 5, 60_000);
        RunSlot busy = gate.admit("alice");
        CompletableFuture<Thread> waiterThread = new CompletableFuture<>();
        CompletableFuture<Throwable> refused =
                CompletableFuture.supplyAsync(
                        () -> {
                            waiterThread.complete(Thread.currentThread());
                            try {
                                gate.admit("bob").close();
                                return null;
                            } catch (SandboxConnectorException e) {
                                return e;
                            }
                        },
                        threads);
        awaitUntil(gate::waiting, 1);
        waiterThread.get(DEADLINE_SECONDS, TimeUnit.SECONDS).interrupt();

        assertThat(refused.get(DEADLINE_SECONDS, TimeUnit.SECONDS))
                .hasMessageContaining("interrupted");
        assertThat(gate.waiting()).isZero();
        busy.close();
        assertThat(gate.available()).isEqualTo(1);
    }

    @Test
    void nonsenseSettingsAreRefused() {
        assertThatThrownBy(() -> new RunGate(0, 1, 1, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RunGate(2, 0, 1, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RunGate(2, 3, 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 per caller");
    }

    @Test
    void thePerCallerDefaultIsHalfTheSlotsAndAtLeastOne() {
        assertThat(RunGate.defaultPerCaller(1)).isEqualTo(1);
        assertThat(RunGate.defaultPerCaller(2)).isEqualTo(1);
        assertThat(RunGate.defaultPerCaller(4)).isEqualTo(3);
    }

    private CompletableFuture<RunSlot> admitLater(RunGate gate, String caller) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return gate.admit(caller);
                    } catch (SandboxConnectorException e) {
                        throw new CompletionException(e);
                    }
                },
                threads);
    }

    /** Waits (with a deadline) until the value is reached: a thread is then queued. */
    private static void awaitUntil(IntSupplier value, int wanted) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        while (value.getAsInt() != wanted) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still " + value.getAsInt() + ", not " + wanted);
            }
            Thread.onSpinWait();
        }
    }
}
