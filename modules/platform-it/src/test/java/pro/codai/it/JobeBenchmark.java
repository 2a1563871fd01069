package pro.codai.it;

import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;

/**
 * What Jobe's own {@code testsubmit.py --perf} measures, through the appliance's Jobe API, next to
 * the floor — the same work with no HTTP and no sandbox, measured in the same run on this host
 * ({@code gcc} then {@code ./prog} for C, {@code /usr/bin/python3} for Python, started with {@link
 * ProcessBuilder} in a fresh directory per job) — and, when {@code bench.jobe-url} names one (e.g.
 * {@code http://jobe.example:80/jobe/index.php/restapi}), a real Jobe: latency of one hello-world
 * run (p50/p99, against an HTTP round trip that runs nothing), the closed-loop rate of {@code
 * bench.clients} clients submitting C and Python hello worlds (every outcome counted, jobs/s of
 * outcome 15), ratios appliance/floor, and a burst of {@code bench.burst} C submissions at once. C
 * is measured uncached (every job's source differs by a comment, so every job compiles) and cached
 * (the same source every time, as CodeRunner sends it for each test case). Prints figures; asserts
 * nothing about time. Run with {@code -Pbench} (see docs/development/README.md).
 */
class JobeBenchmark {

    static final String C_HELLO =
            "#include <stdio.h>\nint main(void) { printf(\"Hello world\\n\"); return 0; }\n";
    static final String PYTHON_HELLO = "print('Hello world')\n";

    static final int SAMPLES = Integer.getInteger("bench.samples", 50);
    static final int SECONDS = Integer.getInteger("bench.seconds", 20);
    static final int CLIENTS = Integer.getInteger("bench.clients", 8);
    static final int BURST = Integer.getInteger("bench.burst", 256);
    static final int ROUNDS = Integer.getInteger("bench.rounds", 1);
    static final String JOBE_URL = System.getProperty("bench.jobe-url", "");

    /** Something that runs a hello world and answers a Jobe outcome (15: it printed it). */
    interface Runner {
        int run(String language, String source) throws Exception;
    }

    /** What one workload is: a language and a source per job. */
    record Work(String name, String language, Supplier<String> source) {}

    /** A closed-loop figure. */
    record Rate(double jobsPerSecond, Map<Integer, AtomicInteger> outcomes, List<Long> latencies) {}

    static final AtomicInteger DISTINCT = new AtomicInteger();

    static final Work C_UNCACHED =
            new Work("C", "c", () -> C_HELLO + "/* job " + DISTINCT.incrementAndGet() + " */\n");
    static final Work C_CACHED = new Work("C cached", "c", () -> C_HELLO);
    static final Work PYTHON = new Work("Python", "python3", () -> PYTHON_HELLO);

    @Test
    void measure() throws Exception {
        Path workDir =
                Files.createTempDirectory(Path.of("target"), "JobeBenchmark-").toAbsolutePath();
        Map<String, String> settings = new java.util.HashMap<>();
        settings.put("CODAIPRO_JOBE_REQUIRE_API_KEY", "false");
        settings.put("CODAIPRO_JVM_HEAP", "768m");
        // e.g.
        // -Dbench.jvm-options="-XX:StartFlightRecording=filename=/tmp/jobe.jfr,settings=profile"
        String jvmOptions = System.getProperty("bench.jvm-options", "");
        if (!jvmOptions.isBlank()) {
            settings.put("CODAIPRO_JVM_OPTIONS", jvmOptions);
        }
        try (Sandboxd sandboxd = Sandboxd.start(4); // sandboxd's default warm pool
                RunningServer server =
                        RunningServer.start(
                                workDir.resolve("data"),
                                with(settings, "CODAIPRO_SANDBOXD_SOCKET", sandboxd.socket))) {
            Jobe jobe = new Jobe(server.uri("/jobe/index.php/restapi"));
            Floor floor = new Floor(Files.createDirectories(workDir.resolve("floor")));
            System.out.printf(
                    "Jobe API benchmark: %d cores, %d samples, %d s closed loop with %d clients,"
                            + " burst %d%n",
                    Runtime.getRuntime().availableProcessors(), SAMPLES, SECONDS, CLIENTS, BURST);
            // Warm up the JIT, the pools, the language probe and the host's page cache.
            for (int i = 0; i < 10; i++) {
                for (Work work : List.of(C_UNCACHED, C_CACHED, PYTHON)) {
                    jobe.run(work.language(), work.source().get());
                    floor.run(work.language(), work.source().get());
                }
            }
            Map<String, List<Double>> figures = new java.util.LinkedHashMap<>();
            for (int round = 1; round <= ROUNDS; round++) {
                System.out.printf("--- round %d of %d%n", round, ROUNDS);
                round(jobe, floor, server, sandboxd, figures);
            }
            System.out.printf(
                    "Summary over %d rounds (median, min–max of each round's figure):%n", ROUNDS);
            figures.forEach(
                    (name, values) -> {
                        List<Double> sorted = new ArrayList<>(values);
                        Collections.sort(sorted);
                        System.out.printf(
                                "  %-58s %8.1f  (%.1f–%.1f)%n",
                                name,
                                sorted.get(sorted.size() / 2),
                                sorted.get(0),
                                sorted.get(sorted.size() - 1));
                    });

            if (!JOBE_URL.isEmpty()) {
                Jobe other = new Jobe(java.net.URI.create(JOBE_URL.replaceAll("/+$", "")));
                for (Work work : List.of(C_UNCACHED, PYTHON)) {
                    report(
                            "Jobe at " + JOBE_URL + ": " + work.name() + " one at a time",
                            latencies(other, work));
                }
                for (Work work : List.of(C_UNCACHED, C_CACHED, PYTHON)) {
                    closedLoop(other, "Jobe", work);
                }
            } else {
                System.out.println(
                        "(no real Jobe measured: set -Dbench.jobe-url=http://…/jobe/index.php/restapi)");
            }
            burst(jobe);
        }
    }

