package pro.codai.sandbox.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import pro.codai.sandbox.api.Sandbox;
import pro.codai.sandbox.api.SandboxDriver;
import pro.codai.sandbox.api.SandboxSpec;

/** The warm pool's target changed at run time, against a driver that only counts sandboxes. */
class WarmPoolTest {

    private static final long WAIT = 30_000;

    /** Sandboxes the fake driver created and has not seen destroyed. */
    private final Set<String> alive = ConcurrentHashMap.newKeySet();

    private final AtomicInteger created = new AtomicInteger();
    private WarmPool pool;

    @AfterEach
    void close() throws Exception {
        if (pool != null) {
            pool.close();
        }
        assertThat(alive).as("every pooled sandbox destroyed at close").isEmpty();
    }

    @Test
    void aPoolStartsAtItsConfiguredSize() throws Exception {
        pool = new WarmPool(driver(), SandboxSpec.defaults("base"), 2, 8);

        assertThat(pool.awaitTarget(WAIT)).isTrue();
        assertThat(pool.available()).isEqualTo(2);
        assertThat(pool.target()).isEqualTo(2);
        assertThat(pool.floor()).isEqualTo(2);
        assertThat(pool.max()).isEqualTo(8);
    }

    @Test
    void aLargerTargetIsToppedUpInTheBackground() throws Exception {
        pool = new WarmPool(driver(), SandboxSpec.defaults("base"), 2, 8);
        pool.awaitTarget(WAIT);

        pool.resize(6);

        assertThat(pool.target()).isEqualTo(6);
        assertThat(pool.awaitTarget(WAIT)).isTrue();
        assertThat(pool.available()).isEqualTo(6);
        assertThat(alive).hasSize(6);
    }

    @Test
    void aSmallerTargetDestroysTheSurplusReadySandboxes() throws Exception {
        pool = new WarmPool(driver(), SandboxSpec.defaults("base"), 1, 8);
        pool.resize(5);
        pool.awaitTarget(WAIT);

        pool.resize(1);

        assertThat(pool.awaitTarget(WAIT)).isTrue();
        assertThat(pool.available()).isEqualTo(1);
        assertThat(alive).hasSize(1);
    }

    @Test
    void shrinkingWhileGrowingEndsAtTheLastTarget() throws Exception {
        pool = new WarmPool(driver(), SandboxSpec.defaults("base"), 0, 20);

        pool.resize(20);
        pool.resize(3);

        assertThat(pool.awaitTarget(WAIT)).isTrue();
        assertThat(pool.available()).isEqualTo(3);
        assertThat(alive).hasSize(3);
    }

    @Test
    void aTakenSandboxIsReplacedUpToTheRaisedTarget() throws Exception {
        pool = new WarmPool(driver(), SandboxSpec.defaults("base"), 1, 4);
        pool.resize(3);
        pool.awaitTarget(WAIT);

        Sandbox taken = pool.poll();

        assertThat(taken).isNotNull();
        assertThat(pool.awaitTarget(WAIT)).isTrue();
        assertThat(pool.available()).isEqualTo(3);
        taken.destroy();
    }

    @Test
    void aTargetBelowTheConfiguredSizeOrAboveTheMaximumIsRefusedAndChangesNothing()
            throws Exception {
        pool = new WarmPool(driver(), SandboxSpec.defaults("base"), 2, 4);
        pool.awaitTarget(WAIT);

        assertThatThrownBy(() -> pool.resize(1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("between 2")
                .hasMessageContaining("and 4");
        assertThatThrownBy(() -> pool.resize(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> pool.resize(5)).isInstanceOf(IllegalArgumentException.class);

        assertThat(pool.target()).isEqualTo(2);
        assertThat(pool.awaitTarget(WAIT)).isTrue();
        assertThat(created.get()).isEqualTo(2);
    }

    @Test
    void aMaximumBelowTheConfiguredSizeIsTakenAsThatSize() throws Exception {
        pool = new WarmPool(driver(), SandboxSpec.defaults("base"), 3, 1);

        assertThat(pool.max()).isEqualTo(3);
    }

    /** A driver whose sandboxes only record that they exist. */
    private SandboxDriver driver() {
        return (SandboxDriver)
                Proxy.newProxyInstance(
                        getClass().getClassLoader(),
                        new Class<?>[] {SandboxDriver.class},
                        (proxy, method, args) ->
                                switch (method.getName()) {
                                    case "create" -> sandbox((SandboxSpec) args[0]);
                                    case "id" -> "fake";
                                    default -> null;
                                });
    }

    private Sandbox sandbox(SandboxSpec spec) {
        String id = "fake-" + created.incrementAndGet();
        alive.add(id);
        return (Sandbox)
                Proxy.newProxyInstance(
                        getClass().getClassLoader(),
                        new Class<?>[] {Sandbox.class},
                        (proxy, method, args) ->
                                switch (method.getName()) {
                                    case "id" -> id;
                                    case "spec" -> spec;
                                    case "destroy", "close" -> {
                                        alive.remove(id);
                                        yield null;
                                    }
                                    default -> null;
                                });
    }
}
