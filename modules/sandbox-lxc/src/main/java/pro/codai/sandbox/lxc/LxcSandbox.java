package pro.codai.sandbox.lxc;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.jna.Native;

import pro.codai.sandbox.api.ExecRequest;
import pro.codai.sandbox.api.ExecResult;
import pro.codai.sandbox.api.LimitHit;
import pro.codai.sandbox.api.Limits;
import pro.codai.sandbox.api.Mount;
import pro.codai.sandbox.api.PtySession;
import pro.codai.sandbox.api.Sandbox;
import pro.codai.sandbox.api.SandboxException;
import pro.codai.sandbox.api.SandboxSpec;
import pro.codai.sandbox.api.SandboxState;
import pro.codai.sandbox.api.SandboxStats;
import pro.codai.sandbox.lxc.internal.Container;
import pro.codai.sandbox.lxc.internal.LibC;

/** One LXC sandbox. Thread-safe: lifecycle calls are serialised, runs may overlap. */
final class LxcSandbox implements Sandbox {

    static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    static final int START_TIMEOUT_SECONDS = 10;
    static final String CLEANEXEC = "/usr/local/lib/codaipro/cleanexec";

    static final int SIGXCPU = 24;

    static final Duration OUTPUT_GRACE = Duration.ofMillis(500);

    private final String id;
    private volatile SandboxSpec spec;
    private final Path stateDir;
    private final CgroupVersion cgroups;
    private final ResourceViews views;
    private final Launcher starts;
    private final Launcher runs;
    private final CgroupLeftovers cgroupLeftovers;
    private Runnable releaseIdRange;
    private volatile SandboxState state = SandboxState.CREATED;
    private final AtomicLong oomKillsSeen = new AtomicLong();

    /** Blocking pipe and wait threads; never the common pool, which has one thread on 2 cores. */
    private static final ExecutorService IO =
            Executors.newCachedThreadPool(
                    runnable -> {
                        Thread thread = new Thread(runnable, "sandbox-io");
                        thread.setDaemon(true);
                        return thread;
                    });

    /** Mounts a volume into a running sandbox, given its init's host pid (the driver's job). */
    interface VolumeInjector {
        void inject(Mount mount, int initPid) throws IOException, SandboxException;
    }

    private final VolumeInjector volumes;
    private final Runnable afterStart;

