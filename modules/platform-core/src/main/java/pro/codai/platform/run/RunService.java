package pro.codai.platform.run;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

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
 * answered with {@link Outcome#OVERLOAD} at once.
 */
@ApplicationScoped
public class RunService {

    private static final Logger LOG = Logger.getLogger(RunService.class.getName());

    /** Where the run's files are unpacked and the program runs. */
    static final String WORKDIR = "/home/student";

    /** Compiling gets at least this much CPU time (javac is slow on small machines). */
    static final int MIN_COMPILE_CPU_SECONDS = 10;

    /** tini, the image's init, the shell and cleanexec count against the process limit too. */
    static final int SANDBOX_OWN_PROCESSES = 4;

    /** gcc runs cc1, as and ld one after another. */
    static final int MIN_COMPILE_PROCESSES = 8;

    @Inject SandboxConnectionFactory sandboxes;

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
            String sandbox = connection.acquire(spec);
            try {
                // One exec unpacks the files and compiles (or checks the syntax), a second runs.
                List<String> prepare = new ArrayList<>(List.of("/bin/sh", "-c"));
                prepare.add(
                        compile.isEmpty()
                                ? "exec tar -x -f -"
                                : "tar -x -f - && exec " + shellQuoted(compile));
                ExecResult compiled =
                        connection.exec(
                                sandbox,
                                new ExecRequest(
                                        prepare,
                                        java.util.Map.of(),
                                        WORKDIR,
                                        tar.finish(),
                                        p.streamBytes(),
                                        Duration.ofSeconds(compileCpu),
                                        Duration.ofSeconds(2L * compileCpu)));
                if (!compiled.succeeded()) {
                    String output = compiled.stdoutText() + compiled.stderrText();
                    if (compiled.limitHit() != LimitHit.NONE) {
                        output += "\n(compilation stopped: " + compiled.limitHit() + " limit)";
                    }
                    return new RunResult(
                            Outcome.COMPILE_ERROR,
                            output,
                            "",
                            "",
                            compiled.exitCode(),
                            compiled.signal(),
                            compiled.cpuTime().toMillis(),
                            compiled.wallTime().toMillis(),
                            compiled.limitHit().name());
                }
                ExecResult ran =
                        connection.exec(
                                sandbox,
                                new ExecRequest(
                                        language.run(source, p),
                                        java.util.Map.of(),
                                        WORKDIR,
                                        request.input(),
                                        p.streamBytes(),
                                        Duration.ofSeconds(p.cpuSeconds()),
                                        Duration.ofSeconds(2L * p.cpuSeconds())));
                return result(language, ran);
            } finally {
                try {
                    connection.destroy(sandbox);
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

    /** Single-quotes each word for sh. */
    static String shellQuoted(List<String> words) {
        List<String> quoted = new ArrayList<>();
        for (String word : words) {
            quoted.add("'" + word.replace("'", "'\\''") + "'");
        }
        return String.join(" ", quoted);
    }
}
