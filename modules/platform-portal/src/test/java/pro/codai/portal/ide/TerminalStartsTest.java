package pro.codai.portal.ide;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

import org.junit.jupiter.api.Test;

class TerminalStartsTest {

    @Test
    void retriesBackOffDoublingWithJitterUpToTheLongestWait() {
        Random random = new Random(7);
        long[][] steps = {{0, 2_000}, {1, 4_000}, {2, 8_000}, {4, 32_000}, {5, 60_000}};
        for (long[] step : steps) {
            for (int draw = 0; draw < 1_000; draw++) {
                long delay = TerminalStarts.retryDelayMillis((int) step[0], random);
                assertThat(delay).as("attempt %d", step[0]).isBetween(step[1] / 2, step[1]);
            }
        }
    }

    @Test
    void theWaitStaysAtTheLongestHoweverManyTriesFailed() {
        Random random = new Random(11);
        for (int attempt : new int[] {6, 20, 63, 64, 1_000, Integer.MAX_VALUE}) {
            assertThat(TerminalStarts.retryDelayMillis(attempt, random))
                    .isBetween(
                            TerminalStarts.LONGEST_RETRY_MILLIS / 2,
                            TerminalStarts.LONGEST_RETRY_MILLIS);
        }
    }

    @Test
    void theJitterSpreadsTabsRefusedTogether() {
        Random random = new Random(3);
        long first = TerminalStarts.retryDelayMillis(3, random);
        boolean differs = false;
        for (int draw = 0; draw < 20 && !differs; draw++) {
            differs = TerminalStarts.retryDelayMillis(3, random) != first;
        }
        assertThat(differs).isTrue();
    }
}
