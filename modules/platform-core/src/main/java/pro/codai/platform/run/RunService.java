package pro.codai.platform.run;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * happened. Runs wait their turn in the sandbox connector's server-wide queue; a full queue is
 * answered with {@link Outcome#OVERLOAD} at once. Run sandboxes carry sandboxd's owner label {@code
 * runs-<module>}, so that the sandboxes of runs a killed server left behind are released when the
 * module starts again.
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

    public RunResult run(RunRequest request) {
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
        try (RunSlot slot = sandboxes.admitRun();
                SandboxConnection connection = sandboxes.getConnection()) {
            String sandbox = connection.acquire(spec, owner);
            try {
                // One exec does it all: unpack, compile (or check the syntax), run. Each attach
                // costs a fork of sandboxd and a seccomp load; one instead of two is cheaper.
                tar.add(INPUT_FILE, request.input());
                ExecResult ran =
                        connection.exec(
                                sandbox,
                                new ExecRequest(
                                        List.of(
                                                "/bin/sh",
                                                "-c",
                                                script(
                                                        compile,
                                                        language.run(source, p),
                                                        p.cpuSeconds())),
                                        java.util.Map.of(),
                                        WORKDIR,
                                        tar.finish(),
                                        p.streamBytes(),
                                        Duration.ofSeconds(compileCpu),
                                        Duration.ofSeconds(2L * (compileCpu + p.cpuSeconds()))));
                return result(language, ran);
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
                        Duration.ofSeconds(2L * Math.max(compileCpu, p.cpuSeconds())));
        return new SandboxSpec(
                sandboxes.defaultSpec().image(), limits, NetworkPolicy.NONE, List.of());
    }

    static RunResult result(Language language, ExecResult ran) {
        String stderr = ran.stderrText();
        if (stderr.startsWith(COMPILE_FAILED)) {
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

    /**
     * The shell script of a run: unpack the files, compile (output kept aside, and on failure
     * written to stderr after {@link #COMPILE_FAILED}), then exec the program on its input under
     * its own CPU limit (soft: SIGXCPU names the cause; hard a second later).
     */
    static String script(List<String> compile, List<String> run, int cpuSeconds) {
        StringBuilder script = new StringBuilder("tar -x -f - || exit 1\n");
        if (!compile.isEmpty()) {
            script.append(shellQuoted(compile))
                    .append(" >.codaipro-compile 2>&1 || { printf '\\000codaipro: compile")
                    .append(" failed\\000\\n' >&2; cat .codaipro-compile >&2; exit 1; }\n");
        }
        // Soft first: a soft limit may never be above the hard one at any moment.
        script.append("ulimit -S -t ")
                .append(cpuSeconds)
                .append("; ulimit -H -t ")
                .append(cpuSeconds + 1)
                .append("\nexec ")
                .append(shellQuoted(run))
                .append(" <")
                .append(INPUT_FILE)
                .append('\n');
        return script.toString();
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
