package pro.codai.it;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** How the benchmarks print a latency figure: percentiles of the samples, in milliseconds. */
final class Figures {

    private Figures() {}

    /** Median and 99th percentile. */
    static void report(String what, List<Long> nanos) {
        print(what, nanos, false);
    }

    /** Median, 95th and 99th percentile and the slowest. */
    static void reportPercentiles(String what, List<Long> nanos) {
        print(what, nanos, true);
    }

    private static void print(String what, List<Long> nanos, boolean detailed) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        if (sorted.isEmpty()) {
            System.out.printf("%-52s no samples%n", what);
        } else if (detailed) {
            System.out.printf(
                    "%-52s p50 %7.1f ms   p95 %7.1f ms   p99 %7.1f ms   max %7.1f ms   (n=%d)%n",
                    what,
                    percentile(sorted, 0.50) / 1e6,
                    percentile(sorted, 0.95) / 1e6,
                    percentile(sorted, 0.99) / 1e6,
                    sorted.get(sorted.size() - 1) / 1e6,
                    sorted.size());
        } else {
            System.out.printf(
                    "%-52s p50 %7.1f ms   p99 %7.1f ms   (n=%d)%n",
                    what,
                    sorted.get(sorted.size() / 2) / 1e6,
                    percentile(sorted, 0.99) / 1e6,
                    sorted.size());
        }
    }

    private static long percentile(List<Long> sorted, double fraction) {
        return sorted.get(
                Math.min(
                        sorted.size() - 1,
                        Math.max(0, (int) Math.ceil(sorted.size() * fraction) - 1)));
    }
}
