package pro.codai.portal.ide;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LongSummaryStatistics;
import java.util.Random;
import java.util.stream.IntStream;

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
    void theJitterSpreadsTabsRefusedTogetherOverTheWholeStep() {
        Random random = new Random(3);
        long step = TerminalStarts.FIRST_RETRY_MILLIS << 3;
        LongSummaryStatistics delays =
                IntStream.range(0, 200)
                        .mapToLong(draw -> TerminalStarts.retryDelayMillis(3, random))
                        .summaryStatistics();
        assertThat(delays.getMin()).isLessThan(step * 6 / 10);
        assertThat(delays.getMax()).isGreaterThan(step * 9 / 10);
    }
}
