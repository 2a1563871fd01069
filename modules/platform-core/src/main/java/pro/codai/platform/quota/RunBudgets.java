package pro.codai.platform.quota;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Hourly run budgets: at most so many runs in any hour for one budget (an API key, a person calling
 * with a token). The times of the last hour's runs are kept in memory, per application and server;
 * a restart forgets them.
 *
 * <p>Thread-safe: each budget's times are changed under that budget's own lock.
 */
@ApplicationScoped
public class RunBudgets {

    static final long HOUR_MILLIS = 3_600_000;

    /** Seconds a refused caller is told to wait ({@code Retry-After}). */
    public static final int RETRY_AFTER_SECONDS = 60;

    Clock clock = Clock.systemUTC();

    private final Map<String, Deque<Long>> recentRuns = new ConcurrentHashMap<>();

    /**
     * Counts one run against {@code budget}'s allowance of {@code runsPerHour} runs in the last
     * hour; false (and nothing counted) when it is spent. 0 runs per hour means no budget: always
     * true, nothing kept.
     */
    public boolean tryCount(String budget, int runsPerHour) {
        if (runsPerHour <= 0) {
            return true;
        }
        long now = clock.millis();
        Deque<Long> runs = recentRuns.computeIfAbsent(budget, name -> new ArrayDeque<>());
        synchronized (runs) {
            while (!runs.isEmpty() && runs.peekFirst() <= now - HOUR_MILLIS) {
                runs.pollFirst();
            }
            if (runs.size() >= runsPerHour) {
                return false;
            }
            runs.addLast(now);
            return true;
        }
    }
}