    /** One round of every figure; each figure's value is added to {@code figures}. */
    private static void round(
            Jobe jobe,
            Floor floor,
            RunningServer server,
            Sandboxd sandboxd,
            Map<String, List<Double>> figures)
            throws Exception {
        List<Long> baseline = new ArrayList<>();
        for (int i = 0; i < SAMPLES; i++) {
            long started = System.nanoTime();
            jobe.languages();
            baseline.add(System.nanoTime() - started);
        }
        report("HTTP round trip, nothing run (GET languages)", baseline);

        Map<String, List<Long>> single = new java.util.LinkedHashMap<>();
        for (Work work : List.of(C_UNCACHED, PYTHON)) {
            single.put("floor " + work.name(), latencies(floor, work));
            report(
                    "floor: " + work.name() + " hello world, one at a time",
                    single.get("floor " + work.name()));
        }
        CpuMeter meter = new CpuMeter(server.process().pid(), sandboxd.pid());
        single.put("C", latencies(jobe, C_UNCACHED));
        report("C hello world (compiles), one at a time", single.get("C"));
        meter.report("C hello world job (compiles)", SAMPLES);
        meter = new CpuMeter(server.process().pid(), sandboxd.pid());
        single.put("C cached", latencies(jobe, C_CACHED));
        report("C hello world (compile cached), one at a time", single.get("C cached"));
        meter.report("C hello world job (compile cached)", SAMPLES);
        meter = new CpuMeter(server.process().pid(), sandboxd.pid());
        single.put("Python", latencies(jobe, PYTHON));
        report("Python hello world, one at a time", single.get("Python"));
        meter.report("Python hello world job", SAMPLES);

        Map<String, Rate> rates = new java.util.LinkedHashMap<>();
        for (Work work : List.of(C_UNCACHED, PYTHON)) {
            rates.put("floor " + work.name(), closedLoop(floor, "floor", work));
        }
        for (Work work : List.of(C_UNCACHED, C_CACHED, PYTHON)) {
            rates.put(work.name(), closedLoop(jobe, "appliance", work));
        }
        System.out.println("Appliance against the floor (same run, same host):");
        for (Work work : List.of(C_UNCACHED, C_CACHED, PYTHON)) {
            String floorName = "floor " + (work == C_CACHED ? C_UNCACHED : work).name();
            System.out.printf(
                    "  %-9s closed loop %5.1f / %5.1f jobs/s = %5.1f %% of the floor;"
                            + " one at a time p50 %6.1f ms = floor %+6.1f ms%n",
                    work.name(),
                    rates.get(work.name()).jobsPerSecond(),
                    rates.get(floorName).jobsPerSecond(),
                    100
                            * rates.get(work.name()).jobsPerSecond()
                            / rates.get(floorName).jobsPerSecond(),
                    p50(single.get(work.name())),
                    p50(single.get(work.name())) - p50(single.get(floorName)));
        }
        BiConsumer<String, Double> figure =
                (name, value) -> figures.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        figure.accept("HTTP round trip, nothing run: p50 ms", p50(baseline));
        for (String name : single.keySet()) {
            figure.accept(name + ", one at a time: p50 ms", p50(single.get(name)));
            figure.accept(name + ", one at a time: p99 ms", p99(single.get(name)));
        }
        for (String name : rates.keySet()) {
            figure.accept(
                    name + ", " + CLIENTS + " clients: jobs/s", rates.get(name).jobsPerSecond());
            figure.accept(
                    name + ", " + CLIENTS + " clients: p99 ms", p99(rates.get(name).latencies()));
        }
        for (Work work : List.of(C_UNCACHED, C_CACHED, PYTHON)) {
            String floorName = "floor " + (work == C_CACHED ? C_UNCACHED : work).name();
            figure.accept(
                    work.name() + " closed loop: % of the floor",
                    100
                            * rates.get(work.name()).jobsPerSecond()
                            / rates.get(floorName).jobsPerSecond());
            figure.accept(
                    work.name() + " one at a time: p50 ms over the floor's",
                    p50(single.get(work.name())) - p50(single.get(floorName)));
        }
    }

