package pro.codai.platform.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class RunBudgetsTest {

    private Instant now = Instant.parse("2026-12-07T00:00:00Z");

    private RunBudgets budgets() {
        RunBudgets budgets = new RunBudgets();
        budgets.clock =
                new Clock() {
                    @Override
                    public ZoneOffset getZone() {
                        return ZoneOffset.UTC;
                    }

                    @Override
                    public Clock withZone(java.time.ZoneId zone) {
                        return this;
                    }

                    @Override
                    public Instant instant() {
                        return now;
                    }
                };
        return budgets;
    }

    @Test
    void aSpentBudgetRefusesUntilItsOldestRunIsAnHourOld() {
        RunBudgets budgets = budgets();
        assertThat(budgets.tryCount("person:ada", 2)).isTrue();
        now = now.plus(Duration.ofMinutes(10));
        assertThat(budgets.tryCount("person:ada", 2)).isTrue();

        assertThat(budgets.tryCount("person:ada", 2)).isFalse();
        assertThat(budgets.tryCount("person:bob", 2)).as("budgets are apart").isTrue();

        now = now.plus(Duration.ofMinutes(50)).minusMillis(1);
        assertThat(budgets.tryCount("person:ada", 2)).isFalse();
        now = now.plusMillis(1);
        assertThat(budgets.tryCount("person:ada", 2)).isTrue();
        assertThat(budgets.tryCount("person:ada", 2)).isFalse();
    }

    @Test
    void noBudgetAlwaysAllows() {
        RunBudgets budgets = budgets();
        for (int i = 0; i < 1000; i++) {
            assertThat(budgets.tryCount("api-key:1", 0)).isTrue();
        }
    }
}
