package pro.codai.platform.timetable;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;

/**
 * How large sandboxd's warm pool should be now: its configured size plus the students of every
 * class whose window — from {@code lead} before its start to {@code tail} after — holds now, capped
 * by sandboxd's maximum. Pure, for tests.
 *
 * @param lead how long before a class start its sandboxes are wanted ready
 * @param tail how long after a class start they stay wanted (late arrivals)
 */
public record PreWarmPlan(Duration lead, Duration tail) {

    public PreWarmPlan {
        if (lead.isNegative() || tail.isNegative()) {
            throw new IllegalArgumentException("lead and tail are not negative");
        }
    }

    /** Whether the class's window holds {@code now}. */
    public boolean covers(ClassStarts.Entry start, Instant now) {
        return !now.isBefore(start.startsAt().minus(lead))
                && !now.isAfter(start.startsAt().plus(tail));
    }

    /** The students of the classes whose window holds {@code now}. */
    public long studentsAt(Collection<ClassStarts.Entry> starts, Instant now) {
        return starts.stream()
                .filter(s -> covers(s, now))
                .mapToLong(ClassStarts.Entry::students)
                .sum();
    }

    /**
     * The pool's target: {@code floor} (sandboxd's configured size) plus the students whose class
     * window holds {@code now}, at most {@code max}.
     */
    public int target(Collection<ClassStarts.Entry> starts, Instant now, int floor, int max) {
        long wanted = floor + studentsAt(starts, now);
        return (int) Math.max(floor, Math.min(wanted, max));
    }
}
