package pro.codai.sandbox.api;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One command to run in a sandbox, to completion.
 *
 * @param argv the program and its arguments; the program is looked up on the sandbox's PATH
 * @param env extra environment variables (the sandbox's own environment holds no server secrets)
 * @param cwd working directory inside the sandbox
 * @param stdin bytes fed to standard input, then end of file
 * @param outputLimitBytes bytes kept of stdout and of stderr each; the rest is discarded (and
 *     counted as truncated), so a flood cannot grow memory
 * @param cpuTime CPU time after which the run is killed
 * @param wallTime wall-clock time after which the run is killed
 * @param stopAtOutputLimit whether a run whose output goes past the limit is killed then (its
 *     {@link ExecResult#limitHit()} is {@link LimitHit#OUTPUT}); when false it runs on to its end
 *     or its time limit with what it writes past the limit read and discarded, as Jobe's runguard
 *     does (the result then only says {@link ExecResult#outputTruncated()})
 */
public record ExecRequest(
        List<String> argv,
        Map<String, String> env,
        String cwd,
        byte[] stdin,
        int outputLimitBytes,
        Duration cpuTime,
        Duration wallTime,
        boolean stopAtOutputLimit) {

    /** Default cap of stdout and of stderr: 1 MiB each. */
    public static final int DEFAULT_OUTPUT_LIMIT = 1 << 20;

    /** A run that is stopped when its output goes past the limit. */
    public ExecRequest(
            List<String> argv,
            Map<String, String> env,
            String cwd,
            byte[] stdin,
            int outputLimitBytes,
            Duration cpuTime,
            Duration wallTime) {
        this(argv, env, cwd, stdin, outputLimitBytes, cpuTime, wallTime, true);
    }

    public ExecRequest {
        argv = List.copyOf(argv);
        if (argv.isEmpty() || argv.get(0).isEmpty()) {
            throw new IllegalArgumentException("argv must name a program");
        }
        for (String argument : argv) {
            if (argument.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("arguments cannot contain NUL");
            }
        }
        env = Map.copyOf(env);
        env.forEach(
                (name, value) -> {
                    if (!name.matches("[A-Za-z_][A-Za-z0-9_]*") || value.indexOf('\0') >= 0) {
                        throw new IllegalArgumentException("not an environment variable: " + name);
                    }
                });
        Objects.requireNonNull(cwd, "cwd");
        if (!cwd.startsWith("/")) {
            throw new IllegalArgumentException("cwd must be absolute: " + cwd);
        }
        stdin = stdin == null ? new byte[0] : stdin.clone();
        if (outputLimitBytes < 0) {
            throw new IllegalArgumentException("outputLimitBytes must not be negative");
        }
        Objects.requireNonNull(cpuTime, "cpuTime");
        Objects.requireNonNull(wallTime, "wallTime");
    }

    /** Runs {@code argv} in {@code /} with no input and generous defaults. */
    public static ExecRequest of(String... argv) {
        return new ExecRequest(
                List.of(argv),
                Map.of(),
                "/",
                new byte[0],
                DEFAULT_OUTPUT_LIMIT,
                Duration.ofSeconds(10),
                Duration.ofSeconds(20));
    }

    public ExecRequest withStdin(byte[] input) {
        return new ExecRequest(
                argv, env, cwd, input, outputLimitBytes, cpuTime, wallTime, stopAtOutputLimit);
    }

    public ExecRequest withTimes(Duration cpu, Duration wall) {
        return new ExecRequest(
                argv, env, cwd, stdin, outputLimitBytes, cpu, wall, stopAtOutputLimit);
    }

    public ExecRequest withOutputLimit(int bytes) {
        return new ExecRequest(argv, env, cwd, stdin, bytes, cpuTime, wallTime, stopAtOutputLimit);
    }

    public ExecRequest withCwd(String directory) {
        return new ExecRequest(
                argv,
                env,
                directory,
                stdin,
                outputLimitBytes,
                cpuTime,
                wallTime,
                stopAtOutputLimit);
    }

    /** The same run, killed at the output limit ({@code true}) or running on past it. */
    public ExecRequest withStopAtOutputLimit(boolean stop) {
        return new ExecRequest(argv, env, cwd, stdin, outputLimitBytes, cpuTime, wallTime, stop);
    }

    public ExecRequest withEnv(Map<String, String> variables) {
        return new ExecRequest(
                argv,
                variables,
                cwd,
                stdin,
                outputLimitBytes,
                cpuTime,
                wallTime,
                stopAtOutputLimit);
    }
}
