package pro.codai.it;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** How the benchmarks print a latency figure: median and 99th percentile of the samples. */
final class Figures {

    private Figures() {}

    static void report(String what, List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        if (sorted.isEmpty()) {
            System.out.printf("%-52s no samples%n", what);
            return;
        }
        System.out.printf(
                "%-52s p50 %7.1f ms   p99 %7.1f ms   (n=%d)%n",
                what,
                sorted.get(sorted.size() / 2) / 1e6,
                sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1))
                        / 1e6,
                sorted.size());
    }
}