    private static Map<String, String> with(
            Map<String, String> settings, String key, Object value) {
        Map<String, String> all = new java.util.HashMap<>(settings);
        all.put(key, value.toString());
        return all;
    }

    private static double p99(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.isEmpty()
                ? Double.NaN
                : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1))
                        / 1e6;
    }

    private static double p50(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() / 2) / 1e6;
    }

    private static List<Long> latencies(Runner runner, Work work) throws Exception {
        List<Long> samples = new ArrayList<>();
        for (int i = 0; i < SAMPLES; i++) {
            String source = work.source().get();
            long started = System.nanoTime();
            int outcome = runner.run(work.language(), source);
            samples.add(System.nanoTime() - started);
            if (outcome != 15) {
                System.out.printf("  (run %d: outcome %d)%n", i, outcome);
            }
        }
        return samples;
    }

    /** {@link #CLIENTS} clients, each submitting its next job when its last one is answered. */
    private static Rate closedLoop(Runner runner, String who, Work work) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        Map<Integer, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        List<Long> samples = Collections.synchronizedList(new ArrayList<>());
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        long started = System.nanoTime();
        for (int c = 0; c < CLIENTS; c++) {
            clients.submit(
                    () -> {
                        while (running.get()) {
                            String source = work.source().get();
                            long t = System.nanoTime();
                            int outcome;
                            try {
                                outcome = runner.run(work.language(), source);
                            } catch (Exception e) {
                                outcome = -1;
                            }
                            samples.add(System.nanoTime() - t);
                            outcomes.computeIfAbsent(outcome, k -> new AtomicInteger())
                                    .incrementAndGet();
                        }
                        return null;
                    });
        }
        Thread.sleep(SECONDS * 1000L);
        running.set(false);
        clients.shutdown();
        clients.awaitTermination(5, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - started) / 1e9;
        int ok = outcomes.getOrDefault(15, new AtomicInteger()).get();
        System.out.printf(
                "closed loop %-9s %-8s hello world, %d clients: %6.1f jobs/s OK (%d OK,"
                        + " outcomes %s, %.1f s)%n",
                who,
                work.name(),
                CLIENTS,
                ok / seconds,
                ok,
                new java.util.TreeMap<>(outcomes),
                seconds);
        report("  latency under that load", samples);
        return new Rate(ok / seconds, outcomes, samples);
    }

    /**
     * The floor: the same hello world with no HTTP and no sandbox — {@code gcc} with the Jobe API's
     * C command and {@code ./prog}, or {@code /usr/bin/python3 prog.py} — in a fresh directory per
     * job, as a runner on this host would do it. Answers 15 when the program printed the greeting.
     */
    record Floor(Path dir) implements Runner {
        @Override
        public int run(String language, String source) throws Exception {
            Path job = Files.createTempDirectory(dir, "job");
            try {
                if (language.equals("c")) {
                    Files.writeString(job.resolve("prog.c"), source);
                    String compiled =
                            process(
                                    job,
                                    "gcc",
                                    "-Wall",
                                    "-Werror",
                                    "-std=c99",
                                    "-x",
                                    "c",
                                    "-o",
                                    "prog",
                                    "prog.c",
                                    "-lm");
                    if (compiled == null || !compiled.isEmpty()) {
                        return 11;
                    }
                    return "Hello world\n".equals(process(job, "./prog")) ? 15 : 12;
                }
                Files.writeString(job.resolve("prog.py"), source);
                return "Hello world\n".equals(process(job, "/usr/bin/python3", "prog.py"))
                        ? 15
                        : 12;
            } finally {
                try (var files = Files.list(job)) {
                    for (Path file : files.toList()) {
                        Files.delete(file);
                    }
                }
                Files.delete(job);
            }
        }

        /** Its output (stdout and stderr), or null when it failed or ran over 60 s. */
        private static String process(Path dir, String... command) throws Exception {
            Process process =
                    new ProcessBuilder(command)
                            .directory(dir.toFile())
                            .redirectErrorStream(true)
                            .redirectInput(
                                    ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                            .start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return null;
            }
            return process.exitValue() == 0 ? output : null;
        }
    }

    private static void burst(Jobe jobe) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(BURST);
        CountDownLatch ready = new CountDownLatch(BURST);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            results.add(
                    clients.submit(
                            () -> {
                                ready.countDown();
                                go.await();
                                return jobe.run("c", C_HELLO);
                            }));
        }
        ready.await();
        long started = System.nanoTime();
        go.countDown();
        Map<Integer, Integer> outcomes = new java.util.TreeMap<>();
        int errors = 0;
        for (Future<Integer> result : results) {
            try {
                outcomes.merge(result.get(), 1, Integer::sum);
            } catch (Exception e) {
                if (errors++ == 0) {
                    System.out.println("  first error: " + e.getCause());
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        clients.shutdown();
        System.out.printf(
                "burst of %d C hello world at once: outcomes %s, %d HTTP errors, all done in %.1f s"
                        + " (%.1f jobs/s)%n",
                BURST, outcomes, errors, seconds, BURST / seconds);
    }

    private static void report(String what, List<Long> nanos) {
        Figures.report(what, nanos);
    }

    /**
     * CPU time spent between its creation and {@link #report}: by the server JVM, by sandboxd, and
     * by everything else on the machine (the sandboxes' processes, the kernel's work for them).
     */
    static final class CpuMeter {
        private final long server;
        private final long sandboxd;
        private final long serverStart;
        private final long sandboxdStart;
        private final long totalStart;

        CpuMeter(long server, long sandboxd) throws Exception {
            this.server = server;
            this.sandboxd = sandboxd;
            this.serverStart = processTicks(server);
            this.sandboxdStart = processTicks(sandboxd);
            this.totalStart = busyTicks();
        }

        /** Prints the CPU time per one of {@code jobs} things done since the meter started. */
        void report(String what, int jobs) throws Exception {
            double tick = 1000.0 / 100; // USER_HZ
            double serverMs = (processTicks(server) - serverStart) * tick / jobs;
            double sandboxdMs = (processTicks(sandboxd) - sandboxdStart) * tick / jobs;
            double totalMs = (busyTicks() - totalStart) * tick / jobs;
            System.out.printf(
                    "  CPU per %s: server %.2f ms, sandboxd %.2f ms, rest %.2f ms, total %.2f ms"
                            + " (at most %.1f a second on %d cores)%n",
                    what,
                    serverMs,
                    sandboxdMs,
                    totalMs - serverMs - sandboxdMs,
                    totalMs,
                    Runtime.getRuntime().availableProcessors() * 1000 / totalMs,
                    Runtime.getRuntime().availableProcessors());
        }

        /** utime + stime of a process and its waited-for children, in clock ticks. */
        static long processTicks(long pid) throws Exception {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11])
                    + Long.parseLong(fields[12])
                    + Long.parseLong(fields[13])
                    + Long.parseLong(fields[14]);
        }

        static long busyTicks() throws Exception {
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).split("\\s+");
            long busy = 0;
            for (int i = 1; i < cpu.length; i++) {
                if (i != 4 && i != 5) { // idle, iowait
                    busy += Long.parseLong(cpu[i]);
                }
            }
            return busy;
        }
    }

    /** HTTP/1.1, and a connection per request (no pooled keep-alive connections). */
    static final java.net.http.HttpClient FRESH;

    static {
        System.setProperty("jdk.httpclient.keepalive.timeout", "0");
        FRESH =
                java.net.http.HttpClient.newBuilder()
                        .version(java.net.http.HttpClient.Version.HTTP_1_1)
                        .connectTimeout(java.time.Duration.ofSeconds(30))
                        .build();
    }

    /** A tiny Jobe client of the Jobe API at {@code base} ({@code …/jobe/index.php/restapi}). */
    record Jobe(java.net.URI base) implements Runner {
        @Override
        public int run(String language, String source) throws Exception {
            String body =
                    Json.createObjectBuilder()
                            .add(
                                    "run_spec",
                                    Json.createObjectBuilder()
                                            .add("language_id", language)
                                            .add("sourcecode", source))
                            .build()
                            .toString();
            // A connection per job, as Jobe's own testsubmit.py does: a server-side keep-alive
            // cap would otherwise close reused connections under a client's feet mid-burst.
            HttpResponse<String> response =
                    FRESH.send(
                            java.net.http.HttpRequest.newBuilder(
                                            java.net.URI.create(base + "/runs"))
                                    .timeout(java.time.Duration.ofSeconds(120))
                                    .header("Content-Type", "application/json")
                                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return -response.statusCode();
            }
            JsonObject result = Json.createReader(new StringReader(response.body())).readObject();
            return result.getInt("outcome");
        }

        void languages() throws Exception {
            Http.get(java.net.URI.create(base + "/languages"));
        }
    }
}
