package pro.codai.sandbox.api;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * How a run ended.
 *
 * @param exitCode the exit status when the process exited, else -1
 * @param signal the signal that killed it, else 0
 * @param stdout standard output, at most the request's output limit
 * @param stderr standard error, at most the request's output limit
 * @param outputTruncated whether stdout or stderr went past the limit
 * @param cpuTime CPU time used (user + system) by the run and its waited-for children
 * @param wallTime wall-clock time from start to end
 * @param limitHit which limit ended the run
 */
public record ExecResult(
        int exitCode,
        int signal,
        byte[] stdout,
        byte[] stderr,
        boolean outputTruncated,
        Duration cpuTime,
        Duration wallTime,
        LimitHit limitHit) {

    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    public String stderrText() {
        return new String(stderr, StandardCharsets.UTF_8);
    }

    /** Exited by itself with status 0. */
    public boolean succeeded() {
        return exitCode == 0 && signal == 0 && limitHit == LimitHit.NONE;
    }
}
