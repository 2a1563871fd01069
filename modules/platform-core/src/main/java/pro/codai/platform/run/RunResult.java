package pro.codai.platform.run;

/**
 * What a run produced.
 *
 * @param compileOutput the compiler's output when compiling failed (Jobe {@code cmpinfo}), else
 *     empty
 * @param exitCode the program's exit status, or -1 if a signal ended it or it never ran
 * @param signal the signal that ended it, or 0
 * @param limitHit which limit ended it: {@code NONE}, {@code CPU_TIME}, {@code WALL_TIME}, {@code
 *     MEMORY}, {@code OUTPUT}
 */
public record RunResult(
        Outcome outcome,
        String compileOutput,
        String stdout,
        String stderr,
        int exitCode,
        int signal,
        long cpuMillis,
        long wallMillis,
        String limitHit) {

    /** A run that did not happen: {@code outcome} and why, in stderr. */
    public static RunResult of(Outcome outcome, String message) {
        return new RunResult(outcome, "", "", message, -1, 0, 0, 0, "NONE");
    }
}
