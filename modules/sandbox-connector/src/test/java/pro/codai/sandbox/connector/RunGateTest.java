package pro.codai.sandbox.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import pro.codai.sandbox.connector.api.RunSlot;
import pro.codai.sandbox.connector.api.SandboxConnectorException;

class RunGateTest {

    @Test
    void aFreeSlotIsTakenAtOnceAndGivenBackOnceOnly() throws Exception {
        RunGate gate = new RunGate(1, 0, 1000);

        RunSlot slot = gate.admit();
        slot.close();
        slot.close();

        assertThat(slot.waitedMillis()).isZero();
        assertThat(gate.available()).isEqualTo(1);
    }

    @Test
    void withNoRoomInTheQueueARunIsRefusedAtOnceAsOverload() throws Exception {
        RunGate gate = new RunGate(1, 0, 60_000);
        try (RunSlot busy = gate.admit()) {
            assertThatThrownBy(gate::admit)
                    .isInstanceOf(SandboxConnectorException.class)
                    .matches(e -> ((SandboxConnectorException) e).isOverload())
                    .hasMessageContaining("queue is full");
        }
    }

    @Test
    void aQueuedRunGetsTheNextFreeSlotAndOneWaitingTooLongIsRefused() throws Exception {
        RunGate gate = new RunGate(1, 1, 5_000);
        RunSlot busy = gate.admit();
        CountDownLatch queued = new CountDownLatch(1);
        CompletableFuture<RunSlot> next =
                CompletableFuture.supplyAsync(
                        () -> {
                            queued.countDown();
                            try {
                                return gate.admit();
                            } catch (SandboxConnectorException e) {
                                throw new IllegalStateException(e);
                            }
                        });
        queued.await();
        while (gate.waiting() == 0) {
            Thread.onSpinWait();
        }
        busy.close();
        RunSlot admitted = next.get(5, TimeUnit.SECONDS);

        assertThat(admitted).isNotNull();
        RunGate impatient = new RunGate(1, 1, 50);
        try (RunSlot held = impatient.admit()) {
            assertThatThrownBy(impatient::admit)
                    .isInstanceOf(SandboxConnectorException.class)
                    .hasMessageContaining("no run slot within 50 ms");
        }
        admitted.close();
    }

    @Test
    void nonsenseSettingsAreRefused() {
        assertThatThrownBy(() -> new RunGate(0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
