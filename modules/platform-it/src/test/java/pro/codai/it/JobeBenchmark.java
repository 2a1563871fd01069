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

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;

/**
 * What Jobe's own {@code testsubmit.py --perf} measures, through the appliance's Jobe API: latency
 * of one hello-world run over HTTP (p50/p99, against an HTTP round trip that runs nothing, measured
 * in the same run), the sustained rate of C and Python hello-world submissions, and a burst of 256
 * C submissions at once. Prints figures; asserts nothing about time. Run with {@code -Pbench} (see
 * docs/development/README.md).
 */
class JobeBenchmark {

    static final String C_HELLO =
            "#include <stdio.h>\nint main(void) { printf(\"Hello world\\n\"); return 0; }\n";
    static final String PYTHON_HELLO = "print('Hello world')\n";

    static final int SAMPLES = Integer.getInteger("bench.samples", 50);
    static final int SECONDS = Integer.getInteger("bench.seconds", 20);
    static final int CLIENTS = Integer.getInteger("bench.clients", 8);
    static final int BURST = Integer.getInteger("bench.burst", 256);

    @Test
    void measure() throws Exception {
        Path workDir =
                Files.createTempDirectory(Path.of("target"), "JobeBenchmark-").toAbsolutePath();
        try (Sandboxd sandboxd = Sandboxd.start(4); // sandboxd's default warm pool
                RunningServer server =
                        RunningServer.start(
                                workDir.resolve("data"),
                                Map.of(
                                        "CODAIPRO_SANDBOXD_SOCKET",
                                        sandboxd.socket.toString(),
                                        "CODAIPRO_JOBE_REQUIRE_API_KEY",
                                        "false",
                                        "CODAIPRO_JVM_HEAP",
                                        "768m"))) {
            Jobe jobe = new Jobe(server);
            System.out.printf(
                    "Jobe API benchmark: %d cores, %d samples, %d s sustained with %d clients,"
                            + " burst %d%n",
                    Runtime.getRuntime().availableProcessors(), SAMPLES, SECONDS, CLIENTS, BURST);
            // Warm up the JIT, the pools and the language probe.
            for (int i = 0; i < 10; i++) {
                jobe.run("c", C_HELLO);
                jobe.run("python3", PYTHON_HELLO);
            }
            List<Long> baseline = new ArrayList<>();
            for (int i = 0; i < SAMPLES; i++) {
                long started = System.nanoTime();
                jobe.languages();
                baseline.add(System.nanoTime() - started);
            }
            report("HTTP round trip, nothing run (GET languages)", baseline);
            report("Python hello world, one at a time", latencies(jobe, "python3", PYTHON_HELLO));
            CpuMeter meter = new CpuMeter(server.process().pid(), sandboxd.pid());
            report("C hello world, one at a time", latencies(jobe, "c", C_HELLO));
            meter.report("C hello world job", SAMPLES);
            meter = new CpuMeter(server.process().pid(), sandboxd.pid());
            report(
                    "Python hello world, one at a time (again)",
                    latencies(jobe, "python3", PYTHON_HELLO));
            meter.report("Python hello world job", SAMPLES);
            sustained(jobe, "C", "c", C_HELLO);
            sustained(jobe, "Python", "python3", PYTHON_HELLO);
            burst(jobe);
        }
    }

    private static List<Long> latencies(Jobe jobe, String language, String source)
            throws Exception {
        List<Long> samples = new ArrayList<>();
        for (int i = 0; i < SAMPLES; i++) {
            long started = System.nanoTime();
            int outcome = jobe.run(language, source);
            samples.add(System.nanoTime() - started);
            if (outcome != 15) {
                System.out.printf("  (run %d: outcome %d)%n", i, outcome);
            }
        }
        return samples;
    }

    private static void sustained(Jobe jobe, String name, String language, String source)
            throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        Map<Integer, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        List<Long> samples = Collections.synchronizedList(new ArrayList<>());
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        long started = System.nanoTime();
        for (int c = 0; c < CLIENTS; c++) {
            clients.submit(
                    () -> {
                        while (running.get()) {
                            long t = System.nanoTime();
                            int outcome = jobe.run(language, source);
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
                "sustained %-6s hello world, %d clients: %6.1f jobs/s OK (%d OK, outcomes %s, %.1f s)%n",
                name, CLIENTS, ok / seconds, ok, outcomes, seconds);
        report("  latency under that load", samples);
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
        private static long processTicks(long pid) throws Exception {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11])
                    + Long.parseLong(fields[12])
                    + Long.parseLong(fields[13])
                    + Long.parseLong(fields[14]);
        }

        private static long busyTicks() throws Exception {
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

    /** A tiny Jobe client. */
    record Jobe(RunningServer server) {
        int run(String language, String source) throws Exception {
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
                                            server.uri("/jobe/index.php/restapi/runs"))
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
            Http.get(server.uri("/jobe/index.php/restapi/languages"));
        }
    }
}
