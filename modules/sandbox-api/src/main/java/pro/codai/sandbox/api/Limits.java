package pro.codai.sandbox.api;

import java.time.Duration;
import java.util.Objects;

/**
 * Resource limits of a sandbox or a run. Every field is required: a sandbox never runs without a
 * limit.
 *
 * @param memoryBytes memory the sandbox may use, page cache and tmpfs included; no swap
 * @param cpuMillicores CPU bandwidth in thousandths of a core (1000 = one full core)
 * @param pids largest number of processes and threads
 * @param diskBytes largest size of the sandbox's writable files
 * @param openFiles largest number of open files per process (RLIMIT_NOFILE)
 * @param cpuTime CPU time one run may use
 * @param wallTime wall-clock time one run may take
 */
public record Limits(
        long memoryBytes,
        int cpuMillicores,
        int pids,
        long diskBytes,
        int openFiles,
        Duration cpuTime,
        Duration wallTime) {

    /** Limits for an interactive student sandbox. */
    public static final Limits DEFAULT =
            new Limits(
                    512L << 20,
                    1000,
                    256,
                    1L << 30,
                    1024,
                    Duration.ofMinutes(10),
                    Duration.ofMinutes(30));

    public Limits {
        positive(memoryBytes, "memoryBytes");
        positive(cpuMillicores, "cpuMillicores");
        positive(pids, "pids");
        positive(diskBytes, "diskBytes");
        positive(openFiles, "openFiles");
        Objects.requireNonNull(cpuTime, "cpuTime");
        Objects.requireNonNull(wallTime, "wallTime");
        if (cpuTime.isNegative()
                || cpuTime.isZero()
                || wallTime.isNegative()
                || wallTime.isZero()) {
            throw new IllegalArgumentException("cpuTime and wallTime must be positive");
        }
    }

    /** These limits, each capped by the corresponding maximum. */
    public Limits cappedBy(Limits maximum) {
        return new Limits(
                Math.min(memoryBytes, maximum.memoryBytes),
                Math.min(cpuMillicores, maximum.cpuMillicores),
                Math.min(pids, maximum.pids),
                Math.min(diskBytes, maximum.diskBytes),
                Math.min(openFiles, maximum.openFiles),
                min(cpuTime, maximum.cpuTime),
                min(wallTime, maximum.wallTime));
    }

    /**
     * Whether a sandbox started with these limits can be narrowed down to {@code narrower}: every
     * limit no higher, and the same open-files limit (it is set when the sandbox starts).
     */
    public boolean canNarrowTo(Limits narrower) {
        return narrower.memoryBytes() <= memoryBytes()
                && narrower.cpuMillicores() <= cpuMillicores()
                && narrower.pids() <= pids()
                && narrower.diskBytes() <= diskBytes()
                && narrower.openFiles() == openFiles()
                && narrower.cpuTime().compareTo(cpuTime()) <= 0
                && narrower.wallTime().compareTo(wallTime()) <= 0;
    }

    public Limits withMemoryBytes(long value) {
        return new Limits(value, cpuMillicores, pids, diskBytes, openFiles, cpuTime, wallTime);
    }

    public Limits withPids(int value) {
        return new Limits(
                memoryBytes, cpuMillicores, value, diskBytes, openFiles, cpuTime, wallTime);
    }

    public Limits withTimes(Duration cpu, Duration wall) {
        return new Limits(memoryBytes, cpuMillicores, pids, diskBytes, openFiles, cpu, wall);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static void positive(long value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }
}
