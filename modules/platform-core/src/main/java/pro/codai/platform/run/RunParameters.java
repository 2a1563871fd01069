package pro.codai.platform.run;

import java.util.List;

/**
 * Limits and extra arguments of one run, named and defaulted as in Jobe's run_spec parameters.
 *
 * @param cpuSeconds CPU time of the program (Jobe {@code cputime}); its wall time is twice that, as
 *     in Jobe (runguard's {@code --time}). Compiling has limits of its own: at least 10 s of CPU,
 *     and twice its CPU in wall time
 * @param memoryMegabytes memory of the sandbox (Jobe {@code memorylimit}); 0: the language's
 *     default. A run through the Jobe API gets it as Jobe does, as the program's address space
 *     (RLIMIT_AS; Python's default 1000 MB, Java's none), inside a sandbox memory wall a little
 *     larger
 * @param processes processes and threads (Jobe {@code numprocs})
 * @param diskMegabytes writable disk (Jobe {@code disklimit})
 * @param streamMegabytes cap on stdout and on stderr each (Jobe {@code streamsize})
 * @param compileArgs extra compiler arguments (null: the language's); through the Jobe API these
 *     four lists are pasted into the command as shell text, as Jobe does, so {@code "-c
 *     \"print(1)\""} is two arguments; through the run API each item is one argument
 */
public record RunParameters(
        int cpuSeconds,
        int memoryMegabytes,
        int processes,
        int diskMegabytes,
        double streamMegabytes,
        List<String> compileArgs,
        List<String> linkArgs,
        List<String> interpreterArgs,
        List<String> runArgs) {

    public static final int MAX_CPU_SECONDS = 120;
    public static final int MAX_MEMORY_MEGABYTES = 2048;
    public static final int MAX_PROCESSES = 512;
    public static final int MAX_DISK_MEGABYTES = 1024;

    /**
     * Both streams come back from sandboxd base64-encoded in one protocol frame of at most 16 MiB,
     * which is why sandboxd takes an output limit of at most a third of that (5.33 MiB): 5 MB is
     * the largest whole number of megabytes it accepts.
     */
    public static final double MAX_STREAM_MEGABYTES = 5;

    static final int MAX_ARGS = 64;

    /**
     * The four argument lists together, in UTF-8 bytes. A run is one {@code sh -c} script that
     * holds them (quoted), and Linux takes at most 128 KiB in one argument; quoting can make an
     * argument four times as long.
     */
    public static final int MAX_ARGS_BYTES = 16 * 1024;

    /**
     * Jobe's defaults: 5 s, the language's memory (Jobe's 400 MB, Python's 1000 MB), 30 processes,
     * 20 MB disk, 2 MB streams.
     */
    public static final RunParameters DEFAULTS =
            new RunParameters(5, 0, 30, 20, 2, null, null, null, null);

    public RunParameters {
        check(cpuSeconds >= 1 && cpuSeconds <= MAX_CPU_SECONDS, "cputime", 1, MAX_CPU_SECONDS);
        check(
                memoryMegabytes >= 0 && memoryMegabytes <= MAX_MEMORY_MEGABYTES,
                "memorylimit",
                0,
                MAX_MEMORY_MEGABYTES);
        check(processes >= 1 && processes <= MAX_PROCESSES, "numprocs", 1, MAX_PROCESSES);
        check(
                diskMegabytes >= 1 && diskMegabytes <= MAX_DISK_MEGABYTES,
                "disklimit",
                1,
                MAX_DISK_MEGABYTES);
        if (!(streamMegabytes > 0 && streamMegabytes <= MAX_STREAM_MEGABYTES)) {
            throw new RunRejectedException(
                    "streamsize must be more than 0 and at most "
                            + (int) MAX_STREAM_MEGABYTES
                            + " MB");
        }
        compileArgs = args(compileArgs, "compileargs");
        linkArgs = args(linkArgs, "linkargs");
        interpreterArgs = args(interpreterArgs, "interpreterargs");
        runArgs = args(runArgs, "runargs");
        long argsBytes = 0;
        for (List<String> list :
                List.of(
                        listOrEmpty(compileArgs),
                        listOrEmpty(linkArgs),
                        listOrEmpty(interpreterArgs),
                        listOrEmpty(runArgs))) {
            for (String arg : list) {
                argsBytes += arg.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            }
        }
        if (argsBytes > MAX_ARGS_BYTES) {
            throw new RunRejectedException(
                    "compileargs, linkargs, interpreterargs and runargs together may hold at most "
                            + MAX_ARGS_BYTES
                            + " bytes");
        }
    }

    private static List<String> listOrEmpty(List<String> list) {
        return list == null ? List.of() : list;
    }

    private static void check(boolean ok, String name, int min, int max) {
        if (!ok) {
            throw new RunRejectedException(name + " must be between " + min + " and " + max);
        }
    }

    /** Null means "the language's default"; otherwise a bounded list of non-null strings. */
    private static List<String> args(List<String> args, String name) {
        if (args == null) {
            return null;
        }
        if (args.size() > MAX_ARGS || args.stream().anyMatch(arg -> arg == null)) {
            throw new RunRejectedException(
                    name + " must be a list of at most " + MAX_ARGS + " strings");
        }
        if (args.stream().anyMatch(arg -> arg.indexOf('\0') >= 0)) {
            throw new RunRejectedException(name + " cannot hold a NUL character");
        }
        return List.copyOf(args);
    }

    int streamBytes() {
        return (int) Math.round(streamMegabytes * 1024 * 1024);
    }

    /** The stream cap as Jobe computes it (runguard's {@code --streamsize} of MB × 1000 KiB). */
    int jobeStreamBytes() {
        return (int) Math.max(1, Math.round(streamMegabytes * 1000)) * 1024;
    }

    /**
     * These parameters with each extra argument a fresh string of its own, so that where the
     * language puts it in a command it can be told (by identity) from the language's own words.
     */
    RunParameters withArgumentsOfTheirOwn() {
        return new RunParameters(
                cpuSeconds,
                memoryMegabytes,
                processes,
                diskMegabytes,
                streamMegabytes,
                own(compileArgs),
                own(linkArgs),
                own(interpreterArgs),
                own(runArgs));
    }

    @SuppressWarnings("StringOperationCanBeSimplified") // a distinct instance is the point
    private static List<String> own(List<String> args) {
        return args == null ? null : args.stream().map(arg -> new String(arg)).toList();
    }

    /** The extra arguments, every one of them (the same instances). */
    List<String> allArguments() {
        List<String> all = new java.util.ArrayList<>();
        for (List<String> list :
                List.of(
                        listOrEmpty(compileArgs),
                        listOrEmpty(linkArgs),
                        listOrEmpty(interpreterArgs),
                        listOrEmpty(runArgs))) {
            all.addAll(list);
        }
        return all;
    }
}
