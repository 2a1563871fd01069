package pro.codai.platform.run;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import javax.naming.InitialContext;
import javax.naming.NamingException;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import pro.codai.platform.analytics.RunLedger;
import pro.codai.sandbox.api.ExecRequest;
import pro.codai.sandbox.api.ExecResult;
import pro.codai.sandbox.api.LimitHit;
import pro.codai.sandbox.api.Limits;
import pro.codai.sandbox.api.NetworkPolicy;
import pro.codai.sandbox.api.SandboxSpec;
import pro.codai.sandbox.connector.api.RunSlot;
import pro.codai.sandbox.connector.api.SandboxConnection;
import pro.codai.sandbox.connector.api.SandboxConnectionFactory;
import pro.codai.sandbox.connector.api.SandboxConnectorException;

/**
 * Compiles and runs a program in a fresh sandbox of its own, destroyed afterwards whatever
 * happened. Runs wait their turn in the sandbox connector's server-wide queue, fair between callers
 * (see {@link RunCallers}); a full queue is answered with {@link Outcome#OVERLOAD} at once. Run
 * sandboxes carry sandboxd's owner label {@code runs-<module>}, so that the sandboxes of runs a
 * killed server left behind are released when the module starts again.
 *
 * <p>A request in {@linkplain RunRequest.Dialect#JOBE Jobe's dialect} runs as Jobe 2.2's runguard
 * runs it, inside the sandbox: each phase is {@code sh -c '<command>'} with the request's argument
 * lists pasted in as shell text, under an address-space limit ({@code ulimit -v}, Jobe's {@code
 * --memsize}) set before it, its output cut at Jobe's stream size while it runs on, and the result
 * diagnosed by Jobe's rules ({@link #jobeResult}). The sandbox's cgroup memory stays the wall
 * behind the address space. The appliance's own dialect keeps exact argument lists, the cgroup
 * memory as the limit and stops a program at its output limit.
 */
@ApplicationScoped
public class RunService {

    private static final Logger LOG = Logger.getLogger(RunService.class.getName());

    /** Where the run's files are unpacked and the program runs. */
    static final String WORKDIR = "/home/student";

    /** Compiling gets at least this much CPU time (javac is slow on small machines). */
    static final int MIN_COMPILE_CPU_SECONDS = 10;

    /** The image's init and the run's shell count against the process limit too. */
    static final int SANDBOX_OWN_PROCESSES = 2;

    /** gcc runs cc1, as and ld one after another. */
    static final int MIN_COMPILE_PROCESSES = 8;

    @Inject SandboxConnectionFactory sandboxes;

    @Inject CompileCache compileCache;

    @Inject RunLedger ledger;

    /** sandboxd's owner label of this module's run sandboxes, e.g. {@code runs-jobe}. */
    private String owner;

    @PostConstruct
    void label() {
        String module;
        try {
            module = (String) new InitialContext().lookup("java:module/ModuleName");
        } catch (NamingException | ClassCastException e) {
            module = "app";
        }
        owner = ownerLabel(module);
    }

    /** {@code runs-<module>}, in the letters an owner label may have (at most 64). */
    static String ownerLabel(String module) {
        String label = "runs-" + module.replaceAll("[^A-Za-z0-9_.-]", "-");
        return label.length() <= 64 ? label : label.substring(0, 64);
    }

    /**
     * Releases the run sandboxes a previous process of this module left in sandboxd. Runs live in
     * this process's threads, so at start every sandbox with this module's label belongs to a run
     * of a server that was killed rather than stopped (a stop lets runs finish and release). Each
     * WAR calls it as it starts, from a bean of its own (its {@code SandboxPool}): an observer in
     * this shared library would run before the WAR's connection factory can be looked up.
     */
    public void releaseOrphans() {
        try (SandboxConnection connection = sandboxes.getConnection()) {
            List<String> orphans = connection.list(owner);
            for (String orphan : orphans) {
                connection.release(orphan);
            }
            if (!orphans.isEmpty()) {
                LOG.info(
                        () -> "Released " + orphans.size() + " run sandboxes left by the last run");
            }
        } catch (SandboxConnectorException e) {
            LOG.warning("could not look for run sandboxes left by the last run: " + e.getMessage());
        }
    }

