package pro.codai.sandbox.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;

import pro.codai.sandbox.api.DriverConfig;
import pro.codai.sandbox.api.Limits;
import pro.codai.sandbox.api.Sandbox;
import pro.codai.sandbox.api.SandboxException;
import pro.codai.sandbox.api.SandboxSpec;
import pro.codai.sandbox.daemon.DaemonConfig;
import pro.codai.sandbox.daemon.SandboxDaemon;
import pro.codai.sandbox.lxc.LxcDriver;
import pro.codai.sandbox.protocol.SandboxClient;

/**
 * Prints the sandbox figures: host baselines and, through sandboxd on its Unix socket, cold start,
 * warm acquire, exec round trips, short execs per second, and how many idle sandboxes the host
 * holds at what memory each; with resource views, what a sandbox reading {@code /proc/meminfo}
 * costs LXCFS. Measures; asserts nothing. Needs root, liblxc and the base image.
 *
 * <pre>
 * ./mvnw -Pbench -pl modules/sandbox-bench -am verify -Dbench.args="--image-dir DIR --idle 1000"
 * </pre>
 *
 * {@code --resource-views off} measures without resource views ({@code sandboxd.resource-views}).
 */
public final class SandboxBenchmark {

    private SandboxBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path imageDir = Path.of(option(args, "--image-dir", "/var/lib/codaipro-sandboxes/images"));
        int samples = Integer.parseInt(option(args, "--samples", "100"));
        int idle = Integer.parseInt(option(args, "--idle", "1000"));
        int throughputSeconds = Integer.parseInt(option(args, "--seconds", "10"));
        String resourceViews = option(args, "--resource-views", "auto");

        Path root = Files.createTempDirectory("sandbox-bench-");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
        Properties settings = new Properties();
        settings.setProperty("sandboxd.socket", root.resolve("sandboxd.sock").toString());
        settings.setProperty("sandboxd.socket-group", "root");
        settings.setProperty("sandboxd.state-dir", root.resolve("sandboxes").toString());
        settings.setProperty("sandboxd.image-dir", imageDir.toString());
        settings.setProperty("sandboxd.volume-root", root.resolve("volumes").toString());
        settings.setProperty("sandboxd.warm-pool.size", "4");
        settings.setProperty("sandboxd.max-sandboxes", "5000");
        settings.setProperty("sandboxd.resource-views", resourceViews);
        DaemonConfig config = DaemonConfig.from(settings);

        System.out.printf(
                "Sandbox benchmark: %d samples per figure, %d cores, kernel %s, resource views %s"
                        + " (LXCFS %s)%n",
                samples,
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.version"),
                resourceViews,
                lxcfsPid() > 0 ? "running" : "not running");
        Stats hostTrue = sample(samples, () -> host("true"));
        Stats hostPython = sample(samples, () -> host("/usr/bin/python3", "-c", "pass"));