    LxcSandbox(
            String id,
            SandboxSpec spec,
            Path stateDir,
            CgroupVersion cgroups,
            ResourceViews views,
            Launcher starts,
            Launcher runs,
            CgroupLeftovers cgroupLeftovers,
            VolumeInjector volumes,
            Runnable afterStart,
            Runnable releaseIdRange) {
        this.id = id;
        this.spec = spec;
        this.stateDir = stateDir;
        this.cgroups = cgroups;
        this.views = views;
        this.starts = starts;
        this.runs = runs;
        this.cgroupLeftovers = cgroupLeftovers;
        this.volumes = volumes;
        this.afterStart = afterStart;
        this.releaseIdRange = releaseIdRange;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public SandboxSpec spec() {
        return spec;
    }

    @Override
    public SandboxState state() {
        return state;
    }

    private Container open() {
        return Container.open(id, stateDir.toString());
    }

    /**
     * Attaches a program through the launcher, as the sandbox's root with a clear environment.
     * Under this sandbox's lock, so {@link #stop} cannot interleave.
     */
    private synchronized Launcher.Attached attach(
            String cwd, List<String> env, List<String> argv, int stdin, int stdout, int stderr)
            throws SandboxException {
        if (state != SandboxState.RUNNING) {
            throw new SandboxException("sandbox " + id + " is not running");
        }
        try {
            return runs.attach(stateDir, id, cwd, argv, env, stdin, stdout, stderr);
        } catch (IOException e) {
            throw new SandboxException("cannot run in sandbox " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void start() throws SandboxException {
        try {
            starts.start(stateDir, id);
            cgroupLeftovers.moveBack(starts.pid());
        } catch (IOException e) {
            throw new SandboxException(
                    "sandbox "
                            + id
                            + " did not start: "
                            + e.getMessage()
                            + " (see "
                            + stateDir.resolve(id)
                            + ")",
                    e);
        }
        try (Container container = open()) {
            if (!container.waitFor("RUNNING", START_TIMEOUT_SECONDS)) {
                throw new SandboxException(
                        "sandbox " + id + " did not start (see " + stateDir.resolve(id) + ")");
            }
        }
        // Before anything runs in it: nothing but init has started yet.
        afterStart.run();
        state = SandboxState.RUNNING;
    }

    @Override
    public ExecResult exec(ExecRequest request) throws SandboxException {
        if (state != SandboxState.RUNNING) {
            throw new SandboxException("sandbox " + id + " is not running");
        }
        Duration cpu = min(request.cpuTime(), spec.limits().cpuTime());
        Duration wall = min(request.wallTime(), spec.limits().wallTime());
        // SIGXCPU at the soft limit names the cause; SIGKILL at the hard one catches a handler.
        long cpuSeconds = Math.max(1, (cpu.toMillis() + 999) / 1000);
        List<String> argv = new ArrayList<>();
        // Attached as the sandbox's root, cleanexec closes every inherited descriptor, starts a
        // session (the run is killed as one process group), sets RLIMIT_CPU and drops to the
        // student before it execs the program (modules/sandbox-lxc/src/main/c/cleanexec.c).
        argv.addAll(
                List.of(
                        CLEANEXEC,
                        Integer.toString(LxcConfig.SANDBOX_UID),
                        Integer.toString(LxcConfig.SANDBOX_UID),
                        Long.toString(cpuSeconds)));
        argv.addAll(request.argv());

        Pipe stdin = Pipe.open();
        Pipe stdout = Pipe.open();
        Pipe stderr = Pipe.open();
        long started = System.nanoTime();
        Launcher.Attached run;
        try {
            run =
                    attach(
                            request.cwd(),
                            environment(request.env()),
                            argv,
                            stdin.read(),
                            stdout.write(),
                            stderr.write());
        } catch (RuntimeException | SandboxException e) {
            stdin.closeBoth();
            stdout.closeBoth();
            stderr.closeBoth();
            throw e instanceof SandboxException refused
                    ? refused
                    : new SandboxException(
                            "cannot run in sandbox " + id + ": " + e.getMessage(), e);
        }
        int pid = run.pid();
        stdin.closeRead();
        stdout.closeWrite();
        stderr.closeWrite();

        List<String> outputPipes = List.of(pipeName(stdout.read()), pipeName(stderr.read()));
        AtomicBoolean truncated = new AtomicBoolean();
        // A run that overflows its output limit is stopped then and there: what it writes next
        // would be thrown away, and it would only burn CPU until its time limit. Unless the
        // request asks to run on (Jobe's runguard keeps reading and discarding): the time limits
        // still end it, and the pipes are drained so that it never blocks on a full one.
        int runPid = pid;
        Runnable stopRun =
                request.stopAtOutputLimit()
                        ? () -> {
                            LibC.INSTANCE.kill(-runPid, LibC.SIGKILL);
                            LibC.INSTANCE.kill(runPid, LibC.SIGKILL);
                        }
                        : () -> {};
        CompletableFuture<byte[]> out =
                CompletableFuture.supplyAsync(
                        () -> drain(stdout.read(), request.outputLimitBytes(), truncated, stopRun),
                        IO);
        CompletableFuture<byte[]> err =
                CompletableFuture.supplyAsync(
                        () -> drain(stderr.read(), request.outputLimitBytes(), truncated, stopRun),
                        IO);
        CompletableFuture.runAsync(() -> feed(stdin.write(), request.stdin()), IO);
        CompletableFuture<Launcher.Exit> exit = run.exit();

        LimitHit limitHit = LimitHit.NONE;
        Launcher.Exit status;
        try {
            status = exit.get(wall.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            limitHit = LimitHit.WALL_TIME;
            LibC.INSTANCE.kill(-pid, LibC.SIGKILL);
            LibC.INSTANCE.kill(pid, LibC.SIGKILL);
            status = join(exit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LibC.INSTANCE.kill(-pid, LibC.SIGKILL);
            throw new SandboxException("interrupted");
        } catch (ExecutionException e) {
            // The launcher ended: nobody reaps the run any more, so nothing of it may go on.
            LibC.INSTANCE.kill(-pid, LibC.SIGKILL);
            LibC.INSTANCE.kill(pid, LibC.SIGKILL);
            throw new SandboxException(
                    "waiting for the run failed: " + e.getCause().getMessage(), e.getCause());
        }
        // What is left of the run's process group (e.g. a background child) ends with it.
        LibC.INSTANCE.kill(-pid, LibC.SIGKILL);
        // Output ends when its last writer is gone. A descendant that left the run's process group
        // (setsid, double fork) may still hold it: such holders are the run's, and end with it.
        if (!finishesWithin(CompletableFuture.allOf(out, err), OUTPUT_GRACE)) {
            killHolders(outputPipes);
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        int rawStatus = status.status();
        int signal = rawStatus & 0x7f;
        int exitCode = signal == 0 ? (rawStatus >> 8) & 0xff : -1;
        Duration cpuUsed = Duration.ofNanos(status.cpuMicros() * 1000L);
        byte[] stdoutBytes = join(out);
        byte[] stderrBytes = join(err);
        // A shell that ran the program as its child (sh -c 'prog args', as Jobe runs programs)
        // reports the child's death by a signal as exit status 128 + the signal.
        boolean killed = signal == 9 || exitCode == 128 + 9;
        boolean oomKilled = killed && newOomKill();
        if (limitHit == LimitHit.NONE) {
            // Output first: a run past its output limit is killed at once (stopRun), and a writer
            // that buffers what the pipe would not take (Node's console.log) may meanwhile reach
            // the memory limit too; the limit it hit first is the output one.
            if (truncated.get() && request.stopAtOutputLimit()) {
                limitHit = LimitHit.OUTPUT;
            } else if (oomKilled) {
                limitHit = LimitHit.MEMORY;
            } else if (signal == SIGXCPU
                    || ((killed || exitCode == 128 + SIGXCPU)
                            && cpuUsed.compareTo(cpu.multipliedBy(9).dividedBy(10)) >= 0)) {
                limitHit = LimitHit.CPU_TIME;
            }
        }
        return new ExecResult(
                exitCode,
                signal,
                stdoutBytes,
                stderrBytes,
                truncated.get(),
                cpuUsed,
                elapsed,
                limitHit);
    }

    /** A run's environment: the fixed variables, the views' (as narrowed), the request's. */
    private List<String> environment(Map<String, String> extra) {
        List<String> env =
                new ArrayList<>(
                        List.of(
                                "PATH=" + PATH,
                                "HOME=/home/student",
                                "USER=student",
                                "LOGNAME=student",
                                "LANG=C.UTF-8",
                                "TERM=xterm-256color"));
        for (String variable : views.environment(spec.limits())) {
            if (!extra.containsKey(variable.substring(0, variable.indexOf('=')))) {
                env.add(variable);
            }
        }
        extra.forEach((name, value) -> env.add(name + "=" + value));
        return env;
    }

    /** The kernel's name of a pipe ({@code pipe:[inode]}), as {@code /proc/<pid>/fd} shows it. */
    private static String pipeName(int fd) throws SandboxException {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (IOException e) {
            throw new SandboxException("cannot name pipe " + fd + ": " + e.getMessage(), e);
        }
    }

    private static boolean finishesWithin(CompletableFuture<?> future, Duration timeout) {
        try {
            future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return true;
        }
    }

    /** SIGKILLs every other process that holds one of these pipes open. */
    private static void killHolders(List<String> pipes) {
        long self = ProcessHandle.current().pid();
        try (var processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path process : processes) {
                int pid = Integer.parseInt(process.getFileName().toString());
                if (pid != self && holdsAny(process, pipes)) {
                    LibC.INSTANCE.kill(pid, LibC.SIGKILL);
                }
            }
        } catch (IOException e) {
            // /proc is always there; a vanished process is simply skipped below
        }
    }

    private static boolean holdsAny(Path process, List<String> pipes) {
        try (var fds = Files.newDirectoryStream(process.resolve("fd"))) {
            for (Path fd : fds) {
                try {
                    if (pipes.contains(Files.readSymbolicLink(fd).toString())) {
                        return true;
                    }
                } catch (IOException closed) {
                    // closed meanwhile
                }
            }
        } catch (IOException | SecurityException gone) {
            // the process ended meanwhile
        }
        return false;
    }

    /**
     * Reads a pipe to its end, keeping at most {@code limit} bytes and discarding the rest; the
     * first overflow (of either stream) runs {@code onOverflow}.
     */
    private static byte[] drain(int fd, int limit, AtomicBoolean truncated, Runnable onOverflow) {
        ByteArrayOutputStream kept = new ByteArrayOutputStream(Math.min(limit, 64 * 1024));
        byte[] buffer = new byte[64 * 1024];
        try {
            while (true) {
                long n = LibC.INSTANCE.read(fd, buffer, buffer.length);
                if (n < 0 && Native.getLastError() == LibC.EINTR) {
                    continue;
                }
                if (n <= 0) {
                    break;
                }
                int room = limit - kept.size();
                if (n > room && truncated.compareAndSet(false, true)) {
                    onOverflow.run();
                }
                kept.write(buffer, 0, (int) Math.max(0, Math.min(n, room)));
            }
        } finally {
            LibC.INSTANCE.close(fd);
        }
        return kept.toByteArray();
    }

    private static void feed(int fd, byte[] input) {
        try {
            int offset = 0;
            while (offset < input.length) {
                byte[] chunk =
                        java.util.Arrays.copyOfRange(
                                input, offset, Math.min(input.length, offset + 64 * 1024));
                long n = LibC.INSTANCE.write(fd, chunk, chunk.length);
                if (n <= 0) {
                    break; // the program closed its input
                }
                offset += (int) n;
            }
        } finally {
            LibC.INSTANCE.close(fd);
        }
    }

    private static <T> T join(CompletableFuture<T> future) throws SandboxException {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted");
        } catch (ExecutionException | TimeoutException e) {
            throw new SandboxException("run did not finish cleanly: " + e, e);
        }
    }

    /** Whether the sandbox's OOM-kill counter rose since last asked; read only after a SIGKILL. */
    private boolean newOomKill() {
        long now = oomKills();
        return oomKillsSeen.getAndSet(now) < now;
    }

    private long oomKills() {
        String key = cgroups == CgroupVersion.V2 ? "memory.events" : "memory.oom_control";
        try (Container container = open()) {
            String events = container.cgroupItem(key);
            if (events == null) {
                return 0;
            }
            for (String line : events.split("\n")) {
                if (line.startsWith("oom_kill ")) {
                    return Long.parseLong(line.substring("oom_kill ".length()).trim());
                }
            }
        }
        return 0;
    }

    @Override
    public PtySession openPty(int columns, int rows) throws SandboxException {
        if (state != SandboxState.RUNNING) {
            throw new SandboxException("sandbox " + id + " is not running");
        }
        if (columns < 1 || columns > 1000 || rows < 1 || rows > 1000) {
            throw new SandboxException("terminal size out of range: " + columns + "x" + rows);
        }
        int[] master = new int[1];
        int[] slave = new int[1];
        if (LibC.INSTANCE.openpty(master, slave, null, null, null) != 0) {
            throw new SandboxException(
                    "cannot open a pseudo-terminal (errno " + Native.getLastError() + ")");
        }
        LxcPtySession.setSize(master[0], columns, rows);
        List<String> argv =
                List.of(
                        CLEANEXEC,
                        Integer.toString(LxcConfig.SANDBOX_UID),
                        Integer.toString(LxcConfig.SANDBOX_UID),
                        Long.toString(Math.max(1, spec.limits().cpuTime().toSeconds())),
                        "/bin/bash",
                        "--login");
        Launcher.Attached shell;
        try {
            shell =
                    attach(
                            "/home/student",
                            environment(Map.of()),
                            argv,
                            slave[0],
                            slave[0],
                            slave[0]);
        } catch (RuntimeException | SandboxException e) {
            LibC.INSTANCE.close(master[0]);
            throw e instanceof SandboxException refused
                    ? refused
                    : new SandboxException(
                            "cannot open a terminal in sandbox " + id + ": " + e.getMessage(), e);
        } finally {
            LibC.INSTANCE.close(slave[0]);
        }
        return new LxcPtySession(master[0], shell.pid(), shell.exit());
    }

    @Override
    public synchronized void mount(List<Mount> mounts) throws SandboxException {
        if (state != SandboxState.RUNNING) {
            throw new SandboxException("sandbox " + id + " is not running");
        }
        if (!spec.mounts().isEmpty()) {
            throw new SandboxException("sandbox " + id + " has its volumes already");
        }
        int initPid;
        try (Container container = open()) {
            initPid = container.initPid();
        }
        if (initPid <= 0) {
            throw new SandboxException("sandbox " + id + " has no init process");
        }
        for (Mount mount : mounts) {
            try {
                volumes.inject(mount, initPid);
            } catch (IOException e) {
                throw new SandboxException(
                        "cannot mount volume "
                                + mount.volume()
                                + " in sandbox "
                                + id
                                + ": "
                                + e.getMessage(),
                        e);
            }
        }
        spec = spec.withMounts(List.copyOf(mounts));
    }

    @Override
    public synchronized void narrow(Limits limits) throws SandboxException {
        if (!spec.limits().canNarrowTo(limits)) {
            throw new SandboxException(
                    "limits " + limits + " are not narrower than " + spec.limits());
        }
        if (state != SandboxState.RUNNING) {
            throw new SandboxException("sandbox " + id + " is not running");
        }
        try (Container container = open()) {
            for (var file : LxcConfig.cgroupFiles(limits, cgroups).entrySet()) {
                if (!container.setCgroupItem(file.getKey(), file.getValue())) {
                    throw new SandboxException("cannot set " + file.getKey() + " of sandbox " + id);
                }
            }
        }
        try {
            LxcDriver.resizeWritableLayer(
                    stateDir.resolve(id).resolve(LxcDriver.WRITABLE_LAYER), limits.diskBytes());
        } catch (IOException e) {
            throw new SandboxException("cannot resize the disk of sandbox " + id + ": " + e, e);
        }
        spec = spec.withLimits(limits);
    }

    @Override
    public SandboxStats stats() throws SandboxException {
        try (Container container = open()) {
            if (cgroups == CgroupVersion.V2) {
                return new SandboxStats(
                        number(container.cgroupItem("memory.current")),
                        number(container.cgroupItem("memory.peak")),
                        field(container.cgroupItem("cpu.stat"), "usage_usec") * 1000,
                        (int) number(container.cgroupItem("pids.current")),
                        oomKills());
            }
            return new SandboxStats(
                    number(container.cgroupItem("memory.usage_in_bytes")),
                    number(container.cgroupItem("memory.max_usage_in_bytes")),
                    number(container.cgroupItem("cpuacct.usage")),
                    (int) number(container.cgroupItem("pids.current")),
                    oomKills());
        }
    }

    private static long number(String value) {
        if (value == null || value.isBlank()) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static long field(String stat, String name) {
        if (stat == null) {
            return -1;
        }
        for (String line : stat.split("\n")) {
            if (line.startsWith(name + " ")) {
                return number(line.substring(name.length()));
            }
        }
        return -1;
    }

    @Override
    public synchronized void stop() throws SandboxException {
        runs.forget(stateDir, id);
        try (Container container = open()) {
            if (container.isRunning()) {
                container.stop();
                container.waitFor("STOPPED", START_TIMEOUT_SECONDS);
            }
        }
        cgroupLeftovers.remove(id);
        state = SandboxState.STOPPED;
    }

    @Override
    public synchronized void destroy() throws SandboxException {
        stop();
        try {
            LxcDriver.remove(stateDir.resolve(id));
        } catch (IOException e) {
            throw new SandboxException("cannot remove sandbox " + id + ": " + e.getMessage(), e);
        }
        // Only once nothing of the sandbox is left may another sandbox get its host ids.
        if (releaseIdRange != null) {
            releaseIdRange.run();
            releaseIdRange = null;
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** A pipe made with O_CLOEXEC, so neither end leaks into other attached processes. */
    record Pipe(int[] fds) {
        static Pipe open() throws SandboxException {
            int[] fds = new int[2];
            if (LibC.INSTANCE.pipe2(fds, LibC.O_CLOEXEC) != 0) {
                throw new SandboxException(
                        "cannot create a pipe (errno " + Native.getLastError() + ")");
            }
            return new Pipe(fds);
        }

        int read() {
            return fds[0];
        }

        int write() {
            return fds[1];
        }

        void closeRead() {
            LibC.INSTANCE.close(fds[0]);
        }

        void closeWrite() {
            LibC.INSTANCE.close(fds[1]);
        }

        void closeBoth() {
            closeRead();
            closeWrite();
        }
    }
}