    /**
     * Runs the request for {@code caller} (a {@link RunCallers} name), whose runs share the queue's
     * per-caller cap.
     */
    public RunResult run(RunRequest request, String caller) {
        long started = System.nanoTime();
        // What the ledger notes when the run ends in an exception instead of a result.
        String outcome = Outcome.INTERNAL_ERROR.name();
        try {
            RunResult result = runWithin(request, caller);
            outcome = result.outcome().name();
            return result;
        } catch (RunRejectedException e) {
            outcome = "REJECTED";
            throw e;
        } finally {
            ledger.note(
                    request.dialect() == RunRequest.Dialect.JOBE ? "jobe" : "runs",
                    caller,
                    request.language().id(),
                    outcome,
                    (System.nanoTime() - started) / 1_000_000);
        }
    }

    private RunResult runWithin(RunRequest request, String caller) {
        int held = heldKibibytes(request);
        if (!HELD.tryAcquire(held)) {
            return RunResult.of(Outcome.OVERLOAD, "the server is busy; try again shortly");
        }
        try {
            return runHolding(request, caller);
        } finally {
            HELD.release(held);
        }
    }

    /**
     * Copies of a request's bytes a run holds in the heap while it waits and runs (the request's
     * own, the archive, the answer's output), with the request body the server read.
     */
    static final int HELD_COPIES = 4;

    /**
     * KiB of heap the runs executing or waiting may hold together: a quarter of the heap. A run
     * thread waits for its slot holding its request, and a queue of hundreds of large requests
     * would otherwise fill the heap; past the budget a run is answered as overload at once.
     */
    private static final Semaphore HELD =
            new Semaphore(
                    (int) Math.min(Integer.MAX_VALUE, Runtime.getRuntime().maxMemory() / 4 / 1024));

    static int heldKibibytes(RunRequest request) {
        return (int) Math.max(1, HELD_COPIES * request.bytes() / 1024);
    }