        try (SandboxDaemon daemon = new SandboxDaemon(config)) {
            daemon.start();
            try (SandboxClient client = SandboxClient.connect(config.socket())) {
                Stats cold =
                        sample(
                                samples / 2,
                                () -> {
                                    String id =
                                            client.call("create", SandboxClient.fields())
                                                    .getString("sandbox");
                                    client.call("start", SandboxClient.fields().add("sandbox", id));
                                    client.call("exec", exec(id, "true"));
                                    return id;
                                },
                                id ->
                                        client.call(
                                                "destroy",
                                                SandboxClient.fields().add("sandbox", id)));

                Stats warm =
                        sample(
                                samples / 2,
                                () -> {
                                    waitForPool(client);
                                    long started = System.nanoTime();
                                    String id =
                                            client.call("acquire", SandboxClient.fields())
                                                    .getString("sandbox");
                                    long took = System.nanoTime() - started;
                                    client.call(
                                            "destroy", SandboxClient.fields().add("sandbox", id));
                                    return took;
                                });

                String id = client.call("acquire", SandboxClient.fields()).getString("sandbox");
                Stats execTrue = sample(samples, () -> client.call("exec", exec(id, "true")));
                Stats execPython =
                        sample(
                                samples,
                                () -> client.call("exec", exec(id, "python3", "-c", "pass")));
                String meminfo = meminfoReads(client, id);
                client.call("destroy", SandboxClient.fields().add("sandbox", id));

                double perSecond = throughput(config, throughputSeconds);

                report("host: true", hostTrue);
                report("host: python3 -c pass", hostPython);
                report("cold start (create + start + first exec of true)", cold);
                report("warm-pool acquire", warm);
                report("exec true through sandboxd", execTrue);
                report("exec python3 -c pass through sandboxd", execPython);
                System.out.printf(
                        "%-52s p50 %+.1f ms (true), %+.1f ms (python3)%n",
                        "exec overhead over the host",
                        execTrue.p50() - hostTrue.p50(),
                        execPython.p50() - hostPython.p50());
                System.out.printf(
                        "%-52s %.0f /s (4 clients, %d s)%n",
                        "short execs (true) per second", perSecond, throughputSeconds);
                System.out.printf(
                        "%-52s %s%n", "10 000 reads of /proc/meminfo in a sandbox", meminfo);
            }
        }
        idleCapacity(config, imageDir, idle);
    }

    private static void waitForPool(SandboxClient client) throws Exception {
        for (int i = 0;
                i < 500 && client.call("hello", SandboxClient.fields()).getInt("warmPool") < 1;
                i++) {
            Thread.sleep(10);
        }
    }

    private static double throughput(DaemonConfig config, int seconds) throws Exception {
        int clients = 4;
        ExecutorService threads = Executors.newFixedThreadPool(clients);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Future<Integer>> counts = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            counts.add(
                    threads.submit(
                            () -> {
                                try (SandboxClient client =
                                        SandboxClient.connect(config.socket())) {
                                    String id =
                                            client.call("acquire", SandboxClient.fields())
                                                    .getString("sandbox");
                                    int done = 0;
                                    while (System.nanoTime() < deadline) {
                                        client.call("exec", exec(id, "true"));
                                        done++;
                                    }
                                    client.call(
                                            "destroy", SandboxClient.fields().add("sandbox", id));
                                    return done;
                                }
                            }));
        }
        int total = 0;
        for (Future<Integer> count : counts) {
            total += count.get();
        }
        threads.shutdown();
        return total / (double) seconds;
    }

    /**
     * Starts idle sandboxes until {@code target} or the first failure; reports memory per sandbox.
     */
    private static void idleCapacity(DaemonConfig config, Path imageDir, int target)
            throws Exception {
        LxcDriver driver = new LxcDriver();
        Limits small =
                new Limits(
                        64L << 20,
                        100,
                        16,
                        64L << 20,
                        64,
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(1));
        driver.init(
                new DriverConfig(
                        config.stateDir().resolveSibling("idle"),
                        imageDir,
                        config.volumeRoot(),
                        small,
                        "idle",
                        config.egress(),
                        config.resourceViews()));
        List<Sandbox> held = new ArrayList<>();
        System.gc();
        long before = memAvailableKb();
        long started = System.nanoTime();
        String stoppedBy = "target reached";
        try {
            for (int i = 0; i < target; i++) {
                Sandbox sandbox = driver.create(SandboxSpec.defaults("base").withLimits(small));
                held.add(sandbox);
                sandbox.start();
            }
        } catch (SandboxException | RuntimeException e) {
            stoppedBy = "stopped by: " + e.getMessage();
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        Thread.sleep(2000);
        long after = memAvailableKb();
        System.out.printf(
                "%-52s %d (%s) in %d s%n",
                "idle sandboxes held at once", held.size(), stoppedBy, seconds);
        System.out.printf(
                "%-52s %.2f MB%n",
                "host memory per idle sandbox (MemAvailable drop)",
                (before - after) / 1024.0 / Math.max(1, held.size()));
        for (Sandbox sandbox : held) {
            try {
                sandbox.destroy();
            } catch (SandboxException e) {
                System.err.println("could not destroy " + sandbox.id() + ": " + e.getMessage());
            }
        }
        driver.reap();
    }

    /**
     * One program in the sandbox reads {@code /proc/meminfo} 10 000 times; reports its wall time
     * and the CPU time LXCFS spent answering (LXCFS's whole process, so other readers would count;
     * nothing else reads during the benchmark).
     */
    private static String meminfoReads(SandboxClient client, String id) throws Exception {
        String loop = "for _ in range(10000): open('/proc/meminfo').read()";
        client.call("exec", exec(id, "python3", "-c", loop)); // warm-up
        int lxcfs = lxcfsPid();
        long lxcfsBefore = lxcfs > 0 ? cpuTicks(lxcfs) : 0;
        var result = client.call("exec", exec(id, "python3", "-c", loop));
        long lxcfsTicks = lxcfs > 0 ? cpuTicks(lxcfs) - lxcfsBefore : 0;
        return String.format(
                "%d ms wall, %d ms CPU in the sandbox, %s",
                result.getInt("wallMillis"),
                result.getInt("cpuMillis"),
                lxcfs > 0 ? "LXCFS CPU " + lxcfsTicks * 10 + " ms" : "no LXCFS");
    }

    /** The pid of the LXCFS daemon, or 0. */
    private static int lxcfsPid() throws IOException {
        try (var entries = Files.list(Path.of("/proc"))) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (name.chars().allMatch(Character::isDigit)) {
                    try {
                        if (Files.readString(entry.resolve("comm")).strip().equals("lxcfs")) {
                            return Integer.parseInt(name);
                        }
                    } catch (IOException gone) {
                        // the process ended meanwhile
                    }
                }
            }
        }
        return 0;
    }

    /** User + system CPU time of a process and its threads, in clock ticks (1/100 s). */
    private static long cpuTicks(int pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
    }

    private static long memAvailableKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemAvailable:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no MemAvailable in /proc/meminfo");
    }

    private static JsonObjectBuilder exec(String id, String... argv) {
        var array = Json.createArrayBuilder();
        for (String argument : argv) {
            array.add(argument);
        }
        return SandboxClient.fields().add("sandbox", id).add("argv", array).add("cwd", "/");
    }

    private static Object host(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor();
    }

    interface Action {
        Object run() throws Exception;
    }

    interface Cleanup {
        void accept(String value) throws Exception;
    }

    private static Stats sample(int count, Action action) throws Exception {
        return sample(count, action, null);
    }

    /** Times the action; a Long result is taken as the measured nanoseconds instead. */
    private static Stats sample(int count, Action action, Cleanup cleanup) throws Exception {
        for (int i = 0; i < Math.max(3, count / 10); i++) { // warm-up, not counted
            Object result = action.run();
            if (cleanup != null) {
                cleanup.accept((String) result);
            }
        }
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long started = System.nanoTime();
            Object result = action.run();
            long took = result instanceof Long nanos ? nanos : System.nanoTime() - started;
            millis.add(took / 1e6);
            if (cleanup != null) {
                cleanup.accept((String) result);
            }
        }
        Collections.sort(millis);
        return new Stats(millis);
    }

    record Stats(List<Double> sortedMillis) {
        double p50() {
            return percentile(0.50);
        }

        double p99() {
            return percentile(0.99);
        }

        double percentile(double p) {
            int index = (int) Math.ceil(p * sortedMillis.size()) - 1;
            return sortedMillis.get(Math.max(0, Math.min(index, sortedMillis.size() - 1)));
        }
    }

    private static void report(String name, Stats stats) {
        System.out.printf(
                "%-52s p50 %6.1f ms   p99 %6.1f ms   (n=%d)%n",
                name, stats.p50(), stats.p99(), stats.sortedMillis().size());
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
