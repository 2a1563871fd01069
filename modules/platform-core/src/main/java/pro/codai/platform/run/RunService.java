package pro.codai.platform.run;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NamingException;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

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
        RunParameters p = request.parameters();
        Language language = request.language();
        String source = request.effectiveSourceFileName();
        List<String> compile = language.compile(source, p);
        Tar tar = new Tar().add(source, request.sourceCode().getBytes(StandardCharsets.UTF_8));
        for (RunFile file : request.files()) {
            if (file.name().equals(source)) {
                throw new RunRejectedException("a file has the source's name: " + source);
            }
            tar.add(file.name(), file.content());
        }
        int compileCpu = Math.max(p.cpuSeconds(), MIN_COMPILE_CPU_SECONDS);
        SandboxSpec spec = spec(language, p, compileCpu);
        try (RunSlot slot = sandboxes.admitRun(caller);
                SandboxConnection connection = sandboxes.getConnection()) {
            String sandbox = connection.acquire(spec, owner);
            try {
                if (compile.isEmpty()) {
                    // Interpreted: one exec unpacks and runs (Python checks the syntax in the
                    // same interpreter); each attach costs a fork of sandboxd and a seccomp load.
                    tar.add(INPUT_FILE, request.input());
                    ExecResult ran =
                            connection.exec(
                                    sandbox,
                                    exec(
                                            unpackAndRun(language.run(source, p)),
                                            tar.finish(),
                                            p,
                                            p.cpuSeconds()));
                    return result(language, ran, true);
                }
                // Compiled: the compiler and the program each get their own limits (as in Jobe,
                // where each is a runguard of its own), so the program's wall time is its own.
                ExecResult compiled =
                        connection.exec(
                                sandbox,
                                exec(unpackAndCompile(compile), tar.finish(), p, compileCpu));
                if (compiled.exitCode() != 0
                        || compiled.signal() != 0
                        || compiled.limitHit() != LimitHit.NONE) {
                    return result(language, compiled, true);
                }
                ExecResult ran =
                        connection.exec(
                                sandbox,
                                new ExecRequest(
                                        language.run(source, p),
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

    /** A shell script run as the student in the working directory, fed {@code stdin}. */
    private static ExecRequest exec(String script, byte[] stdin, RunParameters p, int cpuSeconds) {
        return new ExecRequest(
                List.of("/bin/sh", "-c", script),
                Map.of(),
                WORKDIR,
                stdin,
                p.streamBytes(),
                Duration.ofSeconds(cpuSeconds),
                wallTime(cpuSeconds));
    }

    private SandboxSpec spec(Language language, RunParameters p, int compileCpu) {
        long memory = (long) language.memoryMegabytes(p.memoryMegabytes()) << 20;
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
