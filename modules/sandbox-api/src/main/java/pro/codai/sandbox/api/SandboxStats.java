package pro.codai.sandbox.api;

/**
 * Resource use of a running sandbox, read from its cgroup.
 *
 * @param memoryBytes memory in use now
 * @param memoryPeakBytes highest memory use seen, when the kernel reports it, else -1
 * @param cpuNanos CPU time used since start
 * @param pids processes and threads now
 * @param oomKills processes killed for exceeding the memory limit
 */
public record SandboxStats(
        long memoryBytes, long memoryPeakBytes, long cpuNanos, int pids, long oomKills) {}
