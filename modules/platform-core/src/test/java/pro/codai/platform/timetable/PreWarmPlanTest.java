package pro.codai.platform.timetable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class PreWarmPlanTest {

    private static final Instant START = Instant.parse("2026-12-07T09:00:00Z");
    private static final PreWarmPlan PLAN =
            new PreWarmPlan(Duration.ofMinutes(10), Duration.ofMinutes(5));

    private static ClassStarts.Entry start(Instant at, int students) {
        return new ClassStarts.Entry(1L, at, students, 90, "admin", START.minusSeconds(86_400));
    }

    @Test
    void thePoolStaysAtItsFloorBeforeTheLead() {
        assertThat(PLAN.target(List.of(start(START, 30)), START.minusSeconds(601), 4, 64))
                .isEqualTo(4);
    }

    @Test
    void fromTheLeadToTheTailThePoolHoldsTheClassToo() {
        List<ClassStarts.Entry> starts = List.of(start(START, 30));

        assertThat(PLAN.target(starts, START.minusSeconds(600), 4, 64)).isEqualTo(34);
        assertThat(PLAN.target(starts, START, 4, 64)).isEqualTo(34);
        assertThat(PLAN.target(starts, START.plusSeconds(300), 4, 64)).isEqualTo(34);
    }

    @Test
    void afterTheTailThePoolIsBackAtItsFloor() {
        assertThat(PLAN.target(List.of(start(START, 30)), START.plusSeconds(301), 4, 64))
                .isEqualTo(4);
    }

    @Test
    void overlappingClassesAddUpAndAreCappedBySandboxdsMaximum() {
        List<ClassStarts.Entry> starts =
                List.of(start(START, 30), start(START.plusSeconds(300), 25));

        assertThat(PLAN.target(starts, START, 4, 64)).isEqualTo(59);
        assertThat(PLAN.target(starts, START, 4, 40)).isEqualTo(40);
    }

    @Test
    void aNegativeLeadOrTailIsRefused() {
        assertThatThrownBy(() -> new PreWarmPlan(Duration.ofSeconds(-1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aClassStartMustBeInTheFutureWithSensibleStudentsAndDuration() {
        Instant now = START.minusSeconds(3600);

        assertThatThrownBy(() -> ClassStarts.check(now, 5, 60, now)).hasMessageContaining("future");
        assertThatThrownBy(() -> ClassStarts.check(null, 5, 60, now))
                .hasMessageContaining("startsAt");
        assertThatThrownBy(() -> ClassStarts.check(START, 0, 60, now))
                .hasMessageContaining("students");
        assertThatThrownBy(() -> ClassStarts.check(START, 1001, 60, now))
                .hasMessageContaining("students");
        assertThatThrownBy(() -> ClassStarts.check(START, 5, 0, now))
                .hasMessageContaining("durationMinutes");
        assertThatThrownBy(() -> ClassStarts.check(now.plus(Duration.ofDays(400)), 5, 60, now))
                .hasMessageContaining("year");
        ClassStarts.check(START, 1000, 1440, now);
    }
}