    private RunResult runHolding(RunRequest request, String caller) {
        RunParameters p = request.parameters();
        Language language = request.language();
        String source = request.effectiveSourceFileName();
        boolean jobe = request.dialect() == RunRequest.Dialect.JOBE;
        // Jobe: the request's arguments are shell text; the language puts them in its commands as
        // they are, where their identity tells them from its own words (see jobeCommand).
        RunParameters words = jobe ? p.withArgumentsOfTheirOwn() : p;
        Set<String> shellText = Collections.newSetFromMap(new IdentityHashMap<>());
        shellText.addAll(words.allArguments());
        List<String> compile = language.compile(source, words);
        List<String> command = language.run(source, words);
        Tar tar = new Tar().add(source, request.sourceCode().getBytes(StandardCharsets.UTF_8));
        for (RunFile file : request.files()) {
            if (file.name().equals(source)) {
                throw new RunRejectedException("a file has the source's name: " + source);
            }
            tar.add(file.name(), file.content());
        }
        int compileCpu = Math.max(p.cpuSeconds(), MIN_COMPILE_CPU_SECONDS);
        int addressSpace = jobe ? language.addressSpaceMegabytes(p.memoryMegabytes()) : 0;
        // Jobe's compile gets at least 500 MB (its min_params_compile), unless there is no limit.
        int compileAddressSpace =
                addressSpace == 0 ? 0 : Math.max(addressSpace, JOBE_MIN_COMPILE_MEGABYTES);
        SandboxSpec spec = spec(language, p, compileCpu, jobe, compileAddressSpace);
        String compileScript =
                compile.isEmpty()
                        ? ""
                        : jobe
                                ? jobeUnpackAndCompile(
                                        jobeCommand(compile, shellText), compileAddressSpace)
                                : unpackAndCompile(compile);
        // An identical compile seen before: its error is the answer, or its program runs at once.
        // The key holds the whole compile script, so the dialect and its limits are in it.
        CompileCache.Key cacheKey =
                compile.isEmpty()
                                || request.input().length > CACHED_RUN_MAX_INPUT_BYTES
                                || (jobe && !plainWords(words.compileArgs(), words.linkArgs()))
                        ? null
                        : compileCache.key(
                                language,
                                List.of(compileScript),
                                command,
                                source,
                                request.sourceCode().getBytes(StandardCharsets.UTF_8),
                                request.files(),
                                spec,
                                compileCpu,
                                jobe ? p.jobeStreamBytes() : p.streamBytes());
        CompileCache.Entry cached = compileCache.get(cacheKey);
        if (cached != null && cached.failed()) {
            return cached.failure();
        }
        if (cached != null) {
            tar.add(CompileCache.PROGRAM, cached.binary(), 0755);
            compile = List.of();
        }
        try (RunSlot slot = sandboxes.admitRun(caller);
                SandboxConnection connection = sandboxes.getConnection()) {
            String sandbox = connection.acquire(spec, owner);
            try {
                if (compile.isEmpty()) {
                    // Interpreted, or compiled before: one exec unpacks and runs (Python checks the
                    // syntax in the same interpreter); each attach costs a fork of sandboxd and a
                    // seccomp load. A program from the cache cannot claim a compile failure.
                    tar.add(INPUT_FILE, request.input());
                    String script =
                            jobe
                                    ? UNPACK
                                            + jobeRun(jobeCommand(command, shellText), addressSpace)
                                            + " <"
                                            + INPUT_FILE
                                            + "\n"
                                    : unpackAndRun(command);
                    ExecResult ran =
                            connection.exec(
                                    sandbox, exec(script, tar.finish(), p, p.cpuSeconds(), jobe));
                    return jobe
                            ? jobeResult(language, ran, cached == null, p.cpuSeconds())
                            : result(language, ran, cached == null);
                }
                // Compiled: the compiler and the program each get their own limits (as in Jobe,
                // where each is a runguard of its own), so the program's wall time is its own.
                ExecResult compiled =
                        compileCache.keep(
                                cacheKey,
                                connection.exec(
                                        sandbox,
                                        exec(
                                                compileCache.script(cacheKey, compileScript),
                                                tar.finish(),
                                                p,
                                                compileCpu,
                                                jobe)),
                                failed ->
                                        jobe
                                                ? jobeResult(language, failed, true, compileCpu)
                                                : result(language, failed, true));
                if (compiled.exitCode() != 0
                        || compiled.signal() != 0
                        || compiled.limitHit() != LimitHit.NONE) {
                    return jobe
                            ? jobeResult(language, compiled, true, compileCpu)
                            : result(language, compiled, true);
                }
                if (jobe) {
                    ExecResult ran =
                            connection.exec(
                                    sandbox,
                                    exec(
                                            jobeRun(jobeCommand(command, shellText), addressSpace),
                                            request.input(),
                                            p,
                                            p.cpuSeconds(),
                                            true));
                    return jobeResult(language, ran, false, p.cpuSeconds());
                }
                ExecResult ran =
                        connection.exec(
                                sandbox,
                                new ExecRequest(
                                        command,
                                        Map.of(),
                                        WORKDIR,
                                        request.input(),
                                        p.streamBytes(),
                                        Duration.ofSeconds(p.cpuSeconds()),
                                        wallTime(p.cpuSeconds())));
                return result(language, ran, false);
            } finally {
                try {
                    connection.release(sandbox); // torn down after the answer is on its way
                } catch (SandboxConnectorException e) {
                    LOG.log(Level.WARNING, "could not destroy sandbox " + sandbox, e);
                }
            }
        } catch (SandboxConnectorException e) {
            if (e.isOverload()) {
                return RunResult.of(Outcome.OVERLOAD, "the server is busy; try again shortly");
            }
            LOG.log(Level.WARNING, "run failed in the sandbox service: " + e.code(), e);
            return RunResult.of(
                    Outcome.INTERNAL_ERROR, "the sandbox service failed (" + e.code() + ")");
        }
    }

    /**
     * Jobe's rule (runguard's {@code --time}): a phase is killed after twice its CPU time in wall
     * time, so a program waiting (sleep, a read that never ends) does not hold its slot longer.
     */
    static Duration wallTime(int cpuSeconds) {
        return Duration.ofSeconds(2L * cpuSeconds);
    }

    /**
     * A shell script run as the student in the working directory, fed {@code stdin}; in Jobe's
     * dialect with Jobe's stream cap, running on past it as runguard lets a program do.
     */
    private static ExecRequest exec(
            String script, byte[] stdin, RunParameters p, int cpuSeconds, boolean jobe) {
        return new ExecRequest(
                List.of("/bin/sh", "-c", script),
                Map.of(),
                WORKDIR,
                stdin,
                jobe ? p.jobeStreamBytes() : p.streamBytes(),
                Duration.ofSeconds(cpuSeconds),
                wallTime(cpuSeconds),
                !jobe);
    }

    /**
     * A program from the compile cache runs in one exec whose stdin carries the files, the program
     * and the input together (in one protocol frame, and on the sandbox's disk); a run with more
     * input than this is compiled as if not cached, its input streamed to the program.
     */
    static final int CACHED_RUN_MAX_INPUT_BYTES = 1 << 20;

    /** What makes shell text more than words: redirections, pipes, lists, expansions. */
    private static final java.util.regex.Pattern SHELL_OPERATORS =
            java.util.regex.Pattern.compile("[;&|<>`$(){}\\n*?\\[~]");

    /**
     * Whether Jobe-dialect compile and link arguments are plain words (flags, file names, quoting),
     * as CodeRunner's questions send them. Shell text beyond words can write to the compile's
     * output or leave files beside the program, neither of which a cached program would carry: such
     * a compile is never cached.
     */
    static boolean plainWords(List<String> compileArgs, List<String> linkArgs) {
        for (List<String> args :
                List.of(Language.or(compileArgs, List.of()), Language.or(linkArgs, List.of()))) {
            for (String arg : args) {
                if (SHELL_OPERATORS.matcher(arg).find()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Jobe's smallest address space for a compile (its {@code min_params_compile}). */
    static final int JOBE_MIN_COMPILE_MEGABYTES = 500;

    /**
     * Room in a Jobe run's sandbox beyond the program's address space: for the shells, the unpacked
     * files and the sandbox's own init. The address space is the limit a program meets (as on
     * Jobe); the sandbox's memory is the wall behind it, for many processes together.
     */
    static final int JOBE_MEMORY_HEADROOM_MEGABYTES = 64;

    /**
     * The sandbox's memory in MB: the language's (or the request's) in the appliance's dialect; in
     * Jobe's, a little more than the largest address space a phase gets, or the language's own when
     * Jobe sets none (Java, whose {@code memorylimit} Jobe disregards).
     */
    static int sandboxMemoryMegabytes(
            Language language, RunParameters p, boolean jobe, int compileAddressSpace) {
        if (!jobe) {
            return language.memoryMegabytes(p.memoryMegabytes());
        }
        if (compileAddressSpace == 0) {
            return language.memoryMegabytes(0);
        }
        return Math.min(
                RunParameters.MAX_MEMORY_MEGABYTES,
                compileAddressSpace + JOBE_MEMORY_HEADROOM_MEGABYTES);
    }

    private SandboxSpec spec(
            Language language,
            RunParameters p,
            int compileCpu,
            boolean jobe,
            int compileAddressSpace) {
        long memory = (long) sandboxMemoryMegabytes(language, p, jobe, compileAddressSpace) << 20;
        int processes =
                Math.max(Math.max(p.processes(), language.minProcesses()), MIN_COMPILE_PROCESSES)
                        + SANDBOX_OWN_PROCESSES;
        Limits limits =
                new Limits(
                        memory,
                        1000,
                        processes,
                        (long) p.diskMegabytes() << 20,
                        1024,
                        Duration.ofSeconds(Math.max(compileCpu, p.cpuSeconds())),
                        wallTime(Math.max(compileCpu, p.cpuSeconds())));
        return new SandboxSpec(
                sandboxes.defaultSpec().image(), limits, NetworkPolicy.NONE, List.of());
    }

    /**
     * The outcome of an exec; {@code mayHaveCompiled}: it ran the compiler (or Python's syntax
     * check), so a {@link #COMPILE_FAILED} marker on stderr is a compile error. A compiled program
     * cannot claim one.
     */
    static RunResult result(Language language, ExecResult ran, boolean mayHaveCompiled) {
        String stderr = ran.stderrText();
        if (mayHaveCompiled && stderr.startsWith(COMPILE_FAILED)) {
            return new RunResult(
                    Outcome.COMPILE_ERROR,
                    stderr.substring(COMPILE_FAILED.length()).stripLeading(),
                    "",
                    "",
                    ran.exitCode(),
                    ran.signal(),
                    ran.cpuTime().toMillis(),
                    ran.wallTime().toMillis(),
                    ran.limitHit().name());
        }
        stderr = language.filteredStderr(stderr);
        Outcome outcome;
        if (ran.limitHit() == LimitHit.CPU_TIME || ran.limitHit() == LimitHit.WALL_TIME) {
            outcome = Outcome.TIME_LIMIT;
        } else if (ran.limitHit() == LimitHit.MEMORY || language.reportsOutOfMemory(stderr)) {
            outcome = Outcome.MEMORY_LIMIT;
        } else if (ran.limitHit() == LimitHit.OUTPUT) {
            outcome = Outcome.OUTPUT_LIMIT;
        } else if (ran.signal() == 31) { // SIGSYS: a system call the sandbox forbids
            outcome = Outcome.ILLEGAL_SYSCALL;
        } else if (ran.signal() != 0 || ran.exitCode() != 0 || !stderr.isEmpty()) {
            outcome = Outcome.RUNTIME_ERROR;
        } else {
            outcome = Outcome.OK;
        }
        return new RunResult(
                outcome,
                "",
                ran.stdoutText(),
                stderr,
                ran.exitCode(),
                ran.signal(),
                ran.cpuTime().toMillis(),
                ran.wallTime().toMillis(),
                ran.limitHit().name());
    }

    /** Jobe's time-limit diagnosis: runguard's "timelimit exceeded", sh's "CPU time limit…". */
    private static final Pattern TIME_LIMIT_TEXT = Pattern.compile("time ?limit exceeded");

    /**
     * The outcome of an exec as Jobe diagnoses it ({@code LanguageTask::diagnoseResult}): a compile
     * failure marked on stderr is a compile error with the compiler's stderr; a run past its CPU
     * time (or its wall time, or that names a time limit on stderr) is a time limit, with stderr
     * cleared; otherwise anything on stderr makes a runtime error and nothing a success, whatever
     * the exit status. Output that is not UTF-8 comes back escaped as Jobe does. A run the
     * sandbox's memory wall ended is reported as a memory limit (Jobe has no such wall).
     */
    static RunResult jobeResult(
            Language language, ExecResult ran, boolean mayHaveCompiled, int cpuSeconds) {
        byte[] stderrBytes = ran.stderr();
        byte[] marker = COMPILE_FAILED.getBytes(StandardCharsets.UTF_8);
        if (mayHaveCompiled && startsWith(stderrBytes, marker)) {
            int from = marker.length;
            if (from < stderrBytes.length && stderrBytes[from] == '\n') {
                from++;
            }
            return new RunResult(
                    Outcome.COMPILE_ERROR,
                    JobeText.of(Arrays.copyOfRange(stderrBytes, from, stderrBytes.length)),
                    "",
                    "",
                    ran.exitCode(),
                    ran.signal(),
                    ran.cpuTime().toMillis(),
                    ran.wallTime().toMillis(),
                    ran.limitHit().name());
        }
        String stderr = language.filteredStderr(JobeText.of(stderrBytes));
        Outcome outcome;
        if (ran.limitHit() == LimitHit.MEMORY) {
            outcome = Outcome.MEMORY_LIMIT;
        } else if (ran.limitHit() == LimitHit.CPU_TIME
                || ran.limitHit() == LimitHit.WALL_TIME
                || ran.cpuTime().compareTo(Duration.ofSeconds(cpuSeconds)) > 0
                || TIME_LIMIT_TEXT.matcher(stderr).find()) {
            outcome = Outcome.TIME_LIMIT;
            stderr = "";
        } else if (!stderr.isEmpty()) {
            outcome = Outcome.RUNTIME_ERROR;
        } else {
            outcome = Outcome.OK;
        }
        return new RunResult(
                outcome,
                "",
                JobeText.of(ran.stdout()),
                stderr,
                ran.exitCode(),
                ran.signal(),
                ran.cpuTime().toMillis(),
                ran.wallTime().toMillis(),
                ran.limitHit().name());
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length
                && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }

    /**
     * A command as Jobe builds it: its words joined with spaces, the request's arguments (found in
     * {@code shellText} by identity) as the shell text they are, the language's own words quoted.
     */
    static String jobeCommand(List<String> words, Set<String> shellText) {
        List<String> parts = new ArrayList<>();
        for (String word : words) {
            parts.add(shellText.contains(word) ? word : shellQuoted(List.of(word)));
        }
        return String.join(" ", parts);
    }

    /**
     * The lines of a Jobe run: the address space limit (dash's {@code ulimit -v} in KiB: Jobe's MB
     * are 1000 KiB, soft and hard, so the program cannot raise it), then {@code command} run by a
     * {@code sh -c} of its own, as runguard runs it: that shell parses the request's arguments,
     * runs the program as its child and reports a signal that ended it on stderr ("Segmentation
     * fault") with exit status 128 + the signal. Input redirections follow on the same line.
     */
    static String jobeRun(String command, int addressSpaceMegabytes) {
        return addressSpace(addressSpaceMegabytes)
                + "exec /bin/sh -c "
                + shellQuoted(List.of(command));
    }

    private static String addressSpace(int megabytes) {
        return megabytes > 0 ? "ulimit -v " + (long) megabytes * 1000 + " || exit 1\n" : "";
    }

    /**
     * The script of a Jobe compile: unpack, then run the compile command in a {@code sh -c} of its
     * own with its stdout discarded; anything on its stderr (or a failure) is a compile error, as
     * Jobe takes any compiler stderr for one.
     */
    static String jobeUnpackAndCompile(String command, int addressSpaceMegabytes) {
        return UNPACK
                + addressSpace(addressSpaceMegabytes)
                + "/bin/sh -c "
                + shellQuoted(List.of(command))
                + " >/dev/null 2>.codaipro-compile\n"
                + "if [ $? -ne 0 ] || [ -s .codaipro-compile ]; then"
                + " printf '\\000codaipro: compile failed\\000\\n' >&2;"
                + " cat .codaipro-compile >&2; exit 1; fi\n";
    }

    /**
     * The program's standard input, unpacked beside the source (user files never start with '.').
     */
    static final String INPUT_FILE = ".codaipro-input";

    /** First line of stderr when compiling failed; the compiler's output follows it. */
    static final String COMPILE_FAILED = "\u0000codaipro: compile failed\u0000";

    private static final String UNPACK = "tar -x -f - || exit 1\n";

    /**
     * The script of a compiled language's first exec: unpack the files (a tar stream on stdin),
     * compile with the output kept aside, and on failure write it to stderr after {@link
     * #COMPILE_FAILED}.
     */
    static String unpackAndCompile(List<String> compile) {
        return UNPACK
                + shellQuoted(compile)
                + " >.codaipro-compile 2>&1 || { printf '\\000codaipro: compile failed\\000\\n' >&2;"
                + " cat .codaipro-compile >&2; exit 1; }\n";
    }

    /**
     * The script of an interpreted language's one exec: unpack the files, then exec the program on
     * its input (unpacked beside it as {@link #INPUT_FILE}).
     */
    static String unpackAndRun(List<String> run) {
        return UNPACK + "exec " + shellQuoted(run) + " <" + INPUT_FILE + "\n";
    }

    /** Single-quotes each word for sh. */
    static String shellQuoted(List<String> words) {
        List<String> quoted = new ArrayList<>();
        for (String word : words) {
            quoted.add("'" + word.replace("'", "'\\''") + "'");
        }
        return String.join(" ", quoted);
    }
}
